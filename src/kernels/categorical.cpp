// Entry points of the row kernels (categorical_avx2.cpp, softmax_avx2.cpp):
// the gates (device, dtype, layout, autograd), the output tensors and the
// split over threads. Each returns an undefined tensor where it does not
// apply, and the caller runs the ATen formula.
//
// Categorical log_prob without autograd is one indexed read per value, where
// the ATen path broadcasts, gathers and squeezes (several dispatches, which
// dominate for a small distribution).

#include <ATen/Parallel.h>
#include <c10/util/accumulate.h>

#include <algorithm>
#include <atomic>
#include <vector>

#include "elementwise.h"
#include "fused.h"
#include "raw_kernels.h"

namespace torchdist {
namespace detail {
namespace kernels {

#if defined(TORCHDIST_HAVE_AVX2_KERNELS)
namespace {

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
      if (!categorical_draw_kernel(p, categories, rows, u, o, begin, end)) valid = false;
    });
  });
  return valid ? out : at::Tensor();
}


at::Tensor fused_log_softmax(const at::Tensor& x, bool* has_nan) {
  if (!fused_kernels_enabled() || !x.defined() || any_requires_grad({x}) || !x.device().is_cpu() ||
      x.layout() != at::kStrided || !x.is_contiguous() || x.scalar_type() != at::kFloat || x.dim() < 1 ||
      x.numel() == 0) {
    return {};
  }
  const int64_t k = x.size(-1), rows = x.numel() / k;
  at::Tensor out = at::empty_like(x);
  const float* in = x.data_ptr<float>();
  float* o = out.data_ptr<float>();
  std::atomic<bool> nan_row{false};
  at::parallel_for(0, rows, std::max<int64_t>(1, at::internal::GRAIN_SIZE / k), [&](int64_t begin, int64_t end) {
    if (log_softmax_rows_kernel(in, o, k, begin, end)) nan_row.store(true, std::memory_order_relaxed);
  });
  if (has_nan != nullptr) *has_nan = nan_row.load(std::memory_order_relaxed);
  return out;
}

#else  // built without the AVX2 kernels: the callers take their ATen formulas

at::Tensor fused_categorical_log_prob(const at::Tensor&, const at::Tensor&) { return {}; }
at::Tensor fused_categorical_sample(const at::Tensor&, at::IntArrayRef, const c10::optional<at::Generator>&) {
  return {};
}
at::Tensor fused_log_softmax(const at::Tensor&, bool*) { return {}; }

#endif

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
