#include "linalg_helpers.h"

#include <c10/core/DefaultDtype.h>

#include "torchdist/core/constraints.h"

namespace torchdist {
namespace detail {

std::vector<int64_t> broadcast_batch_shapes(const char* distribution, const char* a_name, at::IntArrayRef a,
                                            const char* b_name, at::IntArrayRef b) {
  const size_t n = std::max(a.size(), b.size());
  std::vector<int64_t> out(n, 1);
  for (size_t i = 0; i < n; ++i) {
    const int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    const int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    TORCH_CHECK_VALUE(da == db || da == 1 || db == 1, distribution, ": the batch shapes of ", a_name, " ", a,
                      " and ", b_name, " ", b, " do not broadcast");
    out[n - 1 - i] = da == 1 ? db : da;
  }
  return out;
}

at::ScalarType float_type_of(std::initializer_list<at::Tensor> tensors) {
  at::ScalarType t = tensors.begin()->scalar_type();
  for (const at::Tensor& x : tensors) t = at::promote_types(t, x.scalar_type());
  return at::isFloatingType(t) ? t : c10::get_default_dtype_as_scalartype();
}

void check_square_matrix(const char* distribution, const char* arg, const at::Tensor& m) {
  TORCH_CHECK_VALUE(m.defined(), distribution, ": ", arg, " must be a defined tensor");
  TORCH_CHECK_VALUE(m.dim() >= 2, distribution, ": ", arg,
                    " must be at least two-dimensional, with optional leading batch dimensions, got shape ",
                    m.sizes());
  TORCH_CHECK_VALUE(m.size(-1) == m.size(-2), distribution, ": ", arg,
                    " must be a batch of square matrices, got shape ", m.sizes());
  TORCH_CHECK_VALUE(m.size(-1) >= 1, distribution, ": ", arg, " must have at least one row, got shape ",
                    m.sizes());
}

at::Tensor batch_mv(const at::Tensor& m, const at::Tensor& v) { return at::matmul(m, v.unsqueeze(-1)).squeeze(-1); }

at::Tensor batch_mahalanobis(const at::Tensor& L, const at::Tensor& x) {
  const int64_t n = x.size(-1);
  const at::IntArrayRef lb = L.sizes().slice(0, L.dim() - 2);
  const at::IntArrayRef xb = x.sizes().slice(0, x.dim() - 1);
  const std::vector<int64_t> full = at::infer_size(lb, xb);
  const int64_t r = static_cast<int64_t>(full.size());
  std::vector<int64_t> lpad(r, 1);
  std::copy(lb.begin(), lb.end(), lpad.begin() + (r - static_cast<int64_t>(lb.size())));
  // "Kept" dimensions index the factor; "free" ones (L constant, x not)
  // become columns of one right-hand side per factor.
  std::vector<int64_t> kept, free, perm;
  for (int64_t i = 0; i < r; ++i) (lpad[i] == 1 && full[i] != 1 ? free : kept).push_back(i);
  perm = kept;
  perm.insert(perm.end(), free.begin(), free.end());
  perm.push_back(r);
  int64_t kb = 1, fb = 1;
  std::vector<int64_t> permuted_shape;
  for (int64_t i : kept) {
    kb *= full[i];
    permuted_shape.push_back(full[i]);
  }
  for (int64_t i : free) {
    fb *= full[i];
    permuted_shape.push_back(full[i]);
  }
  std::vector<int64_t> x_shape = full;
  x_shape.push_back(n);
  const at::Tensor rhs = x.expand(x_shape).permute(perm).reshape({kb, fb, n}).transpose(-2, -1);
  const at::Tensor Lf = L.reshape({kb, n, n});
  const at::Tensor m = at::linalg_solve_triangular(Lf, rhs, /*upper=*/false).pow(2).sum(-2);  // [kb, fb]
  std::vector<int64_t> inverse(r);
  for (int64_t i = 0; i < r; ++i) inverse[perm[i]] = i;
  return m.reshape(permuted_shape).permute(inverse);
}

at::Tensor half_log_det(const at::Tensor& L) { return L.diagonal(0, -2, -1).log().sum(-1); }

namespace {
// precision_to_scale_tril from Lf = chol(J P J).
at::Tensor scale_tril_from_flipped_factor(const at::Tensor& Lf, const at::Tensor& P) {
  const at::Tensor Ut = Lf.flip({-2, -1}).transpose(-2, -1);  // U^T, lower triangular
  const at::Tensor eye = at::eye(P.size(-1), P.options()).expand_as(Ut);
  return at::linalg_solve_triangular(Ut, eye, /*upper=*/false);
}
}  // namespace

at::Tensor precision_to_scale_tril(const at::Tensor& P) {
  return scale_tril_from_flipped_factor(at::linalg_cholesky(P.flip({-2, -1})), P);
}

at::Tensor scale_tril_of(MatrixParam::Kind kind, const at::Tensor& m) {
  switch (kind) {
    case MatrixParam::Kind::kScaleTril: return m;
    case MatrixParam::Kind::kCovarianceMatrix: return at::linalg_cholesky(m);
    case MatrixParam::Kind::kPrecisionMatrix: return precision_to_scale_tril(m);
  }
  TORCH_INTERNAL_ASSERT(false, "unknown matrix parameterization");
}

at::Tensor checked_scale_tril(MatrixParam::Kind kind, const at::Tensor& m) {
  if (kind == MatrixParam::Kind::kScaleTril || !has_no_infinities(m).value_or(false) ||
      !constraints::symmetric()->all_satisfied(m).value_or(false)) {
    return {};
  }
  const bool precision = kind == MatrixParam::Kind::kPrecisionMatrix;
  // J P J is positive definite exactly when P is. linalg_cholesky_ex's
  // factor carries autograd as linalg_cholesky's does.
  const auto factored = at::linalg_cholesky_ex(precision ? m.flip({-2, -1}) : m);
  if (!(std::get<1>(factored) == 0).all().item<bool>()) return {};
  const at::Tensor& L = std::get<0>(factored);
  return precision ? scale_tril_from_flipped_factor(L, m) : L;
}

at::Tensor cholesky_inverse_batched(const at::Tensor& L) {
  // at::cholesky_inverse takes batches in LibTorch >= 1.13 (and 2.x).
  return at::cholesky_inverse(L, /*upper=*/false);
}

}  // namespace detail
}  // namespace torchdist
