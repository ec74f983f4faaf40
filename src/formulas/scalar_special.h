#pragma once
// Internal: special functions of one double that the C++ standard library
// lacks, for the scalar formula backend (scalar_backend.h).

#include <cmath>
#include <limits>

namespace torchdist {
namespace formulas {

/// digamma(x) = d/dx lgamma(x), as ATen defines it at the poles: -inf at +0,
/// +inf at -0, NaN at the negative integers and -inf. The recurrence
/// digamma(x) = digamma(x + 1) - 1/x up to x >= 10, then the asymptotic
/// series log x - 1/(2x) - sum B_2k / (2k x^2k) to x^-12 (the first term
/// left out, 1 / (12 x^14), is below 1e-15 there); negative x by reflection.
inline double scalar_digamma(double x) {
  constexpr double kPi = 3.14159265358979323846;
  if (x == 0) return std::copysign(std::numeric_limits<double>::infinity(), -x);
  if (std::isnan(x) || x == -std::numeric_limits<double>::infinity()) return std::numeric_limits<double>::quiet_NaN();
  if (x == std::numeric_limits<double>::infinity()) return x;
  if (x < 0) {
    if (x == std::floor(x)) return std::numeric_limits<double>::quiet_NaN();
    // digamma(1 - x) - digamma(x) = pi cot(pi x); the argument reduced to
    // (-1/2, 1/2] first keeps tan accurate for large |x|.
    const double r = x - std::round(x);
    return scalar_digamma(1 - x) - kPi / std::tan(kPi * r);
  }
  double shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const double z = 1 / (x * x);
  const double series =
      z * (1.0 / 12 - z * (1.0 / 120 - z * (1.0 / 252 - z * (1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760))))));
  return shift + std::log(x) - 0.5 / x - series;
}

inline float scalar_digamma(float x) { return static_cast<float>(scalar_digamma(static_cast<double>(x))); }

/// trigamma(x) = d/dx digamma(x): +inf at the poles (0 and the negative
/// integers), as ATen's polygamma(1, x). The recurrence
/// trigamma(x) = trigamma(x + 1) + 1/x^2 up to x >= 12, then the asymptotic
/// series 1/x + 1/(2x^2) + sum B_2k / x^(2k+1) to x^-15 (the first term left
/// out is below 1e-16 of the sum there); negative x by reflection,
/// trigamma(1 - x) + trigamma(x) = pi^2 / sin^2(pi x).
inline double scalar_trigamma(double x) {
  constexpr double kPi = 3.14159265358979323846;
  if (std::isnan(x) || x == -std::numeric_limits<double>::infinity()) return std::numeric_limits<double>::quiet_NaN();
  if (x == std::numeric_limits<double>::infinity()) return 0.0;
  if (x <= 0 && x == std::floor(x)) return std::numeric_limits<double>::infinity();
  if (x < 0) {
    const double s = std::sin(kPi * (x - std::round(x)));
    return kPi * kPi / (s * s) - scalar_trigamma(1 - x);
  }
  double shift = 0;
  while (x < 12) {
    shift += 1 / (x * x);
    x += 1;
  }
  const double z = 1 / (x * x);
  const double series =
      z * (1.0 / 6 - z * (1.0 / 30 - z * (1.0 / 42 - z * (1.0 / 30 - z * (5.0 / 66 - z * (691.0 / 2730 - z * 7.0 / 6))))));
  return shift + (1 + 0.5 / x + series) / x;
}

inline float scalar_trigamma(float x) { return static_cast<float>(scalar_trigamma(static_cast<double>(x))); }

}  // namespace formulas
}  // namespace torchdist
