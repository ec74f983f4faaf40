#pragma once
/// \file
/// The von Mises (circular normal) distribution.

#include "torchdist/core/distribution.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log p(x | loc, k) = k cos(x - loc) - log(2 pi I0(k)), the log density
/// of VonMises(loc, k) at the angle x (any real number, read modulo 2 pi).
///
/// Computed as -2 k sin^2((x - loc) / 2) - log(2 pi) - log(i0e(k)), with
/// i0e(k) = exp(-k) I0(k) the exponentially scaled Bessel function: no
/// overflow for large k, and no cancellation between k cos(x - loc) and
/// log I0(k) ~ k.
///
/// Example:
/// \code
///   td::von_mises_log_prob(at::zeros({1}), at::zeros({1}), at::ones({1}));  // [1 - log(2 pi I0(1))]
/// \endcode
at::Tensor von_mises_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& concentration);

/// The von Mises distribution on the circle with mean direction `loc`
/// (real, an angle in radians) and `concentration` k > 0, density
///   p(x) = exp(k cos(x - loc)) / (2 pi I0(k)).
/// As in torch, `loc` and values may be any real numbers, read modulo
/// 2 pi: the support is `real()`, and samples are returned in [-pi, pi)
/// (up to the final rounding to float32, which may give +-float(pi)).
///
/// `sample` uses the rejection method of Best and Fisher ("Efficient
/// simulation of the von Mises distribution", Applied Statistics 28, 1979)
/// with a wrapped Cauchy envelope, as torch does, computed in double and
/// cast back to the parameters' dtype. Its quantities are written so that
/// they do not cancel at either end: the envelope parameter as
/// rho = 2k / (tau + sqrt(2 tau)) and r - 1 = (1 - rho)^2 / (2 rho), the
/// proposal through 1 - f (f = cos of the proposed angle) and the angle as
/// 2 asin(sqrt((1 - f) / 2)). The acceptance rate is about 2/3 or more for
/// every k, so sampling terminates quickly for any k: near-uniform draws
/// for k = 1e-8 and near-normal ones (spread 1e-4) for k = 1e8. torch's
/// form computes r itself, which is inf for k below ~1e-8 and rounds to 1
/// for k above ~1e16, where its loop never accepts. Concentrations below
/// 1e-300 are sampled as 1e-300 (uniform to double precision); +inf gives
/// loc. There is no `rsample` (as in torch).
///
/// - mean and mode loc (the circular mean; not reduced modulo 2 pi);
/// - variance 1 - I1(k) / I0(k), the circular variance, from i1e / i0e in
///   double (an asymptotic series in 1 / k for k >= 1000, where the ratio is
///   too close to 1 to subtract from it), so it keeps its relative precision
///   as k -> inf;
/// - entropy log(2 pi I0(k)) - k I1(k) / I0(k), also in double.
/// torch approximates log I0 and log I1 by polynomials with ~1e-7 relative
/// error; ours are Chebyshev series of i0e and i1e to double precision (to
/// float precision for float log_prob), tested against ATen's special_i0e
/// and special_i1e and against mpmath.
///
/// Example:
/// \code
///   td::VonMises v(at::tensor({0.0, 1.0}), at::tensor({0.5, 50.0}));
///   at::Tensor x = v.sample({100});  // [100, 2] in [-pi, pi)
///   at::Tensor lp = v.log_prob(x);   // [100, 2]
///   at::Tensor cv = v.variance();    // ~[0.758, 0.010]
/// \endcode
class VonMises : public Family<VonMises> {
 public:
  VonMises(ScalarOrTensor loc, ScalarOrTensor concentration, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "VonMises"; }
  /// The mean direction, in radians.
  const at::Tensor& loc() const { return loc_; }
  /// The concentration k (1 / k is the variance of the normal limit).
  const at::Tensor& concentration() const { return concentration_; }

  ConstraintPtr support() const override { return constraints::real(); }

  /// Detached samples in [-pi, pi) by Best-Fisher rejection sampling.
  at::Tensor sample(at::IntArrayRef sample_shape = {},
                    c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override { return loc_; }
  at::Tensor mode() const override { return loc_; }
  at::Tensor variance() const override;

 protected:
  ParamList params() const override {
    return {{"loc", &loc_, constraints::real()}, {"concentration", &concentration_, constraints::positive()}};
  }

 private:
  at::Tensor loc_, concentration_;
};

}  // namespace torchdist
