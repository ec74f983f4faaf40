#include "torchdist/distributions/weibull.h"

#include <limits>

#include "torchdist/core/utils.h"

#include "../formulas/univariate.h"
#include "../kernels/formula_eval.h"

#include "torchdist/distributions/exponential.h"
#include "torchdist/transforms/affine.h"
#include "torchdist/transforms/elementwise.h"

namespace torchdist {
namespace {

// {scale, concentration, 1 / concentration}, broadcast.
std::vector<at::Tensor> broadcast_params(const ScalarOrTensor& scale, const ScalarOrTensor& concentration) {
  std::vector<at::Tensor> params = broadcast_all("Weibull", {{"scale", scale}, {"concentration", concentration}});
  params.push_back(params[1].reciprocal());
  return params;
}

// Exponential(1) of the parameters' dtype and shape, without allocating.
at::Tensor unit_rate(const at::Tensor& like) { return at::ones({}, like.options()).expand(like.sizes()); }

}  // namespace

// src/formulas/univariate.h: WeibullLogProb (-inf below 0).
at::Tensor weibull_log_prob(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& concentration) {
  return detail::kernels::evaluate<formulas::WeibullLogProb>(x, scale, concentration);
}

Weibull::Weibull(ScalarOrTensor scale, ScalarOrTensor concentration, c10::optional<bool> validate_args)
    : Weibull(Broadcast{}, broadcast_params(scale, concentration), validate_args) {}

// The base is built unvalidated, so that a bad parameter is reported as
// Weibull's; building it checks no values, so validating afterwards reports
// what validating first did.
Weibull::Weibull(Broadcast, std::vector<at::Tensor> params, c10::optional<bool> validate_args)
    : Family(std::make_shared<Exponential>(unit_rate(params[0]), /*validate_args=*/false),
             {std::make_shared<PowerTransform>(params[2]), std::make_shared<AffineTransform>(0.0, params[0])},
             validate_args),
      scale_(std::move(params[0])),
      concentration_(std::move(params[1])),
      concentration_reciprocal_(std::move(params[2])) {
  if (this->validate_args()) validate_params();
}

void Weibull::expand_params(at::IntArrayRef batch_shape) {
  TransformedDistribution::expand_params(batch_shape);
  concentration_reciprocal_ = concentration_reciprocal_.expand(batch_shape);
}

at::Tensor Weibull::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return weibull_log_prob(value, scale_, concentration_);
}

at::Tensor Weibull::entropy() const {
  return kEulerMascheroni * (1 - concentration_reciprocal_) + (scale_ * concentration_reciprocal_).log() + 1;
}

at::Tensor Weibull::mean() const { return scale_ * at::lgamma(1 + concentration_reciprocal_).exp(); }

at::Tensor Weibull::mode() const {
  // The base gets 1 where k <= 1, so that the discarded branch is finite
  // and keeps NaN out of the gradient.
  at::Tensor above = concentration_ > 1;
  at::Tensor base = at::where(above, (concentration_ - 1) / concentration_, 1.0);
  return at::where(above, scale_ * base.pow(concentration_reciprocal_), 0.0);
}

at::Tensor Weibull::variance() const {
  return scale_.pow(2) *
         (at::lgamma(1 + 2 * concentration_reciprocal_).exp() - (2 * at::lgamma(1 + concentration_reciprocal_)).exp());
}

}  // namespace torchdist
