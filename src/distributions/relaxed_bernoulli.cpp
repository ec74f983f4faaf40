#include "torchdist/distributions/relaxed_bernoulli.h"

#include <ATen/core/grad_mode.h>

#include <limits>

#include "torchdist/transforms/elementwise.h"
#include "../core/broadcast_shapes.h"

namespace torchdist {
namespace {

struct Prepared {
  at::Tensor temperature;  // in its own shape, the common dtype
  at::Tensor param;        // broadcast with the temperature: the batch shape
};

// Converts and broadcasts the parameters and, when `validate`, checks them
// under `distribution`'s name (RelaxedBernoulli checks here before it builds
// its unvalidated base).
Prepared prepare(const char* distribution, const ScalarOrTensor& temperature, const ProbsOrLogits& param,
                 bool validate) {
  param.check_defined(distribution);
  TORCH_CHECK_VALUE(temperature.is_scalar() || temperature.tensor().defined(), distribution,
                    ": temperature must be a defined tensor");
  const char* arg = param.is_probs() ? "probs" : "logits";
  const at::IntArrayRef t_shape = temperature.is_scalar() ? at::IntArrayRef() : temperature.tensor().sizes();
  const at::IntArrayRef p_shape = param.value().is_scalar() ? at::IntArrayRef() : param.value().tensor().sizes();
  TORCH_CHECK_VALUE(detail::broadcast_shapes(t_shape, p_shape), distribution, ": temperature of shape ", t_shape,
                    " does not broadcast with ", arg, " of shape ", p_shape);
  std::vector<at::Tensor> b = broadcast_all({temperature, param.value()});
  Prepared out;
  out.param = std::move(b[1]);
  // The temperature keeps its shape (torch does not broadcast it).
  out.temperature = temperature.is_scalar() ? at::scalar_tensor(temperature.value(), out.param.options())
                                            : temperature.tensor().to(out.param.scalar_type());
  if (validate) {
    detail::check_param(distribution, "temperature", out.temperature, constraints::positive());
    detail::check_param(distribution, arg, out.param,
                        param.is_probs() ? constraints::unit_interval() : constraints::real(),
                        /*allow_infinite=*/true);
  }
  return out;
}

ProbsOrLogits same_kind(const ProbsOrLogits& param, at::Tensor value) {
  return param.is_probs() ? ProbsOrLogits(Probs{std::move(value)}) : ProbsOrLogits(Logits{std::move(value)});
}

std::shared_ptr<const LogitRelaxedBernoulli> make_base(const ScalarOrTensor& temperature, const ProbsOrLogits& param,
                                                       bool validate) {
  Prepared p = prepare("RelaxedBernoulli", temperature, param, validate);
  return std::make_shared<const LogitRelaxedBernoulli>(p.temperature, same_kind(param, p.param),
                                                       /*validate_args=*/false);
}

}  // namespace

at::Tensor logit_relaxed_bernoulli_log_prob(const at::Tensor& x, const at::Tensor& logits,
                                            const at::Tensor& temperature) {
  // d - 2 log(1 + e^d) = -|d| - 2 log(1 + e^-|d|): no exp of a large number.
  at::Tensor abs_d = (logits - x * temperature).abs();
  return temperature.log() - abs_d - 2 * at::log1p(at::exp(-abs_d));
}

at::Tensor relaxed_bernoulli_log_prob(const at::Tensor& y, const at::Tensor& logits, const at::Tensor& temperature) {
  at::Tensor v = at::isFloatingType(y.scalar_type()) ? y : y.to(logits.scalar_type());
  const at::ScalarType t = v.scalar_type();
  // The sampler's clipped sigmoid never leaves [tiny, 1 - eps]; clamping
  // the value into the same range keeps the logit finite at y = 0 and 1
  // (exact boundary values come from rounding at low temperature, or from
  // a caller's own sigmoid).
  at::Tensor yc = v.clamp(finfo_tiny(t), 1.0 - finfo_eps(t));
  at::Tensor log_y = yc.log();
  at::Tensor log_1m_y = (-yc).log1p();
  // Change of variables y = sigmoid(x): log |dy/dx| = log y + log(1 - y).
  return logit_relaxed_bernoulli_log_prob(log_y - log_1m_y, logits, temperature) - log_y - log_1m_y;
}

// ---------------------------------------------------------------------------
// LogitRelaxedBernoulli

LogitRelaxedBernoulli::LogitRelaxedBernoulli(ScalarOrTensor temperature, ProbsOrLogits param,
                                             c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  // prepare validates, as it does for RelaxedBernoulli: the temperature (not
  // a declared parameter) first, and infinite probs reported as outside
  // unit_interval rather than as not finite.
  Prepared p = prepare("LogitRelaxedBernoulli", temperature, param, this->validate_args());
  temperature_ = std::move(p.temperature);
  param_ = ProbsLogitsParam(std::move(p.param), param.is_probs(), ProbsLogitsParam::kBinary);
  set_batch_shape(param_.given().sizes());
}

at::Tensor LogitRelaxedBernoulli::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const at::Tensor& l = logits();
  at::Tensor logistic;
  {
    at::NoGradGuard no_grad;
    at::Tensor u = clamp_probs(at::rand(extended_shape(sample_shape), std::move(generator), l.options()));
    logistic = u.log() - (-u).log1p();
  }
  return (l + logistic) / temperature_;
}

at::Tensor LogitRelaxedBernoulli::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return logit_relaxed_bernoulli_log_prob(value, logits(), temperature_);
}

at::Tensor LogitRelaxedBernoulli::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return at::sigmoid(value * temperature_ - logits());
}

at::Tensor LogitRelaxedBernoulli::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  return (logits() + (value.log() - (-value).log1p())) / temperature_;
}

// ---------------------------------------------------------------------------
// RelaxedBernoulli

RelaxedBernoulli::RelaxedBernoulli(ScalarOrTensor temperature, ProbsOrLogits param, c10::optional<bool> validate_args)
    : RelaxedBernoulli(make_base(temperature, param, validate_args.value_or(default_validate_args())),
                       validate_args.value_or(default_validate_args())) {}

RelaxedBernoulli::RelaxedBernoulli(std::shared_ptr<const LogitRelaxedBernoulli> base, bool validate_args)
    : Family(std::move(base), {std::make_shared<SigmoidTransform>()}, validate_args) {}

at::Tensor RelaxedBernoulli::log_prob(const at::Tensor& value) const {
  if (validate_args()) {
    check_sample(value);
    return relaxed_bernoulli_log_prob(value, logits(), temperature());
  }
  // Without validation: -inf outside [0, 1] (the clamp would give the
  // density at the nearest end); the clamp's gradient there is already 0.
  const at::Tensor lp = relaxed_bernoulli_log_prob(value, logits(), temperature());
  return at::where((value < 0).logical_or_(value > 1), -std::numeric_limits<double>::infinity(), lp);
}

at::Tensor RelaxedBernoulli::cdf(const at::Tensor& input) const {
  const at::Tensor value = at::isFloatingType(input.scalar_type()) ? input : input.to(logits().scalar_type());
  if (validate_args()) check_sample(value);
  // sigmoid(tau logit(y) - logits) without the transform's clamp of y into
  // [tiny, 1 - eps] (which made cdf(0) = 1 at logits = -1e4, tau = 0.05):
  // 0 at y <= 0 and 1 at y >= 1, the formula running at 1/2 there so that
  // no NaN (log 0) reaches the gradients; NaN stays NaN.
  const at::Tensor below = value <= 0;
  const at::Tensor above = value >= 1;
  const at::Tensor y = at::where(below.logical_or(above), 0.5, value);
  const at::Tensor u = at::sigmoid((y.log() - (-y).log1p()) * temperature() - logits());
  return at::where(below, 0, at::where(above, 1, u));
}

}  // namespace torchdist
