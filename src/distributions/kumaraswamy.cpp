#include "torchdist/distributions/kumaraswamy.h"

#include "torchdist/core/utils.h"

#include <ATen/core/grad_mode.h>

#include <limits>

#include "../formulas/kumaraswamy.h"
#include "../kernels/formula_eval.h"
#include "torchdist/distributions/uniform.h"
#include "torchdist/transforms/affine.h"
#include "torchdist/transforms/elementwise.h"

namespace torchdist {

at::Tensor kumaraswamy_log_prob(const at::Tensor& x, const at::Tensor& concentration1,
                                const at::Tensor& concentration0) {
  return detail::kernels::evaluate<formulas::KumaraswamyLogProb>(x, concentration1, concentration0);
}

at::Tensor kumaraswamy_cdf(const at::Tensor& x, const at::Tensor& concentration1, const at::Tensor& concentration0) {
  return detail::kernels::evaluate<formulas::KumaraswamyCdf>(x, concentration1, concentration0);
}

Kumaraswamy::Params Kumaraswamy::broadcast(const ScalarOrTensor& concentration1,
                                           const ScalarOrTensor& concentration0) {
  std::vector<at::Tensor> p =
      broadcast_all("Kumaraswamy", {{"concentration1", concentration1}, {"concentration0", concentration0}});
  return Params{std::move(p[0]), std::move(p[1])};
}

DistributionPtr Kumaraswamy::make_base(const Params& params) {
  const at::Tensor& b = params.concentration0;
  return std::make_shared<Uniform>(at::zeros(b.sizes(), b.options()), at::ones(b.sizes(), b.options()),
                                   /*validate_args=*/false);
}

std::vector<TransformPtr> Kumaraswamy::make_transforms(const Params& params) {
  return {std::make_shared<PowerTransform>(params.concentration0.reciprocal()),
          std::make_shared<AffineTransform>(1.0, -1.0),
          std::make_shared<PowerTransform>(params.concentration1.reciprocal())};
}

// Validated once the base and the transforms (which cannot fail) are built.
Kumaraswamy::Kumaraswamy(const Params& params, c10::optional<bool> validate_args)
    : Family(make_base(params), make_transforms(params), validate_args),
      concentration1_(params.concentration1),
      concentration0_(params.concentration0) {
  if (this->validate_args()) validate_params();
}

Kumaraswamy::Kumaraswamy(ScalarOrTensor concentration1, ScalarOrTensor concentration0,
                         c10::optional<bool> validate_args)
    : Kumaraswamy(broadcast(concentration1, concentration0), validate_args) {}

at::Tensor Kumaraswamy::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::NoGradGuard no_grad;
  return rsample(sample_shape, std::move(generator));
}

at::Tensor Kumaraswamy::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  // The base uniform carries no parameters; the gradient flows through a, b.
  return detail::kernels::evaluate<formulas::KumaraswamyFromUniform>(
      base_dist()->rsample(sample_shape, std::move(generator)), concentration1_, concentration0_);
}

at::Tensor Kumaraswamy::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return kumaraswamy_log_prob(value, concentration1_, concentration0_);
}

at::Tensor Kumaraswamy::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return kumaraswamy_cdf(value, concentration1_, concentration0_);
}

at::Tensor Kumaraswamy::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  return detail::kernels::evaluate<formulas::KumaraswamyIcdf>(value, concentration1_, concentration0_);
}

at::Tensor Kumaraswamy::entropy() const {
  return detail::kernels::evaluate<formulas::KumaraswamyEntropy>(concentration1_, concentration0_);
}

namespace {
// n-th raw moment b B(1 + n/a, b), in log space as torch computes it.
at::Tensor raw_moment(const at::Tensor& a, const at::Tensor& b, double n) {
  const at::Tensor arg = 1 + n / a;
  return b * (at::lgamma(arg) + at::lgamma(b) - at::lgamma(arg + b)).exp();
}
}  // namespace

at::Tensor Kumaraswamy::mean() const { return raw_moment(concentration1_, concentration0_, 1); }

at::Tensor Kumaraswamy::variance() const {
  return raw_moment(concentration1_, concentration0_, 2) - mean().pow(2);
}

at::Tensor Kumaraswamy::mode() const {
  const at::Tensor& a = concentration1_;
  const at::Tensor& b = concentration0_;
  at::Tensor mode = ((a - 1) / (a * b - 1)).pow(a.reciprocal());
  // Below 1 a shape parameter sends the density to infinity at an end, and
  // a = b = 1 is the flat density: no single mode.
  const at::Tensor undefined = (a < 1).logical_or(b < 1).logical_or((a == 1).logical_and(b == 1));
  return at::where(undefined, at::full({}, std::numeric_limits<double>::quiet_NaN(), mode.options()), mode);
}

}  // namespace torchdist
