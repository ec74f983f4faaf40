#include "torchdist/distributions/normal.h"

#include <cmath>

namespace torchdist {
namespace {
constexpr double kLogSqrt2Pi = 0.91893853320467274178;  // log(sqrt(2 pi))
}  // namespace

at::Tensor normal_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale) {
  return -(x - loc).pow(2) / (2 * scale.pow(2)) - scale.log() - kLogSqrt2Pi;
}

Normal::Normal(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args)
    : Distribution({}, {}, validate_args) {
  auto params = broadcast_all({loc, scale});
  loc_ = std::move(params[0]);
  scale_ = std::move(params[1]);
  set_batch_shape(loc_.sizes());
  if (this->validate_args()) {
    check_params({{"loc", loc_, constraints::real()}, {"scale", scale_, constraints::positive()}});
  }
}

at::Tensor Normal::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::Tensor eps = at::empty(extended_shape(sample_shape), loc_.options()).normal_(0, 1, generator);
  return loc_ + eps * scale_;
}

at::Tensor Normal::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return normal_log_prob(value, loc_, scale_);
}

at::Tensor Normal::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  // erfc keeps relative precision in the lower tail, where torch's
  // 0.5 (1 + erf(z / sqrt 2)) rounds to 0 below z ~ -8.3.
  return 0.5 * at::erfc((loc_ - value) * scale_.reciprocal() / std::sqrt(2.0));
}

at::Tensor Normal::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  // ndtri keeps full relative precision in the lower tail, where
  // erfinv(2p - 1) (torch's form) rounds 2p - 1 to -1 for p below ~1e-17.
  return loc_ + scale_ * at::special_ndtri(value);
}

at::Tensor Normal::entropy() const { return 0.5 + kLogSqrt2Pi + scale_.log(); }

Normal Normal::expand(at::IntArrayRef batch_shape) const {
  Normal out(*this);
  out.loc_ = loc_.expand(batch_shape);
  out.scale_ = scale_.expand(batch_shape);
  out.set_batch_shape(batch_shape);
  return out;
}

}  // namespace torchdist
