#pragma once
// Internal: runs a formula written once as a template (src/formulas/,
// formula_kernels.h) on tensors, by the fastest path that applies:
//
//   1. every argument one element, on the CPU, float or double: plain
//      scalar code (no tensor operation but the output's allocation);
//   2. the formula's vector kernels over an elementwise plan (AVX2 + FMA,
//      float or double, contiguous or broadcast operands);
//   3. otherwise the ATen composition: the same template on at::Tensor.
//
// When autograd records, paths 1 and 2 run inside one autograd node whose
// backward evaluates the formula on dual numbers (scalar or vector) for
// every argument's gradient in one pass; where that does not apply (double
// backward, say), it differentiates the ATen composition. Results never
// depend on the path beyond rounding: tests/kernels/test_formulas.cpp
// compares every formula's paths with its ATen composition, values and
// first derivatives, both dtypes.
//
//   at::Tensor kl = kernels::evaluate<formulas::PoissonKl>(p.rate(), q.rate());

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <functional>
#include <type_traits>
#include <utility>
#include <vector>

#include "../formulas/dual.h"
#include "../formulas/scalar_backend.h"
#include "../formulas/tensor_backend.h"
#include "elementwise.h"
#include "formula_kernels.h"

namespace torchdist {
namespace detail {
namespace kernels {

/// Gradients of `reference(inputs)` by autograd, for the inputs with
/// needs[i] (undefined for the others): on the inputs themselves when the
/// backward is itself recorded (create_graph), else on detached copies.
std::vector<at::Tensor> reference_backward(
    const std::vector<at::Tensor>& inputs, const at::Tensor& grad, const std::vector<bool>& needs,
    const std::function<at::Tensor(const std::vector<at::Tensor>&)>& reference);

/// Whether every tensor is one element of the same float or double dtype on
/// the CPU; the broadcast shape (all ones) goes to *shape.
bool one_element_scalars(at::ArrayRef<at::Tensor> inputs, std::vector<int64_t>* shape);

template <class F>
using Args = std::array<at::Tensor, F::arity>;

/// F's ATen composition; for a float_in_double formula, float arguments go
/// through it in double (the formula is defined in double on every path).
template <class F>
at::Tensor formula_reference(const Args<F>& in) {
  if (FloatInDouble<F>::value && in[0].scalar_type() == at::kFloat) {
    Args<F> in_double;
    for (size_t i = 0; i < F::arity; ++i) in_double[i] = in[i].to(at::kDouble);
    return formulas::apply<F>(in_double.data()).r.to(at::kFloat);
  }
  return formulas::apply<F>(in.data()).r;
}

template <class F, class T>
at::Tensor one_element_forward(const Args<F>& in, const std::vector<int64_t>& shape) {
  using C = std::conditional_t<FloatInDouble<F>::value, double, T>;  // see FloatInDouble
  std::array<C, F::arity> x;
  for (size_t i = 0; i < F::arity; ++i) x[i] = *in[i].template data_ptr<T>();
  at::Tensor out = at::empty(shape, in[0].options().requires_grad(false));
  *out.template data_ptr<T>() = static_cast<T>(formulas::apply<F>(x.data()).r);
  return out;
}

/// F on the fast paths (1 and 2 above), or undefined where neither applies.
template <class F>
at::Tensor fast_forward(const Args<F>& in) {
  if (!fast_paths_enabled()) return {};
  std::vector<int64_t> shape;
  if (one_element_scalars(in, &shape)) {
    return in[0].scalar_type() == at::kDouble ? one_element_forward<F, double>(in, shape)
                                              : one_element_forward<F, float>(in, shape);
  }
  const VectorKernels* k = vector_kernels<F>();
  if (k == nullptr) return {};
  auto plan = plan_elementwise(in);
  if (!plan) return {};
  at::Tensor out = at::empty(plan->shape, in[0].options().requires_grad(false));
  k->forward(*plan, out.data_ptr());
  return out;
}

template <class F, class T>
std::vector<at::Tensor> one_element_backward(const std::vector<at::Tensor>& in, const at::Tensor& grad,
                                             const std::vector<bool>& needs) {
  using C = std::conditional_t<FloatInDouble<F>::value, double, T>;  // see FloatInDouble
  std::array<C, F::arity> x;
  for (size_t i = 0; i < F::arity; ++i) x[i] = *in[i].template data_ptr<T>();
  const formulas::Dual<C, F::arity> f = formulas::value_and_gradient<F>(x.data());
  const C g = *grad.template data_ptr<T>();
  std::vector<at::Tensor> grads(F::arity);
  for (size_t i = 0; i < F::arity; ++i) {
    if (!needs[i]) continue;
    const T d = static_cast<T>(g * f.d[i]);  // a double beyond float's range becomes inf here
    if (!std::isfinite(d)) return {};         // see VectorKernels: reverse mode then
    grads[i] = at::full(in[i].sizes(), d, in[i].options().requires_grad(false));
  }
  return grads;
}

/// The gradients on the fast paths, or an empty list where neither applies.
template <class F>
std::vector<at::Tensor> fast_backward(const std::vector<at::Tensor>& in, const at::Tensor& grad,
                                      const std::vector<bool>& needs) {
  std::vector<at::Tensor> operands{grad};
  operands.insert(operands.end(), in.begin(), in.end());
  std::vector<int64_t> shape;
  if (one_element_scalars(operands, &shape)) {
    return in[0].scalar_type() == at::kDouble ? one_element_backward<F, double>(in, grad, needs)
                                              : one_element_backward<F, float>(in, grad, needs);
  }
  const VectorKernels* k = vector_kernels<F>();
  if (k == nullptr || k->backward == nullptr) return {};
  auto plan = plan_elementwise(operands);
  if (!plan) return {};
  std::vector<at::Tensor> full(F::arity);
  std::array<void*, F::arity> pointers{};
  for (size_t i = 0; i < F::arity; ++i) {
    if (!needs[i]) continue;
    full[i] = at::empty(plan->shape, grad.options());
    pointers[i] = full[i].data_ptr();
  }
  if (!k->backward(*plan, pointers.data())) return {};
  for (size_t i = 0; i < F::arity; ++i) {
    if (needs[i]) full[i] = full[i].sum_to_size(in[i].sizes());
  }
  return full;
}

/// The autograd node of a formula's fast path.
template <class F>
struct FormulaFunction : public torch::autograd::Function<FormulaFunction<F>> {
  template <class... Tensors>
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const Tensors&... inputs) {
    ctx->save_for_backward({inputs...});
    at::Tensor out = fast_forward<F>(Args<F>{inputs...});
    TORCH_INTERNAL_ASSERT(out.defined());
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const std::vector<at::Tensor> inputs = ctx->get_saved_variables();
    std::vector<bool> needs(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) needs[i] = ctx->needs_input_grad(i);
    if (!at::GradMode::is_enabled()) {
      std::vector<at::Tensor> grads = fast_backward<F>(inputs, grad_outputs[0], needs);
      if (!grads.empty()) return grads;
    }
    return reference_backward(inputs, grad_outputs[0], needs, [](const std::vector<at::Tensor>& in) {
      Args<F> args;
      for (size_t i = 0; i < F::arity; ++i) args[i] = in[i];
      return formula_reference<F>(args);
    });
  }
};

template <class F, size_t... I>
at::Tensor apply_node(const Args<F>& in, std::index_sequence<I...>) {
  return FormulaFunction<F>::apply((ConstantIn<F>::at(I) ? in[I].detach() : in[I])...);
}

/// F of the tensors `inputs` (F::arity of them), by the fastest path that
/// applies (see the file comment).
template <class F, class... Tensors>
at::Tensor evaluate(const Tensors&... inputs) {
  static_assert(sizeof...(Tensors) == F::arity, "evaluate: wrong number of arguments");
  const Args<F> in{inputs...};
  if (!any_requires_grad(in)) {
    at::Tensor out = fast_forward<F>(in);
    return out.defined() ? out : formula_reference<F>(in);
  }
  // The node only where the forward has a fast path.
  if (fast_paths_enabled() && (one_element_scalars(in, nullptr) || (vector_kernels<F>() != nullptr &&
                                                                    plan_elementwise(in).has_value()))) {
    return apply_node<F>(in, std::make_index_sequence<F::arity>());
  }
  return formula_reference<F>(in);
}

/// F<LogitsA, LogitsB> of `inputs`: a formula of two binary parameters,
/// instantiated for the forms (probs or logits) they were given in.
template <template <bool, bool> class F, class... Tensors>
at::Tensor evaluate_by_form(bool logits_a, bool logits_b, const Tensors&... inputs) {
  if (logits_a) return logits_b ? evaluate<F<true, true>>(inputs...) : evaluate<F<true, false>>(inputs...);
  return logits_b ? evaluate<F<false, true>>(inputs...) : evaluate<F<false, false>>(inputs...);
}

/// F<Logits> of `inputs`: a formula of one binary parameter.
template <template <bool> class F, class... Tensors>
at::Tensor evaluate_by_form(bool logits, const Tensors&... inputs) {
  return logits ? evaluate<F<true>>(inputs...) : evaluate<F<false>>(inputs...);
}

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
