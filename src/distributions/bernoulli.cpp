#include "torchdist/distributions/bernoulli.h"

#include "../formulas/univariate.h"
#include "../kernels/formula_eval.h"
#include "../kernels/fused.h"
#include "../kernels/samplers.h"

#include "torchdist/core/utils.h"

#include <ATen/core/grad_mode.h>

#include <limits>

namespace torchdist {
at::Tensor bernoulli_log_prob(const at::Tensor& value, const at::Tensor& logits) {
  return value * logits - log1p_exp(logits);
}

// param_ knows its kind before init_params fills it: the declaration (its
// name, its constraint) depends on it.
Bernoulli::Bernoulli(ProbsOrLogits param, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args), param_({}, param.is_probs(), ProbsLogitsParam::kBinary) {
  param.check_defined("Bernoulli");
  init_params({param.value()});
}

at::Tensor Bernoulli::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::NoGradGuard no_grad;
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  const at::Tensor& given = param_.given();
  const at::Tensor u = detail::kernels::fused_uniform_noise(shape, given.options(), generator, 1e-300, 1.0);
  if (u.defined()) {
    // src/formulas/univariate.h: BernoulliFromUniform, for the form given.
    return detail::kernels::evaluate_by_form<formulas::BernoulliFromUniform>(!param_.is_probs(), u, given.detach());
  }
  return at::bernoulli(probs().expand(shape), std::move(generator));
}

at::Tensor Bernoulli::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  const at::Tensor fused = detail::kernels::fused_bernoulli_log_prob(value, logits(), &bernoulli_log_prob);
  return fused.defined() ? fused : bernoulli_log_prob(value, logits());
}

at::Tensor Bernoulli::entropy() const { return -bernoulli_log_prob(probs(), logits()); }

at::Tensor Bernoulli::mode() const {
  const at::Tensor& p = probs();
  at::NoGradGuard no_grad;
  // A fair coin has two modes; torch reports NaN there.
  return (p >= 0.5).to(p.scalar_type()).masked_fill_(p == 0.5, std::numeric_limits<double>::quiet_NaN());
}

at::Tensor Bernoulli::variance() const {
  const at::Tensor& p = probs();
  return p * (1 - p);
}

at::Tensor Bernoulli::enumerate_support(bool expand) const {
  std::vector<int64_t> shape(batch_shape().size() + 1, 1);
  shape[0] = 2;
  at::Tensor values = at::arange(2, param_.given().options()).view(shape);
  if (!expand) return values;
  return values.expand(concat_shapes({2}, batch_shape()));
}

// theta = logit(p), t(x) = x: P(x) = exp(x theta - log(1 + e^theta)), k = 0.
std::vector<at::Tensor> Bernoulli::natural_params() const { return {logits()}; }

at::Tensor Bernoulli::log_normalizer(const std::vector<at::Tensor>& natural_params) const {
  TORCH_CHECK_VALUE(natural_params.size() == 1, "Bernoulli: log_normalizer takes 1 natural parameter, got ",
                    natural_params.size());
  // log(1 + e^theta) as log1p(e^theta) for theta <= 0 and
  // theta + log1p(e^-theta) above, each branch fed a value safe for it:
  // exact to rounding, and smooth to every order at 0 (exponential_family_kl
  // differentiates F twice; log1p_exp's second derivative at 0 is 0).
  const at::Tensor& theta = natural_params[0];
  const at::Tensor zero = at::zeros({}, theta.options());
  const at::Tensor lower = theta <= 0;
  const at::Tensor neg = at::where(lower, theta, zero);
  const at::Tensor pos = at::where(lower, zero, theta);
  return at::where(lower, at::log1p(at::exp(neg)), pos + at::log1p(at::exp(-pos)));
}

at::Tensor Bernoulli::mean_carrier_measure() const { return at::zeros_like(param_.given()); }

}  // namespace torchdist
