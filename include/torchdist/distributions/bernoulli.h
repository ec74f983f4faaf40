#pragma once
/// \file
/// The Bernoulli distribution over {0, 1}.

#include <vector>

#include "torchdist/core/exponential_family.h"
#include "torchdist/core/probs_logits.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log P(value | logits) = value * logits - log(1 + exp(logits)), the negated
/// binary cross-entropy with logits, written as
/// -(max(l, 0) - l * value + log1p(exp(-|l|))) so that it stays finite for
/// any finite logit (|l| = 1e4 included) and has the right gradient at l = 0.
/// `value` may be any real in [0, 1] (a soft target): the Bernoulli entropy
/// is `-bernoulli_log_prob(probs, logits)`.
///
/// Example:
/// \code
///   at::Tensor lp = td::bernoulli_log_prob(at::ones({3}), at::zeros({3}));  // log(1/2) each
/// \endcode
at::Tensor bernoulli_log_prob(const at::Tensor& value, const at::Tensor& logits);

/// The Bernoulli distribution: 1 with probability `probs`, 0 with
/// probability 1 - `probs`; equivalently `probs = sigmoid(logits)`.
///
/// Parameterized by exactly one of `td::probs(p)` (in [0, 1]) or
/// `td::logits(l)` (log-odds, any real); the other is derived on first use
/// and cached. Probabilities of exactly 0 or 1 are clamped into
/// [eps, 1 - eps] when converted to logits (as torch does), so `log_prob`
/// and `entropy` stay finite (logits of +-inf give NaN there, as in torch:
/// pass probs of 0 or 1 for a certain outcome). Samples are 0.0 / 1.0 in
/// the parameter's floating dtype.
///
/// mean = p, variance = p (1 - p), mode = [p >= 1/2] (NaN where p == 1/2),
/// entropy = -p log p - (1 - p) log(1 - p).
///
/// An exponential family: theta = logits, t(x) = x, F(theta) = log(1 + exp(theta)), k(x) = 0.
///
/// Example:
/// \code
///   td::Bernoulli b(td::probs(at::tensor({0.3, 0.9})));
///   at::Tensor x = b.sample({10});      // [10, 2], values 0.0 or 1.0
///   at::Tensor lp = b.log_prob(x);      // [10, 2]
///   td::Bernoulli bl(td::logits(0.0));  // a fair coin, batch_shape []
/// \endcode
class Bernoulli : public Family<Bernoulli, ExponentialFamily> {
 public:
  /// `param` is `td::probs(p)` or `td::logits(l)` (a tensor or a number), or
  /// `td::ProbsOrLogits::from_optional("Bernoulli", probs, logits)`.
  explicit Bernoulli(ProbsOrLogits param, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Bernoulli"; }
  /// Probability of 1, shape `batch_shape`.
  const at::Tensor& probs() const { return param_.probs(); }
  /// Log-odds log(p / (1 - p)), shape `batch_shape`.
  const at::Tensor& logits() const { return param_.logits(); }
  /// The parameter as given (probs or logits: `param().is_probs()`),
  /// the other form derived on first use.
  const ProbsLogitsParam& param() const { return param_; }
  /// The shape of the parameter the distribution was built from.
  at::IntArrayRef param_shape() const { return param_.given().sizes(); }

  bool has_enumerate_support() const override { return true; }
  ConstraintPtr support() const override { return constraints::boolean(); }

  /// Draws 0.0 / 1.0 of shape `sample_shape + batch_shape` (no gradient).
  at::Tensor sample(at::IntArrayRef sample_shape = {},
                    c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override { return probs(); }
  at::Tensor mode() const override;
  at::Tensor variance() const override;
  /// The values {0, 1} in the parameter's dtype, shape `[2] + batch_shape`
  /// (`expand`) or `[2, 1, ..., 1]`.
  at::Tensor enumerate_support(bool expand = true) const override;

  /// The natural parameter {logits}, for the sufficient statistic t(x) = x.
  std::vector<at::Tensor> natural_params() const override;
  /// F(theta) = log(1 + exp(theta)), without overflow for large theta.
  at::Tensor log_normalizer(const std::vector<at::Tensor>& natural_params) const override;
  /// 0: the carrier measure is k(x) = 0.
  at::Tensor mean_carrier_measure() const override;

 protected:
  ParamList params() const override { return {param_.declare()}; }

 private:
  ProbsLogitsParam param_;
};

}  // namespace torchdist
