#pragma once
// Internal: dual numbers for formulas (number.h). Dual<R, K> carries a value
// and its partial derivatives with respect to K inputs; evaluating a formula
// on duals seeded with the unit vectors gives the value and the whole
// gradient in one pass (forward mode), which is how the fused backward of a
// formula is computed without a hand-written derivative.
//
// A where() takes the derivatives of the side it selects, so a side that is
// not selected cannot turn a gradient into NaN (reverse mode through
// at::where multiplies its derivative by zero, and 0 * inf is NaN).

#include <array>
#include <cstddef>
#include <utility>

#include "number.h"

namespace torchdist {
namespace formulas {

template <class R, size_t K>
struct Dual {
  R v;
  std::array<R, K> d;
};

template <class R, size_t K>
struct Backend<Dual<R, K>> {
  using B = Backend<R>;
  using D = Dual<R, K>;
  using Mask = typename B::Mask;

  static D constant(double c, const D& like) {
    D out{B::constant(c, like.v), {}};
    for (size_t k = 0; k < K; ++k) out.d[k] = B::constant(0.0, like.v);
    return out;
  }
  static D add(const D& a, const D& b) {
    D out{B::add(a.v, b.v), {}};
    for (size_t k = 0; k < K; ++k) out.d[k] = B::add(a.d[k], b.d[k]);
    return out;
  }
  static D sub(const D& a, const D& b) {
    D out{B::sub(a.v, b.v), {}};
    for (size_t k = 0; k < K; ++k) out.d[k] = B::sub(a.d[k], b.d[k]);
    return out;
  }
  static D mul(const D& a, const D& b) {
    D out{B::mul(a.v, b.v), {}};
    for (size_t k = 0; k < K; ++k) out.d[k] = B::add(B::mul(a.d[k], b.v), B::mul(b.d[k], a.v));
    return out;
  }
  // (a / b)' = (a' - (a / b) b') / b
  static D div(const D& a, const D& b) {
    D out{B::div(a.v, b.v), {}};
    for (size_t k = 0; k < K; ++k) out.d[k] = B::div(B::sub(a.d[k], B::mul(out.v, b.d[k])), b.v);
    return out;
  }
  static D neg(const D& a) {
    D out{B::neg(a.v), {}};
    for (size_t k = 0; k < K; ++k) out.d[k] = B::neg(a.d[k]);
    return out;
  }
  static Mask lt(const D& a, const D& b) { return B::lt(a.v, b.v); }
  static Mask le(const D& a, const D& b) { return B::le(a.v, b.v); }
  static Mask eq(const D& a, const D& b) { return B::eq(a.v, b.v); }
  static Mask mask_and(const Mask& a, const Mask& b) { return B::mask_and(a, b); }
  static Mask mask_or(const Mask& a, const Mask& b) { return B::mask_or(a, b); }
  static Mask mask_not(const Mask& a) { return B::mask_not(a); }
  static bool any(const Mask& a) { return B::any(a); }
  static D select(const Mask& m, const D& a, const D& b) {
    D out{B::select(m, a.v, b.v), {}};
    for (size_t k = 0; k < K; ++k) out.d[k] = B::select(m, a.d[k], b.d[k]);
    return out;
  }
  static D log(const D& x) { return scale(x, B::log(x.v), B::div(B::constant(1.0, x.v), x.v)); }
  static D log1p(const D& x) {
    return scale(x, B::log1p(x.v), B::div(B::constant(1.0, x.v), B::add(B::constant(1.0, x.v), x.v)));
  }
  static D exp(const D& x) {
    R e = B::exp(x.v);
    return scale(x, e, e);
  }
  static D expm1(const D& x) {
    R e = B::expm1(x.v);
    return scale(x, e, B::add(e, B::constant(1.0, x.v)));
  }
  static D sqrt(const D& x) {
    R s = B::sqrt(x.v);
    return scale(x, s, B::div(B::constant(0.5, x.v), s));
  }
  // |x|' = sign(x), 0 at 0 (as ATen's abs backward).
  static D abs(const D& x) {
    D out{B::abs(x.v), {}};
    const R zero = B::constant(0.0, x.v);
    const Mask negative = B::lt(x.v, zero), positive = B::lt(zero, x.v);
    for (size_t k = 0; k < K; ++k) {
      out.d[k] = B::select(negative, B::neg(x.d[k]), B::select(positive, x.d[k], zero));
    }
    return out;
  }
  static D lgamma(const D& x) { return scale(x, B::lgamma(x.v), B::digamma(x.v)); }
  static D digamma(const D& x) { return scale(x, B::digamma(x.v), B::trigamma(x.v)); }
  // erfc' = -2 / sqrt(pi) e^(-x^2).
  static D erfc(const D& x) {
    const R derivative = B::mul(B::constant(-1.12837916709551257390, x.v), B::exp(B::neg(B::mul(x.v, x.v))));
    return scale(x, B::erfc(x.v), derivative);
  }
  // A step function: derivative 0 (as ATen's floor backward).
  static D floor(const D& x) { return scale(x, B::floor(x.v), B::constant(0.0, x.v)); }
  static D sin(const D& x) { return scale(x, B::sin(x.v), B::cos(x.v)); }
  static D cos(const D& x) { return scale(x, B::cos(x.v), B::neg(B::sin(x.v))); }
  // i0e' = i1e - sign(x) i0e.
  static D bessel_i0e(const D& x) {
    R i0 = B::bessel_i0e(x.v);
    const R derivative = B::sub(B::bessel_i1e(x.v), B::mul(sign(x.v), i0));
    return scale(x, std::move(i0), derivative);
  }
  // i1e' = i0e - sign(x) i1e - i1e / x, with i1e / x = 1/2 at x = 0.
  static D bessel_i1e(const D& x) {
    R i1 = B::bessel_i1e(x.v);
    const R over_x = B::select(B::eq(x.v, B::constant(0.0, x.v)), B::constant(0.5, x.v), B::div(i1, x.v));
    const R derivative = B::sub(B::sub(B::bessel_i0e(x.v), B::mul(sign(x.v), i1)), over_x);
    return scale(x, std::move(i1), derivative);
  }
  static D tan(const D& x) {
    R t = B::tan(x.v);
    return scale(x, t, B::add(B::constant(1.0, x.v), B::mul(t, t)));
  }
  // atan2(y, x)' = (x y' - y x') / (x^2 + y^2)
  static D atan2(const D& y, const D& x) {
    D out{B::atan2(y.v, x.v), {}};
    const R r2 = B::add(B::mul(x.v, x.v), B::mul(y.v, y.v));
    for (size_t k = 0; k < K; ++k) out.d[k] = B::div(B::sub(B::mul(x.v, y.d[k]), B::mul(y.v, x.d[k])), r2);
    return out;
  }

 private:
  // -1, 0 or 1 (NaN gives 0).
  static R sign(const R& x) {
    const R zero = B::constant(0.0, x);
    return B::select(B::lt(x, zero), B::constant(-1.0, x), B::select(B::lt(zero, x), B::constant(1.0, x), zero));
  }
  // f(x) with f'(x) = derivative: each partial times the derivative.
  static D scale(const D& x, R value, const R& derivative) {
    D out{std::move(value), {}};
    for (size_t k = 0; k < K; ++k) out.d[k] = B::mul(derivative, x.d[k]);
    return out;
  }
};

/// Argument i of K as a dual: its value, derivative 1 with respect to
/// itself and 0 with respect to the others.
template <class R, size_t K>
Num<Dual<R, K>> seeded_dual(const R& value, size_t i) {
  Dual<R, K> x{value, {}};
  for (size_t k = 0; k < K; ++k) x.d[k] = Backend<R>::constant(i == k ? 1.0 : 0.0, value);
  return Num<Dual<R, K>>(std::move(x));
}

/// F's value and gradient at `args` (F::arity of them): F evaluated on the
/// arguments seeded as duals.
template <class F, class R, size_t... I>
Dual<R, F::arity> value_and_gradient(const R* args, std::index_sequence<I...>) {
  return F::eval(seeded_dual<R, F::arity>(args[I], I)...).r;
}
template <class F, class R>
Dual<R, F::arity> value_and_gradient(const R* args) {
  return value_and_gradient<F>(args, std::make_index_sequence<F::arity>());
}

/// F's partial derivative in argument `i` at `args`: F evaluated on duals of
/// one direction, argument i seeded with 1 and the others with 0.
template <class F, class R, size_t... I>
R partial_derivative(const R* args, size_t i, std::index_sequence<I...>) {
  // seeded_dual<R, 1>(x, 1) is a constant: its one direction is not its own.
  return F::eval(seeded_dual<R, 1>(args[I], I == i ? 0 : 1)...).r.d[0];
}
template <class F, class R>
R partial_derivative(const R* args, size_t i) {
  return partial_derivative<F>(args, i, std::make_index_sequence<F::arity>());
}

}  // namespace formulas
}  // namespace torchdist
