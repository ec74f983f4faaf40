#pragma once
/// \file
/// The `td::probs(...)` / `td::logits(...)` tags that say how a discrete
/// distribution is parameterized.

#include <ATen/ATen.h>

#include <c10/util/Optional.h>

#include "torchdist/core/utils.h"

namespace torchdist {

/// Tag for a parameterization by probabilities. Build it with `td::probs(p)`.
struct Probs {
  ScalarOrTensor value;
};
/// Tag for a parameterization by logits. Build it with `td::logits(l)`.
struct Logits {
  ScalarOrTensor value;
};

/// Parameterize by probabilities: `td::Bernoulli(td::probs(p))`.
inline Probs probs(ScalarOrTensor p) { return Probs{std::move(p)}; }
/// Parameterize by logits (log-odds, or unnormalized log-probabilities):
/// `td::Categorical(td::logits(l))`.
inline Logits logits(ScalarOrTensor l) { return Logits{std::move(l)}; }

/// Exactly one of probs or logits, as the families that accept either take it.
///
/// Built implicitly from a `td::probs(...)` or `td::logits(...)` tag, or at
/// run time from two optionals with `from_optional` (the Python form
/// `Bernoulli(probs=None, logits=l)`), which checks that exactly one is given.
class ProbsOrLogits {
 public:
  ProbsOrLogits(Probs p) : value_(std::move(p.value)), is_probs_(true) {}    // NOLINT: implicit
  ProbsOrLogits(Logits l) : value_(std::move(l.value)), is_probs_(false) {}  // NOLINT: implicit

  /// Checks that exactly one of `probs` and `logits` is a defined tensor;
  /// `distribution` names the caller in the error message.
  static ProbsOrLogits from_optional(const char* distribution, const c10::optional<at::Tensor>& probs,
                                     const c10::optional<at::Tensor>& logits);

  bool is_probs() const { return is_probs_; }
  const ScalarOrTensor& value() const { return value_; }
  /// Throws `c10::ValueError` naming `distribution` when the tensor is undefined.
  void check_defined(const char* distribution) const;

 private:
  ScalarOrTensor value_;
  bool is_probs_;
};

}  // namespace torchdist
