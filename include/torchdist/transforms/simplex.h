#pragma once
/// \file
/// Transforms onto the probability simplex: Softmax (many-to-one) and
/// StickBreaking (a bijection from R^(K-1) to the K-simplex).

#include "torchdist/transforms/transform.h"

namespace torchdist {

/// y = softmax(x) over the last dimension. Not injective (adding a constant
/// to x does not change y): `inverse(y)` returns log(y), one preimage, and
/// there is no log-det.
///
/// Example:
/// \code
///   td::SoftmaxTransform().forward(at::zeros({3}));  // [1/3, 1/3, 1/3]
/// \endcode
class SoftmaxTransform final : public TransformBase<SoftmaxTransform> {
 public:
  explicit SoftmaxTransform(int cache_size = 0) : TransformBase(cache_size) {}
  std::string name() const override { return "SoftmaxTransform()"; }
  ConstraintPtr domain() const override { return constraints::real_vector(); }
  ConstraintPtr codomain() const override { return constraints::simplex(); }

 protected:
  at::Tensor call(const at::Tensor& x) const override { return at::softmax(x, -1); }
  at::Tensor inverse_call(const at::Tensor& y) const override { return y.log(); }
};

/// The stick-breaking bijection from R^(K-1) onto the interior of the
/// K-simplex: z_i = sigmoid(x_i - log(K - i)) (i = 1..K-1) is the fraction
/// of the remaining stick that piece i takes; y_i = z_i prod_{j<i} (1 - z_j)
/// and y_K is what is left. The offsets make x = 0 map to the uniform point.
///
/// Example:
/// \code
///   td::StickBreakingTransform().forward(at::zeros({2}));  // [1/3, 1/3, 1/3]
/// \endcode
class StickBreakingTransform final : public TransformBase<StickBreakingTransform> {
 public:
  explicit StickBreakingTransform(int cache_size = 0) : TransformBase(cache_size) {}
  std::string name() const override { return "StickBreakingTransform()"; }
  ConstraintPtr domain() const override { return constraints::real_vector(); }
  ConstraintPtr codomain() const override { return constraints::simplex(); }
  bool bijective() const override { return true; }
  /// log|det| of the map from x to the first K-1 coordinates of y (the last
  /// one is determined by them).
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;
  std::vector<int64_t> forward_shape(at::IntArrayRef shape) const override;
  std::vector<int64_t> inverse_shape(at::IntArrayRef shape) const override;

 protected:
  at::Tensor call(const at::Tensor& x) const override;
  at::Tensor inverse_call(const at::Tensor& y) const override;
};

}  // namespace torchdist
