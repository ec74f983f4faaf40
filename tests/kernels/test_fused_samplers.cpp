// The fused samplers. Normals (kernels/normals_avx2.h): element by element
// against Box-Muller computed in double from the stream's scalar definition
// (random_stream.h), the distribution by Kolmogorov-Smirnov, tail
// frequencies and correlations, and independence of the thread count.
//
// Gamma (kernels/gamma_avx2.cpp): its variates against
// Boost's regularized incomplete gamma by Kolmogorov-Smirnov, at single
// shapes across both branches (boosted below 1, Marsaglia-Tsang above) and
// at mixed shapes within one vector (through the probability integral
// transform); the share clamped at the smallest float for a tiny shape; the
// special shapes; reproducibility, key dependence and independence of the
// thread count; and which calls take it through the distributions.
//
// Binomial (kernels/binomial_avx2.cpp): chi-square against Boost's binomial
// probabilities for both methods and both sides of p = 1/2, mixed counts and
// probabilities within a vector by the randomized probability integral
// transform, exact large counts, at::binomial's edge cases, the thread count.
//
// Each statistical check uses a fixed key, so it is deterministic; its
// p-value threshold 1e-3 is the chance that a correct sampler fails it
// under a fresh key (about 2% for the twenty checks together; the
// five-standard-error checks add 6e-7 each).

#include <gtest/gtest.h>

#include <ATen/Parallel.h>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include <torchdist/torchdist.h>

#include "../../src/kernels/elementwise.h"
#include "../../src/kernels/noise.h"
#include "../../src/kernels/random_stream.h"
#include "../support/testing.h"

namespace td = torchdist;
namespace tk = torchdist::detail::kernels;

namespace {

constexpr double kMinPValue = 1e-3;

std::vector<double> values(const at::Tensor& t) { return td::testing::to_vector(t); }

class NormalSampler : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tk::standard_normal_with_key({1}, 1).defined()) {
      GTEST_SKIP() << "built without the AVX2 kernels or no AVX2 on this CPU";
    }
  }
};

TEST_F(NormalSampler, EachElementIsBoxMullerOfItsStreamWords) {
  // Element 1024 s + 16 t + k of the output is r cos(2 pi u2) for lane k's
  // words at steps 2t and 2t + 1 of substream s (u1, u2), element + 8 is
  // r sin(2 pi u2); r = sqrt(-2 log u1). Two substreams and a tail.
  const uint64_t key = 0x1234abcd5678ef01;
  const int64_t n = 2 * tk::kSubstreamWords + 21;
  const std::vector<double> got = values(tk::standard_normal_with_key({n}, key));
  double worst = 0;
  for (int64_t e = 0; e < n; ++e) {
    const int64_t s = e / tk::kSubstreamWords, within = e % tk::kSubstreamWords;
    const int64_t t = within / 16, k = within % 8;
    const bool second = within % 16 >= 8;
    const uint64_t base = static_cast<uint64_t>(s * tk::kSubstreamWords + 2 * t * tk::kStreamLanes + k);
    const double u1 = tk::uniform_float_from_word(tk::stream_word(key, base));
    const double u2 = tk::uniform_float_from_word(tk::stream_word(key, base + tk::kStreamLanes));
    const double r = std::sqrt(-2 * std::log(u1)), angle = 2 * M_PI * u2;
    const double want = second ? r * std::sin(angle) : r * std::cos(angle);
    worst = std::max(worst, std::abs(got[e] - want) / std::max(1.0, std::abs(want)));
  }
  EXPECT_LT(worst, 1e-6);  // a few float roundings
}

TEST_F(NormalSampler, FollowsTheStandardNormal) {
  const int64_t n = 1000000;
  const at::Tensor x = tk::standard_normal_with_key({n}, 21);
  const std::vector<double> v = values(x);
  const std::vector<double> head(v.begin(), v.begin() + 100000);
  EXPECT_GT(td::testing::ks_test(head, [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }), kMinPValue);
  // Tails: P(|X| > 4) = 6.33e-5; and no correlation between the two normals
  // of a pair (8 apart) or neighbours. Five standard errors each.
  const double expected = std::erfc(4 / std::sqrt(2.0));
  const double tails = (x.abs() > 4).sum().item<double>() / n;
  EXPECT_NEAR(tails, expected, 5 * std::sqrt(expected / n));
  for (int64_t lag : {1, 8}) {
    const double corr = (x.narrow(0, 0, n - lag) * x.narrow(0, lag, n - lag)).mean().item<double>();
    EXPECT_NEAR(corr, 0.0, 5 / std::sqrt(static_cast<double>(n))) << "lag " << lag;
  }
  EXPECT_NEAR(x.mean().item<double>(), 0.0, 5 / std::sqrt(static_cast<double>(n)));
  EXPECT_NEAR(x.var().item<double>(), 1.0, 5 * std::sqrt(2.0 / n));
}

TEST_F(NormalSampler, IndependentOfTheThreadCountAndSeededThroughNormal) {
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  const at::Tensor one_thread = tk::standard_normal_with_key({300001}, 42);
  at::set_num_threads(2);
  const at::Tensor two_threads = tk::standard_normal_with_key({300001}, 42);
  at::set_num_threads(threads);
  EXPECT_TRUE(one_thread.equal(two_threads));
  const at::Tensor loc = at::zeros({500}), scale = at::ones({500});
  const at::Tensor a = td::Normal(loc, scale).rsample({4}, td::testing::seeded_generator(9));
  const at::Tensor b = td::Normal(loc, scale).rsample({4}, td::testing::seeded_generator(9));
  EXPECT_TRUE(a.equal(b));
  EXPECT_FALSE(a.equal(td::Normal(loc, scale).rsample({4}, td::testing::seeded_generator(10))));
}

class GammaSampler : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tk::standard_gamma_with_key(at::ones({1}), 1).defined()) {
      GTEST_SKIP() << "built without the AVX2 kernels or no AVX2 on this CPU";
    }
  }
};

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
  // -0 is 0 (it gave +inf: log(u) / -0).
  const at::Tensor g = tk::standard_gamma_with_key(at::tensor({nan, -1.0f, 0.0f, inf, 2.0f, -0.0f}), 3);
  EXPECT_TRUE(std::isnan(g[0].item<float>()));
  EXPECT_TRUE(std::isnan(g[1].item<float>()));
  EXPECT_EQ(g[2].item<float>(), std::numeric_limits<float>::min());
  EXPECT_EQ(g[3].item<float>(), inf);
  EXPECT_TRUE(std::isfinite(g[4].item<float>()) && g[4].item<float>() > 0);
  EXPECT_EQ(g[5].item<float>(), std::numeric_limits<float>::min());
  // Through the families, unvalidated: Gamma(-0) is FLT_MIN as in ATen, and
  // NegativeBinomial(total_count -0) samples 0 (it sampled -9.2e18).
  const at::Tensor zeros = at::tensor({-0.0f, 0.0f, -0.0f, -0.0f, 0.0f, -0.0f, -0.0f, -0.0f, -0.0f});
  EXPECT_TRUE((td::Gamma(zeros, 1.0f, false).sample() == std::numeric_limits<float>::min()).all().item<bool>());
  EXPECT_TRUE((td::NegativeBinomial(zeros, td::probs(0.5f), false).sample() == 0).all().item<bool>());
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

class BinomialSampler : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tk::binomial_with_key(at::ones({1}), at::full({1}, 0.5), 1).defined()) {
      GTEST_SKIP() << "built without the AVX2 kernels or no AVX2 on this CPU";
    }
  }
};

TEST_F(BinomialSampler, FollowsTheBinomialDistribution) {
  // Inversion (n min(p, q) < 10) and BTRS, each with p on both sides of 1/2.
  const std::pair<double, double> cases[] = {{5, 0.3}, {30, 0.2}, {100, 0.97}, {100, 0.3}, {1000, 0.5}, {200, 0.8}};
  uint64_t key = 200;
  for (const auto& [n, p] : cases) {
    const at::Tensor k = tk::binomial_with_key(at::full({100000}, n), at::full({100000}, p), ++key);
    const at::Tensor bins = at::bincount(k.to(at::kLong), {}, static_cast<int64_t>(n) + 1);
    const std::vector<int64_t> counts(bins.data_ptr<int64_t>(), bins.data_ptr<int64_t>() + bins.numel());
    const boost::math::binomial_distribution<double> reference(n, p);
    std::vector<double> probs;
    for (int64_t j = 0; j <= static_cast<int64_t>(n); ++j) probs.push_back(boost::math::pdf(reference, static_cast<double>(j)));
    EXPECT_GT(td::testing::chi_square_test(counts, probs), kMinPValue) << "n " << n << ", p " << p;
  }
}

TEST_F(BinomialSampler, MixedParametersWithinAVector) {
  // Every element its own (n, p), both methods side by side in a vector:
  // F(k - 1) + V f(k), V uniform, is uniform when each k follows B(n, p).
  const int64_t size = 40003;
  const at::Tensor count = at::arange(size).remainder(200).add(1).to(at::kFloat);
  const at::Tensor probs = at::linspace(0.01, 0.99, size).to(at::kFloat);
  const std::vector<double> n = values(count), p = values(probs), k = values(tk::binomial_with_key(count, probs, 9));
  const std::vector<double> v = values(at::rand({size}, td::testing::seeded_generator(3), at::kDouble));
  std::vector<double> u(k.size());
  for (size_t i = 0; i < k.size(); ++i) {
    const boost::math::binomial_distribution<double> reference(n[i], p[i]);
    const double below = k[i] > 0 ? boost::math::cdf(reference, k[i] - 1) : 0.0;
    u[i] = below + v[i] * boost::math::pdf(reference, k[i]);
  }
  EXPECT_GT(td::testing::ks_test(u, [](double x) { return x; }), kMinPValue);
}

TEST_F(BinomialSampler, LargeCountsStayExact) {
  // n = 1e7 (BTRS in double): whole numbers within [0, n], mean within five
  // standard errors.
  const int64_t size = 20000;
  const at::Tensor k = tk::binomial_with_key(at::full({size}, 1e7), at::full({size}, 0.25), 5);
  EXPECT_TRUE(k.eq(k.floor()).all().item<bool>());
  EXPECT_GE(k.min().item<float>(), 0.0f);
  EXPECT_LE(k.max().item<float>(), 1e7f);
  const double sd = std::sqrt(1e7 * 0.25 * 0.75);
  EXPECT_NEAR(k.to(at::kDouble).mean().item<double>(), 2.5e6, 5 * sd / std::sqrt(static_cast<double>(size)));
}

TEST_F(BinomialSampler, EdgeCasesAsATen) {
  // n <= 0 or p <= 0: 0; p >= 1: n; NaN or an infinite count: NaN (no loop
  // that never ends).
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const at::Tensor count = at::tensor({0.0f, 5.0f, 5.0f, 5.0f, nan, inf, -1.0f, 7.0f});
  const at::Tensor probs = at::tensor({0.5f, 0.0f, 1.0f, nan, 0.5f, 0.5f, 0.5f, 1.5f});
  const std::vector<double> k = values(tk::binomial_with_key(count, probs, 3));
  EXPECT_EQ(k[0], 0.0);
  EXPECT_EQ(k[1], 0.0);
  EXPECT_EQ(k[2], 5.0);
  EXPECT_TRUE(std::isnan(k[3]));
  EXPECT_TRUE(std::isnan(k[4]));
  EXPECT_TRUE(std::isnan(k[5]));
  EXPECT_EQ(k[6], 0.0);
  EXPECT_EQ(k[7], 7.0);
}

TEST_F(BinomialSampler, IndependentOfTheThreadCountAndSeededThroughBinomial) {
  const at::Tensor count = at::full({100003}, 60.0f), probs = at::rand({100003});
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  const at::Tensor one_thread = tk::binomial_with_key(count, probs, 42);
  at::set_num_threads(2);
  const at::Tensor two_threads = tk::binomial_with_key(count, probs, 42);
  at::set_num_threads(threads);
  EXPECT_TRUE(one_thread.equal(two_threads));
  const td::Binomial d(60.0, td::probs(at::full({1000}, 0.3)));
  EXPECT_TRUE(d.sample({}, td::testing::seeded_generator(4)).equal(d.sample({}, td::testing::seeded_generator(4))));
  EXPECT_FALSE(d.sample({}, td::testing::seeded_generator(4)).equal(d.sample({}, td::testing::seeded_generator(5))));
}

}  // namespace
