#pragma once
/// \file
/// OneHotCategorical with the straight-through gradient estimator.

#include "torchdist/core/probs_logits.h"
#include "torchdist/distributions/one_hot_categorical.h"

namespace torchdist {

/// A `td::OneHotCategorical` whose `rsample` carries the straight-through
/// gradient of Bengio, Leonard & Courville (2013), "Estimating or
/// Propagating Gradients Through Stochastic Neurons for Conditional
/// Computation":
///   rsample() = s + (p - stop_gradient(p)),  s = sample(),
/// whose value is exactly the one-hot draw s (p - p is exactly 0) and whose
/// gradient is that of p: for any upstream weights w, the gradient of
/// (rsample() * w).sum() with respect to the parameters is the gradient of
/// (probs() * w).sum(). The estimator is biased; it is the usual choice
/// when a hard one-hot value must flow forward.
///
/// Everything else (parameters, log_prob, moments, entropy,
/// enumerate_support, support one_hot) is OneHotCategorical's;
/// validation messages name OneHotCategoricalStraightThrough.
///
/// Example:
/// \code
///   td::OneHotCategoricalStraightThrough d(td::logits(scores));  // scores requires grad
///   at::Tensor a = d.rsample();        // one-hot, batch_shape + [K]
///   (a * values).sum().backward();     // scores.grad = d/dscores (softmax(scores) * values).sum()
/// \endcode
class OneHotCategoricalStraightThrough : public Family<OneHotCategoricalStraightThrough, OneHotCategorical> {
 public:
  /// `param` is `td::probs(p)` or `td::logits(l)` with p, l at least 1-D, or
  /// `td::ProbsOrLogits::from_optional("OneHotCategoricalStraightThrough", probs, logits)`.
  explicit OneHotCategoricalStraightThrough(ProbsOrLogits param, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "OneHotCategoricalStraightThrough"; }
  bool has_rsample() const override { return true; }

  /// One-hot draws of shape `sample_shape + batch_shape + [K]` (the same
  /// values as `sample` with the same generator) with the straight-through
  /// gradient of `probs()`.
  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
};

}  // namespace torchdist
