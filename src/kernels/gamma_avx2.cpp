// Standard gamma variates (AVX2 + FMA), eight lanes at a time, by Marsaglia
// and Tsang's method ("A simple method for generating gamma variables", ACM
// TOMS 26(3), 2000), the method at::_standard_gamma uses one element at a
// time, its cost there mostly the scalar normal and uniform draws. Here the
// normals are Box-Muller pairs of the kernels' uniforms (normals_avx2.h),
// and the rejection loop runs until every lane of the vector has accepted.
//
// For alpha >= 1, with d = alpha - 1/3 and c = 1 / sqrt(9 d): draw x normal
// and u uniform, v = (1 + c x)^3; accept d v when 1 + c x > 0 and u < 1 -
// 0.0331 x^4 (the squeeze, which accepts most) or log u < x^2 / 2 + d (1 - v
// + log v). Over 95% of draws are accepted for every alpha >= 1. For alpha
// < 1 the variate is G(alpha + 1) u^(1 / alpha) (Stuart's theorem), as ATen
// does. Results are clamped below at the smallest normal float, as ATen's.
//
// The scalar definition of what this file draws, word for word, is
// reference::standard_gamma in sampler_reference.h (double, std::log and
// std::exp in place of the fast ones); test_fused_samplers.cpp compares the
// two element by element. A change here that changes what is drawn (the
// order of the words, a branch, a formula) changes it there too.

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "fast_math_avx2.h"
#include "normals_avx2.h"
#include "random_stream_avx2.h"
#include "raw_kernels.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

using avx2::fast_exp;
using avx2::fast_log_positive_normal;
using avx2::for_each_substream;
using avx2::Normals;
using avx2::uniform_floats;
using avx2::Xoshiro8;

// Gamma(alpha, 1) in each lane.
__m256 standard_gamma8(__m256 alpha_in, Xoshiro8& words, Normals& normals) {
  const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
  // A lane whose alpha is NaN (or negative, in unvalidated input) would
  // never accept: it is NaN from the start rather than a loop that never
  // ends. alpha = 0 gives the smallest float, as in ATen, and so does -0:
  // max_ps returns its second operand for two zeros, so -0 becomes +0 (and
  // log(u) / alpha is -inf, not +inf).
  const __m256 valid = _mm256_cmp_ps(alpha_in, zero, _CMP_GE_OQ);
  const __m256 alpha = _mm256_max_ps(alpha_in, zero);
  const __m256 boost = _mm256_cmp_ps(alpha, one, _CMP_LT_OQ);
  const __m256 shape = _mm256_add_ps(alpha, _mm256_and_ps(boost, one));
  const __m256 d = _mm256_sub_ps(shape, _mm256_set1_ps(1.0f / 3));
  const __m256 c = _mm256_div_ps(one, _mm256_sqrt_ps(_mm256_mul_ps(_mm256_set1_ps(9.0f), d)));
  __m256 pending = valid;
  __m256 result = _mm256_blendv_ps(_mm256_set1_ps(std::numeric_limits<float>::quiet_NaN()), zero, valid);
  while (_mm256_movemask_ps(pending) != 0) {
    const __m256 x = normals.next();
    const __m256 u = uniform_floats(words.next());
    const __m256 y = _mm256_fmadd_ps(c, x, one);
    const __m256 v = _mm256_mul_ps(_mm256_mul_ps(y, y), y);
    const __m256 x2 = _mm256_mul_ps(x, x);
    const __m256 positive = _mm256_cmp_ps(y, zero, _CMP_GT_OQ);
    const __m256 squeeze = _mm256_cmp_ps(u, _mm256_fnmadd_ps(_mm256_set1_ps(0.0331f), _mm256_mul_ps(x2, x2), one), _CMP_LT_OQ);
    __m256 accept = _mm256_and_ps(positive, squeeze);
    const __m256 undecided = _mm256_andnot_ps(squeeze, _mm256_and_ps(positive, pending));
    if (_mm256_movemask_ps(undecided) != 0) {
      // v below the smallest normal float is clamped there: log v <= -87
      // rejects whatever u is (log u >= -17), as the exact log would.
      const __m256 log_v = fast_log_positive_normal(_mm256_max_ps(v, _mm256_set1_ps(std::numeric_limits<float>::min())));
      const __m256 bound = _mm256_fmadd_ps(_mm256_set1_ps(0.5f), x2, _mm256_mul_ps(d, _mm256_add_ps(_mm256_sub_ps(one, v), log_v)));
      accept = _mm256_or_ps(accept, _mm256_and_ps(undecided, _mm256_cmp_ps(fast_log_positive_normal(u), bound, _CMP_LT_OQ)));
    }
    result = _mm256_blendv_ps(result, _mm256_mul_ps(d, v), _mm256_and_ps(accept, pending));
    pending = _mm256_andnot_ps(accept, pending);
  }
  if (_mm256_movemask_ps(boost) != 0) {
    // u^(1 / alpha) = exp(log(u) / alpha); fast_exp takes arguments below its
    // range (alpha tiny) to Sleef's exp, which underflows to 0 as pow does.
    const __m256 log_u = fast_log_positive_normal(uniform_floats(words.next()));
    const __m256 scale = fast_exp(_mm256_div_ps(log_u, alpha));
    result = _mm256_blendv_ps(result, _mm256_mul_ps(result, scale), boost);
  }
  // max(min, NaN) returns its second operand: NaN stays NaN.
  return _mm256_max_ps(_mm256_set1_ps(std::numeric_limits<float>::min()), result);
}

}  // namespace

// Elements kGammaSubstreamElements s .. + kGammaSubstreamElements - 1 draw
// from substream s of the stream (both in random_stream.h), as many words of
// its lanes as their rejections take: the variates depend on the key and the
// shapes only, not on how the work is split across threads.
void standard_gamma_kernel(const float* alpha, float* out, int64_t n, uint64_t key) {
  for_each_substream(n, kGammaSubstreamElements, key, [&](Xoshiro8& words, int64_t first, int64_t count) {
    Normals normals(words);
    int64_t i = 0;
    for (; i + kStreamLanes <= count; i += kStreamLanes) {
      _mm256_storeu_ps(out + first + i, standard_gamma8(_mm256_loadu_ps(alpha + first + i), words, normals));
    }
    if (i < count) {  // the tail beside shapes of 1, discarded
      alignas(32) float buffer[kStreamLanes];
      std::fill(buffer, buffer + kStreamLanes, 1.0f);
      std::copy(alpha + first + i, alpha + first + count, buffer);
      _mm256_store_ps(buffer, standard_gamma8(_mm256_load_ps(buffer), words, normals));
      std::copy(buffer, buffer + (count - i), out + first + i);
    }
  });
}

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
