#include "torchdist/distributions/geometric.h"

#include "count_support.h"
#include "torchdist/core/utils.h"

#include <ATen/core/grad_mode.h>

#include <cmath>

namespace torchdist {
namespace {

// log1p(x) / x for x > -1, 1 at x = 0: by its series 1 - x/2 + x^2/3 - x^3/4
// below |x| = 1e-4 (the next term is below 2e-17), where the quotient of two
// tiny (perhaps subnormal) numbers would lose digits or be 0 / 0.
at::Tensor log1p_over_x(const at::Tensor& x) {
  const at::Tensor small = x.abs() < 1e-4;
  const at::Tensor xs = at::where(small, x, at::zeros({}, x.options()));
  const at::Tensor xl = at::where(small, at::ones({}, x.options()), x);
  const at::Tensor series = 1 + xs * (-0.5 + xs * (1.0 / 3 + xs * -0.25));
  return at::where(small, series, at::log1p(xl) / xl);
}

}  // namespace

at::Tensor geometric_log_prob(const at::Tensor& value, const at::Tensor& probs) {
  // At p = 1 and k = 0, k * log1p(-p) is 0 * -inf: use p = 0 in that term
  // there (its gradient is then 0, and the total gradient is that of log p).
  at::Tensor p = at::where((probs == 1).logical_and(value == 0), at::zeros({}, probs.options()), probs);
  return value * at::log1p(-p) + probs.log();
}

at::Tensor geometric_log_prob_logits(const at::Tensor& value, const at::Tensor& logits) {
  // log p = log_sigmoid(l), log(1 - p) = log_sigmoid(-l): exact for large
  // |l| and for l = +-inf. log(1 - p) is -inf at l = +inf: keep k = 0 at 0.
  at::Tensor k_log_q =
      at::where(value == 0, at::zeros({}, logits.options()), value * at::log_sigmoid(-logits));
  return k_log_q + at::log_sigmoid(logits);
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
  // log(1 - p) in double: from the logits when given (accurate for p near 1).
  at::Tensor p64 = param_.given().detach().to(at::kDouble);
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
  at::Tensor lp = param_.is_probs() ? geometric_log_prob(v, given) : geometric_log_prob_logits(v, given);
  return outside.defined() ? at::where(outside, -INFINITY, lp) : lp;
}

at::Tensor Geometric::entropy() const {
  // H = -log p - ((1 - p) / p) log(1 - p) = -log p + (1 - p) r(-p) with
  // r(x) = log1p(x) / x, which is 1 at p -> 0: (1 - p) / p overflows for
  // tiny p (float p = 1e-40 gave inf), and r stays exact.
  const at::Tensor& given = param_.given();
  if (!param_.is_probs()) {
    const at::Tensor& l = given;
    // l < 0: e^-l log sigmoid(-l) = -r(e^l), which would be inf * 0 for l far below 0.
    const at::Tensor below = l < 0;
    const at::Tensor l_neg = at::where(below, l, at::zeros({}, l.options()));
    const at::Tensor l_pos = at::where(below, at::zeros({}, l.options()), l);
    // l = +inf (p = 1): exp(-l) * log(1 - p) is 0 * -inf; H is 0 there.
    const at::Tensor upper = (at::exp(-l_pos) * at::log_sigmoid(-l_pos)).masked_fill(l_pos == INFINITY, 0);
    return -at::log_sigmoid(l) + at::where(below, log1p_over_x(at::exp(l_neg)), -upper);
  }
  // At p = 1 the second term is 0 * -inf; H is exactly 0 there. The safe p
  // keeps the unused branch (and its gradient) finite.
  const at::Tensor one = given == 1;
  at::Tensor p = at::where(one, at::full({}, 0.5, given.options()), given);
  at::Tensor h = -p.log() + (1 - p) * log1p_over_x(-p);
  return at::where(one, at::zeros({}, h.options()), h);
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
