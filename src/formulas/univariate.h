#pragma once
// Internal: the elementwise methods of univariate families written once as
// formulas (number.h), run by kernels::evaluate: cdf, icdf, log_prob and
// moments whose ATen composition takes several passes over memory. Each
// family's source says why its formula has the form it has.

#include <cstddef>

#include "binary.h"
#include "kl_terms.h"
#include "number.h"

namespace torchdist {
namespace formulas {

constexpr double kPi = 3.14159265358979323846;
constexpr double kLogPi = 1.14472988584940017414;

/// min(max(x, lo), hi), with the gradient of x inside and 0 outside (as
/// at::clamp's).
template <class N>
N clamp(const N& x, double lo, double hi) {
  return where(x < lo, lo, where(x > hi, hi, x));
}

/// Cauchy cdf: 1/2 + atan(z) / pi = atan2(scale, loc - x) / pi for every z
/// (the division by scale folded into atan2).
struct CauchyCdf {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& x, const N& loc, const N& scale) {
    return atan2(scale, loc - x) / kPi;
  }
};

/// Cauchy icdf. Middle half: p - 1/2 is exact there and tan is well
/// conditioned. Tails: p - 1/2 would round away the digits of a small p,
/// so tan(pi (p - 1/2)) = -1 / tan(pi p) = 1 / tan(pi (1 - p)), with 1 - p
/// exact for p >= 1/2. Each side gets arguments on which it is finite, so
/// the side not taken cannot put NaN into the gradient; scale / tan(pi q)
/// divides rather than multiplying by a reciprocal that overflows for
/// subnormal q.
struct CauchyIcdf {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& p, const N& loc, const N& scale) {
    const N q = where(p < 0.5, p, 1.0 - p);
    const auto in_tail = q < 0.25;
    const N middle = scale * tan(kPi * clamp(p - 0.5, -0.25, 0.25));
    const N tail = scale / tan(kPi * where(in_tail, q, 0.25));
    return loc + where(in_tail, where(p < 0.5, -tail, tail), middle);
  }
};

/// HalfCauchy cdf: 2 F(x) - 1 = 2 atan(x / scale) / pi, without the
/// cancellation of the left-hand form near x = 0.
struct HalfCauchyCdf {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& x, const N& scale) {
    return atan2(x, scale) * (2 / kPi);
  }
};

/// HalfCauchy icdf: scale tan(pi p / 2); above p = 1/2 as
/// scale / tan(pi (1 - p) / 2), so that the pole at p = 1 is reached
/// through the exact 1 - p.
struct HalfCauchyIcdf {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& p, const N& scale) {
    const auto upper = p > 0.5;
    const N t = tan(where(upper, 1.0 - p, p) * (kPi / 2));
    return scale * where(upper, 1.0 / where(upper, t, 1.0), t);
  }
};

/// Laplace cdf: each side sees only its own half-line (exp never
/// overflows, so the side not taken has a zero gradient, not NaN).
struct LaplaceCdf {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& x, const N& loc, const N& scale) {
    const N z = (x - loc) / scale;
    const auto left = z < 0.0;
    return where(left, 0.5 * exp(where(left, z, 0.0)), 1.0 - 0.5 * exp(-where(left, 0.0, z)));
  }
};

/// Laplace icdf: p < 1/2: loc + scale log(2p), exact for tiny p; p >= 1/2:
/// 1 - p is exact, and log1p(-p) keeps it.
struct LaplaceIcdf {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& p, const N& loc, const N& scale) {
    const auto lower = p < 0.5;
    const N from_lower = log(2.0 * where(lower, p, 0.25));
    const N from_upper = -(0.69314718055994531 + log1p(-where(lower, 0.75, p)));
    return loc + scale * where(lower, from_lower, from_upper);
  }
};

/// Uniform cdf: (x - low) / (high - low), clamped to [0, 1].
struct UniformCdf {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& x, const N& low, const N& high) {
    return clamp((x - low) / (high - low), 0.0, 1.0);
  }
};

/// Uniform icdf: low + p (high - low).
struct UniformIcdf {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& p, const N& low, const N& high) {
    return low + p * (high - low);
  }
};

/// Uniform log_prob: -log(high - low) on [low, high), -inf elsewhere, with
/// the gradient in low and high of -log(high - low) everywhere (as torch's
/// log of the 0/1 indicator).
struct UniformLogProb {
  static constexpr size_t arity = 3;
  static constexpr bool constant_in[arity] = {true, false, false};
  template <class N>
  static N eval(const N& x, const N& low, const N& high) {
    const N density = -log(high - low);
    return where((low <= x) & (x < high), density, density - kInfinity);
  }
};

/// Uniform mean (low + high) / 2 and variance (high - low)^2 / 12, each
/// one pass.
struct UniformMean {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& low, const N& high) {
    return (low + high) * 0.5;
  }
};
struct UniformVariance {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& low, const N& high) {
    const N width = high - low;
    return width * width / 12.0;
  }
};

/// Laplace log_prob: -log(2 scale) - |x - loc| / scale.
struct LaplaceLogProb {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& x, const N& loc, const N& scale) {
    return -log(2.0 * scale) - abs(x - loc) / scale;
  }
};

/// Cauchy log_prob: log(scale) - log(pi) - 2 log(hypot(x - loc, scale)),
/// with log hypot(d, s) = log m + log1p((n / m)^2) / 2 for m = max(|d|, s)
/// and n = min(|d|, s): no square that overflows or underflows.
struct CauchyLogProb {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& x, const N& loc, const N& scale) {
    const N d = abs(x - loc);
    const auto d_larger = d > scale;
    const N m = where(d_larger, d, scale), n = where(d_larger, scale, d);
    const N r = n / m;
    return log(scale) - kLogPi - 2.0 * log(m) - log1p(r * r);
  }
};

/// Geometric log_prob k log(1 - p) + log p. From logits, log sigmoid(-+l)
/// (exact for large |l| and at +-inf; k log(1 - p) is 0 at k = 0 even where
/// log(1 - p) = -inf); from probs, at p = 1 and k = 0 the term k log(1 - p)
/// takes p = 0 (its gradient 0), leaving that of log p.
template <bool Logits>
struct GeometricLogProb {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& k, const N& given) {
    if constexpr (Logits) {
      return where(k == 0.0, 0.0, k * log_sigmoid(-given)) + log_sigmoid(given);
    } else {
      const N p = where((given == 1.0) & (k == 0.0), 0.0, given);
      return k * log1p(-p) + log(given);
    }
  }
};

/// Exponential log_prob log(rate) - rate x (as torch, also below 0), cdf
/// 1 - e^(-rate x) = -expm1(-rate x) (relative precision for small x) and
/// icdf -log1p(-p) / rate (relative precision for small p).
struct ExponentialLogProb {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& x, const N& rate) {
    return log(rate) - rate * x;
  }
};
struct ExponentialCdf {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& x, const N& rate) {
    return -expm1(-(rate * x));
  }
};
struct ExponentialIcdf {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& p, const N& rate) {
    return -log1p(-p) / rate;
  }
};

/// HalfNormal log_prob: log 2 - z^2 / 2 - log(scale) - log(2 pi) / 2 with
/// z = x / scale formed first (scale^2 underflows below 1e-154 in double);
/// -inf outside x >= 0 (NaN included, as torch 2.x), where the formula
/// sees the stand-in x = 0.
struct HalfNormalLogProb {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& x, const N& scale) {
    constexpr double kLog2MinusHalfLog2Pi = 0.69314718055994530942 - 0.91893853320467274178;
    const auto inside = x >= 0.0;
    const N z = where(inside, x, 0.0) / scale;
    return where(inside, kLog2MinusHalfLog2Pi - 0.5 * (z * z) - log(scale), -kInfinity);
  }
};

/// Weibull log_prob: log(k / scale) + (k - 1) log z - z^k, z = x / scale,
/// -inf below 0 (the formula sees the stand-in x = scale there). log z is
/// log(x / scale) where the ratio is a normal float (one rounding), else
/// log x - log scale: the ratio is subnormal or overflows for extreme ratios
/// (x = 1e-310 with scale = 1e10) although the density is representable;
/// z^k = exp(k log z). (k - 1) log z is 0 for k = 1 even at x = 0 or inf (the
/// Exponential's limit).
struct WeibullLogProb {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& x, const N& scale, const N& k) {
    constexpr double kTinyFloat = 1.17549435082228750797e-38;
    const auto below = x < 0.0;
    const N xs = where(below, scale, x);
    const N z = xs / scale;
    const auto normal = (z >= kTinyFloat) & (z < kInfinity);
    const N log_z = where(normal, log(where(normal, z, 1.0)), log(where(normal, 1.0, xs)) - log(where(normal, 1.0, scale)));
    const auto exponential_end = (k == 1.0) & ((log_z == kInfinity) | (log_z == -kInfinity));
    const N power = (k - 1.0) * where(exponential_end, 0.0, log_z);
    return where(below, -kInfinity, log(k) - log(scale) + power - exp(k * log_z));
  }
};

/// InverseGamma moments: mean r / (c - 1) for c > 1, variance
/// r^2 / ((c - 1)^2 (c - 2)) for c > 2, +inf below; a harmless c (2 or 3)
/// where the moment is infinite keeps its gradient 0.
struct InverseGammaMean {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& concentration, const N& rate) {
    const auto finite = concentration > 1.0;
    const N c = where(finite, concentration, 2.0);
    return where(finite, rate / (c - 1.0), kInfinity);
  }
};
struct InverseGammaVariance {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& concentration, const N& rate) {
    const auto finite = concentration > 2.0;
    const N c = where(finite, concentration, 3.0);
    const N cm1 = c - 1.0;
    return where(finite, rate * rate / (cm1 * cm1 * (c - 2.0)), kInfinity);
  }
};

/// Pareto mean: alpha scale / (alpha - 1), +inf for alpha <= 1 (torch
/// clamps alpha at 1 and divides by 0: the same values but a NaN gradient
/// at alpha = 1; a harmless alpha where the moment is infinite keeps it 0).
struct ParetoMean {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& scale, const N& alpha) {
    const auto finite = alpha > 1.0;
    const N a = where(finite, alpha, 2.0);
    return where(finite, a * scale / (a - 1.0), kInfinity);
  }
};

/// Pareto variance: scale^2 alpha / ((alpha - 1)^2 (alpha - 2)), +inf for
/// alpha <= 2, written as the mean is.
struct ParetoVariance {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& scale, const N& alpha) {
    const auto finite = alpha > 2.0;
    const N a = where(finite, alpha, 3.0);
    const N am1 = a - 1.0;
    return where(finite, scale * scale * a / (am1 * am1 * (a - 2.0)), kInfinity);
  }
};

/// log1p(x) / x for x > -1, 1 at x = 0: by its series 1 - x/2 + x^2/3 - x^3/4
/// below |x| = 1e-4 (the next term is below 2e-17), where the quotient of
/// two tiny (perhaps subnormal) numbers would lose digits or be 0 / 0.
template <class N>
N log1p_over_x(const N& x) {
  const auto small = abs(x) < 1e-4;
  const N xs = where(small, x, 0.0);
  const N xl = where(small, 1.0, x);
  const N series = 1.0 + xs * (-0.5 + xs * (1.0 / 3 + xs * -0.25));
  return where(small, series, log1p(xl) / xl);
}

/// Geometric entropy H = -log p - ((1 - p) / p) log(1 - p)
/// = -log p + (1 - p) r(-p) with r(x) = log1p(x) / x, which is 1 at p -> 0:
/// (1 - p) / p overflows for tiny p (float p = 1e-40 gave inf), and r stays
/// exact. From logits l: -log sigmoid(l) plus r(e^l) for l < 0, where
/// e^-l log sigmoid(-l) = -r(e^l) would be inf * 0 for l far below 0, and
/// -e^-l log sigmoid(-l) above (0 at l = +inf, p = 1). From probs, H is
/// exactly 0 at p = 1 (where the second term is 0 * -inf).
template <bool Logits>
struct GeometricEntropy {
  static constexpr size_t arity = 1;
  template <class N>
  static N eval(const N& given) {
    if constexpr (Logits) {
      const N& l = given;
      const auto below = l < 0.0;
      const N l_neg = where(below, l, 0.0);
      const N l_pos = where(below, 0.0, l);
      const N upper = where(l_pos == kInfinity, 0.0, exp(-l_pos) * log_sigmoid(-l_pos));
      return -log_sigmoid(l) + where(below, log1p_over_x(exp(l_neg)), -upper);
    } else {
      const auto one = given == 1.0;
      const N p = where(one, 0.5, given);
      return where(one, 0.0, -log(p) + (1.0 - p) * log1p_over_x(-p));
    }
  }
};

/// The Geometric variate of a standard exponential e: floor(e / -log(1 - p)),
/// the number of failures before the first success (Devroye, "Non-Uniform
/// Random Variate Generation", 1986, X.2). log(1 - p) is log1p(-p) from
/// probs and log sigmoid(-l) from logits, exact for p near 1 as well; p = 1
/// gives floor(e / inf) = 0. The exponentials reach 38.8 in float
/// (samplers.h), so the tail does not end early; the quotient's rounding
/// moves a draw across an integer only where it lies within an ulp of it.
template <bool Logits>
struct GeometricFromExponential {
  static constexpr size_t arity = 2;
  static constexpr bool constant_in[arity] = {true, true};  // a step function
  template <class N>
  static N eval(const N& e, const N& given) {
    const N log_q = Logits ? log_sigmoid(-given) : log1p(-given);
    return floor(e / -log_q);
  }
};

/// The Bernoulli variate of a uniform u in (0, 1]: 1 where u <= p, else 0
/// (p = 0 never, p = 1 always). From logits, p = sigmoid(l) in double on
/// every path, so that the paths agree on every draw.
template <bool Logits>
struct BernoulliFromUniform {
  static constexpr size_t arity = 2;
  static constexpr bool float_in_double = Logits;
  static constexpr bool constant_in[arity] = {true, true};  // a step function
  template <class N>
  static N eval(const N& u, const N& given) {
    return where(u <= (Logits ? sigmoid(given) : given), u.constant(1.0), u.constant(0.0));
  }
};

/// NegativeBinomial log_prob: r log(1 - p) + k log p - log(Gamma(r) k! /
/// Gamma(r + k)), the normalizer 0 at r = k = 0 (lgamma(0) - lgamma(0) is
/// inf - inf there, and the mass is 1). From logits l the logs are
/// log sigmoid(-+l) (-r softplus(l) - k softplus(-l)); from probs they are
/// x log(y) forms, 0 where the count is 0 (torch's xlog1py and xlogy), so
/// p = 0 with k = 0 is the point mass, exactly 0 with gradient 0. The
/// lgamma differences cancel for large counts, in float more than ATen's
/// float lgamma allows the kernels' faster one: float arguments are
/// computed in double.
template <bool Logits>
struct NegativeBinomialLogProb {
  static constexpr size_t arity = 3;
  static constexpr bool float_in_double = true;
  template <class N>
  static N eval(const N& k, const N& r, const N& given) {
    const auto empty = (r + k) == 0.0;
    const N normalizer = where(empty, 0.0, lgamma(r) + lgamma(k + 1.0) - lgamma(r + k));
    if constexpr (Logits) {
      return r * log_sigmoid(-given) + k * log_sigmoid(given) - normalizer;
    } else {
      const auto certain = (given == 0.0) & (k == 0.0);
      const N p = where(certain, 0.5, given);
      const N failures = where(r == 0.0, 0.0, r * log1p(-p));
      const N successes = where(k == 0.0, 0.0, k * log(where(k == 0.0, 0.5, p)));
      return where(certain, 0.0, failures + successes - normalizer);
    }
  }
};

/// c + sign log(x) in one pass: the entropies of the scale families
/// (c + log scale) and Exponential's (1 - log rate). C holds c.
template <class C, int Sign>
struct LogEntropy {
  static constexpr size_t arity = 1;
  template <class N>
  static N eval(const N& x) {
    return (Sign > 0 ? log(x) : -log(x)) + C::value;
  }
};
struct NormalEntropyConstant {  // 1/2 + log(2 pi) / 2
  static constexpr double value = 1.4189385332046727;
};
struct HalfNormalEntropyConstant {  // 1/2 + log(pi / 2) / 2
  static constexpr double value = 0.72579135264472743;
};
struct LaplaceEntropyConstant {  // 1 + log 2
  static constexpr double value = 1.6931471805599453;
};
struct CauchyEntropyConstant {  // log(4 pi)
  static constexpr double value = 2.5310242469692907;
};
struct HalfCauchyEntropyConstant {  // log(2 pi)
  static constexpr double value = 1.8378770664093453;
};
struct GumbelEntropyConstant {  // 1 + Euler's gamma
  static constexpr double value = 1.5772156649015329;
};
struct OneConstant {
  static constexpr double value = 1.0;
};
using NormalEntropy = LogEntropy<NormalEntropyConstant, 1>;
using HalfNormalEntropy = LogEntropy<HalfNormalEntropyConstant, 1>;
using LaplaceEntropy = LogEntropy<LaplaceEntropyConstant, 1>;
using CauchyEntropy = LogEntropy<CauchyEntropyConstant, 1>;
using HalfCauchyEntropy = LogEntropy<HalfCauchyEntropyConstant, 1>;
using GumbelEntropy = LogEntropy<GumbelEntropyConstant, 1>;
using ExponentialEntropy = LogEntropy<OneConstant, -1>;

/// Beta entropy: log B(a, b) - (a - 1) psi(a) - (b - 1) psi(b)
/// + (a + b - 2) psi(a + b), in double for float (the terms cancel: at
/// a = b = 1e3 they are 1e3 times the result), and the gradient
/// (trigamma) by reverse mode through the composition.
struct BetaEntropy {
  static constexpr size_t arity = 2;
  static constexpr bool vector_backward = false;
  static constexpr bool float_in_double = true;
  template <class N>
  static N eval(const N& a, const N& b) {
    const N total = a + b;
    return lgamma(a) + lgamma(b) - lgamma(total) - (a - 1.0) * digamma(a) - (b - 1.0) * digamma(b) +
           (total - 2.0) * digamma(total);
  }
};

/// Gamma entropy: c - log r + lgamma(c) + (1 - c) psi(c), in double for
/// float (lgamma(c) and (1 - c) psi(c) cancel: at c = 1e4 they are 1e4 times
/// the result); the gradient (trigamma) by reverse mode through the
/// composition.
struct GammaEntropy {
  static constexpr size_t arity = 2;
  static constexpr bool vector_backward = false;
  static constexpr bool float_in_double = true;
  template <class N>
  static N eval(const N& c, const N& rate) {
    return c - log(rate) + lgamma(c) + (1.0 - c) * digamma(c);
  }
};

/// StudentT entropy: log scale + (df + 1) / 2 (psi((df + 1) / 2) -
/// psi(df / 2)) + log(df) / 2 + log B(df / 2, 1 / 2), in double for float as
/// Gamma's (the digamma difference and the lgamma difference cancel for
/// large df); the gradient by reverse mode through the composition.
struct StudentTEntropy {
  static constexpr size_t arity = 2;
  static constexpr bool vector_backward = false;
  static constexpr bool float_in_double = true;
  template <class N>
  static N eval(const N& df, const N& scale) {
    constexpr double kLgammaHalf = 0.57236494292470008;  // lgamma(1/2) = log(sqrt(pi))
    const N half = 0.5 * df, half_up = 0.5 * (df + 1.0);
    return log(scale) + half_up * (digamma(half_up) - digamma(half)) + 0.5 * log(df) + lgamma(half) + kLgammaHalf -
           lgamma(half_up);
  }
};

/// A Categorical's entropy term -p log p of a normalized logit l = log p:
/// -e^l l, 0 (and its derivative 0) at l = -inf, an impossible category
/// (torch clamps l to the dtype's lowest value there, to the same effect).
/// The entropy is the sum over the last dimension.
struct CategoricalEntropyTerm {
  static constexpr size_t arity = 1;
  template <class N>
  static N eval(const N& l) {
    return where(l == -kInfinity, 0.0, -(exp(l) * l));
  }
};

/// A Categorical's entropy term from probs, as torch: -p log(clamp(p, eps,
/// 1 - eps)) with eps the dtype's epsilon (its logits from probs), given as
/// a one-element tensor.
struct CategoricalEntropyTermProbs {
  static constexpr size_t arity = 2;
  static constexpr bool constant_in[arity] = {false, true};
  template <class N>
  static N eval(const N& p, const N& eps) {
    const N one_minus_eps = 1.0 - eps;
    const N clamped = where(p < eps, eps, where(p > one_minus_eps, one_minus_eps, p));
    return -(p * log(clamped));
  }
};

}  // namespace formulas
}  // namespace torchdist
