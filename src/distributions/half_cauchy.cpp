#include "torchdist/distributions/half_cauchy.h"

#include <cmath>

#include "../formulas/univariate.h"
#include "../kernels/formula_eval.h"

#include "torchdist/distributions/cauchy.h"
#include "torchdist/transforms/elementwise.h"

namespace torchdist {
namespace {
constexpr double kPi = 3.14159265358979323846;
}  // namespace

HalfCauchy::HalfCauchy(ScalarOrTensor scale, c10::optional<bool> validate_args)
    : HalfCauchy(Broadcast{}, broadcast_all({scale})[0], validate_args) {}

// The base skips its own check, which would name "Cauchy"; this family's
// follows, once the base (which cannot fail) is built.
HalfCauchy::HalfCauchy(Broadcast, at::Tensor scale, c10::optional<bool> validate_args)
    : Family(std::make_shared<Cauchy>(0.0, scale, /*validate_args=*/false), {std::make_shared<AbsTransform>()},
             validate_args),
      scale_(std::move(scale)) {
  if (this->validate_args()) validate_params();
}

at::Tensor HalfCauchy::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  at::Tensor x = value.to(scale_.scalar_type());
  at::Tensor lp = cauchy_log_prob(x, at::zeros({}, scale_.options()), scale_) + std::log(2.0);
  return lp.masked_fill(x < 0, -INFINITY);
}

at::Tensor HalfCauchy::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return detail::kernels::evaluate<formulas::HalfCauchyCdf>(value, scale_);
}

at::Tensor HalfCauchy::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  return detail::kernels::evaluate<formulas::HalfCauchyIcdf>(value, scale_);
}

at::Tensor HalfCauchy::entropy() const { return detail::kernels::evaluate<formulas::HalfCauchyEntropy>(scale_); }
at::Tensor HalfCauchy::mean() const { return at::full(extended_shape(), INFINITY, scale_.options()); }
at::Tensor HalfCauchy::variance() const { return at::full(extended_shape(), INFINITY, scale_.options()); }

}  // namespace torchdist
