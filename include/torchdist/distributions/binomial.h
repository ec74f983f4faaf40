#pragma once
/// \file
/// The Binomial distribution: the number of successes in `total_count`
/// independent trials.

#include "torchdist/core/distribution.h"
#include "torchdist/core/probs_logits.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log P(k | n, logits) = log C(n, k) + k * l - n * log(1 + exp(l)),
/// with log C(n, k) = lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) and
/// n log(1 + exp(l)) computed as n max(l, 0) + n log1p(exp(-|l|)), which is
/// k log p + (n - k) log(1 - p) for p = sigmoid(l) without overflow or
/// cancellation for large |l|.
///
/// Example:
/// \code
///   // P(3 | n = 10, p = 1/2) = 120 / 1024
///   at::Tensor lp = td::binomial_log_prob(at::tensor({3.0}), at::tensor({10.0}), at::zeros({1}));
/// \endcode
at::Tensor binomial_log_prob(const at::Tensor& value, const at::Tensor& total_count, const at::Tensor& logits);

/// The binomial distribution: P(k) = C(n, k) p^k (1 - p)^(n - k) for
/// k in {0, ..., n}, with n = `total_count` and p = `probs` =
/// sigmoid(`logits`).
///
/// `total_count` (a tensor or a number; a nonnegative integer) broadcasts
/// with the probs / logits and takes their dtype, as in torch; exactly one of
/// `td::probs(p)` (in [0, 1]) or `td::logits(l)` is given and the other is
/// derived on first use. Probabilities of exactly 0 or 1 stay finite:
/// `log_prob` is exactly 0 at the certain outcome (k = 0 for p = 0, k = n
/// for p = 1) and finite elsewhere (probs are clamped to [eps, 1 - eps] when
/// converted to logits, as torch does; logits of +-inf give NaN, as in
/// torch). Samples are counts in the parameter's floating dtype.
///
/// mean = n p, variance = n p (1 - p), mode = min(floor((n + 1) p), n).
/// `enumerate_support` needs one total_count for the whole batch (the
/// support is otherwise ragged) and throws `c10::NotImplementedError`
/// otherwise. `entropy` takes any counts (torch needs one) and is accurate
/// in double at any count, at a cost that does not grow with it (see
/// Multinomial).
///
/// Example:
/// \code
///   td::Binomial b(10, td::probs(at::tensor({0.1, 0.5, 0.9})));
///   at::Tensor k = b.sample({100});  // [100, 3], integers 0..10 as floats
///   at::Tensor lp = b.log_prob(k);   // [100, 3]
///   td::Binomial bt(at::tensor({5.0, 20.0}), td::logits(0.0));  // batch_shape [2]
/// \endcode
class Binomial : public Family<Binomial> {
 public:
  /// `param` is `td::probs(p)` or `td::logits(l)`, or
  /// `td::ProbsOrLogits::from_optional("Binomial", probs, logits)`.
  Binomial(ScalarOrTensor total_count, ProbsOrLogits param, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Binomial"; }
  /// Number of trials n, broadcast to `batch_shape`, in the parameter's dtype.
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

  bool has_enumerate_support() const override { return true; }
  /// integer_interval(0, total_count).
  ConstraintPtr support() const override;

  /// Draws counts of shape `sample_shape + batch_shape` with at::binomial
  /// (no gradient).
  at::Tensor sample(at::IntArrayRef sample_shape = {},
                    c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  /// -sum_k P(k) log P(k), summed over the whole support; needs a single
  /// total_count for the batch.
  at::Tensor entropy() const override;
  at::Tensor mean() const override;
  at::Tensor mode() const override;
  at::Tensor variance() const override;
  /// 0, 1, ..., n in the parameter's dtype, shape `[n + 1] + batch_shape`
  /// (`expand`) or `[n + 1, 1, ..., 1]`; needs a single total_count n for
  /// the batch.
  at::Tensor enumerate_support(bool expand = true) const override;

 protected:
  ParamList params() const override {
    // Infinite counts fail the finiteness check (nonnegative_integer() alone
    // lets +inf through: inf == floor(inf)).
    return {{"total_count", &total_count_, constraints::nonnegative_integer()}, param_.declare()};
  }

 private:
  // The single total_count of the batch, or NotImplementedError naming `method`.
  int64_t homogeneous_total_count(const char* method) const;
  // log_prob without validation.
  at::Tensor log_prob_unchecked(const at::Tensor& value) const;

  at::Tensor total_count_;
  ProbsLogitsParam param_;  // broadcast with total_count
};

}  // namespace torchdist
