#pragma once
// Internal: a binary outcome's probabilities and their logs, exact for the
// parameter the user gave (probs or logits), for the formulas of the
// Bernoulli-like families (number.h). The form given is known at compile
// time (a template argument), so nothing is derived twice: given logits l
// give p = sigmoid(l), 1 - p = sigmoid(-l) and their logs by log_sigmoid,
// all exact; given probs p give 1 - p, log p and log(1 - p) directly.

#include "kl_terms.h"
#include "number.h"

namespace torchdist {
namespace formulas {

/// sigmoid(l) = 1 / (1 + e^-l): 0 at -inf, 1 at +inf, a few ulps elsewhere.
template <class N>
N sigmoid(const N& l) {
  return 1.0 / (1.0 + exp(-l));
}

/// log sigmoid(l) = min(l, 0) - log1p(e^-|l|), as ATen computes it, with
/// -|l| written as where(l < 0, l, -l): abs has derivative 0 at 0, which
/// would make the derivative 0 there instead of sigmoid(0) = 1/2.
template <class N>
N log_sigmoid(const N& l) {
  const auto negative = l < 0.0;
  return where(negative, l, 0.0) - log1p(exp(where(negative, l, -l)));
}

/// p, 1 - p, log p, log(1 - p) (-inf at a zero probability) and, when
/// given, the logits.
template <class N>
struct Binary {
  N p, q, log_p, log_q, logits;
};

template <bool Logits, class N>
Binary<N> binary(const N& given) {
  if constexpr (Logits) {
    // One exp and one log1p for all four: with e = e^-|l| (-|l| written so
    // that its derivative at 0 is -1, the side l >= 0 consistently),
    // sigmoid(+-l) are 1 / (1 + e) and e / (1 + e), and
    // log sigmoid(+-l) = min(+-l, 0) - log1p(e).
    const N& l = given;
    const auto negative = l < 0.0;
    const N e = exp(where(negative, l, -l));
    const N r = 1.0 / (1.0 + e);
    const N er = e * r;
    const N log1p_e = log1p(e);
    return {where(negative, er, r), where(negative, r, er), where(negative, l, 0.0) - log1p_e,
            where(negative, 0.0, -l) - log1p_e, given};
  } else {
    return {given, 1.0 - given, safe_log(given), safe_log1m(given), given};
  }
}

/// log(x / y) of x, y >= 0 for kl_term: where either is zero the
/// term does not use it, and the arguments are moved to 1 there so that
/// reverse mode through the unused side stays finite.
template <class N>
N log_ratio_where_positive(const N& x, const N& y) {
  const auto positive = (x > 0.0) & (y > 0.0);
  return log_ratio(where(positive, x, 1.0), where(positive, y, 1.0));
}

/// KL between two binary outcomes, the sum of the two outcomes' kl_terms.
/// Each log-ratio keeps its relative precision when p is close to q: with
/// both probs given, from the probabilities by log_ratio (exact
/// differences); with both logits given and within 1 of each other, from
/// the logit difference (elsewhere the difference of the exact logs):
/// log(p_a / p_b) = log1p(sigmoid(-la) expm1(la - lb)), and the same with the
/// logits negated for 1 - p.
template <bool LogitsA, bool LogitsB, class N>
N binary_kl(const Binary<N>& a, const Binary<N>& b) {
  // From given logits the logs are exact even where the probability
  // underflows to 0 (log sigmoid(-1e4) = -1e4): their difference, not the
  // ratio of the rounded probabilities.
  constexpr bool exact_logs = LogitsA || LogitsB;
  N d_p = exact_logs ? a.log_p - b.log_p : log_ratio_where_positive(a.p, b.p);
  N d_q = exact_logs ? a.log_q - b.log_q : log_ratio_where_positive(a.q, b.q);
  if constexpr (LogitsA && LogitsB) {
    const auto close = abs(a.logits - b.logits) < 1.0;
    const N la = where(close, a.logits, 0.0);
    const N diff = la - where(close, b.logits, 0.0);
    // (sigmoid(-la) and sigmoid(la) are a.q and a.p where close.)
    d_p = where(close, if_needed(close, d_p, [&] { return log1p(a.q * expm1(diff)); }), d_p);
    d_q = where(close, if_needed(close, d_q, [&] { return log1p(a.p * expm1(-diff)); }), d_q);
  }
  return kl_term(a.p, b.p, a.log_p, b.log_p, d_p) + kl_term(a.q, b.q, a.log_q, b.log_q, d_q);
}

}  // namespace formulas
}  // namespace torchdist
