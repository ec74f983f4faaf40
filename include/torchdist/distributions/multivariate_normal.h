#pragma once
/// \file
/// The multivariate normal (Gaussian) distribution, parameterized by a
/// mean vector and one of a covariance matrix, a precision matrix or the
/// covariance's lower Cholesky factor.

#include "torchdist/core/distribution.h"
#include "torchdist/core/lazy.h"
#include "torchdist/core/utils.h"
#include "torchdist/distributions/matrix_params.h"

namespace torchdist {

/// log N(x | loc, L L^T) for a lower Cholesky factor L ([..., D, D]) of the
/// covariance:
///   -(D log(2 pi) + |L^{-1}(x - loc)|^2) / 2 - sum_i log L_ii,
/// the Mahalanobis term by one triangular solve (no inverse is formed).
/// `x` [..., D], `loc` [..., D] and the batch dimensions of `scale_tril`
/// broadcast; the result has the broadcast batch shape, in the promoted
/// floating dtype of the three.
///
/// Example:
/// \code
///   at::Tensor L = at::eye(2, at::kDouble);
///   td::multivariate_normal_log_prob(at::zeros({2}, at::kDouble), at::zeros({2}, at::kDouble), L);  // -log(2 pi)
/// \endcode
at::Tensor multivariate_normal_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale_tril);

/// Differential entropy of N(loc, L L^T), which does not depend on loc:
///   H = D (1 + log(2 pi)) / 2 + sum_i log L_ii,
/// shape `scale_tril.shape[:-2]`.
///
/// Example:
/// \code
///   td::multivariate_normal_entropy(at::eye(3, at::kDouble));  // 1.5 (1 + log(2 pi))
/// \endcode
at::Tensor multivariate_normal_entropy(const at::Tensor& scale_tril);

/// The multivariate normal distribution N(loc, Sigma) over R^D:
///   p(x) = (2 pi)^{-D/2} det(Sigma)^{-1/2} exp(-(x - loc)^T Sigma^{-1} (x - loc) / 2).
///
/// `loc` is [..., D] (at least one-dimensional) and the matrix [..., D, D];
/// their batch dimensions broadcast to `batch_shape`, and `event_shape` is
/// [D]. The matrix is exactly one of
///  - `td::scale_tril(L)`: lower triangular with a positive diagonal,
///    Sigma = L L^T (the cheapest form: everything works from L);
///  - `td::covariance_matrix(S)`: symmetric positive definite, L = chol(S);
///  - `td::precision_matrix(P)`: symmetric positive definite, Sigma = P^{-1};
///    L is found from chol(J P J) (J the exchange matrix) and one triangular
///    solve, without inverting P (torch's method).
/// The factor L is computed in the constructor, as in torch; the other two
/// matrices are derived from it on first use and cached (the one given is
/// returned as given, broadcast).
///
/// Parameters broadcast and promote to a common floating dtype (torch
/// requires equal dtypes); integer tensors become the default dtype.
/// Validation (`validate_args`) checks `loc` against real_vector(), S and P
/// against positive_definite() (symmetric to 1e-6 and a successful
/// Cholesky factorization: NaN, singular or indefinite matrices are
/// rejected with a `c10::ValueError`, never a crash) and L against
/// lower_cholesky(). Shapes are always checked: loc at least 1-d, square
/// matrices, equal D (torch does not check D and fails later), and
/// broadcastable batch shapes.
///
/// mean = mode = loc, variance = diag(Sigma) = sum_j L_ij^2; entropy and
/// log_prob: see `multivariate_normal_entropy`, `multivariate_normal_log_prob`.
///
/// Example:
/// \code
///   at::Tensor S = at::tensor({2.0, 0.5, 0.5, 1.0}).reshape({2, 2});
///   td::MultivariateNormal mvn(at::zeros({2}), td::covariance_matrix(S));
///   at::Tensor x = mvn.rsample({100});  // [100, 2]
///   at::Tensor lp = mvn.log_prob(x);    // [100]
///   at::Tensor P = mvn.precision_matrix();
/// \endcode
class MultivariateNormal : public Family<MultivariateNormal> {
 public:
  /// `matrix` is `td::scale_tril(L)`, `td::covariance_matrix(S)` or
  /// `td::precision_matrix(P)`, or
  /// `td::MatrixParam::from_optional("MultivariateNormal", S, P, L)`.
  MultivariateNormal(at::Tensor loc, MatrixParam matrix, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "MultivariateNormal"; }
  /// The mean, broadcast to `batch_shape + [D]`.
  const at::Tensor& loc() const { return loc_; }
  /// The lower Cholesky factor L of the covariance, `batch_shape + [D, D]`.
  const at::Tensor& scale_tril() const;
  /// Sigma = L L^T, `batch_shape + [D, D]`.
  const at::Tensor& covariance_matrix() const;
  /// Sigma^{-1} = L^{-T} L^{-1} from the factor (`at::cholesky_inverse`),
  /// `batch_shape + [D, D]`.
  const at::Tensor& precision_matrix() const;
  /// How the distribution was built.
  MatrixParam::Kind param_kind() const { return kind_; }

  bool has_rsample() const override { return true; }
  ConstraintPtr support() const override { return constraints::real_vector(); }

  /// loc + L eps with eps ~ N(0, I), differentiable in loc and the matrix.
  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  /// See `multivariate_normal_log_prob`; shape: the broadcast of the
  /// value's batch dimensions with `batch_shape`.
  at::Tensor log_prob(const at::Tensor& value) const override;
  /// See `multivariate_normal_entropy`; shape `batch_shape`.
  at::Tensor entropy() const override;
  at::Tensor mean() const override { return loc_; }
  at::Tensor mode() const override { return loc_; }
  /// The diagonal of Sigma, `batch_shape + [D]`.
  at::Tensor variance() const override;

  /// loc and all three matrix forms (covariance_matrix, precision_matrix,
  /// scale_tril), whichever was given, as torch lists them.
  std::vector<ArgConstraint> arg_constraints() const override;

 protected:
  /// loc and the matrix as given.
  ParamList params() const override;

 private:
  std::vector<int64_t> matrix_shape() const;

  at::Tensor loc_;
  at::Tensor unbroadcasted_scale_tril_;  // the factor, with the matrix's own batch shape (expand shares it)
  at::Tensor param_;                     // the user's matrix, with its own batch shape until expanded
  MatrixParam::Kind kind_;
  detail::LazyTensor scale_tril_, covariance_, precision_;
};

}  // namespace torchdist
