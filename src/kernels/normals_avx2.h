#pragma once
// Internal, for the AVX2 kernel files: standard normal floats from the
// kernels' random stream (random_stream_avx2.h) by Box-Muller, eight lanes
// at a time: r = sqrt(-2 log u1) with the kernels' float log, and r cos, r
// sin of the angle 2 pi u2 with the sincos below. The smallest u1, 2^-24,
// caps |x| at 5.77 (a standard normal exceeds it with probability 8e-9).
// Used by the normal noise (noise_avx2.cpp) and the gamma sampler
// (gamma_avx2.cpp).

#include <immintrin.h>

#include "fast_math_avx2.h"
#include "random_stream_avx2.h"

#if !defined(CPU_CAPABILITY_AVX2)
#error "normals_avx2.h is for the AVX2 kernel files"
#endif

namespace torchdist {
namespace detail {
namespace kernels {
namespace avx2 {

// sin(2 pi t) and cos(2 pi t) for t in (0, 1]: t = q / 4 + f with q =
// round(4 t) and |f| <= 1/8 (exact in float), the Taylor polynomials of
// sin and cos at 2 pi f in [-pi/4, pi/4] (truncation below 3e-8 of the
// result), then the quarter turns q: (s, c) -> (c, -s) per turn.
inline void sincos_2pi(__m256 t, __m256* sin_out, __m256* cos_out) {
  const __m256 q = _mm256_round_ps(_mm256_mul_ps(t, _mm256_set1_ps(4.0f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256 phi = _mm256_mul_ps(_mm256_fnmadd_ps(q, _mm256_set1_ps(0.25f), t), _mm256_set1_ps(6.28318531f));
  const __m256 p2 = _mm256_mul_ps(phi, phi);
  __m256 s = _mm256_fmadd_ps(_mm256_set1_ps(1.0f / 362880), p2, _mm256_set1_ps(-1.0f / 5040));
  s = _mm256_fmadd_ps(s, p2, _mm256_set1_ps(1.0f / 120));
  s = _mm256_fmadd_ps(s, p2, _mm256_set1_ps(-1.0f / 6));
  s = _mm256_fmadd_ps(_mm256_mul_ps(s, p2), phi, phi);
  __m256 c = _mm256_fmadd_ps(_mm256_set1_ps(-1.0f / 3628800), p2, _mm256_set1_ps(1.0f / 40320));
  c = _mm256_fmadd_ps(c, p2, _mm256_set1_ps(-1.0f / 720));
  c = _mm256_fmadd_ps(c, p2, _mm256_set1_ps(1.0f / 24));
  c = _mm256_fmadd_ps(c, p2, _mm256_set1_ps(-0.5f));
  c = _mm256_fmadd_ps(c, p2, _mm256_set1_ps(1.0f));
  // Odd q swaps sine and cosine; the sine is negated for q = 2, 3, the
  // cosine for q = 1, 2 (q = 4 is a full turn).
  const __m256i qi = _mm256_cvtps_epi32(q);
  const __m256 odd = _mm256_castsi256_ps(_mm256_slli_epi32(qi, 31));
  const __m256 sin_sign = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_srli_epi32(qi, 1), 31));
  const __m256 cos_sign = _mm256_castsi256_ps(
      _mm256_slli_epi32(_mm256_srli_epi32(_mm256_add_epi32(qi, _mm256_set1_epi32(1)), 1), 31));
  *sin_out = _mm256_xor_ps(_mm256_blendv_ps(s, c, odd), sin_sign);
  *cos_out = _mm256_xor_ps(_mm256_blendv_ps(c, s, odd), cos_sign);
}

// Box-Muller: the pair r cos, r sin of the angle 2 pi u2 with r = sqrt(-2
// log u1), u1 and u2 uniforms in (0, 1].
inline void normal_pair(__m256 u1, __m256 u2, __m256* first, __m256* second) {
  const __m256 minus_2_log_u1 = _mm256_mul_ps(_mm256_set1_ps(-2.0f), fast_log_positive_normal(u1));
  const __m256 r = _mm256_sqrt_ps(_mm256_max_ps(minus_2_log_u1, _mm256_setzero_ps()));  // no -0 or -tiny at u1 = 1
  __m256 s, c;
  sincos_2pi(u2, &s, &c);
  *first = _mm256_mul_ps(r, c);
  *second = _mm256_mul_ps(r, s);
}

// Standard normals from the stream, one after the other: each pair of
// words gives two vectors, the second kept for the next call.
class Normals {
 public:
  explicit Normals(Xoshiro8& words) : words_(words) {}

  __m256 next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    // Two statements: the order of the words must not be left to the
    // compiler's order of evaluating arguments.
    const __m256 u1 = uniform_floats(words_.next());
    const __m256 u2 = uniform_floats(words_.next());
    __m256 first;
    normal_pair(u1, u2, &first, &spare_);
    has_spare_ = true;
    return first;
  }

 private:
  Xoshiro8& words_;
  __m256 spare_ = _mm256_setzero_ps();
  bool has_spare_ = false;
};

}  // namespace avx2
}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
