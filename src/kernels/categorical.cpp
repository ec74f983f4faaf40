// Entry points of the row kernels (categorical_avx2.cpp, softmax_avx2.cpp):
// the gates (device, dtype, layout, autograd), the output tensors and the
// split over threads. Each returns an undefined tensor where it does not
// apply, and the caller runs the ATen formula.
//
// Categorical log_prob is one indexed read per value, and its backward one
// scatter, where the ATen path broadcasts, gathers and squeezes and its
// backward runs as many ops again (dispatches, which dominate for a small
// distribution).

#include <ATen/Parallel.h>
#include <c10/util/accumulate.h>

#include <algorithm>
#include <atomic>
#include <vector>

#include <torch/csrc/autograd/custom_function.h>

#include "elementwise.h"
#include "formula_eval.h"
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

// Whether every value is a category index in [0, categories) (at::gather
// reports the others on the reference path).
bool values_in_range(const at::Tensor& value, int64_t categories) {
  const int64_t* v = value.data_ptr<int64_t>();
  bool in_range = true;  // no early exit: the loop vectorizes
  for (int64_t j = 0, n = value.numel(); j < n; ++j) in_range &= v[j] >= 0 && v[j] < categories;
  return in_range;
}

// logits[row, value] for each value, rows repeating over sample dimensions.
at::Tensor gather_logits(const at::Tensor& value, const at::Tensor& logits, int64_t rows) {
  const int64_t categories = logits.size(-1), n = value.numel();
  at::Tensor out = at::empty(value.sizes(), logits.options().requires_grad(false));
  const int64_t* v = value.data_ptr<int64_t>();
  AT_DISPATCH_FLOATING_TYPES(logits.scalar_type(), "fused_category_gather", [&] {
    const scalar_t* l = logits.data_ptr<scalar_t>();
    scalar_t* o = out.data_ptr<scalar_t>();
    for (int64_t j = 0; j < n; ++j) o[j] = l[(j % rows) * categories + v[j]];
  });
  return out;
}

// The gather with its backward as one scatter into zeros: the gradient of
// logits[row, value] is the incoming gradient at that entry, summed over
// the values that read it. Double backward goes through the reference.
struct CategoricalLogProb : public torch::autograd::Function<CategoricalLogProb> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& value, const at::Tensor& logits,
                            int64_t rows, int64_t reference) {
    ctx->save_for_backward({value, logits});
    ctx->saved_data["rows"] = rows;
    ctx->saved_data["reference"] = reference;
    return gather_logits(value, logits, rows);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const std::vector<at::Tensor> saved = ctx->get_saved_variables();
    const at::Tensor &value = saved[0], &logits = saved[1];
    const at::Tensor grad = grad_outputs[0];
    torch::autograd::variable_list result(4);
    if (at::GradMode::is_enabled() || grad.scalar_type() != logits.scalar_type() || grad.sizes() != value.sizes()) {
      const int64_t reference = ctx->saved_data["reference"].toInt();
      const auto composition = [reference](const std::vector<at::Tensor>& in) { return call_formula(reference, in); };
      result[1] = reference_backward({value, logits}, grad, {false, true}, composition)[1];
      return result;
    }
    const int64_t rows = ctx->saved_data["rows"].toInt(), categories = logits.size(-1), n = value.numel();
    at::Tensor g_logits = at::zeros(logits.sizes(), logits.options().requires_grad(false));
    const at::Tensor g = grad.contiguous();
    const int64_t* v = value.data_ptr<int64_t>();
    AT_DISPATCH_FLOATING_TYPES(logits.scalar_type(), "categorical_log_prob_backward", [&] {
      const scalar_t* in = g.data_ptr<scalar_t>();
      scalar_t* o = g_logits.data_ptr<scalar_t>();
      for (int64_t j = 0; j < n; ++j) o[(j % rows) * categories + v[j]] += in[j];
    });
    result[1] = g_logits;
    return result;
  }
};

}  // namespace

at::Tensor fused_category_gather(const at::Tensor& value, const at::Tensor& logits, Formula2 reference) {
  if (!fused_kernels_enabled() || !value.defined() || !logits.defined() || !value.device().is_cpu() ||
      !logits.device().is_cpu() || value.layout() != at::kStrided || logits.layout() != at::kStrided ||
      !value.is_contiguous() || !logits.is_contiguous() || value.scalar_type() != at::kLong || logits.dim() < 1 ||
      (logits.scalar_type() != at::kFloat && logits.scalar_type() != at::kDouble)) {
    return {};
  }
  const int64_t rows = repeated_rows(value.sizes(), logits.sizes().slice(0, logits.dim() - 1));
  if (rows <= 0 || value.numel() == 0 || logits.size(-1) == 0) return {};
  if (!values_in_range(value, logits.size(-1))) return {};
  if (!any_requires_grad({logits})) return gather_logits(value, logits, rows);
  return CategoricalLogProb::apply(value, logits, rows, formula_id(reference));
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


namespace {

// The kernel's log_softmax of x's rows (see fused_log_softmax).
at::Tensor log_softmax_rows(const at::Tensor& x, bool* has_nan) {
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

// log_softmax with its backward g - softmax(x) sum(g) (over the last
// dimension), written with the saved output: exp(out) is softmax(x). The
// backward is itself differentiable (double backward).
struct LogSoftmaxRows : public torch::autograd::Function<LogSoftmaxRows> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, bool* has_nan) {
    at::Tensor out = log_softmax_rows(x, has_nan);
    ctx->save_for_backward({out});
    return out;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const at::Tensor out = ctx->get_saved_variables()[0];
    const at::Tensor& g = grad_outputs[0];
    if (!at::GradMode::is_enabled() && g.scalar_type() == at::kFloat && g.device().is_cpu() &&
        g.sizes() == out.sizes()) {
      const at::Tensor gc = g.contiguous();
      at::Tensor dx = at::empty_like(out);
      const int64_t k = out.size(-1), rows = out.numel() / k;
      const float* gp = gc.data_ptr<float>();
      const float* op = out.data_ptr<float>();
      float* dp = dx.data_ptr<float>();
      at::parallel_for(0, rows, std::max<int64_t>(1, at::internal::GRAIN_SIZE / k), [&](int64_t begin, int64_t end) {
        log_softmax_backward_rows_kernel(gp, op, dp, k, begin, end);
      });
      return {dx, at::Tensor()};
    }
    return {g - out.exp() * g.sum(-1, /*keepdim=*/true), at::Tensor()};
  }
};

// logsumexp over the last dimension, with the backward g exp(x - lse) (a
// composition, itself differentiable).
struct LogSumExpRows : public torch::autograd::Function<LogSumExpRows> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x) {
    const int64_t k = x.size(-1), rows = x.numel() / k;
    at::Tensor out = at::empty(x.sizes().slice(0, x.dim() - 1), x.options());
    const float* in = x.data_ptr<float>();
    float* o = out.data_ptr<float>();
    at::parallel_for(0, rows, std::max<int64_t>(1, at::internal::GRAIN_SIZE / k),
                     [&](int64_t begin, int64_t end) { logsumexp_rows_kernel(in, o, k, begin, end); });
    ctx->save_for_backward({x, out});
    return out;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    return {grad_outputs[0].unsqueeze(-1) * (saved[0] - saved[1].unsqueeze(-1)).exp()};
  }
};

// Whether the row kernels take x: a non-empty contiguous float CPU tensor
// of at least one dimension, with the kernels on.
bool row_kernels_take(const at::Tensor& x) {
  return fused_kernels_enabled() && x.defined() && x.device().is_cpu() && x.layout() == at::kStrided &&
         x.is_contiguous() && x.scalar_type() == at::kFloat && x.dim() >= 1 && x.numel() > 0;
}

}  // namespace

at::Tensor fused_logsumexp(const at::Tensor& x) {
  if (!row_kernels_take(x)) return {};
  return LogSumExpRows::apply(x);
}

at::Tensor fused_log_softmax(const at::Tensor& x, bool* has_nan) {
  if (!row_kernels_take(x)) return {};
  if (any_requires_grad({x})) return LogSoftmaxRows::apply(x, has_nan);
  return log_softmax_rows(x, has_nan);
}

#else  // built without the AVX2 kernels: the callers take their ATen formulas

at::Tensor fused_category_gather(const at::Tensor&, const at::Tensor&, Formula2) { return {}; }
at::Tensor fused_categorical_sample(const at::Tensor&, at::IntArrayRef, const c10::optional<at::Generator>&) {
  return {};
}
at::Tensor fused_log_softmax(const at::Tensor&, bool*) { return {}; }
at::Tensor fused_logsumexp(const at::Tensor&) { return {}; }

#endif

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
