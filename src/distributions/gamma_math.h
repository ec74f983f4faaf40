#pragma once
/// \file
/// Private special functions for the Gamma family: the regularized lower
/// incomplete gamma function P(a, x) with derivatives in both arguments.
/// Not installed; the tests include it by relative path.

#include <ATen/ATen.h>

#include <cmath>
#include <cstdint>

namespace torchdist {
namespace detail {

// The constants of dP/da's method, shared by its host loop (gamma_math.cpp)
// and its tensor-op form for other devices (gamma_math_tensor_ops.cpp).

/// From this a on, L and D (see gamma_p_grad_a) come from Stirling series.
constexpr double kGammaPLargeA = 10;
/// From this a on, Temme's uniform expansion replaces the series and the
/// continued fraction.
constexpr double kGammaPTemmeA = 1e6;
/// Below this log prefactor L, dP/da underflows (where |D| < 1e30).
constexpr double kGammaPUnderflowLogPrefactor = -900;
/// Taylor coefficients in eta of Temme's C0(eta) = 1 / (lambda - 1) - 1 / eta
/// and C1(eta) = 1 / eta^3 - 1 / (lambda - 1)^3 - 1 / (lambda - 1)^2 -
/// 1 / (12 (lambda - 1)) (computed with mpmath at 120 digits).
constexpr double kGammaPTemmeC0[] = {-1.0 / 3, 1.0 / 12, -2.0 / 135, 1.0 / 864, 3.5273368606701940035e-4,
                                     -1.787551440329218107e-4, 3.9192631785224377817e-5, -2.1854485106799921615e-6,
                                     -1.8540622107151599607e-6, 8.296711340953086005e-7, -1.7665952736826079304e-7,
                                     6.7078535434014985804e-9};
constexpr double kGammaPTemmeC1[] = {-1.0 / 540, -1.0 / 288, 1.0 / 378, -9.9022633744855967078e-4,
                                     2.0576131687242798354e-4, -4.0187757201646090535e-7};
/// lgamma(a) - ((a - 1/2) log a - a + log(2 pi) / 2) from r = 1 / a
/// (Stirling); first omitted term < 4e-17 at a = 10. T is double or a tensor.
template <class T>
T lgamma_stirling_remainder(const T& r) {
  const T r2 = r * r;
  return r * (1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680 +
         r2 * (1.0 / 1188 + r2 * (-691.0 / 360360 + r2 * (1.0 / 156)))))));
}

/// The Bernoulli series of digamma, psi(a) = log a - 1 / (2a) - T(a), as
/// T from r = 1 / a; first omitted term < 5e-17 at a = 10.
template <class T>
T digamma_asymptotic_series(const T& r) {
  const T r2 = r * r;
  return r2 * (1.0 / 12 + r2 * (-1.0 / 120 + r2 * (1.0 / 252 + r2 * (-1.0 / 240 +
         r2 * (1.0 / 132 + r2 * (-691.0 / 32760 + r2 * (1.0 / 12)))))));
}

/// log(a) - digamma(a) from r = 1 / a; first omitted term < 5e-17 at a = 10.
template <class T>
T log_minus_digamma(const T& r) {
  return r / 2 + digamma_asymptotic_series(r);
}

/// Generous bound on the series' or fraction's terms: about 9 sqrt(a) are
/// needed where x is near a, a handful elsewhere.
inline int64_t gamma_p_grad_a_max_terms(double a) { return 1000 + static_cast<int64_t>(50 * std::sqrt(a)); }

/// The regularized lower incomplete gamma function
///   P(a, x) = (1 / Gamma(a)) * integral_0^x t^(a-1) e^(-t) dt,
/// differentiable in both `a` and `x` (ATen's `igamma` has no derivative in
/// `a`). The arguments broadcast and promote to a common floating dtype; the
/// value is `at::igamma`'s.
///
/// Second derivatives are available in `x` only: a backward pass that
/// records a graph (`create_graph`) while `a` needs a gradient throws
/// `c10::NotImplementedError`.
///
/// Example:
/// \code
///   at::Tensor a = at::full({3}, 2.0, at::kDouble).requires_grad_();
///   at::Tensor p = td::detail::gamma_p(a, at::tensor({0.5, 2.0, 8.0}, at::kDouble));
///   p.sum().backward();  // a.grad() = dP/da, all negative
/// \endcode
at::Tensor gamma_p(const at::Tensor& a, const at::Tensor& x);

/// dP(a, x)/dx = x^(a-1) e^(-x) / Gamma(a), evaluated in log space; built
/// from differentiable ATen operations. +inf at x = 0 when a < 1.
at::Tensor gamma_p_grad_x(const at::Tensor& a, const at::Tensor& x);

/// dP(a, x)/da, computed in double and returned in the promoted dtype of
/// the arguments (not differentiable).
///
/// With L = a log x - x - lgamma(a) and D = log x - digamma(a):
///  - x < a + 1: P = e^L / a * S(a), S = sum_n x^n / ((a+1)...(a+n)); all
///    terms are positive and their a-derivatives all negative, so
///    dP/da = e^L / a * (S (D - 1/a) + S') has no cancellation.
///  - x >= a + 1: Q = 1 - P = e^L * F(a), F the Legendre continued fraction
///    evaluated by modified Lentz in forward-mode dual numbers, and
///    dP/da = -e^L * (F D + F').
/// Each branch evaluates the smaller tail, so the result has a small relative
/// error. For a >= 10, L and D are formed from log1p((x - a) / a) and
/// Stirling series, so that the ~a log(a) terms cancel analytically rather
/// than in rounding. From a = 1e6 on (where those need ~9 sqrt(a) terms),
/// Temme's uniform asymptotic expansion in dual numbers replaces both. The
/// test suite checks 1e-11 relative against 50-digit references for
/// 1e-3 <= a <= 1e30. dP/da is 0 at x = 0, x = inf and a = inf, and NaN
/// for NaN or out-of-domain inputs (a <= 0, x < 0).
/// Tensors off the CPU use gamma_p_grad_a_tensor_ops.
at::Tensor gamma_p_grad_a(const at::Tensor& a, const at::Tensor& x);

/// gamma_p_grad_a by the same method written as tensor operations, so that
/// it runs on the arguments' device: every element steps through the series
/// or the continued fraction together (masked), and convergence is checked
/// every 16 terms (one device sync each). Runs on the CPU too, where the
/// tests compare it with the host loop.
at::Tensor gamma_p_grad_a_tensor_ops(const at::Tensor& a, const at::Tensor& x);

}  // namespace detail
}  // namespace torchdist
