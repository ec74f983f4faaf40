#pragma once
// Internal: the random stream of the noise kernels, its scalar definition.
// The vectorized kernels (noise_avx2.cpp) compute the same words eight lanes
// at a time; tests compare both, and Philox with its published known-answer
// vectors.
//
// The stream is cut into substreams of kSubstreamWords words. Substream s
// runs xoshiro128++ (Blackman and Vigna, "Scrambled linear pseudorandom
// number generators", 2021) in kStreamLanes independent lanes, each seeded
// with the four words of a Philox4x32-10 block (Salmon, Moraes, Dror and
// Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011) under the
// call's key. Philox, a counter-based generator, makes every substream a
// pure function of (key, s), so the stream does not depend on how the work is
// split across threads, and one key drawn from the at::Generator per call
// keeps seeded runs reproducible. xoshiro128++ then makes the words at a
// fraction of Philox's cost (a few shifts and xors per eight words, where a
// Philox block of ten rounds of 32-bit multiplies is the slowest part of the
// noise otherwise).

#include <array>
#include <cstdint>

namespace torchdist {
namespace detail {
namespace kernels {

using PhiloxCounter = std::array<uint32_t, 4>;
using PhiloxKey = std::array<uint32_t, 2>;

constexpr uint32_t kPhiloxMultiplier0 = 0xD2511F53u;
constexpr uint32_t kPhiloxMultiplier1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxKeyStep0 = 0x9E3779B9u;  // golden ratio
constexpr uint32_t kPhiloxKeyStep1 = 0xBB67AE85u;  // sqrt(3) - 1
constexpr int kPhiloxRounds = 10;

/// Philox4x32 with kPhiloxRounds rounds: four random words per counter.
inline PhiloxCounter philox4x32(PhiloxCounter c, PhiloxKey k) {
  for (int round = 0; round < kPhiloxRounds; ++round) {
    if (round > 0) {
      k[0] += kPhiloxKeyStep0;
      k[1] += kPhiloxKeyStep1;
    }
    const uint64_t p0 = static_cast<uint64_t>(kPhiloxMultiplier0) * c[0];
    const uint64_t p1 = static_cast<uint64_t>(kPhiloxMultiplier1) * c[2];
    c = {static_cast<uint32_t>(p1 >> 32) ^ c[1] ^ k[0], static_cast<uint32_t>(p1),
         static_cast<uint32_t>(p0 >> 32) ^ c[3] ^ k[1], static_cast<uint32_t>(p0)};
  }
  return c;
}

/// Key words of a 64-bit key (low word first).
inline PhiloxKey philox_key(uint64_t key) {
  return {static_cast<uint32_t>(key), static_cast<uint32_t>(key >> 32)};
}

/// One xoshiro128++ lane: returns the next word and advances the state.
inline uint32_t xoshiro128pp_next(std::array<uint32_t, 4>& s) {
  const auto rotl = [](uint32_t x, int k) { return (x << k) | (x >> (32 - k)); };
  const uint32_t result = rotl(s[0] + s[3], 7) + s[0];
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

/// The stream's layout. Lane l of substream s starts from the Philox words
/// of counter (c, c >> 32, 0, 0), c = kStreamLanes * s + l; step t of the
/// substream gives words kStreamLanes * t .. + kStreamLanes - 1 of it, one per
/// lane in lane order.
constexpr int64_t kStreamLanes = 8;
constexpr int64_t kSubstreamSteps = 128;
constexpr int64_t kSubstreamWords = kStreamLanes * kSubstreamSteps;

/// The xoshiro128++ state that lane `lane` of `substream` starts from.
inline std::array<uint32_t, 4> stream_lane_seed(uint64_t key, uint64_t substream, uint64_t lane) {
  const uint64_t counter = kStreamLanes * substream + lane;
  return philox4x32({static_cast<uint32_t>(counter), static_cast<uint32_t>(counter >> 32), 0, 0}, philox_key(key));
}

/// Word j of the stream under `key`, computed alone (the reference for
/// tests; it reruns the lane from the start of its substream).
inline uint32_t stream_word(uint64_t key, uint64_t j) {
  const uint64_t substream = j / kSubstreamWords, within = j % kSubstreamWords;
  std::array<uint32_t, 4> state = stream_lane_seed(key, substream, within % kStreamLanes);
  uint32_t word = 0;
  for (uint64_t step = 0; step <= within / kStreamLanes; ++step) word = xoshiro128pp_next(state);
  return word;
}

/// The kStreamLanes lanes of one substream stepped together, the scalar
/// form of Xoshiro8 (random_stream_avx2.h): call t of next() returns step
/// t of the substream, lane l's word in element l. A sampler's scalar
/// definition (sampler_reference.h) draws from it word for word as its
/// kernel draws from Xoshiro8.
class SubstreamLanes {
 public:
  using Words = std::array<uint32_t, kStreamLanes>;

  SubstreamLanes(uint64_t key, uint64_t substream) {
    for (int64_t lane = 0; lane < kStreamLanes; ++lane) {
      state_[lane] = stream_lane_seed(key, substream, static_cast<uint64_t>(lane));
    }
  }

  Words next() {
    Words words;
    for (int64_t lane = 0; lane < kStreamLanes; ++lane) words[lane] = xoshiro128pp_next(state_[lane]);
    return words;
  }

 private:
  std::array<std::array<uint32_t, 4>, kStreamLanes> state_;
};

/// Outputs per substream of the gamma and binomial samplers: elements
/// kGammaSubstreamElements s .. + kGammaSubstreamElements - 1 of
/// standard_gamma_kernel draw from substream s, as many of its words as
/// their rejections take (for_each_substream in random_stream_avx2.h), and
/// the same for binomial_kernel. The kernels and their scalar definitions
/// (sampler_reference.h) both read them here.
constexpr int64_t kGammaSubstreamElements = 1024;
constexpr int64_t kBinomialSubstreamElements = 512;

/// The uniform in (0, 1] that the kernels make of stream words: float from
/// the top 24 bits of one word, (w >> 8) + 1) / 2^24; double from 53 bits of
/// two consecutive words (hi, lo), ((hi << 21 | lo >> 11) + 1) / 2^53.
inline float uniform_float_from_word(uint32_t w) { return static_cast<float>((w >> 8) + 1) * 0x1.0p-24f; }

/// A float uniform in (0, 1] with a float's relative precision down to
/// 2^-56 (where one word's 24 bits end at 2^-24): the 56 bits
/// (hi << 24 | lo >> 8) + 1, over 2^56, summed in float from the smallest
/// part up (each part and its scaling exact).
inline float fine_uniform_float_from_words(uint32_t hi, uint32_t lo) {
  const float a = static_cast<float>(hi >> 8) * 0x1.0p-24f;
  const float b = static_cast<float>(hi & 0xFFu) * 0x1.0p-32f;
  const float c = static_cast<float>(lo >> 8) * 0x1.0p-56f;
  return a + (b + (c + 0x1.0p-56f));
}
inline double uniform_double_from_words(uint32_t hi, uint32_t lo) {
  return static_cast<double>(((static_cast<uint64_t>(hi) << 21) | (lo >> 11)) + 1) * 0x1.0p-53;
}

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
