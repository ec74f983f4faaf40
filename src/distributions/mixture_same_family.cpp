#include "torchdist/distributions/mixture_same_family.h"

#include <ATen/core/grad_mode.h>

#include <string>
#include <vector>

#include "torchdist/core/utils.h"

#include "../kernels/fused.h"

namespace torchdist {
namespace {

// torch 2.x's MixtureSameFamilyConstraint: the value gets the component
// dimension back before its event dimensions, so that component supports
// with bounds of shape `B_c + [K]` broadcast with it, and is valid when it
// is valid for every component (what the components' own validation would
// demand of it anyway).
class MixtureSupport final : public Constraint {
 public:
  explicit MixtureSupport(ConstraintPtr base) : base_(std::move(base)) {}

  at::Tensor check(const at::Tensor& value) const override {
    const int64_t event_dim = base_->event_dim();
    TORCH_CHECK_VALUE(value.dim() >= event_dim, name(), ": expected a value with at least ", event_dim,
                      " dimensions, got shape ", value.sizes());
    return base_->check(value.unsqueeze(-1 - event_dim)).all(-1);
  }
  std::string name() const override { return "mixture_same_family(" + base_->name() + ")"; }
  bool is_discrete() const override { return base_->is_discrete(); }
  int64_t event_dim() const override { return base_->event_dim(); }
  bool is_dependent() const override { return base_->is_dependent(); }

 private:
  ConstraintPtr base_;
};

template <class D>
const D& checked(const char* arg, const D* d) {
  TORCH_CHECK_VALUE(d != nullptr, "MixtureSameFamily: ", arg, " must not be null");
  return *d;
}

// Checks that the parts fit together and returns the batch shape:
// broadcast(mixture batch_shape, component batch_shape[:-1]).
std::vector<int64_t> mixture_batch_shape(const Categorical* mixture, const Distribution* component) {
  const Categorical& mix = checked("mixture_distribution", mixture);
  const Distribution& comp = checked("component_distribution", component);
  const at::IntArrayRef cb = comp.batch_shape();
  TORCH_CHECK_VALUE(!cb.empty(), "MixtureSameFamily: component_distribution (", comp.name(),
                    ") must have at least one batch dimension, the rightmost indexing the components; "
                    "got batch_shape ",
                    cb);
  TORCH_CHECK_VALUE(mix.num_events() == cb.back(), "MixtureSameFamily: mixture_distribution has ", mix.num_events(),
                    " categories but component_distribution.batch_shape[-1] is ", cb.back(),
                    " (component batch_shape ", cb, "); they must be equal");
  const at::IntArrayRef mb = mix.batch_shape();
  const at::IntArrayRef cdbs = cb.slice(0, cb.size() - 1);
  // torch's rule: sizes 1 or equal where both have a dimension, from the right.
  const size_t n = std::max(mb.size(), cdbs.size());
  std::vector<int64_t> shape(n);
  for (size_t i = 1; i <= n; ++i) {
    const int64_t a = i <= mb.size() ? mb[mb.size() - i] : 1;
    const int64_t b = i <= cdbs.size() ? cdbs[cdbs.size() - i] : 1;
    TORCH_CHECK_VALUE(a == 1 || b == 1 || a == b, "MixtureSameFamily: mixture_distribution.batch_shape ", mb,
                      " is not compatible with component_distribution.batch_shape[:-1] ", cdbs,
                      " (component batch_shape ", cb, "); they must broadcast");
    shape[n - i] = a == 1 ? b : a;
  }
  return shape;
}

}  // namespace

MixtureSameFamily::MixtureSameFamily(std::shared_ptr<const Categorical> mixture_distribution,
                                     DistributionPtr component_distribution, c10::optional<bool> validate_args)
    : Family(mixture_batch_shape(mixture_distribution.get(), component_distribution.get()),
                   checked("component_distribution", component_distribution.get()).event_shape(), validate_args),
      mixture_(std::move(mixture_distribution)),
      component_(std::move(component_distribution)),
      num_components_(mixture_->num_events()),
      event_ndims_(static_cast<int64_t>(component_->event_shape().size())) {}

ConstraintPtr MixtureSameFamily::support() const { return std::make_shared<MixtureSupport>(component_->support()); }

at::Tensor MixtureSameFamily::padded_weights() const {
  const at::Tensor& probs = mixture_->probs();
  std::vector<int64_t> shape = probs.sizes().vec();
  shape.insert(shape.end(), event_ndims_, 1);
  return probs.reshape(shape);
}

at::Tensor MixtureSameFamily::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::NoGradGuard no_grad;
  // The gather below needs both parts at the full batch shape; they differ
  // from it only when one was broadcast against the other.
  const at::IntArrayRef batch = batch_shape();
  const std::vector<int64_t> comp_batch = concat_shapes(batch, {num_components_});
  const at::Tensor mix_sample = mixture_->batch_shape() == batch
                                    ? mixture_->sample(sample_shape, generator)
                                    : mixture_->expand(batch).sample(sample_shape, generator);  // [S, B]
  const at::Tensor comp_samples = component_->batch_shape() == at::IntArrayRef(comp_batch)
                                      ? component_->sample(sample_shape, generator)
                                      : component_->expand_shared(comp_batch)->sample(sample_shape, generator);
  // comp_samples: [S, B, K, E]; pick index mix_sample along the K dimension.
  const int64_t gather_dim = static_cast<int64_t>(sample_shape.size() + batch.size());
  std::vector<int64_t> index_shape = mix_sample.sizes().vec();
  index_shape.insert(index_shape.end(), event_ndims_ + 1, 1);
  std::vector<int64_t> expanded = mix_sample.sizes().vec();
  expanded.push_back(1);
  expanded.insert(expanded.end(), event_shape().begin(), event_shape().end());
  at::Tensor index = mix_sample.reshape(index_shape).expand(expanded);
  return comp_samples.gather(gather_dim, index).squeeze(gather_dim);
}

at::Tensor MixtureSameFamily::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  at::Tensor log_prob_x = component_->log_prob(pad(value));                 // [S, B, K]
  at::Tensor log_mix_prob = at::log_softmax(mixture_->logits(), -1);  // [B, K]
  const at::Tensor joint = log_prob_x + log_mix_prob;
  const at::Tensor fused = detail::kernels::fused_logsumexp(joint);
  return fused.defined() ? fused : at::logsumexp(joint, -1);  // [S, B]
}

at::Tensor MixtureSameFamily::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  at::Tensor cdf_x;
  try {
    cdf_x = component_->cdf(pad(value));
  } catch (const c10::NotImplementedError& e) {
    TORCH_CHECK_NOT_IMPLEMENTED(false, "MixtureSameFamily does not implement cdf for a component distribution (",
                                component_->name(), ") without one: ", e.what_without_backtrace());
  }
  return (cdf_x * mixture_->probs()).sum(-1);
}

at::Tensor MixtureSameFamily::mean() const {
  return (padded_weights() * component_->mean()).sum(-1 - event_ndims_);
}

at::Tensor MixtureSameFamily::variance() const {
  at::Tensor w = padded_weights();
  at::Tensor comp_mean = component_->mean();
  at::Tensor mean = (w * comp_mean).sum(-1 - event_ndims_);
  at::Tensor mean_cond_var = (w * component_->variance()).sum(-1 - event_ndims_);
  at::Tensor var_cond_mean = (w * (comp_mean - pad(mean)).pow(2)).sum(-1 - event_ndims_);
  return mean_cond_var + var_cond_mean;
}

void MixtureSameFamily::expand_params(at::IntArrayRef batch_shape) {
  mixture_ = std::make_shared<const Categorical>(mixture_->expand(batch_shape));
  component_ = component_->expand_shared(concat_shapes(batch_shape, {num_components_}));
  set_batch_shape(batch_shape);
}

}  // namespace torchdist
