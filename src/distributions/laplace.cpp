#include "torchdist/distributions/laplace.h"

#include <cmath>

#include "../formulas/univariate.h"
#include "../kernels/formula_eval.h"
#include "../kernels/samplers.h"

namespace torchdist {

at::Tensor laplace_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale) {
  return detail::kernels::evaluate<formulas::LaplaceLogProb>(x, loc, scale);
}

Laplace::Laplace(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  init_params({std::move(loc), std::move(scale)});
}

at::Tensor Laplace::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  const double eps = finfo_eps(loc_.scalar_type());
  // The icdf (accurate in both tails) of a uniform in [eps / 2, 1 - eps / 2]:
  // the tails end at -log(eps) scales, as torch's.
  const at::Tensor p = detail::kernels::fused_uniform_noise(shape, loc_.options(), generator, eps / 2, 1 - eps / 2);
  if (p.defined()) return detail::kernels::evaluate<formulas::LaplaceIcdf>(p, loc_, scale_);
  // u in [eps - 1, 1): |u| < 1, so log1p(-|u|) is finite.
  at::Tensor u = at::empty(shape, loc_.options()).uniform_(eps - 1, 1, generator);
  return loc_ - scale_ * u.sign() * at::log1p(-u.abs());
}

at::Tensor Laplace::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return laplace_log_prob(value, loc_, scale_);
}

// cdf and icdf: src/formulas/univariate.h (LaplaceCdf, LaplaceIcdf).
at::Tensor Laplace::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return detail::kernels::evaluate<formulas::LaplaceCdf>(value, loc_, scale_);
}

at::Tensor Laplace::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  return detail::kernels::evaluate<formulas::LaplaceIcdf>(value, loc_, scale_);
}

at::Tensor Laplace::entropy() const { return detail::kernels::evaluate<formulas::LaplaceEntropy>(scale_); }

}  // namespace torchdist
