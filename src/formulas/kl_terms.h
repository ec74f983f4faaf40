#pragma once
// Internal: the numerically careful building blocks of the KL formulas,
// written once for every representation (number.h): e^x - 1 - x without
// cancellation, logs that are -inf at zero with finite gradients, log(a / b)
// with full relative precision near a = b, and the per-outcome term
// w log(w / v) - w + v.

#include <limits>

#include "number.h"

namespace torchdist {
namespace formulas {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// e^x - 1 - x, accurate to a few ulps relative for every x. expm1(x) - x
/// cancels for small |x| (relative error ~2 eps / |x|); there the Taylor
/// series sum_{k>=2} x^k / k! is used, truncated after x^10 (relative
/// truncation error < 1e-16 for |x| < 0.1). Gradient e^x - 1, exactly 0 at 0.
template <class N>
N expm1_minus_x(const N& x) {
  const auto small = abs(x) < 0.1;
  // Zero outside the series' range, so that its unused values (and their
  // gradients) stay finite whatever x is.
  const N xs = where(small, x, 0.0);
  // Horner on 1/2! + x/3! + ... + x^8/10!.
  double factorial = 362880.0;  // 9!
  N poly = xs * (1.0 / (10 * factorial)) + 1.0 / factorial;
  for (int k = 8; k >= 2; --k) {
    factorial /= (k + 1);
    poly = poly * xs + 1.0 / factorial;
  }
  return where(small, xs * xs * poly, expm1(x) - x);
}

/// log(x) for x >= 0, -inf at 0, with a finite (zero) gradient at 0.
template <class N>
N safe_log(const N& x) {
  const auto positive = x > 0.0;
  return where(positive, log(where(positive, x, 1.0)), -kInfinity);
}

/// log(1 - x) for x <= 1, -inf at 1, with a finite (zero) gradient at 1.
template <class N>
N safe_log1m(const N& x) {
  const auto below = x < 1.0;
  return where(below, log1p(-where(below, x, 0.0)), -kInfinity);
}

/// log(a / b) for positive a, b, with full relative precision when a is
/// close to b: a - b is exact there (Sterbenz), so log1p sees an accurate
/// argument, where log(a / b) would carry the ~eps rounding of the ratio.
/// Outside [b / 2, 2 b], log a - log b (no cancellation there): (a - b) / b
/// overflows for subnormal b, log1p may be inf above 1e307, and a << b
/// rounds (a - b) / b to -1, whose log1p is -inf.
template <class N>
N log_ratio(const N& a, const N& b) {
  const auto near = (a <= 2.0 * b) & (b <= 2.0 * a);
  const N a_near = where(near, a, b);  // keeps the unused side finite
  return where(near, log1p((a_near - b) / b), log(a) - log(b));
}

/// The per-outcome KL term w log(w / v) - w + v >= 0, whose sum over an
/// outcome space is KL(w || v) when both sum to one. `d` is log(w / v) as
/// precisely as the caller can get it; log_w, log_v say where w or v is
/// exactly zero (-inf).
///
/// Written as w (e^-d - 1 + d) where v >= w / e: each term is then
/// second-order in d, so the sum keeps its relative precision when w and v
/// are close (the plain sum of w log(w / v) cancels to ~eps absolute).
/// Where v > e w the direct form w d - w + v has no cancellation and no
/// overflow of e^-d. w = 0 gives v (0 log 0 = 0); v = 0 < w gives +inf.
/// Gradients stay finite at the zeros.
template <class N>
N kl_term(const N& w, const N& v, const N& log_w, const N& log_v, const N& d) {
  const auto w_zero = log_w == -kInfinity;
  const auto v_zero = (log_v == -kInfinity) & !w_zero;
  const N ds = where(w_zero | v_zero, 0.0, d);
  const auto near = ds > -1.0;
  const N d_near = where(near, ds, 0.0);
  const N term = where(near, w * expm1_minus_x(-d_near), w * (ds - 1.0) + v);
  return where(w_zero, v, where(v_zero, kInfinity, term));
}

}  // namespace formulas
}  // namespace torchdist
