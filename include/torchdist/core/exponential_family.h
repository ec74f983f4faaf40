#pragma once
/// \file
/// The base of distributions in the exponential family,
/// p(x | theta) = exp(<t(x), theta> - F(theta) + k(x)).

#include <vector>

#include "torchdist/core/distribution.h"

namespace torchdist {

/// A distribution whose density is exp(<t(x), theta> - F(theta) + k(x)):
/// natural parameters theta, sufficient statistic t, log normalizer F and
/// carrier measure k. It gives an entropy and a KL divergence from F alone,
/// through the Bregman divergence of F (Nielsen & Nock, "Entropies and
/// cross-entropies of exponential families", 2010); `kl_divergence` uses
/// that for two distributions of the same family when no closer rule is
/// registered.
///
/// Bernoulli, Beta, ContinuousBernoulli, Dirichlet, Exponential, Gamma
/// (and Chi2), Normal, Poisson and Wishart derive from it. A user family
/// derives from it by giving `natural_params`, `log_normalizer` and, for
/// the entropy, `mean_carrier_measure`.
///
/// Example:
/// \code
///   td::Normal n(0.0, 2.0);
///   std::vector<at::Tensor> theta = n.natural_params();   // {loc / scale^2, -1 / (2 scale^2)}
///   at::Tensor f = n.log_normalizer(theta);                // F(theta)
/// \endcode
class ExponentialFamily : public Distribution {
 public:
  /// The natural parameters theta, each shaped `batch_shape` + the event
  /// shape of its sufficient statistic.
  virtual std::vector<at::Tensor> natural_params() const = 0;
  /// The log normalizer F(theta) at the given natural parameters, shape
  /// `batch_shape`; differentiable, since its gradient is E[t(x)].
  virtual at::Tensor log_normalizer(const std::vector<at::Tensor>& natural_params) const = 0;
  /// E[k(x)], the expected carrier measure; throws
  /// `c10::NotImplementedError` unless the family defines it.
  virtual at::Tensor mean_carrier_measure() const;

  /// H = F(theta) - <theta, grad F(theta)> - E[k(x)]. The families override
  /// it with their closed forms; this is the general fallback.
  at::Tensor entropy() const override;

 protected:
  using Distribution::Distribution;
};

/// KL(p || q) between two members of the same exponential family, the
/// Bregman divergence F(theta_q) - F(theta_p) - <theta_q - theta_p,
/// grad F(theta_p)>. Unlike torch's version it stays differentiable in
/// p's parameters too. Throws `c10::NotImplementedError` when p and q are
/// of different types.
at::Tensor exponential_family_kl(const ExponentialFamily& p, const ExponentialFamily& q);

}  // namespace torchdist
