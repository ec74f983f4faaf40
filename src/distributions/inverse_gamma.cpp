#include "torchdist/distributions/inverse_gamma.h"

#include <limits>

#include "torchdist/distributions/gamma.h"
#include "torchdist/transforms/elementwise.h"

namespace torchdist {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<at::Tensor> checked_params(const ScalarOrTensor& concentration, const ScalarOrTensor& rate,
                                       c10::optional<bool> validate_args) {
  std::vector<at::Tensor> params = broadcast_all("InverseGamma", {{"concentration", concentration}, {"rate", rate}});
  if (validate_args.value_or(default_validate_args())) {
    detail::check_param("InverseGamma", "concentration", params[0], constraints::positive());
    detail::check_param("InverseGamma", "rate", params[1], constraints::positive());
  }
  return params;
}
}  // namespace

InverseGamma::InverseGamma(ScalarOrTensor concentration, ScalarOrTensor rate, c10::optional<bool> validate_args)
    : InverseGamma(Checked{}, checked_params(concentration, rate, validate_args),
                   validate_args.value_or(default_validate_args())) {}

// The exponent is a 0-dim tensor of the parameters' dtype: a double one
// would promote 0-dim float samples to double.
InverseGamma::InverseGamma(Checked, std::vector<at::Tensor> params, bool validate_args)
    : TransformedDistribution(std::make_shared<Gamma>(params[0], params[1], /*validate_args=*/false),
                              {std::make_shared<PowerTransform>(-at::ones({}, params[1].options()))},
                              validate_args),
      concentration_(std::move(params[0])),
      rate_(std::move(params[1])) {}

at::Tensor InverseGamma::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  const at::Tensor x = rate_ / value;
  // Value: Q(c, r / x) from igammac, accurate in both tails. Gradient: that
  // of 1 - P(c, r / x), from the Gamma's cdf (igammac has none in c).
  const at::Tensor p = gamma_cdf(value.reciprocal(), concentration_, rate_);
  const at::Tensor q = at::igammac(concentration_.detach(), x.detach());
  if (!p.requires_grad()) return q;
  return q - (p - p.detach());
}

at::Tensor InverseGamma::icdf(const at::Tensor&) const { not_implemented("icdf"); }

at::Tensor InverseGamma::entropy() const {
  return concentration_ + rate_.log() + at::lgamma(concentration_) - (1 + concentration_) * at::digamma(concentration_);
}

at::Tensor InverseGamma::mean() const {
  // A harmless c where the moment is infinite keeps its gradient at 0.
  const at::Tensor finite = concentration_ > 1;
  const at::Tensor c = at::where(finite, concentration_, 2.0);
  return at::where(finite, rate_ / (c - 1), kInf);
}

at::Tensor InverseGamma::variance() const {
  const at::Tensor finite = concentration_ > 2;
  const at::Tensor c = at::where(finite, concentration_, 3.0);
  return at::where(finite, rate_.pow(2) / ((c - 1).pow(2) * (c - 2)), kInf);
}

InverseGamma InverseGamma::expand(at::IntArrayRef batch_shape) const {
  return InverseGamma(Checked{}, {concentration_.expand(batch_shape), rate_.expand(batch_shape)}, validate_args());
}

}  // namespace torchdist
