#include "torchdist/transforms/structural.h"

#include <algorithm>
#include <numeric>
#include <sstream>

#include "torchdist/core/utils.h"

namespace torchdist {
namespace {

// Helpers shared by Cat and Stack, which both hold a list of transforms.
std::string join_names(const char* kind, const std::vector<TransformPtr>& ts, int64_t dim) {
  std::string out = std::string(kind) + "([";
  for (size_t i = 0; i < ts.size(); ++i) out += (i ? ", " : "") + ts[i]->name();
  return out + "], dim=" + std::to_string(dim) + ")";
}

bool all_bijective(const std::vector<TransformPtr>& ts) {
  return std::all_of(ts.begin(), ts.end(), [](const TransformPtr& t) { return t->bijective(); });
}

bool all_equal(const std::vector<TransformPtr>& a, const std::vector<TransformPtr>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i]->equals(*b[i])) return false;
  }
  return true;
}

std::vector<TransformPtr> checked_list(const char* kind, std::vector<TransformPtr> ts, int cache_size) {
  TORCH_CHECK_VALUE(!ts.empty(), kind, ": expected at least one transform");
  for (TransformPtr& t : ts) {
    TORCH_CHECK_VALUE(t != nullptr, kind, ": transforms must not be null");
    if (cache_size) t = t->with_cache(cache_size);
  }
  return ts;
}

std::vector<ConstraintPtr> domains(const std::vector<TransformPtr>& ts, bool codomain) {
  std::vector<ConstraintPtr> out;
  for (const TransformPtr& t : ts) out.push_back(codomain ? t->codomain() : t->domain());
  return out;
}

int64_t product(at::IntArrayRef shape) { return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>()); }

}  // namespace

// ---------------------------------------------------------------- Independent

IndependentTransform::IndependentTransform(TransformPtr base, int64_t reinterpreted_batch_ndims, int cache_size)
    : TransformBase(cache_size), base_(std::move(base)), ndims_(reinterpreted_batch_ndims) {
  TORCH_CHECK_VALUE(base_ != nullptr, "IndependentTransform: base transform must not be null");
  TORCH_CHECK_VALUE(ndims_ >= 0, "IndependentTransform: reinterpreted_batch_ndims must be >= 0, got ", ndims_);
  if (cache_size) base_ = base_->with_cache(cache_size);
}

std::string IndependentTransform::name() const {
  return "IndependentTransform(" + base_->name() + ", " + std::to_string(ndims_) + ")";
}
ConstraintPtr IndependentTransform::domain() const { return constraints::independent(base_->domain(), ndims_); }
ConstraintPtr IndependentTransform::codomain() const { return constraints::independent(base_->codomain(), ndims_); }

at::Tensor IndependentTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const {
  return sum_rightmost(base_->log_abs_det_jacobian(x, y), ndims_);
}

bool IndependentTransform::equals(const Transform& other) const {
  auto* o = dynamic_cast<const IndependentTransform*>(&other);
  return o != nullptr && o->ndims_ == ndims_ && base_->equals(*o->base_);
}

// ---------------------------------------------------------------- Reshape

ReshapeTransform::ReshapeTransform(std::vector<int64_t> in_shape, std::vector<int64_t> out_shape, int cache_size)
    : TransformBase(cache_size), in_shape_(std::move(in_shape)), out_shape_(std::move(out_shape)) {
  TORCH_CHECK_VALUE(product(in_shape_) == product(out_shape_), "ReshapeTransform: in_shape ",
                    at::IntArrayRef(in_shape_), " and out_shape ", at::IntArrayRef(out_shape_),
                    " have different numbers of elements");
}

std::string ReshapeTransform::name() const {
  std::ostringstream os;
  os << "ReshapeTransform(" << at::IntArrayRef(in_shape_) << ", " << at::IntArrayRef(out_shape_) << ")";
  return os.str();
}

ConstraintPtr ReshapeTransform::domain() const {
  return constraints::independent(constraints::real(), static_cast<int64_t>(in_shape_.size()));
}
ConstraintPtr ReshapeTransform::codomain() const {
  return constraints::independent(constraints::real(), static_cast<int64_t>(out_shape_.size()));
}

std::vector<int64_t> ReshapeTransform::replace_tail(at::IntArrayRef shape, at::IntArrayRef from, at::IntArrayRef to,
                                                    const char* what) const {
  const int64_t cut = static_cast<int64_t>(shape.size()) - static_cast<int64_t>(from.size());
  TORCH_CHECK_VALUE(cut >= 0 && shape.slice(cut) == from, name(), ": ", what, " shape ", shape,
                    " does not end in ", from);
  std::vector<int64_t> out(shape.begin(), shape.begin() + cut);
  out.insert(out.end(), to.begin(), to.end());
  return out;
}

std::vector<int64_t> ReshapeTransform::forward_shape(at::IntArrayRef shape) const {
  return replace_tail(shape, in_shape_, out_shape_, "input");
}
std::vector<int64_t> ReshapeTransform::inverse_shape(at::IntArrayRef shape) const {
  return replace_tail(shape, out_shape_, in_shape_, "output");
}

at::Tensor ReshapeTransform::call(const at::Tensor& x) const { return x.reshape(forward_shape(x.sizes())); }
at::Tensor ReshapeTransform::inverse_call(const at::Tensor& y) const { return y.reshape(inverse_shape(y.sizes())); }

at::Tensor ReshapeTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const {
  return at::zeros(x.sizes().slice(0, x.dim() - in_shape_.size()), x.options());
}

bool ReshapeTransform::equals(const Transform& other) const {
  auto* o = dynamic_cast<const ReshapeTransform*>(&other);
  return o != nullptr && o->in_shape_ == in_shape_ && o->out_shape_ == out_shape_;
}

// ---------------------------------------------------------------- Cat

CatTransform::CatTransform(std::vector<TransformPtr> transforms, int64_t dim, std::vector<int64_t> lengths,
                           int cache_size)
    : TransformBase(cache_size),
      transforms_(checked_list("CatTransform", std::move(transforms), cache_size)),
      dim_(dim),
      lengths_(std::move(lengths)) {
  if (lengths_.empty()) lengths_.assign(transforms_.size(), 1);
  TORCH_CHECK_VALUE(lengths_.size() == transforms_.size(), "CatTransform: got ", transforms_.size(),
                    " transforms but ", lengths_.size(), " lengths");
}

std::string CatTransform::name() const { return join_names("CatTransform", transforms_, dim_); }
ConstraintPtr CatTransform::domain() const { return constraints::cat(domains(transforms_, false), dim_, lengths_); }
ConstraintPtr CatTransform::codomain() const { return constraints::cat(domains(transforms_, true), dim_, lengths_); }
bool CatTransform::bijective() const { return all_bijective(transforms_); }

int64_t CatTransform::event_dim() const {
  int64_t d = 0;
  for (const TransformPtr& t : transforms_) d = std::max(d, t->domain()->event_dim());
  return d;
}

void CatTransform::check_input(const at::Tensor& v) const {
  TORCH_CHECK_VALUE(-v.dim() <= dim_ && dim_ < v.dim(), name(), ": dim ", dim_, " out of range for shape ", v.sizes());
  const int64_t total = std::accumulate(lengths_.begin(), lengths_.end(), int64_t{0});
  TORCH_CHECK_VALUE(v.size(dim_) == total, name(), ": expected size ", total, " along dim ", dim_, ", got shape ",
                    v.sizes());
}

at::Tensor CatTransform::apply(const at::Tensor& v, bool inverse) const {
  check_input(v);
  std::vector<at::Tensor> pieces;
  int64_t start = 0;
  for (size_t i = 0; i < transforms_.size(); ++i) {
    at::Tensor slice = v.narrow(dim_, start, lengths_[i]);
    pieces.push_back(inverse ? transforms_[i]->inverse_unchecked(slice) : transforms_[i]->forward_unchecked(slice));
    start += lengths_[i];
  }
  return at::cat(pieces, dim_);
}

at::Tensor CatTransform::call(const at::Tensor& x) const { return apply(x, false); }
at::Tensor CatTransform::inverse_call(const at::Tensor& y) const { return apply(y, true); }

at::Tensor CatTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const {
  check_input(x);
  const int64_t ed = event_dim();
  std::vector<at::Tensor> terms;
  int64_t start = 0;
  for (size_t i = 0; i < transforms_.size(); ++i) {
    const TransformPtr& t = transforms_[i];
    at::Tensor term = t->log_abs_det_jacobian(x.narrow(dim_, start, lengths_[i]), y.narrow(dim_, start, lengths_[i]));
    terms.push_back(sum_rightmost(term, ed - t->domain()->event_dim()));
    start += lengths_[i];
  }
  // When `dim` is a batch dimension the pieces are concatenated along it;
  // when it lies inside the event, their log-dets add up.
  const int64_t dim_from_right = (dim_ >= 0 ? dim_ - x.dim() : dim_) + ed;
  if (dim_from_right < 0) return at::cat(terms, dim_from_right);
  at::Tensor total = terms[0];
  for (size_t i = 1; i < terms.size(); ++i) total = total + terms[i];
  return total;
}

bool CatTransform::equals(const Transform& other) const {
  auto* o = dynamic_cast<const CatTransform*>(&other);
  return o != nullptr && o->dim_ == dim_ && o->lengths_ == lengths_ && all_equal(transforms_, o->transforms_);
}

// ---------------------------------------------------------------- Stack

StackTransform::StackTransform(std::vector<TransformPtr> transforms, int64_t dim, int cache_size)
    : TransformBase(cache_size), transforms_(checked_list("StackTransform", std::move(transforms), cache_size)), dim_(dim) {}

std::string StackTransform::name() const { return join_names("StackTransform", transforms_, dim_); }
ConstraintPtr StackTransform::domain() const { return constraints::stack(domains(transforms_, false), dim_); }
ConstraintPtr StackTransform::codomain() const { return constraints::stack(domains(transforms_, true), dim_); }
bool StackTransform::bijective() const { return all_bijective(transforms_); }

void StackTransform::check_input(const at::Tensor& v) const {
  TORCH_CHECK_VALUE(-v.dim() <= dim_ && dim_ < v.dim(), name(), ": dim ", dim_, " out of range for shape ", v.sizes());
  TORCH_CHECK_VALUE(v.size(dim_) == static_cast<int64_t>(transforms_.size()), name(), ": expected size ",
                    transforms_.size(), " along dim ", dim_, ", got shape ", v.sizes());
}

at::Tensor StackTransform::apply(const at::Tensor& v, bool inverse) const {
  check_input(v);
  std::vector<at::Tensor> pieces;
  for (size_t i = 0; i < transforms_.size(); ++i) {
    at::Tensor slice = v.select(dim_, static_cast<int64_t>(i));
    pieces.push_back(inverse ? transforms_[i]->inverse_unchecked(slice) : transforms_[i]->forward_unchecked(slice));
  }
  return at::stack(pieces, dim_);
}

at::Tensor StackTransform::call(const at::Tensor& x) const { return apply(x, false); }
at::Tensor StackTransform::inverse_call(const at::Tensor& y) const { return apply(y, true); }

at::Tensor StackTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const {
  check_input(x);
  std::vector<at::Tensor> terms;
  for (size_t i = 0; i < transforms_.size(); ++i) {
    const int64_t k = static_cast<int64_t>(i);
    terms.push_back(transforms_[i]->log_abs_det_jacobian(x.select(dim_, k), y.select(dim_, k)));
  }
  return at::stack(terms, dim_);
}

bool StackTransform::equals(const Transform& other) const {
  auto* o = dynamic_cast<const StackTransform*>(&other);
  return o != nullptr && o->dim_ == dim_ && all_equal(transforms_, o->transforms_);
}

}  // namespace torchdist
