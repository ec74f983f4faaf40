#pragma once
// Internal, for the AVX2 kernel files: lgamma of four doubles, for Beta's
// log-density of float values, which is computed in double because
// lgamma(a + b) - lgamma(a) - lgamma(b) cancels (in float, digits of the
// result are lost once the concentrations reach the tens). Sleef's double
// lgamma (ATen's Vectorized<double>) costs 23 ns per element here, this one
// 6.4 ns. Its absolute error stays below 1e-15 (x + 8) log(x + 8), the size
// of the Stirling term it sums (tests/kernels/test_fast_math.cpp, against
// lgammal; 5.2e-16 of it measured): far below what a
// float result holds, though not Sleef's 1 ulp, so double kernels keep
// Sleef's.
//
// lgamma(x) = lgamma(x + 8) - log(x (x + 1) ... (x + 7)), and at z = x + 8 >= 8
// Stirling's series (z - 1/2) log z - z + log(2 pi)/2 + sum_k B_2k /
// (2k (2k - 1) z^(2k - 1)) truncated after B_16 (the next term is below 1e-16).
// The two logs, of doubles in [8, 2^160), by the reduction below: x = m 2^e
// with m in [sqrt(1/2), sqrt(2)), f = m - 1 (exact), s = f / (2 + f), and
// log m = 2 atanh(s) = f - f^2/2 + s (f^2/2 + R(s^2)), R(z) = sum_k 2 z^k /
// (2k + 1) (the atanh series; |s| < 0.172, so the terms past k = 9 are below
// 2^-55 of the result).

#include <ATen/cpu/vec/vec.h>
#include <immintrin.h>

#if !defined(CPU_CAPABILITY_AVX2)
#error "fast_math_double_avx2.h is for the AVX2 kernel files"
#endif

namespace torchdist {
namespace detail {
namespace kernels {
namespace avx2 {

// log 2 = kLn2HiD + kLn2LoD, kLn2HiD the double log 2 with its low 32 bits
// cleared, so that e * kLn2HiD is exact for every exponent e a double has.
constexpr double kLn2HiD = 0.6931467056274414;
constexpr double kLn2LoD = 4.7493250390316726e-07;

/// log(x) for positive, finite, normal doubles (no checks; lgamma's helper).
inline __m256d fast_log_positive_normal(__m256d x) {
  constexpr int64_t kSqrtHalfBits = 0x3fe6a09e667f3bcd;  // bits of sqrt(1/2)
  const __m256i bits = _mm256_castpd_si256(x);
  // e = (bits - kSqrtHalfBits) >> 52, arithmetic; AVX2 shifts 64-bit lanes
  // only logically, so shift e + 1024 (never negative) and subtract later.
  const __m256i biased = _mm256_srli_epi64(
      _mm256_add_epi64(_mm256_sub_epi64(bits, _mm256_set1_epi64x(kSqrtHalfBits)), _mm256_set1_epi64x(int64_t{1024} << 52)),
      52);
  const __m256i e = _mm256_sub_epi64(biased, _mm256_set1_epi64x(1024));
  const __m256d m = _mm256_castsi256_pd(_mm256_sub_epi64(bits, _mm256_slli_epi64(e, 52)));
  // e as a double: the bits of 2^52 or'ed with biased (< 2^12) are 2^52 + biased.
  const __m256d two52 = _mm256_set1_pd(0x1.0p52);
  const __m256d ed = _mm256_sub_pd(
      _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(biased, _mm256_castpd_si256(two52))), two52),
      _mm256_set1_pd(1024.0));
  const __m256d f = _mm256_sub_pd(m, _mm256_set1_pd(1.0));
  const __m256d s = _mm256_div_pd(f, _mm256_add_pd(f, _mm256_set1_pd(2.0)));
  const __m256d z = _mm256_mul_pd(s, s);
  __m256d r = _mm256_set1_pd(2.0 / 19);
  for (double odd : {17.0, 15.0, 13.0, 11.0, 9.0, 7.0, 5.0, 3.0}) r = _mm256_fmadd_pd(r, z, _mm256_set1_pd(2.0 / odd));
  r = _mm256_mul_pd(r, z);
  const __m256d half_f2 = _mm256_mul_pd(_mm256_set1_pd(0.5), _mm256_mul_pd(f, f));
  // e log 2 + f - (f^2/2 - s (f^2/2 + R)), the small terms first.
  const __m256d small = _mm256_fmadd_pd(s, _mm256_add_pd(half_f2, r), _mm256_mul_pd(ed, _mm256_set1_pd(kLn2LoD)));
  return _mm256_fmadd_pd(ed, _mm256_set1_pd(kLn2HiD), _mm256_sub_pd(f, _mm256_sub_pd(half_f2, small)));
}

// The range where the product below is a normal double: above it the shift
// by 8 is pointless and x^8 nears the top of the range, below it the
// product is subnormal. Arguments outside go to Sleef.
constexpr double kFastLgammaMin = 0x1.0p-1000;
constexpr double kFastLgammaMax = 0x1.0p20;

/// lgamma(x) for kFastLgammaMin <= x <= kFastLgammaMax (no checks).
inline __m256d fast_lgamma_in_range(__m256d x) {
  auto plus = [&](double k) { return _mm256_add_pd(x, _mm256_set1_pd(k)); };
  // x (x + 1) ... (x + 7), paired for independent multiplications.
  const __m256d p07 = _mm256_mul_pd(x, plus(7)), p16 = _mm256_mul_pd(plus(1), plus(6));
  const __m256d p25 = _mm256_mul_pd(plus(2), plus(5)), p34 = _mm256_mul_pd(plus(3), plus(4));
  const __m256d product = _mm256_mul_pd(_mm256_mul_pd(p07, p16), _mm256_mul_pd(p25, p34));
  const __m256d z = plus(8);
  const __m256d inv = _mm256_div_pd(_mm256_set1_pd(1.0), z);
  const __m256d w = _mm256_mul_pd(inv, inv);
  // B_2k / (2k (2k - 1)) for k = 8 down to 1.
  __m256d series = _mm256_set1_pd(-3617.0 / 122400);
  for (double c : {1.0 / 156, -691.0 / 360360, 1.0 / 1188, -1.0 / 1680, 1.0 / 1260, -1.0 / 360, 1.0 / 12}) {
    series = _mm256_fmadd_pd(series, w, _mm256_set1_pd(c));
  }
  constexpr double kHalfLog2Pi = 0.9189385332046727;  // log(2 pi) / 2
  series = _mm256_fmadd_pd(series, inv, _mm256_set1_pd(kHalfLog2Pi));
  const __m256d stirling = _mm256_fmsub_pd(_mm256_sub_pd(z, _mm256_set1_pd(0.5)), fast_log_positive_normal(z), z);
  const __m256d r = _mm256_sub_pd(_mm256_add_pd(stirling, series), fast_log_positive_normal(product));
  // lgamma(1) = lgamma(2) = 0 exactly (the sum above leaves ~1e-15).
  const __m256d zero_at = _mm256_or_pd(_mm256_cmp_pd(x, _mm256_set1_pd(1.0), _CMP_EQ_OQ),
                                       _mm256_cmp_pd(x, _mm256_set1_pd(2.0), _CMP_EQ_OQ));
  return _mm256_andnot_pd(zero_at, r);
}

/// lgamma(x) for every double; a vector with a lane outside
/// [kFastLgammaMin, kFastLgammaMax] (or NaN) goes to Sleef's.
inline __m256d fast_lgamma(__m256d x) {
  const __m256d in_range = _mm256_and_pd(_mm256_cmp_pd(x, _mm256_set1_pd(kFastLgammaMin), _CMP_GE_OQ),
                                         _mm256_cmp_pd(x, _mm256_set1_pd(kFastLgammaMax), _CMP_LE_OQ));
  if (_mm256_movemask_pd(in_range) == 0xF) return fast_lgamma_in_range(x);
  return at::vec::Vectorized<double>(x).lgamma();
}

}  // namespace avx2
}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
