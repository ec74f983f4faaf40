#pragma once
// Internal: mathematical constants the families and kernels share, to full
// double precision.

namespace torchdist {
namespace detail {

/// log(2 pi) / 2 = log(sqrt(2 pi)): the Gaussian normalizer, Stirling's series.
constexpr double kHalfLog2Pi = 0.91893853320467274178;

}  // namespace detail
}  // namespace torchdist
