#include "torchdist/distributions/von_mises.h"

#include <ATen/core/grad_mode.h>

#include <cmath>

#include "../formulas/von_mises.h"
#include "../kernels/formula_eval.h"

namespace torchdist {

namespace {
constexpr double kPi = 3.14159265358979323846;
// Below this concentration the sampler works with it instead: 1 / k must
// stay finite, and the law is uniform to double precision anyway.
constexpr double kMinSamplingConcentration = 1e-300;
// Rounds of rejection sampling before giving up. Each element is accepted
// with probability about 2/3 or more per round (well above 1/2 for every k),
// so 200 rounds fail with probability < 1e-60; hitting the limit means a
// bug, not bad luck.
constexpr int kMaxRounds = 200;
}  // namespace

at::Tensor von_mises_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& concentration) {
  return detail::kernels::evaluate<formulas::VonMisesLogProb>(x, loc, concentration);
}

VonMises::VonMises(ScalarOrTensor loc, ScalarOrTensor concentration, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  init_params({std::move(loc), std::move(concentration)});
}

at::Tensor VonMises::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::NoGradGuard no_grad;
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  const at::TensorOptions dopts = loc_.options().dtype(at::kDouble);
  const at::Tensor k_all = concentration_.to(at::kDouble).expand(shape).reshape({-1});
  const at::Tensor loc = loc_.to(at::kDouble).expand(shape).reshape({-1});

  // Envelope (wrapped Cauchy) parameters, per element, in forms that do not
  // cancel: with s = sqrt(1 + 4k^2) and tau = 1 + s,
  //   rho = (tau - sqrt(2 tau)) / (2k) = 2k / (tau + sqrt(2 tau)),
  //   1 - rho = (1 + 1 / (s + 2k) + sqrt(2 tau)) / (tau + sqrt(2 tau)),
  //   d = r - 1 = (1 + rho^2) / (2 rho) - 1 = (1 - rho)^2 / (2 rho).
  const at::Tensor k = k_all.clamp_min(kMinSamplingConcentration);
  const at::Tensor two_k = 2 * k;
  const at::Tensor s = at::hypot(at::ones_like(k), two_k);
  const at::Tensor tau = 1 + s;
  const at::Tensor sq = (2 * tau).sqrt();
  const at::Tensor rho = two_k / (tau + sq);
  const at::Tensor one_minus_rho = (1 + (s + two_k).reciprocal() + sq) / (tau + sq);
  const at::Tensor d = one_minus_rho * one_minus_rho / (2 * rho);

  // k = +inf is the point mass at loc; NaN (validation off) gives NaN.
  at::Tensor theta = at::where(k.isnan(), k, at::zeros_like(k));
  at::Tensor pending = at::isfinite(k).nonzero().reshape({-1});
  for (int round = 0; pending.numel() > 0; ++round) {
    TORCH_INTERNAL_ASSERT(round < kMaxRounds, "VonMises: rejection sampling did not terminate");
    const int64_t m = pending.numel();
    const at::Tensor u = at::rand({3, m}, generator, dopts);
    const at::Tensor u1 = u[0], u2 = u[1], u3 = u[2];
    const at::Tensor kp = k.index_select(0, pending);
    const at::Tensor dp = d.index_select(0, pending);
    // z = cos(pi u1); 1 - z and 1 + z from half-angles, without cancellation.
    const at::Tensor half = (0.5 * kPi) * u1;
    const at::Tensor one_minus_z = 2 * half.sin().pow(2);
    const at::Tensor one_plus_z = 2 * half.cos().pow(2);
    // 1 - f, where f = (1 + r z) / (r + z) is the cosine of the proposal.
    const at::Tensor g = one_minus_z * dp / (dp + one_plus_z);
    // c = k (r - f) = k (d + g).
    const at::Tensor c = kp * (dp + g);
    const at::Tensor accept = (c * (2 - c) - u2 > 0).logical_or((c / u2).log() + 1 - c >= 0);
    // acos(f) = acos(1 - g) = 2 asin(sqrt(g / 2)).
    const at::Tensor angle = (u3 - 0.5).sign() * 2 * (0.5 * g).sqrt().asin();
    theta.index_put_({pending.masked_select(accept)}, angle.masked_select(accept));
    pending = pending.masked_select(accept.logical_not());
  }
  const at::Tensor wrapped = at::remainder(theta + kPi + loc, 2 * kPi) - kPi;
  return wrapped.view(shape).to(loc_.scalar_type());
}

at::Tensor VonMises::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return von_mises_log_prob(value, loc_, concentration_);
}

at::Tensor VonMises::variance() const { return detail::kernels::evaluate<formulas::VonMisesVariance>(concentration_); }

at::Tensor VonMises::entropy() const { return detail::kernels::evaluate<formulas::VonMisesEntropy>(concentration_); }

}  // namespace torchdist
