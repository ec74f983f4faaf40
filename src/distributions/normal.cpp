#include "torchdist/distributions/normal.h"

#include <cmath>

#include "../core/math_constants.h"
#include "../kernels/fused.h"
#include "../kernels/normal_one_element.h"
#include "sampling.h"
#include "../formulas/normal.h"
#include "../kernels/formula_eval.h"

namespace torchdist {
using detail::kHalfLog2Pi;

at::Tensor normal_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale) {
  // z = (x - loc) / scale first: scale^2 underflows for scales below 1e-154
  // (double) or 1e-19 (float), and torch's (x - loc)^2 / (2 scale^2) is then
  // 0 / 0 or x / 0 where the density is finite.
  const at::Tensor z = (x - loc) / scale;
  return -0.5 * z.pow(2) - scale.log() - kHalfLog2Pi;
}

Normal::Normal(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  init_params({std::move(loc), std::move(scale)});
}

at::Tensor Normal::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  // One element: scalar arithmetic and one recorded node, where the per-op
  // overhead of ATen and autograd is the whole cost.
  const at::Tensor scalar = detail::kernels::one_element_normal_rsample(loc_, scale_, shape, generator);
  if (scalar.defined()) return scalar;
  const at::Tensor eps = detail::standard_normal(shape, loc_.options(), generator);
  // loc + eps * scale as one recorded op: on small tensors each op's
  // dispatch costs more than its arithmetic.
  return at::addcmul(loc_, eps, scale_);
}

at::Tensor Normal::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  const at::Tensor scalar = detail::kernels::one_element_normal_log_prob(value, loc_, scale_);
  if (scalar.defined()) return scalar;
  const at::Tensor fused = detail::kernels::fused_normal_log_prob(value, loc_, scale_, &normal_log_prob);
  return fused.defined() ? fused : normal_log_prob(value, loc_, scale_);
}

at::Tensor Normal::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return detail::kernels::evaluate<formulas::NormalCdf>(value, loc_, scale_);
}

at::Tensor Normal::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  return detail::kernels::evaluate<formulas::NormalIcdf>(value, loc_, scale_);
}

at::Tensor Normal::entropy() const { return detail::kernels::evaluate<formulas::NormalEntropy>(scale_); }

// theta = (m / s^2, -1 / (2 s^2)), t(x) = (x, x^2), k = 0:
// log N(x | m, s) = <t, theta> - (m^2 / (2 s^2) + log(2 pi s^2) / 2), which
// is F(x, y) = -x^2 / (4y) + log(-pi / y) / 2 in the natural parameters.
std::vector<at::Tensor> Normal::natural_params() const {
  const at::Tensor var = scale_.pow(2);
  return {loc_ / var, -0.5 / var};
}

at::Tensor Normal::log_normalizer(const std::vector<at::Tensor>& natural_params) const {
  TORCH_CHECK_VALUE(natural_params.size() == 2, "Normal: log_normalizer takes 2 natural parameters, got ",
                    natural_params.size());
  const at::Tensor& x = natural_params[0];
  const at::Tensor& y = natural_params[1];
  return -0.25 * x.pow(2) / y + 0.5 * at::log(-M_PI / y);
}

at::Tensor Normal::mean_carrier_measure() const { return at::zeros_like(loc_); }

}  // namespace torchdist
