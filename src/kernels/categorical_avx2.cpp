// Categorical sampling by the inverse CDF (compiled for AVX2, so that the
// row sums below use four double lanes per instruction), one uniform per
// draw: the row's total and then its running sum until it passes u * total,
// both over the same row while it is in cache. at::multinomial (the
// reference path) runs several passes and kernels per call; this is one
// pass over the probabilities and exact (the running sum in double). The
// entry point, fused_categorical_sample, is in categorical.cpp.

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "raw_kernels.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

constexpr int64_t kBlock = 64;  // categories summed per block

inline __m256d load4(const float* p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
inline __m256d load4(const double* p) { return _mm256_loadu_pd(p); }

// Sums p[0 .. count) (count <= kBlock) in double and clears `valid` unless
// every entry is finite and >= 0. A full block runs in two accumulators of
// four double lanes, where a chain of dependent scalar adds would wait on
// each add's latency.
template <typename T>
double block_sum(const T* p, int64_t count, unsigned& valid) {
  double sum = 0;
  if (count == kBlock) {
    const __m256d lo = _mm256_setzero_pd(), hi = _mm256_set1_pd(std::numeric_limits<double>::max());
    __m256d acc0 = _mm256_setzero_pd(), acc1 = _mm256_setzero_pd();
    __m256d ok = _mm256_cmp_pd(lo, lo, _CMP_EQ_OQ);  // all lanes set
    for (int64_t k = 0; k < kBlock; k += 8) {
      const __m256d x0 = load4(p + k), x1 = load4(p + k + 4);
      acc0 = _mm256_add_pd(acc0, x0);
      acc1 = _mm256_add_pd(acc1, x1);
      ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(x0, lo, _CMP_GE_OQ), _mm256_cmp_pd(x0, hi, _CMP_LE_OQ)));
      ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(x1, lo, _CMP_GE_OQ), _mm256_cmp_pd(x1, hi, _CMP_LE_OQ)));
    }
    valid &= static_cast<unsigned>(_mm256_movemask_pd(ok) == 0xF);
    double lanes[4];
    _mm256_storeu_pd(lanes, _mm256_add_pd(acc0, acc1));
    return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  }
  for (int64_t k = 0; k < count; ++k) {
    const double x = static_cast<double>(p[k]);
    sum += x;
    valid &= static_cast<unsigned>(x >= 0 && x <= std::numeric_limits<double>::max());
  }
  return sum;
}

}  // namespace

// Draws out[j] for j in [begin, end); row j % rows. The row's block sums
// locate the block where the running sum passes u * total, and a scan of
// that block the category: the serial chain is blocks + one block long, not
// the whole row. Returns false when a row holds a negative, NaN or infinite
// probability or sums to zero (the caller then leaves the error to
// at::multinomial).
template <typename T>
bool categorical_draw_kernel(const T* probs, int64_t categories, int64_t rows, const double* uniforms, int64_t* out,
               int64_t begin, int64_t end) {
  const int64_t blocks = (categories + kBlock - 1) / kBlock;
  std::vector<double> sums(blocks);
  for (int64_t j = begin; j < end; ++j) {
    const T* p = probs + (j % rows) * categories;
    unsigned valid = 1;
    double total = 0;
    for (int64_t b = 0; b < blocks; ++b) {
      sums[b] = block_sum(p + b * kBlock, std::min(kBlock, categories - b * kBlock), valid);
      total += sums[b];
    }
    if (!valid || !(total > 0) || !std::isfinite(total)) return false;
    const double target = uniforms[j] * total;
    double running = 0;
    int64_t b = 0;
    while (b < blocks && !(target < running + sums[b])) running += sums[b++];
    int64_t pick = -1;
    // Within the block (and past it, should rounding of the block sums have
    // stopped one block early): the first category whose running sum passes.
    for (int64_t k = b * kBlock; k < categories; ++k) {
      running += static_cast<double>(p[k]);
      if (target < running) {
        pick = k;
        break;
      }
    }
    // target rounded up to the total: the last category with mass.
    for (int64_t k = categories - 1; pick < 0; --k) {
      if (p[k] > 0) pick = k;
    }
    out[j] = pick;
  }
  return true;
}

template bool categorical_draw_kernel<float>(const float*, int64_t, int64_t, const double*, int64_t*, int64_t, int64_t);
template bool categorical_draw_kernel<double>(const double*, int64_t, int64_t, const double*, int64_t*, int64_t,
                                              int64_t);

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
