#include "torchdist/distributions/cauchy.h"

#include <cmath>

#include "../formulas/univariate.h"
#include "../kernels/formula_eval.h"
#include "../kernels/samplers.h"

namespace torchdist {
at::Tensor cauchy_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale) {
  // p(x) = scale / (pi (scale^2 + d^2)), d = x - loc, through hypot(d, scale)
  // without forming a square (formulas::CauchyLogProb).
  return detail::kernels::evaluate<formulas::CauchyLogProb>(x, loc, scale);
}

// The cdf and icdf are formulas (src/formulas/univariate.h: CauchyCdf,
// CauchyIcdf, which say how they stay exact in the tails).
at::Tensor cauchy_cdf(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale) {
  return detail::kernels::evaluate<formulas::CauchyCdf>(x, loc, scale);
}

at::Tensor cauchy_icdf(const at::Tensor& p, const at::Tensor& loc, const at::Tensor& scale) {
  return detail::kernels::evaluate<formulas::CauchyIcdf>(p, loc, scale);
}

Cauchy::Cauchy(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  init_params({std::move(loc), std::move(scale)});
}

at::Tensor Cauchy::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  // The icdf (accurate in both tails) of a uniform in [2^-24, 1 - 2^-24]
  // (float; 2^-53 in double): samples up to ~1e7 (~3e15) scales away.
  const double half_eps = finfo_eps(loc_.scalar_type()) / 2;
  const at::Tensor u = detail::kernels::fused_uniform_noise(shape, loc_.options(), generator, half_eps, 1 - half_eps);
  if (u.defined()) return detail::kernels::evaluate<formulas::CauchyIcdf>(u, loc_, scale_);
  at::Tensor eps = at::empty(shape, loc_.options()).cauchy_(0, 1, generator);
  return loc_ + eps * scale_;
}

at::Tensor Cauchy::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return cauchy_log_prob(value, loc_, scale_);
}

at::Tensor Cauchy::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return cauchy_cdf(value, loc_, scale_);
}

at::Tensor Cauchy::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  return cauchy_icdf(value, loc_, scale_);
}

at::Tensor Cauchy::entropy() const { return detail::kernels::evaluate<formulas::CauchyEntropy>(scale_); }
at::Tensor Cauchy::mean() const { return at::full(extended_shape(), NAN, loc_.options()); }
at::Tensor Cauchy::variance() const { return at::full(extended_shape(), INFINITY, loc_.options()); }

}  // namespace torchdist
