#pragma once
// Internal: Normal's rsample and log_prob for parameters and values with one
// element each (0-dim, or all dimensions 1), the small-object case of a
// policy or variational model that builds a distribution at every step.
// There the cost is not arithmetic but the per-op overhead of ATen and
// autograd (dispatch, TensorIterator, a recorded node per op). These do the arithmetic on C++ scalars and record one
// autograd node each, with the same values (to rounding) and the same
// gradients as the ATen formulas, which stay the reference path and the
// fallback. Each returns an undefined tensor when it does not apply (not a
// CPU tensor, dtypes other than one float or double, more than one element,
// forward-mode tangents, or the fused kernels switched off); the caller then
// runs its ATen formula.

#include <ATen/ATen.h>
#include <c10/util/Optional.h>

namespace torchdist {
namespace detail {
namespace kernels {

/// loc + scale * eps of shape `shape` (one element), eps ~ N(0, 1) drawn from
/// `generator` exactly as `at::empty(shape).normal_(0, 1, generator)` draws a
/// single element (same stream, same value), differentiable in loc and scale
/// like `at::addcmul(loc, eps, scale)`.
at::Tensor one_element_normal_rsample(const at::Tensor& loc, const at::Tensor& scale, at::IntArrayRef shape,
                                 const c10::optional<at::Generator>& generator);

/// normal_log_prob(x, loc, scale) for one-element inputs, computed in double
/// and rounded to their dtype, with first derivatives in closed form and a
/// backward that autograd can differentiate again (create_graph).
at::Tensor one_element_normal_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale);

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
