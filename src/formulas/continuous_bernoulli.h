#pragma once
// Internal: ContinuousBernoulli's methods as formulas (number.h), in terms
// of eta = logit(p): cdf and icdf of the (clamped) logit, the moments, the
// entropy and the log normalizer of the (clamped) probability through
// eta = log p - log(1 - p).
//
// cdf and icdf: for |eta| >= 0.01 the expm1/log1p forms are accurate to a
// few ulps relative for every x and u; below, their series in eta through
// eta^7 (truncation below 2e-21 relative for the value and 5e-18 for the
// derivative in eta at |eta| = 0.01, against 50-digit arithmetic, where the
// closed forms lose about eps / |eta| of the derivative). The upper half
// goes through the reflection F(x; eta) = 1 - F(1 - x; -eta), with 1 - x
// exact for x >= 1/2: the upper tail is then as accurate as the lower one
// (the direct form loses up to 1e-11 relative in the gradient at
// u = 0.999), and icdf(1) is exactly 1.

#include <cstddef>
#include <limits>

#include "binary.h"
#include "number.h"

namespace torchdist {
namespace formulas {
namespace continuous_bernoulli {

// Below this |eta|, cdf and icdf use their series in eta (through eta^7).
constexpr double kSeriesEta = 0.01;

/// icdf(u) = log1p(u expm1(eta)) / eta as a series in eta, with v = u (1 - u)
/// and s = 1 - 2u.
template <class N>
N icdf_series(const N& u, const N& eta) {
  const N v = u * (1.0 - u);
  const N s = 1.0 - 2.0 * u;
  const N b7 = (1.0 + v * (-126.0 + v * (1680.0 - 5040.0 * v))) / 40320.0;
  const N b6 = s * (1.0 + v * (-60.0 + 360.0 * v)) / 5040.0;
  const N b5 = (1.0 + v * (-30.0 + 120.0 * v)) / 720.0;
  const N b4 = s * (1.0 - 12.0 * v) / 120.0;
  const N b3 = (1.0 - 6.0 * v) / 24.0;
  const N b2 = s / 6.0;
  return u + v * (eta * (0.5 + eta * (b2 + eta * (b3 + eta * (b4 + eta * (b5 + eta * (b6 + eta * b7)))))));
}

/// cdf(x) = expm1(eta x) / expm1(eta) as a series in eta, with w = x (1 - x)
/// and t = 1 - 2x.
template <class N>
N cdf_series(const N& x, const N& eta) {
  const N w = x * (1.0 - x);
  const N t = 1.0 - 2.0 * x;
  const N b7 = w * (2.0 + w * (4.0 + 3.0 * w)) / 120960.0;
  const N b6 = t * (1.0 + w * (3.0 + 3.0 * w)) / 30240.0;
  const N b5 = -w * (1.0 + 2.0 * w) / 1440.0;
  const N b4 = -t * (1.0 + 3.0 * w) / 720.0;
  const N b3 = w / 24.0;
  const N b2 = t / 12.0;
  return x + w * (eta * (-0.5 + eta * (b2 + eta * (b3 + eta * (b4 + eta * (b5 + eta * (b6 + eta * b7)))))));
}

/// The lower half (t <= 1/2) of cdf or icdf: the series near eta = 0, the
/// closed form elsewhere, each fed an eta that is safe for it.
template <class N, class Series, class Closed>
N lower_half(const N& t, const N& eta, Series series, Closed closed) {
  const auto small = abs(eta) < kSeriesEta;
  return where(small, series(t, where(small, eta, 0.0)), closed(t, where(small, 1.0, eta)));
}

/// The upper half through F(x; eta) = 1 - F(1 - x; -eta), with 1 - x exact
/// for x >= 1/2.
template <class N, class Lower>
N reflected(const N& t, const N& eta, Lower lower) {
  const auto upper = t > 0.5;
  const N r = lower(where(upper, 1.0 - t, t), where(upper, -eta, eta));
  return where(upper, 1.0 - r, r);
}

/// log(1 - p) - log(p), the negated logit, as log1p of a ratio whose
/// numerator and denominator are exact near p = 1/2 (1 - 2p, 2p - 1, 1 - p):
/// accurate to a few ulps relative for every p in (0, 1). torch subtracts
/// the two logarithms, which near p = 1/2 leaves a relative error of
/// 1e-16 / |L| (3e-14 at p = 0.499), and the variance's 1 / L^2 = 6e4 turns
/// that into 1e-9.
template <class N>
N log1mp_minus_logp(const N& p) {
  const auto lower = p <= 0.5;
  const N p_lo = where(lower, p, 0.25);
  const N p_hi = where(lower, 0.75, p);
  return where(lower, log1p((1.0 - 2.0 * p_lo) / p_lo), -log1p((2.0 * p_hi - 1.0) / (1.0 - p_hi)));
}

/// The natural parameter eta = logit(p) = log p - log(1 - p).
template <class N>
N natural(const N& p) {
  return -log1mp_minus_logp(p);
}

// The density is exp(eta x - F(eta)) on [0, 1], with the log normalizer in
// the natural parameter F(eta) = log((e^eta - 1) / eta); the mean is F',
// the variance F'', the entropy F - eta F'. For |eta| < 1 (p in 0.27..0.73)
// each is a series in eta from
//   F(eta) = eta / 2 + sum_i c_i eta^(2i + 2),  c_i = B_(2i+2) / ((2i+2) (2i+2)!),
// through eta^20 (the next term is below 3e-19 there; the terms shrink by
// (2 pi)^-2 each); beyond, the closed forms in a = |eta| cancel at most a
// factor of 12 (the variance at a = 1). torch instead switches from a
// Taylor series in p - 1/2 inside its lims (0.499, 0.501) to closed forms
// in p, which just outside the lims cancel up to 1e6-fold in the variance
// and leave nothing of its derivative (2 digits of 5e-6 against 1.47e-4 at
// p = 0.4989); the lims are therefore not needed here.
constexpr int kSeriesTerms = 10;
constexpr double kSeriesC[kSeriesTerms] = {1.0 / 24,
                                           -1.0 / 2880,
                                           1.0 / 181440,
                                           -1.0 / 9676800,
                                           1.0 / 479001600,
                                           -691.0 / 15692092416000,
                                           1.0 / 1046139494400,
                                           -3617.0 / 170729965486080000,
                                           43867.0 / 91963695909076992000.0,
                                           -174611.0 / 16057153253965824000000.0};

/// sum_i weight(i) c_i e2^i by Horner's rule (e2 = eta^2).
template <class N, class Weight>
N series(const N& e2, Weight weight) {
  N acc = e2.constant(weight(kSeriesTerms - 1) * kSeriesC[kSeriesTerms - 1]);
  for (int i = kSeriesTerms - 2; i >= 0; --i) acc = weight(i) * kSeriesC[i] + e2 * acc;
  return acc;
}

/// Whether the series applies; the other side gets eta = 1 there, which the
/// closed forms take without 0/0.
template <class N>
auto small_eta(const N& eta) {
  return abs(eta) < 1.0;
}

/// F(eta) = log((e^eta - 1) / eta).
template <class N>
N log_normalizer_natural(const N& eta) {
  const auto small = small_eta(eta);
  const N e = where(small, eta, 0.0);
  const N x = where(small, 1.0, eta);
  const N a = abs(x);
  const N closed = where(x > 0.0, x, 0.0) + log(-expm1(-a)) - log(a);
  return where(small, e / 2.0 + e * e * series(e * e, [](int) { return 1.0; }), closed);
}

/// The mean F'(eta) = 1 / (1 - e^-eta) - 1 / eta.
template <class N>
N mean_natural(const N& eta) {
  const auto small = small_eta(eta);
  const N e = where(small, eta, 0.0);
  const N x = where(small, 1.0, eta);
  const N closed = -1.0 / expm1(-x) - 1.0 / x;
  return where(small, 0.5 + e * series(e * e, [](int i) { return 2.0 * i + 2; }), closed);
}

/// The variance F''(eta) = 1 / eta^2 - e^-a / (1 - e^-a)^2, a = |eta|.
template <class N>
N variance_natural(const N& eta) {
  const auto small = small_eta(eta);
  const N e = where(small, eta, 0.0);
  const N a = abs(where(small, 1.0, eta));
  const N m = expm1(-a);
  const N closed = 1.0 / (a * a) - exp(-a) / (m * m);
  return where(small, series(e * e, [](int i) { return (2.0 * i + 2) * (2.0 * i + 1); }), closed);
}

/// The entropy F(eta) - eta F'(eta) (the series' eta / 2 terms cancel
/// exactly, leaving -sum_i (2i + 1) c_i eta^(2i + 2)).
template <class N>
N entropy_natural(const N& eta) {
  const auto small = small_eta(eta);
  const N e = where(small, eta, 0.0);
  const N x = where(small, 1.0, eta);
  const N closed = log_normalizer_natural(x) - x * mean_natural(x);
  return where(small, -(e * e) * series(e * e, [](int i) { return 2.0 * i + 1; }), closed);
}

/// The log normalizer in p: log C(p) = -F(eta) - log(1 - p).
template <class N>
N log_normalizer(const N& p) {
  return -log_normalizer_natural(natural(p)) - log1p(-p);
}

/// log_prob: x l - softplus(l) + log C on [0, 1], l the logit and log C the
/// log normalizer (batch-shaped: computed once, by log_normalizer); -inf
/// outside, where the formula runs at x = 1/2 so that
/// no NaN reaches a gradient.
template <class N>
N log_prob(const N& x, const N& logit, const N& log_c) {
  const auto off_support = (x < 0.0) | (x > 1.0);
  const N xs = where(off_support, 0.5, x);
  // x l - softplus(l) = x l + log sigmoid(-l).
  return where(off_support, -std::numeric_limits<double>::infinity(), xs * logit + log_sigmoid(-logit) + log_c);
}

/// icdf in eta = the (clamped) logit, kept in [0, 1] (rounding can put it
/// one ulp outside at u near 1).
template <class N>
N icdf(const N& u, const N& eta) {
  auto closed = [](const N& t, const N& e) { return log1p(t * expm1(e)) / e; };
  auto lower = [&](const N& t, const N& e) { return lower_half(t, e, &icdf_series<N>, closed); };
  const N r = reflected(u, eta, lower);
  return where(r < 0.0, 0.0, where(r > 1.0, 1.0, r));
}

/// cdf in eta: 0 below the support, 1 above.
template <class N>
N cdf(const N& x, const N& eta) {
  auto closed = [](const N& t, const N& e) { return expm1(e * t) / expm1(e); };
  auto lower = [&](const N& t, const N& e) { return lower_half(t, e, &cdf_series<N>, closed); };
  const N r = reflected(x, eta, lower);
  return where(x <= 0.0, 0.0, where(x >= 1.0, 1.0, r));
}

}  // namespace continuous_bernoulli

// The formulas (one fused pass on the CPU).

struct ContinuousBernoulliIcdf {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& u, const N& eta) {
    return continuous_bernoulli::icdf(u, eta);
  }
};

struct ContinuousBernoulliCdf {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& x, const N& eta) {
    return continuous_bernoulli::cdf(x, eta);
  }
};

struct ContinuousBernoulliLogNormalizer {
  static constexpr size_t arity = 1;
  template <class N>
  static N eval(const N& p) {
    return continuous_bernoulli::log_normalizer(p);
  }
};

struct ContinuousBernoulliMean {
  static constexpr size_t arity = 1;
  template <class N>
  static N eval(const N& p) {
    return continuous_bernoulli::mean_natural(continuous_bernoulli::natural(p));
  }
};

struct ContinuousBernoulliVariance {
  static constexpr size_t arity = 1;
  template <class N>
  static N eval(const N& p) {
    return continuous_bernoulli::variance_natural(continuous_bernoulli::natural(p));
  }
};

struct ContinuousBernoulliEntropy {
  static constexpr size_t arity = 1;
  template <class N>
  static N eval(const N& p) {
    return continuous_bernoulli::entropy_natural(continuous_bernoulli::natural(p));
  }
};

struct ContinuousBernoulliLogProb {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& x, const N& logit, const N& log_normalizer) {
    return continuous_bernoulli::log_prob(x, logit, log_normalizer);
  }
};

}  // namespace formulas
}  // namespace torchdist
