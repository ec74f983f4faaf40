#include "torchdist/core/probs_logits.h"

namespace torchdist {

ProbsOrLogits ProbsOrLogits::from_optional(const char* distribution, const c10::optional<at::Tensor>& probs,
                                           const c10::optional<at::Tensor>& logits) {
  const bool has_probs = probs.has_value() && probs->defined();
  const bool has_logits = logits.has_value() && logits->defined();
  TORCH_CHECK_VALUE(has_probs != has_logits, distribution,
                    ": exactly one of probs or logits must be specified, got ",
                    has_probs ? "both" : "neither");
  return has_probs ? ProbsOrLogits(Probs{*probs}) : ProbsOrLogits(Logits{*logits});
}

void ProbsOrLogits::check_defined(const char* distribution) const {
  TORCH_CHECK_VALUE(value_.is_scalar() || value_.tensor().defined(), distribution,
                    ": exactly one of probs or logits must be specified, got neither (",
                    is_probs_ ? "probs" : "logits", " is an undefined tensor)");
}

}  // namespace torchdist
