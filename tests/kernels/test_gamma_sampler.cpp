// The fused gamma sampler (kernels/gamma_avx2.cpp): its variates against
// Boost's regularized incomplete gamma by Kolmogorov-Smirnov, at single
// shapes across both branches (boosted below 1, Marsaglia-Tsang above) and
// at mixed shapes within one vector (through the probability integral
// transform); the share clamped at the smallest float for a tiny shape; the
// special shapes; reproducibility, key dependence and independence of the
// thread count; and which calls take it through the distributions.
//
// Each statistical check uses a fixed key, so it is deterministic; its
// p-value threshold 1e-3 is the chance that a correct sampler fails it
// under a fresh key (about 1.2% for the twelve checks together).

#include <gtest/gtest.h>

#include <ATen/Parallel.h>
#include <boost/math/special_functions/gamma.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include <torchdist/torchdist.h>

#include "../../src/kernels/elementwise.h"
#include "../../src/kernels/noise.h"
#include "../support/testing.h"

namespace td = torchdist;
namespace tk = torchdist::detail::kernels;

namespace {

constexpr double kMinPValue = 1e-3;

class GammaSampler : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tk::standard_gamma_with_key(at::ones({1}), 1).defined()) {
      GTEST_SKIP() << "built without the AVX2 kernels or no AVX2 on this CPU";
    }
  }
};

std::vector<double> values(const at::Tensor& t) { return td::testing::to_vector(t); }

TEST_F(GammaSampler, FollowsTheGammaDistributionAtEachShape) {
  uint64_t key = 100;
  for (double shape : {0.1, 0.5, 0.999, 1.0, 1.5, 3.0, 10.0, 1000.0, 1e6}) {
    const at::Tensor g = tk::standard_gamma_with_key(at::full({20000}, shape), ++key);
    const double p = td::testing::ks_test(values(g), [&](double x) { return boost::math::gamma_p(shape, x); });
    EXPECT_GT(p, kMinPValue) << "shape " << shape;
  }
}

TEST_F(GammaSampler, MixedShapesWithinAVector) {
  // Neighbouring lanes alternate between the two branches and leave the
  // rejection loop at different rounds; F(x; a_i) of each variate must be
  // uniform. Also a length that leaves a tail.
  const at::Tensor shapes = at::exp(at::linspace(std::log(0.05), std::log(50.0), 30003)).to(at::kFloat);
  const at::Tensor g = tk::standard_gamma_with_key(shapes, 7);
  const std::vector<double> a = values(shapes), x = values(g);
  std::vector<double> u(a.size());
  for (size_t i = 0; i < a.size(); ++i) u[i] = boost::math::gamma_p(a[i], x[i]);
  EXPECT_GT(td::testing::ks_test(u, [](double v) { return v; }), kMinPValue);
  // Every element of one shape, but the shapes interleaved lane by lane.
  const at::Tensor interleaved = at::tensor({0.3f, 4.0f}).repeat({10000});
  const std::vector<double> y = values(tk::standard_gamma_with_key(interleaved, 8));
  std::vector<double> small, large;
  for (size_t i = 0; i < y.size(); ++i) (i % 2 == 0 ? small : large).push_back(y[i]);
  EXPECT_GT(td::testing::ks_test(small, [](double v) { return boost::math::gamma_p(0.3, v); }), kMinPValue);
  EXPECT_GT(td::testing::ks_test(large, [](double v) { return boost::math::gamma_p(4.0, v); }), kMinPValue);
}

TEST_F(GammaSampler, TinyShapesClampAtTheSmallestFloatAsATenDoes) {
  // At shape 1e-3, P(G < FLT_MIN) = P(1e-3, FLT_MIN) = 0.916: those variates
  // are FLT_MIN, the rest follow the distribution. Five standard errors.
  const int64_t n = 100000;
  const float tiny = std::numeric_limits<float>::min();
  const at::Tensor g = tk::standard_gamma_with_key(at::full({n}, 1e-3), 9);
  EXPECT_GE(g.min().item<float>(), tiny);
  const double clamped = (g == tiny).sum().item<double>() / n;
  const double expected = boost::math::gamma_p(1e-3, static_cast<double>(tiny));
  EXPECT_NEAR(clamped, expected, 5 * std::sqrt(expected * (1 - expected) / n));
}

TEST_F(GammaSampler, SpecialShapes) {
  // NaN and negative shapes (unvalidated input) give NaN instead of a
  // rejection loop that never ends; 0 gives FLT_MIN and inf gives inf, as
  // at::_standard_gamma does.
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const at::Tensor g = tk::standard_gamma_with_key(at::tensor({nan, -1.0f, 0.0f, inf, 2.0f}), 3);
  EXPECT_TRUE(std::isnan(g[0].item<float>()));
  EXPECT_TRUE(std::isnan(g[1].item<float>()));
  EXPECT_EQ(g[2].item<float>(), std::numeric_limits<float>::min());
  EXPECT_EQ(g[3].item<float>(), inf);
  EXPECT_TRUE(std::isfinite(g[4].item<float>()) && g[4].item<float>() > 0);
}

TEST_F(GammaSampler, ReproducibleAndIndependentOfTheThreadCount) {
  const at::Tensor shapes = at::rand({100003}) * 3 + 0.2;
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  const at::Tensor one_thread = tk::standard_gamma_with_key(shapes, 42);
  at::set_num_threads(2);
  const at::Tensor two_threads = tk::standard_gamma_with_key(shapes, 42);
  at::set_num_threads(threads);
  EXPECT_TRUE(one_thread.equal(two_threads));
  EXPECT_FALSE(one_thread.equal(tk::standard_gamma_with_key(shapes, 43)));
}

TEST_F(GammaSampler, TheDistributionsTakeItWithoutAGradient) {
  // Float Gamma.rsample with no gradient recorded draws from the fused
  // sampler: a seeded generator reproduces it. With a gradient, the draw
  // is at::_standard_gamma's, whose reparameterization gradient arrives.
  const at::Tensor concentration = at::full({1000}, 2.5);
  const at::Tensor a = td::Gamma(concentration, 1.0).rsample({}, td::testing::seeded_generator(5));
  const at::Tensor b = td::Gamma(concentration, 1.0).rsample({}, td::testing::seeded_generator(5));
  EXPECT_TRUE(a.equal(b));
  EXPECT_TRUE(tk::fused_standard_gamma(concentration, td::testing::seeded_generator(5)).defined());
  const at::Tensor recorded = concentration.clone().requires_grad_();
  EXPECT_FALSE(tk::fused_standard_gamma(recorded, c10::nullopt).defined());
  td::Gamma(recorded, 1.0).rsample().sum().backward();
  ASSERT_TRUE(recorded.grad().defined());
  EXPECT_GT(recorded.grad().min().item<float>(), 0.0f);  // d sample / d concentration > 0
  EXPECT_FALSE(tk::fused_standard_gamma(concentration.to(at::kDouble), c10::nullopt).defined());
}

}  // namespace
