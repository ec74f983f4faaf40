#pragma once
// Internal: the plumbing shared by the fused elementwise kernels. A fused
// kernel reads each input once and writes its output once, where the ATen
// composition it replaces runs several kernels that each write a temporary.
//
// The fast path covers CPU tensors of one floating dtype (float or double)
// whose broadcasting is a repetition: each input is a single element or a
// row-major block of the output's dimensions, repeated along the dimensions
// before it and, element by element, along those after it (parameters of
// batch shape next to values of shape sample_shape + batch_shape; a value of
// shape [n, 1] against components of shape [k]; an expanded gradient). Anything
// else (other devices and dtypes, mixed dtypes, strided views) takes the ATen
// reference path, which stays the definition of every formula.

#include <ATen/ATen.h>
#include <c10/util/Optional.h>

#include <cstdint>
#include <vector>

namespace torchdist {
namespace detail {
namespace kernels {

/// One input of a fused kernel: element i of the output reads
/// data[(i / repeat) % period] (period 1: a single element; period = numel:
/// no repetition; repeat > 1: each element serves `repeat` consecutive
/// outputs, as a value of shape [n, 1] against parameters of shape [k]).
struct Operand {
  const void* data;
  int64_t period;
  int64_t repeat = 1;

  /// The element output position i reads.
  int64_t index(int64_t i) const { return (i / repeat) % period; }
};

/// Where a fused kernel applies: the output's shape and dtype and the
/// inputs as operands.
struct ElementwisePlan {
  std::vector<int64_t> shape;
  int64_t numel = 0;
  at::ScalarType dtype = at::kFloat;
  std::vector<Operand> operands;
};

/// Whether the fused kernels run in this process: the library was built with
/// them (AVX2 + FMA code paths and the Sleef headers were found), the CPU has
/// AVX2 and FMA, and they have not been switched off.
bool fused_kernels_enabled();

/// Whether the fast paths are on at all (the switch below): the formulas'
/// one-element scalar paths need no AVX2 (formula_eval.h).
bool fast_paths_enabled();

/// Switches the fused kernels off (or back on) for the whole process and
/// returns the previous setting. Tests use it to run the ATen reference path
/// on the same inputs; users never need it.
bool set_fused_kernels_enabled(bool enabled);

/// The plan for a fused elementwise kernel over `inputs`, or nullopt when the
/// fast path does not apply (see the file comment).
c10::optional<ElementwisePlan> plan_elementwise(at::ArrayRef<at::Tensor> inputs);

/// Whether autograd will record an operation on `inputs` (grad mode on and
/// one of them requires grad).
bool any_requires_grad(at::ArrayRef<at::Tensor> inputs);

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
