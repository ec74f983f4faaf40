// KL rules across continuous families, p on a bounded interval: Beta,
// ContinuousBernoulli and Uniform against the other families.

#include "test_kl_cross_continuous_support.h"

using namespace kl_cross_testing;

namespace {

const Family kBeta = beta_family(), kCB = continuous_bernoulli_family(), kExp = exponential_family(),
             kGamma = gamma_family(), kGumbel = gumbel_family(), kNormal = normal_family(), kPareto = pareto_family(),
             kUniform = uniform_family();

// Points are p's parameters, then q's. The first point of each case is also
// the shape/dtype point, so it stays away from boundaries and narrow
// intervals (float32 rounding of those moves the value).
const std::vector<FiniteCase> kFiniteCases = {
    // Beta(a, b)
    {kBeta,
     kCB,
     {{2, 3, 0.3}, {0.5, 0.8, 0.7}, {5, 1.5, 0.5003}, {1, 1, 0.9}, {30, 20, 0.1}},
     {{2, 3, 0.3}, {0.5, 0.8, 0.7}, {5, 1.5, 0.5003}},
     {}},
    {kBeta, kExp, {{2, 3, 1.5}, {0.5, 0.8, 0.2}, {30, 20, 4}}, {{2, 3, 1.5}, {0.5, 0.8, 0.2}, {30, 20, 4}}, {}},
    {kBeta,
     kGamma,
     {{2, 3, 2, 1.5}, {0.5, 0.8, 0.7, 3}, {30, 20, 5, 8}, {1.5, 4, 1, 2}},
     {{2, 3, 2, 1.5}, {0.5, 0.8, 0.7, 3}, {30, 20, 5, 8}},
     {}},
    {kBeta,
     kNormal,
     {{2, 3, 0.4, 0.5}, {0.5, 0.8, -1, 2}, {30, 20, 0.6, 0.07}},
     {{2, 3, 0.4, 0.5}, {0.5, 0.8, -1, 2}, {30, 20, 0.6, 0.07}},
     {}},
    {kBeta,
     kUniform,
     {{2, 3, -0.5, 1.5}, {0.5, 0.8, 0, 1}, {30, 20, -2, 1}},
     {{2, 3, -0.5, 1.5}, {0.5, 0.8, 0, 1}},
     {{2, 3, -0.5, 1.5}, {30, 20, -2, 1.2}}},
    // ContinuousBernoulli(lambda), 0.5003 inside the Taylor region (0.499, 0.501]
    {kCB,
     kExp,
     {{0.3, 1.5}, {0.9, 0.2}, {0.5003, 3}, {0.02, 10}},
     {{0.3, 1.5}, {0.9, 0.2}, {0.5003, 3}, {0.02, 10}},
     {}},
    {kCB,
     kNormal,
     {{0.3, 0.4, 0.5}, {0.9, -1, 2}, {0.5003, 0.5, 0.3}},
     {{0.3, 0.4, 0.5}, {0.9, -1, 2}, {0.5003, 0.5, 0.3}},
     {}},
    {kCB,
     kUniform,
     {{0.3, -0.5, 1.5}, {0.9, 0, 1}, {0.5003, -1, 1}},
     {{0.3, -0.5, 1.5}, {0.9, 0, 1}},
     {{0.3, -0.5, 1.5}, {0.5003, -1, 1.1}}},
    // Uniform(lo, hi)
    {kUniform,
     kBeta,
     {{0.2, 0.7, 2, 3}, {0, 1, 0.5, 0.8}, {0.3, 0.30001, 5, 3}, {0.9, 1, 2, 0.5}, {0, 0.1, 0.5, 2}},
     {{0.2, 0.7, 2, 3}, {0.05, 0.95, 0.5, 0.8}, {0.6, 0.9, 5, 3}},
     {{0.2, 0.7, 2, 3}, {0.3, 0.31, 5, 3}, {0.05, 0.95, 0.5, 0.8}}},
    {kUniform,
     kCB,
     {{0.2, 0.7, 0.3}, {0, 1, 0.8}, {0.1, 0.4, 0.5003}},
     {{0.2, 0.7, 0.3}, {0.05, 0.95, 0.8}, {0.1, 0.4, 0.5003}},
     {{0.2, 0.7, 0.3}, {0.1, 0.4, 0.5003}}},
    {kUniform,
     kExp,
     {{1, 3, 0.3}, {0, 2, 1.5}, {0.5, 0.50001, 2}},
     {{1, 3, 0.3}, {0, 2, 1.5}},
     {{1, 3, 0.3}, {0.5, 0.6, 2}}},
    {kUniform,
     kGamma,
     {{1, 3, 0.5, 2}, {0, 2, 2, 1.5}, {0.5, 0.50001, 3, 2}, {2, 10, 8, 1}},
     {{1, 3, 0.5, 2}, {2, 10, 8, 1}, {0.1, 2, 2, 1.5}},
     {{1, 3, 0.5, 2}, {2, 10, 8, 1}, {0.5, 0.6, 3, 2}}},
    {kUniform,
     kGumbel,
     {{-1, 2, 0.5, 1.5}, {0, 1, 3, 0.5}, {5, 5.0001, 4, 2}, {-3, -1, 0, 1}},
     {{-1, 2, 0.5, 1.5}, {0, 1, 3, 0.5}, {-3, -1, 0, 1}},
     {{-1, 2, 0.5, 1.5}, {0, 1, 3, 0.5}, {5, 5.1, 4, 2}, {-3, -1, 0, 1}}},
    {kUniform,
     kNormal,
     {{-1, 2, 0.5, 1.5}, {0, 1, 3, 0.5}, {5, 5.0001, 4, 2}},
     {{-1, 2, 0.5, 1.5}, {0, 1, 3, 0.5}},
     {{-1, 2, 0.5, 1.5}, {0, 1, 3, 0.5}, {5, 5.1, 4, 2}}},
    // Pareto parameters (x_m, alpha)
    {kUniform,
     kPareto,
     {{1, 3, 1, 2}, {2, 5, 1, 0.5}, {1.5, 1.50001, 1, 3}, {3, 30, 2, 5}},
     {{1, 3, 1, 2}, {2, 5, 1, 0.5}, {3, 30, 2, 5}},
     {{1.5, 3, 1, 2}, {2, 5, 1, 0.5}, {3, 30, 2, 5}}},
};

const std::vector<InfiniteCase> kInfiniteCases = {
    {kBeta, kPareto, {2, 3, 1, 2}},
    {kCB, kPareto, {0.3, 0.5, 2}},  // Pareto with x_m < 1 still leaves (0, x_m) uncovered
};

}  // namespace

INSTANTIATE_TEST_SUITE_P(Bounded, KlCrossFinite, ::testing::ValuesIn(kFiniteCases), CaseName());
INSTANTIATE_TEST_SUITE_P(Bounded, KlCrossInfinite, ::testing::ValuesIn(kInfiniteCases), CaseName());
KL_CROSS_DEFINE_PARAMETERIZED_TESTS()

namespace {

// kl(params) has +inf exactly where `infinite` says, and the gradient of the
// sum of its finite elements is finite everywhere (no NaN from the masked
// ones) and zero in the masked elements' own parameters.
void expect_masked(const std::function<at::Tensor(const std::vector<at::Tensor>&)>& make_kl,
                   std::vector<at::Tensor> params, const std::vector<bool>& infinite) {
  for (at::Tensor& t : params) t = t.clone().requires_grad_(true);
  const at::Tensor kl = make_kl(params);
  ASSERT_EQ(kl.numel(), static_cast<int64_t>(infinite.size()));
  std::vector<double> values = td::testing::to_vector(kl);
  for (size_t i = 0; i < infinite.size(); ++i) {
    EXPECT_EQ(std::isinf(values[i]) && values[i] > 0, infinite[i]) << "element " << i << ": " << values[i];
    if (!infinite[i]) {
      EXPECT_TRUE(std::isfinite(values[i])) << "element " << i;
    }
  }
  at::Tensor finite_mask = kl.isfinite();
  at::where(finite_mask, kl, at::zeros_like(kl)).sum().backward();
  for (size_t k = 0; k < params.size(); ++k) {
    const at::Tensor g = params[k].grad();
    ASSERT_TRUE(g.defined()) << "parameter " << k;
    EXPECT_TRUE(g.isfinite().all().item<bool>()) << "parameter " << k << ": " << g;
    if (g.numel() == kl.numel()) {
      EXPECT_TRUE((g.reshape({-1}).masked_select(finite_mask.logical_not().reshape({-1})) == 0).all().item<bool>())
          << "parameter " << k << ": " << g;
    }
  }
}

at::Tensor t(std::vector<double> v) { return td::testing::tensor_of(v, {static_cast<int64_t>(v.size())}); }

}  // namespace

// Beta and ContinuousBernoulli against a Uniform: +inf where [low, high]
// does not cover [0, 1]; sharing an end with [0, 1] is fine.
TEST(KlCrossBounded, UnitIntervalAgainstUniformIsInfiniteWhereUncovered) {
  const std::vector<bool> pattern = {false, false, true, true, false};
  const at::Tensor lo = t({-1, 0, 0.1, -1, 0}), hi = t({2, 1, 2, 0.9, 1.5});
  expect_masked(
      [](const std::vector<at::Tensor>& p) { return td::kl_divergence(td::Beta(p[0], p[1]), td::Uniform(p[2], p[3])); },
      {t({2, 2, 2, 2, 2}), t({3, 3, 3, 3, 3}), lo, hi}, pattern);
  expect_masked(
      [](const std::vector<at::Tensor>& p) {
        return td::kl_divergence(td::ContinuousBernoulli(td::probs(p[0])), td::Uniform(p[1], p[2]));
      },
      {t({0.3, 0.3, 0.3, 0.3, 0.3}), lo, hi}, pattern);
}

// torch 1.13 returns +inf for ContinuousBernoulli || Uniform(0, 1) (it tests
// low >= 0 or high <= 1); the divergence is -H(p).
TEST(KlCrossBounded, ContinuousBernoulliAgainstUnitUniformIsMinusEntropy) {
  td::ContinuousBernoulli p(td::probs(t({0.3, 0.9, 0.5003})));
  const at::Tensor kl = td::kl_divergence(p, td::Uniform(0.0, 1.0));
  std::vector<double> values = td::testing::to_vector(kl);
  const std::vector<double> lambdas = {0.3, 0.9, 0.5003};
  for (size_t i = 0; i < lambdas.size(); ++i) {
    const double expected = quadrature_kl(kCB, {lambdas[i]}, kUniform, {0.0, 1.0});
    // Near lambda = 1/2 the divergence is tiny (6e-8 at 0.5003): absolute accuracy.
    EXPECT_NEAR(values[i], expected, 1e-10 * std::max(std::abs(expected), 1e-3)) << lambdas[i];
  }
}

// Uniform against Beta, ContinuousBernoulli, Exponential, Gamma, Pareto: +inf
// where p's interval leaves q's support, elementwise.
TEST(KlCrossBounded, UniformIsInfiniteWhereItLeavesTheSupport) {
  expect_masked(
      [](const std::vector<at::Tensor>& p) { return td::kl_divergence(td::Uniform(p[0], p[1]), td::Beta(p[2], p[3])); },
      {t({0.2, -0.1, 0.5, -1, 0}), t({0.7, 0.5, 1.2, 2, 1}), t({2, 2, 2, 2, 0.5}), t({3, 3, 3, 3, 0.5})},
      {false, true, true, true, false});
  expect_masked(
      [](const std::vector<at::Tensor>& p) {
        return td::kl_divergence(td::Uniform(p[0], p[1]), td::ContinuousBernoulli(td::probs(p[2])));
      },
      {t({0.2, -0.1, 0.5, 0}), t({0.7, 0.5, 1.2, 1}), t({0.3, 0.3, 0.3, 0.3})}, {false, true, true, false});
  expect_masked(
      [](const std::vector<at::Tensor>& p) {
        return td::kl_divergence(td::Uniform(p[0], p[1]), td::Exponential(p[2]));
      },
      {t({1, -1, -2, 0}), t({3, 1, -1, 2}), t({0.3, 0.3, 0.3, 0.3})}, {false, true, true, false});
  // lo = -1, hi = 1: the midpoint 0 would make log(x) terms NaN if evaluated.
  expect_masked(
      [](const std::vector<at::Tensor>& p) {
        return td::kl_divergence(td::Uniform(p[0], p[1]), td::Gamma(p[2], p[3]));
      },
      {t({1, -1, -2, 0}), t({3, 1, -1, 2}), t({0.5, 0.5, 0.5, 2}), t({2, 2, 2, 1})}, {false, true, true, false});
  expect_masked(
      [](const std::vector<at::Tensor>& p) {
        return td::kl_divergence(td::Uniform(p[0], p[1]), td::Pareto(p[2], p[3]));
      },
      {t({1, 0.5, -1, 2}), t({3, 3, 3, 3}), t({1, 1, 1, 2}), t({2, 2, 2, 2})}, {false, true, true, false});
}

// lo = 0 or hi = 1: torch 1.13 evaluates 0 * log 0 and returns NaN for
// Uniform || Beta and Uniform || Gamma (and +inf for Uniform || CB). The
// values match quadrature (checked among the points above); here the
// derivative in the other end is checked too, against finite differences
// that keep the boundary end fixed.
TEST(KlCrossBounded, UniformTouchingZeroOrOneHasExactValueAndGradient) {
  auto check = [](const std::function<at::Tensor(const at::Tensor&)>& kl_of_free_end, double free_end) {
    const at::Tensor x = at::scalar_tensor(free_end, at::kDouble);
    const at::Tensor value = kl_of_free_end(x);
    EXPECT_TRUE(std::isfinite(value.item<double>()));
    EXPECT_TRUE(td::testing::all_close(td::testing::autograd_grad(kl_of_free_end, x),
                                       td::testing::finite_difference_grad(kl_of_free_end, x), 1e-6, 1e-8));
  };
  check([](const at::Tensor& hi) { return td::kl_divergence(td::Uniform(0.0, hi), td::Beta(2.0, 3.0)); }, 0.6);
  check([](const at::Tensor& lo) { return td::kl_divergence(td::Uniform(lo, 1.0), td::Beta(2.0, 0.5)); }, 0.4);
  check([](const at::Tensor& hi) { return td::kl_divergence(td::Uniform(0.0, hi), td::Gamma(0.5, 2.0)); }, 3.0);
  check(
      [](const at::Tensor& hi) {
        return td::kl_divergence(td::Uniform(0.0, hi), td::ContinuousBernoulli(td::probs(0.2)));
      },
      0.7);
  // The derivative in lo at lo = 0 is -inf (one-sided); it comes out large
  // and finite, never NaN.
  const at::Tensor lo = at::zeros({}, at::kDouble).requires_grad_(true);
  td::kl_divergence(td::Uniform(lo, 0.5), td::Beta(3.0, 3.0)).backward();
  EXPECT_TRUE(std::isfinite(lo.grad().item<double>()));
  EXPECT_LT(lo.grad().item<double>(), -100.0);
}

// Narrow intervals in float32: torch's difference quotients
// (x log x and exp(-z) differences over the width) lose about
// eps * |term| / (w / x) (measured on torch 1.13 at [0.5, 0.501]: 1.6e-5
// relative for Beta(5, 3)); the rules keep float32 accuracy. The reference
// is the double value at the same (float-rounded) parameters.
TEST(KlCrossBounded, NarrowUniformIsAccurateInFloat32) {
  const float lo = 0.5f, hi = 0.501f;
  auto compare = [&](const std::function<at::Tensor(at::ScalarType)>& kl) {
    const double f = kl(at::kFloat).item<double>();
    const double d = kl(at::kDouble).item<double>();
    EXPECT_NEAR(f, d, 1e-6 * std::abs(d));
  };
  auto interval = [&](at::ScalarType dtype) {
    return td::Uniform(at::scalar_tensor(double(lo), dtype), at::scalar_tensor(double(hi), dtype));
  };
  compare([&](at::ScalarType dt) {
    return td::kl_divergence(interval(dt), td::Beta(at::scalar_tensor(5.0, dt), at::scalar_tensor(3.0, dt)));
  });
  compare([&](at::ScalarType dt) {
    return td::kl_divergence(interval(dt), td::Gamma(at::scalar_tensor(5.0, dt), at::scalar_tensor(3.0, dt)));
  });
  compare([&](at::ScalarType dt) {
    return td::kl_divergence(interval(dt), td::Gumbel(at::scalar_tensor(0.6, dt), at::scalar_tensor(0.05, dt)));
  });
}

// torch computes log(alpha * x_m^alpha * w), and x_m^alpha overflows or
// underflows for large alpha: torch 1.13 gives -inf for
// Uniform(1000, 2000) || Pareto(1000, 200) and +inf for
// Uniform(1e-3, 2e-3) || Pareto(1e-3, 200). The rule works with x / x_m.
TEST(KlCrossBounded, UniformParetoWithLargeAlpha) {
  for (const Params& point : std::vector<Params>{{1000, 2000, 1000, 200}, {1e-3, 2e-3, 1e-3, 200}}) {
    const at::Tensor kl = td::kl_divergence(
        td::Uniform(at::scalar_tensor(point[0], at::kDouble), at::scalar_tensor(point[1], at::kDouble)),
        td::Pareto(at::scalar_tensor(point[2], at::kDouble), at::scalar_tensor(point[3], at::kDouble)));
    const double expected = quadrature_kl(kUniform, {point[0], point[1]}, kPareto, {point[2], point[3]});
    EXPECT_NEAR(kl.item<double>(), expected, 1e-8 * expected) << ::testing::PrintToString(point);
  }
}
