#include "torchdist/distributions/cauchy.h"

#include <cmath>

namespace torchdist {
namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr double kLogPi = 1.14472988584940017414;  // log(pi)
}  // namespace

at::Tensor cauchy_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale) {
  // p(x) = scale / (pi (scale^2 + d^2)), d = x - loc. hypot(d, scale)
  // neither overflows nor underflows where d^2 would, and its gradient
  // d / hypot never forms the square either.
  return scale.log() - kLogPi - 2 * at::hypot(x - loc, scale).log();
}

at::Tensor cauchy_cdf(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale) {
  // 1/2 + atan(z) / pi = atan2(1, -z) / pi for every z; with scale > 0 the
  // division by scale can be folded into atan2 as well.
  return at::atan2(scale, loc - x) / kPi;
}

at::Tensor cauchy_icdf(const at::Tensor& p, const at::Tensor& loc, const at::Tensor& scale) {
  // Middle half: p - 1/2 is exact there and tan is well conditioned. Tails:
  // p - 1/2 would round away the digits of a small p, so use
  // tan(pi (p - 1/2)) = -1 / tan(pi p) = 1 / tan(pi (1 - p)), with 1 - p
  // exact for p >= 1/2. Each branch gets arguments on which it is finite
  // (the clamp; q <= 1/2), so the branch that `where` discards cannot put
  // NaN into the gradient.
  // scale / tan(pi q) divides rather than multiplying by the reciprocal,
  // which overflows for a subnormal q although the quantile (-3.2e299 at
  // p = 1e-310, scale = 1e-10) is a double.
  at::Tensor q = at::minimum(p, 1 - p);
  at::Tensor middle = scale * at::tan(kPi * (p - 0.5).clamp(-0.25, 0.25));
  at::Tensor tail = scale / at::tan(kPi * q);
  tail = at::where(p < 0.5, -tail, tail);
  return loc + at::where(q < 0.25, tail, middle);
}

Cauchy::Cauchy(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  init_params({std::move(loc), std::move(scale)});
}

at::Tensor Cauchy::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::Tensor eps = at::empty(extended_shape(sample_shape), loc_.options()).cauchy_(0, 1, generator);
  return loc_ + eps * scale_;
}

at::Tensor Cauchy::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return cauchy_log_prob(value, loc_, scale_);
}

at::Tensor Cauchy::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return cauchy_cdf(value, loc_, scale_);
}

at::Tensor Cauchy::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  return cauchy_icdf(value, loc_, scale_);
}

at::Tensor Cauchy::entropy() const { return scale_.log() + std::log(4 * kPi); }
at::Tensor Cauchy::mean() const { return at::full(extended_shape(), NAN, loc_.options()); }
at::Tensor Cauchy::variance() const { return at::full(extended_shape(), INFINITY, loc_.options()); }

}  // namespace torchdist
