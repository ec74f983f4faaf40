// log_softmax over the last dimension of a contiguous float tensor (AVX2 +
// FMA): per row one max pass, one pass summing exp(x - max) with the
// kernels' fast exp (fast_math_avx2.h) and one pass writing
// x - max - log(sum): ATen's kernel makes the same passes with Sleef's exp,
// which is most of its time.

#include <ATen/Parallel.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "elementwise.h"
#include "fast_math_avx2.h"
#include "fused.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

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

void log_softmax_row(const float* x, float* out, int64_t k) {
  const int64_t full = k - k % 8;
  // A NaN anywhere makes the sum NaN and so the whole row, as in ATen.
  __m256 vmax = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
  for (int64_t i = 0; i < full; i += 8) vmax = _mm256_max_ps(vmax, _mm256_loadu_ps(x + i));
  float max = horizontal_max(vmax);
  for (int64_t i = full; i < k; ++i) max = std::max(max, x[i]);
  const __m256 m = _mm256_set1_ps(max);
  // The sum in double: in float, a dominant term of 1 absorbs the low bits
  // of each small one added to its lane (1e-6 off over 1000 categories).
  __m256d acc_lo = _mm256_setzero_pd(), acc_hi = _mm256_setzero_pd();
  for (int64_t i = 0; i < full; i += 8) {
    const __m256 e = avx2::fast_exp(_mm256_sub_ps(_mm256_loadu_ps(x + i), m));
    acc_lo = _mm256_add_pd(acc_lo, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
    acc_hi = _mm256_add_pd(acc_hi, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
  }
  double sum = horizontal_sum(_mm256_add_pd(acc_lo, acc_hi));
  for (int64_t i = full; i < k; ++i) sum += std::exp(static_cast<double>(x[i] - max));
  // (x - max) - log(sum), in this order: max + log(sum) would absorb the
  // log when |max| is huge.
  const float log_sum = static_cast<float>(std::log(sum));
  const __m256 l = _mm256_set1_ps(log_sum);
  for (int64_t i = 0; i < full; i += 8) {
    _mm256_storeu_ps(out + i, _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), m), l));
  }
  for (int64_t i = full; i < k; ++i) out[i] = (x[i] - max) - log_sum;
}

}  // namespace

at::Tensor fused_log_softmax(const at::Tensor& x) {
  if (!fused_kernels_enabled() || !x.defined() || any_requires_grad({x}) || !x.device().is_cpu() ||
      x.layout() != at::kStrided || !x.is_contiguous() || x.scalar_type() != at::kFloat || x.dim() < 1 ||
      x.numel() == 0) {
    return {};
  }
  const int64_t k = x.size(-1), rows = x.numel() / k;
  at::Tensor out = at::empty_like(x);
  const float* in = x.data_ptr<float>();
  float* o = out.data_ptr<float>();
  at::parallel_for(0, rows, std::max<int64_t>(1, at::internal::GRAIN_SIZE / k), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) log_softmax_row(in + r * k, o + r * k, k);
  });
  return out;
}

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
