#pragma once
/// \file
/// The inverse gamma distribution.

#include "torchdist/core/utils.h"
#include "torchdist/distributions/transformed_distribution.h"

namespace torchdist {

/// The inverse gamma distribution with shape `concentration` c > 0 and
/// scale `rate` r > 0: the law of 1 / X for X ~ Gamma(c, r), density
///   p(x) = r^c x^(-c-1) e^(-r / x) / Gamma(c),  x > 0.
/// Built as torch builds it: `Gamma(c, r)` through `PowerTransform(-1)`.
/// `rsample` is pathwise in both parameters (the Gamma's implicit
/// reparameterization) and `log_prob` goes through the transform. Without
/// validation, `log_prob` is -inf and `cdf` 0 at x <= 0 (the transform's
/// chain would give NaN).
///
/// - mean r / (c - 1) for c > 1, +inf otherwise;
/// - variance r^2 / ((c - 1)^2 (c - 2)) for c > 2, +inf otherwise;
///   where a moment is infinite its gradient is 0, not NaN;
/// - mode r / (c + 1);
/// - entropy c + log(r) + lgamma(c) - (1 + c) digamma(c);
/// - cdf Q(c, r / x), the regularized upper incomplete gamma function,
///   differentiable in x, c and r. It is evaluated directly (`igammac`)
///   rather than as 1 - P(c, r / x) (torch's route through the decreasing
///   transform), which rounds to 0 in the left tail (below ~1e-16) instead
///   of keeping its relative precision; the gradient is the Gamma cdf's.
/// - no icdf (the Gamma has none): `icdf` throws NotImplementedError.
///
/// Example:
/// \code
///   td::InverseGamma ig(at::tensor({0.5, 3.0}).requires_grad_(), 2.0);
///   at::Tensor x = ig.rsample({100});  // [100, 2], differentiable in c
///   at::Tensor lp = ig.log_prob(x);    // [100, 2]
///   at::Tensor m = ig.mean();          // [inf, 1]
/// \endcode
class InverseGamma : public Family<InverseGamma, TransformedDistribution> {
 public:
  InverseGamma(ScalarOrTensor concentration, ScalarOrTensor rate, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "InverseGamma"; }
  /// The shape c, broadcast with `rate`.
  const at::Tensor& concentration() const { return concentration_; }
  /// The scale r (the rate of the underlying Gamma), broadcast with `concentration`.
  const at::Tensor& rate() const { return rate_; }

  ConstraintPtr support() const override { return constraints::positive(); }

  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override;
  at::Tensor mode() const override { return rate_ / (concentration_ + 1); }
  at::Tensor variance() const override;

 protected:
  ParamList params() const override {
    return {{"concentration", &concentration_, constraints::positive()}, {"rate", &rate_, constraints::positive()}};
  }

 private:
  // Builds from already broadcast parameters {concentration, rate}, which
  // the base needs before this object's members exist.
  struct Broadcast {};
  InverseGamma(Broadcast, std::vector<at::Tensor> params, c10::optional<bool> validate_args);

  at::Tensor concentration_, rate_;
};

}  // namespace torchdist
