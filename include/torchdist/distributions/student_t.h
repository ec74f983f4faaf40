#pragma once
/// \file
/// Student's t distribution.

#include "torchdist/core/distribution.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log p(x | df, loc, scale) for Student's t with `df` degrees of freedom:
///   lgamma((df + 1) / 2) - lgamma(df / 2) - log(scale) - log(pi df) / 2
///   - (df + 1) / 2 * log1p(((x - loc) / scale)^2 / df).
///
/// Example:
/// \code
///   td::student_t_log_prob(at::zeros({1}), at::ones({1}), at::zeros({1}), at::ones({1}));  // [-log pi]
/// \endcode
at::Tensor student_t_log_prob(const at::Tensor& x, const at::Tensor& df, const at::Tensor& loc,
                              const at::Tensor& scale);

/// Student's t distribution with `df` > 0 degrees of freedom, location
/// `loc` (real) and scale `scale` > 0, density
///   p(x) = Gamma((df + 1) / 2) / (Gamma(df / 2) sqrt(pi df) scale)
///          * (1 + y^2 / df)^(-(df + 1) / 2),   y = (x - loc) / scale.
///
/// `rsample` draws loc + scale X / sqrt(Z / df) with X ~ Normal(0, 1) and
/// Z ~ Chi2(df), as torch does, and is pathwise in all three parameters: in
/// `df` through the implicit reparameterization of the gamma variate
/// (Figurnov et al., 2018). The chi-squared variate is drawn as log Z in
/// double (the library's boosted gamma sampler), so that small `df`, where
/// Z underflows, still gives the right heavy tail rather than a clamp;
/// samples beyond the dtype's range are held at its largest finite value,
/// with a zero gradient there (as are samples above ~1e282 in double,
/// df below ~0.01, whose derivative overflows).
///
/// - mean loc for df > 1, NaN for df <= 1 (as torch: undefined);
/// - variance scale^2 df / (df - 2) for df > 2, +inf for 1 < df <= 2, NaN
///   for df <= 1 (as torch); the gradient is 0 where the value is not
///   finite (torch's masked assignment gives the same values);
/// - mode loc;
/// - entropy log(scale) + (df + 1)/2 (digamma((df + 1)/2) - digamma(df/2))
///   + log(df)/2 + lbeta(df/2, 1/2).
///
/// There is no `cdf` or `icdf` (as in torch): they need the regularized
/// incomplete beta function, which ATen lacks.
///
/// Example:
/// \code
///   td::StudentT t(at::tensor({1.0, 5.0}).requires_grad_());  // loc 0, scale 1
///   at::Tensor x = t.rsample({100});  // [100, 2], differentiable in df
///   at::Tensor lp = t.log_prob(x);    // [100, 2]
///   at::Tensor v = t.variance();      // [nan, 5/3]
/// \endcode
class StudentT : public Family<StudentT> {
 public:
  explicit StudentT(ScalarOrTensor df, ScalarOrTensor loc = 0.0, ScalarOrTensor scale = 1.0,
                    c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "StudentT"; }
  /// Degrees of freedom.
  const at::Tensor& df() const { return df_; }
  const at::Tensor& loc() const { return loc_; }
  const at::Tensor& scale() const { return scale_; }

  bool has_rsample() const override { return true; }
  ConstraintPtr support() const override { return constraints::real(); }

  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override;
  at::Tensor mode() const override { return loc_; }
  at::Tensor variance() const override;

 protected:
  ParamList params() const override {
    return {{"df", &df_, constraints::positive()},
            {"loc", &loc_, constraints::real()},
            {"scale", &scale_, constraints::positive()}};
  }

 private:
  at::Tensor df_, loc_, scale_;
};

}  // namespace torchdist
