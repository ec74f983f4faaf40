#pragma once
/// \file
/// The one-hot categorical distribution: a Categorical whose draws are
/// one-hot vectors.

#include "torchdist/core/distribution.h"
#include "torchdist/core/probs_logits.h"
#include "torchdist/distributions/categorical.h"

namespace torchdist {

/// The categorical distribution over the K one-hot vectors e_0, ..., e_{K-1}:
/// P(e_k) = p_k. The same parameters as `td::Categorical` (probs or logits,
/// normalized over the last dimension), but event_shape is [K] and samples
/// are one-hot vectors in the parameter's floating dtype.
///
/// mean = p, variance = p (1 - p) (elementwise), mode = e_{argmax p},
/// entropy = -sum_k p_k log p_k; `log_prob(x)` is the Categorical log_prob of
/// argmax(x).
///
/// Example:
/// \code
///   td::OneHotCategorical oh(td::probs(at::tensor({0.2, 0.3, 0.5})));
///   at::Tensor x = oh.sample({4});   // [4, 3], one 1.0 per row
///   at::Tensor lp = oh.log_prob(x);  // [4]
/// \endcode
class OneHotCategorical : public Family<OneHotCategorical> {
 public:
  /// `param` is `td::probs(p)` or `td::logits(l)` with p, l at least 1-D, or
  /// `td::ProbsOrLogits::from_optional("OneHotCategorical", probs, logits)`.
  explicit OneHotCategorical(ProbsOrLogits param, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "OneHotCategorical"; }
  /// Normalized probabilities, shape `batch_shape + [K]`.
  const at::Tensor& probs() const { return categorical_.probs(); }
  /// Normalized log probabilities, shape `batch_shape + [K]`.
  const at::Tensor& logits() const { return categorical_.logits(); }
  /// The parameter as given (probs or logits: `param().is_probs()`),
  /// the other form derived on first use.
  const ProbsLogitsParam& param() const { return categorical_.param(); }
  /// `batch_shape + [K]`.
  at::IntArrayRef param_shape() const { return categorical_.param_shape(); }

  bool has_enumerate_support() const override { return true; }
  ConstraintPtr support() const override { return constraints::one_hot(); }

  /// Draws one-hot vectors of shape `sample_shape + batch_shape + [K]` in the
  /// parameter's dtype (no gradient).
  at::Tensor sample(at::IntArrayRef sample_shape = {},
                    c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor entropy() const override { return categorical_.entropy(); }
  at::Tensor mean() const override { return probs(); }
  at::Tensor mode() const override;
  at::Tensor variance() const override;
  /// The K one-hot vectors (rows of the identity), shape
  /// `[K] + batch_shape + [K]` (`expand`) or `[K, 1, ..., 1, K]`.
  at::Tensor enumerate_support(bool expand = true) const override;

 protected:
  /// For derived families (OneHotCategoricalStraightThrough): validates the
  /// parameter with messages naming `distribution`.
  OneHotCategorical(ProbsOrLogits param, c10::optional<bool> validate_args, const char* distribution);

  /// The parameter lives in the inner Categorical.
  ParamList params() const override { return {categorical_.param().declare()}; }
  /// Expands the inner Categorical.
  void expand_params(at::IntArrayRef batch_shape) override;

 private:
  OneHotCategorical(Categorical categorical, c10::optional<bool> validate_args,
                    const char* distribution = "OneHotCategorical");

  Categorical categorical_;  // never validates: this class checks with its own name
};

}  // namespace torchdist
