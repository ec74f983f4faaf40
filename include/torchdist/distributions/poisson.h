#pragma once
/// \file
/// The Poisson distribution over the nonnegative integers.

#include <vector>

#include "torchdist/core/exponential_family.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log P(k | rate) = k log(rate) - rate - lgamma(k + 1), the log mass of
/// Poisson(rate) at k (not masked outside the support, as in torch). The
/// term k log(rate) is 0 at k = 0 for every rate, rate = 0 included (so
/// log P(0 | 0) = 0, not NaN), and its gradient in `rate` there is finite:
/// d/d rate log P(0 | rate) = -1.
///
/// Example:
/// \code
///   td::poisson_log_prob(at::tensor({0.0, 2.0}), at::full({2}, 2.0));  // [-2, log 2 - 2]
/// \endcode
at::Tensor poisson_log_prob(const at::Tensor& value, const at::Tensor& rate);

/// The Poisson distribution with mean `rate` >= 0:
///   P(k) = rate^k exp(-rate) / k!,  k = 0, 1, 2, ...
///
/// `rate` = 0 is allowed (the point mass at 0), as in torch. Samples are
/// counts in the parameter's floating dtype, drawn with ATen's
/// `at::poisson`: exact for every rate, in O(1) expected time for large
/// rates (Hörmann's transformed rejection PTRS for rate >= 10, the
/// product-of-uniforms method below; the goodness-of-fit checks and
/// timings are in tests/distributions/test_large_count_sampling.cpp). Counts above 2^24 are rounded to the nearest float32 when the
/// rate is float32 (use double rates there).
///
/// - mean = variance = rate, mode = floor(rate);
/// - cdf P(X <= x) = Q(floor(x) + 1, rate), the regularized upper incomplete
///   gamma function (`at::special_gammaincc`, good to a few 1e-10
///   relative); not in torch, differentiable in `rate`.
///
/// torch's Poisson has neither entropy nor icdf; neither has this one.
///
/// Deviation from torch: log_prob's gradient in `rate` at value 0 is -1
/// where torch's `xlogy` gives NaN at rate = 0.
///
/// An exponential family: theta = log(rate), t(k) = k, F(theta) = exp(theta),
/// carrier measure -lgamma(k + 1), whose expectation has no closed form:
/// `mean_carrier_measure`, `entropy` and `ExponentialFamily::entropy` throw
/// `c10::NotImplementedError`.
///
/// Example:
/// \code
///   td::Poisson p(at::tensor({0.5, 4.0, 1e4}));
///   at::Tensor k = p.sample({10});   // [10, 3], nonnegative integers as floats
///   at::Tensor lp = p.log_prob(k);   // [10, 3]
///   at::Tensor c = p.cdf(k);         // [10, 3]
/// \endcode
class Poisson : public Family<Poisson, ExponentialFamily> {
 public:
  explicit Poisson(ScalarOrTensor rate, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Poisson"; }
  /// The rate (mean), shape `batch_shape`.
  const at::Tensor& rate() const { return rate_; }

  ConstraintPtr support() const override { return constraints::nonnegative_integer(); }

  /// Draws counts of shape `sample_shape + batch_shape` with at::poisson
  /// (no gradient).
  at::Tensor sample(at::IntArrayRef sample_shape = {},
                    c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  /// P(X <= value) (an extension: torch's Poisson has no cdf).
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor mean() const override { return rate_; }
  at::Tensor mode() const override { return rate_.floor(); }
  at::Tensor variance() const override { return rate_; }
  /// Throws `c10::NotImplementedError` "Poisson does not implement entropy",
  /// as torch (no closed form).
  at::Tensor entropy() const override;

  /// The natural parameter {log(rate)}, for the sufficient statistic t(k) = k.
  std::vector<at::Tensor> natural_params() const override;
  /// F(theta) = exp(theta).
  at::Tensor log_normalizer(const std::vector<at::Tensor>& natural_params) const override;

 protected:
  ParamList params() const override { return {{"rate", &rate_, constraints::nonnegative()}}; }

 private:
  at::Tensor rate_;
};

}  // namespace torchdist
