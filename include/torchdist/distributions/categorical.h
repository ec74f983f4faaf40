#pragma once
/// \file
/// The Categorical distribution over {0, ..., K - 1}.

#include "torchdist/core/distribution.h"
#include "torchdist/core/probs_logits.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log P(value | logits) = logits[..., value]: picks the (normalized) log
/// probability of category `value` along the last dimension of `logits`,
/// after broadcasting `value` with `logits.shape[:-1]`. `value` is cast to
/// int64 (2.0 means category 2).
///
/// Example:
/// \code
///   at::Tensor logits = at::log(at::tensor({0.2, 0.3, 0.5}));
///   td::categorical_log_prob(at::tensor({2, 0}), logits);  // [log 0.5, log 0.2]
/// \endcode
at::Tensor categorical_log_prob(const at::Tensor& value, const at::Tensor& logits);

/// H = -sum_k p_k log p_k over the last dimension, with logits clamped to the
/// lowest finite value of their dtype so that p_k = 0, log p_k = -inf
/// contributes 0 rather than NaN.
///
/// Example:
/// \code
///   at::Tensor p = at::full({4}, 0.25);
///   td::categorical_entropy(p, p.log());  // log(4)
/// \endcode
at::Tensor categorical_entropy(const at::Tensor& probs, const at::Tensor& logits);

namespace detail {
/// The parameter of a Categorical-like family as a floating tensor, checked
/// to be defined, at least one-dimensional and with at least one category;
/// `distribution` names the caller in the messages.
at::Tensor categorical_param(const ProbsOrLogits& param, const char* distribution);
}  // namespace detail

/// The categorical distribution: P(k) = p_k for k in {0, ..., K - 1}, where
/// K = `num_events()` is the size of the parameter's last dimension and the
/// leading dimensions are the batch.
///
/// Parameterized by exactly one of `td::probs(p)` (nonnegative, finite, with
/// a positive sum; normalized to sum to one over the last dimension) or
/// `td::logits(l)` (unnormalized log probabilities; normalized by
/// subtracting their logsumexp). `probs()` and `logits()` return the
/// normalized values; the one not given is derived on first use and cached
/// (probs of exactly 0 become logits of log(eps), as in torch; a logit of
/// -inf gives a category of probability 0 and log_prob -inf).
///
/// Samples are int64 category indices of shape `sample_shape + batch_shape`
/// (event_shape is []). mean and variance are NaN (categories are labels,
/// not numbers), mode = argmax_k p_k, entropy = -sum_k p_k log p_k.
///
/// Example (REINFORCE):
/// \code
///   auto m = td::Categorical(td::probs(policy_output));
///   auto a = m.sample();
///   auto loss = -m.log_prob(a) * reward;
///   loss.backward();
/// \endcode
class Categorical : public Family<Categorical> {
 public:
  /// `param` is `td::probs(p)` or `td::logits(l)` with p, l at least 1-D, or
  /// `td::ProbsOrLogits::from_optional("Categorical", probs, logits)`.
  explicit Categorical(ProbsOrLogits param, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Categorical"; }
  /// Normalized probabilities, shape `batch_shape + [num_events]`.
  const at::Tensor& probs() const { return param_.probs(); }
  /// Normalized log probabilities, shape `batch_shape + [num_events]`.
  const at::Tensor& logits() const { return param_.logits(); }
  /// The normalized parameter as given (probs or logits), for wrappers that
  /// need its form or dtype without deriving the other.
  const ProbsLogitsParam& param() const { return param_; }
  /// `batch_shape + [num_events]`.
  at::IntArrayRef param_shape() const { return param_.given().sizes(); }
  /// The number of categories K.
  int64_t num_events() const { return num_events_; }

  bool has_enumerate_support() const override { return true; }
  /// integer_interval(0, K - 1).
  ConstraintPtr support() const override;

  /// Draws int64 categories of shape `sample_shape + batch_shape` with
  /// at::multinomial (no gradient).
  at::Tensor sample(at::IntArrayRef sample_shape = {},
                    c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  /// NaN of shape `batch_shape`, as torch.
  at::Tensor mean() const override;
  /// argmax_k p_k (int64), shape `batch_shape`.
  at::Tensor mode() const override;
  /// NaN of shape `batch_shape`, as torch.
  at::Tensor variance() const override;
  /// 0, ..., K - 1 (int64) of shape `[K] + batch_shape` (`expand`) or
  /// `[K, 1, ..., 1]`.
  at::Tensor enumerate_support(bool expand = true) const override;

 protected:
  ParamList params() const override { return {param_.declare()}; }

 private:
  ProbsLogitsParam param_;  // the normalized probs or logits
  int64_t num_events_;
};

}  // namespace torchdist
