// Multinomial: log_prob against the closed form (std::lgamma in double),
// zero-probability categories, moments, entropy against enumeration of the
// whole support, both samplers (conditional binomials and counting) and the
// one sample() picks: every marginal is Binomial(n, p_k) (chi-square
// against Boost), every row sums to n exactly, and the pairwise covariances
// are -n p_i p_j within 6 standard errors; gradients against finite
// differences, and validation messages.

#include <torchdist/distributions/multinomial.h>

#include <boost/math/distributions/binomial.hpp>
#include <algorithm>
#include <cmath>
#include <limits>

#include "../../src/distributions/multinomial_sampling.h"
#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// log P(x | p) = lgamma(n + 1) - sum lgamma(x_k + 1) + sum x_k log p_k,
// with 0 log 0 = 0, in double.
double log_pmf(const std::vector<double>& x, const std::vector<double>& p) {
  double n = 0, lp = 0;
  for (size_t k = 0; k < x.size(); ++k) {
    n += x[k];
    lp -= std::lgamma(x[k] + 1);
    if (x[k] > 0) lp += x[k] * std::log(p[k]);
  }
  return lp + std::lgamma(n + 1);
}

TEST(Multinomial, LogProbMatchesClosedForm) {
  // Unnormalized probs (normalized inside), a batch of 2, and values with
  // different totals (log_prob reads n from the value, as torch; the
  // support takes any total up to total_count).
  const std::vector<double> raw = {1, 2, 3, 4, 0.5, 0.5, 7, 2};
  std::vector<std::vector<double>> p(2);
  for (int b = 0; b < 2; ++b) {
    double s = 0;
    for (int k = 0; k < 4; ++k) s += raw[b * 4 + k];
    for (int k = 0; k < 4; ++k) p[b].push_back(raw[b * 4 + k] / s);
  }
  const std::vector<std::vector<double>> xs = {{0, 0, 0, 10}, {3, 3, 2, 2}, {1, 0, 9, 0}, {120, 40, 700, 140}};
  std::vector<double> values, expected;
  for (const auto& x : xs) {
    for (int b = 0; b < 2; ++b) {
      values.insert(values.end(), x.begin(), x.end());
      expected.push_back(log_pmf(x, p[b]));
    }
  }
  at::Tensor value = tensor_of(values, {4, 2, 4});
  // Counts of several totals: unvalidated, log_prob takes n from each
  // value's sum, as torch does (validated, they must sum to total_count).
  td::Multinomial dp(1000, td::probs(tensor_of(raw, {2, 4})), /*validate_args=*/false);
  EXPECT_TRUE(all_close(dp.log_prob(value), tensor_of(expected, {4, 2}), 1e-13, 1e-12));
  // The same law from unnormalized logits (log of raw plus a constant per row).
  at::Tensor l = tensor_of(raw, {2, 4}).log() + tensor_of({3.0, -7.0}, {2, 1});
  td::Multinomial dl(1000, td::logits(l), /*validate_args=*/false);
  EXPECT_TRUE(all_close(dl.log_prob(value), tensor_of(expected, {4, 2}), 1e-13, 1e-12));
  EXPECT_THROW_MSG(td::Multinomial(1000, td::logits(l)).log_prob(value), c10::ValueError,
                   "Multinomial: value must sum to total_count = 1000 over its last dimension, got [0, 0, 0, 10] at "
                   "index [0, 0] (6 of 8 events invalid, shape [4, 2, 4])");
  // The free function on normalized logits.
  EXPECT_TRUE(all_close(td::multinomial_log_prob(value, dl.logits()), tensor_of(expected, {4, 2}), 1e-13, 1e-12));
}

TEST(Multinomial, ZeroProbabilityCategories) {
  // A zero count in a zero-probability category contributes exactly 0,
  // from probs and from a logit of -inf.
  const double expected = std::log(3.0) + 3 * std::log(0.5);
  td::Multinomial dp(3, td::probs(tensor_of({0.0, 0.5, 0.5}, {3})));
  td::Multinomial dl(3, td::logits(tensor_of({-kInf, 0.0, 0.0}, {3})));
  EXPECT_NEAR(dp.log_prob(tensor_of({0, 2, 1}, {3})).item<double>(), expected, 1e-14);
  EXPECT_NEAR(dl.log_prob(tensor_of({0, 2, 1}, {3})).item<double>(), expected, 1e-14);
  // A positive count there: -inf from logits; from probs torch's clamped
  // log(eps) per count (finite, as torch).
  EXPECT_EQ(dl.log_prob(tensor_of({1, 1, 1}, {3})).item<double>(), -kInf);
  const double eps = std::numeric_limits<double>::epsilon();
  EXPECT_NEAR(dp.log_prob(tensor_of({1, 1, 1}, {3})).item<double>(), std::lgamma(4.0) + std::log(eps) + 2 * std::log(0.5),
              1e-12);
  // Samples never use a zero-probability category.
  for (int64_t n : {5, 1000000}) {
    td::Multinomial d(n, td::probs(tensor_of({0.0, 0.3, 0.0, 0.7, 0.0}, {5})));
    at::Tensor s = d.sample({200}, td::testing::seeded_generator(3));
    EXPECT_EQ(s.select(-1, 0).abs().sum().item<double>(), 0.0);
    EXPECT_EQ(s.select(-1, 2).abs().sum().item<double>(), 0.0);
    EXPECT_EQ(s.select(-1, 4).abs().sum().item<double>(), 0.0);
  }
}

// All count vectors of K categories summing to n.
void compositions(int64_t n, size_t k, std::vector<double>& prefix, std::vector<std::vector<double>>& out) {
  if (prefix.size() + 1 == k) {
    prefix.push_back(static_cast<double>(n));
    out.push_back(prefix);
    prefix.pop_back();
    return;
  }
  for (int64_t x = 0; x <= n; ++x) {
    prefix.push_back(static_cast<double>(x));
    compositions(n - x, k, prefix, out);
    prefix.pop_back();
  }
}

double entropy_by_enumeration(int64_t n, const std::vector<double>& p) {
  std::vector<std::vector<double>> all;
  std::vector<double> prefix;
  compositions(n, p.size(), prefix, all);
  double h = 0;
  for (const auto& x : all) {
    const double lp = log_pmf(x, p);
    if (lp > -700) h -= std::exp(lp) * lp;
  }
  return h;
}

TEST(Multinomial, MomentsAndEntropyMatchEnumeration) {
  const std::vector<std::vector<double>> ps = {{0.2, 0.3, 0.5, 0.0}, {0.25, 0.25, 0.25, 0.25}, {0.9, 0.05, 0.04, 0.01}};
  std::vector<double> flat;
  for (const auto& p : ps) flat.insert(flat.end(), p.begin(), p.end());
  for (int64_t n : {0, 1, 6, 25}) {
    SCOPED_TRACE(::testing::Message() << "n " << n);
    td::Multinomial d(n, td::probs(tensor_of(flat, {3, 4})));
    std::vector<double> entropy, mean, var;
    for (const auto& p : ps) {
      entropy.push_back(entropy_by_enumeration(n, p));
      for (double pk : p) {
        mean.push_back(static_cast<double>(n) * pk);
        var.push_back(static_cast<double>(n) * pk * (1 - pk));
      }
    }
    EXPECT_TRUE(all_close(d.entropy(), tensor_of(entropy, {3}), 1e-11, 1e-12));
    EXPECT_TRUE(all_close(d.mean(), tensor_of(mean, {3, 4}), 1e-14, 1e-15));
    EXPECT_TRUE(all_close(d.variance(), tensor_of(var, {3, 4}), 1e-14, 1e-15));
    // From logits (the zero probability as -inf).
    td::Multinomial dl(n, td::logits(tensor_of(flat, {3, 4}).log()));
    EXPECT_TRUE(all_close(dl.entropy(), tensor_of(entropy, {3}), 1e-11, 1e-12));
  }
  // One category: the point mass at [n] (0 up to the rounding of lgamma(8)).
  EXPECT_NEAR(td::Multinomial(7, td::probs(tensor_of({1.0}, {1}))).entropy().item<double>(), 0.0, 1e-13);
}

TEST(Multinomial, ShapesDtypesAndExpand) {
  td::Multinomial d(5, td::probs(at::full({2, 3, 4}, 0.25, at::kDouble)));
  EXPECT_EQ(d.batch_shape(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(d.event_shape(), at::IntArrayRef({4}));
  EXPECT_EQ(d.param_shape(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(d.num_events(), 4);
  EXPECT_EQ(d.total_count(), 5);
  EXPECT_EQ(d.sample().sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(d.sample({7}).sizes(), at::IntArrayRef({7, 2, 3, 4}));
  EXPECT_EQ(d.sample({7}).scalar_type(), at::kDouble);
  EXPECT_EQ(d.log_prob(at::tensor({1, 1, 1, 2}, at::kLong)).sizes(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(d.log_prob(at::tensor({1, 1, 1, 2}, at::kLong)).scalar_type(), at::kDouble);
  EXPECT_EQ(d.entropy().sizes(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(d.mean().sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(d.support()->event_dim(), 1);
  EXPECT_EQ(d.support()->name(), td::constraints::multinomial(5)->name());
  td::Multinomial x = d.expand({5, 2, 3});
  EXPECT_EQ(x.batch_shape(), at::IntArrayRef({5, 2, 3}));
  EXPECT_EQ(x.probs().sizes(), at::IntArrayRef({5, 2, 3, 4}));
  EXPECT_EQ(x.sample({2}).sizes(), at::IntArrayRef({2, 5, 2, 3, 4}));
  auto shared = d.expand_shared({1, 2, 3});
  ASSERT_NE(std::dynamic_pointer_cast<td::Multinomial>(shared), nullptr);
  EXPECT_EQ(shared->name(), "Multinomial");
  EXPECT_FALSE(shared->has_rsample());
  EXPECT_FALSE(shared->has_enumerate_support());
  // Float parameters give float samples; total_count defaults to 1.
  td::Multinomial f(td::logits(at::zeros({3})));
  EXPECT_EQ(f.total_count(), 1);
  EXPECT_EQ(f.sample({4}).scalar_type(), at::kFloat);
  EXPECT_TRUE(at::equal(f.sample({4}).sum(-1), at::ones({4})));
  // Zero samples and zero trials.
  EXPECT_EQ(d.sample({0}).sizes(), at::IntArrayRef({0, 2, 3, 4}));
  EXPECT_TRUE(at::equal(td::Multinomial(0, td::probs(at::ones({3}))).sample({2}), at::zeros({2, 3})));
}

// Checks a [N, K] double tensor of draws from Multinomial(n, p): exact row
// sums, Binomial(n, p_k) marginals (chi-square against Boost), covariances.
void check_multinomial_draws(const at::Tensor& draws, int64_t n, const std::vector<double>& p, uint64_t& checks) {
  const int64_t N = draws.size(0), K = draws.size(1);
  ASSERT_EQ(K, static_cast<int64_t>(p.size()));
  EXPECT_TRUE(at::equal(draws.sum(-1), at::full({N}, static_cast<double>(n), at::kDouble))) << "row sums != n";
  EXPECT_TRUE(at::equal(draws, draws.round())) << "non-integer counts";
  EXPECT_GE(draws.min().item<double>(), 0.0);
  // Marginals: chi-square per category with p_k in (0, 1). Threshold 1e-4:
  // a false-failure rate of 1e-4 per category (counted in `checks`).
  for (int64_t k = 0; k < K; ++k) {
    if (p[k] <= 0 || p[k] >= 1) continue;
    ++checks;
    boost::math::binomial_distribution<double> ref(static_cast<double>(n), p[k]);
    const double sd = std::sqrt(n * p[k] * (1 - p[k]));
    const auto lo = static_cast<int64_t>(std::max(0.0, std::floor(n * p[k] - 6 * sd)));
    const auto hi = static_cast<int64_t>(std::min(static_cast<double>(n), std::ceil(n * p[k] + 6 * sd)));
    // Bins: the lower tail, runs of consecutive integers each expecting at
    // least 20 draws (single integers would expect < 5 at large n, and
    // chi_square_test would pool them all), and the upper tail.
    std::vector<double> upper = {static_cast<double>(lo - 1)};
    std::vector<double> probs = {lo > 0 ? boost::math::cdf(ref, static_cast<double>(lo - 1)) : 0.0};
    double acc = 0;
    for (int64_t x = lo; x <= hi; ++x) {
      acc += boost::math::pdf(ref, static_cast<double>(x));
      if (acc * static_cast<double>(N) >= 20) {
        upper.push_back(static_cast<double>(x));
        probs.push_back(acc);
        acc = 0;
      }
    }
    upper.push_back(kInf);
    probs.push_back(acc + (hi < n ? boost::math::cdf(boost::math::complement(ref, static_cast<double>(hi))) : 0.0));
    std::vector<int64_t> counts(upper.size(), 0);
    for (double v : td::testing::to_vector(draws.select(1, k))) {
      counts[static_cast<size_t>(std::lower_bound(upper.begin(), upper.end(), v) - upper.begin())]++;
    }
    EXPECT_GE(counts.size(), 4u) << "too few bins for a meaningful test";
    EXPECT_GT(td::testing::chi_square_test(counts, probs), 1e-4) << "marginal " << k;
  }
  // Covariances: the sample covariance of categories i != j against
  // -n p_i p_j, within 6 standard errors (estimated from the sample: the
  // standard deviation of the products of centered counts over sqrt(N));
  // a false-failure rate of ~2e-9 per pair under the CLT.
  at::Tensor centered = draws - draws.mean(0, /*keepdim=*/true);
  for (int64_t i = 0; i < K; ++i) {
    for (int64_t j = i + 1; j < K; ++j) {
      at::Tensor prod = centered.select(1, i) * centered.select(1, j);
      const double cov = prod.sum().item<double>() / static_cast<double>(N - 1);
      const double se = prod.std().item<double>() / std::sqrt(static_cast<double>(N));
      EXPECT_NEAR(cov, -static_cast<double>(n) * p[i] * p[j], 6 * se + 1e-12) << "pair " << i << ", " << j;
    }
  }
}

TEST(Multinomial, ConditionalBinomialSamplerIsExact) {
  uint64_t checks = 0;
  const std::vector<double> p = {0.1, 0.0, 0.2, 0.3, 0.4};
  at::Tensor probs = tensor_of(p, {5});
  for (int64_t n : {1, 7, 1000, 1000000, 1000000000}) {
    SCOPED_TRACE(::testing::Message() << "n " << n);
    at::Tensor draws =
        td::detail::multinomial_sample_conditional(n, probs, {20000}, td::testing::seeded_generator(500 + n));
    check_multinomial_draws(draws, n, p, checks);
  }
  // float32 probabilities (the reference is their float values, normalized
  // in double as the sampler does) and a batch: rows are independent laws.
  at::Tensor pf = at::tensor({0.15f, 0.6f, 0.25f, 0.5f, 0.25f, 0.25f}, at::kFloat).view({2, 3});
  at::Tensor draws = td::detail::multinomial_sample_conditional(1000000, pf, {20000}, td::testing::seeded_generator(77));
  EXPECT_EQ(draws.scalar_type(), at::kFloat);
  EXPECT_EQ(draws.sizes(), at::IntArrayRef({20000, 2, 3}));
  for (int64_t b = 0; b < 2; ++b) {
    at::Tensor row = pf[b].to(at::kDouble);
    check_multinomial_draws(draws.select(1, b).to(at::kDouble), 1000000, td::testing::to_vector(row / row.sum()),
                            checks);
  }
  // The marginal chi-square tests: `checks` of them at 1e-4 each.
  EXPECT_EQ(checks, 26u);
}

TEST(Multinomial, CountingSamplerIsExact) {
  uint64_t checks = 0;
  const std::vector<double> p = {0.1, 0.0, 0.2, 0.3, 0.4};
  for (int64_t n : {1, 7, 40}) {
    SCOPED_TRACE(::testing::Message() << "n " << n);
    at::Tensor draws =
        td::detail::multinomial_sample_counting(n, tensor_of(p, {5}), {20000}, td::testing::seeded_generator(900 + n));
    check_multinomial_draws(draws, n, p, checks);
  }
  EXPECT_EQ(checks, 12u);
}

TEST(Multinomial, SampleChoosesTheFasterExactMethod) {
  // The rule (timings in multinomial_sampling.cpp): counting for small n,
  // conditional binomials for large n, counting capped at 2^24 draws.
  EXPECT_TRUE(td::detail::multinomial_prefers_counting(4, 2, 10000));
  EXPECT_FALSE(td::detail::multinomial_prefers_counting(1024, 2, 10000));
  EXPECT_TRUE(td::detail::multinomial_prefers_counting(100, 64, 10000));
  EXPECT_FALSE(td::detail::multinomial_prefers_counting(1000000, 64, 1));
  EXPECT_FALSE(td::detail::multinomial_prefers_counting(2000, 4096, 100000));  // 2e8 draws: over the memory cap
  // Through the family: large n is exact and fast (a counting sampler would
  // draw 2e4 * 1e6 categories here).
  uint64_t checks = 0;
  const std::vector<double> p = {0.5, 0.25, 0.125, 0.125};
  td::Multinomial d(1000000, td::probs(tensor_of(p, {4})));
  check_multinomial_draws(d.sample({20000}, td::testing::seeded_generator(31)), 1000000, p, checks);
  td::Multinomial s(3, td::logits(tensor_of(p, {4}).log()));
  check_multinomial_draws(s.sample({20000}, td::testing::seeded_generator(32)), 3, p, checks);
  EXPECT_EQ(checks, 8u);
}

TEST(Multinomial, SameGeneratorSeedGivesSameSamples) {
  for (int64_t n : {3, 100000}) {
    td::Multinomial d(n, td::probs(at::full({2, 3}, 1.0)));
    EXPECT_TRUE(
        at::equal(d.sample({3}, td::testing::seeded_generator(9)), d.sample({3}, td::testing::seeded_generator(9))));
  }
}

void expect_grad_matches(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& at,
                         double rtol = 1e-6, double atol = 1e-8) {
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f, at), td::testing::finite_difference_grad(f, at), rtol, atol));
}

TEST(Multinomial, GradientsMatchFiniteDifferences) {
  at::Tensor raw = tensor_of({1.0, 2.0, 3.0, 0.5, 0.7, 0.2}, {2, 3});
  at::Tensor l0 = tensor_of({-1.0, 0.5, 2.0, 0.0, 0.3, -0.4}, {2, 3});
  at::Tensor x0 = tensor_of({2, 0, 5, 1, 5, 1}, {2, 3});
  expect_grad_matches([&](const at::Tensor& p) { return td::Multinomial(7, td::probs(p)).log_prob(x0).sum(); }, raw);
  expect_grad_matches([&](const at::Tensor& l) { return td::Multinomial(7, td::logits(l)).log_prob(x0).sum(); }, l0);
  expect_grad_matches([&](const at::Tensor& l) { return td::Multinomial(6, td::logits(l)).entropy().sum(); }, l0);
  expect_grad_matches([&](const at::Tensor& p) { return td::Multinomial(6, td::probs(p)).entropy().sum(); }, raw);
  expect_grad_matches([&](const at::Tensor& p) { return td::Multinomial(6, td::probs(p)).variance().sum(); }, raw);
}

TEST(Multinomial, ValidationErrorsNameDistributionArgumentAndConstraint) {
  EXPECT_THROW_MSG(td::Multinomial(-1, td::probs(at::ones({3}))), c10::ValueError,
                   "Multinomial: total_count must satisfy nonnegative_integer(), got -1");
  // Checked also without validation: a negative count has no meaning.
  EXPECT_THROW_MSG(td::Multinomial(-2, td::probs(at::ones({3})), /*validate_args=*/false), c10::ValueError,
                   "Multinomial: total_count must satisfy nonnegative_integer(), got -2");
  EXPECT_THROW_MSG(td::Multinomial(3, td::probs(0.5)), c10::ValueError,
                   "Multinomial: probs must be at least one-dimensional");
  EXPECT_THROW_MSG(td::Multinomial(3, td::logits(at::zeros({2, 0}))), c10::ValueError,
                   "Multinomial: logits must have at least one category");
  EXPECT_THROW_MSG(td::Multinomial(3, td::probs(tensor_of({0.5, -0.1, 0.6}, {3}))), c10::ValueError,
                   "Multinomial: probs must satisfy simplex()");
  EXPECT_THROW_MSG(td::Multinomial(3, td::probs(at::zeros({2}))), c10::ValueError,
                   "Multinomial: probs must satisfy simplex()");
  EXPECT_THROW_MSG(td::Multinomial(3, td::logits(tensor_of({0.0, NAN}, {2}))), c10::ValueError,
                   "Multinomial: logits must satisfy real_vector()");
  td::Multinomial d(5, td::probs(at::full({2, 3}, 1.0 / 3, at::kDouble)));
  const std::string support = "Multinomial: value must be within the support " + d.support()->name();
  EXPECT_THROW_MSG(d.log_prob(tensor_of({1, 1.5, 2}, {3})), c10::ValueError, support + ", got [1, 1.5, 2]");
  EXPECT_THROW_MSG(d.log_prob(tensor_of({1, -1, 2}, {3})), c10::ValueError, support);
  EXPECT_THROW_MSG(d.log_prob(tensor_of({1, 3, 2}, {3})), c10::ValueError, support);  // sum 6 > 5
  EXPECT_THROW_MSG(d.log_prob(at::ones({2, 2}, at::kDouble)), c10::ValueError,
                   "Multinomial: value of shape [2, 2] does not end in the event shape [3]");
  EXPECT_THROW_MSG(d.log_prob(at::ones({3, 3}, at::kDouble)), c10::ValueError,
                   "Multinomial: value of shape [3, 3] is not broadcastable with batch_shape + event_shape [2, 3]");
  EXPECT_THROW_MSG(d.mode(), c10::NotImplementedError, "Multinomial does not implement mode");
  EXPECT_THROW_MSG(d.cdf(tensor_of({1, 2, 2}, {3})), c10::NotImplementedError, "Multinomial does not implement cdf");
  EXPECT_THROW_MSG(d.enumerate_support(), c10::NotImplementedError, "Multinomial does not implement enumerate_support");
  EXPECT_THROW_MSG(d.rsample(), c10::NotImplementedError, "Multinomial does not implement rsample");
  EXPECT_NO_THROW(td::Multinomial(3, td::probs(tensor_of({0.5, -0.1, 0.6}, {3})), /*validate_args=*/false));
  EXPECT_NO_THROW(td::Multinomial(3, td::probs(at::ones({3})), false).log_prob(tensor_of({0.5, 0, 0}, {3})));
  EXPECT_FALSE(td::Multinomial(3, td::probs(at::ones({1, 3})), false).expand({4}).validate_args());
  EXPECT_TRUE(td::Multinomial(3, td::probs(at::ones({1, 3})), true).expand({4}).validate_args());
}

}  // namespace
