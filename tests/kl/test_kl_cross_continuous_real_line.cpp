// KL rules across continuous families, p on the real line: Gumbel, Laplace
// and Normal against the other families.

#include "test_kl_cross_continuous_support.h"

using namespace kl_cross_testing;

namespace {

const Family kBeta = beta_family(), kCB = continuous_bernoulli_family(), kExp = exponential_family(),
             kGamma = gamma_family(), kGumbel = gumbel_family(), kLaplace = laplace_family(), kNormal = normal_family(),
             kPareto = pareto_family(), kUniform = uniform_family();

// Points are p's parameters, then q's. Normal || Gumbel: log q contains
// exp(-(x - mu) / beta), lognormal under p with log-sd s / beta; the Monte
// Carlo points keep s / beta <= 1 so that its variance estimate is stable.
const std::vector<FiniteCase> kFiniteCases = {
    {kGumbel,
     kNormal,
     {{1, 2, -0.5, 1.5}, {0, 1, 0, 1}, {-3, 0.5, 2, 4}},
     {{1, 2, -0.5, 1.5}, {0, 1, 0, 1}, {-3, 0.5, 2, 4}},
     {}},
    {kLaplace,
     kNormal,
     {{1, 2, -0.5, 1.5}, {0, 1, 0, 1}, {3, 0.2, -1, 0.5}},
     {{1, 2, -0.5, 1.5}, {0, 1, 0, 1}, {3, 0.2, -1, 0.5}},
     {}},
    {kNormal,
     kGumbel,
     {{1, 2, -0.5, 1.5}, {0, 1, 0, 1}, {-3, 0.5, 2, 4}, {2, 0.3, -1, 0.4}},
     {{1, 1.5, -0.5, 1.5}, {0, 1, 0, 1}, {-3, 0.5, 2, 4}, {2, 0.3, -1, 0.4}},
     {}},
    {kNormal,
     kLaplace,
     {{1, 2, -0.5, 1.5}, {0, 1, 0, 1}, {3, 0.5, -1, 2}, {0, 1, 10, 0.5}},
     {{1, 2, -0.5, 1.5}, {0, 1, 0, 1}, {3, 0.5, -1, 2}, {0, 1, 10, 0.5}},
     {}},
};

std::vector<InfiniteCase> infinite_cases() {
  std::vector<InfiniteCase> cases;
  const std::vector<std::pair<Family, Params>> qs = {{kBeta, {2, 3}},  {kCB, {0.3}},      {kExp, {1.5}},
                                                     {kGamma, {2, 3}}, {kPareto, {1, 2}}, {kUniform, {-100, 100}}};
  for (const Family& p : {kGumbel, kLaplace, kNormal}) {
    for (const auto& q : qs) {
      Params point = {0.5, 2};
      point.insert(point.end(), q.second.begin(), q.second.end());
      cases.push_back({p, q.first, point});
    }
  }
  return cases;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(RealLine, KlCrossFinite, ::testing::ValuesIn(kFiniteCases), CaseName());
INSTANTIATE_TEST_SUITE_P(RealLine, KlCrossInfinite, ::testing::ValuesIn(infinite_cases()), CaseName());
KL_CROSS_DEFINE_PARAMETERIZED_TESTS()

// torch expands (m - mu)^2 as m^2 - 2 m mu + mu^2, which cancels when both
// locations are large: torch 1.13 gives 0.2258 for
// Laplace(1e8, 1) || Normal(1e8 + 1, 1), whose value (by translation, that of
// Laplace(0, 1) || Normal(1, 1)) is 0.7258.
TEST(KlCrossRealLine, LaplaceNormalWithLargeLocations) {
  const double expected = quadrature_kl(kLaplace, {0, 1}, kNormal, {1, 1});
  auto d = [](double v) { return at::scalar_tensor(v, at::kDouble); };  // plain doubles would be float32
  const double actual = td::kl_divergence(td::Laplace(d(1e8), d(1)), td::Normal(d(1e8 + 1), d(1))).item<double>();
  EXPECT_NEAR(actual, expected, 1e-8 * expected);
}

// Normal || Laplace depends on the distance between the locations (torch
// 1.13 has this right, through erf); shifting both locations leaves it
// unchanged.
TEST(KlCrossRealLine, NormalLaplaceIsTranslationInvariant) {
  const at::Tensor shift = td::testing::tensor_of({-50, 0, 3, 1e4}, {4});
  const at::Tensor kl = td::kl_divergence(td::Normal(1.0 + shift, 2.0), td::Laplace(-0.5 + shift, 1.5));
  const double expected = quadrature_kl(kNormal, {1, 2}, kLaplace, {-0.5, 1.5});
  EXPECT_TRUE(td::testing::all_close(kl, at::full({4}, expected, at::kDouble), 1e-10, 0));
}
