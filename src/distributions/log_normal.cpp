#include "torchdist/distributions/log_normal.h"

#include "torchdist/distributions/normal.h"
#include "torchdist/transforms/elementwise.h"

namespace torchdist {

DistributionPtr LogNormal::make_base(const Params& params, bool check) {
  // The base is built before this object exists, so the parameters are
  // checked here, under this family's name; the base then skips its own
  // check, which would report "Normal".
  if (check) {
    detail::check_param("LogNormal", "loc", params.loc, constraints::real());
    detail::check_param("LogNormal", "scale", params.scale, constraints::positive());
  }
  return std::make_shared<Normal>(params.loc, params.scale, /*validate_args=*/false);
}

LogNormal::LogNormal(const Params& params, bool check, c10::optional<bool> validate_args)
    : TransformedDistribution(make_base(params, check), std::vector<TransformPtr>{std::make_shared<ExpTransform>()},
                              validate_args),
      loc_(params.loc),
      scale_(params.scale) {}

LogNormal::Params LogNormal::broadcast(const ScalarOrTensor& loc, const ScalarOrTensor& scale) {
  std::vector<at::Tensor> p = broadcast_all("LogNormal", {{"loc", loc}, {"scale", scale}});
  return Params{std::move(p[0]), std::move(p[1])};
}

LogNormal::LogNormal(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args)
    : LogNormal(broadcast(loc, scale), validate_args.value_or(default_validate_args()), validate_args) {}

at::Tensor LogNormal::mean() const { return (loc_ + scale_.pow(2) / 2).exp(); }

at::Tensor LogNormal::mode() const { return (loc_ - scale_.pow(2)).exp(); }

at::Tensor LogNormal::variance() const {
  const at::Tensor s2 = scale_.pow(2);
  // expm1 keeps the relative accuracy for small scales, where exp(s2) - 1
  // would cancel.
  return s2.expm1() * (2 * loc_ + s2).exp();
}

at::Tensor LogNormal::entropy() const { return base_dist()->entropy() + loc_; }

LogNormal LogNormal::expand(at::IntArrayRef batch_shape) const {
  return LogNormal(Params{loc_.expand(batch_shape), scale_.expand(batch_shape)}, /*check=*/false, validate_args());
}

}  // namespace torchdist
