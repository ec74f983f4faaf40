#include "torchdist/distributions/multinomial.h"

#include "binomial_math.h"
#include "multinomial_sampling.h"
#include "torchdist/core/utils.h"
#include "torchdist/distributions/categorical.h"

#include <ATen/core/grad_mode.h>

#include <cmath>

namespace torchdist {
namespace {

// Checks total_count and the parameter (defined, at least 1-D, K >= 1) and
// normalizes the parameter over the last dimension, as Categorical does.
at::Tensor normalized_param(int64_t total_count, const ProbsOrLogits& param) {
  // Checked whatever validate_args says: a negative count makes every
  // method meaningless (torch's inner Binomial checks it too).
  TORCH_CHECK_VALUE(total_count >= 0, "Multinomial: total_count must satisfy nonnegative_integer(), got ",
                    total_count);
  at::Tensor p = detail::categorical_param(param, "Multinomial");
  return param.is_probs() ? p / p.sum(-1, /*keepdim=*/true) : p - p.logsumexp(-1, /*keepdim=*/true);
}

}  // namespace

at::Tensor multinomial_log_prob(const at::Tensor& value, const at::Tensor& logits) {
  std::vector<at::Tensor> b = at::broadcast_tensors({logits, value});
  const at::Tensor& l = b[0];
  const at::Tensor& x = b[1];
  // x_k = 0 with l_k = -inf is 0 * -inf: that category contributes 0.
  at::Tensor l_safe = l.masked_fill((x == 0).logical_and(l == -INFINITY), 0);
  return at::lgamma(x.sum(-1) + 1) - at::lgamma(x + 1).sum(-1) + (l_safe * x).sum(-1);
}

Multinomial::Multinomial(int64_t total_count, ProbsOrLogits param, c10::optional<bool> validate_args)
    : Multinomial(total_count, normalized_param(total_count, param), param.is_probs(), validate_args) {}

Multinomial::Multinomial(int64_t total_count, at::Tensor normalized, bool is_probs, c10::optional<bool> validate_args)
    : Family(normalized.sizes().slice(0, normalized.dim() - 1), {normalized.size(-1)}, validate_args),
      total_count_(total_count),
      param_(std::move(normalized), is_probs, ProbsLogitsParam::kCategorical) {
  // After normalization, as torch: unnormalized nonnegative probs pass;
  // negative, infinite or all-zero ones do not.
  if (this->validate_args()) validate_params();
}

ConstraintPtr Multinomial::support() const { return constraints::multinomial(total_count_); }

at::Tensor Multinomial::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const at::Tensor& p = probs();
  at::NoGradGuard no_grad;
  return detail::multinomial_sample(total_count_, p.detach(), sample_shape, std::move(generator));
}

at::Tensor Multinomial::log_prob(const at::Tensor& value) const {
  if (validate_args()) {
    check_sample(value);
    // torch's support (sums up to n) lets counts of another total through,
    // and log_prob then scores them under that total: a silently wrong
    // number for Multinomial(n). The counts must sum to n.
    at::NoGradGuard no_grad;
    const at::Tensor ok = value.sum(-1) == static_cast<double>(total_count_);
    TORCH_CHECK_VALUE(ok.all().item<bool>(), name(), ": value must sum to total_count = ", total_count_,
                      " over its last dimension, got ", detail::describe_violation(value, ok, 1));
  }
  at::Tensor v = value.to(at::promote_types(value.scalar_type(), param_.given().scalar_type()));
  return multinomial_log_prob(v, logits());
}

at::Tensor Multinomial::entropy() const {
  const at::Tensor& p = probs();
  return detail::multinomial_entropy(at::scalar_tensor(static_cast<double>(total_count_), p.options()), p);
}

at::Tensor Multinomial::mean() const { return probs() * static_cast<double>(total_count_); }

at::Tensor Multinomial::variance() const {
  const at::Tensor& p = probs();
  return static_cast<double>(total_count_) * p * (1 - p);
}

}  // namespace torchdist
