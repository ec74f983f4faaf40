// The non-template parts of formula_eval.h, and the formulas' kernels where
// the library is built without its AVX2 kernels (none: every formula then
// runs its scalar or ATen path).

#include "formula_eval.h"

#include <torch/csrc/autograd/autograd.h>

namespace torchdist {
namespace detail {
namespace kernels {

std::vector<at::Tensor> reference_backward(
    const std::vector<at::Tensor>& inputs, const at::Tensor& grad, const std::vector<bool>& needs,
    const std::function<at::Tensor(const std::vector<at::Tensor>&)>& reference) {
  const bool create_graph = at::GradMode::is_enabled();
  at::AutoGradMode enable_grad(true);
  std::vector<at::Tensor> leaves, wrt;
  for (size_t i = 0; i < inputs.size(); ++i) {
    leaves.push_back(create_graph ? inputs[i] : inputs[i].detach().requires_grad_(needs[i]));
    if (needs[i]) wrt.push_back(leaves.back());
  }
  const at::Tensor out = reference(leaves);
  const torch::autograd::variable_list grads =
      torch::autograd::grad({out}, wrt, {grad}, /*retain_graph=*/create_graph, create_graph, /*allow_unused=*/true);
  std::vector<at::Tensor> result(inputs.size());
  for (size_t i = 0, k = 0; i < inputs.size(); ++i) {
    if (needs[i]) result[i] = grads[k++];
  }
  return result;
}

bool one_element_scalars(at::ArrayRef<at::Tensor> inputs, std::vector<int64_t>* shape) {
  if (inputs.empty() || !inputs[0].defined()) return false;
  const at::ScalarType dtype = inputs[0].scalar_type();
  if (dtype != at::kFloat && dtype != at::kDouble) return false;
  int64_t dim = 0;
  for (const at::Tensor& t : inputs) {
    if (!t.defined() || t.scalar_type() != dtype || !t.device().is_cpu() || t.layout() != at::kStrided ||
        t.numel() != 1) {
      return false;
    }
    dim = std::max<int64_t>(dim, t.dim());
  }
  if (shape != nullptr) shape->assign(static_cast<size_t>(dim), 1);
  return true;
}

#if !defined(TORCHDIST_HAVE_AVX2_KERNELS)
#define TORCHDIST_NO_VECTOR_KERNELS(F) \
  template <>                          \
  const VectorKernels* vector_kernels<F>() { return nullptr; }
TORCHDIST_VECTOR_FORMULAS(TORCHDIST_NO_VECTOR_KERNELS)
#undef TORCHDIST_NO_VECTOR_KERNELS
#endif

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
