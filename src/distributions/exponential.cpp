#include "torchdist/distributions/exponential.h"

namespace torchdist {

at::Tensor exponential_log_prob(const at::Tensor& x, const at::Tensor& rate) { return rate.log() - rate * x; }

Exponential::Exponential(ScalarOrTensor rate, c10::optional<bool> validate_args) : Distribution({}, {}, validate_args) {
  rate_ = std::move(broadcast_all({rate})[0]);
  set_batch_shape(rate_.sizes());
  if (this->validate_args()) check_params({{"rate", rate_, constraints::positive()}});
}

at::Tensor Exponential::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::Tensor e = at::empty(extended_shape(sample_shape), rate_.options()).exponential_(1, generator);
  return e / rate_;
}

at::Tensor Exponential::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return exponential_log_prob(value, rate_);
}

at::Tensor Exponential::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return -at::expm1(-rate_ * value);
}

at::Tensor Exponential::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  return -at::log1p(-value) / rate_;
}

at::Tensor Exponential::entropy() const { return 1 - rate_.log(); }

Exponential Exponential::expand(at::IntArrayRef batch_shape) const {
  Exponential out(*this);
  out.rate_ = rate_.expand(batch_shape);
  out.set_batch_shape(batch_shape);
  return out;
}

}  // namespace torchdist
