// KL between discrete distributions of different families: Bernoulli-Poisson
// against direct summation over p's support, Monte Carlo, gradients and
// shapes; Poisson-Bernoulli and Poisson-Binomial are +inf (q's support is
// finite) except for a Poisson of rate 0, a point mass at 0.

#include <torchdist/distributions/bernoulli.h>
#include <torchdist/distributions/binomial.h>
#include <torchdist/distributions/poisson.h>

#include <cmath>
#include <limits>
#include <vector>

#include "kl_testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

at::Tensor S(double x) { return at::full({}, x, at::kDouble); }

// sum over k in {0, 1} of P(k) log(P(k) / Q(k)), Q Poisson(rate), in long
// double; 0 log 0 = 0.
double bernoulli_poisson_reference(double p, double rate) {
  const long double probs[2] = {1.0L - p, static_cast<long double>(p)};
  long double total = 0;
  for (int k = 0; k < 2; ++k) {
    if (probs[k] == 0) continue;
    if (rate == 0 && k == 1) return kInf;
    const long double log_q =
        k == 0 ? -static_cast<long double>(rate) : std::log(static_cast<long double>(rate)) - rate;
    total += probs[k] * (std::log(probs[k]) - log_q);
  }
  return static_cast<double>(total);
}

TEST(KlBernoulliPoisson, MatchesSummation) {
  for (auto c :
       std::vector<std::pair<double, double>>{{0.3, 1.2}, {0.9, 0.05}, {0.01, 4}, {0, 2}, {1, 0.7}, {0.5, 1e-12}}) {
    const double ref = bernoulli_poisson_reference(c.first, c.second);
    const double kl = td::kl_divergence(td::Bernoulli(td::probs(S(c.first))), td::Poisson(S(c.second))).item<double>();
    EXPECT_NEAR(kl, ref, 1e-13 * std::abs(ref)) << c.first << " " << c.second;
    if (c.first > 0 && c.first < 1) {
      const double logit = std::log(c.first / (1 - c.first));
      const double kl_logits =
          td::kl_divergence(td::Bernoulli(td::logits(S(logit))), td::Poisson(S(c.second))).item<double>();
      EXPECT_NEAR(kl_logits, ref, 1e-13 * std::abs(ref)) << c.first << " " << c.second;
    }
  }
  // Rate 0: 0 for p = 0 (torch: NaN), +inf for p > 0.
  EXPECT_EQ(td::kl_divergence(td::Bernoulli(td::probs(S(0))), td::Poisson(S(0))).item<double>(), 0.0);
  td::testing::expect_all_infinite(td::kl_divergence(td::Bernoulli(td::probs(tensor_of({0.2, 1}))), td::Poisson(S(0))));
}

TEST(KlBernoulliPoisson, MonteCarloGradientsShapes) {
  td::Bernoulli p(td::probs(tensor_of({0.3, 0.9, 0.01})));
  td::Poisson q(tensor_of({1.2, 0.05, 4}));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 41);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Bernoulli(td::probs(x[0])), td::Poisson(x[1]));
      },
      {tensor_of({0.3, 0.9, 0.01}), tensor_of({1.2, 0.05, 4})});
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Bernoulli(td::logits(x[0])), td::Poisson(x[1]));
      },
      {tensor_of({-0.8, 2.2, -4.6}), tensor_of({1.2, 0.05, 4})});
  // Certain outcomes: the gradient in the rate stays finite.
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Bernoulli(td::probs(tensor_of({0, 1}))), td::Poisson(x[0]));
      },
      {tensor_of({0.5, 2})});
  at::Tensor up = at::rand({3, 1}, td::testing::seeded_generator(1), at::kDouble);
  at::Tensor rq = at::rand({4}, td::testing::seeded_generator(2), at::kDouble) + 0.5;
  at::Tensor kl = td::kl_divergence(td::Bernoulli(td::probs(up)), td::Poisson(rq));
  EXPECT_EQ(kl.sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(kl.scalar_type(), at::kDouble);
  at::Tensor kl32 = td::kl_divergence(td::Bernoulli(td::probs(up.to(at::kFloat))), td::Poisson(rq.to(at::kFloat)));
  EXPECT_EQ(kl32.scalar_type(), at::kFloat);
  EXPECT_TRUE(all_close(kl32, kl, 1e-4, 1e-5));
}

TEST(KlPoissonBernoulli, InfiniteWithBroadcastShape) {
  td::Poisson p(tensor_of({0.5, 1, 3}, {3, 1}));
  td::Bernoulli q(td::probs(tensor_of({0.1, 0.5, 0.9, 1})));
  at::Tensor kl = td::kl_divergence(p, q);
  EXPECT_EQ(kl.sizes(), at::IntArrayRef({3, 4}));
  td::testing::expect_all_infinite(kl);
  at::Tensor kl32 =
      td::kl_divergence(td::Poisson(at::ones({2}, at::kFloat)), td::Bernoulli(td::probs(at::full({2}, 0.5f))));
  EXPECT_EQ(kl32.scalar_type(), at::kFloat);
  td::testing::expect_all_infinite(kl32);
}

// Rate 0 is a point mass at 0: KL = -log(1 - q) (torch: +inf).
TEST(KlPoissonBernoulli, PointMassAtZero) {
  at::Tensor kl =
      td::kl_divergence(td::Poisson(tensor_of({0, 0, 0, 2})), td::Bernoulli(td::probs(tensor_of({0.3, 0, 1, 0.3}))));
  EXPECT_NEAR(kl[0].item<double>(), -std::log(0.7), 1e-15);
  EXPECT_EQ(kl[1].item<double>(), 0.0);
  td::testing::expect_all_infinite(kl.slice(0, 2));
  // From logits, and its gradient.
  EXPECT_NEAR(td::kl_divergence(td::Poisson(S(0)), td::Bernoulli(td::logits(S(-30)))).item<double>(),
              -std::log1p(-1 / (1 + std::exp(30.0))), 1e-27);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Poisson(at::zeros({3}, at::kDouble)), td::Bernoulli(td::logits(x[0])));
      },
      {tensor_of({-1, 0.5, 3})});
}

TEST(KlPoissonBinomial, InfiniteWithBroadcastShape) {
  td::Poisson p(tensor_of({0.5, 1, 3}, {3, 1}));
  td::Binomial q(tensor_of({1, 5, 10, 100}), td::probs(tensor_of({0.1, 0.5, 0.9, 0.3})));
  at::Tensor kl = td::kl_divergence(p, q);
  EXPECT_EQ(kl.sizes(), at::IntArrayRef({3, 4}));
  td::testing::expect_all_infinite(kl);
  at::Tensor kl32 = td::kl_divergence(td::Poisson(at::ones({2}, at::kFloat)),
                                      td::Binomial(at::full({2}, 3.0f), td::probs(at::full({2}, 0.5f))));
  EXPECT_EQ(kl32.scalar_type(), at::kFloat);
  td::testing::expect_all_infinite(kl32);
}

// Rate 0: KL = -n log(1 - q), 0 for n = 0 (even at q = 1).
TEST(KlPoissonBinomial, PointMassAtZero) {
  at::Tensor kl = td::kl_divergence(td::Poisson(tensor_of({0, 0, 0, 0})),
                                    td::Binomial(tensor_of({5, 0, 3, 3}), td::probs(tensor_of({0.3, 1, 1, 0}))));
  EXPECT_NEAR(kl[0].item<double>(), -5 * std::log(0.7), 1e-14);
  EXPECT_EQ(kl[1].item<double>(), 0.0);
  td::testing::expect_all_infinite(kl[2]);
  EXPECT_EQ(kl[3].item<double>(), 0.0);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Poisson(at::zeros({3}, at::kDouble)),
                                 td::Binomial(tensor_of({4, 1, 7}), td::probs(x[0])));
      },
      {tensor_of({0.2, 0.5, 0.9})});
}

}  // namespace
