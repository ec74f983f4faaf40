#include "torchdist/distributions/gamma.h"

#include "../formulas/univariate.h"
#include "../kernels/formula_eval.h"
#include "../kernels/fused.h"

#include "gamma_math.h"
#include "sampling.h"

namespace torchdist {

at::Tensor gamma_log_prob(const at::Tensor& x, const at::Tensor& concentration, const at::Tensor& rate) {
  // xlogy keeps 0 * log(0) = 0: c = 1 at x = 0 is the exponential density r.
  return at::xlogy(concentration, rate) + at::xlogy(concentration - 1, x) - rate * x - at::lgamma(concentration);
}

at::Tensor gamma_cdf(const at::Tensor& x, const at::Tensor& concentration, const at::Tensor& rate) {
  // Clamped, the cdf is 0 below the support (P is NaN at a negative argument)
  // and its gradients there are 0.
  return detail::gamma_p(concentration, rate * x.clamp_min(0));
}

// init_params would validate: this is its broadcast-and-store half.
Gamma::Gamma(Unchecked, ScalarOrTensor concentration, ScalarOrTensor rate, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  auto params = broadcast_all("Gamma", {{"concentration", concentration}, {"rate", rate}});
  concentration_ = std::move(params[0]);
  rate_ = std::move(params[1]);
  set_batch_shape(concentration_.sizes());
}

Gamma::Gamma(ScalarOrTensor concentration, ScalarOrTensor rate, c10::optional<bool> validate_args)
    : Gamma(Unchecked{}, std::move(concentration), std::move(rate), validate_args) {
  if (this->validate_args()) validate_params();
}

at::Tensor Gamma::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  at::Tensor value = detail::standard_gamma(concentration_.expand(shape), generator) / rate_.expand(shape);
  // In place on a detached alias: the stored value moves off zero, the graph
  // (and so the implicit-reparameterization gradient) is untouched.
  value.detach().clamp_min_(finfo_tiny(value.scalar_type()));
  return value;
}

at::Tensor Gamma::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  const at::Tensor x = value.to(rate_.options());
  const at::Tensor fused = detail::kernels::fused_gamma_log_prob(x, concentration_, rate_, &gamma_log_prob);
  return fused.defined() ? fused : gamma_log_prob(x, concentration_, rate_);
}

at::Tensor Gamma::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return gamma_cdf(value, concentration_, rate_);
}

at::Tensor Gamma::entropy() const {
  return detail::kernels::evaluate<formulas::GammaEntropy>(concentration_, rate_);
}

// theta = (c - 1, -r), t(x) = (log x, x), k = 0: the density
// r^c x^(c-1) e^(-r x) / Gamma(c) is exp(<t, theta> - (lgamma(c) - c log r)).
std::vector<at::Tensor> Gamma::natural_params() const { return {concentration_ - 1, -rate_}; }

at::Tensor Gamma::log_normalizer(const std::vector<at::Tensor>& natural_params) const {
  TORCH_CHECK_VALUE(natural_params.size() == 2, name(), ": log_normalizer takes 2 natural parameters, got ",
                    natural_params.size());
  const at::Tensor c = natural_params[0] + 1;
  return at::lgamma(c) - c * at::log(-natural_params[1]);
}

at::Tensor Gamma::mean_carrier_measure() const { return at::zeros_like(rate_); }

}  // namespace torchdist
