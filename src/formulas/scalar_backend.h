#pragma once
// Internal: formulas on one float or double (number.h), in plain scalar
// code: the one-element fast path, with no tensor operation at all.

#include <cmath>

#include "bessel.h"
#include "number.h"
#include "scalar_special.h"

namespace torchdist {
namespace formulas {

template <class T>
struct ScalarBackend {
  using Mask = bool;
  static T constant(double c, T) { return static_cast<T>(c); }
  static T add(T a, T b) { return a + b; }
  static T sub(T a, T b) { return a - b; }
  static T mul(T a, T b) { return a * b; }
  static T div(T a, T b) { return a / b; }
  static T neg(T a) { return -a; }
  static bool lt(T a, T b) { return a < b; }
  static bool le(T a, T b) { return a <= b; }
  static bool eq(T a, T b) { return a == b; }
  static bool mask_and(bool a, bool b) { return a && b; }
  static bool mask_or(bool a, bool b) { return a || b; }
  static bool mask_not(bool a) { return !a; }
  static bool any(bool a) { return a; }
  static T select(bool m, T a, T b) { return m ? a : b; }
  static T log(T x) { return std::log(x); }
  static T log1p(T x) { return std::log1p(x); }
  static T exp(T x) { return std::exp(x); }
  static T expm1(T x) { return std::expm1(x); }
  static T sqrt(T x) { return std::sqrt(x); }
  static T abs(T x) { return std::abs(x); }
  static T lgamma(T x) { return std::lgamma(x); }
  static T digamma(T x) { return scalar_digamma(x); }
  static T trigamma(T x) { return scalar_trigamma(x); }
  static T erfc(T x) { return std::erfc(x); }
  static T floor(T x) { return std::floor(x); }
  static T sin(T x) { return std::sin(x); }
  static T cos(T x) { return std::cos(x); }
  static T tan(T x) { return std::tan(x); }
  static T bessel_i0e(T x) { return bessel::i0e(num(x), sizeof(T) == 4).r; }
  static T bessel_i1e(T x) { return bessel::i1e(num(x), sizeof(T) == 4).r; }
  static T atan2(T y, T x) { return std::atan2(y, x); }
};

template <>
struct Backend<float> : ScalarBackend<float> {};
template <>
struct Backend<double> : ScalarBackend<double> {};

}  // namespace formulas
}  // namespace torchdist
