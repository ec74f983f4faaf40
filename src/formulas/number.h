#pragma once
// Internal: the number type that formulas are written in, so that one
// definition serves every way of evaluating it.
//
// A formula is a function template of Num<R> arguments:
//
//   template <class N>
//   N poisson_kl(const N& rate_p, const N& rate_q) {
//     return where(rate_p == 0.0, rate_q, rate_p * (log(rate_p) - log(rate_q)) - rate_p + rate_q);
//   }
//
// and R, the representation, says how it is evaluated:
//
//   R                      evaluates                                   Backend in
//   at::Tensor             the ATen composition: any device and dtype,  tensor_backend.h
//                          autograd records it (the reference)
//   float, double          one element in plain scalar code             scalar_backend.h
//   at::vec::Vectorized<T> one AVX2 vector of elements (the kernels)    kernels/vec_backend_avx2.h
//   Dual<R, K>             the value and K partial derivatives          dual.h
//                          (forward mode: the fused backward)
//
// Backend<R> supplies the primitive operations; Num<R> and Mask<R> (the
// result of a comparison) give them the ordinary spelling, found by
// argument-dependent lookup: + - * / and unary -, comparisons, & | ! on
// masks, where(mask, a, b), if_needed(mask, placeholder, f) (a side
// computed only where needed), and log, log1p, exp, expm1, sqrt, abs, lgamma,
// digamma, erfc, floor, sin, cos, tan, atan2, and the scaled Bessel functions bessel_i0e
// and bessel_i1e (bessel.h). A double operand is a constant of the other operand's kind.
// A formula is branch-free: both sides of a where() are evaluated (for
// every element), so each side must be finite or harmless where it is not
// selected, as in any vectorized code.

#include <cstddef>
#include <utility>

namespace torchdist {
namespace formulas {

/// The primitive operations on a representation R (see the file comment);
/// specialized in the backend headers.
template <class R>
struct Backend;

/// A comparison's result: one truth value per element.
template <class R>
struct Mask {
  using B = Backend<R>;
  typename B::Mask m;

  friend Mask operator&(const Mask& a, const Mask& b) { return {B::mask_and(a.m, b.m)}; }
  friend Mask operator|(const Mask& a, const Mask& b) { return {B::mask_or(a.m, b.m)}; }
  friend Mask operator!(const Mask& a) { return {B::mask_not(a.m)}; }
};

/// A number (a tensor, a scalar, a vector of elements, a dual number) as a
/// formula sees it.
template <class R>
struct Num {
  using B = Backend<R>;
  R r;

  explicit Num(R value) : r(std::move(value)) {}

  /// The constant c, of the same kind as this number.
  Num constant(double c) const { return Num(B::constant(c, r)); }

  friend Num operator+(const Num& a, const Num& b) { return Num(B::add(a.r, b.r)); }
  friend Num operator-(const Num& a, const Num& b) { return Num(B::sub(a.r, b.r)); }
  friend Num operator*(const Num& a, const Num& b) { return Num(B::mul(a.r, b.r)); }
  friend Num operator/(const Num& a, const Num& b) { return Num(B::div(a.r, b.r)); }
  friend Num operator-(const Num& a) { return Num(B::neg(a.r)); }

  friend Num operator+(const Num& a, double b) { return a + a.constant(b); }
  friend Num operator-(const Num& a, double b) { return a - a.constant(b); }
  friend Num operator*(const Num& a, double b) { return a * a.constant(b); }
  friend Num operator/(const Num& a, double b) { return a / a.constant(b); }
  friend Num operator+(double a, const Num& b) { return b.constant(a) + b; }
  friend Num operator-(double a, const Num& b) { return b.constant(a) - b; }
  friend Num operator*(double a, const Num& b) { return b.constant(a) * b; }
  friend Num operator/(double a, const Num& b) { return b.constant(a) / b; }

  friend Mask<R> operator<(const Num& a, const Num& b) { return {B::lt(a.r, b.r)}; }
  friend Mask<R> operator<=(const Num& a, const Num& b) { return {B::le(a.r, b.r)}; }
  friend Mask<R> operator>(const Num& a, const Num& b) { return {B::lt(b.r, a.r)}; }
  friend Mask<R> operator>=(const Num& a, const Num& b) { return {B::le(b.r, a.r)}; }
  friend Mask<R> operator==(const Num& a, const Num& b) { return {B::eq(a.r, b.r)}; }
  friend Mask<R> operator!=(const Num& a, const Num& b) { return !(a == b); }
  friend Mask<R> operator<(const Num& a, double b) { return a < a.constant(b); }
  friend Mask<R> operator<=(const Num& a, double b) { return a <= a.constant(b); }
  friend Mask<R> operator>(const Num& a, double b) { return a > a.constant(b); }
  friend Mask<R> operator>=(const Num& a, double b) { return a >= a.constant(b); }
  friend Mask<R> operator==(const Num& a, double b) { return a == a.constant(b); }
  friend Mask<R> operator!=(const Num& a, double b) { return a != a.constant(b); }

  friend Num where(const Mask<R>& m, const Num& a, const Num& b) { return Num(B::select(m.m, a.r, b.r)); }
  /// f() where some element needs it (`needed`), else `placeholder`: for
  /// a side of a where() that is costly and often unused. A vector of
  /// elements computes f() if any of its lanes needs it, one element only
  /// if it does; tensors always compute it (no host synchronization).
  template <class F>
  friend Num if_needed(const Mask<R>& needed, const Num& placeholder, F f) {
    return B::any(needed.m) ? f() : placeholder;
  }
  friend Num where(const Mask<R>& m, const Num& a, double b) { return where(m, a, a.constant(b)); }
  friend Num where(const Mask<R>& m, double a, const Num& b) { return where(m, b.constant(a), b); }

  friend Num log(const Num& x) { return Num(B::log(x.r)); }
  friend Num log1p(const Num& x) { return Num(B::log1p(x.r)); }
  friend Num exp(const Num& x) { return Num(B::exp(x.r)); }
  friend Num expm1(const Num& x) { return Num(B::expm1(x.r)); }
  friend Num sqrt(const Num& x) { return Num(B::sqrt(x.r)); }
  friend Num abs(const Num& x) { return Num(B::abs(x.r)); }
  friend Num lgamma(const Num& x) { return Num(B::lgamma(x.r)); }
  friend Num digamma(const Num& x) { return Num(B::digamma(x.r)); }
  friend Num erfc(const Num& x) { return Num(B::erfc(x.r)); }
  friend Num floor(const Num& x) { return Num(B::floor(x.r)); }
  friend Num sin(const Num& x) { return Num(B::sin(x.r)); }
  friend Num cos(const Num& x) { return Num(B::cos(x.r)); }
  friend Num tan(const Num& x) { return Num(B::tan(x.r)); }
  friend Num bessel_i0e(const Num& x) { return Num(B::bessel_i0e(x.r)); }
  friend Num bessel_i1e(const Num& x) { return Num(B::bessel_i1e(x.r)); }
  friend Num atan2(const Num& y, const Num& x) { return Num(B::atan2(y.r, x.r)); }
};

/// A representation as the Num a formula takes.
template <class R>
Num<R> num(R r) {
  return Num<R>(std::move(r));
}

/// F::eval on the arguments in `args` (F::arity of them), each given as
/// its representation R.
template <class F, class R, size_t... I>
Num<R> apply(const R* args, std::index_sequence<I...>) {
  return F::eval(num(args[I])...);
}
template <class F, class R>
Num<R> apply(const R* args) {
  return apply<F>(args, std::make_index_sequence<F::arity>());
}

}  // namespace formulas
}  // namespace torchdist
