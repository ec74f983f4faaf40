// Weibull: log_prob, cdf and icdf against Boost.Math (and a long-double
// closed form where Boost's density is out of range), moments, mode and
// entropy against Boost, sampling by KS tests, gradients against finite
// differences, the pathwise gradient of E[x], the composition, and
// validation messages (scale before concentration, as torch orders them).

#include <torchdist/distributions/exponential.h>
#include <torchdist/distributions/weibull.h>
#include <torchdist/transforms/affine.h>
#include <torchdist/transforms/elementwise.h>

#include <boost/math/distributions/weibull.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
using Policy =
    boost::math::policies::policy<boost::math::policies::overflow_error<boost::math::policies::ignore_error>>;
// Note Boost's argument order: (shape, scale).
using BoostWeibull = boost::math::weibull_distribution<double, Policy>;

// (scale, concentration)
const std::vector<std::pair<double, double>> kParams = {{1, 0.5}, {2, 1}, {0.3, 3.5}, {1e3, 20}, {5, 0.1}};

long double log_density(long double x, long double scale, long double k) {
  return logl(k / scale) + (k - 1) * logl(x / scale) - powl(x / scale, k);
}

TEST(Weibull, LogProbAndCdfMatchBoost) {
  for (auto [s, k] : kParams) {
    SCOPED_TRACE(::testing::Message() << "scale " << s << ", concentration " << k);
    td::Weibull w(tensor_of({s}), tensor_of({k}));
    BoostWeibull ref(k, s);
    int compared = 0;
    // Points where the standard exponential variable y = (x / scale)^k
    // ranges over its left tail, bulk and far right tail.
    for (double y : {1e-12, 1e-3, 0.1, 1.0, 3.0, 30.0, 600.0}) {
      const double x = s * std::pow(y, 1 / k);
      const double lp = w.log_prob(tensor_of({x})).item<double>();
      const double pdf = boost::math::pdf(ref, x);
      if (pdf > 1e-300 && pdf < 1e300) {
        EXPECT_NEAR(lp, std::log(pdf), 1e-13 * std::max(1.0, std::abs(lp))) << "x = " << x;
        ++compared;
      } else {
        EXPECT_NEAR(lp, static_cast<double>(log_density(x, s, k)), 1e-13 * std::abs(lp)) << "x = " << x;
      }
      const double cdf = boost::math::cdf(ref, x);
      EXPECT_NEAR(w.cdf(tensor_of({x})).item<double>(), cdf, 1e-13 * cdf) << "x = " << x;
    }
    EXPECT_GE(compared, 5);
  }
}

TEST(Weibull, IcdfMatchesBoost) {
  const std::vector<double> ps = {0.0, 1e-12, 0.01, 0.5, 0.9, 1 - 1e-12, 1.0};
  const auto n = static_cast<int64_t>(ps.size());
  for (auto [s, k] : kParams) {
    SCOPED_TRACE(::testing::Message() << "scale " << s << ", concentration " << k);
    BoostWeibull ref(k, s);
    std::vector<double> q;
    for (double p : ps) q.push_back(boost::math::quantile(ref, p));
    at::Tensor got = td::Weibull(tensor_of({s}), tensor_of({k})).icdf(tensor_of(ps, {n}));
    EXPECT_TRUE(all_close(got, tensor_of(q, {n}), 1e-13, 0));
    EXPECT_EQ(got[0].item<double>(), 0.0);
    EXPECT_EQ(got[n - 1].item<double>(), kInf);
  }
}

TEST(Weibull, LogProbIsExactWhereTheComposedFormIsNot) {
  // Through the transforms (torch's path) log_prob forms z / z^k, which is
  // NaN at x = 1e100 (z^k = inf) and -inf at x = 1e-70 with k = 5 (z^k
  // underflows); the closed form gives -inf and the finite value.
  td::Weibull w(tensor_of({1.0}), tensor_of({5.0}));
  EXPECT_EQ(w.log_prob(tensor_of({1e100})).item<double>(), -kInf);
  const double lp = w.log_prob(tensor_of({1e-70})).item<double>();
  EXPECT_NEAR(lp, static_cast<double>(log_density(1e-70L, 1, 5)), 1e-13 * std::abs(lp));
  // At x = 0 (outside positive(), so without validation): +inf for k < 1,
  // the exponential density 1 / scale for k = 1, 0 for k > 1.
  td::Weibull w0(tensor_of({2.0, 2.0, 2.0}, {3}), tensor_of({0.5, 1.0, 2.0}, {3}), /*validate_args=*/false);
  at::Tensor lp0 = w0.log_prob(at::zeros({3}, at::kDouble));
  EXPECT_EQ(lp0[0].item<double>(), kInf);
  EXPECT_NEAR(lp0[1].item<double>(), -std::log(2.0), 1e-15);
  EXPECT_EQ(lp0[2].item<double>(), -kInf);
}

TEST(Weibull, LogProbIsFiniteForASubnormalScale) {
  // Found by the differential suite (issue 14): log(k / scale) overflowed
  // to +inf for scale = 1e-310 although the density is representable:
  // log f(x) = log(k / s) + (k - 1) log(x / s) - (x / s)^k at x = s.
  td::Weibull w(tensor_of({1e-310}), tensor_of({0.5}));
  const double lp = w.log_prob(tensor_of({1e-310})).item<double>();
  EXPECT_NEAR(lp, std::log(0.5) - std::log(1e-310) - 1, 1e-13 * std::abs(lp));
}

TEST(Weibull, LogProbBelowZeroWithoutValidationIsMinusInf) {
  // The formula extended below 0 gave +inf or NaN.
  at::Tensor k = tensor_of({0.5, 1, 3}, {3}).requires_grad_();
  td::Weibull w(2.0, k, /*validate_args=*/false);
  at::Tensor lp = w.log_prob(tensor_of({-0.5, -1e-300, -30}, {3}));
  EXPECT_TRUE(at::equal(lp, at::full({3}, -kInf, at::kDouble)));
  lp.sum().backward();
  EXPECT_TRUE(at::equal(k.grad(), at::zeros({3}, at::kDouble)));
}

TEST(Weibull, MomentsModeAndEntropyMatchBoost) {
  const std::vector<double> scales = {1, 2, 0.3, 1e3, 5, 1}, ks = {0.5, 1, 3.5, 20, 0.1, 1.2};
  td::Weibull w(tensor_of(scales, {6}), tensor_of(ks, {6}));
  std::vector<double> mean, var, mode, entropy;
  for (size_t i = 0; i < 6; ++i) {
    BoostWeibull ref(ks[i], scales[i]);
    mean.push_back(boost::math::mean(ref));
    var.push_back(boost::math::variance(ref));
    mode.push_back(boost::math::mode(ref));  // 0 for k <= 1
    entropy.push_back(boost::math::entropy(ref));
  }
  // exp(lgamma) loses ~|lgamma| eps: lgamma(21) = 42 at k = 0.1. The
  // variance at k = 20 cancels Gamma(1.1) - Gamma(1.05)^2 ~ 3.5e-3.
  EXPECT_TRUE(all_close(w.mean(), tensor_of(mean, {6}), 1e-13));
  EXPECT_TRUE(all_close(w.variance(), tensor_of(var, {6}), 1e-12));
  EXPECT_TRUE(all_close(w.stddev(), tensor_of(var, {6}).sqrt(), 1e-12));
  EXPECT_TRUE(all_close(w.mode(), tensor_of(mode, {6}), 1e-14, 0));
  EXPECT_TRUE(all_close(w.entropy(), tensor_of(entropy, {6}), 1e-14, 1e-15));
  EXPECT_TRUE(all_close(w.perplexity(), tensor_of(entropy, {6}).exp(), 1e-14));
}

TEST(Weibull, ModeIsZeroWithAFiniteGradientForConcentrationAtMostOne) {
  // torch 2.x gives NaN for k = 0.3 and the scale for k = 0.5; the density
  // decreases from 0 for every k <= 1.
  at::Tensor k = tensor_of({0.3, 0.5, 1.0, 2.0}, {4}).set_requires_grad(true);
  at::Tensor s = tensor_of({2.0, 2.0, 2.0, 2.0}, {4}).set_requires_grad(true);
  at::Tensor mode = td::Weibull(s, k).mode();
  EXPECT_TRUE(all_close(mode, tensor_of({0, 0, 0, 2 * std::sqrt(0.5)}, {4}), 1e-15, 0));
  mode.sum().backward();
  EXPECT_TRUE(at::isfinite(k.grad()).all().item<bool>()) << k.grad();
  EXPECT_TRUE(at::isfinite(s.grad()).all().item<bool>()) << s.grad();
  EXPECT_EQ(k.grad()[0].item<double>(), 0.0);
  EXPECT_NEAR(s.grad()[3].item<double>(), std::sqrt(0.5), 1e-15);
}

TEST(Weibull, CompositionShapesAndDtypes) {
  td::Weibull w0(1.0, 2.0);
  EXPECT_EQ(w0.scale().scalar_type(), at::kFloat);
  EXPECT_EQ(w0.batch_shape().size(), 0u);
  EXPECT_EQ(w0.sample({5}).sizes(), at::IntArrayRef({5}));
  EXPECT_TRUE(w0.has_rsample());
  EXPECT_EQ(w0.mode().scalar_type(), at::kFloat);
  EXPECT_EQ(w0.sample().scalar_type(), at::kFloat);
  EXPECT_EQ(w0.icdf(at::full({}, 0.5f)).scalar_type(), at::kFloat);
  EXPECT_EQ(w0.log_prob(at::full({}, 0.5f)).scalar_type(), at::kFloat);
  EXPECT_EQ(w0.support()->name(), "positive()");
  EXPECT_FLOAT_EQ(w0.concentration_reciprocal().item<float>(), 0.5f);
  // Exponential(1) through [Power(1 / k), Affine(0, scale)], as in torch.
  auto base = std::dynamic_pointer_cast<const td::Exponential>(w0.base_dist());
  ASSERT_NE(base, nullptr);
  EXPECT_EQ(base->rate().item<float>(), 1.0f);
  EXPECT_EQ(base->rate().scalar_type(), at::kFloat);
  ASSERT_EQ(w0.transforms().size(), 2u);
  auto power = dynamic_cast<const td::PowerTransform*>(w0.transforms()[0].get());
  ASSERT_NE(power, nullptr);
  EXPECT_FLOAT_EQ(power->exponent().item<float>(), 0.5f);
  EXPECT_NE(dynamic_cast<const td::AffineTransform*>(w0.transforms()[1].get()), nullptr);

  td::Weibull w1(at::ones({3, 1}, at::kDouble), at::full({4}, 3.0, at::kDouble));
  EXPECT_EQ(w1.batch_shape(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(w1.base_dist()->batch_shape(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(w1.rsample({2}).sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(w1.log_prob(at::ones({4}, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(w1.cdf(at::ones({4}, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(w1.icdf(at::full({4}, 0.5, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(w1.mode().sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(w1.entropy().sizes(), at::IntArrayRef({3, 4}));

  td::Weibull e = w1.expand({2, 3, 4});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(e.concentration().sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(e.concentration_reciprocal().sizes(), at::IntArrayRef({2, 3, 4}));
  auto shared = w1.expand_shared({5, 3, 4});
  ASSERT_NE(std::dynamic_pointer_cast<td::Weibull>(shared), nullptr);
  EXPECT_EQ(shared->name(), "Weibull");
  EXPECT_EQ(shared->sample({2}).sizes(), at::IntArrayRef({2, 5, 3, 4}));
}

TEST(Weibull, SamplesPassKolmogorovSmirnov) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 5
  // draws (5e-4 together); the seeds are fixed, so the outcome is too.
  uint64_t seed = 800;
  for (auto [s, k] : {std::pair{1.0, 0.5}, {2.0, 1.0}, {0.3, 3.5}, {1e3, 20.0}}) {
    td::Weibull w(tensor_of({s}), tensor_of({k}));
    BoostWeibull ref(k, s);
    auto x = td::testing::to_vector(w.sample({20000}, td::testing::seeded_generator(++seed)));
    EXPECT_GT(td::testing::ks_test(x, [&](double v) { return boost::math::cdf(ref, v); }), 1e-4) << s << " " << k;
  }
  td::Weibull wf(at::full({}, 2.0f), at::full({}, 0.7f));
  BoostWeibull ref(0.7, 2.0);
  auto xf = td::testing::to_vector(wf.sample({20000}, td::testing::seeded_generator(++seed)));
  EXPECT_GT(td::testing::ks_test(xf, [&](double v) { return boost::math::cdf(ref, v); }), 1e-4);
}

void expect_grad_matches(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& at,
                         double rtol = 1e-6, double atol = 1e-8) {
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f, at), td::testing::finite_difference_grad(f, at), rtol, atol));
}

TEST(Weibull, GradientsMatchFiniteDifferences) {
  at::Tensor s0 = tensor_of({0.5, 1.0, 2.0}, {3}), k0 = tensor_of({0.7, 1.5, 6.0}, {3});
  at::Tensor x0 = tensor_of({0.8, 0.3, 2.1}, {3});
  at::Tensor p0 = tensor_of({0.01, 0.5, 0.95}, {3});
  expect_grad_matches([&](const at::Tensor& s) { return td::Weibull(s, k0).log_prob(x0).sum(); }, s0);
  expect_grad_matches([&](const at::Tensor& k) { return td::Weibull(s0, k).log_prob(x0).sum(); }, k0);
  expect_grad_matches([&](const at::Tensor& x) { return td::Weibull(s0, k0).log_prob(x).sum(); }, x0);
  expect_grad_matches([&](const at::Tensor& s) { return td::Weibull(s, k0).cdf(x0).sum(); }, s0);
  expect_grad_matches([&](const at::Tensor& k) { return td::Weibull(s0, k).cdf(x0).sum(); }, k0);
  expect_grad_matches([&](const at::Tensor& x) { return td::Weibull(s0, k0).cdf(x).sum(); }, x0);
  expect_grad_matches([&](const at::Tensor& s) { return td::Weibull(s, k0).icdf(p0).sum(); }, s0);
  expect_grad_matches([&](const at::Tensor& k) { return td::Weibull(s0, k).icdf(p0).sum(); }, k0);
  expect_grad_matches([&](const at::Tensor& p) { return td::Weibull(s0, k0).icdf(p).sum(); }, p0);
  for (auto moment : {&td::Weibull::mean, &td::Weibull::variance, &td::Weibull::entropy, &td::Weibull::mode}) {
    expect_grad_matches([&](const at::Tensor& s) { return (td::Weibull(s, k0).*moment)().sum(); }, s0);
    expect_grad_matches([&](const at::Tensor& k) { return (td::Weibull(s0, k).*moment)().sum(); }, k0);
  }
  auto sample = [](const at::Tensor& s, const at::Tensor& k) {
    return td::Weibull(s, k).rsample({4}, td::testing::seeded_generator(42)).pow(2).sum();
  };
  expect_grad_matches([&](const at::Tensor& s) { return sample(s, k0); }, s0);
  expect_grad_matches([&](const at::Tensor& k) { return sample(s0, k); }, k0);
}

// Per-sample pathwise derivatives: with the parameter expanded to one leaf
// entry per sample, d(sum x_i)/d(theta_i) = dx_i/dtheta_i, whose mean
// estimates d E[x] / d theta. It must lie within 6 standard errors (the
// sample standard deviation over sqrt(n)) of the analytic derivative:
// false-failure rate ~2e-9 per check under the CLT (the per-sample
// derivatives have finite variance for every k > 0).
void expect_pathwise(const at::Tensor& grads, double truth, const char* what) {
  const double n = static_cast<double>(grads.numel());
  const double mean = grads.mean().item<double>();
  const double se = grads.std().item<double>() / std::sqrt(n);
  EXPECT_NEAR(mean, truth, 6 * se) << what << " (se " << se << ")";
}

TEST(Weibull, PathwiseGradientOfTheMeanIsUnbiased) {
  // E[x] = scale Gamma(1 + 1/k): d/dscale = Gamma(1 + 1/k),
  // d/dk = -scale Gamma(1 + 1/k) digamma(1 + 1/k) / k^2.
  const int64_t n = 100000;
  uint64_t seed = 900;
  for (auto [s, k] : {std::pair{1.0, 0.5}, {2.0, 1.0}, {0.3, 3.5}, {10.0, 20.0}}) {
    SCOPED_TRACE(::testing::Message() << "scale " << s << ", concentration " << k);
    at::Tensor sv = at::full({n}, s, at::kDouble).set_requires_grad(true);
    at::Tensor kv = at::full({n}, k, at::kDouble).set_requires_grad(true);
    td::Weibull(sv, kv).rsample({}, td::testing::seeded_generator(++seed)).sum().backward();
    const double g = boost::math::tgamma(1 + 1 / k);
    expect_pathwise(sv.grad(), g, "d E[x] / d scale");
    expect_pathwise(kv.grad(), -s * g * boost::math::digamma(1 + 1 / k) / (k * k), "d E[x] / d concentration");
  }
}

TEST(Weibull, ValidationErrorsNameDistributionArgumentAndConstraint) {
  EXPECT_THROW_MSG(td::Weibull(tensor_of({1, -2, 2}, {3}), 1.0), c10::ValueError,
                   "Weibull: scale must satisfy positive(), got -2 at index [1]");
  EXPECT_THROW_MSG(td::Weibull(1.0, tensor_of({1, 0}, {2})), c10::ValueError,
                   "Weibull: concentration must satisfy positive(), got 0 at index [1]");
  // Both invalid: scale is reported, as torch checks it first.
  EXPECT_THROW_MSG(td::Weibull(0.0, -1.0), c10::ValueError, "Weibull: scale must satisfy positive(), got 0");
  td::Weibull w(at::ones({3}, at::kDouble), 2.0);
  EXPECT_THROW_MSG(w.log_prob(tensor_of({1, 0, 2}, {3})), c10::ValueError,
                   "Weibull: value must be within the support positive(), got 0 at index [1]");
  EXPECT_THROW_MSG(w.cdf(tensor_of({-1})), c10::ValueError,
                   "Weibull: value must be within the support positive(), got -1");
  EXPECT_THROW_MSG(w.icdf(tensor_of({1.5})), c10::ValueError,
                   "Weibull: icdf value must satisfy unit_interval(), got 1.5");
  EXPECT_THROW_MSG(w.log_prob(at::ones({2}, at::kDouble)), c10::ValueError,
                   "Weibull: value of shape [2] is not broadcastable with batch_shape + event_shape [3]");
  EXPECT_THROW_MSG(w.enumerate_support(), c10::NotImplementedError, "Weibull does not implement enumerate_support");
  EXPECT_NO_THROW(td::Weibull(-1.0, -1.0, /*validate_args=*/false));
  EXPECT_FALSE(td::Weibull(at::ones({1}), 1.0, false).expand({3}).validate_args());
  EXPECT_TRUE(td::Weibull(at::ones({1}), 1.0, true).expand({3}).validate_args());
}

}  // namespace

namespace {

TEST(Weibull, LogProbAtExtremeRatiosMatchesMpmath) {
  // z = x / scale is subnormal, overflows or is a large power here; the
  // exact values are mpmath's at the (rounded) inputs.
  const at::Tensor lp = td::Weibull(tensor_of({1e10, 1e-310, 1e10}), tensor_of({2.0, 1e-3, 0.5}))
                            .log_prob(tensor_of({1e-310, 0.5, 1e-310}));
  EXPECT_NEAR(lp[0].item<double>(), -759.1599335074751, 1e-12 * 759.16);
  EXPECT_NEAR(lp[1].item<double>(), -7.541823076910607, 1e-12 * 7.54);
  EXPECT_TRUE(std::isfinite(lp[2].item<double>()));
  // float32, k = 1e4 at x = scale: log k - log scale - 1, without the large
  // (k - 1) log x terms cancelling in float32.
  const at::Tensor lp32 = td::Weibull(at::full({1}, 1e10, at::kFloat), at::full({1}, 1e4, at::kFloat))
                              .log_prob(at::full({1}, 1e10, at::kFloat));
  EXPECT_NEAR(lp32.item<double>(), -14.815510749816895, 2e-6 * 14.8);
}

}  // namespace
