#pragma once
/// \file
/// The Exponential distribution.

#include <vector>

#include "torchdist/core/exponential_family.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log p(x | rate) = log(rate) - rate x, the log density of
/// Exponential(rate) on x >= 0 (not masked outside, as in torch).
///
/// Example:
/// \code
///   td::exponential_log_prob(at::ones({1}), at::full({1}, 2.0));  // [log 2 - 2]
/// \endcode
at::Tensor exponential_log_prob(const at::Tensor& x, const at::Tensor& rate);

/// The exponential distribution with inverse scale `rate` > 0, density
///   p(x) = rate exp(-rate x),  x >= 0.
///
/// Reparameterized sampling x = e / rate with e ~ Exponential(1) (ATen's
/// `exponential_`), as in torch.
///
/// - mean and stddev 1 / rate, variance rate^-2, mode 0;
/// - entropy 1 - log(rate);
/// - cdf 1 - exp(-rate x), computed as -expm1(-rate x) so that it keeps its
///   relative precision for small x (torch writes 1 - exp(-rate x), which
///   is 0 below x ~ eps / rate); icdf -log1p(-p) / rate (+inf at p = 1).
///
/// An exponential family: theta = -rate, t(x) = x, F(theta) = -log(-theta), k(x) = 0.
///
/// Example:
/// \code
///   td::Exponential e(at::tensor({0.5, 2.0}).requires_grad_());
///   at::Tensor x = e.rsample({100});  // [100, 2], differentiable in rate
///   at::Tensor lp = e.log_prob(x);    // [100, 2]
/// \endcode
class Exponential : public Family<Exponential, ExponentialFamily> {
 public:
  explicit Exponential(ScalarOrTensor rate, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Exponential"; }
  /// The rate: 1 / scale, 1 / mean.
  const at::Tensor& rate() const { return rate_; }

  bool has_rsample() const override { return true; }
  ConstraintPtr support() const override { return constraints::nonnegative(); }

  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override { return rate_.reciprocal(); }
  at::Tensor mode() const override { return at::zeros_like(rate_); }
  at::Tensor stddev() const override { return rate_.reciprocal(); }
  at::Tensor variance() const override { return rate_.pow(-2); }

  /// The natural parameter {-rate}, for the sufficient statistic t(x) = x.
  std::vector<at::Tensor> natural_params() const override;
  /// F(theta) = -log(-theta).
  at::Tensor log_normalizer(const std::vector<at::Tensor>& natural_params) const override;
  /// 0: the carrier measure is k(x) = 0.
  at::Tensor mean_carrier_measure() const override;

 protected:
  ParamList params() const override {
    return {{"rate", &rate_, constraints::positive()}};
  }

 private:
  at::Tensor rate_;
};

}  // namespace torchdist
