#include "torchdist/distributions/transformed_distribution.h"

#include <ATen/core/grad_mode.h>

#include "torchdist/core/constraint_types.h"
#include "torchdist/core/utils.h"
#include "torchdist/distributions/independent.h"
#include "torchdist/transforms/compose.h"
#include "linalg_helpers.h"

namespace torchdist {
namespace {

// Integer values become the default floating dtype: the transforms' clamps
// need a floating dtype's limits.
at::Tensor floating(const at::Tensor& value) {
  return value.defined() && !at::isFloatingType(value.scalar_type()) ? value.to(detail::float_type_of({value})) : value;
}

// The cdf's limits outside an interval support (0 below it, 1 above), where
// the transforms' inverses would extrapolate (a decreasing power maps y < 0
// to x < 0, where the base's cdf is 0, so 1 - 0 came out). Validated values
// never get here.
at::Tensor with_support_limits(const ConstraintPtr& support, const at::Tensor& value, const at::Tensor& cdf) {
  c10::optional<at::Tensor> low, high;
  const auto on = [&](const at::Tensor& bound) { return bound.to(value.device()); };
  if (const auto* g = dynamic_cast<const constraints::GreaterThan*>(support.get())) low = value < on(g->lower_bound());
  if (const auto* l = dynamic_cast<const constraints::LessThan*>(support.get())) high = value > on(l->upper_bound());
  if (const auto* i = dynamic_cast<const constraints::Interval*>(support.get())) {
    low = value < on(i->lower_bound());
    high = value > on(i->upper_bound());
  }
  at::Tensor out = cdf;
  if (low) out = at::where(*low, at::zeros({}, cdf.options()), out);
  if (high) out = at::where(*high, at::ones({}, cdf.options()), out);
  return out;
}

}  // namespace

TransformedDistribution::Parts TransformedDistribution::build(DistributionPtr base,
                                                              std::vector<TransformPtr> transforms) {
  TORCH_CHECK_VALUE(base != nullptr, "TransformedDistribution: base distribution must not be null");
  for (const TransformPtr& t : transforms) {
    TORCH_CHECK_VALUE(t != nullptr, "TransformedDistribution: transforms must not be null");
  }
  const ComposeTransform chain(transforms);
  const std::vector<int64_t> base_shape = base->extended_shape();
  const auto base_event_dim = static_cast<int64_t>(base->event_shape().size());
  const int64_t domain_event_dim = chain.domain()->event_dim();
  TORCH_CHECK_VALUE(static_cast<int64_t>(base_shape.size()) >= domain_event_dim,
                    "TransformedDistribution: the transforms need a base of at least ", domain_event_dim,
                    " dimensions, got batch_shape + event_shape ", at::IntArrayRef(base_shape));

  // Transforms with parameters may broadcast the base to a larger shape.
  const std::vector<int64_t> forward_shape = chain.forward_shape(base_shape);
  const std::vector<int64_t> expanded_base_shape = chain.inverse_shape(forward_shape);
  if (expanded_base_shape != base_shape) {
    at::IntArrayRef e(expanded_base_shape);
    base = DistributionPtr(base->expand_shared(e.slice(0, e.size() - base_event_dim)));
  }
  if (domain_event_dim > base_event_dim) {
    // A transparent wrapper: it validates as the base does (a derived family
    // builds its base unvalidated and validates itself).
    base = std::make_shared<Independent>(base, domain_event_dim - base_event_dim, base->validate_args());
  }

  const int64_t change = chain.codomain()->event_dim() - domain_event_dim;
  const int64_t event_dim = std::max(chain.codomain()->event_dim(), base_event_dim + change);
  TORCH_CHECK_VALUE(static_cast<int64_t>(forward_shape.size()) >= event_dim,
                    "TransformedDistribution: transformed shape ", at::IntArrayRef(forward_shape),
                    " has fewer than ", event_dim, " event dimensions");
  const size_t cut = forward_shape.size() - static_cast<size_t>(event_dim);
  return Parts{std::move(base), std::move(transforms),
               std::vector<int64_t>(forward_shape.begin(), forward_shape.begin() + cut),
               std::vector<int64_t>(forward_shape.begin() + cut, forward_shape.end())};
}

TransformedDistribution::TransformedDistribution(Parts parts, c10::optional<bool> validate_args)
    : Family(parts.batch_shape, parts.event_shape, validate_args),
      base_(std::move(parts.base)),
      transforms_(std::move(parts.transforms)) {}

TransformedDistribution::TransformedDistribution(DistributionPtr base, TransformList transforms,
                                                 c10::optional<bool> validate_args)
    : TransformedDistribution(build(std::move(base), transforms.get()), validate_args) {}

ConstraintPtr TransformedDistribution::support() const {
  if (transforms_.empty()) return base_->support();
  ConstraintPtr s = transforms_.back()->codomain();
  const auto event_dim = static_cast<int64_t>(event_shape().size());
  return event_dim > s->event_dim() ? constraints::independent(s, event_dim - s->event_dim()) : s;
}

at::Tensor TransformedDistribution::push_forward(at::Tensor x) const {
  for (const TransformPtr& t : transforms_) x = t->forward_unchecked(x);
  return x;
}

at::Tensor TransformedDistribution::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::NoGradGuard no_grad;
  return push_forward(base_->sample(sample_shape, std::move(generator)));
}

at::Tensor TransformedDistribution::rsample(at::IntArrayRef sample_shape,
                                            c10::optional<at::Generator> generator) const {
  return push_forward(base_->rsample(sample_shape, std::move(generator)));
}

at::Tensor TransformedDistribution::log_prob(const at::Tensor& input) const {
  const at::Tensor value = floating(input);
  if (validate_args()) check_sample(value);
  // Walk back from y to the base sample, subtracting each log-det summed
  // over the event dimensions it does not already cover.
  auto event_dim = static_cast<int64_t>(event_shape().size());
  at::Tensor log_prob;
  at::Tensor y = value;
  for (auto it = transforms_.rbegin(); it != transforms_.rend(); ++it) {
    const TransformPtr& t = *it;
    at::Tensor x = t->inverse_unchecked(y);
    event_dim += t->domain()->event_dim() - t->codomain()->event_dim();
    at::Tensor term = sum_rightmost(t->log_abs_det_jacobian(x, y), event_dim - t->domain()->event_dim());
    log_prob = log_prob.defined() ? log_prob - term : -term;
    y = x;
  }
  at::Tensor base_term = sum_rightmost(base_->log_prob(y), event_dim - static_cast<int64_t>(base_->event_shape().size()));
  return log_prob.defined() ? log_prob + base_term : base_term;
}

at::Tensor TransformedDistribution::monotonize(const at::Tensor& u) const {
  at::Tensor s = at::scalar_tensor(1, at::kLong);
  for (const TransformPtr& t : transforms_) s = s * t->signs();
  // One sign for all elements (a 0-dim CPU tensor: no device sync).
  if (s.dim() == 0 && s.is_cpu()) {
    const int64_t sign = s.item<int64_t>();
    if (sign == 1) return u;
    if (sign == -1) return 1 - u;
  }
  // As torch: s (u - 1/2) + 1/2, which is 1/2 where a scale is 0.
  return s.to(u.device()) * (u - 0.5) + 0.5;
}

void TransformedDistribution::check_monotone(const char* method) const {
  // cdf/icdf push through the transforms only for univariate, monotone maps.
  bool monotone = event_shape().empty();
  for (const TransformPtr& t : transforms_) {
    if (!monotone) break;
    try {
      (void)t->signs();
    } catch (const c10::NotImplementedError&) {
      monotone = false;
    }
  }
  TORCH_CHECK_NOT_IMPLEMENTED(monotone, name(), " does not implement ", method,
                              ": it needs univariate, monotone transforms (each with a sign)");
}

at::Tensor TransformedDistribution::cdf(const at::Tensor& input) const {
  check_monotone("cdf");
  const at::Tensor value = floating(input);
  if (validate_args()) check_sample(value);
  at::Tensor x = value;
  for (auto it = transforms_.rbegin(); it != transforms_.rend(); ++it) x = (*it)->inverse_unchecked(x);
  at::Tensor u = base_->cdf(x);
  // A decreasing map turns the base's cdf into a survival function.
  const at::Tensor cdf = monotonize(u);
  return validate_args() ? cdf : with_support_limits(support(), value, cdf);
}

at::Tensor TransformedDistribution::icdf(const at::Tensor& value) const {
  check_monotone("icdf");
  if (validate_args()) check_probability(value, "icdf");
  return push_forward(base_->icdf(monotonize(value)));
}

void TransformedDistribution::expand_params(at::IntArrayRef batch_shape) {
  std::vector<int64_t> shape = concat_shapes(batch_shape, event_shape());
  for (auto it = transforms_.rbegin(); it != transforms_.rend(); ++it) shape = (*it)->inverse_shape(shape);
  at::IntArrayRef s(shape);
  const size_t base_event = base_->event_shape().size();
  base_ = DistributionPtr(base_->expand_shared(s.slice(0, s.size() - base_event)));
  Distribution::expand_params(batch_shape);
}

}  // namespace torchdist
