#include "torchdist/distributions/generalized_pareto.h"

#include <cmath>
#include <limits>

namespace torchdist {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kLn2 = 0.69314718055994531;

// Where k is too small for the k != 0 forms (below the smallest normal
// number, in particular 0), they are replaced by their expansion to first
// order in k, whose value is the k = 0 limit up to rounding and whose
// gradient in k is exact at k = 0.
// The support's upper end, +inf for k >= 0; written as the samples are
// (loc + scale * (e / k) with e >= -1), so that rounding cannot put a sample
// above it.
at::Tensor upper_end(const at::Tensor& loc, const at::Tensor& scale, const at::Tensor& k) {
  return at::where(k < 0, loc + scale * -k.reciprocal(), kInf);
}

at::Tensor near_zero(const at::Tensor& k) { return k.abs() < finfo_tiny(k.scalar_type()); }

// log1p(k z) / k, and z - k z^2 / 2 near k = 0 (z where z is infinite,
// where the correction would be 0 * inf).
at::Tensor log1p_over_k(const at::Tensor& z, const at::Tensor& k) {
  const at::Tensor near = near_zero(k);
  const at::Tensor safe_k = at::where(near, 1.0, k);
  const at::Tensor general = at::log1p(safe_k * z) / safe_k;
  const at::Tensor finite_z = at::isfinite(z);
  const at::Tensor safe_z = at::where(finite_z, z, 0.0);
  const at::Tensor series = at::where(finite_z, safe_z - 0.5 * k * safe_z * safe_z, z);
  return at::where(near, series, general);
}

// expm1(k t) / k, and t + k t^2 / 2 near k = 0.
at::Tensor expm1_over_k(const at::Tensor& t, const at::Tensor& k) {
  const at::Tensor near = near_zero(k);
  const at::Tensor safe_k = at::where(near, 1.0, k);
  const at::Tensor general = at::expm1(safe_k * t) / safe_k;
  const at::Tensor finite_t = at::isfinite(t);
  const at::Tensor safe_t = at::where(finite_t, t, 0.0);
  const at::Tensor series = at::where(finite_t, safe_t + 0.5 * k * safe_t * safe_t, t);
  return at::where(near, series, general);
}
}  // namespace

at::Tensor generalized_pareto_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale,
                                       const at::Tensor& concentration) {
  const at::Tensor& k = concentration;
  at::Tensor z = (x - loc) / scale;
  // At k = -1 (uniform) the exponent 1 + 1/k is 0 and the upper end z = 1
  // would give 0 * inf: there the term is 0. The mask covers only that
  // point, so the gradient in k at k = -1 elsewhere is kept.
  const at::Tensor at_uniform_end = (k == -1).logical_and(1 + k * z <= 0);
  z = at::where(at_uniform_end, 0.0, z);
  // (1 / k + 1) log1p(k z) = (1 + k) log1p(k z) / k.
  const at::Tensor term = (1 + k) * log1p_over_k(z, k);
  return -scale.log() - term;
}

GeneralizedPareto::GeneralizedPareto(ScalarOrTensor loc, ScalarOrTensor scale, ScalarOrTensor concentration,
                                     c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  init_params({std::move(loc), std::move(scale), std::move(concentration)});
}

ConstraintPtr GeneralizedPareto::support() const {
  const at::Tensor loc = loc_.detach();
  return constraints::interval(loc, upper_end(loc, scale_.detach(), concentration_.detach()));
}

at::Tensor GeneralizedPareto::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const at::Tensor u = at::rand(extended_shape(sample_shape), generator, loc_.options().requires_grad(false));
  return loc_ + scale_ * expm1_over_k(-at::log1p(-u), concentration_);
}

at::Tensor GeneralizedPareto::log_prob(const at::Tensor& value) const {
  if (validate_args()) {
    check_sample(value);
    return generalized_pareto_log_prob(value, loc_, scale_, concentration_);
  }
  // Without validation: -inf outside [loc, upper end], where the formula
  // extends (finite below loc); it runs at loc there, so that no NaN
  // reaches the gradients.
  const at::Tensor outside =
      (value < loc_).logical_or_(value > upper_end(loc_.detach(), scale_.detach(), concentration_.detach()));
  return at::where(outside, -kInf,
                   generalized_pareto_log_prob(at::where(outside, loc_, value), loc_, scale_, concentration_));
}

at::Tensor GeneralizedPareto::log_survival_function(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return -log1p_over_k((value - loc_) / scale_, concentration_);
}

at::Tensor GeneralizedPareto::log_cdf(const at::Tensor& value) const {
  const at::Tensor log_s = log_survival_function(value);
  // log(1 - e^s): log(-expm1(s)) near s = 0, log1p(-exp(s)) in the tail
  // (Maechler, "Accurately computing log(1 - exp(-|a|))", 2012). The
  // clamps keep the unselected branch finite (log(0) at s = 0 would make
  // its zero gradient NaN).
  const at::Tensor tail = at::log1p(-log_s.clamp_max(-kLn2).exp());
  const at::Tensor near = (-at::expm1(log_s.clamp_min(-kLn2))).log();
  return at::where(log_s > -kLn2, near, tail);
}

at::Tensor GeneralizedPareto::cdf(const at::Tensor& value) const { return -at::expm1(log_survival_function(value)); }

at::Tensor GeneralizedPareto::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  return loc_ + scale_ * expm1_over_k(-at::log1p(-value), concentration_);
}

at::Tensor GeneralizedPareto::entropy() const { return scale_.log() + concentration_ + 1; }

at::Tensor GeneralizedPareto::mean() const {
  // +inf for k >= 1; a harmless k there keeps the gradient at 0.
  const at::Tensor finite = concentration_ < 1;
  const at::Tensor k = at::where(finite, concentration_, 0.0);
  return at::where(finite, loc_ + scale_ / (1 - k), kInf);
}

at::Tensor GeneralizedPareto::variance() const {
  const at::Tensor finite = concentration_ < 0.5;
  const at::Tensor k = at::where(finite, concentration_, 0.0);
  return at::where(finite, scale_.pow(2) / ((1 - k).pow(2) * (1 - 2 * k)), kInf);
}

at::Tensor GeneralizedPareto::mode() const {
  const at::Tensor to_upper = concentration_ < -1;
  const at::Tensor k = at::where(to_upper, concentration_, -2.0);
  return at::where(to_upper, loc_ + scale_ * -k.reciprocal(), loc_);
}

}  // namespace torchdist
