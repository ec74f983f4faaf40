#pragma once
// Numerically careful building blocks for the same-family and discrete KL
// rules: e^x - 1 - x without cancellation, the per-category term
// w log(w / v) - w + v, and exact log-probabilities of the binary and
// categorical families whichever parameterization (probs or logits) the
// user gave.

#include <ATen/ATen.h>

#include <cmath>
#include <limits>

#include "kl_rules.h"
#include "torchdist/core/utils.h"

namespace torchdist {
namespace detail {
namespace same_family_kl {

inline at::Tensor scalar_like(const at::Tensor& t, double value) { return at::full({}, value, t.options()); }

/// e^x - 1 - x, accurate to a few ulps relative for every x. expm1(x) - x
/// cancels for small |x| (relative error ~2 eps / |x|); there the Taylor
/// series sum_{k>=2} x^k / k! is used, truncated after x^10 (relative
/// truncation error < 1e-16 for |x| < 0.1). Gradient e^x - 1, exactly 0 at 0.
inline at::Tensor expm1_minus_x(const at::Tensor& x) {
  const at::Tensor small = x.abs() < 0.1;
  // Zero outside the series' range, so that its unused values (and their
  // zero gradients) stay finite whatever x is.
  const at::Tensor xs = at::where(small, x, scalar_like(x, 0.0));
  // Horner on 1/2! + x/3! + ... + x^8/10!.
  double factorial = 362880.0;  // 9!
  at::Tensor poly = at::addcmul(scalar_like(x, 1.0 / factorial), xs, scalar_like(x, 1.0 / (10 * factorial)));
  for (int k = 8; k >= 2; --k) {
    factorial /= (k + 1);
    poly = at::addcmul(scalar_like(x, 1.0 / factorial), poly, xs);
  }
  return at::where(small, xs * xs * poly, at::expm1(x) - x);
}

/// log(x) for x >= 0, -inf at 0, with a finite (zero) gradient at 0.
inline at::Tensor safe_log(const at::Tensor& x) {
  const at::Tensor positive = x > 0;
  return at::where(positive, at::where(positive, x, scalar_like(x, 1.0)).log(),
                   scalar_like(x, -std::numeric_limits<double>::infinity()));
}

/// log(1 - x) for x <= 1, -inf at 1, with a finite (zero) gradient at 1.
inline at::Tensor safe_log1m(const at::Tensor& x) {
  const at::Tensor below = x < 1;
  return at::where(below, at::log1p(-at::where(below, x, scalar_like(x, 0.0))),
                   scalar_like(x, -std::numeric_limits<double>::infinity()));
}

/// The per-category KL term w log(w / v) - w + v >= 0, whose sum over an
/// outcome space is KL(w || v) when both sum to one. `d` is log(w / v) as
/// precisely as the caller can get it; log_w, log_v say where w or v is
/// exactly zero (-inf).
///
/// Written as w (e^-d - 1 + d) where v >= w / e: each term is then
/// second-order in d, so the sum keeps its relative precision when w and v
/// are close (the plain sum of w log(w / v) cancels to ~eps absolute).
/// Where v > e w the direct form w d - w + v has no cancellation and no
/// overflow of e^-d. w = 0 gives v (0 log 0 = 0); v = 0 < w gives +inf.
/// Gradients stay finite at the zeros.
inline at::Tensor kl_term(const at::Tensor& w, const at::Tensor& v, const at::Tensor& log_w, const at::Tensor& log_v,
                          const at::Tensor& d) {
  const at::Tensor w_zero = at::isneginf(log_w);
  const at::Tensor v_zero = at::isneginf(log_v).logical_and(w_zero.logical_not());
  const at::Tensor ok = w_zero.logical_or(v_zero).logical_not();
  const at::Tensor ds = at::where(ok, d, scalar_like(d, 0.0));
  const at::Tensor near = ds > -1;
  const at::Tensor d_near = at::where(near, ds, scalar_like(ds, 0.0));
  const at::Tensor term = at::where(near, w * expm1_minus_x(-d_near), w * (ds - 1) + v);
  const at::Tensor inf = scalar_like(term, std::numeric_limits<double>::infinity());
  return at::where(w_zero, v, at::where(v_zero, inf, term));
}

inline at::Tensor kl_term(const at::Tensor& w, const at::Tensor& v, const at::Tensor& log_w, const at::Tensor& log_v) {
  return kl_term(w, v, log_w, log_v, log_w - log_v);
}

/// A binary outcome's probabilities p, 1 - p, their logs, and the logits,
/// each as exact as the parameters allow.
///
/// The families keep the parameter the user gave and derive the other:
/// probs p become logits log(p') - log(1 - p') of p' = clamp(p, eps,
/// 1 - eps), so a given probability of 0, 1 or below eps comes back as the
/// clamp's logit +-log((1 - eps) / eps). Those logits are recognized (to
/// 8 eps relative) and the probabilities are taken from the probs there;
/// elsewhere they come from the logits (log_sigmoid: exact for given logits,
/// ~eps |logit| absolute for given probs). Given logits that fall in that
/// narrow window get 1 - p from the probs, which near p = 1 - eps is off by
/// up to half (log 1 - p by ~0.7); the families do not say which parameter
/// was given, so the two cases cannot be told apart there.
struct BinaryView {
  at::Tensor p, q;          // p and 1 - p
  at::Tensor log_p, log_q;  // log p and log(1 - p), -inf at 0
  at::Tensor logits;
  at::Tensor from_logits;  // true where the logits are not a clamp's
};

inline BinaryView binary_view(const at::Tensor& probs, const at::Tensor& logits) {
  const double eps = finfo_eps(logits.scalar_type());
  const double bound = std::log1p(-eps) - std::log(eps);
  const at::Tensor clamped = (logits.abs() - bound).abs() <= 8 * eps * bound;
  const at::Tensor pc = at::where(clamped, probs, scalar_like(probs, 0.5));
  BinaryView v;
  v.from_logits = clamped.logical_not();
  v.logits = logits;
  v.p = at::where(clamped, pc, at::sigmoid(logits));
  v.q = at::where(clamped, 1 - pc, at::sigmoid(-logits));
  v.log_p = at::where(clamped, safe_log(pc), at::log_sigmoid(logits));
  v.log_q = at::where(clamped, safe_log1m(pc), at::log_sigmoid(-logits));
  return v;
}

/// KL between two Bernoulli distributions given as views.
///
/// With both logits exact and close (|la - lb| < 1), the log-ratios are
/// taken from the logit difference, which has full relative precision:
/// log(p_a / p_b) = log1p(sigmoid(-la) expm1(la - lb)), and the same with
/// the logits negated for 1 - p. Elsewhere they are differences of logs.
inline at::Tensor bernoulli_kl(const BinaryView& a, const BinaryView& b) {
  const at::Tensor close = a.from_logits.logical_and(b.from_logits).logical_and((a.logits - b.logits).abs() < 1);
  const at::Tensor la = at::where(close, a.logits, scalar_like(a.logits, 0.0));
  const at::Tensor lb = at::where(close, b.logits, scalar_like(b.logits, 0.0));
  const at::Tensor diff = la - lb;
  const at::Tensor d_p = at::where(close, at::log1p(at::sigmoid(-la) * at::expm1(diff)), a.log_p - b.log_p);
  const at::Tensor d_q = at::where(close, at::log1p(at::sigmoid(la) * at::expm1(-diff)), a.log_q - b.log_q);
  return kl_term(a.p, b.p, a.log_p, b.log_p, d_p) + kl_term(a.q, b.q, a.log_q, b.log_q, d_q);
}

/// Normalized log-probabilities of a categorical parameter, exact for either
/// parameterization: the logits (normalized, possibly -inf for impossible
/// categories), except where they are the clamp's log(eps) or log(1 - eps)
/// of given probs (see BinaryView), where log(probs) is taken.
inline at::Tensor categorical_log_probs(const at::Tensor& probs, const at::Tensor& logits) {
  const double eps = finfo_eps(logits.scalar_type());
  const double low = std::log(eps);
  const at::Tensor clamped = ((logits - low).abs() <= 8 * eps * -low).logical_or(logits >= -4 * eps);
  const at::Tensor pc = at::where(clamped, probs, scalar_like(probs, 0.5));
  return at::where(clamped, safe_log(pc), logits);
}

/// The rules between two members of the same discrete family
/// (kl_same_family_discrete.cpp), added by add_same_family_kl_rules.
void add_discrete_same_family_kl_rules(std::vector<KlRule>& rules);

}  // namespace same_family_kl
}  // namespace detail
}  // namespace torchdist
