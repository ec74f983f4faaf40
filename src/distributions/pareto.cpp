#include "torchdist/distributions/pareto.h"

#include <cmath>

#include "torchdist/distributions/exponential.h"
#include "torchdist/transforms/affine.h"
#include "torchdist/transforms/elementwise.h"

namespace torchdist {
namespace {
std::vector<at::Tensor> checked_params(const ScalarOrTensor& scale, const ScalarOrTensor& alpha,
                                       c10::optional<bool> validate_args) {
  std::vector<at::Tensor> params = broadcast_all("Pareto", {{"scale", scale}, {"alpha", alpha}});
  if (validate_args.value_or(default_validate_args())) {
    detail::check_param("Pareto", "alpha", params[1], constraints::positive());
    detail::check_param("Pareto", "scale", params[0], constraints::positive());
  }
  return params;
}

}  // namespace

Pareto::Pareto(ScalarOrTensor scale, ScalarOrTensor alpha, c10::optional<bool> validate_args)
    : Pareto(Checked{}, checked_params(scale, alpha, validate_args), validate_args.value_or(default_validate_args())) {}

Pareto::Pareto(Checked, std::vector<at::Tensor> params, bool validate_args)
    : TransformedDistribution(
          std::make_shared<Exponential>(params[1], /*validate_args=*/false),
          {std::make_shared<ExpTransform>(), std::make_shared<AffineTransform>(0.0, params[0])},
          validate_args),
      scale_(std::move(params[0])),
      alpha_(std::move(params[1])) {}

at::Tensor Pareto::entropy() const { return (scale_ / alpha_).log() + (1 + alpha_.reciprocal()); }

at::Tensor Pareto::mean() const {
  // +inf for alpha <= 1. torch clamps alpha at 1 and divides by 0, which
  // gives the same values but a NaN gradient at alpha == 1 (inf - inf);
  // substituting a harmless alpha where the moment is infinite keeps the
  // gradient there at 0.
  at::Tensor finite = alpha_ > 1;
  at::Tensor a = at::where(finite, alpha_, 2.0);
  return at::where(finite, a * scale_ / (a - 1), INFINITY);
}

at::Tensor Pareto::variance() const {
  // +inf for alpha <= 2, written as the mean is.
  at::Tensor finite = alpha_ > 2;
  at::Tensor a = at::where(finite, alpha_, 3.0);
  return at::where(finite, scale_.pow(2) * a / ((a - 1).pow(2) * (a - 2)), INFINITY);
}

Pareto Pareto::expand(at::IntArrayRef batch_shape) const {
  return Pareto(Checked{}, {scale_.expand(batch_shape), alpha_.expand(batch_shape)}, validate_args());
}

}  // namespace torchdist
