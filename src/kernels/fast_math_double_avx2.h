#pragma once
// Internal, for the AVX2 kernel files: log, lgamma and log B(a, b) of four
// doubles, for Beta's log-density of float values, which is computed in
// double because lgamma(a + b) - lgamma(a) - lgamma(b) cancels (in float,
// digits of the result are lost once the concentrations reach the tens).
// They replace Sleef's double lgamma (ATen's Vectorized<double>), the bulk
// of that kernel's time (BENCHMARKS.md, "Kernel building blocks"), and
// fast_lbeta shares the work of its three lgammas. Their absolute error stays below 1e-15 (x + 8) log(x + 8), the size of
// the Stirling term they sum (tests/kernels/test_fast_math.cpp, against
// lgammal): far below what a float result holds, though not Sleef's 1 ulp,
// so double kernels keep Sleef's.
//
// lgamma(x) = lgamma(x + 8) - log(x (x + 1) ... (x + 7)), and at z = x + 8 >= 8
// Stirling's series (z - 1/2) log z - z + log(2 pi)/2 + sum_k B_2k /
// (2k (2k - 1) z^(2k - 1)) truncated after B_16 (the next term is below 1e-16).
//
// The log is table-driven: x = 2^k z with z in [0.686, 1.373), the top
// seven bits of z's offset pick one of 128 subintervals with centre c, and
// log x = k log 2 + log c + log1p(z / c - 1), where |z / c - 1| <= 2^-8 makes
// six series terms exact to 2^-56. z / c is z times a stored 1/c (one FMA)
// and the stored log c is -log(1/c) of that stored value, so no division is
// left, where the atanh reduction it replaces had a division per call. The subinterval around 1 has c = 1, so that log 1 = 0 and the
// error near 1 is relative. Absolute error 3e-16 max(1, |log x|).

#include <ATen/cpu/vec/vec.h>
#include <immintrin.h>

#include <cstdint>

#include "../core/math_constants.h"

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

// The log's table: subinterval i holds the doubles whose bits are
// kLogTableOffset + i 2^45 up to the next multiple. Where the range passes 1
// doubles grow twice as far apart, so the subintervals above 1 are twice as
// wide in value; the offset puts 1 at the boundary of the two kinds inside
// subinterval 80, [1 - 2^-9, 1 + 2^-8).
constexpr int kLogTableBits = 7;
constexpr int kLogTableSize = 1 << kLogTableBits;
constexpr uint64_t kLogTableOffset = 0x3fe5f00000000000;  // bits of 0.6875 - 2^-9

struct DoubleLogTable {
  double inv_centre[kLogTableSize] = {};
  double log_centre[kLogTableSize] = {};  // -log(inv_centre), rounded once
};

// The value of a double in [0.5, 2) from its bits, at compile time.
constexpr double double_near_one_from_bits(uint64_t bits) {
  const double m = 1.0 + static_cast<double>(bits & ((uint64_t{1} << 52) - 1)) * 0x1.0p-52;
  return (bits >> 52) == 0x3fe ? 0.5 * m : m;
}

// log c for c in [0.6, 1.5], at compile time, in long double: 2 atanh(s)
// with s = (c - 1) / (c + 1), |s| < 0.21, summed to s^61 (< 1e-41).
constexpr long double log_near_one(long double c) {
  const long double s = (c - 1) / (c + 1), s2 = s * s;
  long double sum = 0, power = s;
  for (int k = 0; k <= 30; ++k, power *= s2) sum += power / (2 * k + 1);
  return 2 * sum;
}

constexpr DoubleLogTable make_double_log_table() {
  DoubleLogTable table;
  for (int i = 0; i < kLogTableSize; ++i) {
    const uint64_t lo_bits = kLogTableOffset + (uint64_t(i) << (52 - kLogTableBits));
    const double lo = double_near_one_from_bits(lo_bits);
    const double hi = double_near_one_from_bits(lo_bits + (uint64_t(1) << (52 - kLogTableBits)));
    table.inv_centre[i] = lo <= 1.0 && 1.0 < hi ? 1.0 : 2.0 / (lo + hi);
    table.log_centre[i] = static_cast<double>(-log_near_one(table.inv_centre[i]));
  }
  return table;
}

// Constant data: computed by the compiler, no initializer to run (this
// header is compiled for AVX2, and code run at load time would run on
// machines without it).
inline constexpr DoubleLogTable kDoubleLogTable = make_double_log_table();

/// log(x) for positive, finite, normal doubles (no checks).
inline __m256d fast_log_positive_normal(__m256d x) {
  const DoubleLogTable& table = kDoubleLogTable;
  const __m256i bits = _mm256_castpd_si256(x);
  const __m256i offset = _mm256_sub_epi64(bits, _mm256_set1_epi64x(kLogTableOffset));
  const __m256i index = _mm256_and_si256(_mm256_srli_epi64(offset, 52 - kLogTableBits),
                                         _mm256_set1_epi64x(kLogTableSize - 1));
  // k = offset >> 52, arithmetic; AVX2 shifts 64-bit lanes only logically,
  // so shift k + 1024 (never negative) and subtract later. z = x / 2^k.
  const __m256i biased = _mm256_srli_epi64(_mm256_add_epi64(offset, _mm256_set1_epi64x(int64_t{1024} << 52)), 52);
  const __m256d z = _mm256_castsi256_pd(
      _mm256_sub_epi64(bits, _mm256_slli_epi64(_mm256_srli_epi64(offset, 52), 52)));
  // k as a double: the bits of 2^52 or'ed with biased (< 2^12) are 2^52 + biased.
  const __m256d two52 = _mm256_set1_pd(0x1.0p52);
  const __m256d k = _mm256_sub_pd(
      _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(biased, _mm256_castpd_si256(two52))), two52),
      _mm256_set1_pd(1024.0));
  const __m256d inv_centre = _mm256_i64gather_pd(table.inv_centre, index, 8);
  const __m256d log_centre = _mm256_i64gather_pd(table.log_centre, index, 8);
  const __m256d r = _mm256_fmadd_pd(z, inv_centre, _mm256_set1_pd(-1.0));
  // log1p(r) = r + r^2 (-1/2 + r/3 + r^2 (-1/4 + r/5 - r^2/6)).
  const __m256d r2 = _mm256_mul_pd(r, r);
  const __m256d p = _mm256_fmadd_pd(r2, _mm256_set1_pd(-1.0 / 6), _mm256_fmadd_pd(r, _mm256_set1_pd(0.2), _mm256_set1_pd(-0.25)));
  const __m256d q = _mm256_fmadd_pd(r2, p, _mm256_fmadd_pd(r, _mm256_set1_pd(1.0 / 3), _mm256_set1_pd(-0.5)));
  // k log 2 + log c + r, the large part, then the small terms.
  const __m256d large = _mm256_add_pd(_mm256_fmadd_pd(k, _mm256_set1_pd(kLn2HiD), log_centre), r);
  return _mm256_add_pd(large, _mm256_fmadd_pd(r2, q, _mm256_mul_pd(k, _mm256_set1_pd(kLn2LoD))));
}

/// log1p(-x) for x in [0, 1) (no checks): log(1 - x) plus the rounding
/// error of 1 - x relative to it, so that tiny x keep their digits.
inline __m256d fast_log1p_of_negated(__m256d x) {
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d u = _mm256_sub_pd(one, x);
  const __m256d rounding = _mm256_sub_pd(_mm256_sub_pd(one, u), x);  // exact: 1 - x - u
  return _mm256_add_pd(fast_log_positive_normal(u), _mm256_div_pd(rounding, u));
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
  series = _mm256_fmadd_pd(series, inv, _mm256_set1_pd(kHalfLog2Pi));
  const __m256d stirling = _mm256_fmsub_pd(_mm256_sub_pd(z, _mm256_set1_pd(0.5)), fast_log_positive_normal(z), z);
  const __m256d r = _mm256_sub_pd(_mm256_add_pd(stirling, series), fast_log_positive_normal(product));
  // lgamma(1) = lgamma(2) = 0 exactly (the sum above leaves ~1e-15).
  const __m256d zero_at = _mm256_or_pd(_mm256_cmp_pd(x, _mm256_set1_pd(1.0), _CMP_EQ_OQ),
                                       _mm256_cmp_pd(x, _mm256_set1_pd(2.0), _CMP_EQ_OQ));
  return _mm256_andnot_pd(zero_at, r);
}

// The range of concentrations where fast_lbeta_in_range's product quotient
// (below) stays a normal double: 2^-400 keeps a (a + 1) ... (a + 7) times
// the same for b above 2^-1000.
constexpr double kFastLbetaMin = 0x1.0p-400;

/// log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b) for a and b in
/// [kFastLbetaMin, kFastLgammaMax] (no checks), as the three lgammas above
/// but sharing their work: the three shifted products go into one log, of
/// P(a) P(b) / P(a + b), and the three Stirling reciprocals come from one
/// division. Four logs instead of six, one division instead of seven.
inline __m256d fast_lbeta_in_range(__m256d a, __m256d b) {
  auto shifted_product = [](__m256d x) {
    auto plus = [&](double k) { return _mm256_add_pd(x, _mm256_set1_pd(k)); };
    const __m256d p07 = _mm256_mul_pd(x, plus(7)), p16 = _mm256_mul_pd(plus(1), plus(6));
    const __m256d p25 = _mm256_mul_pd(plus(2), plus(5)), p34 = _mm256_mul_pd(plus(3), plus(4));
    return _mm256_mul_pd(_mm256_mul_pd(p07, p16), _mm256_mul_pd(p25, p34));
  };
  const __m256d c = _mm256_add_pd(a, b);
  const __m256d eight = _mm256_set1_pd(8.0);
  const __m256d za = _mm256_add_pd(a, eight), zb = _mm256_add_pd(b, eight), zc = _mm256_add_pd(c, eight);
  // 1/za = zb zc / (za zb zc), and so on: one division (za zb zc < 2^64).
  const __m256d zab = _mm256_mul_pd(za, zb);
  const __m256d inv_all = _mm256_div_pd(_mm256_set1_pd(1.0), _mm256_mul_pd(zab, zc));
  const __m256d inv_c = _mm256_mul_pd(zab, inv_all);
  const __m256d inv_ab = _mm256_mul_pd(zc, inv_all);
  const __m256d inv_a = _mm256_mul_pd(zb, inv_ab), inv_b = _mm256_mul_pd(za, inv_ab);
  // The Stirling series past its log terms, B_2k / (2k (2k - 1) z^(2k - 1)).
  auto series = [](__m256d inv) {
    const __m256d w = _mm256_mul_pd(inv, inv);
    __m256d s = _mm256_set1_pd(-3617.0 / 122400);
    for (double k : {1.0 / 156, -691.0 / 360360, 1.0 / 1188, -1.0 / 1680, 1.0 / 1260, -1.0 / 360, 1.0 / 12}) {
      s = _mm256_fmadd_pd(s, w, _mm256_set1_pd(k));
    }
    return _mm256_mul_pd(s, inv);
  };
  // (z - 1/2) log z for each z; the -z terms sum to zc - za - zb.
  const __m256d half = _mm256_set1_pd(0.5);
  auto log_term = [&](__m256d z) { return _mm256_mul_pd(_mm256_sub_pd(z, half), fast_log_positive_normal(z)); };
  const __m256d linear = _mm256_sub_pd(_mm256_sub_pd(zc, za), zb);
  const __m256d stirling = _mm256_add_pd(_mm256_sub_pd(_mm256_add_pd(log_term(za), log_term(zb)), log_term(zc)),
                                         _mm256_add_pd(linear, _mm256_set1_pd(kHalfLog2Pi)));
  const __m256d small = _mm256_sub_pd(_mm256_add_pd(series(inv_a), series(inv_b)), series(inv_c));
  // P(a) P(b) / P(a + b) lies in [2^-944, 2^709] over the range.
  const __m256d quotient = _mm256_div_pd(_mm256_mul_pd(shifted_product(a), shifted_product(b)), shifted_product(c));
  return _mm256_sub_pd(_mm256_add_pd(stirling, small), fast_log_positive_normal(quotient));
}

/// lgamma(x) for every double; a vector with a lane outside
/// [kFastLgammaMin, kFastLgammaMax] (or NaN) goes to Sleef's.
inline __m256d fast_lgamma(__m256d x) {
  const __m256d in_range = _mm256_and_pd(_mm256_cmp_pd(x, _mm256_set1_pd(kFastLgammaMin), _CMP_GE_OQ),
                                         _mm256_cmp_pd(x, _mm256_set1_pd(kFastLgammaMax), _CMP_LE_OQ));
  if (_mm256_movemask_pd(in_range) == 0xF) return fast_lgamma_in_range(x);
  return at::vec::Vectorized<double>(x).lgamma();
}

/// log B(a, b) for every pair of doubles; a vector with a lane outside
/// [kFastLbetaMin, kFastLgammaMax] takes three fast_lgamma calls.
inline __m256d fast_lbeta(__m256d a, __m256d b) {
  const __m256d lo = _mm256_set1_pd(kFastLbetaMin), hi = _mm256_set1_pd(kFastLgammaMax);
  const __m256d in_range = _mm256_and_pd(
      _mm256_and_pd(_mm256_cmp_pd(a, lo, _CMP_GE_OQ), _mm256_cmp_pd(a, hi, _CMP_LE_OQ)),
      _mm256_and_pd(_mm256_cmp_pd(b, lo, _CMP_GE_OQ), _mm256_cmp_pd(b, hi, _CMP_LE_OQ)));
  if (_mm256_movemask_pd(in_range) == 0xF) return fast_lbeta_in_range(a, b);
  return _mm256_sub_pd(_mm256_add_pd(fast_lgamma(a), fast_lgamma(b)), fast_lgamma(_mm256_add_pd(a, b)));
}

}  // namespace avx2
}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
