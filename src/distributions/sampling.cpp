#include "sampling.h"

#include <c10/core/DefaultDtype.h>

#include <limits>

#include <torch/csrc/autograd/custom_function.h>

#include "../kernels/samplers.h"
#include "torchdist/core/utils.h"

namespace torchdist {
namespace detail {

at::Tensor standard_normal(at::IntArrayRef shape, const at::TensorOptions& options,
                           const c10::optional<at::Generator>& generator) {
  const at::TensorOptions plain = options.requires_grad(false);
  const at::Tensor fused = kernels::fused_standard_normal(shape, plain, generator);
  return fused.defined() ? fused : at::randn(shape, generator, plain);
}

at::Tensor standard_gamma(const at::Tensor& alpha, const c10::optional<at::Generator>& generator) {
  const at::Tensor fused = kernels::fused_standard_gamma(alpha, generator);
  return fused.defined() ? fused : at::_standard_gamma(alpha, generator);
}

at::Tensor log_standard_gamma(const at::Tensor& alpha, c10::optional<at::Generator> generator) {
  const at::Tensor a = alpha.to(at::kDouble);
  // Draw order (gamma, then uniform) is fixed so that a seeded generator
  // reproduces the samples.
  const at::Tensor boosted = at::_standard_gamma(a + 1, generator);
  const at::Tensor u = at::empty(a.sizes(), a.options().requires_grad(false)).uniform_(0, 1, generator);
  // log1p(-u) = log(1 - u) with 1 - u in (0, 1]: never log(0); |log U| <= 37.
  const at::Tensor log_u = at::log1p(-u);
  const at::Tensor a_value = a.detach();
  const double max = std::numeric_limits<double>::max();
  // log(U) / a is exact down to a ~ 1e-300; below, it is held at -max so
  // that later differences stay finite (such variates are 0 in any dtype).
  at::Tensor out = boosted.log() + (log_u / a_value).clamp_min(-max);
  if (!a.requires_grad()) return out;
  // Its derivative -log(U) / a^2 overflows for a < 1e-154, where the
  // sample's own gradient (through the sigmoid or softmax) is exactly 0, and
  // 0 * inf would be NaN; capped at the largest double, the product is 0.
  // (a - a_value) is 0 in the forward pass and carries the slope backward.
  const at::Tensor slope = (-log_u / a_value / a_value).clamp_max(max);
  return out + (a - a_value) * slope;
}

namespace {
// Gamma(alpha, 1) draws of the fused float sampler, in double, differentiated
// by implicit reparameterization as at::_standard_gamma is.
struct FusedGammaDraws : public torch::autograd::Function<FusedGammaDraws> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& alpha, const at::Tensor& draws) {
    ctx->save_for_backward({alpha, draws});
    return draws.clone();
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    return {grad_outputs[0] * at::_standard_gamma_grad(saved[0], saved[1]), at::Tensor()};
  }
};
}  // namespace

at::Tensor log_standard_gamma_for(const at::Tensor& alpha, at::ScalarType dtype,
                                  c10::optional<at::Generator> generator) {
  if (dtype == at::kFloat && standard_gamma_is_safe(alpha)) {
    at::Tensor draws;
    {
      at::NoGradGuard no_grad;
      draws = kernels::fused_standard_gamma(alpha.detach().to(at::kFloat), generator);
    }
    if (draws.defined()) {
      draws = draws.to(at::kDouble);
      if (at::GradMode::is_enabled() && alpha.requires_grad()) draws = FusedGammaDraws::apply(alpha, draws);
      return draws.log();
    }
  }
  return log_standard_gamma(alpha, std::move(generator));
}

bool standard_gamma_is_safe(const at::Tensor& alpha) {
  // Off the CPU the answer would cost a device sync: the log-space path is
  // right for every shape.
  if (alpha.numel() == 0 || !alpha.device().is_cpu()) return false;
  at::NoGradGuard no_grad;
  // min is NaN if any element is: the comparison is then false.
  return alpha.min().item<double>() >= kDirectGammaMinShape;
}

at::Tensor clamp_keep_grad(const at::Tensor& x, double lo, double hi) {
  const at::Tensor clamped = x.detach().clamp(lo, hi);
  if (!x.requires_grad()) return clamped;
  // clamped + (x - x) is exactly `clamped` in the forward pass (x is finite).
  return clamped + (x - x.detach());
}

double one_below(at::ScalarType dtype) { return 1.0 - finfo_eps(dtype) / 2; }

at::ScalarType result_float_type(std::initializer_list<at::Tensor> tensors) {
  at::ScalarType t = tensors.begin()->scalar_type();
  for (const at::Tensor& x : tensors) t = at::promote_types(t, x.scalar_type());
  return at::isFloatingType(t) ? t : c10::get_default_dtype_as_scalartype();
}

}  // namespace detail
}  // namespace torchdist
