#include "torchdist/transforms/compose.h"

#include <algorithm>

#include "torchdist/core/utils.h"

namespace torchdist {
namespace {

// Wraps `c` so that it has `event_dim` event dimensions.
ConstraintPtr with_event_dim(ConstraintPtr c, int64_t event_dim) {
  return event_dim > c->event_dim() ? constraints::independent(c, event_dim - c->event_dim()) : c;
}

}  // namespace

ComposeTransform::ComposeTransform(std::vector<TransformPtr> parts, int cache_size)
    : TransformBase(cache_size), parts_(std::move(parts)) {
  for (TransformPtr& p : parts_) {
    TORCH_CHECK_VALUE(p != nullptr, "ComposeTransform: parts must not be null");
    if (cache_size) p = p->with_cache(cache_size);
  }
  if (parts_.empty()) {
    domain_ = codomain_ = constraints::real();
    return;
  }
  // The composition's domain has as many event dims as any part needs,
  // traced back from the end (and its codomain likewise, traced forward).
  int64_t event_dim = parts_.back()->codomain()->event_dim();
  for (auto it = parts_.rbegin(); it != parts_.rend(); ++it) {
    event_dim += (*it)->domain()->event_dim() - (*it)->codomain()->event_dim();
    event_dim = std::max(event_dim, (*it)->domain()->event_dim());
  }
  domain_ = with_event_dim(parts_.front()->domain(), event_dim);
  event_dim = parts_.front()->domain()->event_dim();
  for (const TransformPtr& p : parts_) {
    event_dim += p->codomain()->event_dim() - p->domain()->event_dim();
    event_dim = std::max(event_dim, p->codomain()->event_dim());
  }
  codomain_ = with_event_dim(parts_.back()->codomain(), event_dim);
}

std::string ComposeTransform::name() const {
  std::string out = "ComposeTransform([";
  for (size_t i = 0; i < parts_.size(); ++i) out += (i ? ", " : "") + parts_[i]->name();
  return out + "])";
}

bool ComposeTransform::bijective() const {
  return std::all_of(parts_.begin(), parts_.end(), [](const TransformPtr& p) { return p->bijective(); });
}

int ComposeTransform::sign() const {
  int s = 1;
  for (const TransformPtr& p : parts_) s *= p->sign();
  return s;
}

at::Tensor ComposeTransform::signs() const {
  at::Tensor s = at::scalar_tensor(1, at::kLong);
  for (const TransformPtr& p : parts_) s = s * p->signs();
  return s;
}

at::Tensor ComposeTransform::call(const at::Tensor& x) const {
  at::Tensor y = x;
  for (const TransformPtr& p : parts_) y = p->forward_unchecked(y);
  return y;
}

at::Tensor ComposeTransform::inverse_call(const at::Tensor& y) const {
  at::Tensor x = y;
  for (auto it = parts_.rbegin(); it != parts_.rend(); ++it) x = (*it)->inverse_unchecked(x);
  return x;
}

at::Tensor ComposeTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const {
  if (parts_.empty()) return at::zeros_like(x);
  // The intermediate values; with caching on, these are the ones forward
  // computed.
  std::vector<at::Tensor> xs = {x};
  for (size_t i = 0; i + 1 < parts_.size(); ++i) xs.push_back(parts_[i]->forward_unchecked(xs.back()));
  xs.push_back(y);
  at::Tensor total;
  int64_t event_dim = domain_->event_dim();
  for (size_t i = 0; i < parts_.size(); ++i) {
    const TransformPtr& p = parts_[i];
    at::Tensor term = sum_rightmost(p->log_abs_det_jacobian(xs[i], xs[i + 1]), event_dim - p->domain()->event_dim());
    total = total.defined() ? total + term : term;
    event_dim += p->codomain()->event_dim() - p->domain()->event_dim();
  }
  return total;
}

std::vector<int64_t> ComposeTransform::forward_shape(at::IntArrayRef shape) const {
  std::vector<int64_t> s = shape.vec();
  for (const TransformPtr& p : parts_) s = p->forward_shape(s);
  return s;
}

std::vector<int64_t> ComposeTransform::inverse_shape(at::IntArrayRef shape) const {
  std::vector<int64_t> s = shape.vec();
  for (auto it = parts_.rbegin(); it != parts_.rend(); ++it) s = (*it)->inverse_shape(s);
  return s;
}

TransformPtr ComposeTransform::with_cache(int cache_size) const {
  if (cache_size == this->cache_size()) {
    if (auto self = weak_from_this().lock()) return self;
  }
  return std::make_shared<ComposeTransform>(parts_, cache_size);
}

bool ComposeTransform::equals(const Transform& other) const {
  auto* o = dynamic_cast<const ComposeTransform*>(&other);
  if (o == nullptr || o->parts_.size() != parts_.size()) return false;
  for (size_t i = 0; i < parts_.size(); ++i) {
    if (!parts_[i]->equals(*o->parts_[i])) return false;
  }
  return true;
}

}  // namespace torchdist
