#pragma once
/// \file
/// The binary Concrete (relaxed Bernoulli) distribution of Maddison, Mnih &
/// Teh (2017) and Jang, Gu & Poole (2017), and its logit.

#include <memory>

#include "torchdist/core/distribution.h"
#include "torchdist/core/probs_logits.h"
#include "torchdist/core/utils.h"
#include "torchdist/distributions/transformed_distribution.h"

namespace torchdist {

/// log p(x | logits, temperature) of the LogitRelaxedBernoulli (the logit of
/// a binary Concrete variable):
///   log p(x) = log(tau) + d - 2 log(1 + exp(d)),  d = logits - tau x,
/// written as log(tau) - |d| - 2 log1p(exp(-|d|)), which is finite for any
/// finite d (torch's form overflows exp(d) to inf and returns -inf once d
/// exceeds ~88 in float32 or ~709 in double). `temperature` broadcasts with
/// `logits` and `x`.
///
/// Example:
/// \code
///   td::logit_relaxed_bernoulli_log_prob(at::zeros({1}), at::zeros({1}), at::ones({1}));  // [log(1/4)]
/// \endcode
at::Tensor logit_relaxed_bernoulli_log_prob(const at::Tensor& x, const at::Tensor& logits,
                                            const at::Tensor& temperature);

/// log p(y | logits, temperature) of the binary Concrete distribution on
/// (0, 1) (Maddison et al. 2017, eq. 26, with alpha = exp(logits)):
///   p(y) = tau alpha y^(-tau-1) (1-y)^(-tau-1) / (alpha y^(-tau) + (1-y)^(-tau))^2,
/// evaluated as the LogitRelaxedBernoulli density at x = logit(y) minus
/// log y + log(1 - y). y is first clamped into [tiny, 1 - eps] of its
/// dtype (the same bounds the sampler's clipped sigmoid keeps samples in),
/// so y = 0 and y = 1 give finite values: the density at the nearest point
/// a sample can take.
///
/// Example:
/// \code
///   td::relaxed_bernoulli_log_prob(at::full({1}, 0.5), at::zeros({1}), at::ones({1}));  // [0]
/// \endcode
at::Tensor relaxed_bernoulli_log_prob(const at::Tensor& y, const at::Tensor& logits, const at::Tensor& temperature);

/// The logit of a binary Concrete (RelaxedBernoulli) variable, on the real
/// line: x = (logits + L) / temperature with L ~ Logistic(0, 1), so
///   log p(x) = log tau + d - 2 log(1 + e^d),  d = logits - tau x,
///   cdf(x) = sigmoid(tau x - logits),  icdf(q) = (logits + logit(q)) / tau.
///
/// Parameterized by a `temperature` tau > 0 (a number or a tensor) and
/// exactly one of `td::probs(p)` (in [0, 1]) or `td::logits(l)`; the
/// parameterization not given is derived on first use and cached (probs of
/// 0 or 1 are clamped into [eps, 1 - eps] when converted to logits, as
/// torch does). `rsample` draws u ~ U(0, 1) clamped into [eps, 1 - eps] and
/// returns (logits + log u - log(1 - u)) / tau, pathwise in the logits (or
/// probs) and the temperature.
///
/// Shapes: batch_shape is the parameter's shape broadcast with the
/// temperature's shape; torch takes the parameter's shape alone (the two
/// agree whenever the temperature broadcasts into the parameter, the only
/// case where torch's samples have its own batch_shape). `temperature()`
/// keeps the shape it was given in (a number becomes a 0-dim tensor) and
/// the parameters' dtype (dtypes promote as in `td::broadcast_all`).
///
/// mean, variance, mode and entropy have no closed form and are not
/// implemented (as in torch).
///
/// Deviations from torch, all numerical or additive:
/// - the temperature is validated to be positive (torch does not check it);
/// - `rsample` adds the logits themselves, not logits recomputed from
///   clamped probs: torch clamps every |logit| above log((1 - eps) / eps)
///   (~15.9 in float32) down to that value, so that logits = 30 samples as
///   logits = 15.9; here logits up to +-1e4 are used as given (no NaN);
/// - `log_prob` is the stable form above (finite where torch's is -inf);
/// - `cdf` and `icdf` are implemented (torch has neither).
///
/// Example:
/// \code
///   td::LogitRelaxedBernoulli d(0.5, td::logits(at::tensor({-1.0, 2.0})));
///   at::Tensor x = d.rsample({8});  // [8, 2], real
///   at::Tensor lp = d.log_prob(x);  // [8, 2]
/// \endcode
class LogitRelaxedBernoulli : public Family<LogitRelaxedBernoulli> {
 public:
  /// `param` is `td::probs(p)` or `td::logits(l)`, or
  /// `td::ProbsOrLogits::from_optional("LogitRelaxedBernoulli", probs, logits)`.
  LogitRelaxedBernoulli(ScalarOrTensor temperature, ProbsOrLogits param,
                        c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "LogitRelaxedBernoulli"; }
  /// The relaxation temperature tau, in the shape it was given.
  const at::Tensor& temperature() const { return temperature_; }
  /// sigmoid(logits), shape `batch_shape`.
  const at::Tensor& probs() const { return param_.probs(); }
  /// log(p / (1 - p)), shape `batch_shape`.
  const at::Tensor& logits() const { return param_.logits(); }
  /// The parameter as given (probs or logits: `param().is_probs()`),
  /// the other form derived on first use.
  const ProbsLogitsParam& param() const { return param_; }
  /// The shape of the probs or logits (`batch_shape`).
  at::IntArrayRef param_shape() const { return param_.given().sizes(); }

  bool has_rsample() const override { return true; }
  ConstraintPtr support() const override { return constraints::real(); }

  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  /// sigmoid(tau x - logits).
  at::Tensor cdf(const at::Tensor& value) const override;
  /// (logits + log q - log(1 - q)) / tau: -inf at q = 0, +inf at q = 1.
  at::Tensor icdf(const at::Tensor& value) const override;

 protected:
  /// The temperature is not declared (torch does not list it): `expand`
  /// leaves it in its own shape, as torch does.
  ParamList params() const override { return {param_.declare()}; }

 private:
  at::Tensor temperature_;
  ProbsLogitsParam param_;  // broadcast to batch_shape
};

/// The binary Concrete distribution, or RelaxedBernoulli (Maddison, Mnih &
/// Teh 2017; Jang, Gu & Poole 2017): a continuous relaxation of
/// Bernoulli(probs) on (0, 1) with reparameterized samples,
///   y = sigmoid((logits + L) / temperature),  L ~ Logistic(0, 1),
///   p(y) = tau alpha y^(-tau-1) (1-y)^(-tau-1) / (alpha y^(-tau) + (1-y)^(-tau))^2,
/// alpha = exp(logits). As tau -> 0 the samples approach Bernoulli(probs)
/// draws; at every tau, P(y > 1/2) = probs exactly.
///
/// Built as torch builds it: a `LogitRelaxedBernoulli` pushed through
/// `SigmoidTransform` (whose output is clipped into [tiny, 1 - eps], so
/// samples never round to exactly 0 or 1). Parameters, shapes and
/// validation as `td::LogitRelaxedBernoulli`, with messages naming
/// RelaxedBernoulli. `cdf(y) = sigmoid(tau logit(y) - logits)` (exactly 0
/// at y <= 0 and 1 at y >= 1) and `icdf` (through the transform) exist
/// (torch has neither). mean, variance, mode and
/// entropy are not implemented (as in torch).
///
/// Deviation from torch (required): `log_prob` is finite on the whole
/// closed support [0, 1], for any finite logits and temperature. At low
/// temperature samples sit on, or round onto, the ends of the interval (at
/// tau = 0.01 in float32 most samples equal the sigmoid's clip bounds tiny
/// and 1 - eps; a caller's own, unclipped sigmoid gives exactly 0 and 1).
/// Here y is clamped into [tiny, 1 - eps] before its logit is taken (the
/// range the sampler can return, so a sample's value is the density at the
/// sample itself, and 0 or 1 get the density at the nearest attainable
/// interior point), and the base log-density is the overflow-free form of
/// `logit_relaxed_bernoulli_log_prob`. torch clamps in the same place
/// (inside SigmoidTransform's inverse), but its base log-density computes
/// exp(d), d = logits - tau logit(y), which overflows once d exceeds ~88 in
/// float32, and returns -inf: at y = 0 already for tau = 1, logits = 2, and
/// at either end for large |logits|. The gradient with respect to a value
/// outside [tiny, 1 - eps] is 0.
///
/// Example:
/// \code
///   td::RelaxedBernoulli d(at::tensor({2.2}), td::probs(at::tensor({0.1, 0.2, 0.3, 0.99})));
///   at::Tensor y = d.rsample();     // [4], in (0, 1), differentiable in probs
///   at::Tensor lp = d.log_prob(y);  // [4]
/// \endcode
class RelaxedBernoulli : public Family<RelaxedBernoulli, TransformedDistribution> {
 public:
  /// `param` is `td::probs(p)` or `td::logits(l)`, or
  /// `td::ProbsOrLogits::from_optional("RelaxedBernoulli", probs, logits)`.
  RelaxedBernoulli(ScalarOrTensor temperature, ProbsOrLogits param, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "RelaxedBernoulli"; }
  /// The relaxation temperature tau, in the shape it was given.
  const at::Tensor& temperature() const { return logit_base().temperature(); }
  /// Probability of the relaxed "1", shape `batch_shape`.
  const at::Tensor& probs() const { return logit_base().probs(); }
  /// Log-odds, shape `batch_shape`.
  const at::Tensor& logits() const { return logit_base().logits(); }
  /// The shape of the probs or logits (`batch_shape`).
  at::IntArrayRef param_shape() const { return logit_base().param_shape(); }
  /// probs and logits, as torch lists them: the base's (which holds them).
  std::vector<ArgConstraint> arg_constraints() const override { return logit_base().arg_constraints(); }

  ConstraintPtr support() const override { return constraints::unit_interval(); }

  /// The binary Concrete log-density, finite on all of [0, 1] (see above).
  at::Tensor log_prob(const at::Tensor& value) const override;
  /// sigmoid(tau logit(y) - logits); 0 at y <= 0, 1 at y >= 1.
  at::Tensor cdf(const at::Tensor& value) const override;

 private:
  RelaxedBernoulli(std::shared_ptr<const LogitRelaxedBernoulli> base, bool validate_args);

  // base_dist(), which is always a LogitRelaxedBernoulli: the sigmoid needs
  // no Independent wrapper, and the base's expand keeps its type. Holding no
  // second pointer to it, this class has nothing to refresh on expand.
  const LogitRelaxedBernoulli& logit_base() const { return static_cast<const LogitRelaxedBernoulli&>(*base_dist()); }
};

}  // namespace torchdist
