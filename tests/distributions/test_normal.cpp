// Normal: values against Boost.Math, moments and entropy against closed
// forms, sampling by KS test, gradients against finite differences.

#include <boost/math/distributions/normal.hpp>
#include <torchdist/torchdist.h>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

const std::vector<std::pair<double, double>> kParams = {{0, 1}, {-3, 0.1}, {2.5, 7}, {1e3, 1e-3}};

TEST(Normal, LogProbCdfIcdfMatchBoost) {
  for (auto [loc, scale] : kParams) {
    td::Normal n(tensor_of({loc}), tensor_of({scale}));
    boost::math::normal_distribution<double> ref(loc, scale);
    std::vector<double> xs, lp, cdf;
    for (double z : {-6.0, -1.5, 0.0, 0.3, 2.0, 5.0}) {
      const double x = loc + z * scale;
      xs.push_back(x);
      lp.push_back(std::log(boost::math::pdf(ref, x)));
      cdf.push_back(boost::math::cdf(ref, x));
    }
    at::Tensor x = tensor_of(xs, {6});
    EXPECT_TRUE(all_close(n.log_prob(x), tensor_of(lp, {6}), 1e-12, 1e-12)) << loc << " " << scale;
    EXPECT_TRUE(all_close(n.cdf(x), tensor_of(cdf, {6}), 1e-12, 1e-15));
    std::vector<double> qs = {1e-10, 0.01, 0.3, 0.5, 0.9, 1 - 1e-9}, icdf;
    for (double q : qs) icdf.push_back(boost::math::quantile(ref, q));
    EXPECT_TRUE(all_close(n.icdf(tensor_of(qs, {6})), tensor_of(icdf, {6}), 1e-8, 1e-8 * scale));
  }
}

TEST(Normal, TailsKeepRelativePrecision) {
  // Deliberately better than torch, whose erf/erfinv forms round to 0 / -inf
  // below z ~ -8.3 and p ~ 1e-17.
  td::Normal n(0.0, tensor_of({1.0}));
  boost::math::normal_distribution<double> ref;
  for (double z : {-10.0, -20.0, -37.0}) {
    EXPECT_NEAR(n.cdf(tensor_of({z})).item<double>() / boost::math::cdf(ref, z), 1.0, 1e-12) << z;
  }
  for (double p : {1e-20, 1e-100, 1e-300}) {
    EXPECT_NEAR(n.icdf(tensor_of({p})).item<double>(), boost::math::quantile(ref, p), 1e-9) << p;
  }
}

TEST(Normal, MomentsAndEntropyClosedForms) {
  at::Tensor loc = tensor_of({-1, 0, 4}, {3}), scale = tensor_of({0.5, 1, 3}, {3});
  td::Normal n(loc, scale);
  EXPECT_TRUE(all_close(n.mean(), loc));
  EXPECT_TRUE(all_close(n.mode(), loc));
  EXPECT_TRUE(all_close(n.variance(), scale * scale));
  EXPECT_TRUE(all_close(n.stddev(), scale));
  // H = log(scale * sqrt(2 pi e)).
  EXPECT_TRUE(all_close(n.entropy(), at::log(scale * std::sqrt(2 * M_PI * M_E)), 1e-12));
  EXPECT_TRUE(all_close(n.perplexity(), scale * std::sqrt(2 * M_PI * M_E), 1e-12));
}

TEST(Normal, DoublesBecomeDefaultDtypeAndTakeTensorDtype) {
  td::Normal n0(0.0, 1.0);
  EXPECT_EQ(n0.loc().scalar_type(), at::kFloat);
  EXPECT_EQ(n0.batch_shape().size(), 0u);
  td::Normal n1(0.0, at::ones({2}, at::kDouble));
  EXPECT_EQ(n1.loc().scalar_type(), at::kDouble);
  EXPECT_EQ(n1.batch_shape(), at::IntArrayRef({2}));
}

TEST(Normal, BroadcastsParameters) {
  td::Normal n(at::zeros({3, 1}), at::ones({4}));
  EXPECT_EQ(n.batch_shape(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(n.sample({2}).sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(n.log_prob(at::zeros({4})).sizes(), at::IntArrayRef({3, 4}));
}

TEST(Normal, SamplesPassKolmogorovSmirnov) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 3 draws.
  auto gen = td::testing::seeded_generator(1234);
  for (auto [loc, scale] : {std::pair{0.0, 1.0}, {-3.0, 0.1}, {2.5, 7.0}}) {
    td::Normal n(tensor_of({loc}), tensor_of({scale}));
    auto x = td::testing::to_vector(n.sample({20000}, gen));
    boost::math::normal_distribution<double> ref(loc, scale);
    EXPECT_GT(td::testing::ks_test(x, [&](double v) { return boost::math::cdf(ref, v); }), 1e-4);
  }
}

TEST(Normal, SameGeneratorSeedGivesSameSamples) {
  td::Normal n(at::zeros({5}), at::ones({5}));
  auto g1 = td::testing::seeded_generator(7), g2 = td::testing::seeded_generator(7);
  EXPECT_TRUE(at::equal(n.sample({3}, g1), n.sample({3}, g2)));
  at::manual_seed(3);
  at::Tensor a = n.rsample({3});
  at::manual_seed(3);
  EXPECT_TRUE(at::equal(a, n.rsample({3})));
}

TEST(Normal, LogProbGradientsMatchFiniteDifferences) {
  at::Tensor x = tensor_of({0.3, -2.0, 1.0}, {3});
  at::Tensor loc0 = tensor_of({0.1, -1.0, 2.0}, {3}), scale0 = tensor_of({0.7, 1.5, 0.2}, {3});
  auto f_loc = [&](const at::Tensor& loc) { return td::Normal(loc, scale0).log_prob(x).sum(); };
  auto f_scale = [&](const at::Tensor& scale) { return td::Normal(loc0, scale).log_prob(x).sum(); };
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f_loc, loc0), td::testing::finite_difference_grad(f_loc, loc0),
                        1e-6, 1e-6));
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f_scale, scale0),
                        td::testing::finite_difference_grad(f_scale, scale0), 1e-6, 1e-6));
}

TEST(Normal, RsampleGradientsMatchFiniteDifferencesAtFixedNoise) {
  at::Tensor loc0 = tensor_of({0.1, -1.0}, {2}), scale0 = tensor_of({0.7, 1.5}, {2});
  auto f_scale = [&](const at::Tensor& scale) {
    auto gen = td::testing::seeded_generator(42);  // same noise for every evaluation
    return td::Normal(loc0, scale).rsample({4}, gen).pow(2).sum();
  };
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f_scale, scale0),
                        td::testing::finite_difference_grad(f_scale, scale0), 1e-6, 1e-6));
}

TEST(Normal, ValidationErrorsNameDistributionArgumentAndConstraint) {
  EXPECT_THROW_MSG(td::Normal(at::zeros({3}), tensor_of({1, 2, -1}, {3})), c10::ValueError,
                   "Normal: scale must satisfy positive(), got -1 at index [2]");
  EXPECT_THROW_MSG(td::Normal(tensor_of({NAN}), 1.0), c10::ValueError, "Normal: loc must satisfy real()");
  EXPECT_THROW_MSG(td::Normal(0.0, 1.0).icdf(tensor_of({1.5})), c10::ValueError,
                   "Normal: icdf value must satisfy unit_interval()");
  EXPECT_THROW_MSG(td::Normal(at::zeros({3}), 1.0).log_prob(at::zeros({2})), c10::ValueError,
                   "Normal: value of shape [2] is not broadcastable with batch_shape + event_shape [3]");
  EXPECT_NO_THROW(td::Normal(0.0, -1.0, /*validate_args=*/false));
}

TEST(Normal, ExtremeParametersStayFinite) {
  td::Normal n(tensor_of({0, 1e4}, {2}), tensor_of({1e-3, 1e4}, {2}));
  EXPECT_TRUE(at::isfinite(n.log_prob(tensor_of({0.5, -3e4}, {2}))).all().item<bool>());
  EXPECT_TRUE(at::isfinite(n.entropy()).all().item<bool>());
}

}  // namespace
