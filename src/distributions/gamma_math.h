#pragma once
/// \file
/// Private special functions for the Gamma family: the regularized lower
/// incomplete gamma function P(a, x) with derivatives in both arguments.
/// Not installed; the tests include it by relative path.

#include <ATen/ATen.h>

namespace torchdist {
namespace detail {

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
at::Tensor gamma_p_grad_a(const at::Tensor& a, const at::Tensor& x);

}  // namespace detail
}  // namespace torchdist
