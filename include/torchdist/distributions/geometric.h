#pragma once
/// \file
/// The Geometric distribution: the number of failures before the first
/// success.

#include "torchdist/core/distribution.h"
#include "torchdist/core/probs_logits.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log P(k | p) = k log(1 - p) + log(p), computed as
/// k * log1p(-p) + log(p), with k log(1 - p) taken as exactly 0 at k = 0
/// (so log P(0 | p = 1) = 0, not NaN, with gradient 1 in p, as in torch).
///
/// Example:
/// \code
///   td::geometric_log_prob(at::tensor({0.0, 2.0}), at::full({2}, 0.5));  // [log 1/2, log 1/8]
/// \endcode
at::Tensor geometric_log_prob(const at::Tensor& value, const at::Tensor& probs);

/// The same log mass from logits l = log(p / (1 - p)):
/// k log_sigmoid(-l) + log_sigmoid(l), accurate for any l (p = sigmoid(l)
/// need not be representable apart from 1), exact at l = +-inf.
at::Tensor geometric_log_prob_logits(const at::Tensor& value, const at::Tensor& logits);

/// The geometric distribution of the number of failures k before the first
/// success in independent Bernoulli(p) trials:
///   P(k) = (1 - p)^k p,  k = 0, 1, 2, ...
///
/// Parameterized by exactly one of `td::probs(p)` with p in (0, 1] (p = 0
/// would never stop and is rejected, as in torch) or `td::logits(l)`
/// (p = sigmoid(l)); the other is derived on first use and cached, as in
/// Bernoulli (probs of exactly 1 become clamped, finite logits).
///
/// Sampling by inversion, k = floor(log(u) / log(1 - p)) with u uniform on
/// [tiny, 1) (torch's formula). Samples are counts in the parameter's dtype.
///
/// - mean = (1 - p) / p, variance = (1 - p) / p^2, mode = 0;
/// - entropy = -(p log p + (1 - p) log(1 - p)) / p.
///
/// Deviations from torch (numerical only):
/// - samples are computed in double whatever the dtype (torch inverts
///   float32 uniforms, whose 2^-24 spacing biases P(k) by a relative
///   ~6e-8 / p: visibly for p below ~1e-4), then cast to the dtype;
/// - with logits given, log(p), log(1 - p), mean (exp(-l)) and variance are
///   computed from the logits without forming p, so they stay accurate for
///   |l| large (torch goes through p = sigmoid(l));
/// - entropy is exactly 0 at probs = 1.
///
/// Example:
/// \code
///   td::Geometric g(td::probs(at::tensor({0.3, 0.9})));
///   at::Tensor k = g.sample({10});    // [10, 2], nonnegative integers as floats
///   at::Tensor lp = g.log_prob(k);    // [10, 2]
///   td::Geometric gl(td::logits(-2.0));  // p = sigmoid(-2), batch_shape []
/// \endcode
class Geometric : public Family<Geometric> {
 public:
  /// `param` is `td::probs(p)` or `td::logits(l)` (a tensor or a number), or
  /// `td::ProbsOrLogits::from_optional("Geometric", probs, logits)`.
  explicit Geometric(ProbsOrLogits param, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Geometric"; }
  /// Success probability p, shape `batch_shape`.
  const at::Tensor& probs() const { return param_.probs(); }
  /// Log-odds log(p / (1 - p)), shape `batch_shape`.
  const at::Tensor& logits() const { return param_.logits(); }
  /// The parameter as given (probs or logits: `param().is_probs()`),
  /// the other form derived on first use.
  const ProbsLogitsParam& param() const { return param_; }
  /// The shape of the parameter the distribution was built from.
  at::IntArrayRef param_shape() const { return param_.given().sizes(); }

  ConstraintPtr support() const override { return constraints::nonnegative_integer(); }

  /// Draws counts of shape `sample_shape + batch_shape` by inversion (no
  /// gradient).
  at::Tensor sample(at::IntArrayRef sample_shape = {},
                    c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override;
  /// 0 of shape `batch_shape`.
  at::Tensor mode() const override { return at::zeros_like(param_.given()); }
  at::Tensor variance() const override;

 protected:
  /// probs in unit_interval, torch's constraint (the constructor also checks
  /// positivity, as torch does).
  ParamList params() const override { return {param_.declare()}; }

 private:
  ProbsLogitsParam param_;
};

}  // namespace torchdist
