#pragma once
/// \file
/// The Dirichlet distribution on the probability simplex.

#include <vector>

#include "torchdist/core/exponential_family.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log Dir(x | c) = sum_i (c_i - 1) log x_i + lgamma(sum_i c_i) - sum_i lgamma(c_i),
/// over the last dimension; `x` and `c` broadcast.
///
/// Finite wherever the density is, including on the faces of the simplex
/// (some x_i = 0): the term (c_i - 1) log x_i is 0 when c_i = 1, +inf when
/// c_i < 1 and -inf when c_i > 1. Where several x_i vanish and those terms
/// have opposite signs the density has no limit; we then take its limit
/// along the path on which the vanishing x_i stay equal, which is
/// +inf, -inf or finite as S = sum over the vanishing i of (c_i - 1) is
/// negative, positive or zero (torch's xlogy sum gives NaN there). Computed in
/// double and returned in the promoted dtype of `x` and `c`.
///
/// Example:
/// \code
///   td::dirichlet_log_prob(at::tensor({0.2, 0.8}), at::tensor({1.0, 3.0}));  // log(3 * 0.8^2)
/// \endcode
at::Tensor dirichlet_log_prob(const at::Tensor& x, const at::Tensor& concentration);

/// Differential entropy of Dir(c) with c_0 = sum_i c_i and k categories:
///   H = sum_i lgamma(c_i) - lgamma(c_0) + (c_0 - k) digamma(c_0) - sum_i (c_i - 1) digamma(c_i).
/// Computed in double (the terms cancel heavily for large c), returned in
/// the dtype of `c`.
///
/// Example:
/// \code
///   td::dirichlet_entropy(at::ones({3}));  // -log(2) (uniform on a simplex of area 1/2)
/// \endcode
at::Tensor dirichlet_entropy(const at::Tensor& concentration);

/// The mode of Dir(c), over the last dimension.
///
/// As in torch 2.x: m_i = max(c_i - 1, 0) / sum_j max(c_j - 1, 0) when some
/// c_j > 1, and the first vertex (one-hot at index 0) when every c_j < 1
/// (the density is then infinite at every vertex). Deviation from torch,
/// which returns NaN: when every c_j <= 1 and some c_j = 1, the mode is the
/// vertex of the first c_j = 1 (the density is maximal, or infinite, there;
/// for c = 1 everywhere, the uniform case, every point is a mode).
///
/// Example:
/// \code
///   td::dirichlet_mode(at::tensor({2.0, 3.0, 1.0}));  // [1/3, 2/3, 0]
/// \endcode
at::Tensor dirichlet_mode(const at::Tensor& concentration);

/// The Dirichlet distribution Dir(c) over probability vectors of length
/// k = c.size(-1): density prod_i x_i^(c_i - 1) / B(c) on the simplex
/// {x : x_i >= 0, sum_i x_i = 1}, with B(c) = prod_i Gamma(c_i) / Gamma(sum_i c_i).
///
/// `concentration` must be at least one-dimensional with k >= 1; its last
/// dimension is the event, the others the batch. Every c_i must be positive.
///
/// Sampling draws G_i ~ Gamma(c_i) in log space and returns softmax(log G),
/// reparameterized (see `rsample`), so gradients flow to `concentration`.
/// Differences from torch, on purpose: samples and their gradients stay
/// finite, and gradients unbiased, for concentrations from 1e-3 (where
/// torch's gamma variates underflow to 0) to 1e4, in float32 and float64;
/// `log_prob` is exact on the faces of the simplex, where torch 1.x gives
/// NaN; `mode` is defined where torch gives NaN; k = 0 is rejected (torch
/// builds a distribution that has no valid value and a NaN entropy).
///
/// An exponential family: theta = c, t(x) = log x (componentwise),
/// F(c) = sum_i lgamma(c_i) - lgamma(sum_i c_i), k(x) = -sum_i log x_i.
///
/// Example:
/// \code
///   td::Dirichlet d(at::tensor({0.5, 2.0, 3.0}));
///   at::Tensor x = d.rsample({10});  // [10, 3], rows on the simplex
///   at::Tensor lp = d.log_prob(x);   // [10]
/// \endcode
class Dirichlet : public Family<Dirichlet, ExponentialFamily> {
 public:
  Dirichlet(at::Tensor concentration, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Dirichlet"; }
  /// The concentration vector(s) c (often called alpha), shape batch_shape + [k].
  const at::Tensor& concentration() const { return concentration_; }

  bool has_rsample() const override { return true; }
  ConstraintPtr support() const override { return constraints::simplex(); }

  /// Reparameterized samples: G_i ~ Gamma(c_i) drawn in log space by the
  /// boosting identity log G_i = log G(c_i + 1) + log(U_i) / c_i with
  /// U_i ~ Uniform(0, 1], then x = softmax(log G), in double.
  ///
  /// The gradient is torch's implicit reparameterization gradient
  /// (`_Dirichlet_backward`): grad_c_i = g_i (grad_i - sum_j x_j grad_j),
  /// with g_i = (dx_i/dc_i) / (1 - x_i) for the marginal
  /// x_i ~ Beta(c_i, sum_{j != i} c_j) (see `Beta::rsample`), computed
  /// accurately where torch's approximation is not.
  ///
  /// Components that underflow (below the dtype's smallest normal number)
  /// are raised to it, so every sample has a finite `log_prob`; gradients
  /// are those of the unrounded sample. Returned in the dtype of
  /// `concentration`. Second derivatives are not implemented.
  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  /// See `dirichlet_log_prob`.
  at::Tensor log_prob(const at::Tensor& value) const override;
  /// See `dirichlet_entropy`.
  at::Tensor entropy() const override;
  /// c / sum(c).
  at::Tensor mean() const override;
  /// See `dirichlet_mode`.
  at::Tensor mode() const override;
  /// c_i (c_0 - c_i) / (c_0^2 (c_0 + 1)) with c_0 = sum(c).
  at::Tensor variance() const override;

  /// The natural parameter {concentration}, for the sufficient statistic
  /// t(x) = log x (componentwise), shape `batch_shape + [k]`.
  std::vector<at::Tensor> natural_params() const override;
  /// F(c) = sum_i lgamma(c_i) - lgamma(sum_i c_i) = log B(c).
  at::Tensor log_normalizer(const std::vector<at::Tensor>& natural_params) const override;
  /// E[k(x)] = E[-sum_i log x_i] = k digamma(c_0) - sum_i digamma(c_i)
  /// (torch's Dirichlet does not define it).
  at::Tensor mean_carrier_measure() const override;

 protected:
  ParamList params() const override {
    return {{"concentration", &concentration_, constraints::independent(constraints::positive(), 1), 1}};
  }

 private:
  at::Tensor concentration_;
};

}  // namespace torchdist
