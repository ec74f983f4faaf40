#include "torchdist/transforms/cumulative_distribution.h"

namespace torchdist {

CumulativeDistributionTransform::CumulativeDistributionTransform(DistributionPtr distribution, int cache_size)
    : TransformBase(cache_size), distribution_(std::move(distribution)) {
  TORCH_CHECK_VALUE(distribution_ != nullptr, "CumulativeDistributionTransform: distribution must not be null");
  TORCH_CHECK_VALUE(distribution_->event_shape().empty(), "CumulativeDistributionTransform: ",
                    distribution_->name(), " is not univariate (event_shape ", distribution_->event_shape(), ")");
}

at::Tensor CumulativeDistributionTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const {
  return distribution_->log_prob(x);
}

}  // namespace torchdist
