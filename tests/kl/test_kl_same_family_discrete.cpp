// KL between two members of the same discrete family: values against direct
// summation over the support (and, where p is close to q, the closed form in
// 50-digit arithmetic), zero and tiny probabilities given either as probs or
// as logits, Monte Carlo estimates, KL(p, p) = 0, gradients against finite
// differences, +inf where q misses part of p's support, broadcasting and
// dtypes.

#include <c10/util/Exception.h>
#include <torchdist/distributions/bernoulli.h>
#include <torchdist/distributions/binomial.h>
#include <torchdist/distributions/categorical.h>
#include <torchdist/distributions/geometric.h>
#include <torchdist/distributions/one_hot_categorical.h>
#include <torchdist/distributions/poisson.h>

#include <boost/multiprecision/cpp_bin_float.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <vector>

#include "kl_testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::expect_broadcast_and_dtype;
using td::testing::tensor_of;

namespace {

using Big = boost::multiprecision::cpp_bin_float_50;
using DistPtr = std::shared_ptr<td::Distribution>;
constexpr double kInf = std::numeric_limits<double>::infinity();

at::Tensor S(double x) { return at::full({}, x, at::kDouble); }

double kl_of(const td::Distribution& p, const td::Distribution& q) { return td::kl_divergence(p, q).item<double>(); }

void expect_rel(double actual, double expected, double rtol, const std::string& what) {
  EXPECT_NEAR(actual, expected, rtol * std::abs(expected))
      << what << ": relative error " << std::abs(actual - expected) / std::abs(expected);
}

// sum_k p_k log(p_k / q_k) over a list of log-probabilities, in long double;
// 0 log 0 = 0 and +inf where q_k = 0 < p_k.
double kl_by_summation(const std::vector<long double>& log_p, const std::vector<long double>& log_q) {
  long double total = 0;
  for (size_t k = 0; k < log_p.size(); ++k) {
    if (log_p[k] == -INFINITY) continue;
    if (log_q[k] == -INFINITY) return kInf;
    total += std::exp(log_p[k]) * (log_p[k] - log_q[k]);
  }
  return static_cast<double>(total);
}

std::vector<long double> logs(const std::vector<long double>& probs) {
  std::vector<long double> out;
  for (long double p : probs) out.push_back(p == 0 ? -INFINITY : std::log(p));
  return out;
}


// ------------------------------------------------------------- Bernoulli

double bernoulli_reference(double p, double q) { return kl_by_summation(logs({1.0L - p, p}), logs({1.0L - q, q})); }

TEST(KlBernoulliBernoulli, MatchesSummationFromProbsAndLogits) {
  for (auto c : std::vector<std::pair<double, double>>{{0.3, 0.6}, {0.9, 0.2}, {0.01, 0.99}, {0.5, 1e-12}}) {
    const double ref = bernoulli_reference(c.first, c.second);
    expect_rel(kl_of(td::Bernoulli(td::probs(S(c.first))), td::Bernoulli(td::probs(S(c.second)))), ref, 1e-12, "probs");
    const double lp = std::log(c.first / (1 - c.first)), lq = std::log(c.second / (1 - c.second));
    expect_rel(kl_of(td::Bernoulli(td::logits(S(lp))), td::Bernoulli(td::logits(S(lq)))), ref, 1e-12, "logits");
    expect_rel(kl_of(td::Bernoulli(td::probs(S(c.first))), td::Bernoulli(td::logits(S(lq)))), ref, 1e-12, "mixed");
  }
}

// Probabilities 0, 1 and below eps given as probs: exact (torch replaces
// them by the clamp eps, 1 - eps).
TEST(KlBernoulliBernoulli, ExactAtZeroOneAndTinyProbs) {
  EXPECT_EQ(kl_of(td::Bernoulli(td::probs(S(0))), td::Bernoulli(td::probs(S(0)))), 0.0);
  EXPECT_EQ(kl_of(td::Bernoulli(td::probs(S(1))), td::Bernoulli(td::probs(S(1)))), 0.0);
  expect_rel(kl_of(td::Bernoulli(td::probs(S(0))), td::Bernoulli(td::probs(S(0.3)))), -std::log(0.7), 1e-15, "0 vs .3");
  expect_rel(kl_of(td::Bernoulli(td::probs(S(1))), td::Bernoulli(td::probs(S(0.3)))), -std::log(0.3), 1e-15, "1 vs .3");
  expect_rel(kl_of(td::Bernoulli(td::probs(S(0.5))), td::Bernoulli(td::probs(S(1e-20)))),
             bernoulli_reference(0.5, 1e-20), 1e-14, ".5 vs 1e-20");
  expect_rel(kl_of(td::Bernoulli(td::probs(S(0))), td::Bernoulli(td::probs(S(1e-20)))), 1e-20, 1e-14, "0 vs 1e-20");
  // From logits: -inf and +inf are probabilities 0 and 1.
  expect_rel(kl_of(td::Bernoulli(td::logits(S(-kInf))), td::Bernoulli(td::logits(S(0)))), std::log(2.0), 1e-15,
             "-inf logit");
  // q certain, p not: +inf.
  td::testing::expect_all_infinite(td::kl_divergence(td::Bernoulli(td::probs(tensor_of({0.3, 0.3, 1}))),
                                                     td::Bernoulli(td::probs(tensor_of({0, 1, 0})))));
}

TEST(KlBernoulliBernoulli, KeepsRelativePrecisionWhenPIsCloseToQ) {
  // Logits 1e-7 apart: KL ~ 1e-15, exact in 50 digits from the logits.
  for (auto c : std::vector<std::pair<double, double>>{{0.3, 0.3 + 1e-7}, {-4, -4 - 2e-8}, {12, 12 + 1e-6}}) {
    const Big p = 1 / (1 + exp(-Big(c.first))), q = 1 / (1 + exp(-Big(c.second)));
    const Big ref = p * log(p / q) + (1 - p) * log((1 - p) / (1 - q));
    expect_rel(kl_of(td::Bernoulli(td::logits(S(c.first))), td::Bernoulli(td::logits(S(c.second)))),
               static_cast<double>(ref), 1e-9, "logits near");
  }
  // Probabilities 1e-6 apart: relative error ~ eps |logit| / |p - q|.
  const Big p = 0.3, q = Big(0.3 + 1e-6);
  const Big ref = p * log(p / q) + (1 - p) * log((1 - p) / (1 - q));
  expect_rel(kl_of(td::Bernoulli(td::probs(S(0.3))), td::Bernoulli(td::probs(S(0.3 + 1e-6)))), static_cast<double>(ref),
             1e-8, "probs near");
}

TEST(KlBernoulliBernoulli, MonteCarloSelfGradientsShapes) {
  td::Bernoulli p(td::probs(tensor_of({0.3, 0.9, 0.01})));
  td::Bernoulli q(td::probs(tensor_of({0.6, 0.2, 0.05})));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 31);
  td::testing::expect_kl_to_self_is_zero(p, 1e-300);
  td::testing::expect_kl_to_self_is_zero(td::Bernoulli(td::logits(tensor_of({-50, 0, 3, 50}))), 1e-300);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Bernoulli(td::probs(x[0])), td::Bernoulli(td::logits(x[1])));
      },
      {tensor_of({0.3, 0.9, 0.01}), tensor_of({0.4, -1.4, 0.3})});
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Bernoulli(td::logits(x[0])), td::Bernoulli(td::probs(x[1])));
      },
      {tensor_of({0.3, -2, 5}), tensor_of({0.6, 0.2, 0.9})});
  // At probability 0 and 1 the gradient in q stays finite and correct.
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Bernoulli(td::probs(tensor_of({0, 1}))), td::Bernoulli(td::probs(x[0])));
      },
      {tensor_of({0.3, 0.6})});
  auto make = [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::Bernoulli>(td::probs(u)); };
  expect_broadcast_and_dtype(make, make);
}

// -------------------------------------------------------------- Binomial

double binomial_reference(double n, double p, double q) {
  std::vector<long double> lp, lq;
  for (int k = 0; k <= n; ++k) {
    const long double log_choose = std::lgamma(n + 1.0L) - std::lgamma(k + 1.0L) - std::lgamma(n - k + 1.0L);
    lp.push_back(log_choose + k * std::log(static_cast<long double>(p)) +
                 (n - k) * std::log1p(-static_cast<long double>(p)));
    lq.push_back(log_choose + k * std::log(static_cast<long double>(q)) +
                 (n - k) * std::log1p(-static_cast<long double>(q)));
  }
  return kl_by_summation(lp, lq);
}

TEST(KlBinomialBinomial, MatchesSummation) {
  struct Case {
    double n, p, q;
  };
  for (Case c : {Case{10, 0.3, 0.6}, Case{1, 0.9, 0.2}, Case{50, 0.02, 0.03}, Case{7, 0.5, 0.5}}) {
    expect_rel(kl_of(td::Binomial(S(c.n), td::probs(S(c.p))), td::Binomial(S(c.n), td::probs(S(c.q)))),
               binomial_reference(c.n, c.p, c.q), 1e-12, "Binomial");
  }
  EXPECT_EQ(kl_of(td::Binomial(S(0), td::probs(S(0.3))), td::Binomial(S(0), td::probs(S(1)))), 0.0);
  expect_rel(kl_of(td::Binomial(S(5), td::probs(S(0))), td::Binomial(S(5), td::probs(S(0.2)))), -5 * std::log(0.8),
             1e-15, "p = 0");
}

TEST(KlBinomialBinomial, InfiniteWherePCountsBeyondQ) {
  // n_p > n_q: +inf, except where p's probability is 0 (all mass at 0).
  at::Tensor kl = td::kl_divergence(td::Binomial(tensor_of({5, 5, 3}), td::probs(tensor_of({0.3, 0, 0.5}))),
                                    td::Binomial(tensor_of({4, 2, 3}), td::probs(tensor_of({0.3, 0.2, 0.5}))));
  td::testing::expect_all_infinite(kl[0]);
  EXPECT_NEAR(kl[1].item<double>(), -2 * std::log(0.8), 1e-15);
  EXPECT_EQ(kl[2].item<double>(), 0.0);
  at::Tensor all = td::kl_divergence(td::Binomial(S(6).expand({3, 1}), td::probs(S(0.4))),
                                     td::Binomial(S(5), td::probs(tensor_of({0.1, 0.2, 0.3, 0.4}))));
  EXPECT_EQ(all.sizes(), at::IntArrayRef({3, 4}));
  td::testing::expect_all_infinite(all);
}

TEST(KlBinomialBinomial, ThrowsWhereQCountsBeyondP) {
  td::Binomial p(tensor_of({5, 3}), td::probs(S(0.3)));
  td::Binomial q(tensor_of({5, 4}), td::probs(S(0.3)));
  EXPECT_THROW_MSG(td::kl_divergence(p, q), c10::NotImplementedError,
                   "kl_divergence(Binomial, Binomial) is not implemented where q.total_count > p.total_count");
}

TEST(KlBinomialBinomial, KeepsRelativePrecisionWhenPIsCloseToQ) {
  const Big p = 1 / (1 + exp(-Big(0.2))), q = 1 / (1 + exp(-Big(0.2 + 1e-7)));
  const Big ref = 20 * (p * log(p / q) + (1 - p) * log((1 - p) / (1 - q)));
  expect_rel(kl_of(td::Binomial(S(20), td::logits(S(0.2))), td::Binomial(S(20), td::logits(S(0.2 + 1e-7)))),
             static_cast<double>(ref), 1e-9, "Binomial near");
}

TEST(KlBinomialBinomial, MonteCarloSelfGradientsShapes) {
  td::Binomial p(tensor_of({10, 1, 50}), td::probs(tensor_of({0.3, 0.9, 0.02})));
  td::Binomial q(tensor_of({10, 1, 50}), td::probs(tensor_of({0.6, 0.2, 0.03})));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 32);
  td::testing::expect_kl_to_self_is_zero(p, 1e-300);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Binomial(tensor_of({10, 1, 50}), td::probs(x[0])),
                                 td::Binomial(tensor_of({10, 1, 50}), td::logits(x[1])));
      },
      {tensor_of({0.3, 0.9, 0.02}), tensor_of({0.4, -1.4, -3})});
  auto make = [](const at::Tensor& u) -> DistPtr {
    return std::make_shared<td::Binomial>(at::full_like(u, 8), td::probs(u));
  };
  expect_broadcast_and_dtype(make, make);
}

// ----------------------------------------------------------- Categorical

std::vector<long double> normalized(std::vector<long double> p) {
  long double s = 0;
  for (auto x : p) s += x;
  for (auto& x : p) x /= s;
  return p;
}

TEST(KlCategoricalCategorical, MatchesSummationFromProbsAndLogits) {
  const std::vector<std::pair<std::vector<double>, std::vector<double>>> cases = {
      {{0.2, 0.5, 0.3}, {0.1, 0.1, 0.8}},
      {{0.7, 0.1, 0.1, 0.1}, {0.25, 0.25, 0.25, 0.25}},
      {{0.5, 0.5}, {0.999, 0.001}}};
  for (const auto& c : cases) {
    std::vector<long double> p(c.first.begin(), c.first.end()), q(c.second.begin(), c.second.end());
    const double ref = kl_by_summation(logs(normalized(p)), logs(normalized(q)));
    at::Tensor tp = tensor_of(c.first), tq = tensor_of(c.second);
    expect_rel(kl_of(td::Categorical(td::probs(tp)), td::Categorical(td::probs(tq))), ref, 1e-12, "probs");
    expect_rel(kl_of(td::Categorical(td::logits(tp.log() + 3)), td::Categorical(td::logits(tq.log() - 1))), ref, 1e-12,
               "logits");
    expect_rel(kl_of(td::OneHotCategorical(td::probs(tp)), td::OneHotCategorical(td::logits(tq.log()))), ref, 1e-12,
               "one-hot");
  }
}

// Zero probabilities as probs or as -inf logits: 0 where p_k = 0, +inf where
// q_k = 0 < p_k. Probabilities below eps given as probs are exact (torch
// clamps them to eps), and a q_k that underflows from a finite logit keeps
// its finite term (torch: +inf).
TEST(KlCategoricalCategorical, ZeroAndTinyProbabilities) {
  const double ref = kl_by_summation(logs({0.5, 0, 0.5}), logs(normalized({0.2, 0.3, 0.5})));
  expect_rel(kl_of(td::Categorical(td::probs(tensor_of({0.5, 0, 0.5}))),
                   td::Categorical(td::probs(tensor_of({0.2, 0.3, 0.5})))),
             ref, 1e-14, "p_k = 0 (probs)");
  expect_rel(kl_of(td::Categorical(td::logits(tensor_of({0, -kInf, 0}))),
                   td::Categorical(td::probs(tensor_of({0.2, 0.3, 0.5})))),
             ref, 1e-14, "p_k = 0 (logits)");
  td::testing::expect_all_infinite(td::kl_divergence(td::Categorical(td::probs(tensor_of({0.2, 0.3, 0.5}))),
                                                     td::Categorical(td::logits(tensor_of({0, -kInf, 0})))));
  td::testing::expect_all_infinite(td::kl_divergence(td::Categorical(td::probs(tensor_of({0.2, 0.3, 0.5}))),
                                                     td::Categorical(td::probs(tensor_of({0.5, 0, 0.5})))));
  // Both zero in the same category: finite.
  EXPECT_NEAR(kl_of(td::Categorical(td::probs(tensor_of({0.5, 0, 0.5}))),
                    td::Categorical(td::logits(tensor_of({0, -kInf, 0})))),
              0.0, 1e-16);
  // Tiny probabilities given as probs.
  expect_rel(
      kl_of(td::Categorical(td::probs(tensor_of({0.5, 0.5}))), td::Categorical(td::probs(tensor_of({1, 1e-20})))),
      kl_by_summation(logs({0.5, 0.5}), logs(normalized({1, 1e-20L}))), 1e-14, "tiny q");
  // A masking logit of -1e4: q_2 = exp(-1e4) underflows, KL = 5000 - log 2.
  expect_rel(kl_of(td::Categorical(td::logits(tensor_of({0, 0}))), td::Categorical(td::logits(tensor_of({0, -1e4})))),
             5000 - std::log(2.0), 1e-14, "-1e4 mask");
  // Gradients stay finite (and correct) next to zero probabilities.
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Categorical(td::logits(at::cat({x[0], S(-kInf).reshape({1})}))),
                                 td::Categorical(td::logits(x[1])));
      },
      {tensor_of({0.3, -1}), tensor_of({0.5, 0.1, 2})});
}

TEST(KlCategoricalCategorical, KeepsRelativePrecisionWhenPIsCloseToQ) {
  // Logits 1e-5 apart: KL ~ 1e-11; relative error ~ eps / 1e-5.
  const std::vector<double> lp = {0.3, -1.2, 2.0}, dl = {1e-5, -2e-5, 0.5e-5};
  std::vector<double> lq;
  for (size_t i = 0; i < lp.size(); ++i) lq.push_back(lp[i] + dl[i]);
  auto log_softmax = [](const std::vector<double>& l) {
    Big s = 0;
    for (double x : l) s += exp(Big(x));
    std::vector<Big> out;
    for (double x : l) out.push_back(Big(x) - log(s));
    return out;
  };
  const auto a = log_softmax(lp), b = log_softmax(lq);
  Big ref = 0;
  for (size_t i = 0; i < a.size(); ++i) ref += exp(a[i]) * (a[i] - b[i]);
  expect_rel(kl_of(td::Categorical(td::logits(tensor_of(lp))), td::Categorical(td::logits(tensor_of(lq)))),
             static_cast<double>(ref), 1e-9, "Categorical near");
}

TEST(KlCategoricalCategorical, DifferentNumbersOfCategoriesThrow) {
  EXPECT_THROW_MSG(td::kl_divergence(td::Categorical(td::probs(at::ones({3}, at::kDouble))),
                                     td::Categorical(td::probs(at::ones({4}, at::kDouble)))),
                   c10::ValueError, "the numbers of categories differ, 3 and 4");
}

TEST(KlCategoricalCategorical, MonteCarloSelfGradientsShapes) {
  at::Tensor pp = tensor_of({0.2, 0.5, 0.3, 0.6, 0.3, 0.1}, {2, 3});
  at::Tensor qq = tensor_of({0.1, 0.1, 0.8, 0.3, 0.3, 0.4}, {2, 3});
  td::Categorical p(td::probs(pp)), q(td::probs(qq));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 33);
  td::testing::expect_kl_to_self_is_zero(p, 1e-300);
  td::testing::expect_kl_to_self_is_zero(td::Categorical(td::logits(tensor_of({0, -kInf, 3, -40}))), 1e-300);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Categorical(td::probs(x[0])), td::Categorical(td::logits(x[1])));
      },
      {pp, qq.log()});
  auto make = [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::Categorical>(td::probs(u)); };
  expect_broadcast_and_dtype(make, make, {5});
}

TEST(KlOneHotCategoricalOneHotCategorical, MonteCarloSelfGradientsShapes) {
  at::Tensor pp = tensor_of({0.2, 0.5, 0.3, 0.6, 0.3, 0.1}, {2, 3});
  at::Tensor qq = tensor_of({0.1, 0.1, 0.8, 0.3, 0.3, 0.4}, {2, 3});
  td::OneHotCategorical p(td::probs(pp)), q(td::probs(qq));
  EXPECT_TRUE(all_close(td::kl_divergence(p, q),
                        td::kl_divergence(td::Categorical(td::probs(pp)), td::Categorical(td::probs(qq))), 1e-15, 0));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 34);
  td::testing::expect_kl_to_self_is_zero(p, 1e-300);
  td::testing::expect_all_infinite(td::kl_divergence(td::OneHotCategorical(td::probs(tensor_of({0.5, 0.5}))),
                                                     td::OneHotCategorical(td::probs(tensor_of({1, 0})))));
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::OneHotCategorical(td::logits(x[0])), td::OneHotCategorical(td::probs(x[1])));
      },
      {pp.log(), qq});
  auto make = [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::OneHotCategorical>(td::probs(u)); };
  expect_broadcast_and_dtype(make, make, {5});
}

// ------------------------------------------------------------- Geometric

// Sum over k >= 0 of p (1 - p)^k log-ratio, until the remaining mass times
// the log-ratio's growth is below 1e-22.
double geometric_reference(double p, double q) {
  const long double lp1 = std::log1p(-static_cast<long double>(p)), lq1 = std::log1p(-static_cast<long double>(q));
  const long double lp0 = std::log(static_cast<long double>(p)), lq0 = std::log(static_cast<long double>(q));
  long double total = 0;
  for (int k = 0;; ++k) {
    const long double log_pk = k == 0 ? lp0 : lp0 + k * lp1;  // 0 * log(1 - p) = 0 at p = 1
    if (log_pk == -INFINITY) break;                           // p = 1: all mass at 0
    total += std::exp(log_pk) * (log_pk - (k == 0 ? lq0 : lq0 + k * lq1));
    if (k > 10 && std::exp(log_pk) * (k + 10) < 1e-22L) break;
  }
  return static_cast<double>(total);
}

TEST(KlGeometricGeometric, MatchesSummation) {
  for (auto c : std::vector<std::pair<double, double>>{{0.3, 0.6}, {0.9, 0.2}, {0.05, 0.1}, {1, 0.4}}) {
    const double ref = geometric_reference(c.first, c.second);
    expect_rel(kl_of(td::Geometric(td::probs(S(c.first))), td::Geometric(td::probs(S(c.second)))), ref, 1e-12, "probs");
    if (c.first < 1) {
      const double lp = std::log(c.first / (1 - c.first)), lq = std::log(c.second / (1 - c.second));
      expect_rel(kl_of(td::Geometric(td::logits(S(lp))), td::Geometric(td::logits(S(lq)))), ref, 1e-12, "logits");
    }
  }
  // q certain to stop at 0, p not: +inf.
  td::testing::expect_all_infinite(
      td::kl_divergence(td::Geometric(td::probs(tensor_of({0.3, 0.7}))), td::Geometric(td::probs(S(1)))));
  // Logits 1e-7 apart.
  const Big p = 1 / (1 + exp(-Big(-1.0))), q = 1 / (1 + exp(-Big(-1.0 + 1e-7)));
  const Big ref = log(p / q) + (1 - p) / p * log((1 - p) / (1 - q));
  expect_rel(kl_of(td::Geometric(td::logits(S(-1.0))), td::Geometric(td::logits(S(-1.0 + 1e-7)))),
             static_cast<double>(ref), 1e-9, "Geometric near");
}

TEST(KlGeometricGeometric, MonteCarloSelfGradientsShapes) {
  td::Geometric p(td::probs(tensor_of({0.3, 0.9, 0.05})));
  td::Geometric q(td::probs(tensor_of({0.6, 0.2, 0.1})));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 35);
  td::testing::expect_kl_to_self_is_zero(p, 1e-300);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Geometric(td::probs(x[0])), td::Geometric(td::logits(x[1])));
      },
      {tensor_of({0.3, 0.9, 0.05}), tensor_of({0.4, -1.4, -2.2})});
  auto make = [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::Geometric>(td::probs(u)); };
  expect_broadcast_and_dtype(make, make);
}

// --------------------------------------------------------------- Poisson

double poisson_reference(double a, double b) {
  std::vector<long double> lp, lq;
  const int kmax = static_cast<int>(a + 40 * std::sqrt(a) + 60);
  for (int k = 0; k <= kmax; ++k) {
    lp.push_back(a == 0 ? (k == 0 ? 0.0L : -INFINITY)
                        : k * std::log(static_cast<long double>(a)) - a - std::lgamma(k + 1.0L));
    lq.push_back(b == 0 ? (k == 0 ? 0.0L : -INFINITY)
                        : k * std::log(static_cast<long double>(b)) - b - std::lgamma(k + 1.0L));
  }
  return kl_by_summation(lp, lq);
}

TEST(KlPoissonPoisson, MatchesSummation) {
  for (auto c : std::vector<std::pair<double, double>>{{2.5, 1.2}, {0.1, 4}, {30, 27}, {0, 1.5}}) {
    expect_rel(kl_of(td::Poisson(S(c.first)), td::Poisson(S(c.second))), poisson_reference(c.first, c.second), 1e-12,
               "Poisson");
  }
  // Rate 0 against rate 0 is 0 (torch: NaN); q of rate 0 against p of rate > 0: +inf.
  EXPECT_EQ(kl_of(td::Poisson(S(0)), td::Poisson(S(0))), 0.0);
  td::testing::expect_all_infinite(td::kl_divergence(td::Poisson(tensor_of({0.5, 3})), td::Poisson(S(0))));
  // Rates 1e-8 apart (relative): KL ~ 1e-16.
  const Big a = 3, b = Big(3 + 3e-8);
  expect_rel(kl_of(td::Poisson(S(3)), td::Poisson(S(3 + 3e-8))), static_cast<double>(a * log(a / b) - a + b), 1e-12,
             "Poisson near");
}

TEST(KlPoissonPoisson, MonteCarloSelfGradientsShapes) {
  td::Poisson p(tensor_of({2.5, 0.1, 30}));
  td::Poisson q(tensor_of({1.2, 4, 27}));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 36);
  td::testing::expect_kl_to_self_is_zero(p, 1e-300);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) { return td::kl_divergence(td::Poisson(x[0]), td::Poisson(x[1])); },
      {tensor_of({2.5, 0.1, 30}), tensor_of({1.2, 4, 27})});
  // The gradient in q's rate at p's rate 0 is 1 (KL = rate_q there).
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) { return td::kl_divergence(td::Poisson(S(0)), td::Poisson(x[0])); },
      {tensor_of({0.5, 2})});
  auto make = [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::Poisson>(5 * u); };
  expect_broadcast_and_dtype(make, make);
}

}  // namespace
