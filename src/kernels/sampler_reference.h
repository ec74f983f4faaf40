#pragma once
// Internal: the scalar definitions of the gamma, binomial and categorical
// samplers (gamma_avx2.cpp, binomial_avx2.cpp, categorical_avx2.cpp), for
// the lane-by-lane tests
// (tests/kernels/test_fused_samplers.cpp). Plain C++, no intrinsics: given
// the key and the parameters, each function returns what its kernel must
// return, element by element.
//
// What they share with the kernels, and must: the substream layout
// (kGammaSubstreamElements, kBinomialSubstreamElements and SubstreamLanes in
// random_stream.h, for_each_substream in random_stream_avx2.h), and the
// order in which each lane consumes words. A vector loop steps the stream
// for all its lanes together: each round of a rejection loop draws words in
// every lane until every lane of the vector has accepted, a lane that has
// accepted wasting its words; a branch taken by any lane draws for all of
// them; the padding lanes of a tail draw as the others do. The definitions
// below loop over rounds and lanes in the same way, so that lane l of every
// vector reads the same words as in the kernel.
//
// Where they differ, on purpose: arithmetic in double with std::log,
// std::exp, std::sqrt, std::cos and std::sin where the kernels use their
// fast approximations (and, for gamma, in place of float arithmetic). A
// gamma variate then agrees within a few float roundings, amplified by the
// variate's condition (GammaDraw); a binomial variate exactly. A different
// accept/reject decision would need a draw within the roundings of the
// boundary (about 1e-7 per decision of the float gamma, 1e-10 or less per
// exact test of the double binomial), and would then shift that lane's
// words from there on; at a fixed key the draws are fixed, so a test that
// passes once passes always.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "../core/math_constants.h"
#include "random_stream.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace reference {

constexpr double kTwoPi = 6.28318530717958647692;

// ---------------------------------------------------------------------------
// Gamma: Marsaglia and Tsang, eight lanes (gamma_avx2.cpp).

/// Standard normals by Box-Muller, in double, as normals_avx2.h's Normals
/// makes them: a call with no spare draws two steps (u1 from the first, u2
/// from the second, each uniform_float_from_word) and returns r cos(2 pi
/// u2) in each lane, r = sqrt(-2 log u1), keeping r sin(2 pi u2) for the
/// next call. One object per substream: the spare crosses from one vector
/// to the next.
class Normals {
 public:
  using Lanes = std::array<double, kStreamLanes>;

  explicit Normals(SubstreamLanes& words) : words_(words) {}

  Lanes next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const SubstreamLanes::Words w1 = words_.next();
    const SubstreamLanes::Words w2 = words_.next();
    Lanes first;
    for (int64_t l = 0; l < kStreamLanes; ++l) {
      const double u1 = uniform_float_from_word(w1[l]), u2 = uniform_float_from_word(w2[l]);
      const double r = std::sqrt(-2 * std::log(u1)), angle = kTwoPi * u2;
      first[l] = r * std::cos(angle);
      spare_[l] = r * std::sin(angle);
    }
    has_spare_ = true;
    return first;
  }

 private:
  SubstreamLanes& words_;
  Lanes spare_{};
  bool has_spare_ = false;
};

/// One gamma variate of the definition, and how much the kernel's float
/// arithmetic may move it. The variate is d v with v = (1 + c x)^3, times
/// exp(log(u) / alpha) for alpha < 1; a relative error e in x (the kernel's
/// Box-Muller in float) moves d v by 3 |c x / (1 + c x)| e, large where
/// 1 + c x is near 0 (variates near 0), and one in log u moves the boosted
/// variate by |log(u) / alpha| e. `condition` is 1 plus both factors (1
/// where the variate is clamped); the test allows some float roundings
/// times it.
struct GammaDraw {
  float value;
  double condition;
};

/// Gamma(alpha[l], 1) in each lane of a vector, as standard_gamma8 in
/// gamma_avx2.cpp.
inline std::array<GammaDraw, kStreamLanes> standard_gamma8(const std::array<float, kStreamLanes>& alpha_in,
                                                           SubstreamLanes& words, Normals& normals) {
  std::array<double, kStreamLanes> alpha{}, d{}, c{}, result{};
  std::array<bool, kStreamLanes> boost{}, pending{};
  std::array<GammaDraw, kStreamLanes> draws{};
  for (int64_t l = 0; l < kStreamLanes; ++l) {
    // NaN and negative shapes are NaN without a loop; -0 is +0 (log(u) / 0
    // is then -inf, the variate the smallest float).
    const bool valid = alpha_in[l] >= 0;
    alpha[l] = valid && alpha_in[l] != 0 ? alpha_in[l] : 0.0;
    boost[l] = alpha[l] < 1;
    // alpha < 1: G(alpha + 1) u^(1 / alpha) (Stuart's theorem).
    const double shape = boost[l] ? alpha[l] + 1 : alpha[l];
    d[l] = shape - 1.0 / 3;
    c[l] = 1 / std::sqrt(9 * d[l]);
    pending[l] = valid;
    result[l] = valid ? 0.0 : std::numeric_limits<double>::quiet_NaN();
    draws[l].condition = 1;
  }
  const auto any = [](const std::array<bool, kStreamLanes>& lanes) {
    return std::any_of(lanes.begin(), lanes.end(), [](bool b) { return b; });
  };
  // Each round: a normal (two steps when the Normals have no spare), then
  // one step for u, in every lane until all have accepted.
  while (any(pending)) {
    const Normals::Lanes x = normals.next();
    const SubstreamLanes::Words w = words.next();
    for (int64_t l = 0; l < kStreamLanes; ++l) {
      if (!pending[l]) continue;
      const double u = uniform_float_from_word(w[l]);
      const double y = 1 + c[l] * x[l];
      if (!(y > 0)) continue;
      const double v = y * y * y, x2 = x[l] * x[l];
      // The squeeze, then the exact test (only where the squeeze fails: the
      // kernel skips its logs otherwise, which changes nothing drawn).
      if (u < 1 - 0.0331 * x2 * x2 || std::log(u) < 0.5 * x2 + d[l] * (1 - v + std::log(v))) {
        result[l] = d[l] * v;
        draws[l].condition += 3 * std::abs(c[l] * x[l] / y);
        pending[l] = false;
      }
    }
  }
  // After the loop, one more step for the lanes below 1.
  if (any(boost)) {
    const SubstreamLanes::Words w = words.next();
    for (int64_t l = 0; l < kStreamLanes; ++l) {
      if (!boost[l]) continue;
      const double exponent = std::log(uniform_float_from_word(w[l])) / alpha[l];
      result[l] *= std::exp(exponent);
      if (std::isfinite(exponent)) draws[l].condition += std::abs(exponent);
    }
  }
  // Clamped below at the smallest normal float, as ATen's (where nothing is
  // left to amplify); NaN stays NaN.
  const double smallest = std::numeric_limits<float>::min();
  for (int64_t l = 0; l < kStreamLanes; ++l) {
    if (result[l] < smallest) {
      result[l] = smallest;
      draws[l].condition = 1;
    }
    draws[l].value = static_cast<float>(result[l]);
  }
  return draws;
}

/// Gamma(alpha[i], 1) for i < n, as standard_gamma_kernel draws them under
/// `key`: elements kGammaSubstreamElements s .. of substream s, eight lanes
/// per vector, a tail padded with shapes of 1 (drawn, discarded), one
/// Normals per substream.
inline void standard_gamma(const float* alpha, GammaDraw* out, int64_t n, uint64_t key) {
  for (int64_t first = 0; first < n; first += kGammaSubstreamElements) {
    SubstreamLanes words(key, static_cast<uint64_t>(first / kGammaSubstreamElements));
    Normals normals(words);
    const int64_t count = std::min(kGammaSubstreamElements, n - first);
    for (int64_t i = 0; i < count; i += kStreamLanes) {
      const int64_t lanes = std::min(kStreamLanes, count - i);
      std::array<float, kStreamLanes> shapes;
      shapes.fill(1.0f);
      std::copy(alpha + first + i, alpha + first + i + lanes, shapes.begin());
      const std::array<GammaDraw, kStreamLanes> draws = standard_gamma8(shapes, words, normals);
      std::copy(draws.begin(), draws.begin() + lanes, out + first + i);
    }
  }
}

// ---------------------------------------------------------------------------
// Binomial: BTRS and inversion, four lanes of doubles (binomial_avx2.cpp).

constexpr int64_t kBinomialLanes = kStreamLanes / 2;

/// The uniform in (0, 1] of binomial lane j from one step of the stream:
/// the 64 bits of stream lanes 2j (low word) and 2j + 1 (high word), their
/// top 52 bits m, 1 - m / 2^52 (exact).
inline double binomial_uniform(const SubstreamLanes::Words& w, int64_t j) {
  const uint64_t bits = (static_cast<uint64_t>(w[2 * j + 1]) << 32) | w[2 * j];
  return 1 - static_cast<double>(bits >> 12) * 0x1.0p-52;
}

/// t(x) = lgamma(x + 1) - (x + 1/2) log(x + 1) + x + 1 - log(2 pi) / 2, the
/// tail of Stirling's formula, for whole x >= 0: in long double from
/// lgamma below 10, above from the series 1/(12 y) - 1/(360 y^3) + 1/(1260
/// y^5), y = x + 1 (the next term is below 3e-11), as the kernel (lgamma in
/// double would lose all its digits at large x).
inline double stirling_tail(double x) {
  const long double y = x + 1;
  if (x < 10) return static_cast<double>(std::lgamma(y) - (y - 0.5L) * std::log(y) + y - kHalfLog2Pi);
  const double inv = 1 / (x + 1), w = inv * inv;
  return inv * (1.0 / 12 - w * (1.0 / 360 - w / 1260));
}

/// Hormann's BTRS for the lanes of `active` (n p >= 10, p <= 1/2), as btrs
/// in binomial_avx2.cpp: each round draws two steps (U, then V) for all
/// four lanes until every active lane has accepted. The arithmetic that
/// gives k and the box test is the kernel's to the rounding (std::fma where
/// it fuses), so that k and the box decision agree bit for bit and only
/// the exact test, which takes logarithms, can decide differently.
inline std::array<double, kBinomialLanes> btrs(const std::array<double, kBinomialLanes>& n,
                                               const std::array<double, kBinomialLanes>& p,
                                               const std::array<bool, kBinomialLanes>& active, SubstreamLanes& words) {
  std::array<double, kBinomialLanes> result{};
  std::array<bool, kBinomialLanes> pending = active;
  while (std::any_of(pending.begin(), pending.end(), [](bool b) { return b; })) {
    const SubstreamLanes::Words wu = words.next();
    const SubstreamLanes::Words wv = words.next();
    for (int64_t j = 0; j < kBinomialLanes; ++j) {
      if (!pending[j]) continue;
      const double nj = n[j], pj = p[j], q = 1 - pj;
      const double spq = std::sqrt(nj * pj * q);
      const double b = std::fma(2.53, spq, 1.15);
      const double a = std::fma(0.0248, b, std::fma(0.01, pj, -0.0873));
      const double c = std::fma(nj, pj, 0.5);
      const double v_r = std::fma(-4.2, 1 / b, 0.92);
      const double alpha = std::fma(5.1, 1 / b, 2.83) * spq;
      const double m = std::floor((nj + 1) * pj), r = pj / q;
      const double u = binomial_uniform(wu, j) - 0.5, v = binomial_uniform(wv, j);
      const double us = 0.5 - std::abs(u);
      const double k = std::floor(std::fma((a + a) / us + b, u, c));
      if (!(k >= 0 && k <= nj)) continue;
      bool accept = us >= 0.07 && v <= v_r;
      if (!accept) {
        // log f(k) - log f(m) by Stirling's formula (binomial_avx2.cpp).
        const double log_f = (m + 0.5) * std::log((m + 1) / (r * (nj - m + 1))) +
                             (nj + 1) * std::log((nj - m + 1) / (nj - k + 1)) +
                             (k + 0.5) * std::log(r * (nj - k + 1) / (k + 1)) + stirling_tail(m) +
                             stirling_tail(nj - m) - stirling_tail(k) - stirling_tail(nj - k);
        accept = std::log(v * alpha / (a / (us * us) + b)) <= log_f;
      }
      if (accept) {
        result[j] = k;
        pending[j] = false;
      }
    }
  }
  return result;
}

/// Inversion by sequential search for the lanes of `active` (n p < 10, 0 <
/// p <= 1/2), as inversion in binomial_avx2.cpp: one step of the stream,
/// U in each lane, then the smallest k with U <= F(k), F summed from f(0) =
/// q^n by f(k) = f(k - 1) r (n - k + 1) / k; a lane also stops where F no
/// longer grows or k reaches n.
inline std::array<double, kBinomialLanes> inversion(const std::array<double, kBinomialLanes>& n,
                                                    const std::array<double, kBinomialLanes>& p,
                                                    const std::array<bool, kBinomialLanes>& active,
                                                    SubstreamLanes& words) {
  const SubstreamLanes::Words w = words.next();
  std::array<double, kBinomialLanes> result{};
  for (int64_t j = 0; j < kBinomialLanes; ++j) {
    if (!active[j]) continue;
    const double u = binomial_uniform(w, j), r = p[j] / (1 - p[j]);
    double f = std::exp(n[j] * std::log1p(-p[j])), cdf = f, k = 0;
    if (u > cdf) {
      for (double i = 1;; ++i) {
        f *= r * (n[j] + 1 - i) / i;
        const double next_cdf = cdf + f;
        k = i;
        if (!(next_cdf > cdf && u > next_cdf && i < n[j])) break;
        cdf = next_cdf;
      }
    }
    result[j] = k;
  }
  return result;
}

/// B(count[l], probs[l]) in each of four lanes, as binomial4 in
/// binomial_avx2.cpp: n <= 0 or p <= 0 give 0, p >= 1 gives n, NaN or an
/// infinite count NaN; p > 1/2 draws n - B(n, 1 - p); BTRS where n min(p,
/// q) >= 10 and inversion below, each called (and drawing words) when any
/// lane takes it, BTRS first.
inline std::array<double, kBinomialLanes> binomial4(const std::array<double, kBinomialLanes>& n,
                                                    const std::array<double, kBinomialLanes>& p,
                                                    SubstreamLanes& words) {
  std::array<double, kBinomialLanes> small_p{}, result{};
  std::array<bool, kBinomialLanes> defined{}, none{}, all{}, flip{}, by_btrs{}, by_inversion{};
  bool any_btrs = false, any_inversion = false;
  for (int64_t j = 0; j < kBinomialLanes; ++j) {
    defined[j] = !std::isnan(p[j]) && std::abs(n[j]) < std::numeric_limits<double>::infinity();
    none[j] = n[j] <= 0 || p[j] <= 0;
    all[j] = !none[j] && p[j] >= 1;
    const bool random = defined[j] && !none[j] && !all[j];
    flip[j] = p[j] > 0.5;
    small_p[j] = flip[j] ? 1 - p[j] : p[j];
    const bool large = n[j] * small_p[j] >= 10;
    by_btrs[j] = random && large;
    by_inversion[j] = random && !large;
    any_btrs |= by_btrs[j];
    any_inversion |= by_inversion[j];
  }
  std::array<double, kBinomialLanes> from_btrs{}, from_inversion{};
  if (any_btrs) from_btrs = btrs(n, small_p, by_btrs, words);
  if (any_inversion) from_inversion = inversion(n, small_p, by_inversion, words);
  for (int64_t j = 0; j < kBinomialLanes; ++j) {
    const double draw = by_btrs[j] ? from_btrs[j] : from_inversion[j];
    if (!defined[j]) {
      result[j] = std::numeric_limits<double>::quiet_NaN();
    } else if (all[j]) {
      result[j] = n[j];
    } else if (by_btrs[j] || by_inversion[j]) {
      result[j] = flip[j] ? n[j] - draw : draw;
    } else {
      result[j] = 0;
    }
  }
  return result;
}

/// B(count[i], probs[i]) for i < n, as binomial_kernel draws them under
/// `key`: elements kBinomialSubstreamElements s .. of substream s, four
/// lanes per vector, a tail padded with n = 0 (no draws of its own). The
/// variates are whole numbers in double, rounded to float as the kernel's
/// output.
inline void binomial(const float* count, const float* probs, float* out, int64_t n, uint64_t key) {
  for (int64_t first = 0; first < n; first += kBinomialSubstreamElements) {
    SubstreamLanes words(key, static_cast<uint64_t>(first / kBinomialSubstreamElements));
    const int64_t size = std::min(kBinomialSubstreamElements, n - first);
    for (int64_t i = 0; i < size; i += kBinomialLanes) {
      const int64_t lanes = std::min(kBinomialLanes, size - i);
      std::array<double, kBinomialLanes> c{}, p{};
      std::copy(count + first + i, count + first + i + lanes, c.begin());
      std::copy(probs + first + i, probs + first + i + lanes, p.begin());
      const std::array<double, kBinomialLanes> draws = binomial4(c, p, words);
      for (int64_t j = 0; j < lanes; ++j) out[first + i + j] = static_cast<float>(draws[j]);
    }
  }
}

// ---------------------------------------------------------------------------
// Categorical: the inverse CDF of one row (categorical_avx2.cpp).

/// The category a uniform u in (0, 1] picks from a row of (not necessarily
/// normalized) probabilities: the first k whose running sum exceeds u times
/// the total, or the last category with mass when rounding put u * total at
/// the total. Sums in long double, where the kernel sums blocks of double
/// lanes: the two differ only for a u within roundings of a boundary.
template <typename T>
int64_t categorical(const T* probs, int64_t categories, double u) {
  long double total = 0;
  for (int64_t k = 0; k < categories; ++k) total += probs[k];
  const long double target = u * total;
  long double running = 0;
  for (int64_t k = 0; k < categories; ++k) {
    running += probs[k];
    if (target < running) return k;
  }
  for (int64_t k = categories - 1; k >= 0; --k) {
    if (probs[k] > 0) return k;
  }
  return -1;
}

}  // namespace reference
}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
