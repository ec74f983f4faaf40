#pragma once
/// \file
/// The chi-squared distribution.

#include "torchdist/distributions/gamma.h"

namespace torchdist {

/// The chi-squared distribution with `df` = k > 0 degrees of freedom,
/// exactly Gamma(concentration = k / 2, rate = 1 / 2):
///   p(x) = x^(k/2 - 1) e^(-x/2) / (2^(k/2) Gamma(k/2)),  x >= 0.
///
/// Mean k, variance 2k, mode max(k - 2, 0). Every method is Gamma's,
/// including the reparameterized `rsample` and a `cdf` differentiable in
/// `df`; validation messages name "Chi2" and `df`.
///
/// Example:
/// \code
///   td::Chi2 x2(at::tensor({1.0, 4.0}).requires_grad_());
///   at::Tensor s = x2.rsample({1000});  // [1000, 2], differentiable in df
///   at::Tensor p = x2.cdf(at::tensor(3.84));  // ~[0.95, 0.57]
/// \endcode
class Chi2 : public Family<Chi2, Gamma> {
 public:
  explicit Chi2(ScalarOrTensor df, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Chi2"; }
  /// Degrees of freedom, 2 * concentration() (computed, as in torch).
  at::Tensor df() const { return concentration() * 2; }

  /// `df` (positive()) alone, as torch lists it: the concentration and rate
  /// that Chi2 stores (and declares, for `expand`) follow from it.
  std::vector<ArgConstraint> arg_constraints() const override { return {{"df", constraints::positive()}}; }

 private:
  Chi2(Unchecked, const at::Tensor& df, c10::optional<bool> validate_args);
};

}  // namespace torchdist
