#include "torchdist/distributions/exponential.h"
#include "../formulas/univariate.h"
#include "../kernels/formula_eval.h"
#include "../kernels/samplers.h"

namespace torchdist {

at::Tensor exponential_log_prob(const at::Tensor& x, const at::Tensor& rate) {
  return detail::kernels::evaluate<formulas::ExponentialLogProb>(x, rate);
}

Exponential::Exponential(ScalarOrTensor rate, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  init_params({std::move(rate)});
}

at::Tensor Exponential::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  at::Tensor e = detail::kernels::fused_exponential_noise(shape, rate_.options(), generator);
  if (!e.defined()) e = at::empty(shape, rate_.options()).exponential_(1, generator);
  return e / rate_;
}

at::Tensor Exponential::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return exponential_log_prob(value, rate_);
}

at::Tensor Exponential::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return detail::kernels::evaluate<formulas::ExponentialCdf>(value, rate_);
}

at::Tensor Exponential::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  return detail::kernels::evaluate<formulas::ExponentialIcdf>(value, rate_);
}

at::Tensor Exponential::entropy() const { return detail::kernels::evaluate<formulas::ExponentialEntropy>(rate_); }

// theta = -rate, t(x) = x, k = 0: rate e^(-rate x) = exp(theta x + log(-theta)).
std::vector<at::Tensor> Exponential::natural_params() const { return {-rate_}; }

at::Tensor Exponential::log_normalizer(const std::vector<at::Tensor>& natural_params) const {
  TORCH_CHECK_VALUE(natural_params.size() == 1, "Exponential: log_normalizer takes 1 natural parameter, got ",
                    natural_params.size());
  return -at::log(-natural_params[0]);
}

at::Tensor Exponential::mean_carrier_measure() const { return at::zeros_like(rate_); }

}  // namespace torchdist
