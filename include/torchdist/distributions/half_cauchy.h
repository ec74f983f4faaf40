#pragma once
/// \file
/// The half-Cauchy distribution: |X| for X ~ Cauchy(0, scale).

#include "torchdist/core/utils.h"
#include "torchdist/distributions/transformed_distribution.h"

namespace torchdist {

/// The distribution of |X| for X ~ Cauchy(0, scale), density
///   p(x) = 2 / (pi scale (1 + (x / scale)^2)),  x >= 0,
/// built as torch builds it: `Cauchy(0, scale)` through `AbsTransform`.
/// Sampling (and the pathwise `rsample`) is |loc + scale eps| with eps
/// standard Cauchy.
///
/// - log_prob: the Cauchy log density + log 2, -inf for x < 0 (reached only
///   when validation is off);
/// - cdf 2 atan(x / scale) / pi (= 2 F_Cauchy(x) - 1, written so that small
///   x keep their relative precision); icdf scale tan(pi p / 2) (= the
///   Cauchy icdf at (1 + p) / 2, with the same care), +inf at p = 1;
/// - mean and variance +inf, as in torch; mode 0; entropy log(2 pi scale).
///
/// `scale` must be positive.
///
/// Example:
/// \code
///   td::HalfCauchy h(at::tensor({1.0, 3.0}).requires_grad_());
///   at::Tensor x = h.rsample({10});  // [10, 2], nonnegative, differentiable in scale
///   at::Tensor lp = h.log_prob(x);   // [10, 2]
///   at::Tensor med = h.icdf(at::full({2}, 0.5));  // the median: scale
/// \endcode
class HalfCauchy : public Family<HalfCauchy, TransformedDistribution> {
 public:
  explicit HalfCauchy(ScalarOrTensor scale, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "HalfCauchy"; }
  /// The scale of the underlying Cauchy distribution (also the median).
  const at::Tensor& scale() const { return scale_; }

  /// `nonnegative()`: 0 is included, unlike the codomain of AbsTransform.
  ConstraintPtr support() const override { return constraints::nonnegative(); }

  /// `value` is converted to the dtype of `scale` first, as torch does.
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  /// +inf everywhere, as in torch.
  at::Tensor mean() const override;
  at::Tensor mode() const override { return at::zeros_like(scale_); }
  /// +inf everywhere, as in torch.
  at::Tensor variance() const override;

 protected:
  ParamList params() const override { return {{"scale", &scale_, constraints::positive()}}; }

 private:
  // Builds from an already broadcast scale, which the base needs before
  // this object's members exist.
  struct Broadcast {};
  HalfCauchy(Broadcast, at::Tensor scale, c10::optional<bool> validate_args);

  at::Tensor scale_;
};

}  // namespace torchdist
