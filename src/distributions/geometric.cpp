#include "torchdist/distributions/geometric.h"

#include "count_support.h"
#include "torchdist/core/utils.h"

#include <ATen/core/grad_mode.h>

#include <cmath>

#include "../formulas/univariate.h"
#include "../kernels/formula_eval.h"
#include "../kernels/samplers.h"

namespace torchdist {

// src/formulas/univariate.h: GeometricLogProb.
at::Tensor geometric_log_prob(const at::Tensor& value, const at::Tensor& probs) {
  return detail::kernels::evaluate<formulas::GeometricLogProb<false>>(value, probs);
}

at::Tensor geometric_log_prob_logits(const at::Tensor& value, const at::Tensor& logits) {
  return detail::kernels::evaluate<formulas::GeometricLogProb<true>>(value, logits);
}

// param_ knows its kind before init_params fills it: the declaration (its
// name, its constraint) depends on it.
Geometric::Geometric(ProbsOrLogits param, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args), param_({}, param.is_probs(), ProbsLogitsParam::kBinary) {
  param.check_defined("Geometric");
  init_params({param.value()});
  // p = 0 never stops: torch checks positivity on top of unit_interval.
  if (this->validate_args() && param_.is_probs()) check_params({{"probs", param_.given(), constraints::positive()}});
}

at::Tensor Geometric::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::NoGradGuard no_grad;
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  const at::Tensor given = param_.given().detach();
  // floor(e / -log(1 - p)) of a standard exponential e (whose float tail
  // reaches 38.8: samplers.h).
  const at::Tensor e = detail::kernels::fused_exponential_noise(shape, given.options(), generator);
  if (e.defined()) {
    return detail::kernels::evaluate_by_form<formulas::GeometricFromExponential>(!param_.is_probs(), e, given);
  }
  // log(1 - p) in double: from the logits when given (accurate for p near 1).
  at::Tensor p64 = given.to(at::kDouble);
  at::Tensor log_q = param_.is_probs() ? at::log1p(-p64) : at::log_sigmoid(-p64);
  at::Tensor u = at::empty(shape, p64.options()).uniform_(finfo_tiny(at::kDouble), 1, std::move(generator));
  return (u.log() / log_q).floor().to(param_.given().scalar_type());
}

at::Tensor Geometric::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  const at::Tensor& given = param_.given();
  at::Tensor v = value.to(at::promote_types(value.scalar_type(), given.scalar_type()));
  // Without validation: -inf at a negative or fractional k (the formula
  // extends to them).
  const at::Tensor outside = validate_args() ? at::Tensor() : detail::mask_non_counts(v);
  const at::Tensor lp =
      detail::kernels::evaluate_by_form<formulas::GeometricLogProb>(!param_.is_probs(), v, given);
  return outside.defined() ? at::where(outside, -INFINITY, lp) : lp;
}

// src/formulas/univariate.h: GeometricEntropy, for the form given.
at::Tensor Geometric::entropy() const {
  return detail::kernels::evaluate_by_form<formulas::GeometricEntropy>(!param_.is_probs(), param_.given());
}

at::Tensor Geometric::mean() const {
  if (!param_.is_probs()) return at::exp(-param_.given());
  return 1 / param_.given() - 1;
}

at::Tensor Geometric::variance() const {
  const at::Tensor& given = param_.given();
  if (!param_.is_probs()) {
    at::Tensor odds_inv = at::exp(-given);  // (1 - p) / p
    return odds_inv * (1 + odds_inv);
  }
  return (1 / given - 1) / given;
}

}  // namespace torchdist
