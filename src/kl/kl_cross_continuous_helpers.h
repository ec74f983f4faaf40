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
