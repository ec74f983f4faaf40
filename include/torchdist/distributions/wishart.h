#pragma once
/// \file
/// The Wishart distribution over symmetric positive-definite matrices.

#include <vector>

#include "torchdist/core/exponential_family.h"
#include "torchdist/core/lazy.h"
#include "torchdist/core/utils.h"
#include "torchdist/distributions/matrix_params.h"

namespace torchdist {

/// log W(X | df, S) for the scale's lower Cholesky factor L (S = L L^T),
/// with p = X.size(-1) and nu = df:
///   -nu (p log 2 / 2 + sum_i log L_ii) - log Gamma_p(nu / 2)
///   + (nu - p - 1) / 2 log det X - tr(S^{-1} X) / 2,
/// Gamma_p the multivariate gamma function (`at::mvlgamma`), log det X from
/// `at::linalg_slogdet` (its absolute value, as torch) and the trace as the
/// elementwise product sum with S^{-1} = `at::cholesky_inverse(L)`. `df`
/// has the batch shape and must exceed p - 1 (`at::mvlgamma` throws
/// otherwise).
///
/// Example:
/// \code
///   // p = 1: Wishart(nu, s^2) is s^2 Chi2(nu).
///   td::wishart_log_prob(at::ones({1, 1}, at::kDouble), at::full({}, 3.0, at::kDouble),
///                        at::ones({1, 1}, at::kDouble));  // log chi2_3 density at 1
/// \endcode
at::Tensor wishart_log_prob(const at::Tensor& x, const at::Tensor& df, const at::Tensor& scale_tril);

/// Differential entropy of Wishart(df, L L^T), with nu = df:
///   (p + 1) (p log 2 / 2 + sum_i log L_ii) + log Gamma_p(nu / 2)
///   - (nu - p - 1) / 2 psi_p(nu / 2) + nu p / 2,
/// psi_p(a) = sum_{i<p} digamma(a - i / 2) the multivariate digamma.
///
/// Example:
/// \code
///   td::wishart_entropy(at::full({}, 5.0, at::kDouble), at::eye(2, at::kDouble));
/// \endcode
at::Tensor wishart_entropy(const at::Tensor& df, const at::Tensor& scale_tril);

/// The Wishart distribution W_p(df, S): the law of sum_{k<df} z_k z_k^T
/// with z_k ~ N(0, S) for integer df, extended to real df > p - 1, with
/// density on p x p symmetric positive-definite matrices
///   det(X)^{(df-p-1)/2} exp(-tr(S^{-1} X)/2) / (2^{df p/2} det(S)^{df/2} Gamma_p(df/2)).
///
/// `df` (a number or a tensor) broadcasts with the matrix's batch
/// dimensions to `batch_shape`; `event_shape` is [p, p]. The scale is
/// exactly one of `td::covariance_matrix(S)`, `td::precision_matrix(P)`
/// (S = P^{-1}) or `td::scale_tril(L)` (S = L L^T), as for
/// MultivariateNormal; the factor L is computed in the constructor and the
/// other matrices on first use. Parameters promote to a common floating
/// dtype. Validation checks df > p - 1 (torch's `greater_than(p - 1)`) and
/// the matrix (positive_definite(), or lower_cholesky() for scale_tril);
/// shapes are always checked.
///
/// mean = df S, mode = (df - p - 1) S (NaN where df <= p + 1, as torch),
/// variance (elementwise) Var X_ij = df (S_ij^2 + S_ii S_jj).
///
/// Sampling is pathwise by the Bartlett decomposition: X = (L A)(L A)^T with
/// A lower triangular, A_ii = sqrt(c_i), c_i ~ Chi2(df - i) (i = 0..p-1,
/// drawn as 2 G with G ~ Gamma((df - i)/2) in log space by the library's
/// gamma sampler, reparameterized in df) and A_ij ~ N(0, 1) below the
/// diagonal. L A is a Cholesky factor whose diagonal is kept at or above
/// the dtype's smallest normal number, so every sample is positive definite
/// in exact arithmetic, and it is symmetrized exactly. For df close to
/// p - 1 the last A_ii is often tiny and a sample can be numerically
/// singular (its Cholesky factorization, the support check, fails): such
/// samples are redrawn, only those, at most 10 times (torch's
/// `max_try_correction` default), and returned as they are after that, so
/// sampling always terminates. This restricts the law to numerically
/// positive-definite matrices, the set `log_prob` accepts when validating;
/// the mass removed is below 1e-4 for df = p - 1/2 and negligible for
/// df >= p. Deviation from torch (1.13 and the current release), whose
/// first singularity test is inverted: it redraws the valid samples and
/// keeps the singular ones of the first draw. torch warns for df < p and on
/// singular samples; we print no warnings.
///
/// An exponential family: theta = (-S^{-1} / 2, (df - p - 1) / 2),
/// t(X) = (X, log det X), F = (df / 2) (log det S + p log 2) + log Gamma_p(df / 2),
/// k(X) = 0.
///
/// Example:
/// \code
///   at::Tensor S = at::tensor({2.0, 0.3, 0.3, 1.0}).reshape({2, 2});
///   td::Wishart w(5.0, td::covariance_matrix(S));
///   at::Tensor X = w.rsample({10});  // [10, 2, 2]
///   at::Tensor lp = w.log_prob(X);   // [10]
///   at::Tensor m = w.mean();         // 5 S
/// \endcode
class Wishart : public Family<Wishart, ExponentialFamily> {
 public:
  /// `matrix` is `td::covariance_matrix(S)`, `td::precision_matrix(P)` or
  /// `td::scale_tril(L)`, or `td::MatrixParam::from_optional("Wishart", S, P, L)`.
  Wishart(ScalarOrTensor df, MatrixParam matrix, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Wishart"; }
  /// The degrees of freedom, `batch_shape`.
  const at::Tensor& df() const { return df_; }
  /// The lower Cholesky factor of the scale, `batch_shape + [p, p]`.
  const at::Tensor& scale_tril() const;
  /// The scale matrix S, `batch_shape + [p, p]`.
  const at::Tensor& covariance_matrix() const;
  /// S^{-1}, from the factor, `batch_shape + [p, p]`.
  const at::Tensor& precision_matrix() const;
  /// How the distribution was built.
  MatrixParam::Kind param_kind() const { return kind_; }

  bool has_rsample() const override { return true; }
  ConstraintPtr support() const override { return constraints::positive_definite(); }

  /// Bartlett-decomposition samples, differentiable in df and the matrix
  /// (see the class notes).
  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  /// See `wishart_log_prob`.
  at::Tensor log_prob(const at::Tensor& value) const override;
  /// See `wishart_entropy`.
  at::Tensor entropy() const override;
  /// df S.
  at::Tensor mean() const override;
  /// (df - p - 1) S where df > p + 1, NaN elsewhere (as torch).
  at::Tensor mode() const override;
  /// df (S_ij^2 + S_ii S_jj), elementwise.
  at::Tensor variance() const override;

  /// The natural parameters {-S^{-1} / 2, (df - p - 1) / 2}, shapes
  /// `batch_shape + [p, p]` and `batch_shape`, for the sufficient statistics
  /// (X, log det X).
  std::vector<at::Tensor> natural_params() const override;
  /// F(x, y) = (y + (p + 1) / 2) (p log 2 - log det(-2x)) + log Gamma_p(y + (p + 1) / 2),
  /// log det(-2x) from the Cholesky factor of -2x.
  at::Tensor log_normalizer(const std::vector<at::Tensor>& natural_params) const override;
  /// 0: the carrier measure is k(X) = 0.
  at::Tensor mean_carrier_measure() const override;

  /// All three matrix forms (covariance_matrix, precision_matrix,
  /// scale_tril), whichever was given, then df: greater_than(p - 1), as
  /// torch's instances list them.
  std::vector<ArgConstraint> arg_constraints() const override;

 protected:
  /// The matrix as given, and df.
  ParamList params() const override;

 private:
  // greater_than(p - 1), what df is validated with (torch's class-level
  // greater_than(0) is narrowed so in its constructor).
  ConstraintPtr df_constraint() const;

  at::Tensor df_;                        // broadcast to batch_shape
  at::Tensor unbroadcasted_scale_tril_;  // the matrix's own batch shape (expand shares it)
  at::Tensor param_;                     // the user's matrix (promoted), its own batch shape until expanded
  MatrixParam::Kind kind_;
  detail::LazyTensor scale_tril_, covariance_, precision_, unbroadcasted_precision_;
};

}  // namespace torchdist
