#include "torchdist/distributions/independent.h"

#include "torchdist/core/utils.h"

namespace torchdist {
namespace {

// Checks the arguments; both shape helpers below call it first, because the
// order in which the base-class constructor's arguments are evaluated is
// unspecified.
const Distribution& checked(const DistributionPtr& base, int64_t ndims) {
  TORCH_CHECK_VALUE(base != nullptr, "Independent: base distribution must not be null");
  TORCH_CHECK_VALUE(ndims >= 0, "Independent: reinterpreted_batch_ndims must be >= 0, got ", ndims);
  TORCH_CHECK_VALUE(ndims <= static_cast<int64_t>(base->batch_shape().size()),
                    "Independent: reinterpreted_batch_ndims (", ndims,
                    ") must not exceed the base distribution's batch rank (batch_shape ", base->batch_shape(), ")");
  return *base;
}

// Splits base batch + event shape into this distribution's batch and event.
std::vector<int64_t> batch_part(const DistributionPtr& base, int64_t ndims) {
  at::IntArrayRef batch = checked(base, ndims).batch_shape();
  return batch.slice(0, batch.size() - ndims).vec();
}

std::vector<int64_t> event_part(const DistributionPtr& base, int64_t ndims) {
  at::IntArrayRef batch = checked(base, ndims).batch_shape();
  return concat_shapes(batch.slice(batch.size() - ndims), base->event_shape());
}

}  // namespace

Independent::Independent(DistributionPtr base, int64_t reinterpreted_batch_ndims, c10::optional<bool> validate_args)
    : Family(batch_part(base, reinterpreted_batch_ndims), event_part(base, reinterpreted_batch_ndims),
                   validate_args),
      base_(std::move(base)),
      ndims_(reinterpreted_batch_ndims) {}

ConstraintPtr Independent::support() const {
  ConstraintPtr s = base_->support();
  return ndims_ == 0 ? s : constraints::independent(s, ndims_);
}

at::Tensor Independent::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  return base_->sample(sample_shape, std::move(generator));
}

at::Tensor Independent::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  return base_->rsample(sample_shape, std::move(generator));
}

at::Tensor Independent::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return sum_rightmost(base_->log_prob(value), ndims_);
}

at::Tensor Independent::entropy() const { return sum_rightmost(base_->entropy(), ndims_); }

at::Tensor Independent::enumerate_support(bool expand) const {
  TORCH_CHECK_NOT_IMPLEMENTED(ndims_ == 0,
                              "Independent does not implement enumerate_support over a cartesian product "
                              "(reinterpreted_batch_ndims > 0)");
  return base_->enumerate_support(expand);
}

void Independent::expand_params(at::IntArrayRef batch_shape) {
  base_ = DistributionPtr(base_->expand_shared(concat_shapes(batch_shape, event_shape().slice(0, ndims_))));
  set_batch_shape(batch_shape);
}

}  // namespace torchdist
