// The kernels' lgamma against independent references: the float kernel
// (fast_lgamma_avx2.h) against std::lgamma in double, rounded to float, over
// every float in [0.5, 8) (where all its reductions meet) and a sample of
// every positive float; the double kernel (fast_math_double_avx2.h, used for
// Beta's log-density of float values) against lgammal in long double. Both
// next to their zeros at 1 and 2, where only relative accuracy is useful,
// and at the values that leave their fast path.

#include <gtest/gtest.h>

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

TEST_F(FastMath, DoubleLgammaErrorIsSmallAgainstItsTerms) {
  // The claim: |error| < 1e-15 (x + 8) log(x + 8), the size of the
  // Stirling term it sums (5.2e-16 of it measured), checked against lgammal
  // (64-bit mantissa, independent of both Sleef and the kernel).
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
    const double scale = (xs[i] + 8) * std::log(xs[i] + 8);
    ASSERT_LT(static_cast<double>(std::abs(y[i] - exact)), 1e-15 * scale) << "x = " << xs[i];
  }
  // The zeros themselves are exact.
  std::vector<double> zeros = {1.0, 2.0, 1.0, 2.0};
  const at::Tensor z = tk::fast_lgamma(at::from_blob(zeros.data(), {4}, at::kDouble));
  EXPECT_EQ(z.abs().max().item<double>(), 0.0);
}

}  // namespace
