#pragma once
// Small tensor helpers shared by the KL rules.

#include <ATen/ATen.h>

#include <limits>

namespace torchdist {
namespace detail {

/// +inf everywhere, shaped and typed like `like`: the value of the pairs
/// whose supports differ (p puts mass where q has none).
inline at::Tensor infinite_like(const at::Tensor& like) {
  return at::full_like(like, std::numeric_limits<double>::infinity());
}

/// `value` with +inf where `infinite` is true (broadcast), keeping the
/// gradient of the finite elements (no in-place masking as torch does).
inline at::Tensor infinite_where(const at::Tensor& infinite, const at::Tensor& value) {
  return at::where(infinite, at::full({}, std::numeric_limits<double>::infinity(), value.options()), value);
}

/// x log x with the limit 0 at x = 0.
inline at::Tensor x_log_x(const at::Tensor& x) { return at::xlogy(x, x); }

}  // namespace detail
}  // namespace torchdist
