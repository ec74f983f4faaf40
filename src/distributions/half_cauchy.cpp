#include "torchdist/distributions/half_cauchy.h"

#include <cmath>

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
  // 2 F(x) - 1 = 2 atan(x / scale) / pi, without the cancellation of the
  // left-hand form near x = 0.
  return at::atan2(value, scale_) * (2 / kPi);
}

at::Tensor HalfCauchy::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  // scale tan(pi p / 2); above p = 1/2 as scale / tan(pi (1 - p) / 2), so
  // that the pole at p = 1 is reached through the exact 1 - p. The
  // reciprocal gets 1 where its branch is not taken: a discarded 1 / 0
  // would still put 0 * inf = NaN into the gradient.
  at::Tensor upper = value > 0.5;
  at::Tensor t = at::tan(at::where(upper, 1 - value, value) * (kPi / 2));
  return scale_ * at::where(upper, at::where(upper, t, 1.0).reciprocal(), t);
}

at::Tensor HalfCauchy::entropy() const { return scale_.log() + std::log(2 * kPi); }
at::Tensor HalfCauchy::mean() const { return at::full(extended_shape(), INFINITY, scale_.options()); }
at::Tensor HalfCauchy::variance() const { return at::full(extended_shape(), INFINITY, scale_.options()); }

}  // namespace torchdist
