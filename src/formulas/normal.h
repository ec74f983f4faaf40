#pragma once
// Internal: the standard normal's quantile and the Normal-based families'
// cdf and icdf as formulas (number.h).
//
// The quantile is Wichura's algorithm AS 241 (PPND16; "The percentage
// points of the normal distribution", Applied Statistics 37, 1988): three
// rational functions of degree 7, relative error about 1e-16, in one pass
// with one log and one sqrt where ATen's ndtri and erfinv evaluate each
// element in scalar code. It takes the probability as two exact parts, so
// that each caller keeps the digits its form carries.

#include <cstddef>

#include "number.h"

namespace torchdist {
namespace formulas {
namespace normal {

constexpr double kSqrt2 = 1.41421356237309504880;

/// c[0] + c[1] x + ... + c[7] x^7 by Horner's rule.
template <class N>
N degree7(const N& x, const double (&c)[8]) {
  N y = x * c[7] + c[6];
  for (int k = 5; k >= 0; --k) y = y * x + c[k];
  return y;
}

// AS 241's coefficients, lowest degree first: q A(r) / B(r) in the middle,
// r = 0.180625 - q^2; C(s) / D(s) in the near tail, s = sqrt(-log t) - 1.6;
// E(s) / F(s) in the far tail, s = sqrt(-log t) - 5.
constexpr double kA[8] = {3.3871328727963666080e0,   1.3314166789178437745e+2, 1.9715909503065514427e+3,
                          1.3731693765509461125e+4,  4.5921953931549871457e+4, 6.7265770927008700853e+4,
                          3.3430575583588128105e+4,  2.5090809287301226727e+3};
constexpr double kB[8] = {1.0,                       4.2313330701600911252e+1, 6.8718700749205790830e+2,
                          5.3941960214247511077e+3,  2.1213794301586595867e+4, 3.9307895800092710610e+4,
                          2.8729085735721942674e+4,  5.2264952788528545610e+3};
constexpr double kC[8] = {1.42343711074968357734e0,  4.63033784615654529590e0, 5.76949722146069140550e0,
                          3.64784832476320460504e0,  1.27045825245236838258e0, 2.41780725177450611770e-1,
                          2.27238449892691845833e-2, 7.74545014278341407640e-4};
constexpr double kD[8] = {1.0,                       2.05319162663775882187e0, 1.67638483018380384940e0,
                          6.89767334985100004550e-1, 1.48103976427480074590e-1, 1.51986665636164571966e-2,
                          5.47593808499534494600e-4, 1.05075007164441684324e-9};
constexpr double kE[8] = {6.65790464350110377720e0,  5.46378491116411436990e0, 1.78482653991729133580e0,
                          2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
                          2.71155556874348757815e-5, 2.01033439929228813265e-7};
constexpr double kF[8] = {1.0,                       5.99832206555887937690e-1, 1.36929880922735805310e-1,
                          1.48753612908506148525e-2, 7.86869131145613259100e-4, 1.84631831751005468180e-5,
                          1.42151175831644588870e-7, 2.04426310338993978564e-15};

/// Phi^-1(p) of a probability given as q = p - 1/2 and t = min(p, 1 - p),
/// each exact as the caller has it: q for |q| <= 0.425 (the middle), t
/// beyond (the tails, with the sign of q). -inf at p = 0, +inf at p = 1
/// (t = 0), with the one-sided derivative +inf there (as ATen's ndtri's),
/// which -log(t) carries; NaN stays NaN. Each range sees a stand-in (q = 0,
/// t = 1/4) where the other is taken.
template <class N>
N standard_normal_quantile(const N& q, const N& t) {
  const auto middle = abs(q) <= 0.425;
  const N qm = where(middle, q, 0.0);
  const N r = 0.180625 - qm * qm;
  const N central = qm * degree7(r, kA) / degree7(r, kB);
  const auto zero = t == 0.0;
  const N s = sqrt(-log(where(middle | zero, 0.25, t)));
  const auto near = s <= 5.0;
  const N sn = where(near, s, 5.0) - 1.6, sf = where(near, 5.0, s) - 5.0;
  const N tail = where(zero, -log(t), where(near, degree7(sn, kC) / degree7(sn, kD), degree7(sf, kE) / degree7(sf, kF)));
  return where(middle, central, where(q < 0.0, -tail, tail));
}

}  // namespace normal

/// Normal icdf: loc + scale Phi^-1(p), with p - 1/2 for the middle (exact
/// from p = 1/4 on, and rounded by less than the quantile's own error
/// below) and min(p, 1 - p) for the tails (1 - p is exact above 1/2): full
/// relative precision in the lower tail, where torch's erfinv(2p - 1) rounds
/// 2p - 1 to -1 below p ~ 1e-17.
struct NormalIcdf {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& p, const N& loc, const N& scale) {
    const N q = p - 0.5;
    return loc + scale * normal::standard_normal_quantile(q, where(q < 0.0, p, 1.0 - p));
  }
};

/// HalfNormal icdf: scale Phi^-1((1 + p) / 2), with q = p / 2 (exact: small
/// p keeps its relative precision, where 1 + p would round it away) and the
/// tail (1 - p) / 2 (exact above 1/2, where erfinv loses digits).
struct HalfNormalIcdf {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& p, const N& scale) {
    return scale * normal::standard_normal_quantile(0.5 * p, 0.5 * (1.0 - p));
  }
};

/// Normal cdf: erfc((loc - x) / (scale sqrt 2)) / 2, which keeps relative
/// precision in the lower tail, where torch's (1 + erf(z / sqrt 2)) / 2
/// rounds to 0 below z ~ -8.3.
struct NormalCdf {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& x, const N& loc, const N& scale) {
    return 0.5 * erfc((loc - x) / (scale * normal::kSqrt2));
  }
};

}  // namespace formulas
}  // namespace torchdist
