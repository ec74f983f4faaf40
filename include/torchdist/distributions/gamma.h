#pragma once
/// \file
/// The Gamma distribution.

#include <vector>

#include "torchdist/core/exponential_family.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log Gamma(x | c, r) = c log(r) + (c - 1) log(x) - r x - lgamma(c), with
/// 0 log 0 = 0 (so x = 0 gives +inf for c < 1, log(r) for c = 1, -inf for
/// c > 1).
at::Tensor gamma_log_prob(const at::Tensor& x, const at::Tensor& concentration, const at::Tensor& rate);

/// P(X <= x) = P(c, r x), the regularized lower incomplete gamma function,
/// differentiable in `x`, `concentration` and `rate` (torch's `igamma` has
/// no derivative in the concentration; this one has). 0 for x < 0.
at::Tensor gamma_cdf(const at::Tensor& x, const at::Tensor& concentration, const at::Tensor& rate);

/// The Gamma distribution with shape `concentration` c > 0 and inverse scale
/// `rate` r > 0, density
///   p(x) = r^c x^(c-1) e^(-r x) / Gamma(c),  x >= 0.
///
/// Mean c / r, variance c / r^2, mode max((c - 1) / r, 0), entropy
/// c - log(r) + lgamma(c) + (1 - c) digamma(c).
///
/// `rsample` draws x = G / r with G ~ Gamma(c, 1) from ATen's
/// `_standard_gamma`, whose gradient in c is the implicit
/// reparameterization dG/dc = -(dP(c, G)/dc) / p(G) (Figurnov et al.,
/// "Implicit Reparameterization Gradients", 2018). Samples are clamped from
/// below to the smallest normal number of their dtype (small c underflows
/// often: for c = 1e-3 about half the double draws are below 1e-308), so
/// that `log_prob` of a sample stays finite; the clamp does not enter the
/// gradient.
///
/// `cdf` is differentiable in all of `value`, `concentration` and `rate`;
/// there is no `icdf`.
///
/// An exponential family: theta = (c - 1, -r), t(x) = (log x, x),
/// F = lgamma(c) - c log(r), k(x) = 0.
///
/// Example:
/// \code
///   td::Gamma g(at::tensor({0.5, 2.0}).requires_grad_(), 3.0);
///   at::Tensor x = g.rsample({100});       // [100, 2], differentiable in c
///   at::Tensor lp = g.log_prob(x);         // [100, 2]
///   at::Tensor p = g.cdf(at::tensor(1.0)); // [2], differentiable in c too
/// \endcode
class Gamma : public Family<Gamma, ExponentialFamily> {
 public:
  Gamma(ScalarOrTensor concentration, ScalarOrTensor rate, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Gamma"; }
  /// The shape parameter c (often alpha).
  const at::Tensor& concentration() const { return concentration_; }
  /// The inverse scale r (often beta).
  const at::Tensor& rate() const { return rate_; }

  bool has_rsample() const override { return true; }
  ConstraintPtr support() const override { return constraints::nonnegative(); }

  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  /// `value` is converted to the parameters' dtype first, as torch does.
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override { return concentration_ / rate_; }
  at::Tensor mode() const override { return ((concentration_ - 1) / rate_).clamp_min(0); }
  at::Tensor variance() const override { return concentration_ / rate_.pow(2); }

  /// The natural parameters {concentration - 1, -rate}, for the sufficient
  /// statistics (log x, x).
  std::vector<at::Tensor> natural_params() const override;
  /// F(x, y) = lgamma(x + 1) - (x + 1) log(-y).
  at::Tensor log_normalizer(const std::vector<at::Tensor>& natural_params) const override;
  /// 0: the carrier measure is k(x) = 0.
  at::Tensor mean_carrier_measure() const override;

 protected:
  ParamList params() const override {
    return {{"concentration", &concentration_, constraints::positive()}, {"rate", &rate_, constraints::positive()}};
  }
  /// Tag for the constructor that skips parameter validation, for subclasses
  /// that validate their own parameters (`Chi2` checks `df`).
  struct Unchecked {};
  Gamma(Unchecked, ScalarOrTensor concentration, ScalarOrTensor rate, c10::optional<bool> validate_args);

 private:
  at::Tensor concentration_, rate_;
};

}  // namespace torchdist
