// The kernels' lgamma against independent references: the float kernel
// (fast_lgamma_avx2.h) against std::lgamma in double, rounded to float, over
// every float in [0.5, 8) (where all its reductions meet) and a sample of
// every positive float; the double kernel (fast_math_double_avx2.h, used for
// Beta's log-density of float values) against lgammal in long double. Both
// next to their zeros at 1 and 2, where only relative accuracy is useful,
// and at the values that leave their fast path; the float log1p; and the
// rest of Beta's double math (log, log1p(-x), log B) against long double.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "../../src/kernels/elementwise.h"
#include "../../src/kernels/fast_math.h"

namespace tk = torchdist::detail::kernels;

namespace {

class FastMath : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tk::fast_lgamma(at::ones({1})).defined()) GTEST_SKIP() << "built without the AVX2 kernels or no AVX2 on this CPU";
  }
};

// |got - exact| in units of the spacing of floats at the float nearest to
// exact; 0 only for an exact result where exact is 0, infinite results
// must match.
double float_ulp_error(float got, double exact) {
  const float nearest = static_cast<float>(exact);
  if (std::isinf(nearest)) return got == nearest ? 0.0 : HUGE_VAL;
  if (exact == 0) return got == 0.0f ? 0.0 : HUGE_VAL;
  const double spacing = std::nextafter(std::abs(nearest), std::numeric_limits<float>::infinity()) - std::abs(nearest);
  return std::abs(static_cast<double>(got) - exact) / spacing;
}

at::Tensor float_tensor(std::vector<float>& xs) {
  return at::from_blob(xs.data(), {static_cast<int64_t>(xs.size())}, at::kFloat);
}

// The float kernel's error bound (the header's claim; 2.63 ulp measured).
constexpr double kFloatLgammaUlps = 3.0;

TEST_F(FastMath, FloatLgammaIsWithinThreeUlpsOfEveryFloatInHalfToEight) {
  std::vector<float> xs;
  for (float x = 0.5f; x < 8.0f; x = std::nextafter(x, 9.0f)) xs.push_back(x);  // 2^25 floats
  const at::Tensor out = tk::fast_lgamma(float_tensor(xs));
  const float* y = out.data_ptr<float>();
  double worst = 0;
  float worst_x = 0;
  int64_t within_one = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double e = float_ulp_error(y[i], std::lgamma(static_cast<double>(xs[i])));
    within_one += e < 1.0;
    if (e > worst) worst = e, worst_x = xs[i];
  }
  EXPECT_LT(worst, kFloatLgammaUlps) << "at x = " << worst_x;
  // Most results are as good as a correctly rounded function's (94.5%).
  EXPECT_GT(static_cast<double>(within_one) / xs.size(), 0.9);
}

TEST_F(FastMath, FloatLgammaIsWithinThreeUlpsOverEveryPositiveFloat) {
  std::vector<float> xs;
  std::mt19937 bits(23);
  while (xs.size() < (1u << 21)) {
    const uint32_t b = bits() & 0x7fffffffu;  // positive floats, subnormals to inf and NaN
    float x;
    std::memcpy(&x, &b, sizeof x);
    if (std::isfinite(x) && x > 0) xs.push_back(x);
  }
  // Next to the zeros, where the result is tiny and only its relative error tells.
  for (float zero : {1.0f, 2.0f}) {
    float below = zero, above = zero;
    for (int k = 0; k < 1000; ++k) {
      below = std::nextafter(below, 0.0f), above = std::nextafter(above, 3.0f);
      xs.push_back(below), xs.push_back(above);
    }
    xs.push_back(zero);
  }
  // Past the end of the float range, lgamma overflows to inf.
  for (float x : {4.0e36f, 4.1e36f, 1.0e37f, std::numeric_limits<float>::max()}) xs.push_back(x);
  const at::Tensor out = tk::fast_lgamma(float_tensor(xs));
  const float* y = out.data_ptr<float>();
  for (size_t i = 0; i < xs.size(); ++i) {
    const double e = float_ulp_error(y[i], std::lgamma(static_cast<double>(xs[i])));
    ASSERT_LT(e, kFloatLgammaUlps) << "x = " << xs[i] << ": " << y[i];
  }
}

TEST_F(FastMath, FloatLgammaLeavesPolesAndSpecialsToSleef) {
  // A vector holding any of these goes to Sleef's lgamma whole, the
  // in-range lanes included.
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> xs = {0.0f, -0.0f, -1.0f, -2.5f, -0.5f, inf, -inf, std::nanf(""), 3.5f};
  const at::Tensor out = tk::fast_lgamma(float_tensor(xs));
  for (size_t i = 0; i < xs.size(); ++i) {
    const float got = out[i].item<float>();
    const double want = std::lgamma(static_cast<double>(xs[i]));
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(got)) << xs[i];
    } else {
      EXPECT_LT(float_ulp_error(got, want), 1.0) << xs[i] << ": " << got;
    }
  }
}

// The size of the two large terms the double lgamma sums, (x + 8) log(x + 8)
// and log(x (x + 1) ... (x + 7)): its error is measured against it.
double lgamma_terms(double x) {
  double product = 1;
  for (int k = 0; k < 8; ++k) product *= x + k;
  return (x + 8) * std::log(x + 8) + std::abs(std::log(product));
}

TEST_F(FastMath, DoubleLgammaErrorIsSmallAgainstItsTerms) {
  // The claim: |error| < 1e-15 of the terms it sums (3.7e-16 measured),
  // checked against lgammal (64-bit mantissa, independent of both Sleef and
  // the kernel).
  std::vector<double> xs;
  for (int i = 1; i <= 200000; ++i) xs.push_back(30.0 * i / 200000);  // the Beta range, densely
  std::mt19937_64 rng(29);
  std::uniform_real_distribution<double> log_x(std::log(1e-300), std::log(1e6));
  for (int i = 0; i < 200000; ++i) xs.push_back(std::exp(log_x(rng)));  // and both fallbacks
  for (double zero : {1.0, 2.0}) {
    for (double d : {1e-12, 1e-9, 1e-6}) xs.push_back(zero - d), xs.push_back(zero + d);
  }
  const at::Tensor in = at::from_blob(xs.data(), {static_cast<int64_t>(xs.size())}, at::kDouble);
  const at::Tensor out = tk::fast_lgamma(in);
  const double* y = out.data_ptr<double>();
  for (size_t i = 0; i < xs.size(); ++i) {
    const long double exact = lgammal(static_cast<long double>(xs[i]));
    ASSERT_LT(static_cast<double>(std::abs(y[i] - exact)), 1e-15 * lgamma_terms(xs[i])) << "x = " << xs[i];
  }
  // The zeros themselves are exact.
  std::vector<double> zeros = {1.0, 2.0, 1.0, 2.0};
  const at::Tensor z = tk::fast_lgamma(at::from_blob(zeros.data(), {4}, at::kDouble));
  EXPECT_EQ(z.abs().max().item<double>(), 0.0);
}

TEST_F(FastMath, FloatLog1pIsWithinOneUlp) {
  constexpr double kLog1pUlps = 1.0;  // 0.83 measured
  std::vector<float> xs;
  // Every float in [2^-12, 2^-11) and in (-2^-11, -2^-12] (tiny arguments,
  // where 1 + y rounds), a grid over (-1, 8] and magnitudes down to the
  // smallest subnormal.
  for (float y = 0x1.0p-12f; y < 0x1.0p-11f; y = std::nextafter(y, 1.0f)) xs.push_back(y), xs.push_back(-y);
  const int grid = 1 << 21;
  for (int i = 1; i <= grid; ++i) xs.push_back(static_cast<float>(-1.0 + 9.0 * i / grid));
  for (int e = -149; e < -10; ++e) {
    for (float m : {1.0f, 1.37f, 1.99f}) {
      const float y = std::ldexp(m, e);
      xs.push_back(y), xs.push_back(-y);
    }
  }
  const at::Tensor out = tk::fast_log1p(float_tensor(xs));
  const float* r = out.data_ptr<float>();
  double worst = 0;
  float worst_y = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double e = float_ulp_error(r[i], std::log1p(static_cast<double>(xs[i])));
    if (e > worst) worst = e, worst_y = xs[i];
  }
  EXPECT_LT(worst, kLog1pUlps) << "at y = " << worst_y;
  // The ends: log1p(-1) = -inf, log1p(inf) = inf, NaN and below -1 give NaN.
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> ends = {-1.0f, inf, std::nanf(""), -2.0f, 0.0f};
  const at::Tensor e = tk::fast_log1p(float_tensor(ends));
  EXPECT_EQ(e[0].item<float>(), -inf);
  EXPECT_EQ(e[1].item<float>(), inf);
  EXPECT_TRUE(std::isnan(e[2].item<float>()));
  EXPECT_TRUE(std::isnan(e[3].item<float>()));
  EXPECT_EQ(e[4].item<float>(), 0.0f);
}

TEST_F(FastMath, FloatSoftplusIsWithinThreeUlps) {
  // Against log(1 + e^l) in double (log1p of exp of -|l|, plus max(l, 0)):
  // a geometric grid over [-100, 30] (the result runs from subnormal, where
  // only relative accuracy is useful, to l itself) and the ends.
  constexpr double kSoftplusUlps = 3.0;  // 2.4 measured
  std::vector<float> xs;
  for (float l = 1e-30f; l < 100.0f; l *= 1.0001f) {
    xs.push_back(-l);
    if (l < 30.0f) xs.push_back(l);
  }
  const at::Tensor out = tk::fast_softplus(float_tensor(xs));
  const float* r = out.data_ptr<float>();
  double worst = 0;
  float worst_l = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double l = xs[i];
    const double e = float_ulp_error(r[i], std::max(l, 0.0) + std::log1p(std::exp(-std::abs(l))));
    if (e > worst) worst = e, worst_l = xs[i];
  }
  EXPECT_LT(worst, kSoftplusUlps) << "at l = " << worst_l;
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> end_values = {-inf, inf, std::nanf(""), 0.0f, -200.0f, 200.0f};
  const at::Tensor ends = tk::fast_softplus(float_tensor(end_values));
  EXPECT_EQ(ends[0].item<float>(), 0.0f);
  EXPECT_EQ(ends[1].item<float>(), inf);
  EXPECT_TRUE(std::isnan(ends[2].item<float>()));
  EXPECT_NEAR(ends[3].item<float>(), std::log(2.0f), 1e-7);
  EXPECT_GE(ends[4].item<float>(), 0.0f);  // e^-200 underflows float
  EXPECT_EQ(ends[5].item<float>(), 200.0f);
}

TEST_F(FastMath, DoubleLogIsAccurateAndExactAtOne) {
  // Against logl: absolute error below 4e-16 max(1, |log x|) over every
  // binade (2.7e-16 measured), relative below 1e-15 next to 1 (7.2e-16
  // measured), where the table's subinterval is centred on 1; log 1 = 0.
  std::vector<double> xs;
  std::mt19937_64 rng(31);
  std::uniform_real_distribution<double> log_x(std::log(0x1.0p-1022), std::log(0x1.0p1023));
  for (int i = 0; i < 200000; ++i) xs.push_back(std::exp(log_x(rng)));
  for (int i = -100000; i <= 100000; ++i) xs.push_back(1 + i * 1e-7);
  const at::Tensor y = tk::fast_log(at::from_blob(xs.data(), {static_cast<int64_t>(xs.size())}, at::kDouble));
  const double* got = y.data_ptr<double>();
  for (size_t i = 0; i < xs.size(); ++i) {
    const long double exact = logl(static_cast<long double>(xs[i]));
    const double error = static_cast<double>(std::abs(got[i] - exact));
    if (exact == 0) {
      ASSERT_EQ(got[i], 0.0);
    } else if (std::abs(xs[i] - 1) < 0.01) {
      ASSERT_LT(error, 1e-15 * static_cast<double>(std::abs(exact))) << "x = " << xs[i];
    } else {
      ASSERT_LT(error, 4e-16 * std::max(1.0, static_cast<double>(std::abs(exact)))) << "x = " << xs[i];
    }
  }
}

TEST_F(FastMath, DoubleLog1pOfNegatedIsRelativelyAccurate) {
  // log1p(-x) on [0, 1) against log1pl, relative error below 1e-15 (4.8e-16
  // measured), tiny x included: they must come out as -x, not as the log of
  // the rounded 1 - x.
  std::vector<double> xs = {0.0, 0x1.0p-60, 1e-300, 0.5, 1 - 0x1.0p-53};
  std::mt19937_64 rng(37);
  std::uniform_real_distribution<double> uniform(0, 1), log_x(std::log(1e-300), 0);
  for (int i = 0; i < 100000; ++i) xs.push_back(uniform(rng)), xs.push_back(std::exp(log_x(rng)));
  const at::Tensor y =
      tk::fast_log1p_of_negated(at::from_blob(xs.data(), {static_cast<int64_t>(xs.size())}, at::kDouble));
  const double* got = y.data_ptr<double>();
  for (size_t i = 0; i < xs.size(); ++i) {
    const long double exact = log1pl(-static_cast<long double>(xs[i]));
    if (exact == 0) {
      ASSERT_EQ(got[i], 0.0);
    } else {
      ASSERT_LT(static_cast<double>(std::abs((got[i] - exact) / exact)), 1e-15) << "x = " << xs[i];
    }
  }
}

TEST_F(FastMath, DoubleLbetaErrorIsSmallAgainstItsTerms) {
  // log B(a, b) against lgammal(a) + lgammal(b) - lgammal(a + b): error
  // below 1e-15 of the terms of the three lgammas it stands for (2.9e-16
  // measured), on Beta's usual range densely, a wide log-uniform sample, and
  // pairs outside the one-log path (a below 2^-400, b above 2^20).
  std::vector<double> as, bs;
  std::mt19937_64 rng(41);
  std::uniform_real_distribution<double> dense(0.01, 30), log_x(std::log(1e-100), std::log(1e6));
  for (int i = 0; i < 100000; ++i) as.push_back(dense(rng)), bs.push_back(dense(rng));
  for (int i = 0; i < 100000; ++i) as.push_back(std::exp(log_x(rng))), bs.push_back(std::exp(log_x(rng)));
  for (double wide : {1e-300, 1e-150, 0x1.0p21, 1e7}) {
    for (double other : {0.5, 3.0, 1e5}) as.push_back(wide), bs.push_back(other), as.push_back(other), bs.push_back(wide);
  }
  const auto n = static_cast<int64_t>(as.size());
  const at::Tensor y = tk::fast_lbeta(at::from_blob(as.data(), {n}, at::kDouble), at::from_blob(bs.data(), {n}, at::kDouble));
  const double* got = y.data_ptr<double>();
  for (int64_t i = 0; i < n; ++i) {
    const long double a = as[i], b = bs[i];
    const long double exact = lgammal(a) + lgammal(b) - lgammal(a + b);
    const double terms = lgamma_terms(as[i]) + lgamma_terms(bs[i]) + lgamma_terms(as[i] + bs[i]);
    ASSERT_LT(static_cast<double>(std::abs(got[i] - exact)), 1e-15 * terms) << "a = " << as[i] << ", b = " << bs[i];
  }
}

}  // namespace
