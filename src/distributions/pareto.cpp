#include "torchdist/distributions/pareto.h"

#include <cmath>

#include "torchdist/distributions/exponential.h"
#include "torchdist/transforms/affine.h"
#include "torchdist/transforms/elementwise.h"

namespace torchdist {
// Broadcast in the constructor's order (scale, alpha), which a broadcast
// error lists; validated in the declared order (alpha, scale), as torch.
Pareto::Pareto(ScalarOrTensor scale, ScalarOrTensor alpha, c10::optional<bool> validate_args)
    : Pareto(Broadcast{}, broadcast_all("Pareto", {{"scale", scale}, {"alpha", alpha}}), validate_args) {}

// The base is built unvalidated, so that a bad alpha is reported as
// Pareto's; building it checks no values, so validating afterwards reports
// what validating first did.
Pareto::Pareto(Broadcast, std::vector<at::Tensor> params, c10::optional<bool> validate_args)
    : Family(std::make_shared<Exponential>(params[1], /*validate_args=*/false),
             {std::make_shared<ExpTransform>(), std::make_shared<AffineTransform>(0.0, params[0])}, validate_args),
      scale_(std::move(params[0])),
      alpha_(std::move(params[1])) {
  if (this->validate_args()) validate_params();
}

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

}  // namespace torchdist
