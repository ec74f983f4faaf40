#pragma once
/// \file
/// The Fisher-Snedecor (F) distribution.

#include "torchdist/core/distribution.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log p(x | d1, d2) of the F distribution:
///   lgamma((d1 + d2) / 2) - lgamma(d1 / 2) - lgamma(d2 / 2)
///   + (d1 / 2) log(d1 / d2) + (d1 / 2 - 1) log(x)
///   - ((d1 + d2) / 2) log1p(d1 x / d2),
/// with 0 log 0 = 0 at x = 0 (so d1 = 2 gives the finite log density 0 there).
///
/// Example:
/// \code
///   td::fisher_snedecor_log_prob(at::ones({1}), at::full({1}, 2.0), at::full({1}, 2.0));  // [-2 log 2]
/// \endcode
at::Tensor fisher_snedecor_log_prob(const at::Tensor& x, const at::Tensor& df1, const at::Tensor& df2);

/// The Fisher-Snedecor (F) distribution with `df1` = d1 > 0 and `df2` = d2
/// > 0 degrees of freedom: the law of (U1 / d1) / (U2 / d2) for independent
/// U_i ~ Chi2(d_i), with density
///   p(x) = (d1 / d2)^(d1/2) x^(d1/2 - 1) (1 + d1 x / d2)^(-(d1 + d2)/2)
///          / B(d1 / 2, d2 / 2),   x > 0.
///
/// `rsample` is that ratio, pathwise in both parameters (implicit
/// reparameterization of the gamma variates). The gamma variates are drawn
/// as logs in double (the library's boosted gamma sampler) and the ratio is
/// formed in log space, so small degrees of freedom, whose chi-squared
/// variates underflow, still give the right tails; samples are held inside
/// [smallest normal, largest finite] of the dtype, with a zero gradient
/// where held (torch clamps them to at least the smallest normal the same
/// way) and above ~1e282, where the derivative overflows a double.
///
/// - mean d2 / (d2 - 2) for d2 > 2, NaN otherwise (as torch);
/// - mode (d1 - 2) / d1 * d2 / (d2 + 2) for d1 > 2, NaN otherwise (as torch);
/// - variance 2 d2^2 (d1 + d2 - 2) / (d1 (d2 - 2)^2 (d2 - 4)) for d2 > 4,
///   NaN otherwise (as torch).
/// Where a moment is NaN its gradient is 0, not NaN.
///
/// There is no `cdf`, `icdf` or `entropy` (as in torch).
///
/// Example:
/// \code
///   td::FisherSnedecor f(at::tensor({1.0, 5.0}).requires_grad_(), 10.0);
///   at::Tensor x = f.rsample({100});  // [100, 2], differentiable in df1
///   at::Tensor lp = f.log_prob(x);    // [100, 2]
///   at::Tensor m = f.mean();          // [1.25, 1.25]
/// \endcode
class FisherSnedecor : public Family<FisherSnedecor> {
 public:
  FisherSnedecor(ScalarOrTensor df1, ScalarOrTensor df2, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "FisherSnedecor"; }
  /// Degrees of freedom of the numerator.
  const at::Tensor& df1() const { return df1_; }
  /// Degrees of freedom of the denominator.
  const at::Tensor& df2() const { return df2_; }

  bool has_rsample() const override { return true; }
  ConstraintPtr support() const override { return constraints::positive(); }

  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor mean() const override;
  at::Tensor mode() const override;
  at::Tensor variance() const override;

 protected:
  ParamList params() const override {
    return {{"df1", &df1_, constraints::positive()}, {"df2", &df2_, constraints::positive()}};
  }

 private:
  at::Tensor df1_, df2_;
};

}  // namespace torchdist
