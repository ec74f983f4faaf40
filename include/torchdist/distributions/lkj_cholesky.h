#pragma once
/// \file
/// The LKJ distribution over lower Cholesky factors of correlation matrices.

#include "torchdist/core/distribution.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log LKJCholesky(L | dim, eta) for L [..., dim, dim] and concentration
/// eta (batch shape):
///   sum_{i=1}^{dim-1} (2 (eta - 1) + dim - 1 - i) log L_ii - log Z,
///   log Z = (dim - 1) log(pi) / 2 + log Gamma_{dim-1}(eta + (dim - 2) / 2)
///           - (dim - 1) lgamma(eta + (dim - 1) / 2),
/// (Lewandowski, Kurowicka and Joe 2009, p. 1999), with Gamma_p the
/// multivariate gamma function. The density is with respect to Lebesgue
/// measure on the strictly-lower entries of L: the correlation matrix
/// density det(R)^(eta - 1) / Z_R times the Jacobian prod_i L_ii^(dim-1-i)
/// of L -> R = L L^T. For dim = 2 this is the density of r = L_10 itself:
/// (1 - r^2)^(eta - 1) Gamma(eta + 1/2) / (sqrt(pi) Gamma(eta)).
///
/// Example:
/// \code
///   at::Tensor L = at::eye(3, at::kDouble);
///   td::lkj_cholesky_log_prob(L, at::full({}, 2.0, at::kDouble));
/// \endcode
at::Tensor lkj_cholesky_log_prob(const at::Tensor& value, const at::Tensor& concentration);

/// LKJCholesky(dim, eta): the law of the lower Cholesky factor L of a
/// dim x dim correlation matrix R = L L^T whose density is proportional to
/// det(R)^(eta - 1) (Lewandowski, Kurowicka and Joe, "Generating random
/// correlation matrices based on vines and extended onion method", J.
/// Multivariate Anal. 2009). eta = 1 is uniform over correlation matrices;
/// eta > 1 favours the identity, eta < 1 strong correlations. Each
/// off-diagonal correlation R_ij has marginal (R_ij + 1) / 2 ~
/// Beta(eta - 1 + dim / 2, eta - 1 + dim / 2).
///
/// `dim` >= 2 (always checked); `concentration` (a number or a tensor) gives
/// the batch shape and must be positive (checked when validating). The
/// support is corr_cholesky(): lower triangular, positive diagonal, rows of
/// unit norm; `event_shape` is [dim, dim].
///
/// Sampling (not reparameterized, as in torch) uses the onion method: row
/// i >= 1 of L is (sqrt(y_i) u_i, sqrt(1 - |w_i|^2)) with u_i uniform on the
/// unit sphere in R^i and y_i ~ Beta(i / 2, eta + (dim - 2) / 2 - (i - 1) / 2),
/// drawn by the library's Beta sampler. Deviation from torch (1.13 to 2.x),
/// whose first Beta parameter is i - 1/2 instead of i / 2 for rows i >= 2:
/// torch's samples for dim >= 3 do not follow the LKJ law (the marginals
/// of R_ij with i >= 2 fail a KS test at p < 1e-18 with 20000 draws), ours
/// do. For dim = 2 both agree. `log_prob` is torch's.
///
/// torch defines no mean, mode, variance or entropy for this family; these
/// throw `c10::NotImplementedError`.
///
/// Example:
/// \code
///   td::LKJCholesky lkj(3, 0.5);
///   at::Tensor L = lkj.sample({10});  // [10, 3, 3]; L[k] L[k]^T is a correlation matrix
///   at::Tensor lp = lkj.log_prob(L);  // [10]
/// \endcode
class LKJCholesky : public Family<LKJCholesky> {
 public:
  LKJCholesky(int64_t dim, ScalarOrTensor concentration = 1.0, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "LKJCholesky"; }
  /// The matrix dimension.
  int64_t dim() const { return dim_; }
  /// eta, `batch_shape`.
  const at::Tensor& concentration() const { return concentration_; }

  ConstraintPtr support() const override { return constraints::corr_cholesky(); }

  /// Onion-method samples (see the class notes), shape
  /// `sample_shape + batch_shape + [dim, dim]`, no gradient.
  at::Tensor sample(at::IntArrayRef sample_shape = {},
                    c10::optional<at::Generator> generator = c10::nullopt) const override;
  /// See `lkj_cholesky_log_prob`.
  at::Tensor log_prob(const at::Tensor& value) const override;

 protected:
  ParamList params() const override { return {{"concentration", &concentration_, constraints::positive()}}; }

 private:
  int64_t dim_;
  at::Tensor concentration_;
};

}  // namespace torchdist
