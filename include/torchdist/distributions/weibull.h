#pragma once
/// \file
/// The two-parameter Weibull distribution.

#include "torchdist/core/utils.h"
#include "torchdist/distributions/transformed_distribution.h"

namespace torchdist {

/// log p(x | scale, k) = log(k / scale) + (k - 1) log(x / scale) - (x / scale)^k,
/// the log density of Weibull(scale, k) on x > 0, with 0 log 0 = 0 (so at
/// x = 0 it is +inf for k < 1, -log(scale) for k = 1, -inf for k > 1).
///
/// Example:
/// \code
///   td::weibull_log_prob(at::ones({1}), at::ones({1}), at::full({1}, 2.0));  // [log 2 - 1]
/// \endcode
at::Tensor weibull_log_prob(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& concentration);

/// The Weibull distribution with scale lambda > 0 and shape
/// `concentration` k > 0, density
///   p(x) = (k / lambda) (x / lambda)^(k - 1) exp(-(x / lambda)^k),  x > 0,
/// built as torch builds it: `Exponential(1)` through
/// [`PowerTransform(1 / k)`, `AffineTransform(0, scale)`], i.e.
/// x = lambda e^(1/k) with e ~ Exponential(1). `rsample` is pathwise in both
/// parameters; `cdf` (1 - exp(-(x / lambda)^k)) and `icdf`
/// (lambda (-log(1 - p))^(1/k)) go through the transforms.
///
/// `log_prob` is the closed form `weibull_log_prob` rather than the
/// change of variables through the transforms (torch's path): that path
/// forms (x / lambda) / (x / lambda)^k, which is NaN or -inf where the
/// power over- or underflows (x = 1e100, or x = 1e-70 with k = 5), while
/// the closed form stays exact there. Elsewhere the two agree to rounding.
///
/// - mean lambda Gamma(1 + 1/k); variance
///   lambda^2 (Gamma(1 + 2/k) - Gamma(1 + 1/k)^2);
/// - mode lambda ((k - 1) / k)^(1/k) for k > 1 and 0 for k <= 1 (where the
///   density decreases from x = 0). torch 2.x evaluates the first formula
///   for every k, giving NaN for most k < 1 and wrong values for some (k =
///   1/2 gives lambda); this one returns the true mode;
/// - entropy euler_gamma (1 - 1/k) + log(lambda / k) + 1;
/// - support `positive()`, as in torch.
///
/// Parameters broadcast together; both must be positive (checked in the
/// order scale, concentration, as torch lists them).
///
/// Example:
/// \code
///   td::Weibull w(2.0, at::tensor({0.5, 1.5}).requires_grad_());
///   at::Tensor x = w.rsample({100});  // [100, 2], differentiable in both parameters
///   at::Tensor lp = w.log_prob(x);    // [100, 2]
///   at::Tensor p = w.cdf(at::ones({2}));
/// \endcode
class Weibull : public Family<Weibull, TransformedDistribution> {
 public:
  Weibull(ScalarOrTensor scale, ScalarOrTensor concentration, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Weibull"; }
  /// The scale lambda, broadcast with `concentration`.
  const at::Tensor& scale() const { return scale_; }
  /// The shape k, broadcast with `scale`.
  const at::Tensor& concentration() const { return concentration_; }
  /// 1 / k, the exponent of the PowerTransform.
  const at::Tensor& concentration_reciprocal() const { return concentration_reciprocal_; }

  ConstraintPtr support() const override { return constraints::positive(); }

  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override;
  /// lambda ((k - 1) / k)^(1/k) for k > 1, 0 for k <= 1.
  at::Tensor mode() const override;
  at::Tensor variance() const override;

 protected:
  ParamList params() const override {
    return {{"scale", &scale_, constraints::positive()}, {"concentration", &concentration_, constraints::positive()}};
  }
  /// Also expands `concentration_reciprocal`.
  void expand_params(at::IntArrayRef batch_shape) override;

 private:
  // Builds from the broadcast parameters {scale, concentration,
  // 1 / concentration}: the base and the transforms need them before this
  // object's members exist.
  struct Broadcast {};
  Weibull(Broadcast, std::vector<at::Tensor> params, c10::optional<bool> validate_args);

  at::Tensor scale_, concentration_, concentration_reciprocal_;
};

}  // namespace torchdist
