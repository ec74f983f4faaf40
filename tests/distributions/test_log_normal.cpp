// LogNormal: log_prob, cdf and icdf against Boost.Math, moments against
// Boost and entropy against a numerical integral, sampling by KS tests,
// gradients (log_prob, cdf, entropy, rsample at fixed noise) against finite
// differences, the pathwise gradient of E[y] against its closed form, and
// the validation messages.

#include <ATen/core/grad_mode.h>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/quadrature/exp_sinh.hpp>
#include <torchdist/distributions/log_normal.h>
#include <torchdist/distributions/normal.h>

#include <cmath>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

const std::vector<std::pair<double, double>> kParams = {{0, 1}, {-3, 0.1}, {2.5, 2}, {30, 1e-3}, {-1, 5}};

TEST(LogNormal, LogProbCdfIcdfMatchBoost) {
  for (auto [loc, scale] : kParams) {
    SCOPED_TRACE(::testing::Message() << "loc " << loc << ", scale " << scale);
    td::LogNormal d(tensor_of({loc}), tensor_of({scale}));
    boost::math::lognormal_distribution<double> ref(loc, scale);
    std::vector<double> ys, lp, cdf;
    for (double z : {-6.0, -1.5, 0.0, 0.3, 2.0, 5.0}) {
      const double y = std::exp(loc + z * scale);
      ys.push_back(y);
      lp.push_back(std::log(boost::math::pdf(ref, y)));
      cdf.push_back(boost::math::cdf(ref, y));
    }
    at::Tensor y = tensor_of(ys, {6});
    // log p(y) = -log y - z^2 / 2 - log(scale sqrt(2 pi)): rounding follows
    // |log y| (up to ~31 here), well inside 1e-12 relative.
    EXPECT_TRUE(all_close(d.log_prob(y), tensor_of(lp, {6}), 1e-12, 1e-12));
    // Phi through erf loses relative accuracy in the lower tail: absolute 1e-15.
    EXPECT_TRUE(all_close(d.cdf(y), tensor_of(cdf, {6}), 1e-12, 1e-15));
    std::vector<double> qs = {1e-10, 0.01, 0.3, 0.5, 0.9, 1 - 1e-9}, icdf;
    for (double q : qs) icdf.push_back(boost::math::quantile(ref, q));
    // erfinv near p = 1 - 1e-9 has ~1e-9 relative error in z, i.e. 6e-9 *
    // scale relative in y.
    EXPECT_TRUE(all_close(d.icdf(tensor_of(qs, {6})), tensor_of(icdf, {6}), 1e-8 * std::max(scale, 1.0), 0));
  }
}

TEST(LogNormal, ValuesAtAndBeyondZero) {
  td::LogNormal d(tensor_of({0.5}), tensor_of({1.2}), /*validate_args=*/false);
  // exp(N) -> 0 as N -> -inf: F(0) = 0 and icdf(0) = 0, icdf(1) = inf.
  EXPECT_EQ(d.cdf(tensor_of({0.0})).item<double>(), 0.0);
  EXPECT_EQ(d.icdf(tensor_of({0.0})).item<double>(), 0.0);
  EXPECT_EQ(d.icdf(tensor_of({1.0})).item<double>(), std::numeric_limits<double>::infinity());
}

TEST(LogNormal, MomentsMatchBoost) {
  std::vector<double> locs, scales, mean, var, mode, entropy;
  for (auto [loc, scale] : kParams) {
    boost::math::lognormal_distribution<double> ref(loc, scale);
    locs.push_back(loc);
    scales.push_back(scale);
    mean.push_back(boost::math::mean(ref));
    var.push_back(boost::math::variance(ref));
    mode.push_back(boost::math::mode(ref));
    entropy.push_back(boost::math::entropy(ref));
  }
  const auto n = static_cast<int64_t>(locs.size());
  td::LogNormal d(tensor_of(locs, {n}), tensor_of(scales, {n}));
  // exp of arguments up to ~30 (loc 30, scale^2 25): relative error ~30 eps.
  EXPECT_TRUE(all_close(d.mean(), tensor_of(mean, {n}), 1e-13));
  EXPECT_TRUE(all_close(d.variance(), tensor_of(var, {n}), 1e-13));
  EXPECT_TRUE(all_close(d.stddev(), tensor_of(var, {n}).sqrt(), 1e-13));
  EXPECT_TRUE(all_close(d.mode(), tensor_of(mode, {n}), 1e-13));
  EXPECT_TRUE(all_close(d.entropy(), tensor_of(entropy, {n}), 1e-12, 1e-12));
}

TEST(LogNormal, SmallScaleVarianceKeepsRelativeAccuracy) {
  // Var = (exp(s^2) - 1) exp(2 loc + s^2) ~ s^2 exp(2 loc) for small s; a
  // naive exp(s^2) - 1 would be 0 at s = 1e-9.
  td::LogNormal d(tensor_of({0.0}), tensor_of({1e-9}));
  EXPECT_NEAR(d.variance().item<double>(), 1e-18, 1e-30);
}

TEST(LogNormal, EntropyMatchesNumericalIntegral) {
  // H = -integral p log p over (0, inf) by exp-sinh quadrature, with Boost's
  // density: independent of the closed form loc + 1/2 + log(scale sqrt(2 pi)).
  boost::math::quadrature::exp_sinh<double> integrator;
  for (auto [loc, scale] : {std::pair{0.0, 1.0}, {1.5, 0.4}, {-2.0, 1.7}}) {
    boost::math::lognormal_distribution<double> ref(loc, scale);
    auto integrand = [&](double y) {
      const double p = y > 0 ? boost::math::pdf(ref, y) : 0.0;
      return p > 0 ? -p * std::log(p) : 0.0;
    };
    const double h = integrator.integrate(integrand, 0.0, std::numeric_limits<double>::infinity());
    EXPECT_NEAR(td::LogNormal(tensor_of({loc}), tensor_of({scale})).entropy().item<double>(), h, 1e-8)
        << loc << " " << scale;
  }
}

TEST(LogNormal, StructureShapesAndDtypes) {
  td::LogNormal d0(0.0, 1.0);
  EXPECT_EQ(d0.name(), "LogNormal");
  EXPECT_EQ(d0.loc().scalar_type(), at::kFloat);
  EXPECT_EQ(d0.batch_shape().size(), 0u);
  EXPECT_EQ(d0.event_shape().size(), 0u);
  EXPECT_EQ(d0.sample().sizes(), at::IntArrayRef({}));
  EXPECT_TRUE(d0.has_rsample());
  EXPECT_EQ(d0.support()->name(), "positive()");
  // The composition torch uses: Normal(loc, scale) through one ExpTransform.
  auto base = std::dynamic_pointer_cast<const td::Normal>(d0.base_dist());
  ASSERT_NE(base, nullptr);
  EXPECT_FALSE(base->validate_args()) << "the base must not repeat the check under its own name";
  ASSERT_EQ(d0.transforms().size(), 1u);
  EXPECT_EQ(d0.transforms()[0]->name(), "ExpTransform()");

  td::LogNormal d(at::zeros({3, 1}, at::kDouble), at::ones({4}, at::kDouble));
  EXPECT_EQ(d.batch_shape(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(d.loc().sizes(), at::IntArrayRef({3, 4}));
  for (std::vector<int64_t> shape : {std::vector<int64_t>{}, {5}, {2, 3}}) {
    std::vector<int64_t> expected = td::concat_shapes(shape, {3, 4});
    EXPECT_EQ(d.sample(shape).sizes(), at::IntArrayRef(expected));
    EXPECT_EQ(d.rsample(shape).sizes(), at::IntArrayRef(expected));
    EXPECT_EQ(d.log_prob(d.sample(shape)).sizes(), at::IntArrayRef(expected));
  }
  EXPECT_EQ(d.log_prob(at::ones({4}, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(d.entropy().sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(d.mean().scalar_type(), at::kDouble);

  td::LogNormal e = d.expand({2, 3, 4});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(e.scale().sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_TRUE(e.validate_args());
  EXPECT_FALSE(td::LogNormal(0.0, 1.0, false).expand({2}).validate_args());
  auto shared = d.expand_shared({5, 3, 4});
  ASSERT_NE(std::dynamic_pointer_cast<td::LogNormal>(shared), nullptr);
  EXPECT_EQ(shared->name(), "LogNormal");
}

TEST(LogNormal, SamplesAreExpOfNormalSamples) {
  // Same generator state: the sample is exp of the base Normal's sample.
  td::LogNormal d(tensor_of({0.3, -1}, {2}), tensor_of({0.5, 2}, {2}));
  at::Tensor y = d.sample({6}, td::testing::seeded_generator(4));
  at::Tensor x = td::Normal(tensor_of({0.3, -1}, {2}), tensor_of({0.5, 2}, {2}))
                     .sample({6}, td::testing::seeded_generator(4));
  EXPECT_TRUE(all_close(y, x.exp(), 1e-15, 0));
}

TEST(LogNormal, SamplesPassKolmogorovSmirnov) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 4
  // draws (4e-4 together); the seeds are fixed, so the outcome is too.
  uint64_t seed = 300;
  for (auto [loc, scale] : {std::pair{0.0, 1.0}, {-3.0, 0.1}, {2.5, 2.0}}) {
    td::LogNormal d(tensor_of({loc}), tensor_of({scale}));
    auto y = td::testing::to_vector(d.sample({20000}, td::testing::seeded_generator(++seed)));
    boost::math::lognormal_distribution<double> ref(loc, scale);
    EXPECT_GT(td::testing::ks_test(y, [&](double v) { return v > 0 ? boost::math::cdf(ref, v) : 0.0; }), 1e-4)
        << loc << " " << scale;
  }
  td::LogNormal f(at::full({}, 1.0f), at::full({}, 0.5f));
  at::Tensor yf = f.sample({20000}, td::testing::seeded_generator(++seed));
  EXPECT_EQ(yf.scalar_type(), at::kFloat);
  boost::math::lognormal_distribution<double> ref(1.0, 0.5);
  EXPECT_GT(td::testing::ks_test(td::testing::to_vector(yf), [&](double v) { return boost::math::cdf(ref, v); }),
            1e-4);
}

TEST(LogNormal, GradientsMatchFiniteDifferences) {
  at::Tensor y0 = tensor_of({0.3, 2.0, 5.0}, {3});
  at::Tensor loc0 = tensor_of({0.1, -1.0, 2.0}, {3}), scale0 = tensor_of({0.7, 1.5, 0.2}, {3});
  auto check = [](const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& at) {
    EXPECT_TRUE(all_close(td::testing::autograd_grad(f, at), td::testing::finite_difference_grad(f, at), 1e-6,
                          1e-7));
  };
  check([&](const at::Tensor& l) { return td::LogNormal(l, scale0).log_prob(y0).sum(); }, loc0);
  check([&](const at::Tensor& s) { return td::LogNormal(loc0, s).log_prob(y0).sum(); }, scale0);
  check([&](const at::Tensor& y) { return td::LogNormal(loc0, scale0).log_prob(y).sum(); }, y0);
  check([&](const at::Tensor& l) { return td::LogNormal(l, scale0).cdf(y0).sum(); }, loc0);
  check([&](const at::Tensor& s) { return td::LogNormal(loc0, s).cdf(y0).sum(); }, scale0);
  check([&](const at::Tensor& s) { return td::LogNormal(loc0, s).entropy().sum(); }, scale0);
  check([&](const at::Tensor& s) { return td::LogNormal(loc0, s).variance().sum(); }, scale0);
  // rsample at fixed noise: the same generator seed in every evaluation.
  auto rsample_sum = [&](const at::Tensor& l, const at::Tensor& s) {
    return td::LogNormal(l, s).rsample({4}, td::testing::seeded_generator(42)).pow(2).sum();
  };
  check([&](const at::Tensor& l) { return rsample_sum(l, scale0); }, loc0);
  check([&](const at::Tensor& s) { return rsample_sum(loc0, s); }, scale0);
}

// Per-sample pathwise derivatives: with each parameter expanded to one leaf
// entry per sample, d(sum y_i)/d(theta_i) = dy_i/dtheta_i, whose mean
// estimates dE[y]/dtheta. It must lie within 6 standard errors of the
// closed-form derivative: false-failure rate ~2e-9 per check under the CLT.
void expect_pathwise(const at::Tensor& grads, double truth, const char* what) {
  const double n = static_cast<double>(grads.numel());
  const double se = grads.std().item<double>() / std::sqrt(n);
  EXPECT_NEAR(grads.mean().item<double>(), truth, 6 * se) << what << " (se " << se << ")";
}

TEST(LogNormal, PathwiseGradientOfMeanMatchesClosedForm) {
  const int64_t n = 100000;
  uint64_t seed = 700;
  // scale <= 1 keeps the per-sample gradients' tails light enough for the CLT.
  for (auto [loc, scale] : {std::pair{0.0, 1.0}, {1.5, 0.3}, {-2.0, 0.7}}) {
    SCOPED_TRACE(::testing::Message() << "loc " << loc << ", scale " << scale);
    at::Tensor lv = at::full({n}, loc, at::kDouble).set_requires_grad(true);
    at::Tensor sv = at::full({n}, scale, at::kDouble).set_requires_grad(true);
    td::LogNormal(lv, sv).rsample({}, td::testing::seeded_generator(++seed)).sum().backward();
    // E[y] = exp(loc + scale^2 / 2).
    const double m = std::exp(loc + scale * scale / 2);
    expect_pathwise(lv.grad(), m, "dE[y]/dloc");
    expect_pathwise(sv.grad(), scale * m, "dE[y]/dscale");
  }
}

TEST(LogNormal, ValidationErrorsNameDistributionArgumentAndConstraint) {
  EXPECT_THROW_MSG(td::LogNormal(at::zeros({3}), tensor_of({1, 2, -1}, {3})), c10::ValueError,
                   "LogNormal: scale must satisfy positive(), got -1 at index [2]");
  EXPECT_THROW_MSG(td::LogNormal(tensor_of({NAN}), 1.0), c10::ValueError, "LogNormal: loc must satisfy real(), got nan");
  EXPECT_THROW_MSG(td::LogNormal(0.0, 0.0), c10::ValueError, "LogNormal: scale must satisfy positive(), got 0");
  td::LogNormal d(at::zeros({3}, at::kDouble), 1.0);
  EXPECT_THROW_MSG(d.log_prob(tensor_of({1, 0, 2}, {3})), c10::ValueError,
                   "LogNormal: value must be within the support positive(), got 0 at index [1]");
  EXPECT_THROW_MSG(d.cdf(tensor_of({-1})), c10::ValueError, "LogNormal: value must be within the support positive()");
  EXPECT_THROW_MSG(d.icdf(tensor_of({1.5})), c10::ValueError, "LogNormal: icdf value must satisfy unit_interval()");
  EXPECT_THROW_MSG(d.log_prob(at::ones({2}, at::kDouble)), c10::ValueError,
                   "LogNormal: value of shape [2] is not broadcastable with batch_shape + event_shape [3]");
  EXPECT_THROW_MSG(d.enumerate_support(), c10::NotImplementedError, "LogNormal does not implement enumerate_support");
  EXPECT_NO_THROW(td::LogNormal(0.0, -1.0, /*validate_args=*/false));
  EXPECT_NO_THROW(td::LogNormal(0.0, 1.0, /*validate_args=*/false).log_prob(tensor_of({-1})));
}

}  // namespace
