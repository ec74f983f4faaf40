#include "torchdist/distributions/relaxed_categorical.h"

#include <ATen/core/grad_mode.h>

#include <cmath>

#include "torchdist/transforms/elementwise.h"
#include "../core/broadcast_shapes.h"
#include "../kernels/samplers.h"

namespace torchdist {
namespace {

// Checks the parts under `distribution`'s name: the temperature, then the
// probs or logits after normalization (as torch's Categorical checks them).
void check_parts(const char* distribution, const at::Tensor& temperature, const ProbsLogitsParam& param) {
  detail::check_param(distribution, "temperature", temperature, constraints::positive());
  const Distribution::Param d = param.declare();
  detail::check_param(distribution, d.name, *d.value, d.constraint, d.allow_infinite);
}

// The temperature (own shape, common dtype) and the parameter normalized
// as Categorical does it, its batch broadcast with the temperature; checked
// under `distribution`'s name when `validate`.
ExpRelaxedCategorical::Parts prepare(const char* distribution, const ScalarOrTensor& temperature,
                                     const ProbsOrLogits& param, bool validate) {
  at::Tensor p = detail::categorical_param(param, distribution);
  TORCH_CHECK_VALUE(temperature.is_scalar() || temperature.tensor().defined(), distribution,
                    ": temperature must be a defined tensor");
  at::Tensor t;
  if (temperature.is_scalar()) {
    t = at::scalar_tensor(temperature.value(), p.options());
  } else {
    t = temperature.tensor();
    const at::ScalarType dtype =
        at::isFloatingType(t.scalar_type()) ? at::promote_types(t.scalar_type(), p.scalar_type()) : p.scalar_type();
    t = t.to(dtype);
    p = p.to(dtype);
  }
  const char* arg = param.is_probs() ? "probs" : "logits";
  const at::IntArrayRef p_batch = p.sizes().slice(0, p.dim() - 1);
  const c10::optional<at::DimVector> shape = detail::broadcast_shapes(t.sizes(), p_batch);
  TORCH_CHECK_VALUE(shape, distribution, ": temperature of shape ", t.sizes(), " does not broadcast with the batch shape ",
                    p_batch, " of ", arg, " of shape ", p.sizes());
  const at::IntArrayRef batch = *shape;
  if (at::IntArrayRef(batch) != p_batch) p = p.expand(concat_shapes(batch, {p.size(-1)}));
  Categorical c(param.is_probs() ? ProbsOrLogits(Probs{p}) : ProbsOrLogits(Logits{p}), /*validate_args=*/false);
  ExpRelaxedCategorical::Parts parts{std::move(t), c.param()};
  if (validate) check_parts(distribution, parts.temperature, parts.param);
  return parts;
}

}  // namespace

at::Tensor exp_relaxed_categorical_log_prob(const at::Tensor& x, const at::Tensor& logits,
                                            const at::Tensor& temperature) {
  const int64_t k = logits.size(-1);
  at::Tensor score = logits - x * temperature.unsqueeze(-1);
  // log (K-1)! + (K-1) log tau
  at::Tensor log_scale = std::lgamma(static_cast<double>(k)) + static_cast<double>(k - 1) * temperature.log();
  // Subtract the logsumexp elementwise before summing (torch's order): the
  // sum of K scores minus K logsumexp would cancel badly at low tau.
  return at::log_softmax(score, -1).sum(-1) + log_scale;
}

at::Tensor relaxed_one_hot_categorical_log_prob(const at::Tensor& y, const at::Tensor& logits,
                                                const at::Tensor& temperature) {
  at::Tensor v = at::isFloatingType(y.scalar_type()) ? y : y.to(logits.scalar_type());
  // Entries below tiny underflowed (or are denormal) at low temperature;
  // log(0) = -inf would make the ExpConcrete score inf - inf = NaN.
  at::Tensor x = v.clamp_min(finfo_tiny(v.scalar_type())).log();
  // Change of variables y = exp(x): log |det dy/dx| = sum_k x_k.
  return exp_relaxed_categorical_log_prob(x, logits, temperature) - x.sum(-1);
}

// ---------------------------------------------------------------------------
// ExpRelaxedCategorical

ExpRelaxedCategorical::ExpRelaxedCategorical(ScalarOrTensor temperature, ProbsOrLogits param,
                                             c10::optional<bool> validate_args)
    : ExpRelaxedCategorical(prepare("ExpRelaxedCategorical", temperature, param, /*validate=*/false), validate_args) {}

ExpRelaxedCategorical::ExpRelaxedCategorical(Parts parts, c10::optional<bool> validate_args)
    : Family(parts.param.given().sizes().slice(0, parts.param.given().dim() - 1), {parts.param.given().size(-1)},
             validate_args),
      temperature_(std::move(parts.temperature)),
      param_(std::move(parts.param)) {
  if (this->validate_args()) check_parts("ExpRelaxedCategorical", temperature_, param_);
}

at::Tensor ExpRelaxedCategorical::gumbel_scores(at::IntArrayRef sample_shape,
                                                c10::optional<at::Generator> generator) const {
  const at::Tensor& l = logits();
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  // Noise from uniforms clamped to [eps, 1 - eps] (torch's clamp_probs), so
  // that both logs are finite.
  const double eps = finfo_eps(l.scalar_type());
  at::Tensor gumbels = detail::kernels::fused_gumbel_noise(shape, l.options(), generator, eps, 1 - eps);
  if (!gumbels.defined()) {
    at::NoGradGuard no_grad;
    at::Tensor u = clamp_probs(at::rand(shape, std::move(generator), l.options()));
    gumbels = -(-u.log()).log();
  }
  return (l + gumbels) / temperature_.unsqueeze(-1);
}

at::Tensor ExpRelaxedCategorical::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  return at::log_softmax(gumbel_scores(sample_shape, std::move(generator)), -1);
}

at::Tensor ExpRelaxedCategorical::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return exp_relaxed_categorical_log_prob(value, logits(), temperature_);
}

// ---------------------------------------------------------------------------
// RelaxedOneHotCategorical

std::shared_ptr<const ExpRelaxedCategorical> RelaxedOneHotCategorical::make_base(const ScalarOrTensor& temperature,
                                                                                 const ProbsOrLogits& param,
                                                                                 bool validate) {
  ExpRelaxedCategorical::Parts parts = prepare("RelaxedOneHotCategorical", temperature, param, validate);
  return std::make_shared<const ExpRelaxedCategorical>(std::move(parts), /*validate_args=*/false);
}

RelaxedOneHotCategorical::RelaxedOneHotCategorical(ScalarOrTensor temperature, ProbsOrLogits param,
                                                   c10::optional<bool> validate_args)
    : RelaxedOneHotCategorical(make_base(temperature, param, validate_args.value_or(default_validate_args())),
                               validate_args.value_or(default_validate_args())) {}

RelaxedOneHotCategorical::RelaxedOneHotCategorical(std::shared_ptr<const ExpRelaxedCategorical> base,
                                                   bool validate_args)
    : Family(std::move(base), {std::make_shared<ExpTransform>()}, validate_args) {}

at::Tensor RelaxedOneHotCategorical::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return relaxed_one_hot_categorical_log_prob(value, logits(), temperature());
}

at::Tensor RelaxedOneHotCategorical::rsample(at::IntArrayRef sample_shape,
                                             c10::optional<at::Generator> generator) const {
  // exp of the base's sample, log_softmax(scores), is softmax(scores): one
  // kernel instead of two.
  return at::softmax(exp_base().gumbel_scores(sample_shape, std::move(generator)), -1);
}

at::Tensor RelaxedOneHotCategorical::sample(at::IntArrayRef sample_shape,
                                            c10::optional<at::Generator> generator) const {
  at::NoGradGuard no_grad;
  return rsample(sample_shape, std::move(generator));
}

}  // namespace torchdist
