#pragma once
/// \file
/// The NegativeBinomial distribution: the number of successes before
/// `total_count` failures.

#include "torchdist/core/distribution.h"
#include "torchdist/core/probs_logits.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log P(k | r, logits) = lgamma(k + r) - lgamma(k + 1) - lgamma(r)
///                        + r log(1 - p) + k log(p),
/// with p = sigmoid(l), log(1 - p) = -log(1 + exp(l)) and
/// log(p) = -log(1 + exp(-l)) evaluated without overflow for any finite l
/// (torch's logsigmoid form). The normalizer is taken as 0 where k + r = 0
/// (r = 0 is the point mass at 0: log P(0 | 0) = 0).
///
/// Example:
/// \code
///   // r = 1 is Geometric in the failure probability: P(2) = p^2 (1 - p) = 1/8 at p = 1/2
///   td::negative_binomial_log_prob(at::tensor({2.0}), at::ones({1}), at::zeros({1}));  // [log 1/8]
/// \endcode
at::Tensor negative_binomial_log_prob(const at::Tensor& value, const at::Tensor& total_count,
                                      const at::Tensor& logits);

/// The negative binomial distribution of the number of successes k before
/// the r-th failure, in independent trials that succeed with probability p:
///   P(k) = Gamma(k + r) / (k! Gamma(r)) p^k (1 - p)^r,  k = 0, 1, 2, ...
/// with r = `total_count` and p = `probs` = sigmoid(`logits`), torch's
/// convention: `probs` is the probability of a *success*, and successes are
/// counted. (Boost's and SciPy's `negative_binomial(r, q)` count failures
/// before r successes with success probability q: the same law with
/// q = 1 - p.)
///
/// `total_count` is a real >= 0 (not necessarily an integer; 0 is the point
/// mass at 0, as in torch) and broadcasts with the parameter, whose
/// floating dtype it takes. Exactly one of `td::probs(p)` with p in [0, 1)
/// or `td::logits(l)` is given; the other is derived on first use and
/// cached (probs of exactly 0 become clamped, finite logits, as in torch).
///
/// Sampling by the gamma-Poisson mixture, as torch: lambda ~ Gamma(r, rate =
/// exp(-l)) (i.e. scale p / (1 - p)), then k ~ Poisson(lambda), with ATen's
/// `_standard_gamma` and `poisson` (both exact; O(1) per draw for large
/// means). Samples are counts in the parameter's floating dtype.
///
/// - mean = r p / (1 - p), variance = r p / (1 - p)^2,
///   mode = max(floor((r - 1) p / (1 - p)), 0).
///
/// torch's NegativeBinomial has no entropy, cdf or enumerate_support;
/// neither has this one.
///
/// Deviations from torch (numerical only): with probs given, mean, mode and
/// variance use p / (1 - p) directly (torch goes through the clamped logits,
/// which gives a mean of about r eps instead of 0 at p = 0), and log_prob is
/// exactly 0 at the certain outcome k = 0 when p = 0 (torch: about -r eps).
/// Elsewhere at p = 0, log_prob is finite (not -inf), as in torch.
///
/// Example:
/// \code
///   td::NegativeBinomial nb(3.5, td::probs(at::tensor({0.2, 0.9})));
///   at::Tensor k = nb.sample({10});  // [10, 2], nonnegative integers as floats
///   at::Tensor lp = nb.log_prob(k);  // [10, 2]
/// \endcode
class NegativeBinomial : public Family<NegativeBinomial> {
 public:
  /// `param` is `td::probs(p)` or `td::logits(l)`, or
  /// `td::ProbsOrLogits::from_optional("NegativeBinomial", probs, logits)`.
  NegativeBinomial(ScalarOrTensor total_count, ProbsOrLogits param,
                   c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "NegativeBinomial"; }
  /// Number of failures r, broadcast to `batch_shape`, in the parameter's dtype.
  const at::Tensor& total_count() const { return total_count_; }
  /// Success probability p, shape `batch_shape`.
  const at::Tensor& probs() const { return param_.probs(); }
  /// Log-odds log(p / (1 - p)), shape `batch_shape`.
  const at::Tensor& logits() const { return param_.logits(); }
  /// The parameter as given (probs or logits: `param().is_probs()`),
  /// the other form derived on first use.
  const ProbsLogitsParam& param() const { return param_; }
  /// The shape of the (broadcast) parameter the distribution was built from.
  at::IntArrayRef param_shape() const { return param_.given().sizes(); }

  ConstraintPtr support() const override { return constraints::nonnegative_integer(); }

  /// Draws counts of shape `sample_shape + batch_shape` (no gradient).
  at::Tensor sample(at::IntArrayRef sample_shape = {},
                    c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor mean() const override;
  at::Tensor mode() const override;
  at::Tensor variance() const override;

 protected:
  ParamList params() const override {
    return {{"total_count", &total_count_, constraints::nonnegative()},
            param_.declare(constraints::half_open_interval(0.0, 1.0))};
  }

 private:
  // p / (1 - p).
  at::Tensor odds() const;

  at::Tensor total_count_;
  ProbsLogitsParam param_;  // broadcast with total_count
};

}  // namespace torchdist
