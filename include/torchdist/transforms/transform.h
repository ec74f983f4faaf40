#pragma once
/// \file
/// The base of all transforms: invertible (or not) maps between constrained
/// spaces, with the log-abs-determinant of their Jacobian, used to build
/// distributions by change of variables and to optimize constrained
/// parameters in unconstrained space.

#include <ATen/ATen.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "torchdist/core/constraints.h"

namespace torchdist {

class Transform;
using TransformPtr = std::shared_ptr<const Transform>;

/// A map y = f(x) from `domain()` to `codomain()`.
///
/// `forward(x)` (or `t(x)`) computes y, `inverse(y)` computes x where the
/// transform is invertible, and `log_abs_det_jacobian(x, y)` gives
/// log |det J_f(x)| summed over the transform's event dimensions.
///
/// With `cache_size == 1` a transform remembers its last (x, y) pair:
/// `inverse(forward(x))` then returns the very tensor `x` (torch's
/// semantics), which matters for transforms whose inverse is not exact or
/// not differentiable. Transforms are immutable apart from that cache and
/// are shared through `std::shared_ptr<const Transform>` (`TransformPtr`).
///
/// Example:
/// \code
///   auto t = std::make_shared<td::ExpTransform>();
///   at::Tensor y = t->forward(x);          // exp(x)
///   at::Tensor x2 = t->inv()->forward(y);  // log(y)
///   at::Tensor ladj = t->log_abs_det_jacobian(x, y);  // x
/// \endcode
class Transform : public std::enable_shared_from_this<Transform> {
 public:
  explicit Transform(int cache_size = 0);
  virtual ~Transform() = default;

  /// A readable name, for error messages: "ExpTransform()".
  virtual std::string name() const = 0;
  /// The space of valid inputs.
  virtual ConstraintPtr domain() const = 0;
  /// The space of outputs.
  virtual ConstraintPtr codomain() const = 0;
  /// Whether the map is a bijection (then `inverse` is exact).
  virtual bool bijective() const { return false; }
  /// +1 or -1 for monotone elementwise transforms; throws
  /// `c10::NotImplementedError` elsewhere.
  virtual int sign() const;
  /// The sign element by element, as a tensor that broadcasts against the
  /// transform's values: +1 where the map increases, -1 where it decreases
  /// (torch's `sign` when it is a tensor). Defaults to `sign()` as a 0-dim
  /// tensor; AffineTransform and PowerTransform return their parameter's
  /// sign, so a scale of mixed signs has one.
  ///
  /// Example:
  /// \code
  ///   td::AffineTransform t(0.0, at::tensor({1.0, -1.0}));
  ///   t.signs();  // [1, -1]; t.sign() throws ValueError
  /// \endcode
  virtual at::Tensor signs() const;

  /// y = f(x), using the cache when enabled.
  ///
  /// While `td::default_validate_args()` is on (the default), `x` is first
  /// checked against `domain()`: a value outside it, or with fewer
  /// dimensions than the domain's events, throws `c10::ValueError`
  /// "ExpTransform(): the argument of forward must satisfy ...".
  at::Tensor forward(const at::Tensor& x) const;
  at::Tensor operator()(const at::Tensor& x) const { return forward(x); }
  /// x = f^{-1}(y), using the cache when enabled. Validates `y` against
  /// `codomain()` like `forward` does against `domain()`: log of a negative
  /// number, say, is a clear error rather than a silent NaN.
  at::Tensor inverse(const at::Tensor& y) const;
  /// `forward` and `inverse` without the input check, for callers that
  /// have validated the value already or promise it is valid (the
  /// composite transforms and `TransformedDistribution`, which validate
  /// against their own support under their own `validate_args`).
  at::Tensor forward_unchecked(const at::Tensor& x) const;
  at::Tensor inverse_unchecked(const at::Tensor& y) const;
  /// log |det df/dx| at (x, y = f(x)), with the event dimensions of the
  /// domain summed out.
  virtual at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const;

  /// The shape of f(x) for an x of shape `shape`.
  virtual std::vector<int64_t> forward_shape(at::IntArrayRef shape) const { return shape.vec(); }
  /// The shape of f^{-1}(y) for a y of shape `shape`.
  virtual std::vector<int64_t> inverse_shape(at::IntArrayRef shape) const { return shape.vec(); }

  /// The inverse transform, sharing this transform's cache. Works on
  /// transforms held by `std::shared_ptr` (as they are everywhere in the
  /// library); on a transform on the stack it wraps a copy.
  TransformPtr inv() const;
  /// A copy of this transform with the given cache size (0 or 1).
  virtual TransformPtr with_cache(int cache_size = 1) const;
  virtual int cache_size() const { return cache_size_; }

  /// A copy of this transform (caches start empty); `with_cache` and `inv`
  /// use it. Each concrete transform implements it in one line.
  virtual std::shared_ptr<Transform> clone() const = 0;

  /// Whether two transforms compute the same map (same type and
  /// parameters); the default compares types only.
  virtual bool equals(const Transform& other) const;

 protected:
  /// The map itself, without caching.
  virtual at::Tensor call(const at::Tensor& x) const = 0;
  /// The inverse map, without caching; throws NotImplementedError unless
  /// overridden.
  virtual at::Tensor inverse_call(const at::Tensor& y) const;
  /// Throws `c10::NotImplementedError` "<name> does not implement <method>".
  [[noreturn]] void not_implemented(const char* method) const;

  // A copy that keeps the parameters but not the cached pair.
  Transform(const Transform& other);
  Transform& operator=(const Transform&) = delete;

 private:
  friend class InverseTransform;
  int cache_size_;
  mutable std::mutex cache_mutex_;
  mutable at::Tensor cached_x_, cached_y_;
};

/// The inverse of another transform: forward is its inverse and vice versa,
/// and the two share one cache. Obtained with `t->inv()`.
class InverseTransform final : public Transform {
 public:
  explicit InverseTransform(TransformPtr base);
  std::string name() const override { return "InverseTransform(" + base_->name() + ")"; }
  ConstraintPtr domain() const override { return base_->codomain(); }
  ConstraintPtr codomain() const override { return base_->domain(); }
  bool bijective() const override { return base_->bijective(); }
  int sign() const override { return base_->sign(); }
  at::Tensor signs() const override { return base_->signs(); }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override {
    return -base_->log_abs_det_jacobian(y, x);
  }
  std::vector<int64_t> forward_shape(at::IntArrayRef shape) const override { return base_->inverse_shape(shape); }
  std::vector<int64_t> inverse_shape(at::IntArrayRef shape) const override { return base_->forward_shape(shape); }
  std::shared_ptr<Transform> clone() const override { return std::make_shared<InverseTransform>(base_); }
  // The cache lives in the base transform, shared by both directions.
  int cache_size() const override { return base_->cache_size(); }
  TransformPtr with_cache(int cache_size = 1) const override { return base_->with_cache(cache_size)->inv(); }
  bool equals(const Transform& other) const override;
  /// The transform this one inverts.
  const TransformPtr& base() const { return base_; }

 protected:
  at::Tensor call(const at::Tensor& x) const override { return base_->inverse_unchecked(x); }
  at::Tensor inverse_call(const at::Tensor& y) const override { return base_->forward_unchecked(y); }

 private:
  TransformPtr base_;
};

/// Implements `clone()` for a concrete transform `Derived` through its copy
/// constructor: derive from `TransformBase<Derived>` instead of `Transform`.
template <class Derived>
class TransformBase : public Transform {
 public:
  using Transform::Transform;
  std::shared_ptr<Transform> clone() const override {
    return std::make_shared<Derived>(static_cast<const Derived&>(*this));
  }
};

}  // namespace torchdist
