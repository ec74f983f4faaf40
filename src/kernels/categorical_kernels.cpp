// Categorical kernels on the CPU.
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
#include <c10/util/accumulate.h>

#include <atomic>
#include <cmath>

#include "elementwise.h"
#include "fused.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

// Draws out[j] for j in [begin, end); row j % rows. Returns false when a row
// holds a negative, NaN or infinite probability or sums to zero (the caller
// then leaves the error to at::multinomial).
template <typename T>
bool draw_rows(const T* probs, int64_t categories, int64_t rows, const double* uniforms, int64_t* out,
               int64_t begin, int64_t end) {
  for (int64_t j = begin; j < end; ++j) {
    const T* p = probs + (j % rows) * categories;
    double total = 0;
    bool valid = true;
    for (int64_t k = 0; k < categories; ++k) {
      total += p[k];
      valid &= p[k] >= 0 && std::isfinite(static_cast<double>(p[k]));
    }
    if (!valid || !(total > 0) || !std::isfinite(total)) return false;
    const double target = uniforms[j] * total;
    double running = 0;
    int64_t pick = -1;
    for (int64_t k = 0; k < categories; ++k) {
      running += p[k];
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
