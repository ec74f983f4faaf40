// Random noise kernels (AVX2 + FMA): the stream of random_stream.h (Philox
// seeds, xoshiro128++ words) eight lanes at a time, turned into uniforms and
// Gumbel, exponential or normal noise in the same pass. at::rand draws one mt19937 number at a time
// and the two logs of the Gumbel transform are two more passes over memory
// with Sleef's log; this is one pass.

#include <ATen/cpu/vec/vec.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "fast_math_avx2.h"
#include "normals_avx2.h"
#include "random_stream_avx2.h"
#include "raw_kernels.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

using avx2::for_each_substream;
using avx2::normal_pair;
using avx2::uniform_floats;
using avx2::Xoshiro8;

// u clamped to [lo, hi].
inline __m256 clamp_floats(__m256 u, __m256 lo, __m256 hi) { return _mm256_min_ps(_mm256_max_ps(u, lo), hi); }

// -log(-log(u)) with u clamped to [lo, hi] (0 < lo <= hi < 1, so both logs
// see positive normal floats: -log(u) >= -log(hi) > 0).
inline __m256 gumbel_from_uniform(__m256 u, __m256 lo, __m256 hi) {
  using avx2::fast_log_positive_normal;
  u = clamp_floats(u, lo, hi);
  const __m256 e = _mm256_sub_ps(_mm256_setzero_ps(), fast_log_positive_normal(u));
  return _mm256_sub_ps(_mm256_setzero_ps(), fast_log_positive_normal(e));
}

// Writes count floats to o in blocks of Width, each made by block(dst); a
// last partial block goes through a buffer.
template <int64_t Width, class Block>
void write_blocks(float* o, int64_t count, const Block& block) {
  int64_t i = 0;
  for (; i + Width <= count; i += Width) block(o + i);
  if (i < count) {
    alignas(32) float buffer[Width];
    block(buffer);
    std::copy(buffer, buffer + (count - i), o + i);
  }
}

// Element i is the noise of stream word i: noise(u) of its uniform float.
template <class Noise>
void noise_float(float* out, int64_t n, uint64_t key, const Noise& noise) {
  for_each_substream(n, kSubstreamWords, key, [&](Xoshiro8& words, int64_t first, int64_t count) {
    write_blocks<kStreamLanes>(out + first, count,
                               [&](float* dst) { _mm256_storeu_ps(dst, noise(uniform_floats(words.next()))); });
  });
}

// Element 8 t + l of a substream is the noise of lane l's words at steps 2 t
// and 2 t + 1 (hi, lo): noise(u) of their fine uniform float (down to 2^-56).
template <class Noise>
void noise_fine_float(float* out, int64_t n, uint64_t key, const Noise& noise) {
  for_each_substream(n, kSubstreamWords / 2, key, [&](Xoshiro8& words, int64_t first, int64_t count) {
    write_blocks<kStreamLanes>(out + first, count, [&](float* dst) {
      const __m256i hi = words.next();
      _mm256_storeu_ps(dst, noise(avx2::fine_uniform_floats(hi, words.next())));
    });
  });
}

// Element i is the noise of stream words 2i and 2i + 1 (random_stream.h):
// noise(u) of their uniform double, clamped to [lo, hi], with Sleef's logs
// (ATen's Vectorized<double>).
template <class Noise>
void noise_double(double* out, int64_t n, uint64_t key, double lo, double hi, const Noise& noise) {
  using D = at::vec::Vectorized<double>;
  constexpr int64_t kPerSubstream = kSubstreamWords / 2;
  for_each_substream(n, kPerSubstream, key, [&](Xoshiro8& words, int64_t first, int64_t count) {
    alignas(32) uint32_t w[kSubstreamWords];
    alignas(32) double u[kPerSubstream];
    for (int64_t k = 0; k < kSubstreamWords; k += kStreamLanes) {
      _mm256_store_si256(reinterpret_cast<__m256i*>(w + k), words.next());
    }
    for (int64_t i = 0; i < count; ++i) {
      u[i] = std::min(std::max(uniform_double_from_words(w[2 * i], w[2 * i + 1]), lo), hi);
    }
    for (int64_t i = 0; i < count; i += D::size()) {
      noise(D::loadu(u + i)).store(out + first + i, static_cast<int>(std::min<int64_t>(D::size(), count - i)));
    }
  });
}

// Noise of either dtype: float_noise(u) of uniform floats (which clamps
// them to [lo, hi] itself), or double_noise(u) of uniform doubles clamped
// to [lo, hi].
template <class FloatNoise, class DoubleNoise>
void noise_kernel(at::ScalarType dtype, void* out, int64_t n, uint64_t key, double lo, double hi,
                  const FloatNoise& float_noise, const DoubleNoise& double_noise) {
  if (dtype == at::kDouble) {
    noise_double(static_cast<double*>(out), n, key, lo, hi, double_noise);
  } else {
    TORCH_INTERNAL_ASSERT(dtype == at::kFloat);
    noise_float(static_cast<float*>(out), n, key, float_noise);
  }
}

// Step t of substream s gives elements kSubstreamWords s + 16 t .. + 15: the
// first normals of the eight lanes' Box-Muller pairs, then the second ones
// (one word per normal).
void standard_normal_float(float* out, int64_t n, uint64_t key) {
  for_each_substream(n, kSubstreamWords, key, [&](Xoshiro8& words, int64_t first, int64_t count) {
    write_blocks<2 * kStreamLanes>(out + first, count, [&](float* dst) {
      const __m256 u1 = uniform_floats(words.next());  // u1 first: see normals_avx2.h
      __m256 first, second;
      normal_pair(u1, uniform_floats(words.next()), &first, &second);
      _mm256_storeu_ps(dst, first);
      _mm256_storeu_ps(dst + kStreamLanes, second);
    });
  });
}

}  // namespace

void standard_normal_kernel(float* out, int64_t n, uint64_t key) { standard_normal_float(out, n, key); }

void gumbel_noise_kernel(at::ScalarType dtype, void* out, int64_t n, uint64_t key, double lo, double hi) {
  using D = at::vec::Vectorized<double>;
  const __m256 vlo = _mm256_set1_ps(static_cast<float>(lo)), vhi = _mm256_set1_ps(static_cast<float>(hi));
  noise_kernel(
      dtype, out, n, key, lo, hi, [&](__m256 u) { return gumbel_from_uniform(u, vlo, vhi); },
      [](const D& u) { return u.log().neg().log().neg(); });
}

void exponential_noise_kernel(at::ScalarType dtype, void* out, int64_t n, uint64_t key) {
  // 0 - log u, so that u = 1 gives +0.
  if (dtype == at::kFloat) {
    noise_fine_float(static_cast<float*>(out), n, key, [](__m256 u) {
      return _mm256_sub_ps(_mm256_setzero_ps(), avx2::fast_log_positive_normal(u));
    });
  } else {
    using D = at::vec::Vectorized<double>;
    noise_double(static_cast<double*>(out), n, key, 0.0, 1.0, [](const D& u) { return D(0.0) - u.log(); });
  }
}

void uniform_noise_kernel(at::ScalarType dtype, void* out, int64_t n, uint64_t key, double lo, double hi) {
  using D = at::vec::Vectorized<double>;
  const __m256 vlo = _mm256_set1_ps(static_cast<float>(lo)), vhi = _mm256_set1_ps(static_cast<float>(hi));
  noise_kernel(
      dtype, out, n, key, lo, hi, [&](__m256 u) { return clamp_floats(u, vlo, vhi); },
      [](const D& u) { return u; });
}

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
