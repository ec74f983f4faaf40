#pragma once
/// \file
/// The Laplace (double exponential) distribution.

#include "torchdist/core/distribution.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log p(x | loc, scale) = -log(2 scale) - |x - loc| / scale, the log
/// density of Laplace(loc, scale).
///
/// Example:
/// \code
///   td::laplace_log_prob(at::zeros({1}), at::zeros({1}), at::ones({1}));  // [-log 2]
/// \endcode
at::Tensor laplace_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale);

/// The Laplace distribution with location `loc` (real) and scale `scale`
/// > 0, density
///   p(x) = exp(-|x - loc| / scale) / (2 scale),  x real.
///
/// Reparameterized sampling x = loc - scale sign(u) log(1 - |u|) with
/// u ~ Uniform(eps - 1, 1), as torch draws it.
///
/// - mean and mode loc, variance 2 scale^2, stddev sqrt(2) scale;
/// - entropy 1 + log(2 scale);
/// - cdf 0.5 exp(z) for z = (x - loc) / scale < 0 and 1 - 0.5 exp(-z)
///   otherwise; icdf loc + scale log(2p) for p < 1/2 and
///   loc - scale (log 2 + log1p(-p)) otherwise.
///
/// Deviations from torch (numerical only):
/// - torch's cdf, 0.5 - 0.5 sign(z) expm1(-|z|), rounds the left tail to 0
///   once exp(z) < eps (z < -37 in double, -16 in float): ours keeps its
///   relative precision down to the smallest normal number. Its gradient in
///   x at x == loc is the density 1 / (2 scale) (torch's is 0 there).
/// - torch's icdf, loc - scale sign(p - 1/2) log1p(-2 |p - 1/2|), loses the
///   low bits of p near 0 (p = 1e-20 gives -inf): ours is exact there.
///
/// Example:
/// \code
///   td::Laplace l(0.0, at::tensor({1.0, 2.0}).requires_grad_());
///   at::Tensor x = l.rsample({100});  // [100, 2], differentiable in scale
///   at::Tensor lp = l.log_prob(x);    // [100, 2]
///   at::Tensor q = l.icdf(at::tensor(0.975));  // [2.996, 5.991]
/// \endcode
class Laplace : public Family<Laplace> {
 public:
  Laplace(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Laplace"; }
  /// The location (mean, median and mode).
  const at::Tensor& loc() const { return loc_; }
  /// The scale b: the standard deviation is sqrt(2) b.
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
  at::Tensor variance() const override { return 2 * scale_.pow(2); }
  at::Tensor stddev() const override { return 1.4142135623730951 * scale_; }

 protected:
  ParamList params() const override {
    return {{"loc", &loc_, constraints::real()}, {"scale", &scale_, constraints::positive()}};
  }

 private:
  at::Tensor loc_, scale_;
};

}  // namespace torchdist
