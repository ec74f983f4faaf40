#pragma once
/// \file
/// The HalfNormal distribution: the absolute value of a centered Normal.

#include "torchdist/core/distribution.h"
#include "torchdist/core/utils.h"
#include "torchdist/distributions/transformed_distribution.h"

namespace torchdist {

/// log p(x | scale) = log 2 + log N(x | 0, scale) for x >= 0, -inf for
/// x < 0: the log density of HalfNormal(scale).
at::Tensor half_normal_log_prob(const at::Tensor& x, const at::Tensor& scale);

/// The half-normal distribution: X ~ Normal(0, scale^2), Y = |X| ~
/// HalfNormal(scale). Built, as in torch, as a `TransformedDistribution` of
/// `Normal(0, scale)` through `AbsTransform`; `rsample` is |scale * eps|,
/// pathwise in `scale`.
///
/// The absolute value folds two preimages onto each y, which the
/// change-of-variables formula of `TransformedDistribution` does not know,
/// so the density functions are written out:
/// - log p(y) = log 2 - y^2 / (2 scale^2) - log(scale) - log(2 pi) / 2 for
///   y >= 0, -inf below (as torch 2.x);
/// - cdf(y) = 2 Phi(y / scale) - 1 = erf(y / (scale sqrt 2)) for y >= 0, 0
///   below (torch returns the negative 2 Phi - 1 there);
///   icdf(p) = scale Phi^-1((1 + p) / 2), from p / 2 and (1 - p) / 2 (both
///   exact), so small p and p near 1 keep their relative precision;
/// - mean scale sqrt(2 / pi), mode 0, variance scale^2 (1 - 2 / pi);
/// - entropy log(scale sqrt(pi e / 2)) (the Normal's entropy minus log 2).
///
/// `scale` must be positive.
///
/// Example:
/// \code
///   td::HalfNormal d(at::tensor({0.5, 2.0}));
///   at::Tensor y = d.rsample({10});  // [10, 2], nonnegative, differentiable in scale
///   at::Tensor lp = d.log_prob(y);   // [10, 2]
///   at::Tensor median = d.icdf(at::full({2}, 0.5));
/// \endcode
class HalfNormal : public Family<HalfNormal, TransformedDistribution> {
 public:
  /// Throws `c10::ValueError` "HalfNormal: scale must satisfy positive(),
  /// got ..." when validating.
  explicit HalfNormal(ScalarOrTensor scale, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "HalfNormal"; }
  /// The scale of the Normal that is folded.
  const at::Tensor& scale() const { return scale_; }

  /// `nonnegative()`: y = 0 is in the support (torch's choice), although
  /// `AbsTransform`'s codomain is `positive()`.
  ConstraintPtr support() const override { return constraints::nonnegative(); }

  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override;
  at::Tensor mode() const override;
  at::Tensor variance() const override;

 protected:
  ParamList params() const override { return {{"scale", &scale_, constraints::positive()}}; }

 private:
  // Builds from an already broadcast scale, which the base needs before
  // this object's members exist.
  struct Broadcast {};
  HalfNormal(Broadcast, const at::Tensor& scale, c10::optional<bool> validate_args);

  at::Tensor scale_;
};

}  // namespace torchdist
