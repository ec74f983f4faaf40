#pragma once
/// \file
/// The Cauchy (Lorentz) distribution.

#include "torchdist/core/distribution.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log p(x | loc, scale) = log(scale) - log(pi) - log(scale^2 + (x - loc)^2),
/// the log density of Cauchy(loc, scale). Evaluated with `hypot`, so that it
/// stays finite wherever the density is a normal number (torch's
/// -log(1 + z^2) overflows for |z| beyond ~1e154 in double, ~1e19 in float).
///
/// Example:
/// \code
///   td::cauchy_log_prob(at::zeros({1}), at::zeros({1}), at::ones({1}));  // [-log(pi)]
/// \endcode
at::Tensor cauchy_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale);

/// F(x | loc, scale) = 1/2 + atan((x - loc) / scale) / pi, evaluated as
/// atan2(scale, loc - x) / pi so that the left tail keeps its relative
/// precision (F ~ scale / (pi |x - loc|) there; the textbook form rounds it
/// to a multiple of the machine epsilon).
///
/// Example:
/// \code
///   td::cauchy_cdf(at::ones({1}), at::zeros({1}), at::ones({1}));  // [0.75]
/// \endcode
at::Tensor cauchy_cdf(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale);

/// F^{-1}(p | loc, scale) = loc + scale tan(pi (p - 1/2)), evaluated as
/// loc -+ scale / tan(pi min(p, 1 - p)) in the tails (p < 1/4 or p > 3/4)
/// so that small probabilities keep their precision; -inf at p = 0 and
/// +inf at p = 1.
///
/// Example:
/// \code
///   td::cauchy_icdf(at::full({1}, 0.75), at::zeros({1}), at::ones({1}));  // [1]
/// \endcode
at::Tensor cauchy_icdf(const at::Tensor& p, const at::Tensor& loc, const at::Tensor& scale);

/// The Cauchy distribution with median `loc` and half width at half maximum
/// `scale`, density
///   p(x) = 1 / (pi scale (1 + ((x - loc) / scale)^2)),  x real.
///
/// Reparameterized sampling x = icdf(u) for u uniform on [eps / 2,
/// 1 - eps / 2] of the dtype: loc + scale tan(pi (u - 1/2)), the tails by
/// the icdf's exact forms (see `cauchy_icdf`), up to ~5e6 scales in float.
/// (Where the kernels do not apply, ATen's `cauchy_`.)
///
/// - mean NaN and variance (hence stddev) +inf everywhere, as in torch: the
///   Cauchy distribution has no mean and no finite variance;
/// - mode loc (also the median);
/// - entropy log(4 pi scale);
/// - cdf and icdf in closed form (see `cauchy_cdf`, `cauchy_icdf`).
///
/// Parameters broadcast together; `scale` must be positive.
///
/// Example:
/// \code
///   td::Cauchy c(at::zeros({3}), at::ones({3}));
///   at::Tensor x = c.rsample({10});  // [10, 3], differentiable in loc and scale
///   at::Tensor lp = c.log_prob(x);   // [10, 3]
///   at::Tensor q = c.icdf(at::full({3}, 0.75));  // loc + scale
/// \endcode
class Cauchy : public Family<Cauchy> {
 public:
  Cauchy(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Cauchy"; }
  /// The location: the median and mode, broadcast with `scale`.
  const at::Tensor& loc() const { return loc_; }
  /// The scale: half width at half maximum, broadcast with `loc`.
  const at::Tensor& scale() const { return scale_; }

  bool has_rsample() const override { return true; }
  ConstraintPtr support() const override { return constraints::real(); }

  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  /// NaN everywhere (the mean does not exist), as in torch.
  at::Tensor mean() const override;
  at::Tensor mode() const override { return loc_; }
  /// +inf everywhere, as in torch.
  at::Tensor variance() const override;

 protected:
  ParamList params() const override {
    return {{"loc", &loc_, constraints::real()}, {"scale", &scale_, constraints::positive()}};
  }

 private:
  at::Tensor loc_, scale_;
};

}  // namespace torchdist
