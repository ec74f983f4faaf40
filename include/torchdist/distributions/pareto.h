#pragma once
/// \file
/// The Pareto (type I) distribution.

#include "torchdist/core/utils.h"
#include "torchdist/distributions/transformed_distribution.h"

namespace torchdist {

/// The Pareto type I distribution with minimum `scale` x_m > 0 and tail
/// index `alpha` > 0, density
///   p(x) = alpha x_m^alpha / x^(alpha + 1),  x >= x_m,
/// built as torch builds it: `Exponential(alpha)` through
/// [`ExpTransform`, `AffineTransform(0, scale)`], i.e. x = x_m exp(e) with
/// e ~ Exponential(alpha). `rsample` is pathwise in both parameters;
/// `log_prob`, `cdf` (1 - (x_m / x)^alpha) and `icdf`
/// (x_m (1 - p)^(-1 / alpha)) go through the transforms.
///
/// - mean alpha x_m / (alpha - 1), +inf for alpha <= 1;
/// - variance x_m^2 alpha / ((alpha - 1)^2 (alpha - 2)), +inf for alpha <= 2;
///   where a moment is infinite its gradient is 0 (torch's clamped form
///   gives NaN at alpha = 1, resp. 2);
/// - mode x_m; entropy log(x_m / alpha) + 1 + 1 / alpha;
/// - support `greater_than_eq(scale)`, built from the parameter tensor.
///
/// Parameters broadcast together; both must be positive (checked in the
/// order alpha, scale, as torch lists them).
///
/// Example:
/// \code
///   td::Pareto p(1.0, at::tensor({0.5, 3.0}).requires_grad_());
///   at::Tensor x = p.rsample({100});  // [100, 2], all >= 1, differentiable in alpha
///   at::Tensor lp = p.log_prob(x);    // [100, 2]
///   at::Tensor m = p.mean();          // [inf, 1.5]
/// \endcode
class Pareto : public Family<Pareto, TransformedDistribution> {
 public:
  Pareto(ScalarOrTensor scale, ScalarOrTensor alpha, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Pareto"; }
  /// The minimum x_m, broadcast with `alpha`.
  const at::Tensor& scale() const { return scale_; }
  /// The shape (tail index), broadcast with `scale`.
  const at::Tensor& alpha() const { return alpha_; }

  /// `greater_than_eq(scale)`.
  ConstraintPtr support() const override { return constraints::greater_than_eq(scale_); }

  at::Tensor entropy() const override;
  at::Tensor mean() const override;
  at::Tensor mode() const override { return scale_; }
  at::Tensor variance() const override;

 protected:
  ParamList params() const override {
    return {{"alpha", &alpha_, constraints::positive()}, {"scale", &scale_, constraints::positive()}};
  }

 private:
  // Builds from the broadcast parameters {scale, alpha}: the base and the
  // transforms need them before this object's members exist.
  struct Broadcast {};
  Pareto(Broadcast, std::vector<at::Tensor> params, c10::optional<bool> validate_args);

  at::Tensor scale_, alpha_;
};

}  // namespace torchdist
