#pragma once
// Internal: KL divergences written once as formulas (number.h), run by
// kernels::evaluate (src/kernels/formula_eval.h): the ATen composition, one
// element in scalar code, or the vector kernels, with gradients by dual
// numbers. Each rule's derivation is documented at its struct.

#include <cstddef>

#include "binary.h"
#include "kl_terms.h"
#include "number.h"

namespace torchdist {
namespace formulas {

/// KL(Poisson(l_p) || Poisson(l_q)) = l_p log(l_p / l_q) - l_p + l_q: a
/// single kl_term over the rates. At l_p = 0 it is l_q (torch: NaN from
/// 0 * log 0); at l_q = 0 < l_p, +inf. When the rates are close,
/// log(l_p / l_q) = log1p((l_p - l_q) / l_q) is exact.
struct PoissonKl {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& rate_p, const N& rate_q) {
    const N log_p = safe_log(rate_p);
    const N log_q = safe_log(rate_q);
    const auto close = abs(rate_p - rate_q) < 0.5 * rate_q;
    const N ratio_m1 = where(close, rate_p - rate_q, 0.0) / where(close, rate_q, 1.0);
    return kl_term(rate_p, rate_q, log_p, log_q, where(close, log1p(ratio_m1), log_p - log_q));
  }
};

/// KL(HalfNormal(s_p) || HalfNormal(s_q)): the half-normal is |N(0, s)|,
/// with the likelihood ratio of the normal pair at zero locations, so
/// KL = 1/2 (r^2 - 1 - log r^2) = 1/2 (e^x - 1 - x), x = 2 log(s_p / s_q).
struct HalfNormalKl {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& scale_p, const N& scale_q) {
    return 0.5 * expm1_minus_x(2.0 * log_ratio(scale_p, scale_q));
  }
};

/// KL(Exponential(l_p) || Exponential(l_q)) = log(l_p / l_q) + l_q / l_p - 1
/// = e^x - 1 - x with x = log(l_q / l_p): second-order near p = q, where the
/// textbook form cancels.
struct ExponentialKl {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& rate_p, const N& rate_q) {
    return expm1_minus_x(log_ratio(rate_q, rate_p));
  }
};

/// KL(Laplace(m_p, b_p) || Laplace(m_q, b_q)) = -log r + d / b_q
/// + r exp(-d / b_p) - 1 with r = b_p / b_q and d = |m_p - m_q| (Gil, 2011).
/// With y = log r - d / b_p that is e^y - 1 - log r + d / b_q, whose
/// first-order terms cancel near p = q; there (|y| <= 1) it is written
/// (e^y - 1 - y) + d (b_p - b_q) / (b_p b_q), both parts second-order. Far
/// from p = q the first form is the one without cancellation: the second
/// would subtract two terms of order d / b_p (1e6 - 1e6 at d = 1e3,
/// b_p = 1e-3).
struct LaplaceKl {
  static constexpr size_t arity = 4;
  template <class N>
  static N eval(const N& loc_p, const N& scale_p, const N& loc_q, const N& scale_q) {
    const N d = abs(loc_p - loc_q);
    const N log_r = log_ratio(scale_p, scale_q);
    const N y = log_r - d / scale_p;
    const auto near = abs(y) <= 1.0;
    const N y_near = where(near, y, 0.0);
    const N second_order = expm1_minus_x(y_near) + d * (scale_p - scale_q) / scale_p / scale_q;
    const N direct = expm1(where(near, 0.0, y)) - log_r + d / scale_q;
    return where(near, second_order, direct);
  }
};

/// KL(Pareto(s_p, a_p) || Pareto(s_q, a_q)) for s_p >= s_q:
/// a_q log(s_p / s_q) + a_q / a_p - 1 - log(a_q / a_p) (Gil, 2011), the last
/// three terms e^x - 1 - x with x = log(a_q / a_p). +inf where s_p < s_q:
/// p puts mass below q's support.
struct ParetoKl {
  static constexpr size_t arity = 4;
  template <class N>
  static N eval(const N& scale_p, const N& alpha_p, const N& scale_q, const N& alpha_q) {
    const N finite = alpha_q * log_ratio(scale_p, scale_q) + expm1_minus_x(log_ratio(alpha_q, alpha_p));
    return where(scale_p < scale_q, kInfinity, finite);
  }
};

/// KL(Uniform(l_p, h_p) || Uniform(l_q, h_q)) = log((h_q - l_q) / (h_p - l_p))
/// where [l_p, h_p] lies in [l_q, h_q], +inf elsewhere.
struct UniformKl {
  static constexpr size_t arity = 4;
  template <class N>
  static N eval(const N& low_p, const N& high_p, const N& low_q, const N& high_q) {
    const N finite = log((high_q - low_q) / (high_p - low_p));
    return where((low_q > low_p) | (high_q < high_p), kInfinity, finite);
  }
};

/// KL(Cauchy(l_p, s_p) || Cauchy(l_q, s_q)): torch's closed form (Chyzak &
/// Nielsen, arXiv:1905.10965) log(((s_p + s_q)^2 + (l_p - l_q)^2) /
/// (4 s_p s_q)), written as log1p(((s_p - s_q)^2 + (l_p - l_q)^2) /
/// (4 s_p s_q)): the ratio minus one without cancellation, and only the
/// scales' ratio enters (no overflow of (s_p + s_q)^2 at large scales).
struct CauchyKl {
  static constexpr size_t arity = 4;
  template <class N>
  static N eval(const N& loc_p, const N& scale_p, const N& loc_q, const N& scale_q) {
    const N denominator = 2.0 * sqrt(scale_p) * sqrt(scale_q);
    const N x = (scale_p - scale_q) / denominator;
    const N y = (loc_p - loc_q) / denominator;
    return log1p(x * x + y * y);
  }
};


/// lgamma(r) + gamma (r - 1) >= 0, second-order at r = 1 (lgamma's slope
/// there is -gamma). Near r = 1 (|r - 1| < 0.1) by the series
/// sum_{k >= 2} (-1)^k zeta(k) / k (r - 1)^k, to k = 19 (the next term is
/// 1e-19 of the sum): the two terms cancel there, in value and in
/// derivative (digamma(1) + gamma = 0), to relative errors of eps / (r - 1).
template <class N>
N lgamma_plus_euler(const N& r) {
  static constexpr double kCoefficients[] = {  // (-1)^k zeta(k) / k, k = 2 .. 19
      0.82246703342411321824,  -0.40068563438653142847,  0.27058080842778454788,  -0.20738555102867398527,
      0.16955717699740818995,  -0.14404989676884611812,  0.12550966952474304242,  -0.11133426586956469049,
      0.10009945751278180853,  -0.090954017145829042233, 0.083353840546109004025, -0.076932516411352191473,
      0.071432946295361336059, -0.066668705882420468033, 0.062500955141213040742, -0.058823978658684582339,
      0.055555767627403611102, -0.052631679379616660734};
  const N e = r - 1.0;
  const auto near = abs(e) < 0.1;
  const N es = where(near, e, 0.0);
  N series = es * kCoefficients[17] + kCoefficients[16];
  for (int k = 15; k >= 0; --k) series = series * es + kCoefficients[k];
  const N rs = where(near, 2.0, r);  // keeps the unused side away from lgamma's pole
  return where(near, es * es * series, lgamma(rs) + kEulerMascheroni * (rs - 1.0));
}

/// KL(Gumbel(m_p, b_p) || Gumbel(m_q, b_q)). With r = b_p / b_q and
/// u = (m_p - m_q) / b_q, E_p[(x - m_q) / b_q] = u + gamma r and
/// E_p[exp(-(x - m_q) / b_q)] = exp(-u) Gamma(1 + r), so
/// KL = -log r + u + gamma (r - 1) + exp(lgamma(1 + r) - u) - 1. With
/// w = lgamma(1 + r) - u this is (e^w - 1 - w) + (lgamma(r) + gamma (r - 1)),
/// both parts nonnegative and second-order at p = q. (lgamma's derivative,
/// digamma, has no vector form yet: the gradient takes the scalar or ATen
/// path.)
struct GumbelKl {
  static constexpr size_t arity = 4;
  static constexpr bool vector_backward = false;
  template <class N>
  static N eval(const N& loc_p, const N& scale_p, const N& loc_q, const N& scale_q) {
    const N r = scale_p / scale_q;
    const N w = lgamma(1.0 + r) - (loc_p - loc_q) / scale_q;
    return expm1_minus_x(w) + lgamma_plus_euler(r);
  }
};

/// KL(Bernoulli || Bernoulli), each given by its probs or its logits
/// (LogitsP, LogitsQ): binary_kl. Exact at p in {0, 1} (0 log 0 = 0), +inf
/// where q puts no mass on an outcome p can take; torch takes the logs from
/// the logits of probs clamped to [eps, 1 - eps], off by ~eps at 0 and 1
/// and badly below eps (KL(0.5 || 1e-20) = 17.33 instead of 22.33).
template <bool LogitsP, bool LogitsQ>
struct BernoulliKl {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& p, const N& q) {
    return binary_kl<LogitsP, LogitsQ>(binary<LogitsP>(p), binary<LogitsQ>(q));
  }
};

/// KL(Geometric || Geometric): the number of failures before the first
/// success has log-likelihood ratio log(p / p') + k log((1 - p) / (1 - p'))
/// at k, and E[k] = (1 - p) / p, so KL is the Bernoulli divergence over p.
template <bool LogitsP, bool LogitsQ>
struct GeometricKl {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& p, const N& q) {
    const Binary<N> a = binary<LogitsP>(p);
    return binary_kl<LogitsP, LogitsQ>(a, binary<LogitsQ>(q)) / a.p;
  }
};

/// n times a term that may be +inf: 0 where n = 0 (no trials).
template <class N>
N count_times(const N& n, const N& value) {
  const auto none = n == 0.0;
  return where(none, 0.0, where(none, 0.0, n) * where(none, 0.0, value));
}

/// KL(Binomial(n_p, p) || Binomial(n_q, q)) where n_p >= n_q (the caller
/// refuses the rest, as torch). Same count: n times the Bernoulli
/// divergence. Where p's count exceeds q's, p puts mass on counts q cannot
/// reach: +inf, except where p's success probability is 0 (all mass at 0,
/// KL = -n_q log(1 - q), which torch reports as +inf too).
template <bool LogitsP, bool LogitsQ>
struct BinomialKl {
  static constexpr size_t arity = 4;
  template <class N>
  static N eval(const N& count_p, const N& p, const N& count_q, const N& q) {
    const Binary<N> a = binary<LogitsP>(p);
    const Binary<N> b = binary<LogitsQ>(q);
    const N same_count = count_times(count_p, binary_kl<LogitsP, LogitsQ>(a, b));
    const N all_at_zero = count_times(count_q, -b.log_q);
    const auto beyond = count_p > count_q;
    return where(beyond & !(a.log_p == -kInfinity), kInfinity, where(beyond, all_at_zero, same_count));
  }
};

/// KL(Bernoulli(p) || Poisson(l)): over p's support {0, 1},
/// (1 - p) log(1 - p) + p log p - p log l + l (log q(0) = -l,
/// log q(1) = log l - l), i.e. (1 - p) log(1 - p) + p plus the term
/// p log(p / l) - p + l. Exact at p = 0 and at l = 0 (0 for p = 0, +inf for
/// p > 0), where torch's p * log(l) gives NaN at p = l = 0.
template <bool LogitsP>
struct BernoulliPoissonKl {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& p, const N& rate) {
    const Binary<N> a = binary<LogitsP>(p);
    const auto none = a.log_q == -kInfinity;
    const N q_log_q = where(none, 0.0, a.q * where(none, 0.0, a.log_q));
    const N log_rate = safe_log(rate);
    return q_log_q + a.p + kl_term(a.p, rate, a.log_p, log_rate, log_ratio_where_positive(a.p, rate));
  }
};

/// KL(Poisson(l) || Binomial(n, q)) (a Bernoulli is n = 1): a Poisson with a
/// positive rate puts mass on every count, beyond q's support: +inf. A zero
/// rate is a point mass at 0, of KL -n log(1 - q); torch returns +inf there
/// too.
template <bool LogitsQ>
struct PoissonBinomialKl {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& rate, const N& count, const N& q) {
    const Binary<N> b = binary<LogitsQ>(q);
    const auto none = count == 0.0;  // n log(1 - q) with n = 0 is 0 even at q = 1
    const N at_zero = -where(none, 0.0, count) * where(none, 0.0, b.log_q);
    return where(rate != 0.0, kInfinity, at_zero);
  }
};

/// KL(Gamma(a_p, b_p) || Gamma(a_q, b_q)) = (a_p - a_q) psi(a_p)
/// - lgamma(a_p) + lgamma(a_q) + a_q log(b_p / b_q) + a_p (b_q - b_p) / b_p.
/// With x = log(b_q / b_p) the rate terms are a_p (e^x - 1 - x)
/// + (a_p - a_q) x, second-order near p = q. The lgamma difference and the
/// digamma term cancel near p = q, in float more than ATen's float lgamma
/// allows the kernels' faster one: float arguments are computed in double.
/// (Its gradient needs trigamma, which has no vector form: the backward
/// takes the scalar or ATen path.)
struct GammaKl {
  static constexpr size_t arity = 4;
  static constexpr bool vector_backward = false;
  static constexpr bool float_in_double = true;
  template <class N>
  static N eval(const N& concentration_p, const N& rate_p, const N& concentration_q, const N& rate_q) {
    const N x = log_ratio(rate_q, rate_p);
    return (concentration_p - concentration_q) * (digamma(concentration_p) + x) + lgamma(concentration_q) -
           lgamma(concentration_p) + concentration_p * expm1_minus_x(x);
  }
};

/// KL(Exponential(l) || Gamma(k, r)) = -H(p) + lgamma(k) - k log r
/// - (k - 1) E[log x] + r E[x] with H = 1 - log l, E[x] = 1 / l,
/// E[log x] = -gamma - log l: k log(l / r) + r / l + lgamma(k) + (k - 1) gamma - 1.
struct ExponentialGammaKl {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& rate_p, const N& k, const N& rate_q) {
    return k * log_ratio(rate_p, rate_q) + rate_q / rate_p + lgamma(k) + (k - 1.0) * kEulerMascheroni - 1.0;
  }
};

/// E[log x] for x ~ Uniform(lo, hi), 0 <= lo < hi, w = hi - lo as exactly
/// as the caller has it:
///   (hi log hi - lo log lo) / (hi - lo) - 1 = log hi - 1 - r log r / s,
/// with r = lo / hi and s = 1 - r = (hi - lo) / hi. The difference quotient
/// (torch's form) loses about eps |log hi| / s for narrow intervals and is
/// NaN at lo = 0 (0 log 0). Here r log r / s is r log r / (1 - r) for
/// r < 1/2 and (1 - s) log1p(-s) / s for r >= 1/2 (s carries the width
/// exactly): an absolute error of a few ulps of log hi for every interval.
/// log r takes r held at float's smallest normal number, which keeps the
/// value exact at lo = 0 (r log r = 0) and makes the derivative in lo there
/// (really -inf, one-sided) a large finite number instead of NaN.
template <class N>
N uniform_mean_log(const N& lo, const N& hi, const N& w) {
  constexpr double kTiny = 1.17549435082228750797e-38;
  const N r = lo / hi, s = w / hi;
  const auto small_r = r < 0.5;
  const N r_lower = where(small_r, r, 0.25), s_upper = where(small_r, 0.25, s);
  const N lower = r_lower * log(where(r_lower < kTiny, kTiny, r_lower)) / (1.0 - r_lower);
  const N upper = (1.0 - s_upper) * log1p(-s_upper) / s_upper;
  return log(hi) - 1.0 - where(small_r, lower, upper);
}

/// KL(Uniform(lo, hi) || Gamma(k, r)) = -log w + lgamma(k) - k log r
/// - (k - 1) E[log x] + r E[x], w = hi - lo; +inf where lo < 0 (the formula
/// sees the stand-in [1, 2] there). torch's value is NaN at lo = 0.
struct UniformGammaKl {
  static constexpr size_t arity = 4;
  template <class N>
  static N eval(const N& low, const N& high, const N& k, const N& rate) {
    const auto outside = low < 0.0;
    const N lo = where(outside, 1.0, low), hi = where(outside, 2.0, high);
    const N w = hi - lo;
    const N finite = lgamma(k) - k * log(rate) - (k - 1.0) * uniform_mean_log(lo, hi, w) + rate * (0.5 * (lo + hi)) -
                     log(w);
    return where(outside, kInfinity, finite);
  }
};

/// KL(Uniform(lo, hi) || Pareto(x_m, a)) = -log(a w / x_m)
/// + (a + 1) E[log(x / x_m)], x / x_m ~ Uniform(lo / x_m, hi / x_m),
/// w = hi - lo; +inf where lo < x_m (stand-ins lo = 1, hi = 2, x_m = 1
/// there). torch's x_m^a under- or overflows for large a.
struct UniformParetoKl {
  static constexpr size_t arity = 4;
  template <class N>
  static N eval(const N& low, const N& high, const N& scale, const N& alpha) {
    const auto outside = low < scale;
    const N lo = where(outside, 1.0, low), hi = where(outside, 2.0, high), x_m = where(outside, 1.0, scale);
    const N w = (hi - lo) / x_m;
    const N finite = (alpha + 1.0) * uniform_mean_log(lo / x_m, hi / x_m, w) - log(alpha * w);
    return where(outside, kInfinity, finite);
  }
};

/// KL(Uniform(lo, hi) || Beta(a, b)) = -log w + log B(a, b)
/// - (a - 1) E[log x] - (b - 1) E[log(1 - x)], 1 - x ~ Uniform(1 - hi,
/// 1 - lo); +inf where [lo, hi] leaves [0, 1] (stand-in [1/4, 3/4]). log B
/// cancels for large a and b, in float more than ATen's float lgamma allows
/// the kernels' faster one: float arguments are computed in double.
struct UniformBetaKl {
  static constexpr size_t arity = 4;
  static constexpr bool float_in_double = true;
  template <class N>
  static N eval(const N& low, const N& high, const N& a, const N& b) {
    const auto outside = (low < 0.0) | (high > 1.0);
    const N lo = where(outside, 0.25, low), hi = where(outside, 0.75, high);
    const N log_beta = lgamma(a) + lgamma(b) - lgamma(a + b);
    const N w = hi - lo;
    const N finite = log_beta - log(w) - (a - 1.0) * uniform_mean_log(lo, hi, w) -
                     (b - 1.0) * uniform_mean_log(1.0 - hi, 1.0 - lo, w);
    return where(outside, kInfinity, finite);
  }
};

/// One category's term of KL(Categorical || Categorical), each side given
/// by its normalized probs or normalized logits (LogitsP, LogitsQ):
/// w log(w / v) - w + v (kl_term: exact at zero probabilities and when w is
/// close to v; the sum over the categories is the divergence, the -w + v
/// summing to 0), with the logs exact for either form: the logits, or
/// log(probs) (-inf at 0). torch takes log(clamp(probs, eps, 1 - eps)), so a
/// probability below eps counts as eps.
template <bool LogitsP, bool LogitsQ>
struct CategoricalKlTerm {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& p, const N& q) {
    const N w = LogitsP ? exp(p) : p, log_w = LogitsP ? p : safe_log(p);
    const N v = LogitsQ ? exp(q) : q, log_v = LogitsQ ? q : safe_log(q);
    return kl_term(w, v, log_w, log_v, log_w - log_v);
  }
};

// Names for the formula lists (a macro argument cannot hold a comma).
using BernoulliKlPP = BernoulliKl<false, false>;
using BernoulliKlPL = BernoulliKl<false, true>;
using BernoulliKlLP = BernoulliKl<true, false>;
using BernoulliKlLL = BernoulliKl<true, true>;
using GeometricKlPP = GeometricKl<false, false>;
using GeometricKlPL = GeometricKl<false, true>;
using GeometricKlLP = GeometricKl<true, false>;
using GeometricKlLL = GeometricKl<true, true>;
using BinomialKlPP = BinomialKl<false, false>;
using BinomialKlPL = BinomialKl<false, true>;
using BinomialKlLP = BinomialKl<true, false>;
using BinomialKlLL = BinomialKl<true, true>;
using CategoricalKlTermPP = CategoricalKlTerm<false, false>;
using CategoricalKlTermPL = CategoricalKlTerm<false, true>;
using CategoricalKlTermLP = CategoricalKlTerm<true, false>;
using CategoricalKlTermLL = CategoricalKlTerm<true, true>;

}  // namespace formulas
}  // namespace torchdist
