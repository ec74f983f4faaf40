#include "torchdist/distributions/half_normal.h"

#include <limits>

#include "torchdist/distributions/normal.h"
#include "torchdist/transforms/elementwise.h"
#include "../formulas/normal.h"
#include "../formulas/univariate.h"
#include "../kernels/formula_eval.h"

namespace torchdist {
namespace {
constexpr double kSqrt2 = 1.41421356237309504880;
constexpr double kSqrt2OverPi = 0.79788456080286535588;   // sqrt(2 / pi)
constexpr double kOneMinus2OverPi = 0.36338022763241865692;  // 1 - 2 / pi
}  // namespace

at::Tensor half_normal_log_prob(const at::Tensor& x, const at::Tensor& scale) {
  return detail::kernels::evaluate<formulas::HalfNormalLogProb>(x, scale);
}

// The base skips its own check, which would name "Normal"; this family's
// follows, once the base (which cannot fail) is built.
HalfNormal::HalfNormal(Broadcast, const at::Tensor& scale, c10::optional<bool> validate_args)
    : Family(std::make_shared<Normal>(0.0, scale, /*validate_args=*/false),
             std::vector<TransformPtr>{std::make_shared<AbsTransform>()}, validate_args),
      scale_(scale) {
  if (this->validate_args()) validate_params();
}

HalfNormal::HalfNormal(ScalarOrTensor scale, c10::optional<bool> validate_args)
    : HalfNormal(Broadcast{}, broadcast_all({scale})[0], validate_args) {}

at::Tensor HalfNormal::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return half_normal_log_prob(value, scale_);
}

at::Tensor HalfNormal::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  // 2 Phi(y / scale) - 1 = erf(y / (scale sqrt 2)), without the cancellation
  // of the first form near y = 0. torch's 2 Phi - 1 is negative below 0 when
  // not validating; the clamp gives the true cdf there (0).
  return at::erf(value / (scale_ * kSqrt2)).clamp_min(0);
}

at::Tensor HalfNormal::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  return detail::kernels::evaluate<formulas::HalfNormalIcdf>(value, scale_);
}

at::Tensor HalfNormal::entropy() const { return detail::kernels::evaluate<formulas::HalfNormalEntropy>(scale_); }

at::Tensor HalfNormal::mean() const { return scale_ * kSqrt2OverPi; }

at::Tensor HalfNormal::mode() const { return at::zeros_like(scale_); }

at::Tensor HalfNormal::variance() const { return scale_.pow(2) * kOneMinus2OverPi; }

}  // namespace torchdist
