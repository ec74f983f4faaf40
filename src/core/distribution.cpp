#include "torchdist/core/distribution.h"

#include "broadcast_shapes.h"

#include <ATen/core/grad_mode.h>

#include <atomic>
#include <iomanip>
#include <sstream>

namespace torchdist {
namespace {
std::atomic<bool> g_default_validate_args{true};

void format_number(std::ostringstream& os, const at::Tensor& scalar) {
  if (scalar.scalar_type() == at::kBool) {
    os << (scalar.item<bool>() ? "true" : "false");
  } else if (at::isFloatingType(scalar.scalar_type())) {
    os << scalar.item<double>();
  } else {
    os << scalar.item<int64_t>();
  }
}

// A short rendering of one element or one event: "[0.5, 0.7]".
void format_element(std::ostringstream& os, const at::Tensor& element) {
  if (element.dim() == 0) return format_number(os, element);
  at::Tensor flat = element.flatten();
  const int64_t shown = std::min<int64_t>(flat.numel(), 6);
  os << "[";
  for (int64_t i = 0; i < shown; ++i) {
    if (i) os << ", ";
    format_number(os, flat[i]);
  }
  if (shown < flat.numel()) os << ", ...";
  os << "]";
}

// Checks each declared parameter against its constraint, in order.
void check_declared(const std::string& family, const Distribution::ParamList& declared) {
  for (const auto& p : declared) detail::check_param(family, p.name, *p.value, p.constraint, p.allow_infinite);
}
}  // namespace

void set_default_validate_args(bool value) { g_default_validate_args.store(value); }
bool default_validate_args() { return g_default_validate_args.load(); }

namespace detail {
std::string describe_violation(const at::Tensor& value, const at::Tensor& ok, int64_t event_dim) {
  at::NoGradGuard no_grad;
  std::ostringstream os;
  os << std::setprecision(6);
  at::Tensor bad = ok.logical_not();
  const int64_t n_bad = bad.sum().item<int64_t>();
  if (n_bad == 0) return "a valid value";
  // The first offending element (or event), with its index.
  at::Tensor index = bad.nonzero()[0];
  at::Tensor element = value;
  std::vector<int64_t> idx;
  for (int64_t i = 0; i < index.numel(); ++i) idx.push_back(index[i].item<int64_t>());
  // `ok` may be broadcast larger than `value` (a tensor bound); index from the right.
  const int64_t lead = static_cast<int64_t>(idx.size()) - (value.dim() - event_dim);
  for (size_t i = 0; i < idx.size(); ++i) {
    const int64_t d = static_cast<int64_t>(i) - lead;
    if (d < 0) continue;
    element = element.select(0, value.size(d) == 1 ? 0 : idx[i]);
  }
  format_element(os, element);
  os << " at index " << c10::IntArrayRef(idx) << " (" << n_bad << " of " << ok.numel()
     << (event_dim ? " events" : " elements") << " invalid, shape " << value.sizes() << ")";
  return os.str();
}
}  // namespace detail

Distribution::Distribution(at::IntArrayRef batch_shape, at::IntArrayRef event_shape,
                           c10::optional<bool> validate_args)
    : batch_shape_(batch_shape.begin(), batch_shape.end()),
      event_shape_(event_shape.begin(), event_shape.end()),
      validate_args_(validate_args.value_or(default_validate_args())) {}

std::vector<int64_t> Distribution::extended_shape(at::IntArrayRef sample_shape) const {
  std::vector<int64_t> shape(sample_shape.begin(), sample_shape.end());
  shape.insert(shape.end(), batch_shape_.begin(), batch_shape_.end());
  shape.insert(shape.end(), event_shape_.begin(), event_shape_.end());
  return shape;
}

void detail::check_param(const std::string& distribution, const char* arg, const at::Tensor& value,
                         const ConstraintPtr& constraint, bool allow_infinite) {
  TORCH_CHECK_VALUE(value.defined(), distribution, ": ", arg, " must be a defined tensor");
  if (!allow_infinite && !detail::has_no_infinities(value).value_or(false)) {
    at::NoGradGuard no_grad;
    // NaN is left to the constraint, whose message names it.
    const at::Tensor ok = at::isinf(value).logical_not();
    TORCH_CHECK_VALUE(ok.all().item<bool>(), distribution, ": ", arg, " must be finite, got ",
                      detail::describe_violation(value, ok, 0));
  }
  if (constraint->is_dependent()) return;
  if (constraint->all_satisfied(value).value_or(false)) return;
  at::NoGradGuard no_grad;
  at::Tensor ok = constraint->check(value);
  if (ok.all().item<bool>()) return;
  TORCH_CHECK_VALUE(false, distribution, ": ", arg, " must satisfy ", constraint->name(), ", got ",
                    detail::describe_violation(value, ok, constraint->event_dim()));
}

void Distribution::check_params(std::initializer_list<ParamCheck> params) const {
  const std::string family = name();
  for (const ParamCheck& p : params) detail::check_param(family, p.name, p.value, p.constraint, p.allow_infinite);
}

std::vector<Distribution::ArgConstraint> Distribution::arg_constraints() const {
  std::vector<ArgConstraint> out;
  for (const Param& p : params()) {
    if (p.derived_name == nullptr) {
      out.push_back({p.name, p.constraint});
      continue;
    }
    // torch lists probs before logits, whichever was given.
    const bool given_first = std::string(p.name) == "probs";
    ArgConstraint given{p.name, p.constraint}, derived{p.derived_name, p.derived_constraint};
    out.push_back(given_first ? given : derived);
    out.push_back(given_first ? derived : given);
  }
  return out;
}

void Distribution::init_params(std::initializer_list<ScalarOrTensor> values) {
  const ParamList declared = params();
  TORCH_INTERNAL_ASSERT(declared.size() == values.size(), name(), ": ", values.size(), " values for ",
                        declared.size(), " declared parameters");
  c10::SmallVector<NamedParam, 4> named;
  for (size_t i = 0; i < declared.size(); ++i) {
    TORCH_INTERNAL_ASSERT(declared[i].event_dim == 0, name(), ": init_params takes batch-shaped parameters only");
    named.push_back({declared[i].name, values.begin()[i]});
  }
  std::vector<at::Tensor> broadcast = broadcast_all(name().c_str(), named);
  // The declaration points at this object's own members.
  for (size_t i = 0; i < declared.size(); ++i) *const_cast<at::Tensor*>(declared[i].value) = std::move(broadcast[i]);
  if (!declared.empty()) set_batch_shape(declared.front().value->sizes());
  if (validate_args()) check_declared(name(), declared);
}

void Distribution::validate_params() const { check_declared(name(), params()); }

void Distribution::expand_params(at::IntArrayRef batch_shape) {
  for (const Param& p : params()) {
    at::Tensor& value = *const_cast<at::Tensor*>(p.value);
    value = value.expand(concat_shapes(batch_shape, value.sizes().slice(value.dim() - p.event_dim)));
  }
  set_batch_shape(batch_shape);
}

void Distribution::check_sample(const at::Tensor& value) const {
  TORCH_CHECK_VALUE(value.defined(), name(), ": value must be a defined tensor");
  const int64_t event_dim = static_cast<int64_t>(event_shape_.size());
  const int64_t dim = value.dim();
  TORCH_CHECK_VALUE(dim >= event_dim && value.sizes().slice(dim - event_dim) == at::IntArrayRef(event_shape_),
                    name(), ": value of shape ", value.sizes(), " does not end in the event shape ",
                    at::IntArrayRef(event_shape_));
  check_batch_broadcast(value, dim - event_dim, "value");
  ConstraintPtr s = support();
  if (s->is_dependent()) return;
  if (s->all_satisfied(value).value_or(false)) return;
  at::NoGradGuard no_grad;
  at::Tensor ok = s->check(value);
  if (ok.all().item<bool>()) return;
  TORCH_CHECK_VALUE(false, name(), ": value must be within the support ", s->name(), ", got ",
                    detail::describe_violation(value, ok, s->event_dim()));
}

void Distribution::check_batch_broadcast(const at::Tensor& value, int64_t value_batch_dims, const char* what) const {
  // The value's batch dimensions must broadcast with batch_shape.
  const bool broadcasts = detail::broadcast_shapes(value.sizes().slice(0, value_batch_dims), batch_shape_).has_value();
  TORCH_CHECK_VALUE(broadcasts, name(), ": ", what, " of shape ", value.sizes(),
                    " is not broadcastable with batch_shape + event_shape ", at::IntArrayRef(extended_shape()));
}

void Distribution::check_probability(const at::Tensor& value, const char* method) const {
  TORCH_CHECK_VALUE(value.defined(), name(), ": ", method, " value must be a defined tensor");
  check_batch_broadcast(value, value.dim(), (std::string(method) + " value").c_str());
  if (constraints::unit_interval()->all_satisfied(value).value_or(false)) return;
  at::NoGradGuard no_grad;
  at::Tensor ok = constraints::unit_interval()->check(value);
  if (ok.all().item<bool>()) return;
  TORCH_CHECK_VALUE(false, name(), ": ", method, " value must satisfy unit_interval(), got ",
                    detail::describe_violation(value, ok, 0));
}

void Distribution::not_implemented(const char* method) const {
  TORCH_CHECK_NOT_IMPLEMENTED(false, name(), " does not implement ", method);
}

at::Tensor Distribution::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  if (!has_rsample()) not_implemented("sample");
  at::NoGradGuard no_grad;
  return rsample(sample_shape, std::move(generator));
}

at::Tensor Distribution::rsample(at::IntArrayRef, c10::optional<at::Generator>) const {
  not_implemented("rsample");
}
at::Tensor Distribution::cdf(const at::Tensor&) const { not_implemented("cdf"); }
at::Tensor Distribution::icdf(const at::Tensor&) const { not_implemented("icdf"); }
at::Tensor Distribution::entropy() const { not_implemented("entropy"); }
at::Tensor Distribution::mean() const { not_implemented("mean"); }
at::Tensor Distribution::mode() const { not_implemented("mode"); }
at::Tensor Distribution::variance() const { not_implemented("variance"); }
at::Tensor Distribution::stddev() const { return variance().sqrt(); }
at::Tensor Distribution::perplexity() const { return entropy().exp(); }
at::Tensor Distribution::enumerate_support(bool) const { not_implemented("enumerate_support"); }

}  // namespace torchdist
