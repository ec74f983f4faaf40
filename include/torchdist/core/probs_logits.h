#pragma once
/// \file
/// The `td::probs(...)` / `td::logits(...)` tags that say how a discrete
/// distribution is parameterized, and `ProbsLogitsParam`, the stored form
/// that the discrete families share.

#include <ATen/ATen.h>

#include <c10/util/Optional.h>

#include "torchdist/core/distribution.h"
#include "torchdist/core/lazy.h"
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

/// A discrete family's probs-or-logits parameter as it stores it: the
/// tensor the user gave (broadcast to the batch, or normalized), which
/// form that is, and the other form, derived on first use and cached.
/// Families declare it in `params()` with `declare()`, so that validation,
/// `expand` and `arg_constraints()` (which lists both forms) need no
/// family code.
///
/// Example (inside a family):
/// \code
///   param_ = ProbsLogitsParam(broadcast_all({arg.value()})[0], arg.is_probs(), ProbsLogitsParam::kBinary);
///   const at::Tensor& p = param_.probs();  // sigmoid(logits) on first use when logits were given
/// \endcode
class ProbsLogitsParam {
 public:
  /// How the two forms relate.
  enum Kind {
    /// p = sigmoid(l), elementwise; probs in [0, 1], logits real or +-inf.
    kBinary,
    /// p = softmax(l) over the last dimension (an event dimension); probs on
    /// the simplex, logits a real vector.
    kCategorical,
  };

  ProbsLogitsParam() = default;
  /// `given` is the parameter the user gave, already broadcast (and, for
  /// categorical families, normalized). `clamp_derived_probs` clamps probs
  /// computed from logits to [eps, 1 - eps] (ContinuousBernoulli's rule).
  ProbsLogitsParam(at::Tensor given, bool is_probs, Kind kind, bool clamp_derived_probs = false)
      : given_(std::move(given)), is_probs_(is_probs), kind_(kind), clamp_derived_probs_(clamp_derived_probs) {}

  bool is_probs() const { return is_probs_; }
  /// The parameter as given: `probs()` when `is_probs()`, else `logits()`.
  const at::Tensor& given() const { return given_; }
  /// "probs" or "logits": the name of the given form.
  const char* name() const { return is_probs_ ? "probs" : "logits"; }
  const at::Tensor& probs() const;
  const at::Tensor& logits() const;
  /// The declaration of this parameter for `Distribution::params()`;
  /// `probs_constraint` replaces the kind's own (unit_interval() or
  /// simplex()) where a family narrows it.
  Distribution::Param declare(ConstraintPtr probs_constraint = nullptr) const;

 private:
  at::Tensor given_;
  bool is_probs_ = false;
  Kind kind_ = kBinary;
  bool clamp_derived_probs_ = false;
  detail::LazyTensor derived_;
};

}  // namespace torchdist
