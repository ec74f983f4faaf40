#include "torchdist/distributions/kumaraswamy.h"

#include "torchdist/core/utils.h"

#include <ATen/core/grad_mode.h>

#include <limits>

#include "torchdist/distributions/uniform.h"
#include "torchdist/transforms/affine.h"
#include "torchdist/transforms/elementwise.h"

namespace torchdist {
namespace {
constexpr double kLog2 = 0.69314718055994530942;

// log(1 - exp(t)) for t <= 0, accurate for all t (Maechler, "Accurately
// computing log(1 - exp(-|a|))", 2012): log(-expm1(t)) near 0, where
// 1 - exp(t) cancels, and log1p(-exp(t)) below -log 2, where 1 - exp(t)
// rounds to 1. With t = a log x it gives log(1 - x^a) to full relative
// accuracy at both ends of (0, 1).
at::Tensor log1mexp(const at::Tensor& t) {
  // Each branch sees a stand-in (-1) where the other is taken: the discarded
  // branch's gradient would otherwise be infinite (log1p(-exp(t)) at t = -1e-20,
  // where exp(t) rounds to 1) and 0 * inf = NaN through `where`.
  const at::Tensor near_zero = t > -kLog2;
  const at::Tensor stand_in = at::full({}, -1.0, t.options());
  return at::where(near_zero, at::log(-at::expm1(at::where(near_zero, t, stand_in))),
                   at::log1p(-at::exp(at::where(near_zero, stand_in, t))));
}

// The map of the transform chain, y = (1 - u^(1/b))^(1/a), as
// exp(log(1 - exp(log(u) / b)) / a): it neither rounds 1 - u^(1/b) to 0
// for large b nor underflows an intermediate; u = 0 gives 1.
at::Tensor push_uniform(const at::Tensor& u, const at::Tensor& a, const at::Tensor& b) {
  return (log1mexp(u.log() / b) / a).exp();
}

// n-th raw moment b B(1 + n/a, b), in log space as torch computes it.
at::Tensor raw_moment(const at::Tensor& a, const at::Tensor& b, double n) {
  const at::Tensor arg = 1 + n / a;
  return b * (at::lgamma(arg) + at::lgamma(b) - at::lgamma(arg + b)).exp();
}
}  // namespace

at::Tensor kumaraswamy_log_prob(const at::Tensor& x, const at::Tensor& concentration1,
                                const at::Tensor& concentration0) {
  const at::Tensor& a = concentration1;
  const at::Tensor& b = concentration0;
  // Clamped so that the discarded branch of the final `where` stays
  // finite, which keeps its (zero) gradient from turning into NaN.
  const at::Tensor xc = x.clamp(0, 1);
  // log(1 - x^a) is -inf at x = 1; the density there is a when b = 1, so
  // (b - 1) log(1 - x^a) must be 0, not 0 * -inf. Only that point is
  // patched, so that the gradient in b at b = 1 stays log(1 - x^a).
  const at::Tensor log1m_xa = log1mexp(a * xc.log());
  const at::Tensor edge = log1m_xa.isinf().logical_and(b == 1);
  const at::Tensor tail = at::where(edge, at::zeros({}, log1m_xa.options()), (b - 1) * log1m_xa);
  // xlogy: (a - 1) log x with 0 log 0 = 0, for x = 0 when a = 1.
  at::Tensor lp = a.log() + b.log() + at::xlogy(a - 1, xc) + tail;
  const at::Tensor inside = (x >= 0).logical_and(x <= 1);
  return at::where(inside, lp, at::full({}, -std::numeric_limits<double>::infinity(), lp.options()));
}

at::Tensor kumaraswamy_cdf(const at::Tensor& x, const at::Tensor& concentration1, const at::Tensor& concentration0) {
  // At x <= 0 and x >= 1 the cdf is 0 and 1, but log x or log(1 - x^a) is
  // infinite there and autograd would form 0 * inf = NaN in the gradients
  // of a and b: those points get a finite stand-in and their value by
  // `where` (NaN stays NaN: it is neither <= 0 nor >= 1).
  const at::Tensor below = x <= 0;
  const at::Tensor above = x >= 1;
  const at::Tensor xs = at::where(below.logical_or(above), at::full({}, 0.5, x.options()), x);
  // 1 - (1 - x^a)^b = -expm1(b log(1 - x^a)): relative accuracy for small
  // x (where it is ~ b x^a) and near x = 1 alike.
  const at::Tensor c = -at::expm1(concentration0 * log1mexp(concentration1 * xs.log()));
  return at::where(below, at::zeros({}, c.options()), at::where(above, at::ones({}, c.options()), c));
}

Kumaraswamy::Params Kumaraswamy::broadcast(const ScalarOrTensor& concentration1,
                                           const ScalarOrTensor& concentration0) {
  std::vector<at::Tensor> p =
      broadcast_all("Kumaraswamy", {{"concentration1", concentration1}, {"concentration0", concentration0}});
  return Params{std::move(p[0]), std::move(p[1])};
}

DistributionPtr Kumaraswamy::make_base(const Params& params) {
  const at::Tensor& b = params.concentration0;
  return std::make_shared<Uniform>(at::zeros(b.sizes(), b.options()), at::ones(b.sizes(), b.options()),
                                   /*validate_args=*/false);
}

std::vector<TransformPtr> Kumaraswamy::make_transforms(const Params& params) {
  return {std::make_shared<PowerTransform>(params.concentration0.reciprocal()),
          std::make_shared<AffineTransform>(1.0, -1.0),
          std::make_shared<PowerTransform>(params.concentration1.reciprocal())};
}

// Validated once the base and the transforms (which cannot fail) are built.
Kumaraswamy::Kumaraswamy(const Params& params, c10::optional<bool> validate_args)
    : Family(make_base(params), make_transforms(params), validate_args),
      concentration1_(params.concentration1),
      concentration0_(params.concentration0) {
  if (this->validate_args()) validate_params();
}

Kumaraswamy::Kumaraswamy(ScalarOrTensor concentration1, ScalarOrTensor concentration0,
                         c10::optional<bool> validate_args)
    : Kumaraswamy(broadcast(concentration1, concentration0), validate_args) {}

at::Tensor Kumaraswamy::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::NoGradGuard no_grad;
  return rsample(sample_shape, std::move(generator));
}

at::Tensor Kumaraswamy::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  // The base uniform carries no parameters; the gradient flows through a, b.
  return push_uniform(base_dist()->rsample(sample_shape, std::move(generator)), concentration1_, concentration0_);
}

at::Tensor Kumaraswamy::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return kumaraswamy_log_prob(value, concentration1_, concentration0_);
}

at::Tensor Kumaraswamy::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return kumaraswamy_cdf(value, concentration1_, concentration0_);
}

at::Tensor Kumaraswamy::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  // F(x) = p  <=>  x = (1 - (1 - p)^(1/b))^(1/a), i.e. the sampling map at
  // u = 1 - p; log1p keeps small p accurate. p = 0 and p = 1 (x = 0 and 1)
  // are set apart as in kumaraswamy_cdf: their intermediates are infinite
  // and would make the gradients in a and b NaN.
  const at::Tensor zero = value <= 0;
  const at::Tensor one = value >= 1;
  const at::Tensor p = at::where(zero.logical_or(one), at::full({}, 0.5, value.options()), value);
  const at::Tensor x = (log1mexp(at::log1p(-p) / concentration0_) / concentration1_).exp();
  return at::where(zero, at::zeros({}, x.options()), at::where(one, at::ones({}, x.options()), x));
}

at::Tensor Kumaraswamy::entropy() const {
  const at::Tensor t1 = 1 - concentration1_.reciprocal();
  const at::Tensor t0 = 1 - concentration0_.reciprocal();
  const at::Tensor harmonic = at::digamma(concentration0_ + 1) + kEulerMascheroni;
  return t0 + t1 * harmonic - concentration1_.log() - concentration0_.log();
}

at::Tensor Kumaraswamy::mean() const { return raw_moment(concentration1_, concentration0_, 1); }

at::Tensor Kumaraswamy::variance() const {
  return raw_moment(concentration1_, concentration0_, 2) - mean().pow(2);
}

at::Tensor Kumaraswamy::mode() const {
  const at::Tensor& a = concentration1_;
  const at::Tensor& b = concentration0_;
  at::Tensor mode = ((a - 1) / (a * b - 1)).pow(a.reciprocal());
  // Below 1 a shape parameter sends the density to infinity at an end, and
  // a = b = 1 is the flat density: no single mode.
  const at::Tensor undefined = (a < 1).logical_or(b < 1).logical_or((a == 1).logical_and(b == 1));
  return at::where(undefined, at::full({}, std::numeric_limits<double>::quiet_NaN(), mode.options()), mode);
}

}  // namespace torchdist
