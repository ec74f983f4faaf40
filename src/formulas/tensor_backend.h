#pragma once
// Internal: formulas on tensors (number.h): the ATen composition, for any
// device and dtype, recorded by autograd. It is each formula's reference:
// the fast paths are tested against it.

#include <ATen/ATen.h>

#include "number.h"

namespace torchdist {
namespace formulas {

template <>
struct Backend<at::Tensor> {
  using Mask = at::Tensor;
  using T = at::Tensor;
  // A 0-dim tensor of the operand's dtype and device: it broadcasts and
  // does not promote.
  static T constant(double c, const T& like) { return at::scalar_tensor(c, like.options().requires_grad(false)); }
  static T add(const T& a, const T& b) { return a + b; }
  static T sub(const T& a, const T& b) { return a - b; }
  static T mul(const T& a, const T& b) { return a * b; }
  static T div(const T& a, const T& b) { return a / b; }
  static T neg(const T& a) { return -a; }
  static Mask lt(const T& a, const T& b) { return a < b; }
  static Mask le(const T& a, const T& b) { return a <= b; }
  static Mask eq(const T& a, const T& b) { return a == b; }
  static Mask mask_and(const Mask& a, const Mask& b) { return a.logical_and(b); }
  static Mask mask_or(const Mask& a, const Mask& b) { return a.logical_or(b); }
  static Mask mask_not(const Mask& a) { return a.logical_not(); }
  // Whether to compute a side of a where(): always (asking would read the
  // mask back to the host, and the composition is the reference).
  static bool any(const Mask&) { return true; }
  static T select(const Mask& m, const T& a, const T& b) { return at::where(m, a, b); }
  static T log(const T& x) { return at::log(x); }
  static T log1p(const T& x) { return at::log1p(x); }
  static T exp(const T& x) { return at::exp(x); }
  static T expm1(const T& x) { return at::expm1(x); }
  static T sqrt(const T& x) { return at::sqrt(x); }
  static T abs(const T& x) { return at::abs(x); }
  static T lgamma(const T& x) { return at::lgamma(x); }
  static T digamma(const T& x) { return at::digamma(x); }
  static T trigamma(const T& x) { return at::polygamma(1, x); }
  static T erfc(const T& x) { return at::erfc(x); }
  static T floor(const T& x) { return at::floor(x); }
  static T sin(const T& x) { return at::sin(x); }
  static T cos(const T& x) { return at::cos(x); }
  static T tan(const T& x) { return at::tan(x); }
  static T bessel_i0e(const T& x) { return at::special_i0e(x); }
  static T bessel_i1e(const T& x) { return at::special_i1e(x); }
  static T atan2(const T& y, const T& x) { return at::atan2(y, x); }
};

}  // namespace formulas
}  // namespace torchdist
