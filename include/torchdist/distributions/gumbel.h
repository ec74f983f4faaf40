#pragma once
/// \file
/// The Gumbel (type I extreme value, maximum) distribution.

#include "torchdist/core/distribution.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log p(x | loc, scale) = z - exp(z) - log(scale) with z = (loc - x) / scale:
/// the log density of Gumbel(loc, scale).
at::Tensor gumbel_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale);

/// The Gumbel distribution of maxima, with cdf exp(-exp(-(x - loc) / scale)).
///
/// Reparameterized sampling x = loc - scale log(-log u), u uniform on
/// [tiny, 1 - eps] of the dtype (`finfo_tiny`, `finfo_eps`): as in torch, the
/// uniform is kept away from 0 and 1 so that every sample is finite.
///
/// - mean loc + scale * gamma (Euler-Mascheroni), mode loc;
/// - stddev pi scale / sqrt(6), variance pi^2 scale^2 / 6;
/// - entropy log(scale) + 1 + gamma;
/// - icdf loc - scale log(-log p) (-inf at p = 0, +inf at p = 1): the exact
///   quantile. torch's icdf first maps p into its [tiny, 1 - eps] base
///   uniform, which shifts it by O(eps) and makes the ends finite
///   (loc - 6.56 scale at p = 0 in double); this one does not.
///
/// Parameters broadcast together; `scale` must be positive.
///
/// Example:
/// \code
///   td::Gumbel g(0.0, at::ones({3}));
///   at::Tensor x = g.rsample({10});  // [10, 3], differentiable in loc and scale
///   at::Tensor lp = g.log_prob(x);   // [10, 3]
/// \endcode
class Gumbel : public Family<Gumbel> {
 public:
  Gumbel(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Gumbel"; }
  /// The location (the mode), broadcast with `scale`.
  const at::Tensor& loc() const { return loc_; }
  /// The scale, broadcast with `loc`.
  const at::Tensor& scale() const { return scale_; }

  bool has_rsample() const override { return true; }
  ConstraintPtr support() const override { return constraints::real(); }

  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override;
  at::Tensor mode() const override { return loc_; }
  at::Tensor stddev() const override;
  at::Tensor variance() const override;

 protected:
  ParamList params() const override {
    return {{"loc", &loc_, constraints::real()}, {"scale", &scale_, constraints::positive()}};
  }

 private:
  at::Tensor loc_, scale_;
};

}  // namespace torchdist
