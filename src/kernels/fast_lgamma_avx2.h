#pragma once
// Internal, for the AVX2 kernel files: lgamma of eight floats in float
// arithmetic, faster than Sleef's (ATen's Vectorized<float>; BENCHMARKS.md,
// "Kernel building blocks") and within 3 ulp of the exact value where
// Sleef's is within 1 (2.63 ulp at worst over every float in [2^-10, 16) and
// 2M random positive floats; 97% within 1 ulp). tests/kernels/
// test_fast_math.cpp sweeps every float in [0.5, 8) and a sample of the rest
// against std::lgamma in double.
//
// On [1, 3), lgamma(t) = (t - 1)(t - 2) P(t - 2): the two zeros are factored
// out, so the result keeps its relative accuracy next to them, and P is a
// degree-12 polynomial fitted (weighted least squares on 400 Chebyshev
// nodes, each coefficient rounded to float in turn and the rest refitted) to
// relative error 1.7e-8. Other arguments are brought there by the recurrence
// lgamma(t + 1) = lgamma(t) + log t, whose log terms add with the same sign
// as the result and so lose nothing: below 1 one step up, from 3 to 8 up to
// five steps down (their product, at most 7!/2, in one log). From 8 on,
// Stirling's series (z - 1/2) log z - z + log(2 pi)/2 + 1/(12 z) - 1/(360 z^3)
// + 1/(1260 z^5), whose next term is below 3e-10 there.

#include <ATen/cpu/vec/vec.h>
#include <immintrin.h>

#include "../core/math_constants.h"
#include "fast_math_avx2.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace avx2 {

/// lgamma(x) for 0 < x < 8 (no checks).
inline __m256 fast_lgamma_below_8(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f), three = _mm256_set1_ps(3.0f);
  // Below 1: lgamma(x) = lgamma(x + 1) - log x.
  const __m256 below_one = _mm256_cmp_ps(x, one, _CMP_LT_OQ);
  __m256 t = _mm256_add_ps(x, _mm256_and_ps(below_one, one));
  __m256 product = _mm256_blendv_ps(one, x, below_one);
  // From [3, 8): lgamma(t) = lgamma(t - 1) + log(t - 1), at most five times.
  for (int step = 0; step < 5; ++step) {
    const __m256 down = _mm256_cmp_ps(t, three, _CMP_GE_OQ);
    t = _mm256_sub_ps(t, _mm256_and_ps(down, one));
    product = _mm256_mul_ps(product, _mm256_blendv_ps(one, t, down));
  }
  // u = t - 2 and t - 1, exact from [1, 3); for the step up from x from x
  // itself, since x + 1 drops low bits of x.
  const __m256 u = _mm256_blendv_ps(_mm256_sub_ps(t, _mm256_set1_ps(2.0f)), _mm256_sub_ps(x, one), below_one);
  const __m256 t_minus_1 = _mm256_blendv_ps(_mm256_sub_ps(t, one), x, below_one);
  __m256 p = _mm256_set1_ps(1.59397641e-05f);
  for (float c : {-3.84893028e-05f, 3.08627059e-05f, -5.31102196e-05f, 0.000183032564f, -0.000424855185f,
                  0.000917803496f, -0.00210239273f, 0.00499748299f, -0.0123849101f, 0.0329651758f, -0.100317277f,
                  0.422784328f}) {
    p = _mm256_fmadd_ps(p, u, _mm256_set1_ps(c));
  }
  const __m256 on_1_3 = _mm256_mul_ps(_mm256_mul_ps(t_minus_1, u), p);
  // + log(product) for the steps down, - log x for the step up (the sign bit flipped).
  const __m256 log_term = _mm256_xor_ps(fast_log(product), _mm256_and_ps(below_one, _mm256_set1_ps(-0.0f)));
  return _mm256_add_ps(on_1_3, log_term);
}

/// lgamma(x) for 8 <= x < inf (no checks; overflows to inf as lgamma does).
inline __m256 fast_lgamma_stirling(__m256 x) {
  const __m256 inv = _mm256_div_ps(_mm256_set1_ps(1.0f), x);
  const __m256 w = _mm256_mul_ps(inv, inv);
  __m256 series = _mm256_fmadd_ps(_mm256_set1_ps(1.0f / 1260), w, _mm256_set1_ps(-1.0f / 360));
  series = _mm256_fmadd_ps(series, w, _mm256_set1_ps(1.0f / 12));
  series = _mm256_fmadd_ps(series, inv, _mm256_set1_ps(static_cast<float>(kHalfLog2Pi)));
  // One rounding for (x - 1/2) log x - x: no overflow before the subtraction.
  return _mm256_add_ps(_mm256_fmsub_ps(_mm256_sub_ps(x, _mm256_set1_ps(0.5f)), fast_log(x), x), series);
}

/// lgamma(x) for every float; vectors with a lane at or below 0, infinite or
/// NaN go to Sleef's (lgamma's poles and sign changes live there).
inline __m256 fast_lgamma(__m256 x) {
  const __m256 positive_finite = _mm256_and_ps(_mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GT_OQ),
                                               _mm256_cmp_ps(x, _mm256_set1_ps(__builtin_inff()), _CMP_LT_OQ));
  if (_mm256_movemask_ps(positive_finite) != 0xFF) return at::vec::Vectorized<float>(x).lgamma();
  const __m256 large = _mm256_cmp_ps(x, _mm256_set1_ps(8.0f), _CMP_GE_OQ);
  const int large_lanes = _mm256_movemask_ps(large);
  if (large_lanes == 0) return fast_lgamma_below_8(x);
  if (large_lanes == 0xFF) return fast_lgamma_stirling(x);
  // Each half on lanes in its range (the others' results are dropped).
  const __m256 small_lanes = _mm256_blendv_ps(x, _mm256_set1_ps(1.0f), large);
  const __m256 large_lanes_only = _mm256_blendv_ps(_mm256_set1_ps(8.0f), x, large);
  return _mm256_blendv_ps(fast_lgamma_below_8(small_lanes), fast_lgamma_stirling(large_lanes_only), large);
}

}  // namespace avx2
}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
