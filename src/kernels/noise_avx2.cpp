// Random noise kernels (AVX2 + FMA): the stream of random_stream.h (Philox
// seeds, xoshiro128++ words) eight lanes at a time, turned into uniforms and
// Gumbel noise in the same pass. at::rand draws one mt19937 number at a time
// (about 2.5 ns per float here) and the two logs of the Gumbel transform are
// two more passes with Sleef's log (1 ns each); this is one pass.

#include <ATen/Parallel.h>
#include <ATen/cpu/vec/vec.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "fast_math_avx2.h"
#include "random_stream.h"
#include "raw_kernels.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

// Multiplies the eight 32-bit lanes of c by m: the high halves to *hi, the
// low halves to *lo (_mm256_mul_epu32 takes the even lanes; the odd lanes
// are shifted down into even position first).
inline void mulhilo(__m256i c, __m256i m, __m256i* hi, __m256i* lo) {
  const __m256i even = _mm256_mul_epu32(c, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(c, 32), m);
  *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

// The key of every round, broadcast to all lanes once per call rather than
// once per block.
struct RoundKeys {
  __m256i k0[kPhiloxRounds], k1[kPhiloxRounds];
  explicit RoundKeys(uint64_t key) {
    PhiloxKey k = philox_key(key);
    for (int round = 0; round < kPhiloxRounds; ++round) {
      if (round > 0) {
        k[0] += kPhiloxKeyStep0;
        k[1] += kPhiloxKeyStep1;
      }
      k0[round] = _mm256_set1_epi32(static_cast<int32_t>(k[0]));
      k1[round] = _mm256_set1_epi32(static_cast<int32_t>(k[1]));
    }
  }
};

// Philox of the eight counters 8 block .. 8 block + 7: words[w] holds word w
// of each, lane by lane.
inline void philox_block(const RoundKeys& keys, uint64_t block, __m256i words[4]) {
  const uint64_t first = static_cast<uint64_t>(kStreamLanes) * block;
  // The 64-bit counter index in words 0 and 1. `first` is a multiple of 8,
  // so adding the lane never carries into word 1.
  __m256i c0 = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int32_t>(first)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  __m256i c1 = _mm256_set1_epi32(static_cast<int32_t>(first >> 32));
  __m256i c2 = _mm256_setzero_si256(), c3 = _mm256_setzero_si256();
  const __m256i m0 = _mm256_set1_epi32(static_cast<int32_t>(kPhiloxMultiplier0));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int32_t>(kPhiloxMultiplier1));
  for (int round = 0; round < kPhiloxRounds; ++round) {
    __m256i hi0, lo0, hi1, lo1;
    mulhilo(c0, m0, &hi0, &lo0);
    mulhilo(c2, m1, &hi1, &lo1);
    c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), keys.k0[round]);
    c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), keys.k1[round]);
    c1 = lo1;
    c3 = lo0;
  }
  words[0] = c0;
  words[1] = c1;
  words[2] = c2;
  words[3] = c3;
}

// xoshiro128++ in eight lanes (random_stream.h), seeded for substream s.
class Xoshiro8 {
 public:
  Xoshiro8(const RoundKeys& keys, uint64_t substream) {
    __m256i words[4];
    philox_block(keys, substream, words);
    s0_ = words[0], s1_ = words[1], s2_ = words[2], s3_ = words[3];
  }

  __m256i next() {
    const __m256i result = _mm256_add_epi32(rotl<7>(_mm256_add_epi32(s0_, s3_)), s0_);
    const __m256i t = _mm256_slli_epi32(s1_, 9);
    s2_ = _mm256_xor_si256(s2_, s0_);
    s3_ = _mm256_xor_si256(s3_, s1_);
    s1_ = _mm256_xor_si256(s1_, s2_);
    s0_ = _mm256_xor_si256(s0_, s3_);
    s2_ = _mm256_xor_si256(s2_, t);
    s3_ = rotl<11>(s3_);
    return result;
  }

 private:
  template <int K>
  static __m256i rotl(__m256i x) {
    return _mm256_or_si256(_mm256_slli_epi32(x, K), _mm256_srli_epi32(x, 32 - K));
  }
  __m256i s0_, s1_, s2_, s3_;
};

// Float uniforms in (0, 1]: ((w >> 8) + 1) / 2^24, exact.
inline __m256 uniform_floats(__m256i w) {
  const __m256i k = _mm256_add_epi32(_mm256_srli_epi32(w, 8), _mm256_set1_epi32(1));
  return _mm256_mul_ps(_mm256_cvtepi32_ps(k), _mm256_set1_ps(0x1.0p-24f));
}

// -log(-log(u)) with u clamped to [lo, hi] (0 < lo <= hi < 1, so both logs
// see positive normal floats: -log(u) >= -log(hi) > 0).
inline __m256 gumbel_from_uniform(__m256 u, __m256 lo, __m256 hi) {
  using avx2::fast_log_positive_normal;
  u = _mm256_min_ps(_mm256_max_ps(u, lo), hi);
  const __m256 e = _mm256_sub_ps(_mm256_setzero_ps(), fast_log_positive_normal(u));
  return _mm256_sub_ps(_mm256_setzero_ps(), fast_log_positive_normal(e));
}

// Element i is the noise of stream word i.
void gumbel_noise_float(float* out, int64_t n, uint64_t key, float lo, float hi) {
  const int64_t substreams = (n + kSubstreamWords - 1) / kSubstreamWords;
  const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  const RoundKeys keys(key);
  at::parallel_for(0, substreams, at::internal::GRAIN_SIZE / kSubstreamWords, [&](int64_t begin, int64_t end) {
    for (int64_t s = begin; s < end; ++s) {
      Xoshiro8 words(keys, static_cast<uint64_t>(s));
      float* o = out + s * kSubstreamWords;
      const int64_t count = std::min(kSubstreamWords, n - s * kSubstreamWords);
      int64_t i = 0;
      for (; i + kStreamLanes <= count; i += kStreamLanes) {
        _mm256_storeu_ps(o + i, gumbel_from_uniform(uniform_floats(words.next()), vlo, vhi));
      }
      if (i < count) {
        alignas(32) float buffer[kStreamLanes];
        _mm256_store_ps(buffer, gumbel_from_uniform(uniform_floats(words.next()), vlo, vhi));
        std::copy(buffer, buffer + (count - i), o + i);
      }
    }
  });
}

// Element i is the noise of stream words 2i and 2i + 1 (random_stream.h);
// the logs are Sleef's (ATen's Vectorized<double>).
void gumbel_noise_double(double* out, int64_t n, uint64_t key, double lo, double hi) {
  using D = at::vec::Vectorized<double>;
  constexpr int64_t kPerSubstream = kSubstreamWords / 2;
  const int64_t substreams = (n + kPerSubstream - 1) / kPerSubstream;
  const RoundKeys keys(key);
  at::parallel_for(0, substreams, at::internal::GRAIN_SIZE / kPerSubstream, [&](int64_t begin, int64_t end) {
    alignas(32) uint32_t w[kSubstreamWords];
    alignas(32) double u[kPerSubstream];
    for (int64_t s = begin; s < end; ++s) {
      Xoshiro8 words(keys, static_cast<uint64_t>(s));
      for (int64_t k = 0; k < kSubstreamWords; k += kStreamLanes) {
        _mm256_store_si256(reinterpret_cast<__m256i*>(w + k), words.next());
      }
      const int64_t count = std::min(kPerSubstream, n - s * kPerSubstream);
      for (int64_t i = 0; i < count; ++i) {
        u[i] = std::min(std::max(uniform_double_from_words(w[2 * i], w[2 * i + 1]), lo), hi);
      }
      double* o = out + s * kPerSubstream;
      for (int64_t i = 0; i < count; i += D::size()) {
        const D g = D::loadu(u + i).log().neg().log().neg();
        g.store(o + i, static_cast<int>(std::min<int64_t>(D::size(), count - i)));
      }
    }
  });
}

}  // namespace

void gumbel_noise_kernel(at::ScalarType dtype, void* out, int64_t n, uint64_t key, double lo, double hi) {
  if (dtype == at::kDouble) {
    gumbel_noise_double(static_cast<double*>(out), n, key, lo, hi);
  } else {
    TORCH_INTERNAL_ASSERT(dtype == at::kFloat);
    gumbel_noise_float(static_cast<float*>(out), n, key, static_cast<float>(lo), static_cast<float>(hi));
  }
}

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
