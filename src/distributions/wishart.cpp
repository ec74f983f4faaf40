#include "torchdist/distributions/wishart.h"

#include <cmath>
#include <limits>

#include "sampling.h"
#include "linalg_helpers.h"

namespace torchdist {
namespace {

constexpr const char* kName = "Wishart";
const double kLog2 = std::log(2.0);
// How many times rsample redraws numerically singular samples (torch: 10).
constexpr int kMaxRedraws = 10;

std::vector<int64_t> checked_batch_shape(const ScalarOrTensor& df, const MatrixParam& matrix) {
  const at::Tensor& m = matrix.value();
  detail::check_square_matrix(kName, matrix.arg_name(), m);
  const at::IntArrayRef mb = m.sizes().slice(0, m.dim() - 2);
  if (df.is_scalar()) return mb.vec();
  TORCH_CHECK_VALUE(df.tensor().defined(), kName, ": df must be a defined tensor");
  return detail::broadcast_batch_shapes(kName, "df", df.tensor().sizes(), matrix.arg_name(), mb);
}

std::vector<int64_t> checked_event_shape(const ScalarOrTensor& df, const MatrixParam& matrix) {
  checked_batch_shape(df, matrix);
  const int64_t p = matrix.value().size(-1);
  return {p, p};
}

ConstraintPtr constraint_of(MatrixParam::Kind kind) {
  return kind == MatrixParam::Kind::kScaleTril ? constraints::lower_cholesky() : constraints::positive_definite();
}

// psi_p(a) = sum_{i<p} digamma(a - i/2).
at::Tensor mvdigamma(const at::Tensor& a, int64_t p) {
  const at::Tensor half_i = at::arange(p, a.options().requires_grad(false)) / 2;
  return at::digamma(a.unsqueeze(-1) - half_i).sum(-1);
}

// log W(X | nu, L) with the precision S^{-1} supplied by the caller.
at::Tensor log_prob_with_precision(const at::Tensor& x, const at::Tensor& df, const at::Tensor& L,
                                   const at::Tensor& precision) {
  const at::ScalarType dtype = detail::float_type_of({x, df, L});
  const at::Tensor xd = x.to(dtype);
  const at::Tensor nu = df.to(dtype);
  const int64_t p = L.size(-1);
  const double pd = static_cast<double>(p);
  const at::Tensor log_det_x = std::get<1>(at::linalg_slogdet(xd));
  // tr(S^{-1} X) = sum_ij (S^{-1})_ij X_ij since S^{-1} is symmetric.
  const at::Tensor trace = (precision.to(dtype) * xd).sum({-2, -1});
  return -nu * (pd * kLog2 / 2 + detail::half_log_det(L.to(dtype))) - at::mvlgamma(nu / 2, p) +
         (nu - pd - 1) / 2 * log_det_x - trace / 2;
}

// Bartlett's decomposition: X = (L A)(L A)^T with A lower triangular,
// A_ii^2 ~ Chi2(df - i) and A_ij ~ N(0, 1) below the diagonal. `df` and
// `L` broadcast to `prefix` (+ [p, p]); returns prefix + [p, p].
at::Tensor bartlett_sample(const at::Tensor& df, const at::Tensor& L, at::IntArrayRef prefix,
                           const c10::optional<at::Generator>& generator) {
  const int64_t p = L.size(-1);
  const at::ScalarType dtype = df.scalar_type();
  std::vector<int64_t> vec_shape = prefix.vec();
  vec_shape.push_back(p);
  // Chi2(k) = 2 Gamma(k / 2), drawn in log space (no underflow for small
  // shapes) and reparameterized in df.
  const at::Tensor dfd = df.to(at::kDouble);
  const at::Tensor alpha =
      ((dfd.unsqueeze(-1) - at::arange(p, dfd.options().requires_grad(false))) / 2).expand(vec_shape);
  const at::Tensor log_g = detail::log_standard_gamma(alpha, generator);
  const at::Tensor diag = at::exp(0.5 * (log_g + kLog2)).to(dtype);
  // Keep the factor nonsingular: a diagonal that underflowed is raised to the
  // smallest normal number, with the gradient of the exact value.
  const at::Tensor safe_diag =
      detail::clamp_keep_grad(diag, finfo_tiny(dtype), std::numeric_limits<double>::infinity());
  const at::Tensor below =
      at::randn(concat_shapes(prefix, {p, p}), generator, df.options().requires_grad(false)).tril(-1);
  const at::Tensor factor = at::matmul(L, below + at::diag_embed(safe_diag));
  const at::Tensor x = at::matmul(factor, factor.transpose(-2, -1));
  return (x + x.transpose(-2, -1)) / 2;
}

}  // namespace

at::Tensor wishart_log_prob(const at::Tensor& x, const at::Tensor& df, const at::Tensor& scale_tril) {
  return log_prob_with_precision(x, df, scale_tril, detail::cholesky_inverse_batched(scale_tril));
}

at::Tensor wishart_entropy(const at::Tensor& df, const at::Tensor& scale_tril) {
  const at::ScalarType dtype = detail::float_type_of({df, scale_tril});
  const at::Tensor nu = df.to(dtype);
  const int64_t p = scale_tril.size(-1);
  const double pd = static_cast<double>(p);
  return (pd + 1) * (pd * kLog2 / 2 + detail::half_log_det(scale_tril.to(dtype))) + at::mvlgamma(nu / 2, p) -
         (nu - pd - 1) / 2 * mvdigamma(nu / 2, p) + nu * pd / 2;
}

Wishart::Wishart(ScalarOrTensor df, MatrixParam matrix, c10::optional<bool> validate_args)
    : Family(checked_batch_shape(df, matrix), checked_event_shape(df, matrix), validate_args),
      kind_(matrix.kind()) {
  const at::ScalarType dtype =
      df.is_scalar() ? detail::float_type_of({matrix.value()}) : detail::float_type_of({matrix.value(), df.tensor()});
  param_ = matrix.value().to(dtype);
  df_ = df.to_tensor(param_.options()).to(dtype).expand(batch_shape());
  if (this->validate_args()) {
    // df first, as torch checks it (before its dict's checks), although the
    // declaration lists the matrix first. One factorization for the matrix's
    // check and the factor where the matrix is good; otherwise its full
    // check before the factorization, so that a bad matrix is reported as such.
    check_params({{"df", df_, df_constraint()}});
    unbroadcasted_scale_tril_ = detail::checked_scale_tril(kind_, param_);
    if (unbroadcasted_scale_tril_.defined()) return;
    check_params({{matrix.arg_name(), param_, constraint_of(kind_)}});
  }
  unbroadcasted_scale_tril_ = detail::scale_tril_of(kind_, param_);
}

ConstraintPtr Wishart::df_constraint() const {
  return constraints::greater_than(static_cast<double>(event_shape()[0] - 1));
}

Distribution::ParamList Wishart::params() const {
  return {{MatrixParam::arg_name(kind_), &param_, constraint_of(kind_), 2}, {"df", &df_, df_constraint()}};
}

std::vector<Distribution::ArgConstraint> Wishart::arg_constraints() const {
  std::vector<ArgConstraint> out;
  for (const MatrixParam::Kind kind :
       {MatrixParam::Kind::kCovarianceMatrix, MatrixParam::Kind::kPrecisionMatrix, MatrixParam::Kind::kScaleTril}) {
    out.push_back({MatrixParam::arg_name(kind), constraint_of(kind)});
  }
  out.push_back({"df", df_constraint()});
  return out;
}

const at::Tensor& Wishart::scale_tril() const {
  return scale_tril_.get([&] { return unbroadcasted_scale_tril_.expand(extended_shape()); });
}

const at::Tensor& Wishart::covariance_matrix() const {
  return covariance_.get([&] {
    if (kind_ == MatrixParam::Kind::kCovarianceMatrix) return param_.expand(extended_shape());
    const at::Tensor& L = unbroadcasted_scale_tril_;
    return at::matmul(L, L.transpose(-2, -1)).expand(extended_shape());
  });
}

const at::Tensor& Wishart::precision_matrix() const {
  return precision_.get([&] {
    if (kind_ == MatrixParam::Kind::kPrecisionMatrix) return param_.expand(extended_shape());
    return unbroadcasted_precision_.get([&] { return detail::cholesky_inverse_batched(unbroadcasted_scale_tril_); })
        .expand(extended_shape());
  });
}

at::Tensor Wishart::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const int64_t p = event_shape()[0];
  const std::vector<int64_t> prefix = concat_shapes(sample_shape, batch_shape());
  at::Tensor x = bartlett_sample(df_, unbroadcasted_scale_tril_, prefix, generator);
  // Redraw the samples that are numerically singular (a failed Cholesky
  // factorization, the test of the support), at most kMaxRedraws times.
  for (int attempt = 0; attempt < kMaxRedraws; ++attempt) {
    const at::Tensor bad = std::get<1>(at::linalg_cholesky_ex(x.detach())) != 0;
    if (!bad.any().item<bool>()) break;
    const at::Tensor idx = bad.reshape({-1}).nonzero().squeeze(-1);
    const int64_t k = idx.size(0);
    const at::Tensor df = df_.expand(prefix).reshape({-1}).index_select(0, idx);
    const at::Tensor L = unbroadcasted_scale_tril_.expand(concat_shapes(prefix, {p, p})).reshape({-1, p, p})
                             .index_select(0, idx);
    const at::Tensor fresh = bartlett_sample(df, L, {k}, generator);
    x = x.reshape({-1, p, p}).index_put({idx}, fresh).reshape(concat_shapes(prefix, {p, p}));
  }
  return x;
}

at::Tensor Wishart::log_prob(const at::Tensor& value) const {
  // Integer matrices in the parameters' dtype first: the support's check and
  // the density both take a Cholesky factor, which needs a floating type.
  if (value.defined() && !at::isFloatingType(value.scalar_type())) return log_prob(value.to(df_.scalar_type()));
  if (validate_args()) check_sample(value);
  const at::Tensor& precision =
      kind_ == MatrixParam::Kind::kPrecisionMatrix
          ? param_
          : unbroadcasted_precision_.get([&] { return detail::cholesky_inverse_batched(unbroadcasted_scale_tril_); });
  return log_prob_with_precision(value, df_, unbroadcasted_scale_tril_, precision);
}

at::Tensor Wishart::entropy() const { return wishart_entropy(df_, unbroadcasted_scale_tril_).expand(batch_shape()); }

at::Tensor Wishart::mean() const { return df_.unsqueeze(-1).unsqueeze(-1) * covariance_matrix(); }

at::Tensor Wishart::mode() const {
  const double p = static_cast<double>(event_shape()[0]);
  const at::Tensor factor = df_ - p - 1;
  const at::Tensor nan = at::full({}, std::numeric_limits<double>::quiet_NaN(), factor.options());
  return at::where(factor > 0, factor, nan).unsqueeze(-1).unsqueeze(-1) * covariance_matrix();
}

at::Tensor Wishart::variance() const {
  const at::Tensor& V = covariance_matrix();
  const at::Tensor diag = V.diagonal(0, -2, -1);
  return df_.unsqueeze(-1).unsqueeze(-1) * (V.pow(2) + diag.unsqueeze(-1) * diag.unsqueeze(-2));
}

// theta = (-S^{-1} / 2, (nu - p - 1) / 2), t(X) = (X, log det X), k = 0:
// the density is exp(<X, -S^{-1} / 2> + (nu - p - 1) / 2 log det X - F) with
// F = (nu / 2) (log det S + p log 2) + log Gamma_p(nu / 2); in the natural
// parameters nu / 2 = y + (p + 1) / 2 and S^{-1} = -2x.
std::vector<at::Tensor> Wishart::natural_params() const {
  const double p = static_cast<double>(event_shape()[0]);
  return {-precision_matrix() / 2, (df_ - p - 1) / 2};
}

at::Tensor Wishart::log_normalizer(const std::vector<at::Tensor>& natural_params) const {
  TORCH_CHECK_VALUE(natural_params.size() == 2, "Wishart: log_normalizer takes 2 natural parameters, got ",
                    natural_params.size());
  const int64_t p = event_shape()[0];
  const double pd = static_cast<double>(p);
  const at::Tensor half_nu = natural_params[1] + (pd + 1) / 2;
  const at::Tensor log_det_precision = 2 * detail::half_log_det(at::linalg_cholesky(-2 * natural_params[0]));
  return half_nu * (pd * kLog2 - log_det_precision) + at::mvlgamma(half_nu, p);
}

at::Tensor Wishart::mean_carrier_measure() const { return at::zeros_like(df_); }

}  // namespace torchdist
