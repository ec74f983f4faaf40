#include "torchdist/transforms/transform.h"

#include "torchdist/core/distribution.h"

namespace torchdist {

Transform::Transform(int cache_size) : cache_size_(cache_size) {
  TORCH_CHECK_VALUE(cache_size == 0 || cache_size == 1, "Transform: cache_size must be 0 or 1, got ", cache_size);
}

Transform::Transform(const Transform& other)
    : std::enable_shared_from_this<Transform>(), cache_size_(other.cache_size_) {}

int Transform::sign() const { not_implemented("sign"); }
at::Tensor Transform::signs() const { return at::scalar_tensor(sign(), at::kLong); }

void Transform::not_implemented(const char* method) const {
  TORCH_CHECK_NOT_IMPLEMENTED(false, name(), " does not implement ", method);
}

at::Tensor Transform::inverse_call(const at::Tensor&) const { not_implemented("inverse"); }

at::Tensor Transform::log_abs_det_jacobian(const at::Tensor&, const at::Tensor&) const {
  not_implemented("log_abs_det_jacobian");
}

namespace {

// Validates a transform's input against `space` (its domain for forward,
// its codomain for inverse) when validation is on globally.
void check_input(const Transform& t, const char* method, const at::Tensor& value, const ConstraintPtr& space) {
  if (!default_validate_args() || space->is_dependent()) return;
  TORCH_CHECK_VALUE(value.defined(), t.name(), ": the argument of ", method, " must be a defined tensor");
  TORCH_CHECK_VALUE(value.dim() >= space->event_dim(), t.name(), ": the argument of ", method, " must have at least ",
                    space->event_dim(), " dimensions (the event dimensions of ", space->name(), "), got shape ",
                    value.sizes());
  const std::string arg = std::string("the argument of ") + method;
  detail::check_param(t.name(), arg.c_str(), value, space, /*allow_infinite=*/true);
}

}  // namespace

at::Tensor Transform::forward(const at::Tensor& x) const {
  check_input(*this, "forward", x, domain());
  return forward_unchecked(x);
}

at::Tensor Transform::inverse(const at::Tensor& y) const {
  check_input(*this, "inverse", y, codomain());
  return inverse_unchecked(y);
}

// The cache holds one pair, matched by tensor identity (not value), exactly
// as torch does: y = t(x); t.inv(y) returns x itself.
at::Tensor Transform::forward_unchecked(const at::Tensor& x) const {
  if (cache_size_ == 0) return call(x);
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (cached_x_.defined() && x.is_same(cached_x_)) return cached_y_;
  }
  at::Tensor y = call(x);
  std::lock_guard<std::mutex> lock(cache_mutex_);
  cached_x_ = x;
  cached_y_ = y;
  return y;
}

at::Tensor Transform::inverse_unchecked(const at::Tensor& y) const {
  if (cache_size_ == 0) return inverse_call(y);
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (cached_y_.defined() && y.is_same(cached_y_)) return cached_x_;
  }
  at::Tensor x = inverse_call(y);
  std::lock_guard<std::mutex> lock(cache_mutex_);
  cached_x_ = x;
  cached_y_ = y;
  return x;
}

TransformPtr Transform::inv() const {
  std::shared_ptr<const Transform> self = weak_from_this().lock();
  if (!self) self = clone();
  if (auto as_inverse = std::dynamic_pointer_cast<const InverseTransform>(self)) return as_inverse->base();
  return std::make_shared<InverseTransform>(std::move(self));
}

TransformPtr Transform::with_cache(int cache_size) const {
  if (cache_size == cache_size_) {
    if (auto self = weak_from_this().lock()) return self;
  }
  std::shared_ptr<Transform> copy = clone();
  TORCH_CHECK_VALUE(cache_size == 0 || cache_size == 1, name(), ": cache_size must be 0 or 1, got ", cache_size);
  copy->cache_size_ = cache_size;
  return copy;
}

bool Transform::equals(const Transform& other) const { return typeid(*this) == typeid(other); }

InverseTransform::InverseTransform(TransformPtr base)
    : Transform(/*cache_size=*/0), base_(std::move(base)) {
  TORCH_CHECK_VALUE(base_ != nullptr, "InverseTransform: base transform must not be null");
}

bool InverseTransform::equals(const Transform& other) const {
  auto* o = dynamic_cast<const InverseTransform*>(&other);
  return o != nullptr && base_->equals(*o->base_);
}

}  // namespace torchdist
