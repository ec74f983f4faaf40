#include "torchdist/distributions/negative_binomial.h"

#include "count_support.h"
#include "sampling.h"
#include "torchdist/core/utils.h"

#include <ATen/core/grad_mode.h>

#include <tuple>

namespace torchdist {

namespace {

// log(Gamma(r) k! / Gamma(r + k)), 0 at r = k = 0 (where lgamma(0) - lgamma(0)
// is inf - inf and the mass is 1).
at::Tensor log_normalizer(const at::Tensor& value, const at::Tensor& total_count) {
  const at::Tensor out = at::lgamma(total_count) + at::lgamma(value + 1) - at::lgamma(total_count + value);
  return out.masked_fill(total_count + value == 0, 0);
}

}  // namespace

at::Tensor negative_binomial_log_prob(const at::Tensor& value, const at::Tensor& total_count,
                                      const at::Tensor& logits) {
  // r log(1 - p) + k log(p), both log-sigmoids of the logits.
  const at::Tensor log_unnormalized = -total_count * log1p_exp(logits) - value * log1p_exp(-logits);
  return log_unnormalized - log_normalizer(value, total_count);
}

NegativeBinomial::NegativeBinomial(ScalarOrTensor total_count, ProbsOrLogits param,
                                   c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  std::tie(total_count_, param_) = detail::broadcast_count_and_param("NegativeBinomial", total_count, param);
  set_batch_shape(param_.given().sizes());
  if (this->validate_args()) validate_params();
}

at::Tensor NegativeBinomial::odds() const {
  const at::Tensor& given = param_.given();
  return param_.is_probs() ? given / (1 - given) : at::exp(given);
}

at::Tensor NegativeBinomial::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::NoGradGuard no_grad;
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  // Gamma(r, scale = p / (1 - p)) = Gamma(r, 1) * odds. One generator
  // drives both stages, so a seed fixes the draw.
  at::Tensor rate = detail::standard_gamma(total_count_.expand(shape), generator) * odds().expand(shape);
  return at::poisson(rate, generator);
}

at::Tensor NegativeBinomial::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  const at::Tensor& given = param_.given();
  at::Tensor v = value.to(at::promote_types(value.scalar_type(), given.scalar_type()));
  // Without validation: -inf at a negative or fractional k.
  const at::Tensor outside = validate_args() ? at::Tensor() : detail::mask_non_counts(v);
  at::Tensor lp;
  if (!param_.is_probs()) {
    lp = negative_binomial_log_prob(v, total_count_, logits());
  } else {
    // From the probs themselves: the logits clamp p to [eps, 1 - eps], which
    // doubles 1 - p at p = 1 - 2^-53 (log_prob r log 2 too high). p = 0
    // with k = 0 is the point mass, exactly 0 with gradient 0 (as through
    // torch's clamp); the formula runs at p = 1/2 there, where it is finite.
    const at::Tensor certain = (given == 0).logical_and(v == 0);
    const at::Tensor p = at::where(certain, at::full({}, 0.5, given.options()), given);
    lp = at::special_xlog1py(total_count_, -p) + at::xlogy(v, p) - log_normalizer(v, total_count_);
    lp = at::where(certain, at::zeros({}, lp.options()), lp);
  }
  return outside.defined() ? at::where(outside, -INFINITY, lp) : lp;
}

at::Tensor NegativeBinomial::mean() const { return total_count_ * odds(); }

at::Tensor NegativeBinomial::mode() const {
  at::NoGradGuard no_grad;
  return ((total_count_ - 1) * odds()).floor().clamp_min(0);
}

at::Tensor NegativeBinomial::variance() const {
  // mean / (1 - p), with 1 - p = sigmoid(-l) for logits.
  at::Tensor one_minus_p = param_.is_probs() ? 1 - param_.given() : at::sigmoid(-param_.given());
  return mean() / one_minus_p;
}

}  // namespace torchdist
