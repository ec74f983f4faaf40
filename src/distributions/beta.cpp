#include "torchdist/distributions/beta.h"

#include <limits>

#include "../kernels/formula_eval.h"
#include "../kernels/fused.h"
#include "beta_math.h"
#include "sampling.h"
#include "torchdist/distributions/dirichlet.h"

namespace torchdist {

at::Tensor beta_log_prob(const at::Tensor& x, const at::Tensor& concentration1, const at::Tensor& concentration0) {
  const at::ScalarType out_type = detail::result_float_type({x, concentration1, concentration0});
  const at::Tensor xd = x.to(at::kDouble);
  const at::Tensor a = concentration1.to(at::kDouble), b = concentration0.to(at::kDouble);
  const at::Tensor am1 = a - 1, bm1 = b - 1;
  const at::Tensor at0 = xd == 0, at1 = xd == 1;
  // On an end, the log whose argument vanishes is replaced by log(1) = 0 (so
  // neither the value nor the gradients see 0 * inf) and the boundary term
  // below supplies its limit.
  const at::Tensor zero = at::zeros({}, xd.options()), one = at::ones({}, xd.options());
  const at::Tensor interior =
      am1 * at::where(at0, one, xd).log() + bm1 * at::log1p(-at::where(at1, zero, xd));
  const at::Tensor s = at::where(at0, am1, at::where(at1, bm1, zero)).detach();
  const double inf = std::numeric_limits<double>::infinity();
  const at::Tensor boundary =
      at::where(s > 0, at::full_like(s, -inf), at::where(s < 0, at::full_like(s, inf), at::zeros_like(s)));
  const at::Tensor log_norm = at::lgamma(a + b) - at::lgamma(a) - at::lgamma(b);
  return (interior + boundary + log_norm).to(out_type);
}

Beta::Beta(ScalarOrTensor concentration1, ScalarOrTensor concentration0, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  init_params({std::move(concentration1), std::move(concentration0)});
}

at::Tensor Beta::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const at::ScalarType dtype = concentration1_.scalar_type();
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  at::Tensor x;
  {
    // The draws are not differentiated: the gradient is the implicit one,
    // evaluated at the sample (beta_implicit_reparam), whatever path drew it.
    at::NoGradGuard no_grad;
    if (detail::standard_gamma_is_safe(concentration1_) && detail::standard_gamma_is_safe(concentration0_)) {
      // X / (X + Y) directly: neither gamma can underflow at these shapes,
      // and an add and a divide follow the draws where the log-space path
      // makes about eight passes per gamma. In float32 when the parameters
      // are, which takes the fused gamma sampler.
      const at::ScalarType work = dtype == at::kFloat ? at::kFloat : at::kDouble;
      const at::Tensor gx = detail::standard_gamma(concentration1_.to(work).expand(shape), generator);
      const at::Tensor gy = detail::standard_gamma(concentration0_.to(work).expand(shape), generator);
      x = gx / (gx + gy);
    } else {
      // Small shapes: X / (X + Y) without forming X or Y, which may underflow.
      const at::Tensor log_x = detail::log_standard_gamma(concentration1_.to(at::kDouble).expand(shape), generator);
      const at::Tensor log_y = detail::log_standard_gamma(concentration0_.to(at::kDouble).expand(shape), generator);
      x = at::sigmoid(log_x - log_y);
    }
  }
  // Samples that rounded onto an end of the support (where log_prob may be
  // infinite) move to the nearest interior point of the dtype; the gradient
  // is taken at the unrounded sample.
  const at::Tensor value = x.to(dtype).clamp(finfo_tiny(dtype), detail::one_below(dtype));
  return detail::beta_implicit_reparam(value, x, concentration1_, concentration0_);
}

at::Tensor Beta::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  const at::Tensor fused =
      detail::kernels::fused_beta_log_prob(value, concentration1_, concentration0_, &beta_log_prob);
  return fused.defined() ? fused : beta_log_prob(value, concentration1_, concentration0_);
}

at::Tensor Beta::entropy() const {
  return detail::kernels::evaluate<formulas::BetaEntropy>(concentration1_, concentration0_);
}

at::Tensor Beta::mean() const { return concentration1_ / (concentration1_ + concentration0_); }

at::Tensor Beta::mode() const {
  return dirichlet_mode(at::stack({concentration1_, concentration0_}, -1)).select(-1, 0);
}

at::Tensor Beta::variance() const {
  const at::Tensor total = concentration1_ + concentration0_;
  return concentration1_ * concentration0_ / (total.pow(2) * (total + 1));
}

// theta = (a, b), t(x) = (log x, log(1 - x)) and k(x) = -log x - log(1 - x):
// the density x^(a-1) (1-x)^(b-1) / B(a, b) is exp(<t, theta> - log B + k).
std::vector<at::Tensor> Beta::natural_params() const { return {concentration1_, concentration0_}; }

at::Tensor Beta::log_normalizer(const std::vector<at::Tensor>& natural_params) const {
  TORCH_CHECK_VALUE(natural_params.size() == 2, "Beta: log_normalizer takes 2 natural parameters, got ",
                    natural_params.size());
  const at::Tensor& a = natural_params[0];
  const at::Tensor& b = natural_params[1];
  return at::lgamma(a) + at::lgamma(b) - at::lgamma(a + b);
}

// E[log x] = digamma(a) - digamma(a + b), E[log(1 - x)] = digamma(b) - digamma(a + b).
at::Tensor Beta::mean_carrier_measure() const {
  return 2 * at::digamma(concentration1_ + concentration0_) - at::digamma(concentration1_) -
         at::digamma(concentration0_);
}

}  // namespace torchdist
