#include "torchdist/distributions/gumbel.h"

#include <cmath>
#include <limits>
#include "../kernels/formula_eval.h"
#include "../kernels/samplers.h"

namespace torchdist {
namespace {
constexpr double kPi = 3.14159265358979323846;
}  // namespace

at::Tensor gumbel_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale) {
  // Written with z = (loc - x) / scale rather than through the transforms, as
  // torch does: the composed log-det-Jacobian loses precision in the tails.
  at::Tensor z = (loc - x) / scale;
  return (z - z.exp()) - scale.log();
}

Gumbel::Gumbel(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  init_params({std::move(loc), std::move(scale)});
}

at::Tensor Gumbel::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  // u on [tiny, 1 - eps] as torch's Uniform(tiny, 1 - eps) base: log(u) and
  // log(-log(u)) are then finite for every draw.
  const double tiny = finfo_tiny(loc_.scalar_type()), eps = finfo_eps(loc_.scalar_type());
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  const at::Tensor g = detail::kernels::fused_gumbel_noise(shape, loc_.options(), generator, tiny, 1 - eps);
  if (g.defined()) return at::addcmul(loc_, scale_, g);
  at::Tensor u = at::empty(shape, loc_.options()).uniform_(0, 1, generator);
  u = tiny + u * (1 - eps - tiny);
  return loc_ - scale_ * at::log(-at::log(u));
}

at::Tensor Gumbel::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return gumbel_log_prob(value, loc_, scale_);
}

at::Tensor Gumbel::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  // Far below loc, exp(w) overflows and autograd would form 0 * inf = NaN.
  // Capping w at 10 changes no value (exp(-exp(10)) is 0 in every floating
  // dtype) and makes the gradient there the correct (underflowed) 0.
  // At value = +-inf, (value - loc) / scale^2 is infinite and the gradient
  // in scale would be 0 * inf = NaN: those points get loc as a stand-in and
  // their limits 1 and 0 by `where`.
  const at::Tensor pos = value == std::numeric_limits<double>::infinity();
  const at::Tensor neg = value == -std::numeric_limits<double>::infinity();
  const at::Tensor x = at::where(pos.logical_or(neg), loc_, value);
  at::Tensor w = (-(x - loc_) / scale_).clamp_max(10);
  const at::Tensor c = at::exp(-at::exp(w));
  return at::where(pos, at::ones({}, c.options()), at::where(neg, at::zeros({}, c.options()), c));
}

at::Tensor Gumbel::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  return loc_ - scale_ * at::log(-at::log(value));
}

at::Tensor Gumbel::entropy() const { return detail::kernels::evaluate<formulas::GumbelEntropy>(scale_); }
at::Tensor Gumbel::mean() const { return loc_ + scale_ * kEulerMascheroni; }
at::Tensor Gumbel::stddev() const { return scale_ * (kPi / std::sqrt(6.0)); }
at::Tensor Gumbel::variance() const { return stddev().pow(2); }

}  // namespace torchdist
