// Cauchy: log_prob, cdf and icdf against Boost.Math (bulk, far tails,
// p = 0 and 1) and against long-double closed forms where Boost's density
// underflows, moments and entropy, sampling by KS tests, gradients against
// finite differences, and validation messages.

#include <torchdist/distributions/cauchy.h>

#include <boost/math/distributions/cauchy.hpp>
#include <cmath>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr long double kPiL = 3.141592653589793238462643383279502884L;
using Policy =
    boost::math::policies::policy<boost::math::policies::overflow_error<boost::math::policies::ignore_error>>;
using BoostCauchy = boost::math::cauchy_distribution<double, Policy>;

const std::vector<std::pair<double, double>> kParams = {{0, 1}, {-3, 0.1}, {2.5, 7}, {1e3, 1e-3}, {0, 1e-200}};

TEST(Cauchy, LogProbAndCdfMatchBoost) {
  for (auto [loc, scale] : kParams) {
    SCOPED_TRACE(::testing::Message() << "loc " << loc << ", scale " << scale);
    td::Cauchy c(tensor_of({loc}), tensor_of({scale}));
    BoostCauchy ref(loc, scale);
    // Standardized points z = (x - loc) / scale, from the far left tail
    // (where 1/2 + atan(z) / pi cancels) to the far right.
    std::vector<double> xs, lp, cdf;
    for (double z : {-1e12, -1e6, -30.0, -1.5, -1e-9, 0.0, 0.3, 2.0, 50.0, 1e8}) {
      const double x = loc + z * scale;
      xs.push_back(x);
      lp.push_back(std::log(boost::math::pdf(ref, x)));
      cdf.push_back(boost::math::cdf(ref, x));
    }
    const auto n = static_cast<int64_t>(xs.size());
    at::Tensor x = tensor_of(xs, {n});
    // The points x = loc + z scale are rounded, so the comparison is at the
    // rounded x: Boost evaluates the same double.
    EXPECT_TRUE(all_close(c.log_prob(x), tensor_of(lp, {n}), 1e-13, 1e-13));
    // Relative precision everywhere, including the left tail (F ~ 3e-13 at
    // z = -1e12).
    EXPECT_TRUE(all_close(c.cdf(x), tensor_of(cdf, {n}), 1e-13, 0));
  }
}

TEST(Cauchy, IcdfMatchesBoostIncludingTheTails) {
  const std::vector<double> ps = {0.0, 1e-300, 1e-15, 1e-6, 0.01,      0.25,      0.3,
                                  0.5, 0.7,    0.75,  0.99, 1 - 1e-10, 1 - 1e-16, 1.0};
  const auto n = static_cast<int64_t>(ps.size());
  for (auto [loc, scale] : kParams) {
    SCOPED_TRACE(::testing::Message() << "loc " << loc << ", scale " << scale);
    BoostCauchy ref(loc, scale);
    std::vector<double> q;
    for (double p : ps) q.push_back(boost::math::quantile(ref, p));
    at::Tensor got = td::Cauchy(tensor_of({loc}), tensor_of({scale})).icdf(tensor_of(ps, {n}));
    // Relative to the distance from loc (the quantile minus loc is what
    // carries the digits), plus rounding of loc itself.
    at::Tensor expected = tensor_of(q, {n});
    EXPECT_TRUE(all_close(got - loc, expected - loc, 1e-13, 1e-15 * std::abs(loc)));
    EXPECT_EQ(got[0].item<double>(), -kInf);
    EXPECT_EQ(got[n - 1].item<double>(), kInf);
    EXPECT_EQ(got[7].item<double>(), loc) << "the median is exact";
  }
}

TEST(Cauchy, LogProbStaysExactWhereTheDensityUnderflowsBoost) {
  // Far beyond |z| ~ 1e154, (x - loc)^2 overflows a double; the long double
  // closed form log(scale / (pi (scale^2 + d^2))) does not.
  td::Cauchy c(tensor_of({0.0, 5.0, 0.0}, {3}), tensor_of({1.0, 1e-10, 1e100}, {3}));
  for (double x : {1e160, -1e300, 1e307}) {
    at::Tensor got = c.log_prob(at::full({3}, x, at::kDouble));
    for (int64_t i = 0; i < 3; ++i) {
      const long double loc = c.loc()[i].item<double>(), scale = c.scale()[i].item<double>();
      const long double d = x - loc;
      const double expected = static_cast<double>(logl(scale) - logl(kPiL) - logl(scale * scale + d * d));
      EXPECT_NEAR(got[i].item<double>(), expected, 1e-13 * std::abs(expected)) << x << " " << i;
    }
  }
  // float32: |z| = 1e20 overflows z^2 in float.
  td::Cauchy cf(at::zeros({}, at::kFloat), at::ones({}, at::kFloat));
  const float lpf = cf.log_prob(at::full({}, 1e20f)).item<float>();
  EXPECT_NEAR(lpf, -std::log(M_PI) - 2 * std::log(1e20), 1e-5 * std::abs(lpf));
}

TEST(Cauchy, MomentsAndEntropy) {
  const std::vector<double> locs = {-1, 0, 4}, scales = {0.5, 1, 3};
  td::Cauchy c(tensor_of(locs, {3}), tensor_of(scales, {3}));
  // No mean, infinite variance: torch's NaN and inf.
  EXPECT_TRUE(c.mean().isnan().all().item<bool>());
  EXPECT_EQ(c.mean().sizes(), at::IntArrayRef({3}));
  EXPECT_TRUE(at::equal(c.variance(), at::full({3}, kInf, at::kDouble)));
  EXPECT_TRUE(at::equal(c.stddev(), at::full({3}, kInf, at::kDouble)));
  std::vector<double> mode, median, entropy;
  for (size_t i = 0; i < 3; ++i) {
    BoostCauchy ref(locs[i], scales[i]);
    mode.push_back(boost::math::mode(ref));
    median.push_back(boost::math::median(ref));
    entropy.push_back(boost::math::entropy(ref));
  }
  EXPECT_TRUE(all_close(c.mode(), tensor_of(mode, {3}), 0, 0));
  EXPECT_TRUE(all_close(c.icdf(at::full({3}, 0.5, at::kDouble)), tensor_of(median, {3}), 0, 0));
  EXPECT_TRUE(all_close(c.entropy(), tensor_of(entropy, {3}), 1e-14));
  EXPECT_TRUE(all_close(c.perplexity(), tensor_of(entropy, {3}).exp(), 1e-14));
  // Shapes follow the batch, with a float default for numbers.
  td::Cauchy c2(0.0, at::ones({2, 1}, at::kFloat));
  EXPECT_EQ(c2.mean().sizes(), at::IntArrayRef({2, 1}));
  EXPECT_EQ(c2.variance().scalar_type(), at::kFloat);
}

TEST(Cauchy, ShapesAndDtypes) {
  td::Cauchy c0(0.0, 1.0);
  EXPECT_EQ(c0.loc().scalar_type(), at::kFloat);
  EXPECT_EQ(c0.batch_shape().size(), 0u);
  EXPECT_EQ(c0.sample({5}).sizes(), at::IntArrayRef({5}));
  EXPECT_EQ(c0.icdf(at::full({2}, 0.1f)).scalar_type(), at::kFloat);
  EXPECT_EQ(c0.cdf(at::full({2}, 0.1f)).scalar_type(), at::kFloat);

  td::Cauchy c1(at::zeros({3, 1}, at::kDouble), at::ones({4}, at::kDouble));
  EXPECT_EQ(c1.batch_shape(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(c1.rsample({2}).sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(c1.log_prob(at::ones({4}, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(c1.icdf(at::full({4}, 0.1, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));

  td::Cauchy e = c1.expand({2, 3, 4});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(e.loc().sizes(), at::IntArrayRef({2, 3, 4}));
  auto shared = c1.expand_shared({5, 3, 4});
  ASSERT_NE(std::dynamic_pointer_cast<td::Cauchy>(shared), nullptr);
  EXPECT_EQ(shared->name(), "Cauchy");
}

TEST(Cauchy, SamplesPassKolmogorovSmirnov) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 4
  // draws (4e-4 together); the seeds are fixed, so the outcome is too.
  uint64_t seed = 400;
  for (auto [loc, scale] : {std::pair{0.0, 1.0}, {-3.0, 0.1}, {2.5, 7.0}}) {
    td::Cauchy c(tensor_of({loc}), tensor_of({scale}));
    BoostCauchy ref(loc, scale);
    auto x = td::testing::to_vector(c.sample({20000}, td::testing::seeded_generator(++seed)));
    EXPECT_GT(td::testing::ks_test(x, [&](double v) { return boost::math::cdf(ref, v); }), 1e-4) << loc;
  }
  td::Cauchy cf(at::full({}, 1.0f), at::full({}, 2.0f));
  BoostCauchy ref(1.0, 2.0);
  auto xf = td::testing::to_vector(cf.sample({20000}, td::testing::seeded_generator(++seed)));
  EXPECT_GT(td::testing::ks_test(xf, [&](double v) { return boost::math::cdf(ref, v); }), 1e-4);
}

TEST(Cauchy, SameGeneratorSeedGivesSameSamples) {
  td::Cauchy c(at::zeros({4}), 2.0);
  EXPECT_TRUE(
      at::equal(c.sample({3}, td::testing::seeded_generator(9)), c.sample({3}, td::testing::seeded_generator(9))));
}

void expect_grad_matches(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& at,
                         double rtol = 1e-6, double atol = 1e-8) {
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f, at), td::testing::finite_difference_grad(f, at), rtol, atol));
}

TEST(Cauchy, GradientsMatchFiniteDifferences) {
  at::Tensor loc0 = tensor_of({0.1, -1.0, 2.0, 0.0}, {4}), scale0 = tensor_of({0.7, 1.5, 0.2, 3.0}, {4});
  at::Tensor x0 = tensor_of({0.3, -6.0, 2.05, 40.0}, {4});
  // Both tails and both halves of the middle branch of icdf.
  at::Tensor p0 = tensor_of({0.02, 0.3, 0.6, 0.9}, {4});
  expect_grad_matches([&](const at::Tensor& l) { return td::Cauchy(l, scale0).log_prob(x0).sum(); }, loc0);
  expect_grad_matches([&](const at::Tensor& s) { return td::Cauchy(loc0, s).log_prob(x0).sum(); }, scale0);
  expect_grad_matches([&](const at::Tensor& x) { return td::Cauchy(loc0, scale0).log_prob(x).sum(); }, x0);
  expect_grad_matches([&](const at::Tensor& l) { return td::Cauchy(l, scale0).cdf(x0).sum(); }, loc0);
  expect_grad_matches([&](const at::Tensor& s) { return td::Cauchy(loc0, s).cdf(x0).sum(); }, scale0);
  expect_grad_matches([&](const at::Tensor& x) { return td::Cauchy(loc0, scale0).cdf(x).sum(); }, x0);
  expect_grad_matches([&](const at::Tensor& s) { return td::Cauchy(loc0, s).icdf(p0).sum(); }, scale0);
  expect_grad_matches([&](const at::Tensor& p) { return td::Cauchy(loc0, scale0).icdf(p).sum(); }, p0, 1e-6, 1e-6);
  expect_grad_matches([&](const at::Tensor& s) { return td::Cauchy(loc0, s).entropy().sum(); }, scale0);
  // rsample at fixed noise, through bounded-derivative functions (the
  // noise is heavy-tailed).
  auto f = [&](const at::Tensor& s) {
    at::Tensor x = td::Cauchy(loc0, s).rsample({3}, td::testing::seeded_generator(42));
    return (x * x).add(1).log().sum();
  };
  expect_grad_matches(f, scale0);
  expect_grad_matches(
      [&](const at::Tensor& l) {
        return td::Cauchy(l, scale0).rsample({3}, td::testing::seeded_generator(42)).atan().sum();
      },
      loc0);
}

TEST(Cauchy, IcdfGradientIsFiniteAtTheMedianAndInfiniteAtTheEnds) {
  // d icdf / dp = pi scale / sin^2(pi p): pi scale at p = 1/2.
  at::Tensor p = tensor_of({0.0, 0.5, 1.0}, {3}).set_requires_grad(true);
  td::Cauchy(0.0, tensor_of({2.0, 2.0, 2.0}, {3})).icdf(p).sum().backward();
  EXPECT_EQ(p.grad()[0].item<double>(), kInf);
  EXPECT_NEAR(p.grad()[1].item<double>(), 2 * M_PI, 1e-14);
  EXPECT_EQ(p.grad()[2].item<double>(), kInf);
}

TEST(Cauchy, ValidationErrorsNameDistributionArgumentAndConstraint) {
  EXPECT_THROW_MSG(td::Cauchy(at::zeros({3}), tensor_of({1, 2, -1}, {3})), c10::ValueError,
                   "Cauchy: scale must satisfy positive(), got -1 at index [2]");
  EXPECT_THROW_MSG(td::Cauchy(0.0, 0.0), c10::ValueError, "Cauchy: scale must satisfy positive(), got 0");
  EXPECT_THROW_MSG(td::Cauchy(tensor_of({NAN}), 1.0), c10::ValueError, "Cauchy: loc must satisfy real(), got nan");
  td::Cauchy c(at::zeros({3}, at::kDouble), 1.0);
  EXPECT_THROW_MSG(c.log_prob(tensor_of({0, NAN, 1}, {3})), c10::ValueError,
                   "Cauchy: value must be within the support real(), got nan at index [1]");
  EXPECT_THROW_MSG(c.cdf(tensor_of({NAN})), c10::ValueError, "Cauchy: value must be within the support real()");
  EXPECT_THROW_MSG(c.icdf(tensor_of({-0.1})), c10::ValueError,
                   "Cauchy: icdf value must satisfy unit_interval(), got -0.1");
  EXPECT_THROW_MSG(c.log_prob(at::zeros({2}, at::kDouble)), c10::ValueError,
                   "Cauchy: value of shape [2] is not broadcastable with batch_shape + event_shape [3]");
  EXPECT_THROW_MSG(c.enumerate_support(), c10::NotImplementedError, "Cauchy does not implement enumerate_support");
  EXPECT_NO_THROW(td::Cauchy(0.0, -1.0, /*validate_args=*/false));
  EXPECT_NO_THROW(td::Cauchy(0.0, 1.0, /*validate_args=*/false).icdf(tensor_of({2.0})));
}

TEST(Cauchy, IcdfAtSubnormalProbabilitiesMatchesMpmath) {
  // -scale / tan(pi p): the reciprocal of tan(pi p) alone overflows there.
  const at::Tensor q = td::Cauchy(0.0, tensor_of({1e-10, 1e-310})).icdf(tensor_of({1e-310, 1e-310}));
  EXPECT_NEAR(q[0].item<double>(), -3.183098861837907e299, 1e-12 * 3.18e299);
  EXPECT_NEAR(q[1].item<double>(), -0.3183098861837907, 1e-12);
}

}  // namespace
