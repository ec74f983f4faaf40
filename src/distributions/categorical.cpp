#include "torchdist/distributions/categorical.h"

#include "../formulas/univariate.h"
#include "../kernels/formula_eval.h"
#include "../kernels/fused.h"
#include "torchdist/core/utils.h"

#include <ATen/core/grad_mode.h>
#include <c10/util/accumulate.h>

#include <limits>

namespace torchdist {
at::Tensor categorical_log_prob(const at::Tensor& value, const at::Tensor& logits) {
  // Broadcast the index with the batch, then gather one entry per event.
  std::vector<at::Tensor> b = at::broadcast_tensors({value.to(at::kLong).unsqueeze(-1), logits});
  return b[1].gather(-1, b[0].narrow(-1, 0, 1)).squeeze(-1);
}

at::Tensor categorical_entropy(const at::Tensor& probs, const at::Tensor& logits) {
  return -(probs * logits.clamp_min(finfo_lowest(logits.scalar_type()))).sum(-1);
}

namespace detail {
at::Tensor categorical_param(const ProbsOrLogits& param, const char* distribution) {
  param.check_defined(distribution);
  const char* arg = param.is_probs() ? "probs" : "logits";
  at::Tensor t = broadcast_all({param.value()})[0];
  TORCH_CHECK_VALUE(t.dim() >= 1, distribution, ": ", arg,
                    " must be at least one-dimensional (batch_shape + [num_events]), got shape ", t.sizes());
  TORCH_CHECK_VALUE(t.size(-1) >= 1, distribution, ": ", arg,
                    " must have at least one category (a nonempty last dimension), got shape ", t.sizes());
  return t;
}
}  // namespace detail

Categorical::Categorical(ProbsOrLogits param, c10::optional<bool> validate_args) : Family({}, {}, validate_args) {
  at::Tensor p = detail::categorical_param(param, "Categorical");
  // Whether the normalized logits may hold a NaN: the fused kernel knows it
  // from its row sums, and then the validation below need not scan them.
  bool maybe_nan = true;
  at::Tensor normalized;
  if (param.is_probs()) {
    normalized = p / p.sum(-1, /*keepdim=*/true);
  } else {
    // log_softmax is p - logsumexp(p) in one kernel (torch writes the two).
    const at::Tensor fused = detail::kernels::fused_log_softmax(p, &maybe_nan);
    normalized = fused.defined() ? fused : at::log_softmax(p, -1);
  }
  num_events_ = normalized.size(-1);
  set_batch_shape(normalized.sizes().slice(0, normalized.dim() - 1));
  param_ = ProbsLogitsParam(std::move(normalized), param.is_probs(), ProbsLogitsParam::kCategorical);
  // After normalization, as torch: unnormalized nonnegative probs pass;
  // negative, infinite or all-zero ones do not. real_vector() is "no NaN":
  // logits known to hold none need no scan.
  if (this->validate_args() && (param_.is_probs() || maybe_nan)) validate_params();
}

ConstraintPtr Categorical::support() const {
  return constraints::integer_interval(0.0, static_cast<double>(num_events_ - 1));
}

at::Tensor Categorical::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const at::Tensor& p = probs();
  at::NoGradGuard no_grad;
  at::Tensor fused = detail::kernels::fused_categorical_sample(p, sample_shape, generator);
  if (fused.defined()) return fused;
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  const int64_t num_samples = c10::multiply_integers(sample_shape);
  at::Tensor probs_2d = p.reshape({-1, num_events_});
  // at::multinomial rejects zero draws and empty batches.
  if (num_samples == 0 || probs_2d.size(0) == 0) return at::empty(shape, p.options().dtype(at::kLong));
  at::Tensor samples_2d = at::multinomial(probs_2d, num_samples, /*replacement=*/true, std::move(generator));
  return samples_2d.t().reshape(shape);
}

at::Tensor Categorical::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  if (param_.is_probs()) {
    // torch's logits log(clamp(probs)) read only where the values point:
    // the gather first, then the log of one entry per value.
    const at::Tensor p = detail::kernels::fused_category_gather(value, probs(), &categorical_log_prob);
    if (p.defined()) return probs_to_logits(p);
  }
  const at::Tensor fused = detail::kernels::fused_category_gather(value, logits(), &categorical_log_prob);
  return fused.defined() ? fused : categorical_log_prob(value, logits());
}

at::Tensor Categorical::entropy() const {
  // One fused pass (and one backward) per term, then the row sum: from
  // logits -e^l l, without the probabilities; from probs torch's
  // -p log(clamp(p)), without the logits.
  if (!param_.is_probs()) return detail::kernels::evaluate<formulas::CategoricalEntropyTerm>(logits()).sum(-1);
  const at::Tensor& p = probs();
  return detail::kernels::evaluate<formulas::CategoricalEntropyTermProbs>(
             p, at::scalar_tensor(finfo_eps(p.scalar_type()), p.options().requires_grad(false)))
      .sum(-1);
}

at::Tensor Categorical::mean() const {
  return at::full(batch_shape(), std::numeric_limits<double>::quiet_NaN(), param_.given().options());
}

at::Tensor Categorical::variance() const { return mean(); }

at::Tensor Categorical::mode() const { return probs().argmax(-1); }

at::Tensor Categorical::enumerate_support(bool expand) const {
  std::vector<int64_t> shape(batch_shape().size() + 1, 1);
  shape[0] = num_events_;
  at::Tensor values = at::arange(num_events_, param_.given().options().dtype(at::kLong)).view(shape);
  if (!expand) return values;
  return values.expand(concat_shapes({num_events_}, batch_shape()));
}

}  // namespace torchdist
