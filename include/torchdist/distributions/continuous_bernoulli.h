#pragma once
/// \file
/// The continuous Bernoulli distribution on [0, 1] (Loaiza-Ganem and
/// Cunningham, "The continuous Bernoulli: fixing a pervasive error in
/// variational autoencoders", NeurIPS 2019, arXiv:1907.06845).

#include <vector>

#include "torchdist/core/exponential_family.h"
#include "torchdist/core/probs_logits.h"
#include "torchdist/core/utils.h"

#include <utility>

namespace torchdist {

/// The bounds (lo, hi) of the region lo < probs <= hi around 1/2 where torch
/// replaces the continuous Bernoulli's closed forms, which cancel there, by
/// Taylor expansions in (probs - 1/2). torch's default is (0.499, 0.501).
/// torchdist computes every method accurately for every p without them
/// (see ContinuousBernoulli); they remain for `outside_unstable_region`,
/// `cut_probs` and torch's signature.
using ContinuousBernoulliLims = std::pair<double, double>;

/// log C(p), the log normalizing constant of the continuous Bernoulli:
/// C(p) = 2 atanh(1 - 2p) / (1 - 2p) = (log(1 - p) - log p) / (1 - 2p), with
/// C(1/2) = 2; computed as -F(eta) - log(1 - p), F below, accurate for every
/// p (`lims` is accepted for torch's signature and not needed).
/// `probs` should already be clamped into [eps, 1 - eps] (`clamp_probs`).
///
/// Example:
/// \code
///   td::continuous_bernoulli_log_normalizer(at::tensor({0.2, 0.5}), {0.499, 0.501});
///   // [log(log(4) / 0.6), log(2)]
/// \endcode
at::Tensor continuous_bernoulli_log_normalizer(const at::Tensor& probs, ContinuousBernoulliLims lims = {0.499, 0.501});

/// The continuous Bernoulli distribution CB(p) on [0, 1], with density
/// p(x) = C(p) p^x (1 - p)^(1 - x), C(p) the normalizer above.
///
/// Parameterized by `td::probs(p)`, p in [0, 1], or `td::logits(l)`, l real,
/// p = sigmoid(l); as in torch, probs are clamped into [eps, 1 - eps] of the
/// dtype (after validation), so that p = 0, p = 1 and logits of +-1e4 give
/// finite results. Unlike the Bernoulli, p is not the mean: it is the
/// parameter of the exponential family p(x) proportional to exp(x logit(p)).
///
/// With eta = logit(p):
/// - cdf(x) = (exp(eta x) - 1) / (exp(eta) - 1),
///   icdf(u) = log(1 + u (exp(eta) - 1)) / eta (both the identity at p = 1/2);
///   `rsample` is icdf(u), u ~ Uniform[0, 1), differentiable in p.
/// - mean p / (2p - 1) + 1 / (log(1 - p) - log p),
///   variance p (p - 1) / (1 - 2p)^2 + 1 / (log(1 - p) - log p)^2,
///   entropy mean (log(1 - p) - log p) - log C(p) - log(1 - p).
///
/// Near p = 1/2 these closed forms cancel catastrophically; torch uses
/// Taylor expansions in (p - 1/2) inside `lims` and the closed forms outside,
/// where just past the lims the variance's derivative is lost entirely
/// (5e-6 against 1.47e-4 at p = 0.4989). torchdist computes the mean, the
/// variance and the entropy as F'(eta), F''(eta) and F(eta) - eta F'(eta)
/// of F(eta) = log((e^eta - 1) / eta): by its Bernoulli-number series for
/// |eta| < 1 and closed forms in |eta| beyond (which cancel at most
/// 12-fold), accurate with their derivatives for every p; values agree
/// with torch's wherever torch's are accurate.
///
/// cdf and icdf are computed from eta everywhere, as
/// expm1(eta x) / expm1(eta) and log1p(u expm1(eta)) / eta (accurate to a
/// few ulps relative for every x, u), switching to their Taylor series in eta
/// (through eta^7, exact to rounding, with the right derivative) for
/// |eta| < 0.01. This departs from torch on purpose: inside the region torch
/// returns the identity, whose gradient in p is zero, so its pathwise
/// (`rsample`) gradients are biased near p = 1/2; and its closed forms in p
/// lose up to 1e-8 relative accuracy (1e-5 in the gradient) at small x or u
/// next to the region. Elsewhere the values agree with torch to rounding.
///
/// An exponential family: theta = logits, t(x) = x,
/// F(theta) = log((exp(theta) - 1) / theta), k(x) = 0.
///
/// Example:
/// \code
///   td::ContinuousBernoulli cb(td::probs(at::tensor({0.2, 0.5, 0.9})));
///   at::Tensor x = cb.rsample({10});  // [10, 3] in [0, 1], differentiable in probs
///   at::Tensor lp = cb.log_prob(x);   // [10, 3]
///   td::ContinuousBernoulli wide(td::logits(0.3), {0.49, 0.51});  // torch's signature
///   td::ContinuousBernoulli fast(td::probs(0.3), /*validate_args=*/false);
/// \endcode
class ContinuousBernoulli : public Family<ContinuousBernoulli, ExponentialFamily> {
 public:
  /// `lims` defaults to {0.499, 0.501}.
  explicit ContinuousBernoulli(ProbsOrLogits param, c10::optional<bool> validate_args = c10::nullopt);
  /// Throws `c10::ValueError` unless 0 < lims.first < 1/2 < lims.second < 1
  /// (outside that, the closed forms would be evaluated at p = 1/2 and give
  /// NaN).
  ContinuousBernoulli(ProbsOrLogits param, ContinuousBernoulliLims lims,
                      c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "ContinuousBernoulli"; }
  /// The (clamped) probs parameter; computed from logits on first use.
  const at::Tensor& probs() const { return param_.probs(); }
  /// The logits parameter, logit(probs); computed from probs on first use.
  const at::Tensor& logits() const { return param_.logits(); }
  /// The parameter as given (probs or logits: `param().is_probs()`),
  /// the other form derived on first use.
  const ProbsLogitsParam& param() const { return param_; }
  /// The bounds of torch's Taylor region (not needed by the methods here).
  ContinuousBernoulliLims lims() const { return lims_; }

  bool has_rsample() const override { return true; }
  ConstraintPtr support() const override { return constraints::unit_interval(); }

  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  /// -binary_cross_entropy_with_logits(logits, x) + log C(p).
  at::Tensor log_prob(const at::Tensor& value) const override;
  /// 0 for x <= 0, 1 for x >= 1.
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override;
  at::Tensor variance() const override;

  /// The natural parameter {logits}, for the sufficient statistic t(x) = x.
  std::vector<at::Tensor> natural_params() const override;
  /// F(eta) = log((exp(eta) - 1) / eta) (= eta / 2 + eta^2 / 24 - eta^4 / 2880 + ... near 0),
  /// accurate to a few ulps for every eta; see the .cpp for the branches.
  /// Unlike torch, it does not depend on `lims` (torch switches to its series
  /// for |eta| <= 0.001, a region given in probabilities but compared with
  /// logits).
  at::Tensor log_normalizer(const std::vector<at::Tensor>& natural_params) const override;
  /// 0: the carrier measure is k(x) = 0.
  at::Tensor mean_carrier_measure() const override;

 protected:
  ParamList params() const override { return {param_.declare()}; }

 private:
  // true where probs lies outside the Taylor region (closed forms are safe).
  at::Tensor outside_unstable_region() const;
  // probs outside the region, lims.first inside: the closed forms evaluated
  // on it are finite everywhere, so that torch.where-style selection never
  // feeds NaN into the gradient.
  at::Tensor cut_probs() const;
  // logits clamped to +-logit(1 - eps), matching the clamped probs.
  at::Tensor clamped_logits() const;
  // icdf without validation (rsample calls it).
  at::Tensor icdf_impl(const at::Tensor& value) const;

  ProbsLogitsParam param_;  // clamped probs, or logits (probs derived from them are clamped too)
  ContinuousBernoulliLims lims_;
};

}  // namespace torchdist
