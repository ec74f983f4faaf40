#include "torchdist/distributions/continuous_bernoulli.h"

#include <cmath>

#include "../formulas/continuous_bernoulli.h"
#include "../formulas/tensor_backend.h"
#include "../kernels/formula_eval.h"

namespace torchdist {
namespace {

namespace kernels = detail::kernels;
namespace cb = formulas::continuous_bernoulli;

at::Tensor scalar_like(const at::Tensor& t, double v) { return at::scalar_tensor(v, t.options()); }

at::Tensor outside_region(const at::Tensor& probs, ContinuousBernoulliLims lims) {
  return probs.le(lims.first).logical_or(probs.gt(lims.second));
}

}  // namespace

// The lims are where torch switches to its Taylor series; the formulas are
// accurate for every p without them (formulas/continuous_bernoulli.h).
at::Tensor continuous_bernoulli_log_normalizer(const at::Tensor& probs, ContinuousBernoulliLims) {
  return kernels::evaluate<formulas::ContinuousBernoulliLogNormalizer>(probs);
}

ContinuousBernoulli::ContinuousBernoulli(ProbsOrLogits param, c10::optional<bool> validate_args)
    : ContinuousBernoulli(std::move(param), {0.499, 0.501}, validate_args) {}

ContinuousBernoulli::ContinuousBernoulli(ProbsOrLogits param, ContinuousBernoulliLims lims,
                                         c10::optional<bool> validate_args)
    : Family({}, {}, validate_args),
      // The kind before init_params fills it: the declaration depends on it.
      param_({}, param.is_probs(), ProbsLogitsParam::kBinary, /*clamp_derived_probs=*/true),
      lims_(lims) {
  param.check_defined("ContinuousBernoulli");
  TORCH_CHECK_VALUE(0 < lims.first && lims.first < 0.5 && 0.5 < lims.second && lims.second < 1,
                    "ContinuousBernoulli: lims must satisfy 0 < lims.first < 0.5 < lims.second < 1, got (",
                    lims.first, ", ", lims.second, ")");
  init_params({param.value()});
  // Clamped after validation: clamped probs would always pass.
  if (param_.is_probs()) {
    param_ = ProbsLogitsParam(clamp_probs(param_.given()), /*is_probs=*/true, ProbsLogitsParam::kBinary,
                              /*clamp_derived_probs=*/true);
  }
}

at::Tensor ContinuousBernoulli::outside_unstable_region() const { return outside_region(probs(), lims_); }

at::Tensor ContinuousBernoulli::cut_probs() const {
  const at::Tensor& p = probs();
  return at::where(outside_unstable_region(), p, scalar_like(p, lims_.first));
}

at::Tensor ContinuousBernoulli::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::Tensor u = at::empty(extended_shape(sample_shape), probs().options()).uniform_(0, 1, generator);
  return icdf_impl(u);
}

at::Tensor ContinuousBernoulli::log_prob(const at::Tensor& value) const {
  // Without validation: -inf outside [0, 1].
  if (validate_args()) check_sample(value);
  return kernels::evaluate<formulas::ContinuousBernoulliLogProb>(value, logits(),
                                                                 continuous_bernoulli_log_normalizer(probs(), lims_));
}

at::Tensor ContinuousBernoulli::clamped_logits() const {
  // logit(1 - eps): the logits of the clamped probs, so that huge logits
  // (+-1e4) act as probs 1 - eps and eps do, as in torch.
  const double eps = finfo_eps(logits().scalar_type());
  const double bound = std::log1p(-eps) - std::log(eps);
  return logits().clamp(-bound, bound);
}

at::Tensor ContinuousBernoulli::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return kernels::evaluate<formulas::ContinuousBernoulliCdf>(value, clamped_logits());
}

at::Tensor ContinuousBernoulli::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  return icdf_impl(value);
}

at::Tensor ContinuousBernoulli::icdf_impl(const at::Tensor& value) const {
  return kernels::evaluate<formulas::ContinuousBernoulliIcdf>(value, clamped_logits());
}

at::Tensor ContinuousBernoulli::mean() const { return kernels::evaluate<formulas::ContinuousBernoulliMean>(probs()); }

at::Tensor ContinuousBernoulli::variance() const {
  return kernels::evaluate<formulas::ContinuousBernoulliVariance>(probs());
}

at::Tensor ContinuousBernoulli::entropy() const {
  return kernels::evaluate<formulas::ContinuousBernoulliEntropy>(probs());
}

// theta = eta = logit(p), t(x) = x, k = 0: the density is
// exp(eta x - F(eta)) on [0, 1] with F(eta) = log(int_0^1 e^(eta x) dx)
// = log((e^eta - 1) / eta).
std::vector<at::Tensor> ContinuousBernoulli::natural_params() const { return {logits()}; }

at::Tensor ContinuousBernoulli::log_normalizer(const std::vector<at::Tensor>& natural_params) const {
  TORCH_CHECK_VALUE(natural_params.size() == 1,
                    "ContinuousBernoulli: log_normalizer takes 1 natural parameter, got ", natural_params.size());
  return cb::log_normalizer_natural(formulas::num(natural_params[0])).r;
}

at::Tensor ContinuousBernoulli::mean_carrier_measure() const { return at::zeros_like(param_.given()); }

}  // namespace torchdist
