#pragma once
/// \file
/// Private special functions for the Beta and Dirichlet families: the
/// implicit reparameterization gradients of Beta samples. Not installed;
/// the tests include it by relative path.
///
/// For x ~ Beta(a, b) with CDF I_x(a, b) (the regularized incomplete beta
/// function) and density f(x; a, b), implicit reparameterization
/// (Figurnov, Mohamed & Mnih 2018, "Implicit Reparameterization Gradients")
/// differentiates the sample through F(x; a, b) = u at fixed u:
///   dx/da = -(dI_x(a, b)/da) / f(x; a, b),   dx/db = -(dI_x(a, b)/db) / f(x; a, b).
/// The gradient depends on x only (not on how x was drawn), which gives it
/// a lower per-sample variance than differentiating X / (X + Y) of gamma
/// variates.

#include <ATen/ATen.h>

#include <array>

namespace torchdist {
namespace detail {

/// dx/da and dx/db of one Beta sample.
struct BetaReparamGrad {
  double dx_da;  ///< dx/da, positive inside (0, 1).
  double dx_db;  ///< dx/db, negative inside (0, 1).
};

/// The implicit reparameterization gradients of x ~ Beta(a, b) at one point.
///
/// Computed from I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) * K(x; a, b), K
/// the continued fraction of the incomplete beta function (as in Numerical
/// Recipes' betacf), evaluated by modified Lentz in forward-mode dual
/// numbers for dK/da and dK/db (the approach of Boik & Robison-Cox 1998,
/// "Derivatives of the incomplete beta function"). The prefactor over the
/// density is x (1 - x) / a, so no power of x and no B(a, b) is ever formed:
///   dx/da = -(x (1 - x) / a) (K (log x + psi(a + b) - psi(a + 1)) + dK/da),
///   dx/db = -(x (1 - x) / a) (K (log(1 - x) + psi(a + b) - psi(b)) + dK/db),
/// with the digamma differences summed without cancellation. Above
/// x = (a + 1) / (a + b + 2), where K converges slowly, the same is done for
/// 1 - x ~ Beta(b, a) (I_x(a, b) = 1 - I_{1-x}(b, a)).
///
/// Accurate to about 1e-12 relative (against 50-digit mpmath) and finite for
/// concentrations 1e-3 .. 1e4 and every x in [0, 1], subnormal x included;
/// 0 at x = 0 and x = 1 (the limits); NaN for NaN or out-of-domain inputs
/// (a or b not positive and finite, x outside [0, 1]). Throws
/// `c10::ValueError` if the continued fraction does not converge
/// (concentrations far beyond 1e4).
BetaReparamGrad beta_reparam_grad(double x, double a, double b);

/// torch's `_dirichlet_grad(x, alpha, total)` for one component:
/// (dx/dalpha) / (1 - x) for x ~ Beta(alpha, rest) at fixed rest = total - alpha,
/// the marginal of a Dirichlet component. Taking `rest` (not the total)
/// keeps it exact when alpha dominates the total. Finite at x = 1; 0 at x = 0
/// and for rest = 0 (a one-component Dirichlet, x = 1).
double dirichlet_reparam_grad(double x, double alpha, double rest);

/// `beta_reparam_grad` over broadcast tensors: {dx/da, dx/db} in the promoted
/// floating dtype of the arguments, on their device, magnitudes held at or
/// below 2^-32 times that dtype's largest finite number (only concentrations
/// far below 1e-3 reach it; sums of them stay finite). Computed in double by a parallel loop on the CPU;
/// elsewhere by `at::_dirichlet_grad` (torch's approximation).
std::array<at::Tensor, 2> beta_reparam_grad(const at::Tensor& x, const at::Tensor& a, const at::Tensor& b);

/// `dirichlet_reparam_grad` for Dirichlet samples `x` and `concentration`
/// (broadcast; the last dimension is the event): g_i = (dx_i/dc_i) / (1 - x_i)
/// for the marginal x_i ~ Beta(c_i, sum_{j != i} c_j), as torch's
/// `_dirichlet_grad(x, c, c.sum(-1, true))`. On the CPU in double, the rest
/// summed without cancellation; elsewhere by `at::_dirichlet_grad`.
at::Tensor dirichlet_reparam_grad(const at::Tensor& x, const at::Tensor& concentration);

/// `value` (a Beta(a, b) sample of the shape of `a` and `b` broadcast, in
/// the output dtype) as a tensor differentiable in `a` and `b` by implicit
/// reparameterization, the gradients evaluated at `x`, the same sample
/// before rounding and clamping into the output dtype (usually in double;
/// where it underflowed to 0 or rounded to 1 the gradient is the limit 0):
/// the backward pass gives grad * dx/da and grad * dx/db, summed over
/// broadcast dimensions. Neither `value` nor `x` may require grad. Second
/// derivatives are not implemented (a backward pass that records a graph
/// throws `c10::NotImplementedError`).
at::Tensor beta_implicit_reparam(const at::Tensor& value, const at::Tensor& x, const at::Tensor& a,
                                 const at::Tensor& b);

/// `value` (Dirichlet samples in the output dtype, last dimension the
/// event; `x` the same before rounding) as a tensor differentiable in
/// `concentration` by implicit reparameterization, with torch's backward
/// (`_Dirichlet_backward`):
///   grad_c_i = g_i (grad_i - sum_j x_j grad_j),  g = `dirichlet_reparam_grad(x, c)`.
/// Neither `value` nor `x` may require grad; no second derivatives (as
/// `beta_implicit_reparam`).
at::Tensor dirichlet_implicit_reparam(const at::Tensor& value, const at::Tensor& x,
                                      const at::Tensor& concentration);

}  // namespace detail
}  // namespace torchdist
