// Exactness and speed of ATen's count samplers for large counts, which
// Binomial, Poisson, NegativeBinomial and Multinomial rely on:
// at::binomial (BTRS, Hörmann 1993, for min(np, n(1-p)) >= 10; waiting-time
// inversion below) and at::poisson (Hörmann's PTRS for rate >= 10, the
// product of uniforms below). Each is checked by a chi-square test against
// Boost.Math's pmf on bins of consecutive integers over mean +- 6 sd, each
// expecting at least 20 draws, plus the tails, in double and in
// float32, on both sides of the algorithm switches, and through the
// families. Times per 1e6 samples are printed, and bounded loosely so that
// an O(n) or O(rate) sampler (summing Bernoullis, multiplying uniforms)
// would fail.

#include <torchdist/distributions/binomial.h>
#include <torchdist/distributions/poisson.h>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::seeded_generator;

namespace {

// Chi-square p-value of integer draws against a Boost distribution. The
// bins are runs of consecutive integers over mean -+ 6 sd (clamped to the
// support), each extended until its expected count reaches 20, plus the two
// tails; at large counts a bin spans several integers (single integers
// would each expect less than 5 draws and the test would lose its power).
template <class Dist>
double chi_square_p_value(const at::Tensor& draws, const Dist& ref, double support_max) {
  const double mean = boost::math::mean(ref), sd = boost::math::standard_deviation(ref);
  const auto lo = static_cast<int64_t>(std::max(0.0, std::floor(mean - 6 * sd)));
  const auto hi = static_cast<int64_t>(std::min(support_max, std::ceil(mean + 6 * sd)));
  const auto n = static_cast<double>(draws.numel());
  // upper[i] is the largest integer in bin i; the last bin is open-ended.
  std::vector<double> upper, probs;
  upper.push_back(static_cast<double>(lo - 1));
  probs.push_back(lo > 0 ? boost::math::cdf(ref, static_cast<double>(lo - 1)) : 0.0);
  double acc = 0;
  for (int64_t k = lo; k <= hi; ++k) {
    acc += boost::math::pdf(ref, static_cast<double>(k));
    if (acc * n >= 20) {
      upper.push_back(static_cast<double>(k));
      probs.push_back(acc);
      acc = 0;
    }
  }
  upper.push_back(INFINITY);
  probs.push_back(acc + (static_cast<double>(hi) < support_max
                             ? boost::math::cdf(boost::math::complement(ref, static_cast<double>(hi)))
                             : 0.0));
  std::vector<int64_t> counts(upper.size(), 0);
  const at::Tensor d = draws.to(at::kDouble).contiguous();
  const double* x = d.data_ptr<double>();
  for (int64_t i = 0; i < d.numel(); ++i) {
    EXPECT_EQ(x[i], std::floor(x[i])) << "non-integer draw";
    counts[static_cast<size_t>(std::lower_bound(upper.begin(), upper.end(), x[i]) - upper.begin())]++;
  }
  // At least two bins besides the tails, for the test to mean something
  // (Poisson(1e-3) has just {0} and {1}).
  EXPECT_GE(counts.size(), 4u);
  return td::testing::chi_square_test(counts, probs);
}

// Runs `draw` once and returns its wall time in ms.
template <class F>
double time_ms(F&& draw, at::Tensor& out) {
  const auto t0 = std::chrono::steady_clock::now();
  out = draw();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

constexpr double kPValue = 1e-4;

TEST(LargeCountSampling, BinomialIsExactForLargeCounts) {
  // Threshold 1e-4 per test: a false-failure rate of 1e-4 for each of the
  // 11 tests (1.1e-3 together); the seeds are fixed, so the outcome is too.
  struct Case {
    double n, p;
    at::ScalarType dtype;
    int64_t draws;
  };
  const std::vector<Case> cases = {
      {1e6, 0.3, at::kDouble, 1000000},   // BTRS
      {1e6, 0.3, at::kFloat, 200000},     // BTRS with float32 parameters
      {1e6, 0.7, at::kDouble, 200000},    // BTRS on n - Bin(n, 1 - p)
      {1e9, 0.3, at::kDouble, 200000},    // sd 14491
      {1e7, 0.5, at::kFloat, 200000},     // float32 counts up to 2^24 are exact
      {20, 0.5, at::kDouble, 200000},     // np = 10: the smallest BTRS case
      {21, 0.45, at::kDouble, 200000},    // np = 9.45: inversion
      {1e6, 9.99e-6, at::kDouble, 200000},  // np < 10: inversion, huge n
      {1e4, 0.9995, at::kDouble, 200000},   // n(1 - p) < 10: inversion from the top
      {1e4, 0.9995, at::kFloat, 200000},
      {1e12, 1e-11, at::kDouble, 200000},   // np = 10 with n ~ 1e12
  };
  uint64_t seed = 1000;
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << "n " << c.n << " p " << c.p << " " << c.dtype);
    // The reference uses the parameters as the dtype holds them.
    const double p = at::full({}, c.p, c.dtype).item<double>();
    const double n = at::full({}, c.n, c.dtype).item<double>();
    at::Tensor x;
    const double ms = time_ms(
        [&] {
          return at::binomial(at::full({c.draws}, c.n, c.dtype), at::full({c.draws}, c.p, c.dtype),
                              seeded_generator(++seed));
        },
        x);
    std::printf("at::binomial(n=%g, p=%g, %s): %.0f ms per 1e6 samples\n", c.n, c.p, c10::toString(c.dtype),
                ms * 1e6 / static_cast<double>(c.draws));
    EXPECT_EQ(x.scalar_type(), c.dtype);
    EXPECT_GT(chi_square_p_value(x, boost::math::binomial_distribution<double>(n, p), n), kPValue);
  }
}

TEST(LargeCountSampling, BinomialFamilySamplesLargeCountsExactlyAndFast) {
  // The family passes its (broadcast) parameters to at::binomial: one
  // 1e6-sample draw of Binomial(1e9, 0.3), timed; and the certain cases.
  td::Binomial b(1e9, td::probs(at::full({}, 0.3, at::kDouble)));
  at::Tensor x;
  const double ms = time_ms([&] { return b.sample({1000000}, seeded_generator(77)); }, x);
  std::printf("td::Binomial(1e9, 0.3).sample({1e6}): %.0f ms\n", ms);
  // Loose: ~150 ms here; a sampler linear in n would need ~1e15 operations.
  EXPECT_LT(ms, 10000.0);
  // Threshold 1e-4: false-failure rate 1e-4 (fixed seed).
  EXPECT_GT(chi_square_p_value(x, boost::math::binomial_distribution<double>(1e9, 0.3), 1e9), kPValue);

  td::Binomial edges(at::tensor({0.0, 5e8, 5e8}, at::kDouble), td::probs(at::tensor({0.5, 0.0, 1.0}, at::kDouble)));
  at::Tensor e = edges.sample({100}, seeded_generator(78));
  EXPECT_TRUE(at::equal(e, at::tensor({0.0, 0.0, 5e8}, at::kDouble).expand({100, 3})));
}

TEST(LargeCountSampling, PoissonIsExactForAllRates) {
  // Threshold 1e-4 per test: a false-failure rate of 1e-4 for each of the
  // 9 tests (9e-4 together); the seeds are fixed, so the outcome is too.
  struct Case {
    double rate;
    at::ScalarType dtype;
    int64_t draws;
  };
  const std::vector<Case> cases = {
      {1e4, at::kDouble, 1000000},  // PTRS
      {1e4, at::kFloat, 200000},    // PTRS with a float32 rate
      {1e-3, at::kDouble, 200000},   // product of uniforms, almost always 0
      {9.99, at::kDouble, 200000},   // the largest product-of-uniforms rate
      {10.0, at::kDouble, 200000},   // the smallest PTRS rate
      {1e7, at::kDouble, 200000},    // sd 3162
      {1e6, at::kFloat, 200000},     // float32 counts up to 2^24 are exact
      {1e9, at::kDouble, 200000},    // sd 31623, counts near 2^30
      {0.5, at::kFloat, 200000},
  };
  uint64_t seed = 2000;
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << "rate " << c.rate << " " << c.dtype);
    const double rate = at::full({}, c.rate, c.dtype).item<double>();
    at::Tensor x;
    const double ms =
        time_ms([&] { return at::poisson(at::full({c.draws}, c.rate, c.dtype), seeded_generator(++seed)); }, x);
    std::printf("at::poisson(rate=%g, %s): %.0f ms per 1e6 samples\n", c.rate, c10::toString(c.dtype),
                ms * 1e6 / static_cast<double>(c.draws));
    EXPECT_EQ(x.scalar_type(), c.dtype);
    EXPECT_GT(chi_square_p_value(x, boost::math::poisson_distribution<double>(rate), INFINITY), kPValue);
  }
  // Rate 0 draws exactly 0.
  EXPECT_TRUE(at::equal(at::poisson(at::zeros({1000}, at::kDouble), seeded_generator(3)), at::zeros({1000}, at::kDouble)));
}

TEST(LargeCountSampling, PoissonFamilySamplesLargeRatesExactlyAndFast) {
  td::Poisson d(at::full({}, 1e7, at::kDouble));
  at::Tensor x;
  const double ms = time_ms([&] { return d.sample({1000000}, seeded_generator(88)); }, x);
  std::printf("td::Poisson(1e7).sample({1e6}): %.0f ms\n", ms);
  // Loose: ~100 ms here; the product-of-uniforms method would need ~1e13
  // uniforms.
  EXPECT_LT(ms, 10000.0);
  // Threshold 1e-4: false-failure rate 1e-4 (fixed seed).
  EXPECT_GT(chi_square_p_value(x, boost::math::poisson_distribution<double>(1e7), INFINITY), kPValue);
}

}  // namespace
