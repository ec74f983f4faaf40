#pragma once
/// \file
/// The LogNormal distribution: the exponential of a Normal.

#include "torchdist/core/distribution.h"
#include "torchdist/core/utils.h"
#include "torchdist/distributions/transformed_distribution.h"

namespace torchdist {

/// The log-normal distribution: X ~ Normal(loc, scale^2), Y = exp(X) ~
/// LogNormal(loc, scale). Built, as in torch, as a `TransformedDistribution`
/// of `Normal(loc, scale)` through `ExpTransform`, so that
///   log p(y) = log N(log y | loc, scale) - log y,  y > 0,
/// and `rsample` is exp(loc + scale * eps), eps ~ N(0, 1), pathwise in
/// both parameters; `cdf(y) = Phi((log y - loc) / scale)` and
/// `icdf(p) = exp(loc + scale Phi^-1(p))` come from the transform chain.
///
/// - mean exp(loc + scale^2 / 2), mode exp(loc - scale^2),
///   variance (exp(scale^2) - 1) exp(2 loc + scale^2);
/// - entropy loc + 1/2 + log(scale sqrt(2 pi)) (the Normal's entropy plus
///   E[log|dy/dx|] = E[x] = loc).
///
/// `loc` and `scale` broadcast together; `scale` must be positive.
///
/// Example:
/// \code
///   td::LogNormal d(at::zeros({3}), at::tensor({0.5, 1.0, 2.0}));
///   at::Tensor y = d.rsample({10});  // [10, 3], positive, differentiable in loc and scale
///   at::Tensor lp = d.log_prob(y);   // [10, 3]
///   at::Tensor m = d.mean();         // exp(scale^2 / 2)
/// \endcode
class LogNormal : public Family<LogNormal, TransformedDistribution> {
 public:
  /// Throws `c10::ValueError` "LogNormal: scale must satisfy positive(),
  /// got ..." (or "loc must satisfy real()" for NaN) when validating.
  LogNormal(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "LogNormal"; }
  /// The mean of log(Y), broadcast with `scale`.
  const at::Tensor& loc() const { return loc_; }
  /// The standard deviation of log(Y), broadcast with `loc`.
  const at::Tensor& scale() const { return scale_; }

  /// `positive()`.
  ConstraintPtr support() const override { return constraints::positive(); }

  at::Tensor mean() const override;
  at::Tensor mode() const override;
  at::Tensor variance() const override;
  at::Tensor entropy() const override;

 protected:
  ParamList params() const override {
    return {{"loc", &loc_, constraints::real()}, {"scale", &scale_, constraints::positive()}};
  }

 private:
  // The parameters broadcast together, which the base needs before this
  // object's members exist.
  struct Params {
    at::Tensor loc, scale;
  };
  LogNormal(const Params& params, c10::optional<bool> validate_args);
  static Params broadcast(const ScalarOrTensor& loc, const ScalarOrTensor& scale);

  at::Tensor loc_, scale_;
};

}  // namespace torchdist
