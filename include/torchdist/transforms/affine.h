#pragma once
/// \file
/// The affine transform y = loc + scale * x.

#include "torchdist/core/utils.h"
#include "torchdist/transforms/transform.h"

namespace torchdist {

/// y = loc + scale * x, elementwise, with `loc` and `scale` broadcasting
/// against x. With `event_dim > 0` the rightmost `event_dim` dimensions form
/// one event and the log-det is summed over them.
///
/// A number `loc` or `scale` acts like a Python float in torch: it takes the
/// dtype of x (a float32 x stays float32, even 0-dim); tensor parameters
/// follow ATen's type promotion.
///
/// Example:
/// \code
///   td::AffineTransform t(1.0, 2.0);
///   t.forward(at::tensor({3.0}));  // [7]
///   t.log_abs_det_jacobian(x, y);  // log 2, shaped like x
/// \endcode
class AffineTransform final : public TransformBase<AffineTransform> {
 public:
  AffineTransform(ScalarOrTensor loc, ScalarOrTensor scale, int64_t event_dim = 0, int cache_size = 0);

  std::string name() const override;
  ConstraintPtr domain() const override;
  ConstraintPtr codomain() const override { return domain(); }
  bool bijective() const override { return true; }
  /// The sign of `scale`; throws ValueError when it differs across elements.
  int sign() const override;
  /// The sign of `scale`, element by element.
  at::Tensor signs() const override;
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;
  std::vector<int64_t> forward_shape(at::IntArrayRef shape) const override;
  std::vector<int64_t> inverse_shape(at::IntArrayRef shape) const override { return forward_shape(shape); }
  bool equals(const Transform& other) const override;

  const at::Tensor& loc() const { return loc_; }
  const at::Tensor& scale() const { return scale_; }
  int64_t event_dim() const { return event_dim_; }

 protected:
  at::Tensor call(const at::Tensor& x) const override;
  at::Tensor inverse_call(const at::Tensor& y) const override;

 private:
  // 0-dim double tensors for number parameters (what loc()/scale() return)...
  at::Tensor loc_, scale_;
  // ...and the numbers themselves, applied as Scalars so that they do not
  // promote x's dtype.
  c10::optional<double> loc_number_, scale_number_;
  int64_t event_dim_;
};

}  // namespace torchdist
