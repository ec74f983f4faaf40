#pragma once
// Internal: VonMises(loc, k)'s methods as formulas (number.h), through the
// scaled Bessel functions i0e and i1e (bessel.h): log I0(k) = k + log i0e(k)
// without overflow, and I1(k) / I0(k) = i1e(k) / i0e(k).

#include <cstddef>

#include "number.h"

namespace torchdist {
namespace formulas {
namespace von_mises {

constexpr double kLog2Pi = 1.8378770664093453;  // log(2 pi)

/// 1 - I1(k) / I0(k) for k > 0. From k = 1000 on the ratio is within 5e-4
/// of 1 and the subtraction would lose ~4 digits, so the asymptotic series
/// 1/(2k) + 1/(8k^2) + 1/(8k^3) + 25/(128k^4) + 13/(32k^5) is taken there
/// (relative error < 3e-15 at k = 1000, smaller beyond). Each side sees a
/// stand-in where the other is taken.
template <class N>
N one_minus_bessel_ratio(const N& k) {
  const auto large = k >= 1000.0;
  const N small_k = where(large, 1.0, k);
  const N y = 1.0 / where(large, k, 1000.0);
  const N series = y * (0.5 + y * (0.125 + y * (0.125 + y * (25.0 / 128 + y * (13.0 / 32)))));
  return where(large, series, 1.0 - bessel_i1e(small_k) / bessel_i0e(small_k));
}

}  // namespace von_mises

/// log p(x) = k cos(x - loc) - log(2 pi I0(k)), written as
/// -2 k sin^2((x - loc) / 2) - log(2 pi) - log i0e(k): no overflow for large
/// k, and no cancellation between k cos(x - loc) and log I0(k) ~ k.
struct VonMisesLogProb {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& x, const N& loc, const N& k) {
    const N s = sin(0.5 * (x - loc));
    return -2.0 * k * s * s - von_mises::kLog2Pi - log(bessel_i0e(k));
  }
};

/// The circular variance 1 - I1(k) / I0(k). In double on every path: in
/// float the ratio's subtraction from 1 would lose up to ~11 bits below
/// k = 1000.
struct VonMisesVariance {
  static constexpr size_t arity = 1;
  static constexpr bool float_in_double = true;
  template <class N>
  static N eval(const N& k) {
    return von_mises::one_minus_bessel_ratio(k);
  }
};

/// H = log(2 pi I0(k)) - k I1(k) / I0(k) = log(2 pi) + log i0e(k) +
/// k (1 - I1(k) / I0(k)). In double on every path, as the variance.
struct VonMisesEntropy {
  static constexpr size_t arity = 1;
  static constexpr bool float_in_double = true;
  template <class N>
  static N eval(const N& k) {
    return von_mises::kLog2Pi + log(bessel_i0e(k)) + k * von_mises::one_minus_bessel_ratio(k);
  }
};

}  // namespace formulas
}  // namespace torchdist
