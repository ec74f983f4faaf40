#pragma once
// Private linear-algebra helpers shared by MultivariateNormal,
// LowRankMultivariateNormal and Wishart (not installed).

#include <ATen/ATen.h>

#include <initializer_list>
#include <vector>

#include "torchdist/distributions/matrix_params.h"

namespace torchdist {
namespace detail {

/// The broadcast of two batch shapes; a `c10::ValueError` naming
/// `distribution` and both arguments when they do not broadcast.
std::vector<int64_t> broadcast_batch_shapes(const char* distribution, const char* a_name, at::IntArrayRef a,
                                            const char* b_name, at::IntArrayRef b);

/// The promoted dtype of the tensors, or the default dtype if that is
/// not floating (integer parameters).
at::ScalarType float_type_of(std::initializer_list<at::Tensor> tensors);

/// Checks that `m` is a defined batch of square matrices ([..., n, n],
/// n >= 1), with a `c10::ValueError` naming `distribution` and `arg`.
void check_square_matrix(const char* distribution, const char* arg, const at::Tensor& m);

/// Matrix times vector over broadcast batch dimensions: m [..., n, k],
/// v [..., k] -> [..., n].
at::Tensor batch_mv(const at::Tensor& m, const at::Tensor& v);

/// The squared Mahalanobis distance x^T (L L^T)^{-1} x = |L^{-1} x|^2 by one
/// triangular solve. L is [B..., n, n] (lower, nonsingular), x is
/// [S..., B'..., n] with B' broadcasting with B; the result has the
/// broadcast batch shape. Dimensions along which L is constant are moved
/// into the columns of the right-hand side, so that L is never copied per
/// sample (as torch's `_batch_mahalanobis`).
at::Tensor batch_mahalanobis(const at::Tensor& L, const at::Tensor& x);

/// sum_i log L_ii = (1/2) log det(L L^T) for a Cholesky factor L.
at::Tensor half_log_det(const at::Tensor& L);

/// The lower Cholesky factor of P^{-1} for a positive-definite P, without
/// inverting P: with J the exchange matrix, chol(J P J) = Lf gives
/// P = U U^T with U = J Lf J upper triangular, so P^{-1} = U^{-T} U^{-1}
/// and U^{-T} (lower, positive diagonal) is the factor, found by one
/// triangular solve against the identity.
at::Tensor precision_to_scale_tril(const at::Tensor& P);

/// The lower Cholesky factor of the covariance described by `kind` and `m`
/// (m itself for a scale_tril).
at::Tensor scale_tril_of(MatrixParam::Kind kind, const at::Tensor& m);

/// scale_tril_of for a family that validates its covariance or precision
/// matrix: one factorization (linalg_cholesky_ex, which reports instead of
/// throwing) serves both the positive-definite check and the factor. The
/// factor where `m` is finite, symmetric (the constraint's scan; the
/// factorization reads one triangle only) and every matrix of the batch
/// factorizes; undefined otherwise (and for a scale_tril), where the caller
/// runs its full check, which reports what is wrong, and then scale_tril_of.
at::Tensor checked_scale_tril(MatrixParam::Kind kind, const at::Tensor& m);

/// (L L^T)^{-1} from the Cholesky factor L (`at::cholesky_inverse`, which
/// works from the triangular factor, batched).
at::Tensor cholesky_inverse_batched(const at::Tensor& L);

}  // namespace detail
}  // namespace torchdist
