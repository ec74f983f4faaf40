#include "torchdist/transforms/matrix.h"

#include <ATen/TensorIndexing.h>

#include <cmath>

#include "torchdist/core/utils.h"

namespace torchdist {

using at::indexing::Ellipsis;

namespace {

void check_square(const at::Tensor& m, const char* who) {
  TORCH_CHECK_VALUE(m.dim() >= 2 && m.size(-1) == m.size(-2), who, ": expected square matrices, got shape ",
                    m.sizes());
}

// The side D of a matrix whose strict lower triangle holds n entries.
int64_t side_for(int64_t n, const char* who) {
  const auto d = static_cast<int64_t>(std::llround(std::sqrt(0.25 + 2.0 * static_cast<double>(n)) + 0.5));
  TORCH_CHECK_VALUE(d * (d - 1) / 2 == n, who, ": a vector of length ", n,
                    " is not the strict lower triangle of a square matrix");
  return d;
}

}  // namespace

namespace detail {
at::Tensor vec_to_strict_tril(const at::Tensor& vec, int64_t dim) {
  std::vector<int64_t> shape = vec.sizes().slice(0, vec.dim() - 1).vec();
  shape.push_back(dim);
  shape.push_back(dim);
  at::Tensor idx = at::tril_indices(dim, dim, -1, vec.options().dtype(at::kLong));
  at::Tensor mat = at::zeros(shape, vec.options());
  mat.index_put_({Ellipsis, idx[0], idx[1]}, vec);  // a fresh tensor: in place is safe for autograd
  return mat;
}

at::Tensor tril_to_vec(const at::Tensor& mat, int64_t offset) {
  at::Tensor idx = at::tril_indices(mat.size(-2), mat.size(-1), offset, mat.options().dtype(at::kLong));
  return mat.index({Ellipsis, idx[0], idx[1]});
}
}  // namespace detail

// ------------------------------------------------------------ LowerCholesky

at::Tensor LowerCholeskyTransform::call(const at::Tensor& x) const {
  check_square(x, "LowerCholeskyTransform");
  return x.tril(-1) + at::diag_embed(x.diagonal(0, -2, -1).exp());
}

at::Tensor LowerCholeskyTransform::inverse_call(const at::Tensor& y) const {
  check_square(y, "LowerCholeskyTransform");
  return y.tril(-1) + at::diag_embed(y.diagonal(0, -2, -1).log());
}

at::Tensor LowerCholeskyTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const {
  return x.diagonal(0, -2, -1).sum(-1);
}

// ------------------------------------------------------------ PositiveDefinite

at::Tensor PositiveDefiniteTransform::call(const at::Tensor& x) const {
  at::Tensor l = LowerCholeskyTransform().forward_unchecked(x);
  return at::matmul(l, l.transpose(-2, -1));
}

at::Tensor PositiveDefiniteTransform::inverse_call(const at::Tensor& y) const {
  check_square(y, "PositiveDefiniteTransform");
  return LowerCholeskyTransform().inverse_unchecked(at::linalg_cholesky(y));
}

at::Tensor PositiveDefiniteTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const {
  check_square(x, "PositiveDefiniteTransform");
  const int64_t n = x.size(-1);
  // Weights n - i + 2 for i = 1..n.
  at::Tensor weights = at::arange(n + 1, 1, -1, x.options());
  return n * std::log(2.0) + (x.diagonal(0, -2, -1) * weights).sum(-1);
}

// ------------------------------------------------------------ CorrCholesky

at::Tensor CorrCholeskyTransform::call(const at::Tensor& x) const {
  TORCH_CHECK_VALUE(x.dim() >= 1, "CorrCholeskyTransform: input must be at least 1-D");
  const int64_t d = side_for(x.size(-1), "CorrCholeskyTransform");
  const double eps = finfo_eps(x.scalar_type());
  // Partial correlations in (-1, 1), strictly inside so that every row keeps
  // some length for the diagonal.
  at::Tensor r = detail::vec_to_strict_tril(x.tanh().clamp(-1 + eps, 1 - eps), d);
  // Row i, entry j: r_ij * sqrt(prod_{k<j} (1 - r_ik^2)); diagonal: the rest.
  at::Tensor remaining = (1 - r.pow(2)).sqrt().cumprod(-1);
  at::Tensor scale = at::cat({at::ones_like(remaining.narrow(-1, 0, 1)), remaining.narrow(-1, 0, d - 1)}, -1);
  return (r + at::eye(d, x.options())) * scale;
}

at::Tensor CorrCholeskyTransform::inverse_call(const at::Tensor& y) const {
  check_square(y, "CorrCholeskyTransform");
  const int64_t d = y.size(-1);
  // 1 - sum_{k<j} y_ik^2: the squared length left in row i before column j.
  at::Tensor left = 1 - y.pow(2).cumsum(-1);
  at::Tensor left_shifted = at::cat({at::ones_like(left.narrow(-1, 0, 1)), left.narrow(-1, 0, d - 1)}, -1);
  at::Tensor t = detail::tril_to_vec(y) / detail::tril_to_vec(left_shifted).sqrt();
  return at::atanh(t);
}

at::Tensor CorrCholeskyTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const {
  at::Tensor left = 1 - y.pow(2).cumsum(-1);
  at::Tensor stick_breaking = 0.5 * detail::tril_to_vec(left, -2).log().sum(-1);
  // log(1 - tanh(x)^2) in the form that stays finite for large |x|.
  at::Tensor tanh_term = -2 * (x + at::softplus(-2 * x) - std::log(2.0)).sum(-1);
  return stick_breaking + tanh_term;
}

std::vector<int64_t> CorrCholeskyTransform::forward_shape(at::IntArrayRef shape) const {
  TORCH_CHECK_VALUE(!shape.empty(), "CorrCholeskyTransform: input must be at least 1-D");
  const int64_t d = side_for(shape.back(), "CorrCholeskyTransform");
  std::vector<int64_t> out(shape.begin(), shape.end() - 1);
  out.push_back(d);
  out.push_back(d);
  return out;
}

std::vector<int64_t> CorrCholeskyTransform::inverse_shape(at::IntArrayRef shape) const {
  TORCH_CHECK_VALUE(shape.size() >= 2 && shape[shape.size() - 1] == shape[shape.size() - 2],
                    "CorrCholeskyTransform: expected square matrices, got shape ", shape);
  const int64_t d = shape.back();
  std::vector<int64_t> out(shape.begin(), shape.end() - 2);
  out.push_back(d * (d - 1) / 2);
  return out;
}

}  // namespace torchdist
