#include "torchdist/distributions/lkj_cholesky.h"

#include <ATen/core/grad_mode.h>

#include <cmath>

#include "linalg_helpers.h"
#include "torchdist/distributions/beta.h"

namespace torchdist {
namespace {

constexpr const char* kName = "LKJCholesky";

int64_t checked_dim(int64_t dim) {
  TORCH_CHECK_VALUE(dim >= 2, kName, ": dim must be an integer greater than or equal to 2, got ", dim);
  return dim;
}

}  // namespace

at::Tensor lkj_cholesky_log_prob(const at::Tensor& value, const at::Tensor& concentration) {
  const at::ScalarType dtype = detail::float_type_of({value, concentration});
  const at::Tensor v = value.to(dtype);
  const at::Tensor eta = concentration.to(dtype);
  const int64_t dim = v.size(-1);
  const int64_t dm1 = dim - 1;
  // Exponent of L_ii (i = 1..dim-1): 2 (eta - 1) from det(R)^(eta - 1) and
  // dim - 1 - i from the Jacobian of L -> L L^T.
  const at::Tensor i = at::arange(1, dim, v.options().requires_grad(false));
  const at::Tensor order = 2 * (eta - 1).unsqueeze(-1) + (static_cast<double>(dm1) - i);
  const at::Tensor diag = v.diagonal(0, -2, -1).narrow(-1, 1, dm1);
  const at::Tensor unnormalized = (order * diag.log()).sum(-1);
  const at::Tensor alpha = eta + 0.5 * static_cast<double>(dm1);
  const at::Tensor log_z = 0.5 * static_cast<double>(dm1) * std::log(M_PI) + at::mvlgamma(alpha - 0.5, dm1) -
                           static_cast<double>(dm1) * at::lgamma(alpha);
  return unnormalized - log_z;
}

LKJCholesky::LKJCholesky(int64_t dim, ScalarOrTensor concentration, c10::optional<bool> validate_args)
    : Family({}, {checked_dim(dim), dim}, validate_args), dim_(dim) {
  // Throws "LKJCholesky: concentration must be a defined tensor" for an undefined one.
  init_params({std::move(concentration)});
}

at::Tensor LKJCholesky::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::NoGradGuard no_grad;
  const at::Tensor eta = concentration_.detach();
  // Onion method: row i >= 1 gets sqrt(y_i) times a uniform unit vector in
  // R^i, y_i ~ Beta(i / 2, eta + (dim - 2) / 2 - (i - 1) / 2). Row 0 is
  // [1, 0, ...]; its Beta draw is a placeholder (parameters (1/2, beta_1)).
  const at::Tensor i = at::arange(dim_, eta.options());
  const at::Tensor conc1 = at::where(i > 0, i / 2, at::full({}, 0.5, eta.options()));
  const at::Tensor conc0 =
      (eta + 0.5 * static_cast<double>(dim_ - 2)).unsqueeze(-1) - (i - 1).clamp_min(0) / 2;
  const at::Tensor y = Beta(conc1, conc0, /*validate_args=*/false).sample(sample_shape, generator).unsqueeze(-1);
  const at::Tensor u = at::randn(extended_shape(sample_shape), generator, eta.options().requires_grad(false)).tril(-1);
  const at::Tensor norm = at::linalg_vector_norm(u, 2, {-1}, /*keepdim=*/true);
  // Row 0 has no entries below the diagonal: norm 0, and it stays 0.
  const at::Tensor unit = u / at::where(norm > 0, norm, at::ones_like(norm));
  const at::Tensor w = y.sqrt() * unit;
  const at::Tensor diag = (1 - w.pow(2).sum(-1)).clamp_min(finfo_tiny(w.scalar_type())).sqrt();
  return w + at::diag_embed(diag);
}

at::Tensor LKJCholesky::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return lkj_cholesky_log_prob(value, concentration_);
}

}  // namespace torchdist
