#pragma once
// Small tensor helpers shared by the KL rules.

#include <ATen/ATen.h>

#include <limits>

namespace torchdist {
namespace detail {

/// `value` with +inf where `infinite` is true (broadcast), keeping the
/// gradient of the finite elements (no in-place masking as torch does).
inline at::Tensor infinite_where(const at::Tensor& infinite, const at::Tensor& value) {
  return at::where(infinite, at::full({}, std::numeric_limits<double>::infinity(), value.options()), value);
}

}  // namespace detail
}  // namespace torchdist
