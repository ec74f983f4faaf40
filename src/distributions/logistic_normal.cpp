#include "torchdist/distributions/logistic_normal.h"

#include "torchdist/distributions/normal.h"
#include "torchdist/transforms/simplex.h"

namespace torchdist {

std::vector<at::Tensor> LogisticNormal::broadcast(const ScalarOrTensor& loc, const ScalarOrTensor& scale) {
  std::vector<at::Tensor> p = broadcast_all("LogisticNormal", {{"loc", loc}, {"scale", scale}});
  // The stick-breaking map needs a vector; a scalar is one coordinate (K = 2).
  if (p[0].dim() == 0) {
    p[0] = p[0].expand({1});
    p[1] = p[1].expand({1});
  }
  return p;
}

// The base is built unvalidated, so that a bad parameter is reported as
// LogisticNormal's, not Normal's; building it checks no values, so
// validating afterwards reports what validating first did.
LogisticNormal::LogisticNormal(Broadcast, std::vector<at::Tensor> params, c10::optional<bool> validate_args)
    : Family(std::make_shared<Normal>(params[0], params[1], /*validate_args=*/false),
             std::vector<TransformPtr>{std::make_shared<StickBreakingTransform>()}, validate_args),
      loc_(std::move(params[0])),
      scale_(std::move(params[1])) {
  if (this->validate_args()) validate_params();
}

LogisticNormal::LogisticNormal(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args)
    : LogisticNormal(Broadcast{}, broadcast(loc, scale), validate_args) {}

// Overridden only to name this family in the error; the inherited versions
// would fail deeper down, naming the Independent base or the transform.
at::Tensor LogisticNormal::cdf(const at::Tensor&) const { not_implemented("cdf"); }
at::Tensor LogisticNormal::icdf(const at::Tensor&) const { not_implemented("icdf"); }

}  // namespace torchdist
