#include "torchdist/distributions/continuous_bernoulli.h"

#include <ATen/core/Reduction.h>

#include <cmath>
#include <limits>

namespace torchdist {
namespace {

constexpr double kLog2 = 0.69314718055994530942;

// Below this |eta| (eta = logit(p)), cdf and icdf use their Taylor series in
// eta. The series are taken through eta^7; at |eta| = 0.01 the truncation
// error is below 2e-21 relative for the value and 5e-18 relative for the
// derivative in eta (checked against 50-digit arithmetic), while the closed
// forms lose only about eps / |eta| (1e-14) of the derivative there.
constexpr double kSeriesEta = 0.01;

at::Tensor scalar_like(const at::Tensor& t, double v) { return at::scalar_tensor(v, t.options()); }

// icdf(u) = log1p(u expm1(eta)) / eta as a series in eta:
// u + v [eta/2 + s eta^2/6 + (1 - 6v) eta^3/24 + s (1 - 12v) eta^4/120
//        + (1 - 30v + 120v^2) eta^5/720 + s (1 - 60v + 360v^2) eta^6/5040
//        + (1 - 126v + 1680v^2 - 5040v^3) eta^7/40320],
// with v = u (1 - u) and s = 1 - 2u (the coefficients are polynomials in u
// that factor through v and s).
at::Tensor icdf_series(const at::Tensor& u, const at::Tensor& eta) {
  at::Tensor v = u * (1 - u);
  at::Tensor s = 1 - 2 * u;
  at::Tensor b7 = (1 + v * (-126 + v * (1680 - 5040 * v))) / 40320;
  at::Tensor b6 = s * (1 + v * (-60 + 360 * v)) / 5040;
  at::Tensor b5 = (1 + v * (-30 + 120 * v)) / 720;
  at::Tensor b4 = s * (1 - 12 * v) / 120;
  at::Tensor b3 = (1 - 6 * v) / 24;
  at::Tensor b2 = s / 6;
  at::Tensor bracket = eta * (0.5 + eta * (b2 + eta * (b3 + eta * (b4 + eta * (b5 + eta * (b6 + eta * b7))))));
  return u + v * bracket;
}

// cdf(x) = expm1(eta x) / expm1(eta) as a series in eta:
// x + w [-eta/2 + t eta^2/12 + w eta^3/24 - t (1 + 3w) eta^4/720
//        - w (1 + 2w) eta^5/1440 + t (1 + 3w + 3w^2) eta^6/30240
//        + w (2 + 4w + 3w^2) eta^7/120960],
// with w = x (1 - x) and t = 1 - 2x.
at::Tensor cdf_series(const at::Tensor& x, const at::Tensor& eta) {
  at::Tensor w = x * (1 - x);
  at::Tensor t = 1 - 2 * x;
  at::Tensor b7 = w * (2 + w * (4 + 3 * w)) / 120960;
  at::Tensor b6 = t * (1 + w * (3 + 3 * w)) / 30240;
  at::Tensor b5 = -w * (1 + 2 * w) / 1440;
  at::Tensor b4 = -t * (1 + 3 * w) / 720;
  at::Tensor b3 = w / 24;
  at::Tensor b2 = t / 12;
  at::Tensor bracket = eta * (-0.5 + eta * (b2 + eta * (b3 + eta * (b4 + eta * (b5 + eta * (b6 + eta * b7))))));
  return x + w * bracket;
}

// cdf and icdf in terms of eta = logit(p). For |eta| >= kSeriesEta the
// expm1/log1p forms are accurate to a few ulps relative for every x and u;
// below, the series are. Each branch of `where` gets an eta that is safe for
// it: eta = 0 would make the closed form 0/0 and poison the gradient through
// the unselected branch.
at::Tensor icdf_lower(const at::Tensor& u, const at::Tensor& eta) {
  at::Tensor small = eta.abs() < kSeriesEta;
  at::Tensor eta_series = at::where(small, eta, scalar_like(eta, 0));
  at::Tensor eta_exact = at::where(small, scalar_like(eta, 1), eta);
  return at::where(small, icdf_series(u, eta_series), at::log1p(u * at::expm1(eta_exact)) / eta_exact);
}

at::Tensor cdf_lower(const at::Tensor& x, const at::Tensor& eta) {
  at::Tensor small = eta.abs() < kSeriesEta;
  at::Tensor eta_series = at::where(small, eta, scalar_like(eta, 0));
  at::Tensor eta_exact = at::where(small, scalar_like(eta, 1), eta);
  return at::where(small, cdf_series(x, eta_series), at::expm1(eta_exact * x) / at::expm1(eta_exact));
}

// The upper half goes through the reflection F(x; eta) = 1 - F(1 - x; -eta)
// (and the same for the icdf), with 1 - x exact for x >= 1/2: the upper tail
// is then as accurate as the lower one (the direct form loses up to 1e-11
// relative in the gradient at u = 0.999), and icdf(1) is exactly 1.
at::Tensor reflected(const at::Tensor& t, const at::Tensor& eta,
                     at::Tensor (*lower)(const at::Tensor&, const at::Tensor&)) {
  at::Tensor upper = t > 0.5;
  at::Tensor r = lower(at::where(upper, 1 - t, t), at::where(upper, -eta, eta));
  return at::where(upper, 1 - r, r);
}

at::Tensor icdf_from_logits(const at::Tensor& u, const at::Tensor& eta) { return reflected(u, eta, icdf_lower); }
at::Tensor cdf_from_logits(const at::Tensor& x, const at::Tensor& eta) { return reflected(x, eta, cdf_lower); }

// log(1 - p) - log(p), the negated logit. torch subtracts the two logarithms,
// which near p = 1/2 leaves an absolute error of about 1e-16, i.e. a relative
// error of 1e-16 / |L| (3e-14 at p = 0.499); the variance then multiplies it
// by 1/L^2 = 6e4 and loses 1e-9. As log1p of a ratio whose numerator and
// denominator are exact near p = 1/2 (1 - 2p, 2p - 1, 1 - p), L is accurate
// to a few ulps relative for every p in (0, 1).
at::Tensor log1mp_minus_logp(const at::Tensor& p) {
  at::Tensor lower = p.le(0.5);
  at::Tensor p_lo = at::where(lower, p, scalar_like(p, 0.25));
  at::Tensor p_hi = at::where(lower, scalar_like(p, 0.75), p);
  return at::where(lower, at::log1p((1 - 2 * p_lo) / p_lo), -at::log1p((2 * p_hi - 1) / (1 - p_hi)));
}

at::Tensor outside_region(const at::Tensor& probs, ContinuousBernoulliLims lims) {
  return probs.le(lims.first).logical_or(probs.gt(lims.second));
}

}  // namespace

at::Tensor continuous_bernoulli_log_normalizer(const at::Tensor& probs, ContinuousBernoulliLims lims) {
  at::Tensor outside = outside_region(probs, lims);
  at::Tensor cut = at::where(outside, probs, scalar_like(probs, lims.first));
  // log|1 - 2p| split by side, each side fed a value that keeps the other's
  // logarithm finite.
  at::Tensor below_half = cut.le(0.5);
  at::Tensor cut_below = at::where(below_half, cut, scalar_like(cut, 0));
  at::Tensor cut_above = at::where(cut.ge(0.5), cut, scalar_like(cut, 1));
  at::Tensor log_abs_1m2p = at::where(below_half, at::log1p(-2 * cut_below), at::log(2 * cut_above - 1));
  at::Tensor closed = at::log(at::abs(log1mp_minus_logp(cut))) - log_abs_1m2p;
  at::Tensor d = (probs - 0.5).pow(2);
  at::Tensor taylor = kLog2 + (4.0 / 3.0 + 104.0 / 45.0 * d) * d;
  return at::where(outside, closed, taylor);
}

ContinuousBernoulli::ContinuousBernoulli(ProbsOrLogits param, c10::optional<bool> validate_args)
    : ContinuousBernoulli(std::move(param), {0.499, 0.501}, validate_args) {}

ContinuousBernoulli::ContinuousBernoulli(ProbsOrLogits param, ContinuousBernoulliLims lims,
                                         c10::optional<bool> validate_args)
    : Family({}, {}, validate_args),
      // The kind before init_params fills it: the declaration depends on it.
      param_({}, param.is_probs(), ProbsLogitsParam::kBinary, /*clamp_derived_probs=*/true),
      lims_(lims) {
  param.check_defined("ContinuousBernoulli");
  TORCH_CHECK_VALUE(0 < lims.first && lims.first < 0.5 && 0.5 < lims.second && lims.second < 1,
                    "ContinuousBernoulli: lims must satisfy 0 < lims.first < 0.5 < lims.second < 1, got (",
                    lims.first, ", ", lims.second, ")");
  init_params({param.value()});
  // Clamped after validation: clamped probs would always pass.
  if (param_.is_probs()) {
    param_ = ProbsLogitsParam(clamp_probs(param_.given()), /*is_probs=*/true, ProbsLogitsParam::kBinary,
                              /*clamp_derived_probs=*/true);
  }
}

at::Tensor ContinuousBernoulli::outside_unstable_region() const { return outside_region(probs(), lims_); }

at::Tensor ContinuousBernoulli::cut_probs() const {
  const at::Tensor& p = probs();
  return at::where(outside_unstable_region(), p, scalar_like(p, lims_.first));
}

at::Tensor ContinuousBernoulli::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::Tensor u = at::empty(extended_shape(sample_shape), probs().options()).uniform_(0, 1, generator);
  return icdf_impl(u);
}

at::Tensor ContinuousBernoulli::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  // Without validation: -inf outside [0, 1], where the formula extends; it
  // runs at 1/2 there, so that no NaN reaches the gradients.
  const at::Tensor outside = validate_args() ? at::Tensor() : (value < 0).logical_or_(value > 1);
  auto lv = broadcast_all({logits(), outside.defined() ? at::where(outside, 0.5, value) : value});
  at::Tensor neg_bce = -at::binary_cross_entropy_with_logits(lv[0], lv[1], {}, {}, at::Reduction::None);
  at::Tensor lp = neg_bce + continuous_bernoulli_log_normalizer(probs(), lims_);
  return outside.defined() ? at::where(outside, -std::numeric_limits<double>::infinity(), lp) : lp;
}

at::Tensor ContinuousBernoulli::clamped_logits() const {
  // logit(1 - eps): the logits of the clamped probs, so that huge logits
  // (+-1e4) act as probs 1 - eps and eps do, as in torch.
  const double eps = finfo_eps(logits().scalar_type());
  const double bound = std::log1p(-eps) - std::log(eps);
  return logits().clamp(-bound, bound);
}

at::Tensor ContinuousBernoulli::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  at::Tensor unbounded = cdf_from_logits(value, clamped_logits());
  return at::where(value.le(0), scalar_like(unbounded, 0),
                   at::where(value.ge(1), scalar_like(unbounded, 1), unbounded));
}

at::Tensor ContinuousBernoulli::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  return icdf_impl(value);
}

at::Tensor ContinuousBernoulli::icdf_impl(const at::Tensor& value) const {
  // Rounding can put the result one ulp outside [0, 1] at u near 1; the clamp
  // keeps every sample in the support and passes the gradient of values in
  // [0, 1] unchanged.
  return icdf_from_logits(value, clamped_logits()).clamp(0, 1);
}

namespace {

// The mean and variance from probs p: closed forms outside the lims, Taylor
// series around 1/2 inside (as torch). Float parameters are evaluated in
// double: the closed forms cancel near 1/2 (float32 variance 0.078125
// against 0.0833333 at probs = 0.501), and moments are batch-sized.
at::Tensor continuous_bernoulli_mean(const at::Tensor& probs, ContinuousBernoulliLims lims) {
  const at::Tensor p = probs.to(at::kDouble);
  const at::Tensor outside = outside_region(p, lims);
  const at::Tensor cut = at::where(outside, p, scalar_like(p, lims.first));
  const at::Tensor closed = cut / (2 * cut - 1) + 1 / log1mp_minus_logp(cut);
  const at::Tensor d = p - 0.5;
  const at::Tensor taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * d.pow(2)) * d;
  return at::where(outside, closed, taylor).to(probs.scalar_type());
}

at::Tensor continuous_bernoulli_variance(const at::Tensor& probs, ContinuousBernoulliLims lims) {
  const at::Tensor p = probs.to(at::kDouble);
  const at::Tensor outside = outside_region(p, lims);
  const at::Tensor cut = at::where(outside, p, scalar_like(p, lims.first));
  const at::Tensor closed = cut * (cut - 1) / (1 - 2 * cut).pow(2) + 1 / log1mp_minus_logp(cut).pow(2);
  const at::Tensor d = (p - 0.5).pow(2);
  const at::Tensor taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * d) * d;
  return at::where(outside, closed, taylor).to(probs.scalar_type());
}

}  // namespace

at::Tensor ContinuousBernoulli::mean() const { return continuous_bernoulli_mean(probs(), lims_); }

at::Tensor ContinuousBernoulli::variance() const { return continuous_bernoulli_variance(probs(), lims_); }

at::Tensor ContinuousBernoulli::entropy() const {
  const at::Tensor& p = probs();
  return mean() * log1mp_minus_logp(p) - continuous_bernoulli_log_normalizer(p, lims_) - at::log1p(-p);
}

namespace {

// F(eta) = log((e^eta - 1) / eta), the log normalizer in the natural
// parameter. For |eta| < 1 its Taylor series
//   eta / 2 + sum_n B_2n eta^2n / (2n (2n)!)
// through eta^20 (the next term is below 3e-19 there; the terms shrink by
// (2 pi)^-2 each); for |eta| >= 1 the closed form
//   max(eta, 0) + log(1 - e^-|eta|) - log|eta|,
// which neither overflows nor cancels (F(eta) = eta + F(-eta)). Both are
// accurate to a few ulps, and so are their derivatives. Each branch is fed
// a value that is safe for it, so that nothing from the unused branch
// reaches the gradient.
at::Tensor cb_log_normalizer_natural(const at::Tensor& eta) {
  const at::Tensor small = eta.abs() < 1;
  const at::Tensor e = at::where(small, eta, scalar_like(eta, 0));
  const at::Tensor e2 = e * e;
  const double c[] = {1.0 / 24,
                      -1.0 / 2880,
                      1.0 / 181440,
                      -1.0 / 9676800,
                      1.0 / 479001600,
                      -691.0 / 15692092416000,
                      1.0 / 1046139494400,
                      -3617.0 / 170729965486080000,
                      43867.0 / 91963695909076992000.0,
                      -174611.0 / 16057153253965824000000.0};
  at::Tensor horner = scalar_like(e2, c[9]);
  for (int i = 8; i >= 0; --i) horner = c[i] + e2 * horner;
  const at::Tensor series = e / 2 + e2 * horner;
  const at::Tensor x = at::where(small, scalar_like(eta, 1), eta);
  const at::Tensor a = x.abs();
  const at::Tensor closed = at::where(x > 0, x, scalar_like(x, 0)) + at::log(-at::expm1(-a)) - at::log(a);
  return at::where(small, series, closed);
}

}  // namespace

// theta = eta = logit(p), t(x) = x, k = 0: the density is
// exp(eta x - F(eta)) on [0, 1] with F(eta) = log(int_0^1 e^(eta x) dx)
// = log((e^eta - 1) / eta).
std::vector<at::Tensor> ContinuousBernoulli::natural_params() const { return {logits()}; }

at::Tensor ContinuousBernoulli::log_normalizer(const std::vector<at::Tensor>& natural_params) const {
  TORCH_CHECK_VALUE(natural_params.size() == 1,
                    "ContinuousBernoulli: log_normalizer takes 1 natural parameter, got ", natural_params.size());
  return cb_log_normalizer_natural(natural_params[0]);
}

at::Tensor ContinuousBernoulli::mean_carrier_measure() const { return at::zeros_like(param_.given()); }

}  // namespace torchdist
