#pragma once
/// \file
/// Composition of transforms: y = f_n(... f_2(f_1(x))).

#include <vector>

#include "torchdist/transforms/transform.h"

namespace torchdist {

/// Applies `parts` in order. The log-det is the sum of the parts' log-dets,
/// each summed over the event dimensions that the composition has and the
/// part does not (so an elementwise part after a vector part is summed over
/// the vector). With `cache_size == 1` every part caches too, so
/// `log_abs_det_jacobian` reuses the intermediate values of `forward`.
///
/// Example (a small normalizing flow):
/// \code
///   auto flow = std::make_shared<td::ComposeTransform>(std::vector<td::TransformPtr>{
///       std::make_shared<td::AffineTransform>(0.5, 2.0), std::make_shared<td::TanhTransform>()});
///   at::Tensor y = flow->forward(x);  // tanh(0.5 + 2 x)
/// \endcode
class ComposeTransform final : public TransformBase<ComposeTransform> {
 public:
  explicit ComposeTransform(std::vector<TransformPtr> parts, int cache_size = 0);

  std::string name() const override;
  ConstraintPtr domain() const override { return domain_; }
  ConstraintPtr codomain() const override { return codomain_; }
  bool bijective() const override;
  int sign() const override;
  /// The product of the parts' signs, element by element.
  at::Tensor signs() const override;
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;
  std::vector<int64_t> forward_shape(at::IntArrayRef shape) const override;
  std::vector<int64_t> inverse_shape(at::IntArrayRef shape) const override;
  TransformPtr with_cache(int cache_size = 1) const override;
  bool equals(const Transform& other) const override;
  const std::vector<TransformPtr>& parts() const { return parts_; }

 protected:
  at::Tensor call(const at::Tensor& x) const override;
  at::Tensor inverse_call(const at::Tensor& y) const override;

 private:
  std::vector<TransformPtr> parts_;
  ConstraintPtr domain_, codomain_;
};

}  // namespace torchdist
