#pragma once
// Internal: what the count families share: the outside-the-support rule of
// log_prob without validation (README "Where this differs"), and the
// broadcasting of a total_count with probs or logits.

#include <ATen/ATen.h>

#include <utility>
#include <vector>

#include "torchdist/core/probs_logits.h"
#include "torchdist/core/utils.h"

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

/// total_count and probs / logits (Binomial, NegativeBinomial) broadcast
/// under `family`'s name, with total_count in the dtype of a floating probs /
/// logits tensor, as torch's `total_count.type_as(param)` (a double count
/// does not turn float probs into doubles).
inline std::pair<at::Tensor, ProbsLogitsParam> broadcast_count_and_param(const char* family,
                                                                         const ScalarOrTensor& total_count,
                                                                         const ProbsOrLogits& param) {
  param.check_defined(family);
  TORCH_CHECK_VALUE(total_count.is_scalar() || total_count.tensor().defined(), family,
                    ": total_count must be a defined tensor");
  std::vector<at::Tensor> b =
      broadcast_all(family, {{"total_count", total_count}, {param.is_probs() ? "probs" : "logits", param.value()}});
  const ScalarOrTensor& p = param.value();
  const at::ScalarType dtype =
      !p.is_scalar() && at::isFloatingType(p.tensor().scalar_type()) ? p.tensor().scalar_type() : b[1].scalar_type();
  return {b[0].to(dtype), ProbsLogitsParam(b[1].to(dtype), param.is_probs(), ProbsLogitsParam::kBinary)};
}

}  // namespace detail
}  // namespace torchdist
