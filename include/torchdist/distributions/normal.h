#pragma once
/// \file
/// The Normal (Gaussian) distribution.

#include <vector>

#include "torchdist/core/exponential_family.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log N(x | loc, scale) = -(x - loc)^2 / (2 scale^2) - log(scale) - log(2 pi) / 2.
at::Tensor normal_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale);

/// The normal distribution N(loc, scale^2), with reparameterized sampling
/// x = loc + scale * eps, eps ~ N(0, 1).
///
/// Parameters broadcast together; `scale` must be positive.
///
/// An exponential family: theta = (loc / scale^2, -1 / (2 scale^2)), t(x) = (x, x^2),
/// F(x, y) = -x^2 / (4y) + log(-pi / y) / 2, k(x) = 0.
///
/// Example:
/// \code
///   td::Normal n(at::zeros({3}), at::ones({3}));
///   at::Tensor x = n.rsample({10});  // [10, 3], differentiable in loc and scale
///   at::Tensor lp = n.log_prob(x);   // [10, 3]
/// \endcode
class Normal : public Family<Normal, ExponentialFamily> {
 public:
  Normal(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Normal"; }
  const at::Tensor& loc() const { return loc_; }
  const at::Tensor& scale() const { return scale_; }

  bool has_rsample() const override { return true; }
  ConstraintPtr support() const override { return constraints::real(); }

  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override { return loc_; }
  at::Tensor mode() const override { return loc_; }
  at::Tensor stddev() const override { return scale_; }
  at::Tensor variance() const override { return scale_.pow(2); }

  /// The natural parameters {loc / scale^2, -1 / (2 scale^2)}, for the sufficient
  /// statistics (x, x^2).
  std::vector<at::Tensor> natural_params() const override;
  /// F(x, y) = -x^2 / (4y) + log(-pi / y) / 2.
  at::Tensor log_normalizer(const std::vector<at::Tensor>& natural_params) const override;
  /// 0: the carrier measure is k(x) = 0.
  at::Tensor mean_carrier_measure() const override;

 protected:
  ParamList params() const override {
    return {{"loc", &loc_, constraints::real()}, {"scale", &scale_, constraints::positive()}};
  }

 private:
  at::Tensor loc_, scale_;
};

}  // namespace torchdist
