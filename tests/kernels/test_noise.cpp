// The noise kernels' random stream and the Gumbel noise kernel: the scalar
// Philox against the published known-answer vectors (Random123's
// kat_vectors), xoshiro128++ against its first outputs worked by hand, the
// AVX2 kernel against the scalar definition (random_stream.h) word for word
// (float and double, across substreams), the stream's independence of the thread count, the
// noise's distribution (Kolmogorov-Smirnov) and lack of correlation, seeding,
// and the accuracy of the kernels' float log (every float in [0.5, 2)) and
// exp (a dense grid over its range); the exponential and uniform noise
// against their scalar definitions and laws.

#include <gtest/gtest.h>

#include <ATen/Parallel.h>

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <torchdist/torchdist.h>

#include "../../src/kernels/elementwise.h"
#include "../../src/kernels/fast_math.h"
#include "../../src/kernels/samplers.h"
#include "../../src/kernels/random_stream.h"
#include "../support/testing.h"

namespace td = torchdist;
namespace tk = torchdist::detail::kernels;
using td::testing::all_close;

namespace {

TEST(Philox, MatchesThePublishedKnownAnswers) {
  struct Case {
    tk::PhiloxCounter counter;
    tk::PhiloxKey key;
    tk::PhiloxCounter expected;
  };
  const Case cases[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const Case& c : cases) EXPECT_EQ(tk::philox4x32(c.counter, c.key), c.expected);
}

TEST(Xoshiro128pp, FirstOutputsFromTheAlgorithm) {
  // From state (1, 2, 3, 4): rotl(1 + 4, 7) + 1 = 641; the state becomes
  // (7, 0, 1026, rotl(6, 11) = 12288), so the next is rotl(12295, 7) + 7.
  std::array<uint32_t, 4> state = {1, 2, 3, 4};
  EXPECT_EQ(tk::xoshiro128pp_next(state), 641u);
  EXPECT_EQ(state, (std::array<uint32_t, 4>{7, 0, 1026, 12288}));
  EXPECT_EQ(tk::xoshiro128pp_next(state), 12295u * 128u + 7u);
}

TEST(Philox, UniformsFromWordsCoverTheHalfOpenInterval) {
  EXPECT_EQ(tk::uniform_float_from_word(0), 0x1.0p-24f);
  EXPECT_EQ(tk::uniform_float_from_word(0xffffffffu), 1.0f);
  EXPECT_EQ(tk::uniform_double_from_words(0, 0), 0x1.0p-53);
  EXPECT_EQ(tk::uniform_double_from_words(0xffffffffu, 0xffffffffu), 1.0);
}

class NoiseKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tk::gumbel_noise_with_key({1}, at::kFloat, 1, 0.5, 0.5).defined()) {
      GTEST_SKIP() << "built without the AVX2 kernels or no AVX2 on this CPU";
    }
  }
};

double gumbel_of(double u, double lo, double hi) { return -std::log(-std::log(std::min(std::max(u, lo), hi))); }

TEST_F(NoiseKernel, FloatNoiseIsTheScalarDefinition) {
  const double eps = std::numeric_limits<float>::epsilon();
  for (uint64_t key : {uint64_t{0}, uint64_t{0x0123456789abcdefULL}, ~uint64_t{0}}) {
    const int64_t n = 3 * tk::kSubstreamWords + 13;  // a tail shorter than a vector
    const at::Tensor got = tk::gumbel_noise_with_key({n}, at::kFloat, key, eps, 1 - eps);
    std::vector<double> expected(n);
    for (int64_t i = 0; i < n; ++i) {
      const float u = tk::uniform_float_from_word(tk::stream_word(key, i));
      // The kernel's logs run in float: -log(u) rounds once (relative 6e-8),
      // which moves the result by about 6e-8 in absolute terms.
      expected[i] = gumbel_of(u, eps, 1 - eps);
    }
    EXPECT_TRUE(all_close(got.to(at::kDouble), td::testing::tensor_of(expected, {n}), 3e-7, 3e-7)) << key;
  }
}

TEST_F(NoiseKernel, DoubleNoiseIsTheScalarDefinition) {
  const double eps = std::numeric_limits<double>::epsilon(), tiny = std::numeric_limits<double>::min();
  const uint64_t key = 0xfeedfacecafebeefULL;
  const int64_t n = tk::kSubstreamWords + 7;  // two substreams
  const at::Tensor got = tk::gumbel_noise_with_key({n}, at::kDouble, key, tiny, 1 - eps);
  std::vector<double> expected(n);
  for (int64_t i = 0; i < n; ++i) {
    const double u = tk::uniform_double_from_words(tk::stream_word(key, 2 * i), tk::stream_word(key, 2 * i + 1));
    expected[i] = gumbel_of(u, tiny, 1 - eps);
  }
  EXPECT_TRUE(all_close(got, td::testing::tensor_of(expected, {n}), 1e-14, 1e-14));
}

// Exponential noise, float and double, from the double uniforms of words 2i
// and 2i + 1; uniform noise from the float or double uniforms, clamped.
TEST_F(NoiseKernel, ExponentialAndUniformNoiseAreTheScalarDefinition) {
  const uint64_t key = 0x0123456789abcdefULL;
  const int64_t n = tk::kSubstreamWords + 7;  // two substreams, a partial vector
  std::vector<double> exponential(n), uniform_double(n), uniform_float(n);
  for (int64_t i = 0; i < n; ++i) {
    const double u = tk::uniform_double_from_words(tk::stream_word(key, 2 * i), tk::stream_word(key, 2 * i + 1));
    exponential[i] = -std::log(u);
    uniform_double[i] = std::min(std::max(u, 1e-3), 0.999);
    uniform_float[i] = std::min(std::max<double>(tk::uniform_float_from_word(tk::stream_word(key, i)), 1e-3), 0.999);
  }
  const at::Tensor e_double = tk::exponential_noise_with_key({n}, at::kDouble, key);
  EXPECT_TRUE(all_close(e_double, td::testing::tensor_of(exponential, {n}), 1e-15, 1e-15));
  // Float: element 8 t + l of a substream from lane l's words at steps 2 t
  // and 2 t + 1; the kernel's float log is within an ulp or two.
  const int64_t per_substream = tk::kSubstreamWords / 2, m = 2 * per_substream + 13;
  std::vector<double> exponential_float(m);
  for (int64_t s = 0; s * per_substream < m; ++s) {
    tk::SubstreamLanes lanes(key, static_cast<uint64_t>(s));
    for (int64_t j = 0; j < per_substream && s * per_substream + j < m; j += tk::kStreamLanes) {
      const auto hi = lanes.next(), lo = lanes.next();
      for (int64_t l = 0; l < tk::kStreamLanes && s * per_substream + j + l < m; ++l) {
        exponential_float[s * per_substream + j + l] = -std::log(tk::fine_uniform_float_from_words(hi[l], lo[l]));
      }
    }
  }
  const at::Tensor e_float = tk::exponential_noise_with_key({m}, at::kFloat, key);
  EXPECT_TRUE(all_close(e_float.to(at::kDouble), td::testing::tensor_of(exponential_float, {m}), 3e-7, 1e-7));
  EXPECT_TRUE(at::equal(tk::uniform_noise_with_key({n}, at::kDouble, key, 1e-3, 0.999),
                        td::testing::tensor_of(uniform_double, {n})));
  EXPECT_TRUE(at::equal(tk::uniform_noise_with_key({n}, at::kFloat, key, 1e-3, 0.999),
                        td::testing::tensor_of(uniform_float, {n}).to(at::kFloat)));
}

// The fine float uniform spans (0, 1] with 56 bits: its smallest value is
// 2^-56 (an exponential of 38.8, where 24-bit uniforms stop at 16.6), its
// largest 1, and it keeps a float's relative precision below 2^-24.
TEST(Philox, FineUniformFloatsReachTwoToTheMinus56) {
  EXPECT_EQ(tk::fine_uniform_float_from_words(0, 0), 0x1.0p-56f);
  EXPECT_EQ(tk::fine_uniform_float_from_words(0xFFFFFFFFu, 0xFFFFFFFFu), 1.0f);
  EXPECT_EQ(tk::fine_uniform_float_from_words(0, 0x300u), 4 * 0x1.0p-56f);
  const uint64_t bits = (uint64_t{0x12} << 24) | (0xABCDEF12u >> 8);
  EXPECT_EQ(tk::fine_uniform_float_from_words(0x12u, 0xABCDEF12u),
            static_cast<float>(static_cast<double>(bits + 1) * 0x1.0p-56));
}

// Kolmogorov-Smirnov at 1e-4, as the Gumbel noise's.
TEST_F(NoiseKernel, NoiseIsStandardExponentialAndUniform) {
  at::Generator gen = td::testing::seeded_generator(2027);
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    const at::TensorOptions options = at::TensorOptions().dtype(dtype);
    const at::Tensor e = tk::fused_exponential_noise({200000}, options, gen);
    ASSERT_TRUE(e.defined());
    EXPECT_GT(td::testing::ks_test(td::testing::to_vector(e), [](double x) { return -std::expm1(-x); }), 1e-4);
    EXPECT_GE(e.min().item<double>(), 0.0);
    EXPECT_FALSE(e.signbit().any().item<bool>());
    const at::Tensor u = tk::fused_uniform_noise({200000}, options, gen, 1e-30, 1.0);
    ASSERT_TRUE(u.defined());
    EXPECT_GT(td::testing::ks_test(td::testing::to_vector(u), [](double x) { return x; }), 1e-4);
    EXPECT_GT(u.min().item<double>(), 0.0);
    EXPECT_LE(u.max().item<double>(), 1.0);
  }
}

TEST_F(NoiseKernel, ClampsTheUniforms) {
  // With lo = hi every element is the noise of that one uniform.
  const at::Tensor got = tk::gumbel_noise_with_key({100}, at::kFloat, 7, 0.25, 0.25);
  EXPECT_TRUE(all_close(got.to(at::kDouble), at::full({100}, gumbel_of(0.25, 0.25, 0.25), at::kDouble), 2e-7, 2e-7));
}

TEST_F(NoiseKernel, StreamDoesNotDependOnTheThreadCount) {
  const int64_t n = 1 << 20;  // many grains of at::parallel_for
  const int previous = at::get_num_threads();
  at::set_num_threads(1);
  const at::Tensor one = tk::gumbel_noise_with_key({n}, at::kFloat, 42, 1e-7, 1 - 1e-7);
  at::set_num_threads(2);
  const at::Tensor two = tk::gumbel_noise_with_key({n}, at::kFloat, 42, 1e-7, 1 - 1e-7);
  at::set_num_threads(previous);
  EXPECT_TRUE(at::equal(one, two));
}

double gumbel_cdf(double x) { return std::exp(-std::exp(-x)); }

// Kolmogorov-Smirnov at 1e-4: a false failure once in 10^4 runs per check
// (the generator is seeded, so a given build passes or fails every time).
TEST_F(NoiseKernel, NoiseIsStandardGumbel) {
  at::Generator gen = td::testing::seeded_generator(2026);
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    const double eps = dtype == at::kFloat ? 1.1920928955078125e-07 : 2.220446049250313e-16;
    const at::Tensor g =
        tk::fused_gumbel_noise({200000}, at::TensorOptions().dtype(dtype), gen, eps, 1 - eps);
    ASSERT_TRUE(g.defined());
    EXPECT_GT(td::testing::ks_test(td::testing::to_vector(g), gumbel_cdf), 1e-4) << dtype;
    // The mean is the Euler-Mascheroni constant, the variance pi^2 / 6.
    const double mean = g.mean().item<double>(), var = g.var().item<double>();
    const double se_mean = std::sqrt(M_PI * M_PI / 6 / 200000);
    EXPECT_NEAR(mean, 0.5772156649015329, 5 * se_mean) << dtype;
    EXPECT_NEAR(var, M_PI * M_PI / 6, 0.05) << dtype;
  }
}

// Neighbours in the stream come from the next lane (lag 1), the next step of
// the same lane (lag 8) or the next substream (lag 1024 and the words across
// each boundary): none may be correlated. |r| < 5 / sqrt(n): a false failure
// about once in 10^6 per lag.
TEST_F(NoiseKernel, NeighboursAreUncorrelated) {
  const int64_t n = 1 << 20;
  const at::Tensor g = tk::gumbel_noise_with_key({n}, at::kFloat, 99, 1e-7, 1 - 1e-7).to(at::kDouble);
  for (int64_t lag : {1, 2, 7, 8, 9, 16, 64, 1016, 1024, 1032}) {
    const at::Tensor a = g.narrow(0, 0, n - lag), b = g.narrow(0, lag, n - lag);
    const at::Tensor centered_a = a - a.mean(), centered_b = b - b.mean();
    const double r = ((centered_a * centered_b).sum() / (centered_a.norm() * centered_b.norm())).item<double>();
    EXPECT_LT(std::abs(r), 5 / std::sqrt(static_cast<double>(n))) << "lag " << lag;
  }
}

TEST_F(NoiseKernel, SeedingReproducesAndCallsDiffer) {
  const auto draw = [](at::Generator& gen) {
    return tk::fused_gumbel_noise({1000}, at::TensorOptions().dtype(at::kFloat), gen, 1e-7, 1 - 1e-7);
  };
  at::Generator a = td::testing::seeded_generator(5), b = td::testing::seeded_generator(5);
  const at::Tensor first = draw(a);
  EXPECT_TRUE(at::equal(first, draw(b)));
  EXPECT_FALSE(at::equal(first, draw(a)));
}

TEST_F(NoiseKernel, FallsBackWhereTheKernelDoesNotApply) {
  EXPECT_FALSE(tk::fused_gumbel_noise({4}, at::TensorOptions().dtype(at::kHalf), c10::nullopt, 1e-3, 0.999).defined());
  const bool previous = tk::set_fused_kernels_enabled(false);
  EXPECT_FALSE(tk::fused_gumbel_noise({4}, at::TensorOptions().dtype(at::kFloat), c10::nullopt, 1e-7, 0.9).defined());
  // The public function still works, by at::rand.
  const at::Tensor g = td::gumbel_noise({1000}, at::TensorOptions().dtype(at::kFloat));
  tk::set_fused_kernels_enabled(previous);
  EXPECT_TRUE(at::isfinite(g).all().item<bool>());
}

// Distance in representable floats between `got` and the float nearest to
// the exact value, measured in units of that float's spacing.
double ulp_error(float got, double exact) {
  const float nearest = static_cast<float>(exact);
  const double spacing = std::nextafter(std::abs(nearest), std::numeric_limits<float>::infinity()) - std::abs(nearest);
  return std::abs(static_cast<double>(got) - exact) / spacing;
}

// Whether out[i] is within one ulp of exact(xs[i]) for every i (an exact 0
// must come out as 0); names the worst x otherwise.
::testing::AssertionResult within_one_ulp(const std::vector<float>& xs, const at::Tensor& out,
                                          double (*exact)(double)) {
  const float* y = out.data_ptr<float>();
  double worst = 0;
  float worst_x = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double want = exact(static_cast<double>(xs[i]));
    const double e = want == 0 ? (y[i] == 0.0f ? 0.0 : HUGE_VAL) : ulp_error(y[i], want);
    if (e > worst) worst = e, worst_x = xs[i];
  }
  if (worst < 1.0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << worst << " ulp at x = " << worst_x;
}

TEST_F(NoiseKernel, FastLogIsWithinOneUlp) {
  std::vector<float> xs;
  for (float x = 0.5f; x < 2.0f; x = std::nextafter(x, 3.0f)) xs.push_back(x);  // every float there: 2^24
  std::mt19937 bits(17);
  for (int i = 0; i < (1 << 20); ++i) {
    const uint32_t b = bits() & 0x7fffffffu;  // any positive float, subnormals included
    float x;
    std::memcpy(&x, &b, sizeof x);
    if (std::isfinite(x) && x > 0) xs.push_back(x);
  }
  const at::Tensor in = at::from_blob(xs.data(), {static_cast<int64_t>(xs.size())}, at::kFloat);
  EXPECT_TRUE(within_one_ulp(xs, tk::fast_log(in), [](double x) { return std::log(x); }));
}

TEST_F(NoiseKernel, FastLogSpecialValuesAreStdLogs) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> xs = {0.0f, -0.0f, -1.0f, -inf, inf, std::nanf(""), 1e-45f, 1e-40f, 1.0f, 3.4e38f, 5.0f};
  const at::Tensor out = tk::fast_log(at::tensor(xs));
  for (size_t i = 0; i < xs.size(); ++i) {
    const float got = out[i].item<float>(), want = std::log(xs[i]);
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(got)) << xs[i];
    } else if (std::isinf(want)) {
      EXPECT_EQ(got, want) << xs[i];
    } else {
      EXPECT_LT(ulp_error(got, std::log(static_cast<double>(xs[i]))), 1.0) << xs[i];
    }
  }
}

TEST_F(NoiseKernel, FastExpIsWithinOneUlp) {
  std::vector<float> xs;
  // Every float in [1, 1 + 2^-7] and [-1 - 2^-7, -1] (a whole binade of
  // reduced arguments each) and a grid of 2^21 points over the range where
  // exp is a normal float, plus both ends.
  for (float x = 1.0f; x <= 1.0f + 0x1.0p-7f; x = std::nextafter(x, 2.0f)) xs.push_back(x), xs.push_back(-x);
  const int grid = 1 << 21;
  for (int i = 0; i <= grid; ++i) xs.push_back(static_cast<float>(-87.3 + (88.7 + 87.3) * i / grid));
  const at::Tensor in = at::from_blob(xs.data(), {static_cast<int64_t>(xs.size())}, at::kFloat);
  EXPECT_TRUE(within_one_ulp(xs, tk::fast_exp(in), [](double x) { return std::exp(x); }));
}

TEST_F(NoiseKernel, FastExpSpecialValuesAreStdExps) {
  const float inf = std::numeric_limits<float>::infinity();
  // Past the ends: overflow to inf, subnormal results and underflow to 0.
  const std::vector<float> xs = {-inf, inf, std::nanf(""), 0.0f, -0.0f, 88.8f, 100.0f, -87.5f, -100.0f, -104.0f, -200.0f};
  const at::Tensor out = tk::fast_exp(at::tensor(xs));
  for (size_t i = 0; i < xs.size(); ++i) {
    const float got = out[i].item<float>(), want = std::exp(xs[i]);
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(got)) << xs[i];
    } else if (std::isinf(want)) {
      EXPECT_EQ(got, want) << xs[i];
    } else if (want < std::numeric_limits<float>::min()) {
      EXPECT_NEAR(got, want, std::numeric_limits<float>::denorm_min() * 2) << xs[i];
    } else {
      EXPECT_LT(ulp_error(got, std::exp(static_cast<double>(xs[i]))), 1.0) << xs[i];
    }
  }
}

}  // namespace
