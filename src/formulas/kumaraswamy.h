#pragma once
// Internal: Kumaraswamy(a, b)'s methods as formulas (number.h). The powers
// are exp(a log x), and log(1 - x^a) is log1mexp(a log x), accurate at both
// ends of (0, 1). The ends of the support (x = 0 and 1, u = 0 and 1) take
// their limits by where(), each branch computed at a finite stand-in there:
// an infinite intermediate would make a derivative 0 * inf = NaN.

#include <cstddef>

#include "kl_terms.h"
#include "number.h"

namespace torchdist {
namespace formulas {
namespace kumaraswamy {

constexpr double kLog2 = 0.69314718055994530942;

/// log(1 - e^t) for t < 0 (Maechler, "Accurately computing
/// log(1 - exp(-|a|))", 2012): log(-expm1(t)) above -log 2, where 1 - e^t
/// cancels, log1p(-e^t) below, where it rounds to 1. Each branch sees a
/// stand-in (-1) where the other is taken.
template <class N>
N log1mexp(const N& t) {
  const auto near_zero = t > -kLog2;
  return where(near_zero, log(-expm1(where(near_zero, t, -1.0))), log1p(-exp(where(near_zero, -1.0, t))));
}

/// f(t) for t in (0, 1), 0 at t <= 0 and 1 at t >= 1 (NaN stays NaN), f
/// evaluated at the stand-in 1/2 there: the cdf and icdf, which map the
/// unit interval onto itself.
template <class N, class F>
N with_unit_ends(const N& t, F f) {
  const auto zero = t <= 0.0, one = t >= 1.0;
  return where(zero, 0.0, where(one, 1.0, f(where(zero | one, 0.5, t))));
}

}  // namespace kumaraswamy

/// log f(x) = log a + log b + (a - 1) log x + (b - 1) log(1 - x^a) on
/// [0, 1], -inf outside (and at NaN, as the composition before it). At
/// x = 0 the term (a - 1) log x is 0 for a = 1 and +-inf otherwise; at x = 1
/// the term in b is 0 for b = 1 (the density is a there) and +-inf
/// otherwise; both with derivative 0.
struct KumaraswamyLogProb {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& x, const N& a, const N& b) {
    const auto inside = (x >= 0.0) & (x <= 1.0);
    const auto at0 = x <= 0.0, at1 = x >= 1.0;
    const N xs = where(at0 | at1, 0.5, x);
    const N log_x = log(xs);
    const N log1m_xa = where(at1, -kInfinity, where(at0, 0.0, kumaraswamy::log1mexp(a * log_x)));
    const N head = where(at0, where(a == 1.0, 0.0, where(a > 1.0, a.constant(-kInfinity), a.constant(kInfinity))),
                         where(at1, 0.0, (a - 1.0) * log_x));
    const N tail = where(at1 & (b == 1.0), 0.0, (b - 1.0) * log1m_xa);
    return where(inside, log(a) + log(b) + head + tail, -kInfinity);
  }
};

/// F(x) = 1 - (1 - x^a)^b = -expm1(b log(1 - x^a)): relative accuracy for
/// small x (where it is ~ b x^a) and near 1 alike; 0 at x <= 0, 1 at x >= 1.
struct KumaraswamyCdf {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& x, const N& a, const N& b) {
    return kumaraswamy::with_unit_ends(x, [&](const N& xs) { return -expm1(b * kumaraswamy::log1mexp(a * log(xs))); });
  }
};

/// F^-1(p) = (1 - (1 - p)^(1/b))^(1/a) = exp(log1mexp(log1p(-p) / b) / a):
/// log1p keeps small p accurate; 0 at p <= 0, 1 at p >= 1.
struct KumaraswamyIcdf {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& p, const N& a, const N& b) {
    return kumaraswamy::with_unit_ends(p, [&](const N& ps) { return exp(kumaraswamy::log1mexp(log1p(-ps) / b) / a); });
  }
};

/// The sampling map of a uniform u in [0, 1): (1 - u^(1/b))^(1/a) =
/// exp(log1mexp(log(u) / b) / a), which neither rounds 1 - u^(1/b) to 0
/// for large b nor underflows an intermediate; u = 0 gives 1.
struct KumaraswamyFromUniform {
  static constexpr size_t arity = 3;
  template <class N>
  static N eval(const N& u, const N& a, const N& b) {
    const auto zero = u <= 0.0;
    return where(zero, 1.0, exp(kumaraswamy::log1mexp(log(where(zero, 0.5, u)) / b) / a));
  }
};

/// H = (1 - 1/b) + (1 - 1/a) (psi(b + 1) + gamma) - log a - log b. Its
/// gradient (trigamma) comes by reverse mode through the composition.
struct KumaraswamyEntropy {
  static constexpr size_t arity = 2;
  static constexpr bool vector_backward = false;
  template <class N>
  static N eval(const N& a, const N& b) {
    const N harmonic = digamma(b + 1.0) + kEulerMascheroni;
    return (1.0 - 1.0 / b) + (1.0 - 1.0 / a) * harmonic - log(a) - log(b);
  }
};

}  // namespace formulas
}  // namespace torchdist
