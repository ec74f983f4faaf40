#pragma once
/// \file
/// The transform through a distribution's CDF.

#include "torchdist/core/distribution.h"
#include "torchdist/transforms/transform.h"

namespace torchdist {

/// y = F(x), the CDF of a univariate distribution: maps its support onto the
/// unit interval (the probability integral transform); the inverse is the
/// icdf and the log-det is log_prob(x). Used to build copulas, or to push
/// uniform noise through a known distribution.
///
/// Example:
/// \code
///   td::CumulativeDistributionTransform t(td::Normal(0.0, 1.0));
///   t.forward(at::zeros({1}));  // [0.5]
/// \endcode
class CumulativeDistributionTransform final : public TransformBase<CumulativeDistributionTransform> {
 public:
  explicit CumulativeDistributionTransform(DistributionPtr distribution, int cache_size = 0);
  /// Takes any concrete distribution by value.
  template <class D, std::enable_if_t<is_distribution_v<D>, int> = 0>
  explicit CumulativeDistributionTransform(D&& distribution, int cache_size = 0)
      : CumulativeDistributionTransform(share(std::forward<D>(distribution)), cache_size) {}

  std::string name() const override { return "CumulativeDistributionTransform(" + distribution_->name() + ")"; }
  ConstraintPtr domain() const override { return distribution_->support(); }
  ConstraintPtr codomain() const override { return constraints::unit_interval(); }
  bool bijective() const override { return true; }
  int sign() const override { return 1; }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;
  const DistributionPtr& distribution() const { return distribution_; }

 protected:
  at::Tensor call(const at::Tensor& x) const override { return distribution_->cdf(x); }
  at::Tensor inverse_call(const at::Tensor& y) const override { return distribution_->icdf(y); }

 private:
  DistributionPtr distribution_;
};

}  // namespace torchdist
