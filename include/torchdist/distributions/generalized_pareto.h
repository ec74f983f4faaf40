#pragma once
/// \file
/// The generalized Pareto distribution.

#include "torchdist/core/distribution.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log p(x | loc, scale, k) of the generalized Pareto distribution:
///   -log(scale) - (1 / k + 1) log1p(k z),  z = (x - loc) / scale,
/// and -log(scale) - z for k = 0, for x in the support (not masked
/// outside, as in torch). At k = -1 (the uniform law) it is -log(scale) on
/// the whole closed support, its upper end included.
///
/// Example:
/// \code
///   td::generalized_pareto_log_prob(at::ones({1}), at::zeros({1}), at::ones({1}), at::ones({1}));  // [-2 log 2]
/// \endcode
at::Tensor generalized_pareto_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale,
                                       const at::Tensor& concentration);

/// The generalized Pareto distribution with location `loc` (real), scale
/// `scale` > 0 and shape `concentration` k (real), survival function
///   P(X > x) = (1 + k z)^(-1 / k),  z = (x - loc) / scale,
/// and exp(-z) for k = 0 (the exponential limit). The support is
/// [loc, inf) for k >= 0 and [loc, loc - scale / k] for k < 0. Special
/// cases: Exponential (loc = 0, k = 0), Pareto (k > 0, loc = scale / k),
/// Uniform (k = -1).
///
/// `rsample` is the inverse cdf of uniforms, pathwise in all parameters;
///   icdf(p) = loc + scale expm1(-k log1p(-p)) / k   (loc - scale log1p(-p) at k = 0).
/// `log_survival_function` is -log1p(k z) / k, `cdf` is
/// -expm1(log_survival_function), `log_cdf` log(-expm1(...)) (or
/// log1p(-exp(...)) in the left tail, whichever keeps precision).
///
/// - mean loc + scale / (1 - k) for k < 1;
/// - variance scale^2 / ((1 - k)^2 (1 - 2k)) for k < 1/2;
/// - mode loc for k >= -1, and the upper end loc - scale / k for k < -1,
///   where the density increases towards it;
/// - entropy log(scale) + k + 1.
///
/// Deviations from torch:
/// - torch returns NaN for the mean when k >= 1 and for the variance when
///   k >= 1/2; these moments are +inf there (the integrals diverge), which
///   we return, as `Pareto` does. Their gradients there are 0.
/// - torch's mode is loc for every k; for k < -1 the density has its
///   maximum (an infinite one) at the upper end, returned here.
/// - torch treats |k| <= 1e-8 (`isclose(k, 0)`) as k = 0, an error of order
///   k z^2 in log_prob; here only |k| below the dtype's smallest normal
///   number takes the k = 0 branch (the k != 0 forms use log1p/expm1 and do
///   not cancel for small k), and that branch adds the first-order term in
///   k (zero in value), so that the gradient in k is right at k = 0 too
///   (torch's is 0 there).
/// - torch's cdf is exp(log1p(-exp(log_survival))), which cancels for
///   small z (cdf = 1e-20 comes out 0); ours is -expm1(log_survival).
///
/// Example:
/// \code
///   td::GeneralizedPareto gp(0.0, 1.0, at::tensor({-0.5, 0.0, 0.5}).requires_grad_());
///   at::Tensor x = gp.rsample({100});  // [100, 3], differentiable in k
///   at::Tensor lp = gp.log_prob(x);    // [100, 3]
///   at::Tensor m = gp.mean();          // [2/3, 1, 2]
/// \endcode
class GeneralizedPareto : public Family<GeneralizedPareto> {
 public:
  GeneralizedPareto(ScalarOrTensor loc, ScalarOrTensor scale, ScalarOrTensor concentration,
                    c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "GeneralizedPareto"; }
  const at::Tensor& loc() const { return loc_; }
  const at::Tensor& scale() const { return scale_; }
  /// The shape (tail index) k: heavy tails for k > 0, bounded for k < 0.
  const at::Tensor& concentration() const { return concentration_; }

  bool has_rsample() const override { return true; }
  /// `interval(loc, upper)` with upper = loc - scale / k for k < 0 and +inf
  /// otherwise (torch's form), built from the parameter tensors.
  ConstraintPtr support() const override;

  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  /// log P(X > x) = -log1p(k z) / k (-z at k = 0).
  at::Tensor log_survival_function(const at::Tensor& value) const;
  /// log P(X <= x).
  at::Tensor log_cdf(const at::Tensor& value) const;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override;
  at::Tensor mode() const override;
  at::Tensor variance() const override;

 protected:
  ParamList params() const override {
    return {{"loc", &loc_, constraints::real()},
            {"scale", &scale_, constraints::positive()},
            {"concentration", &concentration_, constraints::real()}};
  }

 private:
  at::Tensor loc_, scale_, concentration_;
};

}  // namespace torchdist
