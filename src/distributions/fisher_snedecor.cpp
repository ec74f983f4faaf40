#include "torchdist/distributions/fisher_snedecor.h"

#include <cmath>
#include <limits>

#include "sampling.h"

namespace torchdist {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

at::Tensor fisher_snedecor_log_prob(const at::Tensor& x, const at::Tensor& df1, const at::Tensor& df2) {
  const at::Tensor h1 = 0.5 * df1;
  const at::Tensor h2 = 0.5 * df2;
  const at::Tensor ratio = df1 / df2;
  const at::Tensor log_norm = at::lgamma(h1 + h2) - at::lgamma(h1) - at::lgamma(h2);
  return log_norm + h1 * ratio.log() + at::xlogy(h1 - 1, x) - (h1 + h2) * at::log1p(ratio * x);
}

FisherSnedecor::FisherSnedecor(ScalarOrTensor df1, ScalarOrTensor df2, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  init_params({std::move(df1), std::move(df2)});
}

at::Tensor FisherSnedecor::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  // x = (G1 / h1) / (G2 / h2) with G_i ~ Gamma(h_i, 1), h_i = d_i / 2; the
  // numerator's variate is drawn first, as in torch.
  const at::Tensor h1 = (0.5 * df1_).expand(shape).to(at::kDouble);
  const at::Tensor h2 = (0.5 * df2_).expand(shape).to(at::kDouble);
  const at::Tensor log_g1 = detail::log_standard_gamma_for(h1, df1_.scalar_type(), generator);
  const at::Tensor log_g2 = detail::log_standard_gamma_for(h2, df1_.scalar_type(), generator);
  const at::Tensor log_x = (log_g1 - h1.log()) - (log_g2 - h2.log());
  const at::ScalarType dtype = df1_.scalar_type();
  // Clamped in log space, before exp can overflow; a held sample gets a
  // zero gradient, as torch's clamp_ gives (its true derivative overflows).
  // The bounds are pulled in by 1e-4 because ATen's vectorized exp
  // overflows slightly below log(DBL_MAX) (exp(709.7827128933) is inf).
  // Above x ~ 1e282 (tiny degrees of freedom, double) the terms of the
  // derivative overflow separately (inf - inf = NaN): such samples get a
  // zero gradient too.
  const at::Tensor huge = log_x.detach() > 650.0;
  const at::Tensor capped = at::where(huge, log_x.detach(), log_x);
  const at::Tensor clamped = capped.clamp(std::log(finfo_tiny(dtype)) + 1e-4, std::log(-finfo_lowest(dtype)) - 1e-4);
  return clamped.exp().to(dtype);
}

at::Tensor FisherSnedecor::log_prob(const at::Tensor& value) const {
  if (validate_args()) {
    check_sample(value);
    return fisher_snedecor_log_prob(value, df1_, df2_);
  }
  // Without validation: -inf below 0, where the logs are NaN or +inf; the
  // formula runs at x = 1 there, so that no NaN reaches the gradients.
  const at::Tensor below = value < 0;
  return at::where(below, -kInf, fisher_snedecor_log_prob(at::where(below, 1, value), df1_, df2_));
}

at::Tensor FisherSnedecor::mean() const {
  const at::Tensor defined = df2_ > 2;
  const at::Tensor d2 = at::where(defined, df2_, 3.0);
  return at::where(defined, d2 / (d2 - 2), kNaN);
}

at::Tensor FisherSnedecor::mode() const {
  const at::Tensor defined = df1_ > 2;
  const at::Tensor d1 = at::where(defined, df1_, 3.0);
  return at::where(defined, (d1 - 2) / d1 * df2_ / (df2_ + 2), kNaN);
}

at::Tensor FisherSnedecor::variance() const {
  const at::Tensor defined = df2_ > 4;
  const at::Tensor d2 = at::where(defined, df2_, 5.0);
  const at::Tensor v = 2 * d2.pow(2) * (df1_ + d2 - 2) / (df1_ * (d2 - 2).pow(2) * (d2 - 4));
  return at::where(defined, v, kNaN);
}

}  // namespace torchdist
