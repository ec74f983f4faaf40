// Categorical kernels on the CPU (compiled for AVX2, so that the row sums
// below use four double lanes per instruction).
//
// Sampling by the inverse CDF, one uniform per draw: the row's total and
// then its running sum until it passes u * total, both over the same row
// while it is in cache. at::multinomial (the reference path) runs several
// passes and kernels per call; this is one pass over the probabilities and
// exact (the running sum in double).
//
// log_prob without autograd: one indexed read per value, where the ATen
// path broadcasts, gathers and squeezes (several dispatches, which dominate
// for a small distribution).

#include <ATen/Parallel.h>
#include <immintrin.h>
#include <c10/util/accumulate.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <vector>

#include "elementwise.h"
#include "fused.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

constexpr int64_t kBlock = 64;  // categories summed per block

inline __m256d load4(const float* p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
inline __m256d load4(const double* p) { return _mm256_loadu_pd(p); }

// Sums p[0 .. count) (count <= kBlock) in double and clears `valid` unless
// every entry is finite and >= 0. A full block runs in two accumulators of
// four double lanes; a chain of dependent scalar adds would be ~10x slower.
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

// Draws out[j] for j in [begin, end); row j % rows. The row's block sums
// locate the block where the running sum passes u * total, and a scan of
// that block the category: the serial chain is blocks + one block long, not
// the whole row. Returns false when a row holds a negative, NaN or infinite
// probability or sums to zero (the caller then leaves the error to
// at::multinomial).
template <typename T>
bool draw_rows(const T* probs, int64_t categories, int64_t rows, const double* uniforms, int64_t* out,
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

// The number of logits rows a value of shape `value` reads, when the value's
// shape is sample dimensions followed by exactly the batch shape (the batch
// repeats), or -1.
int64_t repeated_rows(at::IntArrayRef value, at::IntArrayRef batch) {
  if (value.size() < batch.size()) return -1;
  int64_t rows = 1;
  for (size_t d = 0; d < batch.size(); ++d) {
    if (value[value.size() - batch.size() + d] != batch[d]) return -1;
    rows *= batch[d];
  }
  return rows;
}

}  // namespace

at::Tensor fused_categorical_log_prob(const at::Tensor& value, const at::Tensor& logits) {
  if (!fused_kernels_enabled() || any_requires_grad({logits}) || !value.defined() || !logits.defined() ||
      !value.device().is_cpu() || !logits.device().is_cpu() || value.layout() != at::kStrided ||
      logits.layout() != at::kStrided || !value.is_contiguous() || !logits.is_contiguous() ||
      value.scalar_type() != at::kLong || logits.dim() < 1 ||
      (logits.scalar_type() != at::kFloat && logits.scalar_type() != at::kDouble)) {
    return {};
  }
  const int64_t categories = logits.size(-1);
  const int64_t rows = repeated_rows(value.sizes(), logits.sizes().slice(0, logits.dim() - 1));
  const int64_t n = value.numel();
  if (rows <= 0 || n == 0 || categories == 0) return {};
  at::Tensor out = at::empty(value.sizes(), logits.options());
  const int64_t* v = value.data_ptr<int64_t>();
  bool in_range = true;
  AT_DISPATCH_FLOATING_TYPES(logits.scalar_type(), "fused_categorical_log_prob", [&] {
    const scalar_t* l = logits.data_ptr<scalar_t>();
    scalar_t* o = out.data_ptr<scalar_t>();
    for (int64_t j = 0; j < n; ++j) {
      const int64_t k = v[j];
      if (k < 0 || k >= categories) {
        in_range = false;  // at::gather reports it on the reference path
        break;
      }
      o[j] = l[(j % rows) * categories + k];
    }
  });
  return in_range ? out : at::Tensor();
}

at::Tensor fused_categorical_sample(const at::Tensor& probs, at::IntArrayRef sample_shape,
                                    const c10::optional<at::Generator>& generator) {
  if (!fused_kernels_enabled() || !probs.defined() || !probs.device().is_cpu() ||
      probs.layout() != at::kStrided || !probs.is_contiguous() || probs.dim() < 1 ||
      (probs.scalar_type() != at::kFloat && probs.scalar_type() != at::kDouble)) {
    return {};
  }
  const int64_t categories = probs.size(-1);
  const int64_t rows = categories == 0 ? 0 : probs.numel() / categories;
  const int64_t draws = c10::multiply_integers(sample_shape) * rows;
  if (draws == 0) return {};
  std::vector<int64_t> shape(sample_shape.begin(), sample_shape.end());
  shape.insert(shape.end(), probs.sizes().begin(), probs.sizes().end() - 1);
  const at::Tensor uniforms = at::rand({draws}, generator, at::TensorOptions().dtype(at::kDouble));
  at::Tensor out = at::empty(shape, at::TensorOptions().dtype(at::kLong));
  std::atomic<bool> valid{true};
  // Each draw reads a whole row: a grain of a few rows per task.
  const int64_t grain = std::max<int64_t>(1, at::internal::GRAIN_SIZE / std::max<int64_t>(categories, 1));
  AT_DISPATCH_FLOATING_TYPES(probs.scalar_type(), "fused_categorical_sample", [&] {
    const scalar_t* p = probs.data_ptr<scalar_t>();
    const double* u = uniforms.data_ptr<double>();
    int64_t* o = out.data_ptr<int64_t>();
    at::parallel_for(0, draws, grain, [&](int64_t begin, int64_t end) {
      if (!draw_rows(p, categories, rows, u, o, begin, end)) valid = false;
    });
  });
  return valid ? out : at::Tensor();
}

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
