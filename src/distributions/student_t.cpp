#include "torchdist/distributions/student_t.h"

#include <cmath>
#include <limits>

#include "../formulas/univariate.h"
#include "../kernels/formula_eval.h"
#include "sampling.h"

namespace torchdist {

namespace {
constexpr double kLogPi = 1.1447298858494002;  // log(pi)
// log of the sample magnitude above which the pathwise gradient is not
// propagated (it would overflow a double): e^650 ~ 2e282.
constexpr double kGradLogCap = 650.0;
}  // namespace

at::Tensor student_t_log_prob(const at::Tensor& x, const at::Tensor& df, const at::Tensor& loc,
                              const at::Tensor& scale) {
  const at::Tensor y = (x - loc) / scale;
  const at::Tensor log_z =
      scale.log() + 0.5 * df.log() + 0.5 * kLogPi + at::lgamma(0.5 * df) - at::lgamma(0.5 * (df + 1));
  return -0.5 * (df + 1) * at::log1p(y * y / df) - log_z;
}

StudentT::StudentT(ScalarOrTensor df, ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  init_params({std::move(df), std::move(loc), std::move(scale)});
}

at::Tensor StudentT::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  // Draw order as torch: the normal first, then the chi-squared.
  const at::Tensor x = detail::standard_normal(shape, df_.options(), generator);
  // Z = 2 G with G ~ Gamma(df / 2, 1), so 1 / sqrt(Z / df) = exp((log(df / 2) - log G) / 2).
  const at::Tensor half_df = (0.5 * df_).expand(shape).to(at::kDouble);
  const at::Tensor log_g = detail::log_standard_gamma_for(half_df, df_.scalar_type(), generator);
  // |y| = |x| / sqrt(Z / df), formed in log space and held below the
  // dtype's largest value there: for small df, 1 / sqrt(Z / df) alone
  // overflows even a double (log G ~ -2 / df). A held sample gets a zero
  // gradient (at::clamp): its true derivative overflows, and the two terms
  // of d log|y| / d df would give inf - inf. log|x| carries no gradient; it
  // is kept finite (x == 0 gives y == 0 through the sign).
  const at::Tensor xd = x.to(at::kDouble);
  const at::Tensor log_abs_x = xd.abs().log().clamp_min(-1000.0);
  const at::Tensor log_abs_y = log_abs_x + 0.5 * (half_df.log() - log_g);
  // Pulled in by 1e-4: ATen's vectorized exp overflows slightly below
  // log(DBL_MAX) (exp(709.7827128933) is inf).
  const double log_max = std::log(-finfo_lowest(df_.scalar_type())) - 1e-4;
  // Above |y| ~ 1e282 (df below ~0.01, double) the two terms of the
  // derivative overflow separately (inf - inf = NaN): such samples get a
  // zero gradient too.
  const at::Tensor huge = log_abs_y.detach() > kGradLogCap;
  const at::Tensor capped = at::where(huge, log_abs_y.detach(), log_abs_y);
  const at::Tensor y = (xd.sign() * capped.clamp(-log_max, log_max).exp()).to(df_.scalar_type());
  return loc_ + scale_ * y;
}

at::Tensor StudentT::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return student_t_log_prob(value, df_, loc_, scale_);
}

at::Tensor StudentT::entropy() const {
  return detail::kernels::evaluate<formulas::StudentTEntropy>(df_, scale_);
}

at::Tensor StudentT::mean() const {
  return at::where(df_ > 1, loc_, std::numeric_limits<double>::quiet_NaN());
}

at::Tensor StudentT::variance() const {
  // A harmless df where the variance is not finite keeps its gradient at 0
  // instead of NaN.
  const at::Tensor finite = df_ > 2;
  const at::Tensor safe_df = at::where(finite, df_, 3.0);
  const at::Tensor v = scale_.pow(2) * safe_df / (safe_df - 2);
  const at::Tensor infinite_or_nan =
      at::where(df_ > 1, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN());
  return at::where(finite, v, infinite_or_nan.to(v.scalar_type()));
}

}  // namespace torchdist
