#pragma once
/// \file
/// Transforms onto matrix spaces: lower Cholesky factors, positive-definite
/// matrices, and Cholesky factors of correlation matrices.

#include "torchdist/transforms/transform.h"

namespace torchdist {

/// Unconstrained square matrices to lower-triangular matrices with a
/// positive diagonal: the strict lower triangle is kept, the diagonal
/// exponentiated, the upper triangle dropped.
///
/// The log-det is that of the map restricted to the lower triangle (the
/// coordinates it does not drop): the sum of the diagonal of x.
///
/// Example:
/// \code
///   td::LowerCholeskyTransform().forward(at::zeros({2, 2}));  // identity
/// \endcode
class LowerCholeskyTransform final : public TransformBase<LowerCholeskyTransform> {
 public:
  explicit LowerCholeskyTransform(int cache_size = 0) : TransformBase(cache_size) {}
  std::string name() const override { return "LowerCholeskyTransform()"; }
  ConstraintPtr domain() const override { return constraints::independent(constraints::real(), 2); }
  ConstraintPtr codomain() const override { return constraints::lower_cholesky(); }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;

 protected:
  at::Tensor call(const at::Tensor& x) const override;
  at::Tensor inverse_call(const at::Tensor& y) const override;
};

/// Unconstrained square matrices to symmetric positive-definite ones:
/// A = L L^T with L = LowerCholeskyTransform()(x).
///
/// The log-det is that of the map from the lower triangle of x to the lower
/// triangle of A: n log 2 + sum_i (n - i + 2) x_ii (i = 1..n), from
/// |d(L L^T)/dL| = 2^n prod_i L_ii^(n - i + 1) and dL_ii/dx_ii = L_ii.
///
/// Example:
/// \code
///   td::PositiveDefiniteTransform().forward(at::zeros({3, 3}));  // identity
/// \endcode
class PositiveDefiniteTransform final : public TransformBase<PositiveDefiniteTransform> {
 public:
  explicit PositiveDefiniteTransform(int cache_size = 0) : TransformBase(cache_size) {}
  std::string name() const override { return "PositiveDefiniteTransform()"; }
  ConstraintPtr domain() const override { return constraints::independent(constraints::real(), 2); }
  ConstraintPtr codomain() const override { return constraints::positive_definite(); }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;

 protected:
  at::Tensor call(const at::Tensor& x) const override;
  at::Tensor inverse_call(const at::Tensor& y) const override;
};

/// Unconstrained vectors of length D(D-1)/2 to Cholesky factors of D x D
/// correlation matrices (lower triangular, positive diagonal, unit rows):
/// tanh maps each entry into (-1, 1), filling the strict lower triangle row
/// by row, and stick-breaking on squared values scales each row to unit
/// norm (the construction of LKJ, Lewandowski et al. 2009).
///
/// Example:
/// \code
///   td::CorrCholeskyTransform().forward(at::zeros({3})).sizes();  // [3, 3], the identity
/// \endcode
class CorrCholeskyTransform final : public TransformBase<CorrCholeskyTransform> {
 public:
  explicit CorrCholeskyTransform(int cache_size = 0) : TransformBase(cache_size) {}
  std::string name() const override { return "CorrCholeskyTransform()"; }
  ConstraintPtr domain() const override { return constraints::real_vector(); }
  ConstraintPtr codomain() const override { return constraints::corr_cholesky(); }
  bool bijective() const override { return true; }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;
  std::vector<int64_t> forward_shape(at::IntArrayRef shape) const override;
  std::vector<int64_t> inverse_shape(at::IntArrayRef shape) const override;

 protected:
  at::Tensor call(const at::Tensor& x) const override;
  at::Tensor inverse_call(const at::Tensor& y) const override;
};

namespace detail {
/// Fills the strictly lower triangle of D x D matrices row by row from the
/// last dimension of `vec` (length D(D-1)/2); the rest is zero.
at::Tensor vec_to_strict_tril(const at::Tensor& vec, int64_t dim);
/// The inverse: the strictly lower triangle (offset `offset` <= -1) of
/// matrices, row by row, as vectors.
at::Tensor tril_to_vec(const at::Tensor& mat, int64_t offset = -1);
}  // namespace detail

}  // namespace torchdist
