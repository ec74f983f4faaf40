#pragma once
/// \file
/// Transforms that change how dimensions are grouped rather than values:
/// Independent (reinterpret batch dims as event dims), Reshape, and Cat /
/// Stack (different transforms on different slices).

#include <vector>

#include "torchdist/transforms/transform.h"

namespace torchdist {

/// `base` with its rightmost `reinterpreted_batch_ndims` batch dimensions
/// treated as event dimensions: the log-det is summed over them.
///
/// Example:
/// \code
///   td::IndependentTransform t(std::make_shared<td::ExpTransform>(), 1);
///   t.log_abs_det_jacobian(x, t(x));  // x.sum(-1)
/// \endcode
class IndependentTransform final : public TransformBase<IndependentTransform> {
 public:
  IndependentTransform(TransformPtr base, int64_t reinterpreted_batch_ndims, int cache_size = 0);
  std::string name() const override;
  ConstraintPtr domain() const override;
  ConstraintPtr codomain() const override;
  bool bijective() const override { return base_->bijective(); }
  int sign() const override { return base_->sign(); }
  at::Tensor signs() const override { return base_->signs(); }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;
  std::vector<int64_t> forward_shape(at::IntArrayRef shape) const override { return base_->forward_shape(shape); }
  std::vector<int64_t> inverse_shape(at::IntArrayRef shape) const override { return base_->inverse_shape(shape); }
  bool equals(const Transform& other) const override;
  const TransformPtr& base() const { return base_; }
  int64_t reinterpreted_batch_ndims() const { return ndims_; }

 protected:
  at::Tensor call(const at::Tensor& x) const override { return base_->forward_unchecked(x); }
  at::Tensor inverse_call(const at::Tensor& y) const override { return base_->inverse_unchecked(y); }

 private:
  TransformPtr base_;
  int64_t ndims_;
};

/// Reshapes the rightmost dimensions from `in_shape` to `out_shape` (same
/// number of elements); the log-det is zero.
///
/// Example:
/// \code
///   td::ReshapeTransform t({6}, {2, 3});
///   t.forward(at::zeros({4, 6})).sizes();  // [4, 2, 3]
/// \endcode
class ReshapeTransform final : public TransformBase<ReshapeTransform> {
 public:
  ReshapeTransform(std::vector<int64_t> in_shape, std::vector<int64_t> out_shape, int cache_size = 0);
  std::string name() const override;
  ConstraintPtr domain() const override;
  ConstraintPtr codomain() const override;
  bool bijective() const override { return true; }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;
  std::vector<int64_t> forward_shape(at::IntArrayRef shape) const override;
  std::vector<int64_t> inverse_shape(at::IntArrayRef shape) const override;
  bool equals(const Transform& other) const override;

 protected:
  at::Tensor call(const at::Tensor& x) const override;
  at::Tensor inverse_call(const at::Tensor& y) const override;

 private:
  // Replaces the trailing `from` of `shape` with `to`, checking it is there.
  std::vector<int64_t> replace_tail(at::IntArrayRef shape, at::IntArrayRef from, at::IntArrayRef to,
                                    const char* what) const;
  std::vector<int64_t> in_shape_, out_shape_;
};

/// Applies `transforms[i]` to the i-th slice of `lengths[i]` entries along
/// `dim` (lengths default to 1 each) and concatenates the results.
///
/// Example:
/// \code
///   td::CatTransform t({std::make_shared<td::ExpTransform>(), std::make_shared<td::SigmoidTransform>()}, -1, {2, 1});
///   t.forward(at::zeros({3}));  // [1, 1, 0.5]
/// \endcode
class CatTransform final : public TransformBase<CatTransform> {
 public:
  CatTransform(std::vector<TransformPtr> transforms, int64_t dim = 0, std::vector<int64_t> lengths = {},
               int cache_size = 0);
  std::string name() const override;
  ConstraintPtr domain() const override;
  ConstraintPtr codomain() const override;
  bool bijective() const override;
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;
  bool equals(const Transform& other) const override;

 protected:
  at::Tensor call(const at::Tensor& x) const override;
  at::Tensor inverse_call(const at::Tensor& y) const override;

 private:
  at::Tensor apply(const at::Tensor& v, bool inverse) const;
  void check_input(const at::Tensor& v) const;
  int64_t event_dim() const;
  std::vector<TransformPtr> transforms_;
  int64_t dim_;
  std::vector<int64_t> lengths_;
};

/// Applies `transforms[i]` to `x.select(dim, i)` and stacks the results.
///
/// Example:
/// \code
///   td::StackTransform t({std::make_shared<td::ExpTransform>(), std::make_shared<td::TanhTransform>()}, 1);
///   t.forward(at::zeros({4, 2}));  // column 0 is exp, column 1 is tanh
/// \endcode
class StackTransform final : public TransformBase<StackTransform> {
 public:
  StackTransform(std::vector<TransformPtr> transforms, int64_t dim = 0, int cache_size = 0);
  std::string name() const override;
  ConstraintPtr domain() const override;
  ConstraintPtr codomain() const override;
  bool bijective() const override;
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override;
  bool equals(const Transform& other) const override;

 protected:
  at::Tensor call(const at::Tensor& x) const override;
  at::Tensor inverse_call(const at::Tensor& y) const override;

 private:
  at::Tensor apply(const at::Tensor& v, bool inverse) const;
  void check_input(const at::Tensor& v) const;
  std::vector<TransformPtr> transforms_;
  int64_t dim_;
};

}  // namespace torchdist
