#pragma once
/// \file
/// The Multinomial distribution: counts of `total_count` categorical draws.

#include "torchdist/core/distribution.h"
#include "torchdist/core/probs_logits.h"
#include "torchdist/core/utils.h"

#include <cstdint>

namespace torchdist {

/// log P(x | logits) = lgamma(n + 1) - sum_k lgamma(x_k + 1) + sum_k x_k l_k
/// with n = sum_k x_k and l = the normalized logits (log probabilities),
/// over the last dimension. A category with x_k = 0 contributes exactly 0,
/// also when l_k = -inf (a category of probability 0).
///
/// Example:
/// \code
///   // P([1, 1] | p = [1/2, 1/2]) = 2 / 4
///   td::multinomial_log_prob(at::tensor({1.0, 1.0}), at::log(at::full({2}, 0.5)));  // log(1/2)
/// \endcode
at::Tensor multinomial_log_prob(const at::Tensor& value, const at::Tensor& logits);

/// The multinomial distribution of the counts x = (x_1, ..., x_K) of K
/// categories in n = `total_count` independent categorical draws:
///   P(x) = n! / (x_1! ... x_K!) p_1^x_1 ... p_K^x_K,  sum_k x_k = n.
///
/// `total_count` is one integer for the whole batch (torch's requirement;
/// a negative one throws `c10::ValueError`). Exactly one of `td::probs(p)`
/// (nonnegative, finite, a positive sum; normalized over the last
/// dimension) or `td::logits(l)` (unnormalized log probabilities) is given,
/// at least one-dimensional: the last dimension indexes the K categories,
/// the leading ones the batch. `probs()` and `logits()` return the
/// normalized values; the one not given is derived on first use and cached
/// (probs of 0 become logits of log(eps), as in torch's Categorical).
/// event_shape is [K]; samples are counts in the parameter's floating dtype.
///
/// - mean = n p, variance = n p (1 - p) (per category);
/// - entropy = log Poi(n; n) - sum_k E[log Poi(X_k; n p_k)], X_k ~ Bin(n,
///   p_k) (the multinomial pmf is a product of Poisson pmfs over Poi(n; n)):
///   each expectation over the whole support below n = 256, else over 256
///   integers around the mean or a trapezoid grid of 113 points, with
///   Stirling's series and Loader's deviance; accurate in double at any n
///   (torch's sum of lgammas over 0..n is O(n K) and loses log10(n) digits,
///   all of them in float32 from n ~ 1e3);
/// - support multinomial(n): nonnegative integer vectors with sum <= n
///   (torch's constraint). With validation on, `log_prob` also requires the
///   counts to sum to n and throws `c10::ValueError` otherwise (torch scores
///   them under their own total); without it, n is taken from the value's
///   sum, as torch does.
///
/// Sampling deviates from torch's method (n categorical draws per row,
/// counted: O(n) time and memory per row) for large n: conditional
/// binomials x_1 ~ Bin(n, p_1), x_k ~ Bin(n - x_1 - ... - x_{k-1},
/// p_k / (p_k + ... + p_K)), each drawn with ATen's exact `at::binomial`
/// (BTRS rejection, O(1) per draw), vectorized over the batch; the last
/// category takes the remainder, so every sample sums to n exactly (in
/// float32 only while n <= 2^24). Both methods draw from exactly the
/// multinomial law; torch's counting method is kept for small n, where it
/// measured faster: n <= 4 K (1 + 100 / rows), rows = the number of
/// samples times the batch size, and at most 2^24 draws in all (the
/// timings behind the rule are in BENCHMARKS.md).
/// Draws for a given seed therefore differ from torch's.
///
/// torch's Multinomial has no mode, cdf or enumerate_support; neither has
/// this one.
///
/// Example:
/// \code
///   td::Multinomial m(100, td::probs(at::tensor({1.0, 1.0, 1.0, 1.0})));
///   at::Tensor x = m.sample();       // [4], e.g. [21, 24, 30, 25]
///   at::Tensor lp = m.log_prob(x);   // []
///   td::Multinomial big(1000000, td::logits(at::zeros({8, 3})));
///   at::Tensor y = big.sample({2});  // [2, 8, 3], O(K) per row, not O(1e6)
/// \endcode
class Multinomial : public Family<Multinomial> {
 public:
  /// `param` is `td::probs(p)` or `td::logits(l)` with p, l at least 1-D,
  /// or `td::ProbsOrLogits::from_optional("Multinomial", probs, logits)`.
  Multinomial(int64_t total_count, ProbsOrLogits param, c10::optional<bool> validate_args = c10::nullopt);
  /// total_count = 1, torch's default (enough for `log_prob`, which reads
  /// the count from the value).
  explicit Multinomial(ProbsOrLogits param, c10::optional<bool> validate_args = c10::nullopt)
      : Multinomial(1, std::move(param), validate_args) {}

  std::string name() const override { return "Multinomial"; }
  /// The number of draws n.
  int64_t total_count() const { return total_count_; }
  /// Normalized probabilities, shape `batch_shape + [K]`.
  const at::Tensor& probs() const { return param_.probs(); }
  /// Normalized log probabilities, shape `batch_shape + [K]`.
  const at::Tensor& logits() const { return param_.logits(); }
  /// The parameter as given (probs or logits: `param().is_probs()`),
  /// the other form derived on first use.
  const ProbsLogitsParam& param() const { return param_; }
  /// `batch_shape + [K]`.
  at::IntArrayRef param_shape() const { return param_.given().sizes(); }
  /// The number of categories K.
  int64_t num_events() const { return param_.given().size(-1); }

  /// multinomial(total_count), event_dim 1.
  ConstraintPtr support() const override;

  /// Draws counts of shape `sample_shape + batch_shape + [K]` (no
  /// gradient); see the class documentation for the method.
  at::Tensor sample(at::IntArrayRef sample_shape = {},
                    c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override;
  at::Tensor variance() const override;

 protected:
  ParamList params() const override { return {param_.declare()}; }

 private:
  // The public constructors check and normalize, then delegate here.
  Multinomial(int64_t total_count, at::Tensor normalized_param, bool is_probs, c10::optional<bool> validate_args);

  int64_t total_count_;
  ProbsLogitsParam param_;  // the normalized probs or logits
};

}  // namespace torchdist
