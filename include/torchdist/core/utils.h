#pragma once
/// \file
/// Small helpers shared by the families: parameter broadcasting, the
/// probs <-> logits conversions, and floating-point limits per dtype.

#include <ATen/ATen.h>

#include <c10/util/ArrayRef.h>

#include <initializer_list>
#include <vector>

namespace torchdist {

/// A distribution parameter given either as a tensor or as a plain number.
///
/// Numbers become 0-dim tensors when broadcast with the other parameters:
/// of the tensors' dtype and device if any parameter is a tensor, otherwise
/// of the default dtype (as `torch.distributions.utils.broadcast_all` does).
///
/// Example:
/// \code
///   td::Normal n(0.0, at::ones({3}, at::kDouble));  // loc becomes a double 0.0
/// \endcode
class ScalarOrTensor {
 public:
  ScalarOrTensor(at::Tensor tensor) : tensor_(std::move(tensor)) {}  // NOLINT: implicit by design
  ScalarOrTensor(double value) : value_(value), is_scalar_(true) {}  // NOLINT: implicit by design
  ScalarOrTensor(int value) : ScalarOrTensor(static_cast<double>(value)) {}  // NOLINT
  ScalarOrTensor(int64_t value) : ScalarOrTensor(static_cast<double>(value)) {}  // NOLINT

  bool is_scalar() const { return is_scalar_; }
  double value() const { return value_; }
  const at::Tensor& tensor() const { return tensor_; }
  /// The parameter as a tensor with the given options (numbers only; a
  /// tensor is returned as is).
  at::Tensor to_tensor(const at::TensorOptions& options) const;

 private:
  at::Tensor tensor_;
  double value_ = 0.0;
  bool is_scalar_ = false;
};

/// Broadcasts parameters to a common shape and a common floating dtype.
///
/// Unlike torch, tensors of different dtypes are promoted to a common one
/// (`Normal(float_loc, double_scale)` is a double distribution), and integer
/// tensors become the default floating dtype. Broadcasting uses `expand`, so
/// no parameter is copied. An undefined tensor throws `c10::ValueError`.
std::vector<at::Tensor> broadcast_all(std::initializer_list<ScalarOrTensor> values);

/// A parameter and its name, for the error message of `broadcast_all`.
struct NamedParam {
  const char* name;
  ScalarOrTensor value;
};

/// `broadcast_all` for a distribution's parameters: shapes that do not
/// broadcast throw `c10::ValueError` naming the distribution, the
/// parameters and their shapes ("Normal: parameters loc of shape [2] and
/// scale of shape [3] do not broadcast").
///
/// Example:
/// \code
///   auto p = td::broadcast_all("Normal", {{"loc", loc}, {"scale", scale}});
/// \endcode
std::vector<at::Tensor> broadcast_all(const char* distribution, c10::ArrayRef<NamedParam> params);

/// The shape that `params` broadcast to, without broadcasting them; shapes
/// that do not broadcast throw `broadcast_all`'s `c10::ValueError` naming
/// `owner` (a distribution or a transform). Numbers count as 0-dim.
///
/// Example:
/// \code
///   td::broadcast_shape("AffineTransform", {{"loc", loc}, {"scale", scale}});
/// \endcode
std::vector<int64_t> broadcast_shape(const char* owner, c10::ArrayRef<NamedParam> params);

/// The Euler-Mascheroni constant (torch's `euler_constant`).
constexpr double kEulerMascheroni = 0.57721566490153286061;

/// Machine epsilon of a floating dtype (`torch.finfo(dtype).eps`).
double finfo_eps(at::ScalarType dtype);
/// Smallest positive normal number of a floating dtype (`torch.finfo(dtype).tiny`).
double finfo_tiny(at::ScalarType dtype);

/// The most negative finite value of a floating dtype (`torch.finfo(dtype).min`).
double finfo_lowest(at::ScalarType dtype);

/// log(1 + exp(l)) without overflow for any finite l, keeping the exp(-l)
/// term that `at::softplus` drops above its threshold of 20. Its gradient
/// at l == 0 is exactly 1/2 (max(l, 0) is written as the mean of two clamps,
/// since a clamp alone has gradient 1 there).
at::Tensor log1p_exp(const at::Tensor& l);

/// Clamps probabilities into [eps, 1 - eps] so that their logits are finite.
at::Tensor clamp_probs(const at::Tensor& probs);

/// Logits to probabilities: sigmoid when `is_binary`, else softmax over the
/// last dimension.
at::Tensor logits_to_probs(const at::Tensor& logits, bool is_binary = false);

/// Probabilities to logits: log(p) - log1p(-p) when `is_binary`, else log(p),
/// after clamping the probabilities away from 0 and 1.
at::Tensor probs_to_logits(const at::Tensor& probs, bool is_binary = false);

/// Sums the rightmost `dims` dimensions of `x`.
at::Tensor sum_rightmost(const at::Tensor& x, int64_t dims);

/// `a + b` for shapes.
std::vector<int64_t> concat_shapes(at::IntArrayRef a, at::IntArrayRef b);

}  // namespace torchdist
