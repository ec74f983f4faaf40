// log_softmax over the last dimension of a contiguous float tensor (AVX2 +
// FMA): per row one max pass, one pass summing exp(x - max) with the
// kernels' fast exp (fast_math_avx2.h) and one pass writing
// x - max - log(sum): ATen's kernel makes the same passes with Sleef's exp,
// which is most of its time. The entry point, fused_log_softmax, is in
// categorical.cpp.

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "fast_math_avx2.h"
#include "raw_kernels.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

// Rows up to this length (in and out: 32 KiB) fit in L1 beside the row being
// worked on, so the exp pass prefetches the next one; longer rows leave the
// hardware prefetcher to stream them.
constexpr int64_t kPrefetchMaxRow = 4096;

float horizontal_max(__m256 v) {
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, v);
  return *std::max_element(lanes, lanes + 8);
}

double horizontal_sum(__m256d v) {
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, v);
  return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}

// exp(x - max) for x <= max. Differences below kExpMin are raised to it: the
// term becomes e^-87 (1.6e-38) instead of a smaller one or 0, nothing beside
// the max's own term 1, and no lane needs fast_exp's out-of-range branch.
// _mm256_max_ps returns its second operand for NaN, so NaN stays NaN.
__m256 exp_below_max(const float* x, __m256 max) {
  const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(x), max);
  return avx2::fast_exp_in_range(_mm256_max_ps(_mm256_set1_ps(avx2::kExpMin), d));
}

void add_widened(__m256d& lo, __m256d& hi, __m256 v) {
  lo = _mm256_add_pd(lo, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
  hi = _mm256_add_pd(hi, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
}

// The max of one row (to *max_out) and the sum of exp(x - max), NaN exactly
// when the row holds a NaN logit or its max is +inf or -inf (which makes
// x - max NaN for some x). With prefetch_next, the next row of x (and of
// out, unless null) is brought into L1 meanwhile.
double row_max_and_exp_sum(const float* x, const float* out, int64_t k, bool prefetch_next, float* max_out) {
  const int64_t full = k - k % 8;
  // Four maxima, as max_ps waits on the previous one.
  __m256 vmax[4];
  std::fill(vmax, vmax + 4, _mm256_set1_ps(-std::numeric_limits<float>::infinity()));
  int64_t i = 0;
  for (; i + 32 <= full; i += 32) {
    for (int j = 0; j < 4; ++j) vmax[j] = _mm256_max_ps(vmax[j], _mm256_loadu_ps(x + i + 8 * j));
  }
  for (; i < full; i += 8) vmax[0] = _mm256_max_ps(vmax[0], _mm256_loadu_ps(x + i));
  float max = horizontal_max(_mm256_max_ps(_mm256_max_ps(vmax[0], vmax[1]), _mm256_max_ps(vmax[2], vmax[3])));
  for (int64_t t = full; t < k; ++t) max = std::max(max, x[t]);
  const __m256 m = _mm256_set1_ps(max);

  // The sum in double: in float, a dominant term of 1 absorbs the low bits
  // of each small one added to its lane (1e-6 off over 1000 categories).
  // Widening costs more than the add, so four terms per lane are first
  // added in float, as a tree: each float add is off by at most 2^-24 of
  // its result, so the sum by at most 2 * 2^-24 (1.2e-7) of itself, and
  // log(sum) by 1.2e-7 (plus the exp's 3e-9): a tenth of ATen's float sum.
  __m256d lo0 = _mm256_setzero_pd(), hi0 = lo0, lo1 = lo0, hi1 = lo0;
  const char* next_x = reinterpret_cast<const char*>(x + k);
  const char* next_out = reinterpret_cast<const char*>(out + k);
  i = 0;
  for (; i + 64 <= full; i += 64) {
    if (prefetch_next) {
      // 256 bytes of each per iteration: the next row is in L1 by the time
      // its max pass starts, and its output lines are owned before stores.
      for (int64_t b = 0; b < 256; b += 64) {
        _mm_prefetch(next_x + 4 * i + b, _MM_HINT_T0);
        if (out != nullptr) _mm_prefetch(next_out + 4 * i + b, _MM_HINT_T0);
      }
    }
    const __m256 a = _mm256_add_ps(_mm256_add_ps(exp_below_max(x + i, m), exp_below_max(x + i + 8, m)),
                                   _mm256_add_ps(exp_below_max(x + i + 16, m), exp_below_max(x + i + 24, m)));
    const __m256 b = _mm256_add_ps(_mm256_add_ps(exp_below_max(x + i + 32, m), exp_below_max(x + i + 40, m)),
                                   _mm256_add_ps(exp_below_max(x + i + 48, m), exp_below_max(x + i + 56, m)));
    add_widened(lo0, hi0, a);
    add_widened(lo1, hi1, b);
  }
  for (; i < full; i += 8) add_widened(lo0, hi0, exp_below_max(x + i, m));
  double sum = horizontal_sum(_mm256_add_pd(_mm256_add_pd(lo0, hi0), _mm256_add_pd(lo1, hi1)));
  for (int64_t t = full; t < k; ++t) sum += std::exp(static_cast<double>(x[t] - max));
  *max_out = max;
  return sum;
}

// Writes log_softmax of one row and returns the sum of exp(x - max), NaN
// exactly when the row (and so its output) holds a NaN.
double log_softmax_row(const float* x, float* out, int64_t k, bool prefetch_next) {
  const int64_t full = k - k % 8;
  float max;
  const double sum = row_max_and_exp_sum(x, out, k, prefetch_next, &max);
  const __m256 m = _mm256_set1_ps(max);

  // (x - max) - log(sum), in this order: max + log(sum) would absorb the
  // log when |max| is huge.
  const float log_sum = static_cast<float>(std::log(sum));
  const __m256 l = _mm256_set1_ps(log_sum);
  for (int64_t i = 0; i < full; i += 8) {
    _mm256_storeu_ps(out + i, _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), m), l));
  }
  for (int64_t t = full; t < k; ++t) out[t] = (x[t] - max) - log_sum;
  return sum;
}

}  // namespace

void logsumexp_rows_kernel(const float* in, float* out, int64_t k, int64_t begin, int64_t end) {
  for (int64_t r = begin; r < end; ++r) {
    float max;
    const double sum = row_max_and_exp_sum(in + r * k, nullptr, k, r + 1 < end && k <= kPrefetchMaxRow, &max);
    // A row of -inf (every term impossible) gives -inf; +inf gives +inf; a
    // NaN logit gives NaN (its sum is NaN), as ATen's logsumexp.
    if (std::isinf(max)) {
      bool nan = false;
      for (int64_t t = 0; t < k; ++t) nan |= std::isnan(in[r * k + t]);
      out[r] = nan ? std::numeric_limits<float>::quiet_NaN() : max;
    } else {
      out[r] = static_cast<float>(static_cast<double>(max) + std::log(sum));
    }
  }
}

void log_softmax_backward_rows_kernel(const float* g, const float* out, float* dx, int64_t k, int64_t begin,
                                      int64_t end) {
  const int64_t full = k - k % 8;
  for (int64_t r = begin; r < end; ++r) {
    const float* gr = g + r * k;
    const float* o = out + r * k;
    float* d = dx + r * k;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < full; i += 8) acc = _mm256_add_ps(acc, _mm256_loadu_ps(gr + i));
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, acc);
    float sum = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    for (int64_t t = full; t < k; ++t) sum += gr[t];
    // exp(out) is the softmax; out <= 0, raised to kExpMin as in the forward
    // (a term of 1.6e-38 instead of 0 for an impossible category).
    const __m256 s = _mm256_set1_ps(sum), lowest = _mm256_set1_ps(avx2::kExpMin);
    for (int64_t i = 0; i < full; i += 8) {
      const __m256 p = avx2::fast_exp_in_range(_mm256_max_ps(lowest, _mm256_loadu_ps(o + i)));
      _mm256_storeu_ps(d + i, _mm256_sub_ps(_mm256_loadu_ps(gr + i), _mm256_mul_ps(p, s)));
    }
    for (int64_t t = full; t < k; ++t) d[t] = gr[t] - std::exp(o[t]) * sum;
  }
}

bool log_softmax_rows_kernel(const float* in, float* out, int64_t k, int64_t begin, int64_t end) {
  bool nan = false;
  for (int64_t r = begin; r < end; ++r) {
    const bool prefetch = r + 1 < end && k <= kPrefetchMaxRow;
    nan |= std::isnan(log_softmax_row(in + r * k, out + r * k, k, prefetch));
  }
  return nan;
}

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
