// Binomial variates (AVX2 + FMA), four lanes of doubles at a time (at::binomial
// draws one element at a time): for n min(p, q) >= 10,
// as at::binomial, Hormann's BTRS ("The generation of binomial
// random variates", J. Statist. Comput. Simul. 46, 1993), a transformed
// rejection whose box accepts 50-80% of the draws without a logarithm;
// below, inversion of the distribution function by sequential search.
// p > 1/2 draws n - B(n, 1 - p).
// The uniforms are the kernels' stream (random_stream_avx2.h), 52 bits per
// double; arithmetic in double, so counts up to 2^52 stay exact.
//
// BTRS, with spq = sqrt(n p q), b = 1.15 + 2.53 spq, a = -0.0873 + 0.0248 b
// + 0.01 p, c = n p + 1/2, v_r = 0.92 - 4.2 / b: draw U uniform in (-1/2,
// 1/2), V in (0, 1), u_s = 1/2 - |U|, k = floor((2 a / u_s + b) U + c);
// reject k outside [0, n]; accept when u_s >= 0.07 and V <= v_r; otherwise
// accept when log(V alpha / (a / u_s^2 + b)) <= log f(k) - log f(m), with
// alpha = (2.83 + 5.1 / b) spq, m = floor((n + 1) p), r = p / q and, by
// Stirling's formula with its tails t(x) = lgamma(x + 1) - (x + 1/2)
// log(x + 1) + x + 1 - log(2 pi) / 2,
//   log f(k) - log f(m) = (m + 1/2) log((m + 1) / (r (n - m + 1)))
//     + (n + 1) log((n - m + 1) / (n - k + 1)) + (k + 1/2) log(r (n - k + 1)
//     / (k + 1)) + t(m) + t(n - m) - t(k) - t(n - k):
// two logs per draw where lgamma(k + 1) + lgamma(n - k + 1) would take four.
//
// The scalar definition of what this file draws, word for word, is
// reference::binomial in sampler_reference.h (std::log and std::exp in place
// of the fast ones); test_fused_samplers.cpp requires the two equal element
// by element. A change here that changes what is drawn (the order of the
// words, a branch, a formula) changes it there too.

#include <ATen/cpu/vec/vec.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "../core/math_constants.h"
#include "fast_math_double_avx2.h"
#include "random_stream_avx2.h"
#include "raw_kernels.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

using avx2::fast_log_positive_normal;
using avx2::for_each_substream;
using avx2::Xoshiro8;

// Four doubles uniform in (0, 1] from eight words: lane j's 64 bits (words
// 2j + 1, 2j) shifted to 52 bits make a double in [1, 2) by the exponent of
// 1; 2 minus it is exact.
inline __m256d uniform_doubles(__m256i w) {
  const __m256i bits = _mm256_or_si256(_mm256_srli_epi64(w, 12), _mm256_set1_epi64x(0x3ff0000000000000));
  return _mm256_sub_pd(_mm256_set1_pd(2.0), _mm256_castsi256_pd(bits));
}

inline __m256d floor_pd(__m256d x) { return _mm256_round_pd(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }

// t(x) for x = 0 .. 9, in long double (built on first use: this file is
// compiled for AVX2, and a static initializer would run without it).
struct StirlingTails {
  double value[10];
  StirlingTails() {
    for (int x = 0; x < 10; ++x) {
      const long double y = x + 1;
      value[x] = static_cast<double>(std::lgamma(y) - (y - 0.5L) * std::log(y) + y - kHalfLog2Pi);
    }
  }
};

// t(x) for whole x >= 0: the table below 10, above the series 1/(12 y) -
// 1/(360 y^3) + 1/(1260 y^5), y = x + 1 (the next term is below 3e-11).
inline __m256d stirling_tail(__m256d x, const StirlingTails& tails) {
  const __m256d y = _mm256_add_pd(x, _mm256_set1_pd(1.0));
  const __m256d inv = _mm256_div_pd(_mm256_set1_pd(1.0), y), w = _mm256_mul_pd(inv, inv);
  const __m256d series = _mm256_mul_pd(
      inv, _mm256_fnmadd_pd(w, _mm256_fnmadd_pd(w, _mm256_set1_pd(1.0 / 1260), _mm256_set1_pd(1.0 / 360)),
                            _mm256_set1_pd(1.0 / 12)));
  const __m256d small = _mm256_cmp_pd(x, _mm256_set1_pd(10.0), _CMP_LT_OQ);
  if (_mm256_movemask_pd(small) == 0) return series;
  const __m128i index = _mm256_cvtpd_epi32(_mm256_min_pd(x, _mm256_set1_pd(9.0)));
  // The masked gather with a zero source: the plain one leaves GCC warning
  // about its undefined source register.
  const __m256d table = _mm256_mask_i32gather_pd(_mm256_setzero_pd(), tails.value, index, small, 8);
  return _mm256_blendv_pd(series, table, small);
}

// B(n, p) for p <= 1/2 and n p >= 10 in the lanes of `active` (others 0).
__m256d btrs(__m256d n, __m256d p, __m256d active, Xoshiro8& words) {
  const __m256d one = _mm256_set1_pd(1.0), half = _mm256_set1_pd(0.5), zero = _mm256_setzero_pd();
  // Other lanes get B(20, 1/2), so that no NaN sends lgamma to its slow path.
  n = _mm256_blendv_pd(_mm256_set1_pd(20.0), n, active);
  p = _mm256_blendv_pd(half, p, active);
  const __m256d q = _mm256_sub_pd(one, p);
  const __m256d spq = _mm256_sqrt_pd(_mm256_mul_pd(_mm256_mul_pd(n, p), q));
  const __m256d b = _mm256_fmadd_pd(_mm256_set1_pd(2.53), spq, _mm256_set1_pd(1.15));
  const __m256d a = _mm256_fmadd_pd(_mm256_set1_pd(0.0248), b, _mm256_fmadd_pd(_mm256_set1_pd(0.01), p, _mm256_set1_pd(-0.0873)));
  const __m256d c = _mm256_fmadd_pd(n, p, half);
  const __m256d inv_b = _mm256_div_pd(one, b);
  const __m256d v_r = _mm256_fnmadd_pd(_mm256_set1_pd(4.2), inv_b, _mm256_set1_pd(0.92));
  const __m256d alpha = _mm256_mul_pd(_mm256_fmadd_pd(_mm256_set1_pd(5.1), inv_b, _mm256_set1_pd(2.83)), spq);
  const __m256d m = floor_pd(_mm256_mul_pd(_mm256_add_pd(n, one), p));
  const __m256d r = _mm256_div_pd(p, q);
  const __m256d n_m_1 = _mm256_add_pd(_mm256_sub_pd(n, m), one);  // n - m + 1
  // The terms of m, once per vector, when a lane first leaves the box.
  static const StirlingTails tails;
  bool have_mode_terms = false;
  __m256d mode_terms = zero;
  __m256d result = zero, pending = active;
  while (_mm256_movemask_pd(pending) != 0) {
    const __m256d u = _mm256_sub_pd(uniform_doubles(words.next()), half);
    const __m256d v = uniform_doubles(words.next());
    const __m256d us = _mm256_sub_pd(half, _mm256_andnot_pd(_mm256_set1_pd(-0.0), u));
    const __m256d k = floor_pd(_mm256_fmadd_pd(_mm256_add_pd(_mm256_div_pd(_mm256_add_pd(a, a), us), b), u, c));
    const __m256d in_range = _mm256_and_pd(_mm256_cmp_pd(k, zero, _CMP_GE_OQ), _mm256_cmp_pd(k, n, _CMP_LE_OQ));
    const __m256d in_box = _mm256_and_pd(_mm256_cmp_pd(us, _mm256_set1_pd(0.07), _CMP_GE_OQ), _mm256_cmp_pd(v, v_r, _CMP_LE_OQ));
    __m256d accept = _mm256_and_pd(in_range, in_box);
    const __m256d undecided = _mm256_andnot_pd(in_box, _mm256_and_pd(in_range, pending));
    if (_mm256_movemask_pd(undecided) != 0) {
      if (!have_mode_terms) {
        const __m256d log_mode = fast_log_positive_normal(_mm256_div_pd(_mm256_add_pd(m, one), _mm256_mul_pd(r, n_m_1)));
        mode_terms = _mm256_fmadd_pd(_mm256_add_pd(m, half), log_mode,
                                     _mm256_add_pd(stirling_tail(m, tails), stirling_tail(_mm256_sub_pd(n, m), tails)));
        have_mode_terms = true;
      }
      // Lanes outside the decision get harmless arguments (k = m, v = 1).
      const __m256d kk = _mm256_blendv_pd(m, k, undecided), vv = _mm256_blendv_pd(one, v, undecided);
      const __m256d uss = _mm256_blendv_pd(half, us, undecided);
      const __m256d lhs = fast_log_positive_normal(
          _mm256_div_pd(_mm256_mul_pd(vv, alpha), _mm256_add_pd(_mm256_div_pd(a, _mm256_mul_pd(uss, uss)), b)));
      const __m256d n_k_1 = _mm256_add_pd(_mm256_sub_pd(n, kk), one);  // n - k + 1
      const __m256d log_f = _mm256_add_pd(
          _mm256_fmadd_pd(_mm256_add_pd(n, one), fast_log_positive_normal(_mm256_div_pd(n_m_1, n_k_1)),
                          _mm256_fmadd_pd(_mm256_add_pd(kk, half),
                                          fast_log_positive_normal(_mm256_div_pd(_mm256_mul_pd(r, n_k_1), _mm256_add_pd(kk, one))),
                                          mode_terms)),
          _mm256_sub_pd(_mm256_setzero_pd(),
                        _mm256_add_pd(stirling_tail(kk, tails), stirling_tail(_mm256_sub_pd(n, kk), tails))));
      accept = _mm256_or_pd(accept, _mm256_and_pd(undecided, _mm256_cmp_pd(lhs, log_f, _CMP_LE_OQ)));
    }
    accept = _mm256_and_pd(accept, pending);
    result = _mm256_blendv_pd(result, k, accept);
    pending = _mm256_andnot_pd(accept, pending);
  }
  return result;
}

// B(n, p) for 0 < p <= 1/2 and n p < 10 in the lanes of `active` (others
// 0), by sequential search: the smallest k with F(k) >= U, walking the
// probabilities up from f(0) = q^n by f(k) = f(k - 1) r (n - k + 1) / k, np
// steps on average (the inversion at::binomial uses takes a log per step).
// A lane also stops where F no longer grows (the far tail, where f is below
// F's rounding), so that U within rounding of 1 cannot run it to n.
__m256d inversion(__m256d n, __m256d p, __m256d active, Xoshiro8& words) {
  const __m256d one = _mm256_set1_pd(1.0), zero = _mm256_setzero_pd();
  n = _mm256_blendv_pd(one, n, active);
  p = _mm256_blendv_pd(_mm256_set1_pd(0.5), p, active);
  const __m256d r = _mm256_div_pd(p, _mm256_sub_pd(one, p));
  // q^n = exp(n log1p(-p)) >= e^-14 here (n p < 10, p <= 1/2).
  __m256d f = at::vec::Vectorized<double>(_mm256_mul_pd(n, avx2::fast_log1p_of_negated(p))).exp();
  __m256d cdf = f, k = zero;
  const __m256d u = uniform_doubles(words.next());
  __m256d pending = _mm256_and_pd(active, _mm256_cmp_pd(u, cdf, _CMP_GT_OQ));
  // Step i moves every pending lane to k = i. The ratio r (n - i + 1) / i
  // depends on i only, so its division is off the loop's dependency chain
  // (a multiply and an add per step); stopped lanes' f and F run on unused.
  for (double i = 1; _mm256_movemask_pd(pending) != 0; ++i) {
    const __m256d step = _mm256_set1_pd(i);
    f = _mm256_mul_pd(f, _mm256_div_pd(_mm256_mul_pd(r, _mm256_sub_pd(_mm256_add_pd(n, one), step)), step));
    const __m256d next_cdf = _mm256_add_pd(cdf, f);
    k = _mm256_blendv_pd(k, step, pending);
    pending = _mm256_and_pd(_mm256_and_pd(pending, _mm256_cmp_pd(next_cdf, cdf, _CMP_GT_OQ)),
                            _mm256_and_pd(_mm256_cmp_pd(u, next_cdf, _CMP_GT_OQ), _mm256_cmp_pd(step, n, _CMP_LT_OQ)));
    cdf = next_cdf;
  }
  return _mm256_and_pd(active, k);
}

// B(n, p) in each lane, with the edge cases of at::binomial: n <= 0 or p <=
// 0 give 0, p >= 1 gives n; NaN (and infinite n, unvalidated) give NaN
// rather than loops that never end.
__m256d binomial4(__m256d n, __m256d p, Xoshiro8& words) {
  const __m256d one = _mm256_set1_pd(1.0), half = _mm256_set1_pd(0.5), zero = _mm256_setzero_pd();
  const __m256d nan = _mm256_set1_pd(std::numeric_limits<double>::quiet_NaN());
  const __m256d defined = _mm256_and_pd(_mm256_cmp_pd(p, p, _CMP_ORD_Q),
                                        _mm256_cmp_pd(_mm256_andnot_pd(_mm256_set1_pd(-0.0), n),
                                                      _mm256_set1_pd(std::numeric_limits<double>::infinity()), _CMP_LT_OQ));
  const __m256d none = _mm256_or_pd(_mm256_cmp_pd(n, zero, _CMP_LE_OQ), _mm256_cmp_pd(p, zero, _CMP_LE_OQ));
  const __m256d all = _mm256_andnot_pd(none, _mm256_cmp_pd(p, one, _CMP_GE_OQ));
  const __m256d random = _mm256_andnot_pd(_mm256_or_pd(none, all), defined);
  const __m256d flip = _mm256_cmp_pd(p, half, _CMP_GT_OQ);
  const __m256d small_p = _mm256_blendv_pd(p, _mm256_sub_pd(one, p), flip);
  const __m256d large = _mm256_cmp_pd(_mm256_mul_pd(n, small_p), _mm256_set1_pd(10.0), _CMP_GE_OQ);
  const __m256d by_btrs = _mm256_and_pd(random, large), by_inversion = _mm256_andnot_pd(large, random);
  __m256d draws = zero;
  if (_mm256_movemask_pd(by_btrs) != 0) draws = btrs(n, small_p, by_btrs, words);
  if (_mm256_movemask_pd(by_inversion) != 0) {
    draws = _mm256_blendv_pd(draws, inversion(n, small_p, by_inversion, words), by_inversion);
  }
  draws = _mm256_blendv_pd(draws, _mm256_sub_pd(n, draws), flip);
  __m256d result = _mm256_blendv_pd(zero, draws, random);
  result = _mm256_blendv_pd(result, n, all);
  return _mm256_blendv_pd(nan, result, defined);
}

}  // namespace

// Elements kBinomialSubstreamElements s .. + kBinomialSubstreamElements - 1
// (random_stream.h) draw from substream s, as many words as their loops take.
void binomial_kernel(const float* count, const float* probs, float* out, int64_t n, uint64_t key) {
  constexpr int64_t kLanes = 4;
  for_each_substream(n, kBinomialSubstreamElements, key, [&](Xoshiro8& words, int64_t first, int64_t size) {
    for (int64_t i = 0; i < size; i += kLanes) {
      const int64_t lanes = std::min(kLanes, size - i);
      float c[kLanes] = {0, 0, 0, 0}, p[kLanes] = {0, 0, 0, 0}, r[kLanes];  // the tail beside n = 0
      std::copy(count + first + i, count + first + i + lanes, c);
      std::copy(probs + first + i, probs + first + i + lanes, p);
      const __m256d draws = binomial4(_mm256_cvtps_pd(_mm_loadu_ps(c)), _mm256_cvtps_pd(_mm_loadu_ps(p)), words);
      _mm_storeu_ps(r, _mm256_cvtpd_ps(draws));
      std::copy(r, r + lanes, out + first + i);
    }
  });
}

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
