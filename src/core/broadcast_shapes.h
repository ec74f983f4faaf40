#pragma once
// Internal: the one broadcasting rule that every shape check in the library
// applies (ATen's, so that a check never disagrees with the operation it
// guards), as a test rather than an exception.

#include <ATen/ATen.h>
#include <c10/util/Optional.h>

#include <cstdint>
#include <vector>

namespace torchdist {
namespace detail {

/// The shape that shapes `a` and `b` broadcast to (`at::infer_size`), or
/// nullopt when they do not broadcast. A DimVector, so that the checks on
/// hot paths allocate nothing.
c10::optional<at::DimVector> broadcast_shapes(at::IntArrayRef a, at::IntArrayRef b);

}  // namespace detail
}  // namespace torchdist
