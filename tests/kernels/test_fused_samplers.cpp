// The fused samplers. Normals (kernels/normals_avx2.h): element by element
// against Box-Muller computed in double from the stream's scalar definition
// (random_stream.h), the distribution by Kolmogorov-Smirnov, tail
// frequencies and correlations, and independence of the thread count.
//
// Gamma (kernels/gamma_avx2.cpp): element by element against its scalar
// definition (kernels/sampler_reference.h) over every branch; its variates
// against Boost's regularized incomplete gamma by Kolmogorov-Smirnov, at
// single shapes across both branches (boosted below 1, Marsaglia-Tsang
// above) and at mixed shapes within one vector (through the probability
// integral transform); the share clamped at the smallest float for a tiny
// shape; the special shapes; reproducibility, key dependence and
// independence of the thread count; and which calls take it through the
// distributions.
//
// Binomial (kernels/binomial_avx2.cpp): element by element, exactly,
// against its scalar definition over every branch; chi-square against
// Boost's binomial probabilities for both methods and both sides of p = 1/2,
// mixed counts and probabilities within a vector by the randomized
// probability integral transform, exact large counts, at::binomial's edge
// cases, the thread count.
//
// The scalar definitions themselves: by Kolmogorov-Smirnov and chi-square
// against Boost, in every build (GammaReference, BinomialReference).
//
// Each statistical check uses a fixed key, so it is deterministic; its
// p-value threshold 1e-3 is the chance that a correct sampler fails it
// under a fresh key (about 2.6% for the twenty-six checks together; the
// five-standard-error checks add 6e-7 each).

#include <gtest/gtest.h>

#include <ATen/Parallel.h>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <torchdist/torchdist.h>

#include "../../src/kernels/elementwise.h"
#include "../../src/kernels/fused.h"
#include "../../src/kernels/samplers.h"
#include "../../src/kernels/random_stream.h"
#include "../../src/kernels/sampler_reference.h"
#include "../support/testing.h"

namespace td = torchdist;
namespace tk = torchdist::detail::kernels;
namespace ref = torchdist::detail::kernels::reference;

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

// A gamma variate of the kernel (float, its fast log and exp, the
// quarter-period sincos) against its scalar definition (double, std::log,
// std::exp): within kGammaTolerance of the variate times the variate's
// condition (sampler_reference.h, GammaDraw), which is 1 where nothing
// amplifies the roundings. 4e-6 is about 30 float roundings, where the
// kernel's log, exp and Box-Muller are good to a few each (the largest
// error seen here is 3.3e-7 of the variate times its condition; without
// the condition, 1.2e-5 of a variate near 0).
constexpr double kGammaTolerance = 4e-6;

// Draws alpha.size() variates under `key` with both and compares each;
// returns how many it compared.
int64_t expect_gamma_is_its_definition(const std::string& what, const std::vector<float>& alpha, uint64_t key) {
  const int64_t n = static_cast<int64_t>(alpha.size());
  const std::vector<double> got = values(tk::standard_gamma_with_key(at::tensor(alpha), key));
  std::vector<ref::GammaDraw> want(alpha.size());
  ref::standard_gamma(alpha.data(), want.data(), n, key);
  int64_t wrong = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double w = want[i].value, g = got[i];
    const bool same = std::isnan(w)   ? std::isnan(g)
                      : std::isinf(w) ? g == w
                                      : std::abs(g - w) <= kGammaTolerance * want[i].condition * std::abs(w);
    if (!same && ++wrong <= 5) {
      ADD_FAILURE() << what << ": element " << i << " (alpha " << alpha[i] << ", lane " << i % tk::kStreamLanes
                    << ") is " << g << ", its definition " << w << " (condition " << want[i].condition << ")";
    }
  }
  EXPECT_EQ(wrong, 0) << what;
  return n;
}

TEST_F(GammaSampler, EachElementIsTheScalarDefinition) {
  // Each branch on its own over several substreams with a tail that is not
  // a multiple of eight: alpha < 1 (the boost, one step after the loop),
  // 1/2, 1 (the smallest d without it), a tiny shape (the boost underflows
  // to the smallest float), a large one; then shapes mixed within vectors,
  // so that lanes leave the rejection loop at different rounds and the
  // boost step is drawn for vectors with a single lane below 1, and the
  // special shapes among them. A different accept/reject decision (the
  // kernel's float log against std::log, about 1e-7 per decision) would
  // shift the lane's words and fail; at these fixed keys none occurs, and
  // the draws are fixed, so the test is not flaky.
  const int64_t s = tk::kGammaSubstreamElements;
  const auto repeat = [](float alpha, int64_t n) { return std::vector<float>(static_cast<size_t>(n), alpha); };
  int64_t compared = 0;  // 15322 elements in all
  compared += expect_gamma_is_its_definition("alpha 0.3", repeat(0.3f, 2 * s + 5), 11);
  compared += expect_gamma_is_its_definition("alpha 0.05", repeat(0.05f, s + 3), 12);
  compared += expect_gamma_is_its_definition("alpha 1/2", repeat(0.5f, s + 6), 13);
  compared += expect_gamma_is_its_definition("alpha 1", repeat(1.0f, s + 5), 14);
  compared += expect_gamma_is_its_definition("alpha 1e-30", repeat(1e-30f, s - 21), 15);
  compared += expect_gamma_is_its_definition("alpha 2.5", repeat(2.5f, 2 * s + 1), 16);
  compared += expect_gamma_is_its_definition("alpha 1e4", repeat(1e4f, s + 6), 17);
  // Thirteen shapes in turn: each vector holds a different mix.
  const float cycle[] = {0.3f, 1.0f, 0.5f, 1e-30f, 1e4f, 2.5f, 0.05f, 30.0f, 1e6f, 0.999f, 1.001f, 3.0f, 0.7f};
  std::vector<float> mixed;
  for (int64_t i = 0; i < 3 * s + 7; ++i) mixed.push_back(cycle[i % 13]);
  compared += expect_gamma_is_its_definition("thirteen shapes in turn", mixed, 18);
  // Log-spaced shapes 1e-3 .. 1e3 in a scrambled order (389 is prime to n).
  const int64_t m = 3001;
  std::vector<float> scrambled;
  for (int64_t i = 0; i < m; ++i) {
    scrambled.push_back(static_cast<float>(std::pow(10.0, -3 + 6.0 * static_cast<double>((389 * i) % m) / (m - 1))));
  }
  compared += expect_gamma_is_its_definition("log-spaced shapes, scrambled", scrambled, 19);
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const std::vector<float> special = {nan,  -1.0f, 0.0f, -0.0f, inf, 2.0f, 0.5f, 1e-30f, 1e4f,  1.0f, -0.0f,
                                      0.0f, nan,   3.0f, 0.7f,  inf, 1.5f, 0.2f, 8.0f,   0.01f, 40.0f};
  compared += expect_gamma_is_its_definition("special shapes among others", special, 20);
  EXPECT_EQ(compared, 15322);
}

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

// Draws count.size() binomial variates under `key` with the kernel and its
// scalar definition and requires them equal, element by element (NaN to
// NaN); returns how many it compared.
int64_t expect_binomial_is_its_definition(const std::string& what, const std::vector<float>& count,
                                          const std::vector<float>& probs, uint64_t key) {
  const int64_t n = static_cast<int64_t>(count.size());
  const std::vector<double> got = values(tk::binomial_with_key(at::tensor(count), at::tensor(probs), key));
  std::vector<float> want(count.size());
  ref::binomial(count.data(), probs.data(), want.data(), n, key);
  int64_t wrong = 0;
  for (int64_t i = 0; i < n; ++i) {
    const bool same = std::isnan(want[i]) ? std::isnan(got[i]) : got[i] == want[i];
    if (!same && ++wrong <= 5) {
      ADD_FAILURE() << what << ": element " << i << " (n " << count[i] << ", p " << probs[i] << ", lane " << i % 4
                    << ") is " << got[i] << ", its definition " << want[i];
    }
  }
  EXPECT_EQ(wrong, 0) << what;
  return n;
}

TEST_F(BinomialSampler, EachElementIsTheScalarDefinition) {
  // Each method on its own over several substreams with a tail that is not
  // a multiple of four: BTRS (n min(p, q) >= 10, at its edge 10 too),
  // inversion, p > 1/2 on both sides, counts of 2^40 by BTRS and by
  // inversion; then everything mixed within vectors, so that both methods
  // draw for the same vector (BTRS's rounds, then inversion's step) and
  // p = 0, p = 1, n = 0, NaN and infinite counts sit beside drawing lanes.
  // Exact: the definition's std::log decides the accept/reject tests the
  // kernel's fast log decides, and they differ only for a draw within
  // about 1e-13 of the boundary; at these fixed keys none is, and the
  // draws are fixed, so the test is not flaky.
  const int64_t s = tk::kBinomialSubstreamElements;
  const auto repeat = [](float value, int64_t n) { return std::vector<float>(static_cast<size_t>(n), value); };
  const float big = 0x1.0p40f;
  int64_t compared = 0;  // 9302 elements in all
  const struct {
    const char* what;
    float n, p;
    int64_t size;
  } single[] = {
      {"BTRS, n 100, p 0.3", 100, 0.3f, 2 * s + 3},
      {"BTRS at n p = 10", 20, 0.5f, s + 3},
      {"BTRS, n 1000, p 1/2", 1000, 0.5f, s + 5},
      {"inversion, n 5, p 0.3", 5, 0.3f, 2 * s + 6},
      {"inversion, n 30, p 0.2", 30, 0.2f, s + 1},
      {"inversion, n 1000, p 0.005", 1000, 0.005f, s + 5},
      {"flipped inversion, n 100, p 0.97", 100, 0.97f, s + 3},
      {"flipped BTRS, n 200, p 0.8", 200, 0.8f, s + 3},
      {"BTRS, n 2^40, p 1/4", big, 0.25f, s + 7},
      {"flipped BTRS, n 2^40, p 0.75", big, 0.75f, s + 2},
      {"inversion, n 2^40, p 1e-12", big, 1e-12f, s + 1},
      {"p 0", 50, 0.0f, 13},
      {"p 1", 50, 1.0f, 13},
      {"n 0", 0, 0.5f, 13},
  };
  uint64_t key = 30;
  for (const auto& c : single) {
    compared += expect_binomial_is_its_definition(c.what, repeat(c.n, c.size), repeat(c.p, c.size), ++key);
  }
  // Every element its own (n, p), as in MixedParametersWithinAVector.
  std::vector<float> count, probs;
  const int64_t size = 3 * s + 3;
  for (int64_t i = 0; i < size; ++i) {
    count.push_back(static_cast<float>(i % 200 + 1));
    probs.push_back(static_cast<float>(0.01 + 0.98 * static_cast<double>(i) / (size - 1)));
  }
  compared += expect_binomial_is_its_definition("n and p varying", count, probs, 50);
  // Eleven kinds of lane in turn: each vector holds a different mix.
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const std::pair<float, float> cycle[] = {{100, 0.3f},  {5, 0.3f},    {0, 0.5f},   {50, 0.0f}, {50, 1.0f}, {200, 0.8f},
                                           {100, 0.97f}, {big, 0.25f}, {nan, 0.5f}, {5, nan},   {inf, 0.5f}};
  count.clear();
  probs.clear();
  for (int64_t i = 0; i < 2 * s + 5; ++i) {
    count.push_back(cycle[i % 11].first);
    probs.push_back(cycle[i % 11].second);
  }
  compared += expect_binomial_is_its_definition("eleven kinds of lane in turn", count, probs, 51);
  EXPECT_EQ(compared, 9302);
}

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

// The scalar definitions follow their distributions themselves (plain C++:
// these run in builds without the AVX2 kernels too). 20000 draws per case
// under a fixed key, each check at kMinPValue: a correct definition fails
// one with probability 1e-3 under a fresh key, one of the six 6e-3.
TEST(GammaReference, FollowsTheGammaDistribution) {
  // The boost (1/2) and Marsaglia-Tsang at and above 1.
  uint64_t key = 60;
  for (double shape : {0.5, 1.0, 2.5}) {
    const std::vector<float> alpha(20000, static_cast<float>(shape));
    std::vector<ref::GammaDraw> draws(alpha.size());
    ref::standard_gamma(alpha.data(), draws.data(), static_cast<int64_t>(alpha.size()), ++key);
    std::vector<double> x;
    for (const ref::GammaDraw& draw : draws) x.push_back(draw.value);
    EXPECT_GT(td::testing::ks_test(x, [&](double v) { return boost::math::gamma_p(shape, v); }), kMinPValue)
        << "shape " << shape;
  }
}

TEST(BinomialReference, FollowsTheBinomialDistribution) {
  // BTRS, inversion, and BTRS for p > 1/2 (n - B(n, 1 - p)).
  const std::pair<float, float> cases[] = {{100, 0.3f}, {30, 0.2f}, {200, 0.8f}};
  uint64_t key = 70;
  for (const auto& [n, p] : cases) {
    const std::vector<float> count(20000, n), probs(20000, p);
    std::vector<float> k(count.size());
    ref::binomial(count.data(), probs.data(), k.data(), static_cast<int64_t>(k.size()), ++key);
    std::vector<int64_t> counts(static_cast<size_t>(n) + 1, 0);
    for (float draw : k) ++counts.at(static_cast<size_t>(draw));
    const boost::math::binomial_distribution<double> reference(n, p);
    std::vector<double> probabilities;
    for (int64_t j = 0; j <= static_cast<int64_t>(n); ++j) {
      probabilities.push_back(boost::math::pdf(reference, static_cast<double>(j)));
    }
    EXPECT_GT(td::testing::chi_square_test(counts, probabilities), kMinPValue) << "n " << n << ", p " << p;
  }
}

// The categorical sampler draws one double uniform per draw with at::rand
// from the generator, then walks the row: each draw must be the inverse CDF
// of its uniform (ref::categorical). Rows of 1, 3, 64 (one block), 65 and
// 1000 categories, zeros inside and at the ends, unnormalized rows, both
// dtypes, several rows repeating over the sample dimension.
TEST(CategoricalSampler, EachDrawIsTheInverseCdfOfItsUniform) {
  if (!tk::fused_kernels_enabled()) GTEST_SKIP() << "built without the AVX2 kernels or no AVX2 on this CPU";
  int64_t compared = 0;
  uint64_t seed = 90;
  for (const at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    for (const int64_t categories : {1, 3, 64, 65, 1000}) {
      at::Tensor probs =
          at::rand({4, categories}, td::testing::seeded_generator(seed), at::TensorOptions().dtype(dtype));
      probs.select(0, 1).mul_(7.5);  // unnormalized
      if (categories > 2) {
        probs.select(0, 2).narrow(0, 0, 1).zero_();  // zeros at the ends and inside
        probs.select(0, 2).narrow(0, categories - 1, 1).zero_();
        probs.select(0, 3).narrow(0, categories / 2, 1).zero_();
      }
      const int64_t samples = 257;
      const at::Tensor draws = tk::fused_categorical_sample(probs, {samples}, td::testing::seeded_generator(++seed));
      ASSERT_TRUE(draws.defined()) << categories;
      const at::Tensor uniforms =
          at::rand({samples * 4}, td::testing::seeded_generator(seed), at::TensorOptions().dtype(at::kDouble));
      const at::Tensor flat = draws.reshape({-1});
      AT_DISPATCH_FLOATING_TYPES(dtype, "categorical reference", [&] {
        const scalar_t* p = probs.data_ptr<scalar_t>();
        for (int64_t j = 0; j < flat.numel(); ++j) {
          const int64_t row = j % 4;
          const int64_t expected = ref::categorical(p + row * categories, categories, uniforms[j].item<double>());
          ASSERT_EQ(flat[j].item<int64_t>(), expected) << "draw " << j << ", " << categories << " categories";
          ++compared;
        }
      });
    }
  }
  EXPECT_EQ(compared, 2 * 5 * 257 * 4);
}

}  // namespace
