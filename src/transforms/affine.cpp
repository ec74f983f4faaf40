#include "torchdist/transforms/affine.h"

#include <cmath>
#include <sstream>

namespace torchdist {

AffineTransform::AffineTransform(ScalarOrTensor loc, ScalarOrTensor scale, int64_t event_dim, int cache_size)
    : TransformBase(cache_size), event_dim_(event_dim) {
  TORCH_CHECK_VALUE(event_dim >= 0, "AffineTransform: event_dim must be >= 0, got ", event_dim);
  if (loc.is_scalar()) loc_number_ = loc.value();
  if (scale.is_scalar()) scale_number_ = scale.value();
  loc_ = loc.is_scalar() ? at::scalar_tensor(loc.value(), at::kDouble) : loc.tensor();
  scale_ = scale.is_scalar() ? at::scalar_tensor(scale.value(), at::kDouble) : scale.tensor();
  TORCH_CHECK_VALUE(loc_.defined() && scale_.defined(), "AffineTransform: loc and scale must be defined tensors");
  broadcast_shape("AffineTransform", {{"loc", loc_}, {"scale", scale_}});
}

at::Tensor AffineTransform::call(const at::Tensor& x) const {
  at::Tensor scaled = scale_number_ ? x * *scale_number_ : x * scale_;
  return loc_number_ ? scaled + *loc_number_ : scaled + loc_;
}

at::Tensor AffineTransform::inverse_call(const at::Tensor& y) const {
  at::Tensor shifted = loc_number_ ? y - *loc_number_ : y - loc_;
  return scale_number_ ? shifted / *scale_number_ : shifted / scale_;
}

std::string AffineTransform::name() const {
  std::ostringstream os;
  auto show = [&os](const at::Tensor& t) {
    if (t.numel() == 1) {
      os << t.item<double>();
    } else {
      os << "tensor of shape " << t.sizes();
    }
  };
  os << "AffineTransform(loc=";
  show(loc_);
  os << ", scale=";
  show(scale_);
  os << ", event_dim=" << event_dim_ << ")";
  return os.str();
}

ConstraintPtr AffineTransform::domain() const {
  return event_dim_ == 0 ? constraints::real() : constraints::independent(constraints::real(), event_dim_);
}

int AffineTransform::sign() const {
  at::Tensor s = scale_.sign();
  const double first = s.flatten()[0].item<double>();
  TORCH_CHECK_VALUE((s == first).all().item<bool>(), name(), ": sign is not defined when scale's sign varies");
  return static_cast<int>(first);
}

at::Tensor AffineTransform::signs() const {
  if (scale_number_) return at::scalar_tensor(*scale_number_ > 0 ? 1 : (*scale_number_ < 0 ? -1 : 0), at::kLong);
  return scale_.sign();
}

at::Tensor AffineTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const {
  // log|scale| for every element of x, then summed over the event dims.
  at::Tensor elementwise = scale_number_
                               ? at::full(x.sizes(), std::log(std::abs(*scale_number_)), x.options())
                               : scale_.abs().log().expand(at::infer_size(x.sizes(), scale_.sizes()));
  return sum_rightmost(elementwise, event_dim_);
}

std::vector<int64_t> AffineTransform::forward_shape(at::IntArrayRef shape) const {
  return at::infer_size(at::infer_size(shape, loc_.sizes()), scale_.sizes());
}

bool AffineTransform::equals(const Transform& other) const {
  auto* o = dynamic_cast<const AffineTransform*>(&other);
  if (o == nullptr || o->event_dim_ != event_dim_) return false;
  auto same = [](const at::Tensor& a, const at::Tensor& b) {
    return a.sizes() == b.sizes() && at::equal(a.to(at::kDouble), b.to(at::kDouble));
  };
  return same(loc_, o->loc_) && same(scale_, o->scale_);
}

}  // namespace torchdist
