#include "torchdist/transforms/affine.h"

#include <sstream>

namespace torchdist {

AffineTransform::AffineTransform(ScalarOrTensor loc, ScalarOrTensor scale, int64_t event_dim, int cache_size)
    : TransformBase(cache_size), event_dim_(event_dim) {
  TORCH_CHECK_VALUE(event_dim >= 0, "AffineTransform: event_dim must be >= 0, got ", event_dim);
  // Numbers stay 0-dim double tensors: arithmetic with a float x keeps x's
  // dtype (a 0-dim tensor does not promote a higher-dimensional one).
  loc_ = loc.is_scalar() ? at::scalar_tensor(loc.value(), at::kDouble) : loc.tensor();
  scale_ = scale.is_scalar() ? at::scalar_tensor(scale.value(), at::kDouble) : scale.tensor();
  TORCH_CHECK_VALUE(loc_.defined() && scale_.defined(), "AffineTransform: loc and scale must be defined tensors");
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

at::Tensor AffineTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const {
  // log|scale| for every element of x, then summed over the event dims.
  at::Tensor elementwise = scale_.abs().log().expand(at::infer_size(x.sizes(), scale_.sizes()));
  if (elementwise.scalar_type() != x.scalar_type() && at::isFloatingType(x.scalar_type()) && scale_.dim() == 0) {
    elementwise = elementwise.to(x.scalar_type());
  }
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
