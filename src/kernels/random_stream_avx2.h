#pragma once
// Internal, for the AVX2 kernel files: the random stream of random_stream.h
// eight lanes at a time (Philox blocks seeding xoshiro128++ lanes), float
// uniforms from its words, and the loop that hands each thread its
// substreams. Used by the noise kernels (noise_avx2.cpp) and the gamma and
// binomial samplers (gamma_avx2.cpp, binomial_avx2.cpp).

#include <ATen/Parallel.h>
#include <ATen/TensorIterator.h>  // at::internal::GRAIN_SIZE
#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "random_stream.h"

#if !defined(CPU_CAPABILITY_AVX2)
#error "random_stream_avx2.h is for the AVX2 kernel files"
#endif

namespace torchdist {
namespace detail {
namespace kernels {
namespace avx2 {

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

// fine_uniform_float_from_words (random_stream.h) in eight lanes.
inline __m256 fine_uniform_floats(__m256i hi, __m256i lo) {
  const __m256 a = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(hi, 8)), _mm256_set1_ps(0x1.0p-24f));
  const __m256 b =
      _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_and_si256(hi, _mm256_set1_epi32(0xFF))), _mm256_set1_ps(0x1.0p-32f));
  const __m256 c = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(lo, 8)), _mm256_set1_ps(0x1.0p-56f));
  return _mm256_add_ps(a, _mm256_add_ps(b, _mm256_add_ps(c, _mm256_set1_ps(0x1.0p-56f))));
}

/// Calls body(words, first, count) for outputs first .. first + count - 1
/// of n, `per_substream` of them per substream s (first = per_substream s;
/// count is less only in the last), with `words` the stream of substream s
/// under `key`; substreams split across threads. What a sampler draws then
/// depends on the key alone, not on the thread count.
template <class Body>
void for_each_substream(int64_t n, int64_t per_substream, uint64_t key, const Body& body) {
  const int64_t substreams = (n + per_substream - 1) / per_substream;
  const RoundKeys keys(key);
  at::parallel_for(0, substreams, at::internal::GRAIN_SIZE / per_substream, [&](int64_t begin, int64_t end) {
    for (int64_t s = begin; s < end; ++s) {
      Xoshiro8 words(keys, static_cast<uint64_t>(s));
      body(words, s * per_substream, std::min(per_substream, n - s * per_substream));
    }
  });
}

}  // namespace avx2
}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
