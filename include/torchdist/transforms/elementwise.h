#pragma once
/// \file
/// Elementwise transforms (event_dim 0): Exp, Abs, Power, Sigmoid, Softplus,
/// Tanh. Each log-det is written in a form that is finite for every finite
/// input.

#include "torchdist/transforms/transform.h"

namespace torchdist {

/// y = exp(x); log|dy/dx| = x.
///
/// Example:
/// \code
///   auto t = std::make_shared<td::ExpTransform>();
///   t->forward(at::zeros({2}));  // [1, 1]
/// \endcode
class ExpTransform final : public TransformBase<ExpTransform> {
 public:
  explicit ExpTransform(int cache_size = 0) : TransformBase(cache_size) {}
  std::string name() const override { return "ExpTransform()"; }
  ConstraintPtr domain() const override { return constraints::real(); }
  ConstraintPtr codomain() const override { return constraints::positive(); }
  bool bijective() const override { return true; }
  int sign() const override { return 1; }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;

 protected:
  at::Tensor call(const at::Tensor& x) const override { return x.exp(); }
  at::Tensor inverse_call(const at::Tensor& y) const override { return y.log(); }
};

/// y = |x|. Not injective: `inverse(y)` returns y, the nonnegative preimage.
///
/// Example:
/// \code
///   td::AbsTransform().forward(at::tensor({-2.0}));  // [2]
/// \endcode
class AbsTransform final : public TransformBase<AbsTransform> {
 public:
  explicit AbsTransform(int cache_size = 0) : TransformBase(cache_size) {}
  std::string name() const override { return "AbsTransform()"; }
  ConstraintPtr domain() const override { return constraints::real(); }
  ConstraintPtr codomain() const override { return constraints::positive(); }

 protected:
  at::Tensor call(const at::Tensor& x) const override { return x.abs(); }
  at::Tensor inverse_call(const at::Tensor& y) const override { return y; }
};

/// y = x^exponent on positive reals; log|dy/dx| = log|exponent| +
/// (exponent - 1) log x.
/// `exponent` broadcasts with x.
///
/// Example:
/// \code
///   td::PowerTransform sq(2.0);
///   sq.forward(at::tensor({3.0}));  // [9]
/// \endcode
class PowerTransform final : public TransformBase<PowerTransform> {
 public:
  explicit PowerTransform(at::Tensor exponent, int cache_size = 0);
  explicit PowerTransform(double exponent, int cache_size = 0);
  std::string name() const override;
  ConstraintPtr domain() const override { return constraints::positive(); }
  ConstraintPtr codomain() const override { return constraints::positive(); }
  bool bijective() const override { return true; }
  /// The sign of the exponent; throws ValueError when it differs across
  /// elements (the map is then not monotone as a whole).
  int sign() const override;
  /// The sign of the exponent, element by element.
  at::Tensor signs() const override { return exponent_.sign(); }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;
  std::vector<int64_t> forward_shape(at::IntArrayRef shape) const override;
  std::vector<int64_t> inverse_shape(at::IntArrayRef shape) const override { return forward_shape(shape); }
  bool equals(const Transform& other) const override;
  const at::Tensor& exponent() const { return exponent_; }

 protected:
  at::Tensor call(const at::Tensor& x) const override { return x.pow(exponent_); }
  at::Tensor inverse_call(const at::Tensor& y) const override { return y.pow(exponent_.reciprocal()); }

 private:
  at::Tensor exponent_;
};

/// y = sigmoid(x), clamped into [tiny, 1 - eps] so that the inverse stays
/// finite; log|dy/dx| = -softplus(-x) - softplus(x).
///
/// Example:
/// \code
///   td::SigmoidTransform().forward(at::zeros({1}));  // [0.5]
/// \endcode
class SigmoidTransform final : public TransformBase<SigmoidTransform> {
 public:
  explicit SigmoidTransform(int cache_size = 0) : TransformBase(cache_size) {}
  std::string name() const override { return "SigmoidTransform()"; }
  ConstraintPtr domain() const override { return constraints::real(); }
  ConstraintPtr codomain() const override { return constraints::unit_interval(); }
  bool bijective() const override { return true; }
  int sign() const override { return 1; }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;

 protected:
  at::Tensor call(const at::Tensor& x) const override;
  at::Tensor inverse_call(const at::Tensor& y) const override;
};

/// y = log(1 + exp(x)), kept at least the dtype's smallest normal number so
/// that it stays positive; inverse x = y + log(-expm1(-y));
/// log|dy/dx| = -softplus(-x).
///
/// Example:
/// \code
///   td::SoftplusTransform().forward(at::zeros({1}));  // [log 2]
/// \endcode
class SoftplusTransform final : public TransformBase<SoftplusTransform> {
 public:
  explicit SoftplusTransform(int cache_size = 0) : TransformBase(cache_size) {}
  std::string name() const override { return "SoftplusTransform()"; }
  ConstraintPtr domain() const override { return constraints::real(); }
  ConstraintPtr codomain() const override { return constraints::positive(); }
  bool bijective() const override { return true; }
  int sign() const override { return 1; }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;

 protected:
  at::Tensor call(const at::Tensor& x) const override;
  at::Tensor inverse_call(const at::Tensor& y) const override;
};

/// y = tanh(x); log|dy/dx| = 2 (log 2 - x - softplus(-2x)), the form that
/// stays finite where 1 - tanh(x)^2 underflows. The inverse clamps y into
/// the open interval (-1, 1) first, so |y| = 1 maps to a large finite x
/// instead of inf.
///
/// Example:
/// \code
///   td::TanhTransform().forward(at::zeros({1}));  // [0]
/// \endcode
class TanhTransform final : public TransformBase<TanhTransform> {
 public:
  explicit TanhTransform(int cache_size = 0) : TransformBase(cache_size) {}
  std::string name() const override { return "TanhTransform()"; }
  ConstraintPtr domain() const override { return constraints::real(); }
  ConstraintPtr codomain() const override { return constraints::interval(-1.0, 1.0); }
  bool bijective() const override { return true; }
  int sign() const override { return 1; }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;

 protected:
  at::Tensor call(const at::Tensor& x) const override { return x.tanh(); }
  at::Tensor inverse_call(const at::Tensor& y) const override;
};

}  // namespace torchdist
