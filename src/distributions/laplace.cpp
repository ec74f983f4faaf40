#include "torchdist/distributions/laplace.h"

#include <cmath>

namespace torchdist {

at::Tensor laplace_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale) {
  return -(2 * scale).log() - (x - loc).abs() / scale;
}

Laplace::Laplace(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  init_params({std::move(loc), std::move(scale)});
}

at::Tensor Laplace::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  // u in [eps - 1, 1): |u| < 1, so log1p(-|u|) is finite.
  const double eps = finfo_eps(loc_.scalar_type());
  at::Tensor u = at::empty(extended_shape(sample_shape), loc_.options()).uniform_(eps - 1, 1, generator);
  return loc_ - scale_ * u.sign() * at::log1p(-u.abs());
}

at::Tensor Laplace::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return laplace_log_prob(value, loc_, scale_);
}

at::Tensor Laplace::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  at::Tensor z = (value - loc_) / scale_;
  // Each branch sees only its own half-line (exp never overflows, so the
  // unselected branch contributes a zero gradient, not NaN); clamp passes
  // the gradient at z == 0, where the right branch is selected.
  at::Tensor left = 0.5 * z.clamp_max(0).exp();
  at::Tensor right = 1 - 0.5 * (-z.clamp_min(0)).exp();
  return at::where(z < 0, left, right);
}

at::Tensor Laplace::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  // p < 1/2: loc + scale log(2p), exact for tiny p. p >= 1/2: 1 - p is
  // exact, and log1p(-p) keeps it. Each branch is finite on the other's
  // half, so its zero gradient there is not NaN.
  at::Tensor lower = (2 * value).log();
  at::Tensor upper = -(0.69314718055994531 + at::log1p(-value));
  return loc_ + scale_ * at::where(value < 0.5, lower, upper);
}

at::Tensor Laplace::entropy() const { return 1 + (2 * scale_).log(); }

}  // namespace torchdist
