#include "torchdist/distributions/binomial.h"

#include "../kernels/samplers.h"
#include "binomial_math.h"
#include "count_support.h"
#include "torchdist/core/utils.h"

#include <ATen/core/grad_mode.h>

#include <cmath>
#include <tuple>

namespace torchdist {
namespace {

// 0, 1, ..., n along a new leftmost dimension, expanded over the batch or not.
at::Tensor arange_support(int64_t n, at::IntArrayRef batch_shape, const at::TensorOptions& options, bool expand) {
  std::vector<int64_t> shape(batch_shape.size() + 1, 1);
  shape[0] = n + 1;
  at::Tensor values = at::arange(n + 1, options).view(shape);
  return expand ? values.expand(concat_shapes({n + 1}, batch_shape)) : values;
}

}  // namespace

at::Tensor binomial_log_prob(const at::Tensor& value, const at::Tensor& total_count, const at::Tensor& logits) {
  at::Tensor log_choose =
      at::lgamma(total_count + 1) - at::lgamma(value + 1) - at::lgamma(total_count - value + 1);
  return log_choose + value * logits - total_count * log1p_exp(logits);
}

Binomial::Binomial(ScalarOrTensor total_count, ProbsOrLogits param, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  std::tie(total_count_, param_) = detail::broadcast_count_and_param("Binomial", total_count, param);
  set_batch_shape(param_.given().sizes());
  if (this->validate_args()) validate_params();
}

ConstraintPtr Binomial::support() const {
  return constraints::integer_interval(at::zeros({}, total_count_.options()), total_count_);
}

at::Tensor Binomial::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const at::Tensor& p = probs();
  at::NoGradGuard no_grad;
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  const at::Tensor fused = detail::kernels::fused_binomial(total_count_.expand(shape), p.expand(shape), generator);
  if (fused.defined()) return fused;
  // at::binomial never returns for a NaN count (unvalidated input): NaN there,
  // as the fused sampler gives.
  const at::Tensor nan = at::isnan(total_count_).logical_or(at::isnan(p)).expand(shape);
  const at::Tensor zero = at::zeros({}, total_count_.options());
  const at::Tensor draws = at::binomial(at::where(nan, zero, total_count_.expand(shape)),
                                        at::where(nan, zero, p.expand(shape)), generator);
  return at::where(nan, at::full({}, NAN, draws.options()), draws);
}

at::Tensor Binomial::log_prob_unchecked(const at::Tensor& value) const {
  // lgamma of a float or integer value next to double parameters would lose
  // precision (or fail): compute in the common floating dtype.
  const at::Tensor& given = param_.given();
  at::Tensor v = value.to(at::promote_types(value.scalar_type(), given.scalar_type()));
  at::Tensor lp = binomial_log_prob(v, total_count_, logits());
  if (!param_.is_probs()) return lp;
  // probs of exactly 0 or 1 become logits of -+log((1 - eps) / eps), which
  // leave about -n eps instead of log(1) = 0 at the certain outcome: put the
  // exact value back there (the gradient there is 0, as through torch's clamp).
  at::Tensor certain = (given == 0).logical_and(v == 0).logical_or((given == 1).logical_and(v == total_count_));
  return at::where(certain, at::zeros({}, lp.options()), lp);
}

at::Tensor Binomial::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return log_prob_unchecked(value);
}

int64_t Binomial::homogeneous_total_count(const char* method) const {
  if (total_count_.numel() == 0) return 0;
  at::NoGradGuard no_grad;
  const double lo = total_count_.min().item<double>();
  const double hi = total_count_.max().item<double>();
  TORCH_CHECK_NOT_IMPLEMENTED(lo == hi, "Binomial: ", method,
                              " needs the same total_count for the whole batch (the support would be ragged), "
                              "got total_count from ", lo, " to ", hi);
  TORCH_CHECK_VALUE(std::isfinite(hi) && hi >= 0 && hi < 9.0e15, "Binomial: ", method,
                    " needs a finite nonnegative total_count, got ", hi);
  return static_cast<int64_t>(hi);
}

at::Tensor Binomial::entropy() const {
  // Any total counts, the same or not across the batch.
  return detail::binomial_entropy(total_count_, param_.given(), !param_.is_probs());
}

at::Tensor Binomial::mean() const { return total_count_ * probs(); }

at::Tensor Binomial::mode() const {
  at::NoGradGuard no_grad;
  return at::minimum(((total_count_ + 1) * probs()).floor(), total_count_);
}

at::Tensor Binomial::variance() const {
  const at::Tensor& p = probs();
  return total_count_ * p * (1 - p);
}

at::Tensor Binomial::enumerate_support(bool expand) const {
  const int64_t n = homogeneous_total_count("enumerate_support");
  return arange_support(n, batch_shape(), param_.given().options(), expand);
}

}  // namespace torchdist
