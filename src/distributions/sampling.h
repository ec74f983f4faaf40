#pragma once
// Private sampling helpers (not installed): standard normal and gamma draws
// that take the fused samplers where they apply, and the log-space gamma
// draws shared by Beta and Dirichlet.
//
// Both families are normalized gamma variates: Beta(a, b) = X / (X + Y) and
// Dirichlet(c) = G / sum(G) with independent G_i ~ Gamma(c_i, 1). Drawing
// the gammas directly fails for small shapes (Gamma(1e-3) is below the
// smallest double about half the time, so the ratio is 0 / 0) and
// differentiating the ratio fails for large ones in float32. These helpers
// work with log G in double instead.

#include <ATen/ATen.h>

#include <c10/util/Optional.h>

#include <initializer_list>

namespace torchdist {
namespace detail {

/// Standard normal noise of `shape` in the dtype of `options` (never
/// requiring grad): by the fused sampler (kernels/samplers.h) for float on the
/// CPU, else by at::randn.
at::Tensor standard_normal(at::IntArrayRef shape, const at::TensorOptions& options,
                           const c10::optional<at::Generator>& generator);

/// G ~ Gamma(alpha, 1), one draw per element of `alpha` (which must already
/// have the output shape): by the fused sampler (kernels/samplers.h) for float
/// shapes that autograd does not record, else by at::_standard_gamma (which
/// carries the implicit-reparameterization gradient).
at::Tensor standard_gamma(const at::Tensor& alpha, const c10::optional<at::Generator>& generator);

/// log G with G ~ Gamma(alpha, 1), one draw per element of `alpha` (which
/// must already have the output shape), differentiable in `alpha` by an
/// exact reparameterization.
///
/// Uses the boosting identity G(a) = G(a + 1) * U^(1/a), U ~ Uniform(0, 1]:
///   log G(a) = log G(a + 1) + log(U) / a.
/// G(a + 1) has shape >= 1, so it never underflows, and `at::_standard_gamma`
/// differentiates it by implicit reparameterization (`_standard_gamma_grad`);
/// the U term is differentiated explicitly (d/da = -log(U) / a^2). Exact
/// for a >= 1e-300 (below, log G is held at -DBL_MAX: finite, and such a
/// variate is 0 in any dtype anyway); gradients never NaN. Computed in double
/// whatever the dtype of `alpha`; the caller casts back at the end.
at::Tensor log_standard_gamma(const at::Tensor& alpha, c10::optional<at::Generator> generator);

/// log_standard_gamma of `alpha` (double) for parameters of dtype `dtype`:
/// where that is float, `alpha` is on the CPU and its shapes all pass
/// standard_gamma_is_safe, the fused float sampler draws G directly (no
/// boosting: no draw underflows at those shapes; float draws for float
/// parameters) and the gradient in `alpha` is the implicit one at the draw
/// (`_standard_gamma_grad`, in double), as at::_standard_gamma's; elsewhere
/// log_standard_gamma. In double either way.
at::Tensor log_standard_gamma_for(const at::Tensor& alpha, at::ScalarType dtype,
                                  c10::optional<at::Generator> generator);

/// Whether `at::_standard_gamma` can draw Gamma(alpha, 1) for every element
/// of `alpha` directly, without the boosting of `log_standard_gamma`: every
/// shape is at least kDirectGammaMinShape (false for NaN and for no
/// elements, and off the CPU, where the scan would be a device sync). A
/// scan of `alpha`.
bool standard_gamma_is_safe(const at::Tensor& alpha);

/// The smallest shape that `standard_gamma_is_safe` accepts: 0.5. There
/// P(G < 1e-300) ~ (1e-300)^0.5 = 1e-150, so draws never underflow in double,
/// and at::_standard_gamma's implicit-reparameterization gradient is within
/// 5e-4 (relative) of the exact one, as it is at the boosted shapes a + 1
/// (measured against Boost's incomplete gamma; it degrades below: 1.2e-3 at
/// 0.1, 2.6e-3 at 0.05).
constexpr double kDirectGammaMinShape = 0.5;

/// `x` clamped into [lo, hi] in the forward pass, with the gradient of the
/// unclamped `x` in the backward pass. Used to move samples that rounded onto
/// the boundary of the support (where log_prob may be infinite) to the
/// nearest representable interior point: the value moves by less than the
/// rounding that put it there, so the exact sample's gradient is still the
/// right one (at::clamp would zero it instead).
at::Tensor clamp_keep_grad(const at::Tensor& x, double lo, double hi);

/// The largest value below one in `dtype`: 1 - eps / 2.
double one_below(at::ScalarType dtype);

/// The floating dtype in which a result combining these tensors is
/// returned: their promoted dtype, or the default dtype if that is integral.
at::ScalarType result_float_type(std::initializer_list<at::Tensor> tensors);

}  // namespace detail
}  // namespace torchdist
