#pragma once
/// \file
/// The Concrete (Gumbel-Softmax, relaxed one-hot categorical) distribution
/// of Maddison, Mnih & Teh (2017) and Jang, Gu & Poole (2017), and the
/// distribution of its logarithm.

#include <memory>
#include <utility>

#include "torchdist/core/distribution.h"
#include "torchdist/core/probs_logits.h"
#include "torchdist/core/utils.h"
#include "torchdist/distributions/categorical.h"
#include "torchdist/distributions/transformed_distribution.h"

namespace torchdist {

/// log p(x | logits, temperature) of the ExpConcrete distribution (the log
/// of a Concrete variable; Maddison et al. 2017, appendix), with K the size
/// of the last dimension and s = logits - tau x:
///   log p(x) = log (K-1)! + (K-1) log tau + sum_k (s_k - logsumexp(s)).
/// This equals log p_Concrete(exp x) + sum_k x_k, where p_Concrete is the
/// density of `relaxed_one_hot_categorical_log_prob`. `temperature` is a
/// batch parameter: its shape broadcasts with the batch dimensions of
/// `logits` (it is not aligned with the K categories).
///
/// Example:
/// \code
///   at::Tensor x = at::log(at::full({2}, 0.5));
///   td::exp_relaxed_categorical_log_prob(x, at::zeros({2}), at::ones({}));  // -2 log 2
/// \endcode
at::Tensor exp_relaxed_categorical_log_prob(const at::Tensor& x, const at::Tensor& logits,
                                            const at::Tensor& temperature);

/// log p(y | logits, temperature) of the Concrete distribution on the
/// simplex (Maddison et al. 2017, eq. 3; alpha = exp(logits)):
///   p(y) = (K-1)! tau^(K-1) prod_k alpha_k y_k^(-tau-1) / (sum_k alpha_k y_k^(-tau))^K,
/// the density with respect to Lebesgue measure on K - 1 free coordinates
/// (it integrates to 1 over {y_1..y_{K-1} >= 0, sum <= 1}). This is what
/// torch's `RelaxedOneHotCategorical.log_prob` computes: the ExpConcrete
/// log-density at log y minus the ExpTransform log-Jacobian sum_k log y_k.
/// Entries of y are clamped below at the smallest normal number of their
/// dtype first, so entries that underflowed to 0 give a finite value.
///
/// Example:
/// \code
///   td::relaxed_one_hot_categorical_log_prob(at::full({2}, 0.5), at::zeros({2}), at::ones({}));  // 0
/// \endcode
at::Tensor relaxed_one_hot_categorical_log_prob(const at::Tensor& y, const at::Tensor& logits,
                                                const at::Tensor& temperature);

/// The ExpConcrete distribution: the log of a `RelaxedOneHotCategorical`
/// (Concrete) variable, a point x in R^K with logsumexp(x) = 0,
///   x = log_softmax((logits + g) / temperature),  g_k ~ Gumbel(0, 1) iid,
/// with the Gumbels drawn as -log(-log u) from u ~ U(0, 1) clamped into
/// [eps, 1 - eps], as in torch. Working in log space keeps samples finite
/// at low temperature, where the Concrete variable itself underflows.
///
/// `log_prob` is `exp_relaxed_categorical_log_prob` (torch's formula: the
/// ExpConcrete density of Maddison et al.; it equals
/// p_Concrete(exp x) prod_k exp(x_k), a density on the K - 1 dimensional
/// surface logsumexp(x) = 0 with respect to the measure whose chart in any
/// K - 1 coordinates other than j is dx / exp(x_j)).
///
/// Parameterized by a `temperature` tau > 0 and exactly one of
/// `td::probs(p)` (nonnegative with a positive sum over the last
/// dimension; normalized) or `td::logits(l)` (normalized by logsumexp), as
/// `td::Categorical`. event_shape is [K]; batch_shape is the parameter's
/// batch shape broadcast with the temperature's shape. The temperature is
/// a batch parameter: a tensor of shape [B] with logits of shape [B, K]
/// gives each batch member its own temperature. (torch divides
/// [..., K]-shaped scores by the temperature as given, so a non-scalar
/// temperature lines up with the categories in `rsample` but with the batch
/// in `log_prob`; it agrees with this class wherever its two uses agree,
/// e.g. for a scalar or 0-dim temperature.)
///
/// Deviation from torch: the temperature is validated to be positive.
/// mean, variance, mode and entropy are not implemented (as in torch).
///
/// Example:
/// \code
///   td::ExpRelaxedCategorical d(0.5, td::logits(at::tensor({0.0, 1.0, 2.0})));
///   at::Tensor x = d.rsample({4});  // [4, 3], each row has logsumexp 0
///   at::Tensor lp = d.log_prob(x);  // [4]
/// \endcode
class ExpRelaxedCategorical : public Family<ExpRelaxedCategorical> {
 public:
  /// `param` is `td::probs(p)` or `td::logits(l)` with p, l at least 1-D, or
  /// `td::ProbsOrLogits::from_optional("ExpRelaxedCategorical", probs, logits)`.
  ExpRelaxedCategorical(ScalarOrTensor temperature, ProbsOrLogits param,
                        c10::optional<bool> validate_args = c10::nullopt);

  /// The parameters as this class stores them: the temperature in the
  /// parameter's dtype (and its own shape, which broadcasts with the batch)
  /// and the probs or logits normalized over the last dimension.
  struct Parts {
    at::Tensor temperature;
    ProbsLogitsParam param;
  };
  /// From parts already converted and normalized; with validation on, the
  /// temperature and the probs or logits are checked as the other
  /// constructor checks them. (RelaxedOneHotCategorical checks them under its
  /// own name and builds its base from them without validation.)
  explicit ExpRelaxedCategorical(Parts parts, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "ExpRelaxedCategorical"; }
  /// The relaxation temperature tau, in the shape it was given.
  const at::Tensor& temperature() const { return temperature_; }
  /// Normalized probabilities, shape `batch_shape + [K]`.
  const at::Tensor& probs() const { return param_.probs(); }
  /// Normalized log probabilities, shape `batch_shape + [K]`.
  const at::Tensor& logits() const { return param_.logits(); }
  /// The parameter as given (probs or logits: `param().is_probs()`),
  /// the other form derived on first use.
  const ProbsLogitsParam& param() const { return param_; }
  /// `batch_shape + [K]`.
  at::IntArrayRef param_shape() const { return param_.given().sizes(); }
  /// The number of categories K.
  int64_t num_events() const { return param_.given().size(-1); }

  bool has_rsample() const override { return true; }
  /// real_vector (the true support is the surface logsumexp(x) = 0).
  ConstraintPtr support() const override { return constraints::real_vector(); }

  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;

  /// (logits + g) / temperature of shape `sample_shape + batch_shape + [K]`,
  /// g standard Gumbel noise (not recorded by autograd): the sample before
  /// its (log-)normalization, which `rsample` log-normalizes and
  /// RelaxedOneHotCategorical normalizes.
  at::Tensor gumbel_scores(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const;

 protected:
  /// The temperature is not declared (torch does not list it): `expand`
  /// leaves it in its own shape, as torch does.
  ParamList params() const override { return {param_.declare()}; }

 private:
  at::Tensor temperature_;
  ProbsLogitsParam param_;
};

/// The Concrete, or Gumbel-Softmax, distribution (Maddison, Mnih & Teh
/// 2017; Jang, Gu & Poole 2017): a continuous relaxation of
/// OneHotCategorical(probs) on the simplex with reparameterized samples,
///   y = softmax((logits + g) / temperature),  g_k ~ Gumbel(0, 1) iid,
///   p(y) = (K-1)! tau^(K-1) prod_k alpha_k y_k^(-tau-1) / (sum_k alpha_k y_k^(-tau))^K
/// on the K - 1 free coordinates, alpha = exp(logits). As tau -> 0 the
/// samples approach one-hot draws; at every tau, argmax(y) ~
/// Categorical(probs) exactly (the Gumbel-max trick).
///
/// Built as torch builds it: an `ExpRelaxedCategorical` pushed through
/// `ExpTransform`. Parameters, shapes and validation as
/// `td::ExpRelaxedCategorical`, with messages naming
/// RelaxedOneHotCategorical; support simplex. mean, variance, mode and
/// entropy are not implemented (as in torch).
///
/// Deviation from torch (required): `log_prob` stays finite for samples
/// with entries that underflowed to 0 (at tau = 0.01 in float32 most
/// samples have some; torch returns NaN for them, from log(0) = -inf in
/// the inverse transform). Entries are clamped below at the smallest
/// normal number of the dtype (`tiny`) before taking logs, i.e. the density
/// is evaluated at the nearest point whose logarithm is representable
/// without denormals; entries at or above `tiny` are used as given.
///
/// Example:
/// \code
///   td::RelaxedOneHotCategorical d(at::tensor(2.2), td::probs(at::tensor({0.1, 0.2, 0.3, 0.4})));
///   at::Tensor y = d.rsample({8});  // [8, 4], rows on the simplex
///   at::Tensor lp = d.log_prob(y);  // [8]
/// \endcode
class RelaxedOneHotCategorical : public Family<RelaxedOneHotCategorical, TransformedDistribution> {
 public:
  /// `param` is `td::probs(p)` or `td::logits(l)` with p, l at least 1-D, or
  /// `td::ProbsOrLogits::from_optional("RelaxedOneHotCategorical", probs, logits)`.
  RelaxedOneHotCategorical(ScalarOrTensor temperature, ProbsOrLogits param,
                           c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "RelaxedOneHotCategorical"; }
  /// The relaxation temperature tau, in the shape it was given.
  const at::Tensor& temperature() const { return exp_base().temperature(); }
  /// Normalized probabilities, shape `batch_shape + [K]`.
  const at::Tensor& probs() const { return exp_base().probs(); }
  /// Normalized log probabilities, shape `batch_shape + [K]`.
  const at::Tensor& logits() const { return exp_base().logits(); }
  /// `batch_shape + [K]`.
  at::IntArrayRef param_shape() const { return exp_base().param_shape(); }
  /// probs and logits, as torch lists them: the base's (which holds them).
  std::vector<ArgConstraint> arg_constraints() const override { return exp_base().arg_constraints(); }

  ConstraintPtr support() const override { return constraints::simplex(); }

  /// softmax((logits + g) / temperature), g standard Gumbel noise: the
  /// base's sample pushed through exp, computed as one softmax.
  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  /// `rsample` without recording autograd.
  at::Tensor sample(at::IntArrayRef sample_shape = {},
                    c10::optional<at::Generator> generator = c10::nullopt) const override;

  /// The Concrete log-density, finite where entries underflowed (see above).
  at::Tensor log_prob(const at::Tensor& value) const override;

 private:
  RelaxedOneHotCategorical(std::shared_ptr<const ExpRelaxedCategorical> base, bool validate_args);
  // Converts and (when `validate`) checks the parameters under this class's
  // name, then builds the unvalidated base.
  static std::shared_ptr<const ExpRelaxedCategorical> make_base(const ScalarOrTensor& temperature,
                                                                const ProbsOrLogits& param, bool validate);

  // base_dist(), which is always an ExpRelaxedCategorical: exp needs no
  // Independent wrapper, and the base's expand keeps its type. Holding no
  // second pointer to it, this class has nothing to refresh on expand.
  const ExpRelaxedCategorical& exp_base() const { return static_cast<const ExpRelaxedCategorical&>(*base_dist()); }
};

}  // namespace torchdist
