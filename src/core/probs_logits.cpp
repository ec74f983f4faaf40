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

const at::Tensor& ProbsLogitsParam::probs() const {
  if (is_probs_) return given_;
  return derived_.get([&] {
    const at::Tensor p = logits_to_probs(given_, kind_ == kBinary);
    return clamp_derived_probs_ ? clamp_probs(p) : p;
  });
}

const at::Tensor& ProbsLogitsParam::logits() const {
  if (!is_probs_) return given_;
  return derived_.get([&] { return probs_to_logits(given_, kind_ == kBinary); });
}

Distribution::Param ProbsLogitsParam::declare(ConstraintPtr probs_constraint) const {
  const bool binary = kind_ == kBinary;
  if (!probs_constraint) probs_constraint = binary ? constraints::unit_interval() : constraints::simplex();
  const ConstraintPtr logits_constraint = binary ? constraints::real() : constraints::real_vector();
  const int64_t event_dim = binary ? 0 : 1;
  // Logits may be -inf (a probability of 0) or +inf.
  if (is_probs_) return {"probs", &given_, probs_constraint, event_dim, false, "logits", logits_constraint};
  return {"logits", &given_, logits_constraint, event_dim, true, "probs", probs_constraint};
}

}  // namespace torchdist
