// KL rules across continuous families, p on a half-line: Exponential, Gamma
// and Pareto against the other families.

#include "test_kl_cross_continuous_support.h"

using namespace kl_cross_testing;

namespace {

const Family kBeta = beta_family(), kCB = continuous_bernoulli_family(), kExp = exponential_family(),
             kGamma = gamma_family(), kGumbel = gumbel_family(), kNormal = normal_family(), kPareto = pareto_family(),
             kUniform = uniform_family();

// Points are p's parameters, then q's; Pareto's are (x_m, alpha). Monte Carlo
// against Pareto p uses alpha >= 6 (Exponential, Gamma: log q is linear in x,
// whose variance needs alpha > 2, and a stable standard error alpha > 4) and
// alpha >= 10 for Normal (log q is quadratic in x).
const std::vector<FiniteCase> kFiniteCases = {
    // Exponential(lambda); {2, 1, 2} is Gamma(1, 2) = Exponential(2): KL = 0
    {kExp,
     kGamma,
     {{1.5, 2, 3}, {0.3, 0.5, 0.2}, {2, 1, 2}, {1, 7, 0.5}},
     {{1.5, 2, 3}, {0.3, 0.5, 0.2}, {1, 7, 0.5}},
     {}},
    {kExp, kGumbel, {{1.5, 0.5, 2}, {0.3, -2, 1}, {4, 3, 0.5}}, {{1.5, 0.5, 2}, {0.3, -2, 1}, {4, 3, 0.5}}, {}},
    {kExp, kNormal, {{1.5, 0.5, 2}, {0.3, -2, 1}, {4, 3, 0.5}}, {{1.5, 0.5, 2}, {0.3, -2, 1}, {4, 3, 0.5}}, {}},
    // Gamma(k, r)
    {kGamma, kExp, {{2, 3, 1.5}, {0.5, 0.7, 2}, {50, 10, 0.3}}, {{2, 3, 1.5}, {0.5, 0.7, 2}, {50, 10, 0.3}}, {}},
    {kGamma,
     kGumbel,
     {{2, 3, 0.5, 1.5}, {0.5, 0.7, -1, 2}, {50, 10, 5, 1}},
     {{2, 3, 0.5, 1.5}, {0.5, 0.7, -1, 2}, {50, 10, 5, 1}},
     {}},
    {kGamma,
     kNormal,
     {{2, 3, 0.5, 1.5}, {0.5, 0.7, -1, 2}, {50, 10, 5, 0.7}},
     {{2, 3, 0.5, 1.5}, {0.5, 0.7, -1, 2}, {50, 10, 5, 0.7}},
     {}},
    // Pareto(x_m, alpha)
    {kPareto, kExp, {{1, 3, 0.5}, {2, 1.5, 0.1}, {0.5, 10, 2}}, {{1, 6, 0.5}, {0.5, 10, 2}}, {}},
    {kPareto, kGamma, {{1, 3, 2, 0.5}, {2, 1.5, 0.5, 0.1}, {0.5, 10, 3, 2}}, {{1, 6, 2, 0.5}, {0.5, 10, 3, 2}}, {}},
    {kPareto,
     kNormal,
     {{1, 3, 0.5, 2}, {2, 2.5, 1, 5}, {0.5, 10, 0.6, 0.1}},
     {{1, 12, 1, 0.5}, {0.5, 10, 0.6, 0.1}},
     {}},
};

const std::vector<InfiniteCase> kInfiniteCases = {
    {kExp, kBeta, {1.5, 2, 3}},          {kExp, kCB, {1.5, 0.3}},
    {kExp, kPareto, {1.5, 1, 2}},        {kExp, kUniform, {1.5, -1, 100}},
    {kGamma, kBeta, {2, 3, 2, 3}},       {kGamma, kCB, {2, 3, 0.3}},
    {kGamma, kPareto, {2, 3, 1, 2}},     {kGamma, kUniform, {2, 3, -1, 100}},
    {kPareto, kBeta, {0.5, 2, 2, 3}},    {kPareto, kCB, {0.5, 2, 0.3}},
    {kPareto, kUniform, {1, 2, 0, 100}},
};

}  // namespace

INSTANTIATE_TEST_SUITE_P(HalfLine, KlCrossFinite, ::testing::ValuesIn(kFiniteCases), CaseName());
INSTANTIATE_TEST_SUITE_P(HalfLine, KlCrossInfinite, ::testing::ValuesIn(kInfiniteCases), CaseName());
KL_CROSS_DEFINE_PARAMETERIZED_TESTS()

namespace {

at::Tensor t(std::vector<double> v) { return td::testing::tensor_of(v, {static_cast<int64_t>(v.size())}); }

// +inf exactly where `infinite` says; the gradient of the finite elements'
// sum is finite everywhere and zero in the masked elements' alpha.
void expect_masked_in_alpha(const std::function<at::Tensor(const at::Tensor&)>& kl_of_alpha, at::Tensor alpha,
                            const std::vector<bool>& infinite) {
  alpha = alpha.clone().requires_grad_(true);
  const at::Tensor kl = kl_of_alpha(alpha);
  const std::vector<double> values = td::testing::to_vector(kl);
  ASSERT_EQ(values.size(), infinite.size());
  for (size_t i = 0; i < infinite.size(); ++i) {
    EXPECT_EQ(std::isinf(values[i]) && values[i] > 0, infinite[i]) << "element " << i << ": " << values[i];
    if (!infinite[i]) {
      EXPECT_TRUE(std::isfinite(values[i]));
    }
  }
  at::where(kl.isfinite(), kl, at::zeros_like(kl)).sum().backward();
  const std::vector<double> grad = td::testing::to_vector(alpha.grad());
  for (size_t i = 0; i < infinite.size(); ++i) {
    EXPECT_TRUE(std::isfinite(grad[i])) << "element " << i;
    if (infinite[i]) {
      EXPECT_EQ(grad[i], 0.0) << "element " << i;
    }
  }
}

}  // namespace

// Pareto against Exponential and Gamma needs a finite mean (alpha > 1), against
// Normal a finite variance (alpha > 2); elementwise, alpha = 1 and 2
// included (where torch's alpha / (alpha - 1) is inf and its gradient NaN).
TEST(KlCrossHalfLine, ParetoIsInfiniteWhereTheMomentsAre) {
  const at::Tensor alpha = t({0.5, 1, 1.5, 3});
  expect_masked_in_alpha(
      [](const at::Tensor& a) { return td::kl_divergence(td::Pareto(1.0, a), td::Exponential(0.5)); }, alpha,
      {true, true, false, false});
  expect_masked_in_alpha([](const at::Tensor& a) { return td::kl_divergence(td::Pareto(1.0, a), td::Gamma(2.0, 0.5)); },
                         alpha, {true, true, false, false});
  expect_masked_in_alpha(
      [](const at::Tensor& a) { return td::kl_divergence(td::Pareto(1.0, a), td::Normal(1.0, 2.0)); },
      t({1.5, 2, 2.5, 4}), {true, true, false, false});
}

// Chi2 derives from Gamma and uses the Gamma rules.
TEST(KlCrossHalfLine, Chi2UsesTheGammaRules) {
  const at::Tensor df = t({1, 3, 7.5});
  EXPECT_TRUE(td::testing::all_close(td::kl_divergence(td::Chi2(df), td::Exponential(0.4)),
                                     td::kl_divergence(td::Gamma(df / 2, 0.5), td::Exponential(0.4)), 1e-14, 0));
  EXPECT_TRUE(td::testing::all_close(td::kl_divergence(td::Chi2(df), td::Normal(2.0, 3.0)),
                                     td::kl_divergence(td::Gamma(df / 2, 0.5), td::Normal(2.0, 3.0)), 1e-14, 0));
  td::testing::expect_all_infinite(td::kl_divergence(td::Chi2(df), td::Beta(2.0, 2.0)));
}

// Gamma || Gumbel with a large loc / scale: torch multiplies exp(mu / beta),
// which overflows, by (1 + 1 / (r beta))^-k, which underflows (torch 1.13:
// NaN in double for Gamma(8e4, 10) || Gumbel(8000, 10), +inf in float32 for
// Gamma(1000, 1) || Gumbel(1000, 10), whose value is 106.26); the rule
// combines them in log space.
TEST(KlCrossHalfLine, GammaGumbelDoesNotOverflow) {
  auto kl = [](double k, double r, double mu, double beta, at::ScalarType dt) {
    return td::kl_divergence(td::Gamma(at::scalar_tensor(k, dt), at::scalar_tensor(r, dt)),
                             td::Gumbel(at::scalar_tensor(mu, dt), at::scalar_tensor(beta, dt)))
        .item<double>();
  };
  const double expected = quadrature_kl(gamma_family(), {8e4, 10}, gumbel_family(), {8000, 10});
  EXPECT_NEAR(kl(8e4, 10, 8000, 10, at::kDouble), expected, 1e-8 * expected);
  const double expected_float = quadrature_kl(gamma_family(), {1000, 1}, gumbel_family(), {1000, 10});
  EXPECT_NEAR(kl(1000, 1, 1000, 10, at::kFloat), expected_float, 1e-4 * expected_float);
}
