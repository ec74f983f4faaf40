#include "torchdist/distributions/negative_binomial.h"

#include "count_support.h"
#include "../formulas/univariate.h"
#include "../kernels/formula_eval.h"
#include "sampling.h"
#include "torchdist/core/utils.h"

#include <ATen/core/grad_mode.h>

#include <tuple>

namespace torchdist {

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
  // src/formulas/univariate.h: NegativeBinomialLogProb, for the form given.
  const at::Tensor lp = detail::kernels::evaluate_by_form<formulas::NegativeBinomialLogProb>(!param_.is_probs(), v,
                                                                                            total_count_, given);
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
