#include "torchdist/distributions/pareto.h"

#include <cmath>

#include "../formulas/univariate.h"
#include "../kernels/formula_eval.h"

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

// The moments: src/formulas/univariate.h (ParetoMean, ParetoVariance).
at::Tensor Pareto::mean() const { return detail::kernels::evaluate<formulas::ParetoMean>(scale_, alpha_); }

at::Tensor Pareto::variance() const { return detail::kernels::evaluate<formulas::ParetoVariance>(scale_, alpha_); }

}  // namespace torchdist
