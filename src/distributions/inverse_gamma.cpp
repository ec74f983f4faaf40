#include "torchdist/distributions/inverse_gamma.h"

#include <ATen/core/grad_mode.h>

#include <limits>

#include "torchdist/distributions/gamma.h"
#include "torchdist/transforms/elementwise.h"

#include "../formulas/univariate.h"
#include "../kernels/formula_eval.h"
#include "gamma_math.h"

namespace torchdist {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

InverseGamma::InverseGamma(ScalarOrTensor concentration, ScalarOrTensor rate, c10::optional<bool> validate_args)
    : InverseGamma(Broadcast{}, broadcast_all("InverseGamma", {{"concentration", concentration}, {"rate", rate}}),
                   validate_args) {}

// The exponent is a 0-dim tensor of the parameters' dtype: a double one
// would promote 0-dim float samples to double. The base skips its own
// check, which would name "Gamma"; this family's follows, once the base
// (which cannot fail) is built.
InverseGamma::InverseGamma(Broadcast, std::vector<at::Tensor> params, c10::optional<bool> validate_args)
    : Family(std::make_shared<Gamma>(params[0], params[1], /*validate_args=*/false),
             {std::make_shared<PowerTransform>(-at::ones({}, params[1].options()))}, validate_args),
      concentration_(std::move(params[0])),
      rate_(std::move(params[1])) {
  if (this->validate_args()) validate_params();
}

at::Tensor InverseGamma::log_prob(const at::Tensor& value) const {
  if (validate_args()) return TransformedDistribution::log_prob(value);
  // Without validation: -inf at x <= 0, where 1 / x leaves the Gamma's
  // support (NaN); the chain runs at a point inside so that no NaN reaches
  // the gradients (a NaN value stays NaN).
  const at::Tensor outside = value <= 0;
  return at::where(outside, -kInf, TransformedDistribution::log_prob(at::where(outside, 1, value)));
}

at::Tensor InverseGamma::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  // Without validation: 0 at x <= 0, as for log_prob.
  const at::Tensor outside = validate_args() ? at::Tensor() : value <= 0;
  const at::Tensor x = outside.defined() ? at::where(outside, 1, value) : value;
  // Q(c, r / x) from igammac, accurate in both tails.
  at::Tensor q = at::igammac(concentration_.detach(), (rate_ / x).detach());
  if (at::GradMode::is_enabled() &&
      (concentration_.requires_grad() || rate_.requires_grad() || x.requires_grad())) {
    // The gradient: that of 1 - P(c, z) (igammac has none in c), with
    // z = r / x formed as exp(log r - log x): through 1 / x the chain
    // overflows at tiny x (0 * inf where the density vanishes). Where z is
    // 0 or inf, the gradient is 0: log z is masked before exp, whose
    // backward would multiply that 0 by z.
    const at::Tensor log_z = at::log(rate_) - at::log(x);
    const at::Tensor z = log_z.detach().exp();
    const at::Tensor finite = at::isfinite(z).logical_and_(z > 0);
    const at::Tensor p = at::where(finite, detail::gamma_p(concentration_, at::where(finite, log_z, 0).exp()), 0);
    q = q - (p - p.detach());
  }
  return outside.defined() ? at::where(outside, 0, q) : q;
}

at::Tensor InverseGamma::icdf(const at::Tensor&) const { not_implemented("icdf"); }

at::Tensor InverseGamma::entropy() const {
  return concentration_ + rate_.log() + at::lgamma(concentration_) - (1 + concentration_) * at::digamma(concentration_);
}

at::Tensor InverseGamma::mean() const {
  return detail::kernels::evaluate<formulas::InverseGammaMean>(concentration_, rate_);
}

at::Tensor InverseGamma::variance() const {
  return detail::kernels::evaluate<formulas::InverseGammaVariance>(concentration_, rate_);
}

}  // namespace torchdist
