#include "torchdist/distributions/poisson.h"

#include <ATen/core/grad_mode.h>

#include <cmath>

#include "../kernels/fused.h"

namespace torchdist {

at::Tensor poisson_log_prob(const at::Tensor& value, const at::Tensor& rate) {
  // k log(rate) with the k = 0 terms set to 0 before the log, so that neither
  // the value (0 * log 0) nor the gradient (0 * 1 / 0) is NaN at rate = 0.
  const at::Tensor zero = value == 0;
  const at::Tensor safe_rate = at::where(zero, at::ones({}, rate.options()), rate);
  const at::Tensor k_log_rate = at::where(zero, at::zeros({}, rate.options()), value * safe_rate.log());
  return k_log_rate - rate - at::lgamma(value + 1);
}

Poisson::Poisson(ScalarOrTensor rate, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  init_params({std::move(rate)});
}

at::Tensor Poisson::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::NoGradGuard no_grad;
  const at::Tensor rate = rate_.expand(extended_shape(sample_shape));
  // at::poisson casts its draws to int64: from a rate of about 9.2e18 on
  // they wrap to -9.2e18. From 2^62 on, round(rate + sqrt(rate) z) instead:
  // the Poisson law's skewness there is 5e-10, below what double counts of
  // that size resolve. A scan on the CPU; elsewhere both are drawn (no sync).
  constexpr double kNormalFromRate = 4611686018427387904.0;  // 2^62
  const at::Tensor huge = rate >= kNormalFromRate;
  if (rate.is_cpu() && !huge.any().item<bool>()) return at::poisson(rate, std::move(generator));
  const at::Tensor counts = at::poisson(at::where(huge, at::zeros({}, rate.options()), rate), generator);
  const at::Tensor z = at::randn(rate.sizes(), generator, rate.options());
  return at::where(huge, (rate + rate.sqrt() * z).round(), counts);
}

at::Tensor Poisson::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  // Integer counts (or float counts next to double rates) are computed in
  // the common floating dtype: lgamma of an int64 tensor is an error.
  at::Tensor v = value.to(at::promote_types(value.scalar_type(), rate_.scalar_type()));
  const at::Tensor fused = detail::kernels::fused_poisson_log_prob(v, rate_, &poisson_log_prob);
  return fused.defined() ? fused : poisson_log_prob(v, rate_);
}

at::Tensor Poisson::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  at::Tensor v = value.to(at::promote_types(value.scalar_type(), rate_.scalar_type()));
  // P(X <= k) = Q(k + 1, rate); below 0 it is 0 (gammaincc would be NaN for
  // a shape <= 0).
  std::vector<at::Tensor> b = at::broadcast_tensors({v.floor() + 1, rate_});
  at::Tensor shape = b[0].clamp_min(1);
  at::Tensor q = at::special_gammaincc(shape.detach(), b[1]);
  q = at::where(b[0] < 1, at::zeros({}, q.options()), q);
  return at::where(b[0] == INFINITY, at::ones({}, q.options()), q);
}

at::Tensor Poisson::entropy() const { not_implemented("entropy"); }

// theta = log(rate), t(k) = k, carrier -lgamma(k + 1):
// P(k) = exp(k theta - e^theta - lgamma(k + 1)).
std::vector<at::Tensor> Poisson::natural_params() const { return {at::log(rate_)}; }

at::Tensor Poisson::log_normalizer(const std::vector<at::Tensor>& natural_params) const {
  TORCH_CHECK_VALUE(natural_params.size() == 1, "Poisson: log_normalizer takes 1 natural parameter, got ",
                    natural_params.size());
  return at::exp(natural_params[0]);
}

}  // namespace torchdist
