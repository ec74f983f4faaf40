#include "torchdist/distributions/multivariate_normal.h"

#include <cmath>

#include "sampling.h"
#include "linalg_helpers.h"

namespace torchdist {
namespace {

constexpr const char* kName = "MultivariateNormal";

// Shape checks shared by the constructor's initializers; returns the batch shape.
std::vector<int64_t> checked_batch_shape(const at::Tensor& loc, const MatrixParam& matrix) {
  TORCH_CHECK_VALUE(loc.defined(), kName, ": loc must be a defined tensor");
  TORCH_CHECK_VALUE(loc.dim() >= 1, kName, ": loc must be at least one-dimensional, got a ", loc.dim(),
                    "-dim tensor");
  const at::Tensor& m = matrix.value();
  detail::check_square_matrix(kName, matrix.arg_name(), m);
  TORCH_CHECK_VALUE(m.size(-1) == loc.size(-1), kName, ": ", matrix.arg_name(), " must be a batch of ",
                    loc.size(-1), " x ", loc.size(-1), " matrices to match loc of shape ", loc.sizes(),
                    ", got shape ", m.sizes());
  return detail::broadcast_batch_shapes(kName, "loc", loc.sizes().slice(0, loc.dim() - 1), matrix.arg_name(),
                                        m.sizes().slice(0, m.dim() - 2));
}

std::vector<int64_t> checked_event_shape(const at::Tensor& loc, const MatrixParam& matrix) {
  checked_batch_shape(loc, matrix);
  return {loc.size(-1)};
}

ConstraintPtr constraint_of(MatrixParam::Kind kind) {
  return kind == MatrixParam::Kind::kScaleTril ? constraints::lower_cholesky() : constraints::positive_definite();
}

}  // namespace

at::Tensor multivariate_normal_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale_tril) {
  const at::ScalarType dtype = detail::float_type_of({x, loc, scale_tril});
  const at::Tensor L = scale_tril.to(dtype);
  const at::Tensor diff = x.to(dtype) - loc.to(dtype);
  const at::Tensor m = detail::batch_mahalanobis(L, diff);
  const double d = static_cast<double>(L.size(-1));
  return -0.5 * (d * std::log(2 * M_PI) + m) - detail::half_log_det(L);
}

at::Tensor multivariate_normal_entropy(const at::Tensor& scale_tril) {
  const double d = static_cast<double>(scale_tril.size(-1));
  return 0.5 * d * (1.0 + std::log(2 * M_PI)) + detail::half_log_det(scale_tril);
}

MultivariateNormal::MultivariateNormal(at::Tensor loc, MatrixParam matrix, c10::optional<bool> validate_args)
    : Family(checked_batch_shape(loc, matrix), checked_event_shape(loc, matrix), validate_args),
      kind_(matrix.kind()) {
  const at::ScalarType dtype = detail::float_type_of({loc, matrix.value()});
  loc_ = loc.to(dtype).expand(concat_shapes(batch_shape(), event_shape()));
  param_ = matrix.value().to(dtype);
  if (this->validate_args()) {
    // One factorization for the check and the factor where the matrix is
    // good; otherwise the full check first, so that a bad matrix is reported
    // as such.
    unbroadcasted_scale_tril_ = detail::checked_scale_tril(kind_, param_);
    if (unbroadcasted_scale_tril_.defined()) {
      check_params({{"loc", loc_, constraints::real_vector()}});
      return;
    }
    validate_params();
  }
  unbroadcasted_scale_tril_ = detail::scale_tril_of(kind_, param_);
}

Distribution::ParamList MultivariateNormal::params() const {
  return {{"loc", &loc_, constraints::real_vector(), 1},
          {MatrixParam::arg_name(kind_), &param_, constraint_of(kind_), 2}};
}

std::vector<Distribution::ArgConstraint> MultivariateNormal::arg_constraints() const {
  std::vector<ArgConstraint> out{{"loc", constraints::real_vector()}};
  for (const MatrixParam::Kind kind :
       {MatrixParam::Kind::kCovarianceMatrix, MatrixParam::Kind::kPrecisionMatrix, MatrixParam::Kind::kScaleTril}) {
    out.push_back({MatrixParam::arg_name(kind), constraint_of(kind)});
  }
  return out;
}

std::vector<int64_t> MultivariateNormal::matrix_shape() const {
  return concat_shapes(batch_shape(), {event_shape()[0], event_shape()[0]});
}

const at::Tensor& MultivariateNormal::scale_tril() const {
  return scale_tril_.get([&] { return unbroadcasted_scale_tril_.expand(matrix_shape()); });
}

const at::Tensor& MultivariateNormal::covariance_matrix() const {
  return covariance_.get([&] {
    if (kind_ == MatrixParam::Kind::kCovarianceMatrix) return param_.expand(matrix_shape());
    const at::Tensor& L = unbroadcasted_scale_tril_;
    return at::matmul(L, L.transpose(-2, -1)).expand(matrix_shape());
  });
}

const at::Tensor& MultivariateNormal::precision_matrix() const {
  return precision_.get([&] {
    if (kind_ == MatrixParam::Kind::kPrecisionMatrix) return param_.expand(matrix_shape());
    return detail::cholesky_inverse_batched(unbroadcasted_scale_tril_).expand(matrix_shape());
  });
}

at::Tensor MultivariateNormal::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const at::Tensor eps = detail::standard_normal(extended_shape(sample_shape), loc_.options(), generator);
  return loc_ + detail::batch_mv(unbroadcasted_scale_tril_, eps);
}

at::Tensor MultivariateNormal::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return multivariate_normal_log_prob(value, loc_, unbroadcasted_scale_tril_);
}

at::Tensor MultivariateNormal::entropy() const {
  return multivariate_normal_entropy(unbroadcasted_scale_tril_).expand(batch_shape());
}

at::Tensor MultivariateNormal::variance() const {
  return unbroadcasted_scale_tril_.pow(2).sum(-1).expand(concat_shapes(batch_shape(), event_shape()));
}

}  // namespace torchdist
