#pragma once
// Internal: the outside-the-support rule of the count families' log_prob
// without validation (README "Where this differs").

#include <ATen/ATen.h>

namespace torchdist {
namespace detail {

/// The values of a count family outside its support (negative or
/// fractional; NaN is not among them and stays NaN), which log_prob makes
/// -inf; `value` is replaced by 0 there, so that the formula runs where it
/// is finite and no NaN reaches the gradients.
///
/// Example:
/// \code
///   at::Tensor outside = detail::mask_non_counts(v);
///   return at::where(outside, -INFINITY, formula(v));
/// \endcode
inline at::Tensor mask_non_counts(at::Tensor& value) {
  // v > floor(v) is false for NaN.
  at::Tensor outside = (value < 0).logical_or_(value > value.floor());
  value = at::where(outside, 0, value);
  return outside;
}

}  // namespace detail
}  // namespace torchdist
