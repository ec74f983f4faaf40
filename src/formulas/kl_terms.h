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
constexpr double kEulerMascheroni = 0.57721566490153286061;

/// e^x - 1 - x, accurate to a few ulps relative for every x. e^x - 1 - x
/// cancels for small |x| (relative error ~2 eps / x^2); below |x| = 1/2 the
/// Taylor series sum_{k>=2} x^k / k! is used, to x^15 (the next term is
/// below 1e-17 of the sum), above it e^x - 1 - x loses at most ~6 ulps
/// (at x = -1/2). Gradient e^x - 1, exactly 0 at 0. Each side is computed
/// only where some element needs it.
template <class N>
N expm1_minus_x(const N& x) {
  const auto small = abs(x) < 0.5;
  const N series = if_needed(small, x, [&] {
    // Zero outside the series' range, so that its unused values (and
    // their gradients) stay finite whatever x is. Horner on
    // 1/2! + x/3! + ... + x^13/15!.
    const N xs = where(small, x, 0.0);
    double inverse_factorials[14];  // 1 / (j + 2)!
    double factorial = 1.0;
    for (int j = 0; j < 14; ++j) inverse_factorials[j] = 1.0 / (factorial *= (j + 2));
    N poly = xs * inverse_factorials[13] + inverse_factorials[12];
    for (int j = 11; j >= 0; --j) poly = poly * xs + inverse_factorials[j];
    return xs * xs * poly;
  });
  const N direct = if_needed(!small, x, [&] {
    const N xl = where(small, 1.0, x);
    return exp(xl) - 1.0 - xl;
  });
  return where(small, series, direct);
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
/// close to b: a - b is exact there (Sterbenz), so log1p((a - b) / b) sees
/// an accurate argument, where log(a / b) would carry the ~eps rounding of
/// the ratio into a result near 0. That form serves for a > b / 2 (the
/// argument is > -1/2, up to 1e30). Below, log(a / b), whose rounding is
/// relative to a result of magnitude > log 2; where that ratio is not a
/// normal number (subnormal b, a << b), log a - log b.
template <class N>
N log_ratio(const N& a, const N& b) {
  const N x = (a - b) / b;
  const auto main = (x > -0.5) & (x < 1e30);
  const N from_log1p = log1p(where(main, x, 0.0));
  const N far = if_needed(!main, x, [&] {
    const N ratio = a / b;
    const auto normal = (ratio >= 1e-30) & (ratio <= 1e30);
    const N from_ratio = log(where(normal, ratio, 1.0));
    return if_needed((!normal) & (!main), from_ratio, [&] { return where(normal, from_ratio, log(a) - log(b)); });
  });
  return where(main, from_log1p, far);
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
