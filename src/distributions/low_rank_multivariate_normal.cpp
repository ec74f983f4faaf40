#include "torchdist/distributions/low_rank_multivariate_normal.h"

#include <cmath>

#include "sampling.h"
#include "linalg_helpers.h"

namespace torchdist {
namespace {

constexpr const char* kName = "LowRankMultivariateNormal";

std::vector<int64_t> checked_batch_shape(const at::Tensor& loc, const at::Tensor& W, const at::Tensor& d) {
  TORCH_CHECK_VALUE(loc.defined(), kName, ": loc must be a defined tensor");
  TORCH_CHECK_VALUE(W.defined(), kName, ": cov_factor must be a defined tensor");
  TORCH_CHECK_VALUE(d.defined(), kName, ": cov_diag must be a defined tensor");
  TORCH_CHECK_VALUE(loc.dim() >= 1, kName, ": loc must be at least one-dimensional, got a ", loc.dim(),
                    "-dim tensor");
  const int64_t n = loc.size(-1);
  TORCH_CHECK_VALUE(W.dim() >= 2 && W.size(-2) == n, kName, ": cov_factor must be a batch of matrices with shape ",
                    n, " x m to match loc of shape ", loc.sizes(), ", got shape ", W.sizes());
  TORCH_CHECK_VALUE(d.dim() >= 1 && d.size(-1) == n, kName, ": cov_diag must be a batch of vectors of length ", n,
                    " to match loc of shape ", loc.sizes(), ", got shape ", d.sizes());
  std::vector<int64_t> b = detail::broadcast_batch_shapes(kName, "loc", loc.sizes().slice(0, loc.dim() - 1),
                                                          "cov_factor", W.sizes().slice(0, W.dim() - 2));
  return detail::broadcast_batch_shapes(kName, "loc and cov_factor (broadcast)", b, "cov_diag",
                                        d.sizes().slice(0, d.dim() - 1));
}

std::vector<int64_t> checked_event_shape(const at::Tensor& loc, const at::Tensor& W, const at::Tensor& d) {
  checked_batch_shape(loc, W, d);
  return {loc.size(-1)};
}

// W^T diag(d)^{-1}: [..., K, D].
at::Tensor wt_dinv(const at::Tensor& W, const at::Tensor& d) { return W.transpose(-2, -1) / d.unsqueeze(-2); }

at::Tensor add_identity(const at::Tensor& m) {
  return m + at::eye(m.size(-1), m.options());
}

}  // namespace

LowRankMultivariateNormal::LowRankMultivariateNormal(at::Tensor loc, at::Tensor cov_factor, at::Tensor cov_diag,
                                                     c10::optional<bool> validate_args)
    : Family(checked_batch_shape(loc, cov_factor, cov_diag), checked_event_shape(loc, cov_factor, cov_diag),
             validate_args) {
  const at::ScalarType dtype = detail::float_type_of({loc, cov_factor, cov_diag});
  const std::vector<int64_t> vec_shape = concat_shapes(batch_shape(), event_shape());
  unbroadcasted_W_ = cov_factor.to(dtype);
  unbroadcasted_d_ = cov_diag.to(dtype);
  loc_ = loc.to(dtype).expand(vec_shape);
  cov_factor_ = unbroadcasted_W_.expand(concat_shapes(vec_shape, {cov_factor.size(-1)}));
  cov_diag_ = unbroadcasted_d_.expand(vec_shape);
  if (this->validate_args()) {
    // The declared constraints, but W and d checked as given: the message
    // reports their shape and counts their bad elements once, not per copy
    // of the broadcast.
    check_params({{"loc", loc_, constraints::real_vector()},
                  {"cov_factor", unbroadcasted_W_, constraints::independent(constraints::real(), 2)},
                  {"cov_diag", unbroadcasted_d_, constraints::independent(constraints::positive(), 1)}});
  }
}

std::vector<int64_t> LowRankMultivariateNormal::matrix_shape() const {
  return concat_shapes(batch_shape(), {event_shape()[0], event_shape()[0]});
}

const at::Tensor& LowRankMultivariateNormal::capacitance_tril() const {
  return capacitance_tril_.get([&] {
    const at::Tensor K = at::matmul(wt_dinv(unbroadcasted_W_, unbroadcasted_d_), unbroadcasted_W_);
    return at::linalg_cholesky(add_identity(K));
  });
}

const at::Tensor& LowRankMultivariateNormal::scale_tril() const {
  return scale_tril_.get([&] {
    // W W^T + D = D^{1/2} (I + D^{-1/2} W W^T D^{-1/2}) D^{1/2}; the middle
    // matrix has eigenvalues >= 1, so its Cholesky factorization is stable.
    const at::Tensor sqrt_d = unbroadcasted_d_.sqrt().unsqueeze(-1);
    const at::Tensor scaled = unbroadcasted_W_ / sqrt_d;
    const at::Tensor K = add_identity(at::matmul(scaled, scaled.transpose(-2, -1)));
    return (sqrt_d * at::linalg_cholesky(K)).expand(matrix_shape());
  });
}

const at::Tensor& LowRankMultivariateNormal::covariance_matrix() const {
  return covariance_.get([&] {
    const at::Tensor& W = unbroadcasted_W_;
    return (at::matmul(W, W.transpose(-2, -1)) + at::diag_embed(unbroadcasted_d_)).expand(matrix_shape());
  });
}

const at::Tensor& LowRankMultivariateNormal::precision_matrix() const {
  return precision_.get([&] {
    const at::Tensor A =
        at::linalg_solve_triangular(capacitance_tril(), wt_dinv(unbroadcasted_W_, unbroadcasted_d_), /*upper=*/false);
    return (at::diag_embed(unbroadcasted_d_.reciprocal()) - at::matmul(A.transpose(-2, -1), A))
        .expand(matrix_shape());
  });
}

at::Tensor LowRankMultivariateNormal::rsample(at::IntArrayRef sample_shape,
                                              c10::optional<at::Generator> generator) const {
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  std::vector<int64_t> w_shape(shape.begin(), shape.end() - 1);
  w_shape.push_back(unbroadcasted_W_.size(-1));
  const at::Tensor eps_w = detail::standard_normal(w_shape, loc_.options(), generator);
  const at::Tensor eps_d = detail::standard_normal(shape, loc_.options(), generator);
  return loc_ + detail::batch_mv(unbroadcasted_W_, eps_w) + unbroadcasted_d_.sqrt() * eps_d;
}

at::Tensor LowRankMultivariateNormal::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  const at::ScalarType dtype = detail::float_type_of({value, loc_});
  const at::Tensor diff = value.to(dtype) - loc_;
  const at::Tensor& W = unbroadcasted_W_;
  const at::Tensor& d = unbroadcasted_d_;
  const at::Tensor& C = capacitance_tril();
  const at::Tensor term1 = (diff.pow(2) / d).sum(-1);
  const at::Tensor term2 = detail::batch_mahalanobis(C, detail::batch_mv(wt_dinv(W, d), diff));
  const at::Tensor log_det = 2 * detail::half_log_det(C) + d.log().sum(-1);
  const double n = static_cast<double>(event_shape()[0]);
  return -0.5 * (n * std::log(2 * M_PI) + log_det + (term1 - term2));
}

at::Tensor LowRankMultivariateNormal::entropy() const {
  const at::Tensor log_det = 2 * detail::half_log_det(capacitance_tril()) + unbroadcasted_d_.log().sum(-1);
  const double n = static_cast<double>(event_shape()[0]);
  return (0.5 * (n * (1.0 + std::log(2 * M_PI)) + log_det)).expand(batch_shape());
}

at::Tensor LowRankMultivariateNormal::variance() const {
  return (unbroadcasted_W_.pow(2).sum(-1) + unbroadcasted_d_).expand(concat_shapes(batch_shape(), event_shape()));
}

}  // namespace torchdist
