// Exponential: log_prob, cdf and icdf against Boost.Math (down to x = 0 and
// p = 0, 1), moments and entropy against Boost, sampling by KS tests,
// gradients against finite differences, the pathwise gradient of E[x], and
// validation messages.

#include <torchdist/distributions/exponential.h>

#include <boost/math/distributions/exponential.hpp>
#include <cmath>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Boost's quantile raises overflow at p = 1; with this policy it returns inf.
using Policy =
    boost::math::policies::policy<boost::math::policies::overflow_error<boost::math::policies::ignore_error>>;
using BoostExponential = boost::math::exponential_distribution<double, Policy>;

const std::vector<double> kRates = {1e-3, 0.5, 1, 7, 1e3};

TEST(Exponential, LogProbCdfIcdfMatchBoost) {
  for (double rate : kRates) {
    SCOPED_TRACE(::testing::Message() << "rate " << rate);
    td::Exponential e(tensor_of({rate}));
    BoostExponential ref(rate);
    // Standardized points y = rate x: the boundary, the left tail where
    // 1 - exp(-y) would round to 0, the bulk, and the far right tail.
    std::vector<double> xs, lp, cdf;
    for (double y : {0.0, 1e-300, 1e-12, 1e-3, 0.5, 1.0, 5.0, 30.0, 700.0}) {
      const double x = y / rate;
      xs.push_back(x);
      lp.push_back(std::log(boost::math::pdf(ref, x)));
      cdf.push_back(boost::math::cdf(ref, x));
    }
    const auto n = static_cast<int64_t>(xs.size());
    at::Tensor x = tensor_of(xs, {n});
    // log_prob = log(rate) - y: absolute error ~eps * max(|log rate|, y).
    EXPECT_TRUE(all_close(e.log_prob(x), tensor_of(lp, {n}), 1e-13, 1e-13));
    EXPECT_TRUE(all_close(e.cdf(x), tensor_of(cdf, {n}), 1e-13, 0));

    std::vector<double> ps = {0.0, 1e-300, 1e-12, 1e-3, 0.3, 0.5, 0.9, 1 - 1e-12, 1.0}, q;
    for (double p : ps) q.push_back(boost::math::quantile(ref, p));
    const auto m = static_cast<int64_t>(ps.size());
    EXPECT_TRUE(all_close(e.icdf(tensor_of(ps, {m})), tensor_of(q, {m}), 1e-12, 0));
    EXPECT_EQ(e.icdf(tensor_of({1.0})).item<double>(), kInf);
    EXPECT_EQ(e.icdf(tensor_of({0.0})).item<double>(), 0.0);
  }
}

TEST(Exponential, ValuesAtTheBoundaryAndInfinity) {
  td::Exponential e(tensor_of({0.5, 2}, {2}));
  EXPECT_TRUE(
      all_close(e.log_prob(at::zeros({2}, at::kDouble)), tensor_of({std::log(0.5), std::log(2.0)}, {2}), 1e-15));
  EXPECT_TRUE(at::equal(e.cdf(at::zeros({2}, at::kDouble)), at::zeros({2}, at::kDouble)));
  EXPECT_TRUE(at::equal(e.log_prob(at::full({2}, kInf, at::kDouble)), at::full({2}, -kInf, at::kDouble)));
  EXPECT_TRUE(at::equal(e.cdf(at::full({2}, kInf, at::kDouble)), at::ones({2}, at::kDouble)));
}

TEST(Exponential, MomentsAndEntropyMatchBoost) {
  const std::vector<double> rates = {1e-3, 0.5, 1, 7, 1e3};
  td::Exponential e(tensor_of(rates, {5}));
  std::vector<double> mean, var, sd, mode, entropy;
  for (double r : rates) {
    BoostExponential ref(r);
    mean.push_back(boost::math::mean(ref));
    var.push_back(boost::math::variance(ref));
    sd.push_back(boost::math::standard_deviation(ref));
    mode.push_back(boost::math::mode(ref));
    entropy.push_back(boost::math::entropy(ref));
  }
  EXPECT_TRUE(all_close(e.mean(), tensor_of(mean, {5}), 1e-15));
  EXPECT_TRUE(all_close(e.variance(), tensor_of(var, {5}), 1e-15));
  EXPECT_TRUE(all_close(e.stddev(), tensor_of(sd, {5}), 1e-15));
  EXPECT_TRUE(all_close(e.mode(), tensor_of(mode, {5}), 0, 0));
  EXPECT_TRUE(all_close(e.entropy(), tensor_of(entropy, {5}), 1e-14, 1e-15));
  EXPECT_TRUE(all_close(e.perplexity(), tensor_of(entropy, {5}).exp(), 1e-14));
}

TEST(Exponential, ShapesAndDtypes) {
  td::Exponential e0(2.0);
  EXPECT_EQ(e0.rate().scalar_type(), at::kFloat);
  EXPECT_EQ(e0.batch_shape().size(), 0u);
  EXPECT_EQ(e0.sample({5}).sizes(), at::IntArrayRef({5}));
  EXPECT_EQ(e0.sample({5}).scalar_type(), at::kFloat);

  td::Exponential e1(at::ones({3, 1}, at::kDouble));
  EXPECT_EQ(e1.batch_shape(), at::IntArrayRef({3, 1}));
  EXPECT_EQ(e1.rsample({2}).sizes(), at::IntArrayRef({2, 3, 1}));
  EXPECT_EQ(e1.log_prob(at::ones({4}, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(e1.cdf(at::ones({4}, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(e1.icdf(at::full({4}, 0.5, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(e1.entropy().sizes(), at::IntArrayRef({3, 1}));
  EXPECT_EQ(e1.mode().sizes(), at::IntArrayRef({3, 1}));

  td::Exponential x = e1.expand({2, 3, 4});
  EXPECT_EQ(x.batch_shape(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(x.rate().sizes(), at::IntArrayRef({2, 3, 4}));
  auto shared = e1.expand_shared({5, 3, 1});
  ASSERT_NE(std::dynamic_pointer_cast<td::Exponential>(shared), nullptr);
  EXPECT_EQ(shared->name(), "Exponential");
  EXPECT_TRUE(shared->has_rsample());
}

TEST(Exponential, SamplesPassKolmogorovSmirnov) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 5
  // draws (5e-4 together); the seeds are fixed, so the outcome is too.
  uint64_t seed = 300;
  for (double rate : {1e-3, 1.0, 40.0}) {
    td::Exponential e(tensor_of({rate}));
    auto x = td::testing::to_vector(e.sample({20000}, td::testing::seeded_generator(++seed)));
    EXPECT_GT(td::testing::ks_test(x, [&](double v) { return -std::expm1(-rate * v); }), 1e-4) << rate;
  }
  // float32, and rsample (the same draw with a graph attached).
  td::Exponential ef(at::full({}, 3.0f));
  auto xf = td::testing::to_vector(ef.sample({20000}, td::testing::seeded_generator(++seed)));
  EXPECT_GT(td::testing::ks_test(xf, [](double v) { return -std::expm1(-3 * v); }), 1e-4);
  td::Exponential er(tensor_of({0.25}).set_requires_grad(true));
  auto xr = td::testing::to_vector(er.rsample({20000}, td::testing::seeded_generator(++seed)));
  EXPECT_GT(td::testing::ks_test(xr, [](double v) { return -std::expm1(-0.25 * v); }), 1e-4);
}

TEST(Exponential, SameGeneratorSeedGivesSameSamples) {
  td::Exponential e(at::full({4}, 0.7));
  EXPECT_TRUE(
      at::equal(e.sample({3}, td::testing::seeded_generator(9)), e.sample({3}, td::testing::seeded_generator(9))));
}

void expect_grad_matches(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& at,
                         double rtol = 1e-6, double atol = 1e-8) {
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f, at), td::testing::finite_difference_grad(f, at), rtol, atol));
}

TEST(Exponential, GradientsMatchFiniteDifferences) {
  at::Tensor rate0 = tensor_of({0.3, 1.0, 4.0}, {3});
  at::Tensor x0 = tensor_of({0.2, 1.5, 0.01}, {3});
  at::Tensor p0 = tensor_of({0.01, 0.5, 0.97}, {3});
  expect_grad_matches([&](const at::Tensor& r) { return td::Exponential(r).log_prob(x0).sum(); }, rate0);
  expect_grad_matches([&](const at::Tensor& x) { return td::Exponential(rate0).log_prob(x).sum(); }, x0);
  expect_grad_matches([&](const at::Tensor& r) { return td::Exponential(r).cdf(x0).sum(); }, rate0);
  expect_grad_matches([&](const at::Tensor& x) { return td::Exponential(rate0).cdf(x).sum(); }, x0);
  expect_grad_matches([&](const at::Tensor& r) { return td::Exponential(r).icdf(p0).sum(); }, rate0);
  expect_grad_matches([&](const at::Tensor& p) { return td::Exponential(rate0).icdf(p).sum(); }, p0);
  expect_grad_matches([&](const at::Tensor& r) { return td::Exponential(r).entropy().sum(); }, rate0);
  // rsample at fixed noise: the same seed for every evaluation.
  expect_grad_matches(
      [&](const at::Tensor& r) {
        return td::Exponential(r).rsample({4}, td::testing::seeded_generator(42)).pow(2).sum();
      },
      rate0);
}

TEST(Exponential, PathwiseGradientOfTheMeanIsUnbiased) {
  // x = e / rate, so d x / d rate = -x / rate per sample and
  // d E[x] / d rate = -1 / rate^2. The per-sample derivatives are -e / rate^2
  // with e ~ Exponential(1): their mean has standard error
  // 1 / (rate^2 sqrt(n)); 6 standard errors give a false-failure rate of
  // ~2e-9 per check under the CLT.
  const int64_t n = 100000;
  uint64_t seed = 700;
  for (double rate : {0.2, 1.0, 30.0}) {
    at::Tensor rv = at::full({n}, rate, at::kDouble).set_requires_grad(true);
    td::Exponential(rv).rsample({}, td::testing::seeded_generator(++seed)).sum().backward();
    const double mean = rv.grad().mean().item<double>();
    const double se = 1 / (rate * rate * std::sqrt(static_cast<double>(n)));
    EXPECT_NEAR(mean, -1 / (rate * rate), 6 * se) << "rate " << rate;
  }
}

TEST(Exponential, ExtremeParametersStayFinite) {
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    for (double rate : {1e-6, 1e6}) {
      SCOPED_TRACE(::testing::Message() << dtype << " rate " << rate);
      at::Tensor rv = at::full({1000}, rate, dtype).set_requires_grad(true);
      td::Exponential e(rv);
      at::Tensor s = e.rsample({}, td::testing::seeded_generator(77));
      at::Tensor sd = s.detach();
      EXPECT_TRUE(e.support()->check(sd).all().item<bool>());
      EXPECT_TRUE(at::isfinite(sd).all().item<bool>());
      EXPECT_TRUE(at::isfinite(e.log_prob(sd)).all().item<bool>());
      at::Tensor c = e.cdf(sd);
      EXPECT_TRUE((c >= 0).logical_and(c <= 1).all().item<bool>());
      s.sum().backward();
      EXPECT_TRUE(at::isfinite(rv.grad()).all().item<bool>());
    }
  }
}

TEST(Exponential, ValidationErrorsNameDistributionArgumentAndConstraint) {
  EXPECT_THROW_MSG(td::Exponential(tensor_of({1, 0, 2}, {3})), c10::ValueError,
                   "Exponential: rate must satisfy positive(), got 0 at index [1]");
  EXPECT_THROW_MSG(td::Exponential(-2.0), c10::ValueError, "Exponential: rate must satisfy positive(), got -2");
  EXPECT_THROW_MSG(td::Exponential(tensor_of({NAN})), c10::ValueError,
                   "Exponential: rate must satisfy positive(), got nan");
  td::Exponential e(at::ones({3}, at::kDouble));
  EXPECT_THROW_MSG(e.log_prob(tensor_of({1, -0.5, 2}, {3})), c10::ValueError,
                   "Exponential: value must be within the support nonnegative(), got -0.5 at index [1]");
  EXPECT_THROW_MSG(e.cdf(tensor_of({-1})), c10::ValueError,
                   "Exponential: value must be within the support nonnegative(), got -1");
  EXPECT_THROW_MSG(e.icdf(tensor_of({1.5})), c10::ValueError,
                   "Exponential: icdf value must satisfy unit_interval(), got 1.5");
  EXPECT_THROW_MSG(e.log_prob(at::ones({2}, at::kDouble)), c10::ValueError,
                   "Exponential: value of shape [2] is not broadcastable with batch_shape + event_shape [3]");
  EXPECT_THROW_MSG(e.enumerate_support(), c10::NotImplementedError, "Exponential does not implement enumerate_support");
  EXPECT_NO_THROW(td::Exponential(-1.0, /*validate_args=*/false));
  EXPECT_NO_THROW(td::Exponential(1.0, /*validate_args=*/false).log_prob(tensor_of({-1})));
  // The expanded distribution keeps the setting.
  EXPECT_FALSE(td::Exponential(at::ones({1}), false).expand({3}).validate_args());
  EXPECT_TRUE(td::Exponential(at::ones({1}), true).expand({3}).validate_args());
}

}  // namespace
