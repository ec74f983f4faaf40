#pragma once
// Numerically careful building blocks for the same-family and discrete KL
// rules: e^x - 1 - x without cancellation, the per-category term
// w log(w / v) - w + v, and exact log-probabilities of the binary and
// categorical families whichever parameterization (probs or logits) the
// user gave.

#include <ATen/ATen.h>

#include <cmath>
#include <limits>

#include "../formulas/kl_terms.h"
#include "../formulas/tensor_backend.h"
#include "kl_rules.h"
#include "torchdist/core/utils.h"

namespace torchdist {
namespace detail {
namespace same_family_kl {

inline at::Tensor scalar_like(const at::Tensor& t, double value) { return at::full({}, value, t.options()); }

// The formulas' building blocks (src/formulas/kl_terms.h) on tensors.

inline at::Tensor expm1_minus_x(const at::Tensor& x) { return formulas::expm1_minus_x(formulas::num(x)).r; }

inline at::Tensor safe_log(const at::Tensor& x) { return formulas::safe_log(formulas::num(x)).r; }

inline at::Tensor safe_log1m(const at::Tensor& x) { return formulas::safe_log1m(formulas::num(x)).r; }

inline at::Tensor kl_term(const at::Tensor& w, const at::Tensor& v, const at::Tensor& log_w, const at::Tensor& log_v,
                          const at::Tensor& d) {
  using formulas::num;
  return formulas::kl_term(num(w), num(v), num(log_w), num(log_v), num(d)).r;
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
