#pragma once
// Internal, for the AVX2 kernel files: formulas (src/formulas/number.h) on
// one vector of floats or doubles. float takes the kernels' own log, log1p,
// exp and lgamma (fast_math_avx2.h, fast_lgamma_avx2.h: within 1-2 ulp, the
// bounds tested in tests/kernels/test_fast_math.cpp); double takes Sleef's
// (through at::vec) and the table lgamma of fast_math_double_avx2.h. A mask
// is a vector whose lanes are all ones or all zeros, as the comparisons of
// at::vec give. trigamma has no vector form: a formula whose gradient needs
// it (one that takes digamma, or lgamma's derivative of a digamma) says
// `vector_backward = false`.

#include <ATen/cpu/vec/vec.h>
#include <immintrin.h>

#include <limits>

#include "../formulas/bessel.h"
#include "../formulas/number.h"
#include "../formulas/scalar_special.h"
#include "fast_lgamma_avx2.h"
#include "fast_math_avx2.h"
#include "fast_math_double_avx2.h"

namespace torchdist {
namespace formulas {

template <typename T>
struct VecBackend {
  using V = at::vec::Vectorized<T>;
  using Mask = V;
  static V constant(double c, const V&) { return V(static_cast<T>(c)); }
  static V add(const V& a, const V& b) { return a + b; }
  static V sub(const V& a, const V& b) { return a - b; }
  static V mul(const V& a, const V& b) { return a * b; }
  static V div(const V& a, const V& b) { return a / b; }
  static V neg(const V& a) { return a.neg(); }
  static Mask lt(const V& a, const V& b) { return a < b; }
  static Mask le(const V& a, const V& b) { return a <= b; }
  static Mask eq(const V& a, const V& b) { return a == b; }
  static Mask mask_and(const Mask& a, const Mask& b) { return a & b; }
  static Mask mask_or(const Mask& a, const Mask& b) { return a | b; }
  static Mask mask_not(const Mask& a) { return a ^ all_ones(); }
  static bool any(const Mask& a) { return a.zero_mask() != (1 << V::size()) - 1; }
  // blendv(a, b, m) takes b where m is set.
  static V select(const Mask& m, const V& a, const V& b) { return V::blendv(b, a, m); }
  static V expm1(const V& x) { return x.expm1(); }
  static V sqrt(const V& x) { return x.sqrt(); }
  static V abs(const V& x) { return x.abs(); }
  static V erfc(const V& x) { return x.erfc(); }
  static V floor(const V& x) { return x.floor(); }
  static V sin(const V& x) { return x.sin(); }
  static V cos(const V& x) { return x.cos(); }
  static V tan(const V& x) { return x.tan(); }
  static V bessel_i0e(const V& x) { return bessel::i0e(num(x), sizeof(T) == 4).r; }
  static V bessel_i1e(const V& x) { return bessel::i1e(num(x), sizeof(T) == 4).r; }
  static V atan2(const V& y, const V& x) { return y.atan2(x); }

  /// digamma for x > 0 by the recurrence to x >= 10 with the partial sums
  /// of 1/(x + k) kept as one fraction (one division instead of ten), then
  /// the asymptotic series of scalar_digamma; a vector with a lane at or
  /// below 0, infinite or NaN takes scalar_digamma lane by lane.
  template <class Log>
  static V digamma_with(const V& x, Log log) {
    if (((x > V(T(0))) & (x < V(std::numeric_limits<T>::infinity()))).zero_mask() != 0) {
      T lanes[V::size()];
      x.store(lanes);
      for (int i = 0; i < V::size(); ++i) lanes[i] = scalar_digamma(lanes[i]);
      return V::loadu(lanes);
    }
    const V ten(T(10)), one(T(1));
    V numerator(T(0)), denominator(T(1)), y = x;
    for (int k = 0; k < 10; ++k) {
      const V m = y < ten;
      numerator = V::blendv(numerator, numerator * y + denominator, m);
      denominator = V::blendv(denominator, denominator * y, m);
      y = V::blendv(y, y + one, m);
    }
    const V z = one / (y * y);
    const V series =
        z * (V(T(1.0 / 12)) -
             z * (V(T(1.0 / 120)) -
                  z * (V(T(1.0 / 252)) - z * (V(T(1.0 / 240)) - z * (V(T(1.0 / 132)) - z * V(T(691.0 / 32760)))))));
    return log(y) - V(T(0.5)) / y - series - numerator / denominator;
  }

  static V all_ones() {
    if constexpr (sizeof(T) == 4) {
      return V(_mm256_castsi256_ps(_mm256_set1_epi32(-1)));
    } else {
      return V(_mm256_castsi256_pd(_mm256_set1_epi64x(-1)));
    }
  }
};

template <>
struct Backend<at::vec::Vectorized<float>> : VecBackend<float> {
  static V log(const V& x) { return V(detail::kernels::avx2::fast_log(x)); }
  static V log1p(const V& x) { return V(detail::kernels::avx2::fast_log1p(x)); }
  static V exp(const V& x) { return V(detail::kernels::avx2::fast_exp(x)); }
  static V lgamma(const V& x) { return V(detail::kernels::avx2::fast_lgamma(x)); }
  static V digamma(const V& x) { return digamma_with(x, [](const V& y) { return log(y); }); }
};

template <>
struct Backend<at::vec::Vectorized<double>> : VecBackend<double> {
  static V log(const V& x) { return x.log(); }
  static V log1p(const V& x) { return x.log1p(); }
  static V exp(const V& x) { return x.exp(); }
  static V lgamma(const V& x) { return V(detail::kernels::avx2::fast_lgamma(x)); }
  static V digamma(const V& x) { return digamma_with(x, [](const V& y) { return log(y); }); }
};

}  // namespace formulas
}  // namespace torchdist
