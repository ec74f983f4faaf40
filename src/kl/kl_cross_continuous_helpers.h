#pragma once
// Pieces shared by the cross-family continuous KL rules
// (kl_cross_continuous.cpp, kl_cross_continuous_unbounded.cpp).
//
// Most rules are KL(p || q) = -H(p) + CE(p, q) with the cross-entropy
// CE(p, q) = E_p[-log q(x)] written in terms of a few expectations under p
// (mean, variance, E[log x], ...). The cross-entropies against each q family
// live here; each rule supplies p's expectations.

#include <ATen/ATen.h>
#include <ATen/ExpandUtils.h>

#include <cmath>
#include <limits>
#include <vector>

#include "../core/math_constants.h"
#include "kl_helpers.h"
#include "kl_rules.h"
#include "torchdist/core/utils.h"
#include "torchdist/distributions/exponential.h"
#include "torchdist/distributions/gamma.h"
#include "torchdist/distributions/gumbel.h"
#include "torchdist/distributions/normal.h"

namespace torchdist {
namespace detail {

/// The rules whose p is Exponential, Gamma, Gumbel, Laplace, Normal or Pareto
/// (kl_cross_continuous_unbounded.cpp); add_cross_continuous_kl_rules calls it.
void add_cross_continuous_unbounded_kl_rules(std::vector<KlRule>& rules);

/// +inf with the broadcast shape of `a` and `b` and their promoted dtype: the
/// value of a pair whose supports differ, given one parameter of each side.
inline at::Tensor infinite_broadcast(const at::Tensor& a, const at::Tensor& b) {
  return at::full(at::infer_size(a.sizes(), b.sizes()), std::numeric_limits<double>::infinity(),
                  a.options().dtype(at::result_type(a, b)));
}

/// `x`, with `stand_in` where `bad` is true (broadcast). A rule whose result
/// is masked to +inf where `bad` evaluates its formula on the stand-in
/// there, so that no NaN or inf from the masked elements reaches the
/// gradient of the finite ones (at::where passes a zero gradient to the
/// unselected branch, and 0 * inf is NaN).
inline at::Tensor stand_in_where(const at::Tensor& bad, double stand_in, const at::Tensor& x) {
  return at::where(bad, at::scalar_tensor(stand_in, x.options()), x);
}

/// E[log x] for x ~ Uniform(lo, hi), 0 <= lo < hi, w = hi - lo:
///   (hi log hi - lo log lo) / w - 1 = log hi - 1 - r log r / s,
/// with r = lo / hi and s = w / hi = 1 - r. The difference quotient (torch's
/// form) loses about eps * |log hi| / (w / hi) for narrow intervals and is
/// NaN at lo = 0 (0 * log 0); here r log r / s is computed as
/// r log r / (1 - r) for r < 1/2 (1 - r is exact enough there) and as
/// (1 - s) log1p(-s) / s for r >= 1/2 (s carries the interval's width
/// exactly), so the result has an absolute error of a few ulps of log hi for
/// every interval. log r uses r clamped to the dtype's smallest normal number,
/// which keeps the value exact at lo = 0 (r log r = 0) and makes the
/// (one-sided, really -inf) derivative in lo there a large finite number
/// instead of NaN, while the derivative in hi stays exact.
inline at::Tensor uniform_mean_log(const at::Tensor& lo, const at::Tensor& hi, const at::Tensor& w) {
  const at::Tensor r = lo / hi;
  const at::Tensor s = w / hi;
  const at::Tensor small_r = r < 0.5;
  const at::Tensor r_lower = stand_in_where(small_r.logical_not(), 0.25, r);
  const at::Tensor s_upper = stand_in_where(small_r, 0.25, s);
  const double tiny = finfo_tiny(r.scalar_type());
  const at::Tensor lower = r_lower * at::log(r_lower.clamp_min(tiny)) / (1 - r_lower);
  const at::Tensor upper = (1 - s_upper) * at::log1p(-s_upper) / s_upper;
  return at::log(hi) - 1 - at::where(small_r, lower, upper);
}

/// E_p[-log N(x | loc, scale)] from p's mean and variance:
///   log(scale) + log(2 pi) / 2 + (variance + (mean - loc)^2) / (2 scale^2).
/// torch expands (mean - loc)^2 into mean^2 - 2 loc mean + loc^2, which
/// cancels catastrophically when |loc| is large against the distance.
inline at::Tensor normal_cross_entropy(const at::Tensor& mean, const at::Tensor& variance, const Normal& q) {
  return at::log(q.scale()) + detail::kHalfLog2Pi + (variance + (mean - q.loc()).pow(2)) / (2 * q.scale().pow(2));
}

/// E_p[-log Exponential(x | rate)] = -log(rate) + rate E[x].
inline at::Tensor exponential_cross_entropy(const at::Tensor& mean, const Exponential& q) {
  return q.rate() * mean - at::log(q.rate());
}

/// E_p[-log Gamma(x | k, r)] = lgamma(k) - k log r - (k - 1) E[log x] + r E[x].
inline at::Tensor gamma_cross_entropy(const at::Tensor& mean, const at::Tensor& mean_log, const Gamma& q) {
  const at::Tensor& k = q.concentration();
  const at::Tensor& r = q.rate();
  return at::lgamma(k) - k * at::log(r) - (k - 1) * mean_log + r * mean;
}

/// E_p[-log Gumbel(x | loc, scale)] with z = (x - loc) / scale:
///   log(scale) + E[z] + E[exp(-z)],
/// given E[z] and log E[exp(-z)] (each rule computes the latter in log space,
/// so that it overflows only where the expectation itself does).
inline at::Tensor gumbel_cross_entropy(const at::Tensor& mean_z, const at::Tensor& log_mean_exp_neg_z,
                                       const Gumbel& q) {
  return at::log(q.scale()) + mean_z + at::exp(log_mean_exp_neg_z);
}

}  // namespace detail
}  // namespace torchdist
