#include "torchdist/distributions/logistic_normal.h"

#include "torchdist/distributions/normal.h"
#include "torchdist/transforms/simplex.h"

namespace torchdist {

LogisticNormal::Params LogisticNormal::broadcast(const ScalarOrTensor& loc, const ScalarOrTensor& scale) {
  std::vector<at::Tensor> p = broadcast_all("LogisticNormal", {{"loc", loc}, {"scale", scale}});
  // The stick-breaking map needs a vector; a scalar is one coordinate (K = 2).
  if (p[0].dim() == 0) {
    p[0] = p[0].expand({1});
    p[1] = p[1].expand({1});
  }
  return Params{std::move(p[0]), std::move(p[1])};
}

DistributionPtr LogisticNormal::make_base(const Params& params, bool check) {
  // Checked here, under this family's name, because the base is built
  // before this object exists; the base skips its own check.
  if (check) {
    detail::check_param("LogisticNormal", "loc", params.loc, constraints::real());
    detail::check_param("LogisticNormal", "scale", params.scale, constraints::positive());
  }
  return std::make_shared<Normal>(params.loc, params.scale, /*validate_args=*/false);
}

LogisticNormal::LogisticNormal(const Params& params, bool check, c10::optional<bool> validate_args)
    : TransformedDistribution(make_base(params, check),
                              std::vector<TransformPtr>{std::make_shared<StickBreakingTransform>()}, validate_args),
      loc_(params.loc),
      scale_(params.scale) {}

LogisticNormal::LogisticNormal(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args)
    : LogisticNormal(broadcast(loc, scale), validate_args.value_or(default_validate_args()), validate_args) {}

// Overridden only to name this family in the error; the inherited versions
// would fail deeper down, naming the Independent base or the transform.
at::Tensor LogisticNormal::cdf(const at::Tensor&) const { not_implemented("cdf"); }
at::Tensor LogisticNormal::icdf(const at::Tensor&) const { not_implemented("icdf"); }

LogisticNormal LogisticNormal::expand(at::IntArrayRef batch_shape) const {
  const std::vector<int64_t> shape = concat_shapes(batch_shape, {loc_.size(-1)});
  return LogisticNormal(Params{loc_.expand(shape), scale_.expand(shape)}, /*check=*/false, validate_args());
}

}  // namespace torchdist
