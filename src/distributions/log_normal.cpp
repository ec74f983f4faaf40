#include "torchdist/distributions/log_normal.h"

#include "torchdist/distributions/normal.h"
#include "torchdist/transforms/elementwise.h"

namespace torchdist {

// The base skips its own check, which would report "Normal"; this family's
// follows, once the base (which cannot fail) is built.
LogNormal::LogNormal(const Params& params, c10::optional<bool> validate_args)
    : Family(std::make_shared<Normal>(params.loc, params.scale, /*validate_args=*/false),
             std::vector<TransformPtr>{std::make_shared<ExpTransform>()}, validate_args),
      loc_(params.loc),
      scale_(params.scale) {
  if (this->validate_args()) validate_params();
}

LogNormal::Params LogNormal::broadcast(const ScalarOrTensor& loc, const ScalarOrTensor& scale) {
  std::vector<at::Tensor> p = broadcast_all("LogNormal", {{"loc", loc}, {"scale", scale}});
  return Params{std::move(p[0]), std::move(p[1])};
}

LogNormal::LogNormal(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args)
    : LogNormal(broadcast(loc, scale), validate_args) {}

at::Tensor LogNormal::mean() const { return (loc_ + scale_.pow(2) / 2).exp(); }

at::Tensor LogNormal::mode() const { return (loc_ - scale_.pow(2)).exp(); }

at::Tensor LogNormal::variance() const {
  const at::Tensor s2 = scale_.pow(2);
  // expm1 keeps the relative accuracy for small scales, where exp(s2) - 1
  // would cancel.
  return s2.expm1() * (2 * loc_ + s2).exp();
}

at::Tensor LogNormal::entropy() const { return base_dist()->entropy() + loc_; }

}  // namespace torchdist
