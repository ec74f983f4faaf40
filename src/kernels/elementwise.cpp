// Whether the fused kernels run, and the planning of an elementwise kernel
// from its inputs' shapes and strides.

#include <ATen/core/grad_mode.h>

#include <atomic>

#include "elementwise.h"
#include "../core/broadcast_shapes.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

bool cpu_has_avx2_fma() {
#if defined(TORCHDIST_HAVE_AVX2_KERNELS) && (defined(__GNUC__) || defined(__clang__))
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
#else
  return false;
#endif
}

std::atomic<bool> g_enabled{true};

// The broadcast shape of `inputs`, or nullopt when they do not broadcast
// (the reference path then raises ATen's usual error).
c10::optional<std::vector<int64_t>> broadcast_shape(at::ArrayRef<at::Tensor> inputs) {
  c10::optional<at::DimVector> shape = at::DimVector{};
  for (const at::Tensor& t : inputs) {
    shape = broadcast_shapes(*shape, t.sizes());
    if (!shape) return c10::nullopt;
  }
  return std::vector<int64_t>(shape->begin(), shape->end());
}

// `t` as an operand of an output of shape `out`: its leading dimensions that
// broadcast (size 1 or stride 0) repeat the block, its trailing ones repeat
// each element, and the dimensions between must be the output's, laid out
// row-major, so that output element i reads element (i / repeat) % period.
c10::optional<Operand> operand_for(const at::Tensor& t, const std::vector<int64_t>& out) {
  const int64_t dim = t.dim(), offset = static_cast<int64_t>(out.size()) - dim;
  auto broadcasts = [&](int64_t d) { return t.size(d) == 1 || t.stride(d) == 0; };
  int64_t lead = 0;
  while (lead < dim && broadcasts(lead)) ++lead;
  int64_t last = dim;  // the block is dimensions [lead, last)
  int64_t repeat = 1;
  while (last > lead && broadcasts(last - 1)) repeat *= out[offset + --last];
  int64_t period = 1;
  for (int64_t d = last - 1; d >= lead; --d) {
    if (t.size(d) != out[offset + d]) return c10::nullopt;
    if (t.size(d) != 1 && t.stride(d) != period) return c10::nullopt;
    period *= t.size(d);
  }
  if (period == 1) repeat = 1;  // one element: the repetition is moot
  return Operand{t.data_ptr(), period, repeat};
}

}  // namespace

bool fused_kernels_enabled() { return cpu_has_avx2_fma() && g_enabled.load(std::memory_order_relaxed); }

bool fast_paths_enabled() { return g_enabled.load(std::memory_order_relaxed); }

bool set_fused_kernels_enabled(bool enabled) { return g_enabled.exchange(enabled); }

c10::optional<ElementwisePlan> plan_elementwise(at::ArrayRef<at::Tensor> inputs) {
  if (!fused_kernels_enabled() || inputs.empty()) return c10::nullopt;
  const at::ScalarType dtype = inputs[0].defined() ? inputs[0].scalar_type() : at::kFloat;
  if (dtype != at::kFloat && dtype != at::kDouble) return c10::nullopt;
  for (const at::Tensor& t : inputs) {
    if (!t.defined() || t.scalar_type() != dtype || !t.device().is_cpu() || t.layout() != at::kStrided) {
      return c10::nullopt;
    }
  }
  auto shape = broadcast_shape(inputs);
  if (!shape) return c10::nullopt;
  ElementwisePlan plan;
  plan.numel = c10::multiply_integers(*shape);
  if (plan.numel == 0) return c10::nullopt;
  plan.shape = std::move(*shape);
  plan.dtype = dtype;
  for (const at::Tensor& t : inputs) {
    auto operand = operand_for(t, plan.shape);
    if (!operand) return c10::nullopt;
    plan.operands.push_back(*operand);
  }
  return plan;
}

bool any_requires_grad(at::ArrayRef<at::Tensor> inputs) {
  if (!at::GradMode::is_enabled()) return false;
  for (const at::Tensor& t : inputs) {
    if (t.defined() && t.requires_grad()) return true;
  }
  return false;
}

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
