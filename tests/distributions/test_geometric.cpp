// Geometric: log_prob against Boost.Math from probs and from logits (large
// |logits| against the closed form in long double), moments against
// Boost, entropy against direct summation over the support, sampling by
// chi-square tests, gradients against finite differences, and validation
// messages.

#include <torchdist/distributions/geometric.h>

#include <boost/math/distributions/geometric.hpp>
#include <cmath>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(Geometric, LogProbMatchesBoost) {
  for (double p : {1e-6, 0.01, 0.3, 0.5, 0.9, 0.999}) {
    SCOPED_TRACE(::testing::Message() << "p " << p);
    boost::math::geometric_distribution<double> ref(p);
    std::vector<double> ks, lp;
    for (double k : {0.0, 1.0, 2.0, 7.0, 40.0, 1000.0, 1e6}) {
      const double pk = boost::math::pdf(ref, k);
      if (pk < 1e-300) continue;
      ks.push_back(k);
      lp.push_back(std::log(pk));
    }
    const auto n = static_cast<int64_t>(ks.size());
    td::Geometric d(td::probs(tensor_of({p})));
    // Boost's pdf forms (1 - p)^k with pow, whose relative error grows to
    // ~1e-11 in log at k = 1e6 (checked against long double by hand: ours
    // is the accurate one there), hence 1e-11.
    EXPECT_TRUE(all_close(d.log_prob(tensor_of(ks, {n})), tensor_of(lp, {n}), 1e-11, 1e-12));
    // The same law from its logits.
    td::Geometric dl(td::logits(tensor_of({std::log(p) - std::log1p(-p)})));
    EXPECT_TRUE(all_close(dl.log_prob(tensor_of(ks, {n})), tensor_of(lp, {n}), 1e-9, 1e-12));
  }
}

TEST(Geometric, LogProbFromLargeLogitsIsAccurate) {
  // log P(k) = -k log(1 + e^l) - log(1 + e^-l) in long double, for logits
  // where p = sigmoid(l) rounds to 1 (l = 40) or underflows (l = -800).
  for (double l : {-800.0, -40.0, 40.0, 800.0}) {
    SCOPED_TRACE(::testing::Message() << "logit " << l);
    std::vector<double> ks = {0.0, 1.0, 5.0}, lp;
    for (double k : ks) {
      const long double L = l;
      auto softplus = [](long double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); };
      lp.push_back(static_cast<double>(-k * softplus(L) - softplus(-L)));
    }
    td::Geometric d(td::logits(tensor_of({l})));
    at::Tensor got = d.log_prob(tensor_of(ks, {3}));
    EXPECT_TRUE(at::isfinite(got).all().item<bool>());
    EXPECT_TRUE(all_close(got, tensor_of(lp, {3}), 1e-14, 1e-300));
  }
}

TEST(Geometric, CertainSuccessAtProbsOne) {
  td::Geometric d(td::probs(tensor_of({1.0, 1.0}, {2})));
  at::Tensor lp = d.log_prob(tensor_of({0.0, 2.0}, {2}));
  EXPECT_EQ(lp[0].item<double>(), 0.0);
  EXPECT_EQ(lp[1].item<double>(), -kInf);
  EXPECT_TRUE(at::equal(d.sample({20}), at::zeros({20, 2}, at::kDouble)));
  EXPECT_TRUE(at::equal(d.entropy(), at::zeros({2}, at::kDouble)));
  EXPECT_TRUE(at::equal(d.mean(), at::zeros({2}, at::kDouble)));
  EXPECT_TRUE(at::equal(d.variance(), at::zeros({2}, at::kDouble)));
  // The same from a logit of +inf.
  td::Geometric dl(td::logits(tensor_of({kInf}, {1})));
  EXPECT_EQ(dl.log_prob(tensor_of({0.0}, {1})).item<double>(), 0.0);
  EXPECT_EQ(dl.entropy().item<double>(), 0.0);
  EXPECT_TRUE(at::equal(dl.sample({5}), at::zeros({5, 1}, at::kDouble)));
  // d/dp log P(0 | p) = 1 / p = 1 (as torch).
  at::Tensor p = tensor_of({1.0}, {1}).set_requires_grad(true);
  td::Geometric(td::probs(p)).log_prob(tensor_of({0.0}, {1})).sum().backward();
  EXPECT_EQ(p.grad().item<double>(), 1.0);
}

// -sum_k P(k) log P(k) in long double, summed until P(k) < e^-90 (the
// rest of the series is then below 1e-35 relative).
double entropy_by_summation(double p) {
  long double h = 0;
  const long double lq = std::log1p(-static_cast<long double>(p)), lp = std::log(static_cast<long double>(p));
  for (int64_t k = 0;; ++k) {
    const long double l = k * lq + lp;
    if (l < -90) break;
    h -= std::exp(l) * l;
  }
  return static_cast<double>(h);
}

TEST(Geometric, MomentsMatchBoostAndEntropyMatchesSummation) {
  const std::vector<double> ps = {1e-3, 0.05, 0.3, 0.5, 0.9, 0.999};
  std::vector<double> mean, var, sd, mode, entropy, logits;
  for (double p : ps) {
    boost::math::geometric_distribution<double> ref(p);
    mean.push_back(boost::math::mean(ref));
    var.push_back(boost::math::variance(ref));
    sd.push_back(boost::math::standard_deviation(ref));
    mode.push_back(boost::math::mode(ref));
    entropy.push_back(entropy_by_summation(p));
    logits.push_back(std::log(p) - std::log1p(-p));
  }
  const auto n = static_cast<int64_t>(ps.size());
  for (bool from_logits : {false, true}) {
    SCOPED_TRACE(from_logits ? "logits" : "probs");
    td::Geometric d = from_logits ? td::Geometric(td::logits(tensor_of(logits, {n})))
                                  : td::Geometric(td::probs(tensor_of(ps, {n})));
    EXPECT_TRUE(all_close(d.mean(), tensor_of(mean, {n}), 1e-12));
    EXPECT_TRUE(all_close(d.variance(), tensor_of(var, {n}), 1e-12));
    EXPECT_TRUE(all_close(d.stddev(), tensor_of(sd, {n}), 1e-12));
    EXPECT_TRUE(all_close(d.mode(), tensor_of(mode, {n}), 0, 0));
    EXPECT_TRUE(all_close(d.entropy(), tensor_of(entropy, {n}), 1e-12, 1e-15));
    EXPECT_TRUE(all_close(d.probs(), tensor_of(ps, {n}), 1e-12));
    EXPECT_TRUE(all_close(d.logits(), tensor_of(logits, {n}), 1e-9));
  }
}


TEST(Geometric, EntropyAtTinyProbabilities) {
  // H = -log p + (1 - p) log1p(-p) / (-p) -> -log p + 1 - p / 2: finite for
  // subnormal p and for logits far below 0 (float p = 1e-40 gave inf, 1e-45
  // NaN, logits -200 NaN; torch 1.13 gives 1.2e33 and 8.5e37).
  for (float p : {1e-40f, 1e-45f, 1e-30f, 1e-8f, 3e-5f}) {
    const double pd = p;  // the float's exact value
    // In double this form is exact to a few ulp: (1 - p) / p stays finite.
    const double expected = -std::log(pd) - (1 - pd) / pd * std::log1p(-pd);
    EXPECT_NEAR(td::Geometric(td::probs(at::tensor({p}))).entropy().item<double>(), expected, 2e-6 * expected) << p;
    EXPECT_NEAR(td::Geometric(td::probs(at::tensor({pd}))).entropy().item<double>(), expected, 1e-14 * expected) << p;
  }
  for (double l : {-200.0, -80.0, -1000.0}) {
    // -log sigmoid(l) + log1p(e^l) / e^l = -l + 1 + O(e^l).
    EXPECT_NEAR(td::Geometric(td::logits(tensor_of({l}))).entropy().item<double>(), 1 - l, 1e-13 * (1 - l)) << l;
    if (l > -1000) {
      EXPECT_NEAR(td::Geometric(td::logits(at::tensor({static_cast<float>(l)}))).entropy().item<double>(), 1 - l,
                  2e-6 * (1 - l))
          << l;
    }
  }
  // Both sides of the branch points (1e-4 in the series, 0 in the logits)
  // agree with the closed form; gradients finite there.
  for (double p : {0.99e-4, 1.01e-4, 0.5 - 1e-12, 0.5, 0.5 + 1e-12}) {
    const double expected = -std::log(p) - (1 - p) / p * std::log1p(-p);
    const at::Tensor l = tensor_of({std::log(p) - std::log1p(-p)}).set_requires_grad(true);
    const at::Tensor h = td::Geometric(td::logits(l)).entropy();
    EXPECT_NEAR(td::Geometric(td::probs(tensor_of({p}))).entropy().item<double>(), expected, 1e-14 * expected);
    EXPECT_NEAR(h.item<double>(), expected, 1e-13 * expected);
    h.backward();
    EXPECT_TRUE(std::isfinite(l.grad().item<double>()));
  }
}
TEST(Geometric, ShapesDtypesAndExpand) {
  td::Geometric d0(td::probs(0.25));
  EXPECT_EQ(d0.probs().scalar_type(), at::kFloat);
  EXPECT_EQ(d0.sample({5}).scalar_type(), at::kFloat);
  EXPECT_EQ(d0.sample({5}).sizes(), at::IntArrayRef({5}));
  EXPECT_EQ(d0.log_prob(at::tensor({0, 3}, at::kLong)).scalar_type(), at::kFloat);

  td::Geometric d1(td::logits(at::zeros({3, 1}, at::kDouble)));
  EXPECT_EQ(d1.batch_shape(), at::IntArrayRef({3, 1}));
  EXPECT_EQ(d1.param_shape(), at::IntArrayRef({3, 1}));
  EXPECT_EQ(d1.sample({2}).sizes(), at::IntArrayRef({2, 3, 1}));
  EXPECT_EQ(d1.sample({2}).scalar_type(), at::kDouble);
  EXPECT_EQ(d1.log_prob(at::ones({4}, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(d1.entropy().sizes(), at::IntArrayRef({3, 1}));
  EXPECT_EQ(d1.mode().sizes(), at::IntArrayRef({3, 1}));
  td::Geometric x = d1.expand({2, 3, 4});
  EXPECT_EQ(x.batch_shape(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(x.probs().sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(x.logits().sizes(), at::IntArrayRef({2, 3, 4}));
  auto shared = d1.expand_shared({5, 3, 1});
  ASSERT_NE(std::dynamic_pointer_cast<td::Geometric>(shared), nullptr);
  EXPECT_EQ(shared->name(), "Geometric");
  EXPECT_FALSE(shared->has_rsample());
  EXPECT_FALSE(shared->has_enumerate_support());
  // The lazily derived parameter is cached: the same tensor twice.
  td::Geometric d2(td::probs(tensor_of({0.2, 0.7}, {2})));
  EXPECT_TRUE(d2.logits().is_same(d2.logits()));
  // from_optional, the Python form Geometric(probs=None, logits=l).
  td::Geometric d3(td::ProbsOrLogits::from_optional("Geometric", c10::nullopt, tensor_of({0.0}, {1})));
  EXPECT_NEAR(d3.probs().item<double>(), 0.5, 1e-15);
}

// Counts of `samples` in the bins between consecutive integer `edges`
// ([e_i, e_{i+1}), the last bin open-ended) and their Boost probabilities.
void geometric_bins(const std::vector<double>& samples, double p, const std::vector<double>& edges,
                    std::vector<int64_t>& counts, std::vector<double>& probs) {
  boost::math::geometric_distribution<double> ref(p);
  const size_t nb = edges.size();
  counts.assign(nb, 0);
  for (double s : samples) {
    size_t b = static_cast<size_t>(std::upper_bound(edges.begin(), edges.end(), s) - edges.begin()) - 1;
    counts[b]++;
  }
  probs.clear();
  // P(e_i <= X < e_{i+1}) = P(X >= e_i) - P(X >= e_{i+1}); P(X >= e) = (1 - p)^e.
  for (size_t i = 0; i < nb; ++i) {
    const double lo = edges[i] == 0 ? 1.0 : boost::math::cdf(boost::math::complement(ref, edges[i] - 1));
    const double hi =
        i + 1 < nb ? boost::math::cdf(boost::math::complement(ref, edges[i + 1] - 1)) : 0.0;
    probs.push_back(lo - hi);
  }
}

TEST(Geometric, SamplesPassChiSquare) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 8
  // draws (8e-4 together); the seeds are fixed, so the outcome is too.
  uint64_t seed = 200;
  auto check = [&](const td::Geometric& d, double p) {
    auto x = td::testing::to_vector(d.sample({50000}, td::testing::seeded_generator(++seed)));
    // Integer bins up to a few means, then ~30 geometric bins for the tail.
    std::vector<double> edges;
    const double mean = (1 - p) / p;
    for (double e = 0; e < std::min(3 * mean + 5, 60.0); ++e) edges.push_back(e);
    for (double e = std::max(edges.back() + 1, std::floor(edges.back() * 1.2)); e < 30 * mean + 10;
         e = std::floor(e * 1.2) + 1) {
      edges.push_back(e);
    }
    std::vector<int64_t> counts;
    std::vector<double> probs;
    geometric_bins(x, p, edges, counts, probs);
    EXPECT_GT(td::testing::chi_square_test(counts, probs), 1e-4) << "p " << p;
  };
  for (double p : {0.9, 0.3, 0.02, 1e-5}) check(td::Geometric(td::probs(tensor_of({p}))), p);
  check(td::Geometric(td::logits(tensor_of({std::log(0.15 / 0.85)}))), 0.15);
  // float32 parameters, including a small p (where torch's float32
  // inversion is coarse): the float value of p is the reference.
  for (float pf : {0.4f, 3e-3f, 2e-6f}) {
    check(td::Geometric(td::probs(at::full({}, pf))), static_cast<double>(pf));
  }
}

TEST(Geometric, SameGeneratorSeedGivesSameSamples) {
  td::Geometric d(td::probs(at::full({4}, 0.2)));
  EXPECT_TRUE(
      at::equal(d.sample({3}, td::testing::seeded_generator(9)), d.sample({3}, td::testing::seeded_generator(9))));
}

void expect_grad_matches(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& at,
                         double rtol = 1e-6, double atol = 1e-8) {
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f, at), td::testing::finite_difference_grad(f, at), rtol, atol));
}

TEST(Geometric, GradientsMatchFiniteDifferences) {
  at::Tensor p0 = tensor_of({0.05, 0.3, 0.8}, {3});
  at::Tensor l0 = tensor_of({-3.0, 0.2, 2.5}, {3});
  at::Tensor k0 = tensor_of({0.0, 4.0, 17.0}, {3});
  expect_grad_matches([&](const at::Tensor& p) { return td::Geometric(td::probs(p)).log_prob(k0).sum(); }, p0);
  expect_grad_matches([&](const at::Tensor& l) { return td::Geometric(td::logits(l)).log_prob(k0).sum(); }, l0);
  expect_grad_matches([&](const at::Tensor& p) { return td::Geometric(td::probs(p)).entropy().sum(); }, p0);
  expect_grad_matches([&](const at::Tensor& l) { return td::Geometric(td::logits(l)).entropy().sum(); }, l0);
  expect_grad_matches([&](const at::Tensor& p) { return td::Geometric(td::probs(p)).variance().sum(); }, p0);
  expect_grad_matches([&](const at::Tensor& l) { return td::Geometric(td::logits(l)).mean().sum(); }, l0);
}

TEST(Geometric, LogProbOutsideTheSupportWithoutValidationIsMinusInf) {
  // Negative and fractional counts: the formula gave finite values (-1e4 at
  // k = -1, logits = -1e4). NaN stays NaN.
  const at::Tensor k = tensor_of({-1, 0.5, 2.5, NAN, 3}, {5});
  at::Tensor logits = at::full({5}, -1e4, at::kDouble).requires_grad_();
  at::Tensor lp = td::Geometric(td::logits(logits), /*validate_args=*/false).log_prob(k);
  EXPECT_TRUE(at::equal(lp.slice(0, 0, 3), at::full({3}, -kInf, at::kDouble)));
  EXPECT_TRUE(std::isnan(lp[3].item<double>()));
  EXPECT_NEAR(lp[4].item<double>(), -1e4, 1e-9);
  lp.slice(0, 0, 3).sum().backward();
  EXPECT_TRUE(at::equal(logits.grad().slice(0, 0, 3), at::zeros({3}, at::kDouble)));
  const at::Tensor p = tensor_of({0.3});
  EXPECT_EQ(td::Geometric(td::probs(p), false).log_prob(tensor_of({-2})).item<double>(), -kInf);
  EXPECT_EQ(td::Geometric(td::probs(p), false).log_prob(tensor_of({1.5})).item<double>(), -kInf);
}

TEST(Geometric, ValidationErrorsNameDistributionArgumentAndConstraint) {
  EXPECT_THROW_MSG(td::Geometric(td::probs(tensor_of({0.5, 1.5}, {2}))), c10::ValueError,
                   "Geometric: probs must satisfy unit_interval(), got 1.5 at index [1]");
  EXPECT_THROW_MSG(td::Geometric(td::probs(tensor_of({0.5, 0.0}, {2}))), c10::ValueError,
                   "Geometric: probs must satisfy positive(), got 0 at index [1]");
  EXPECT_THROW_MSG(td::Geometric(td::logits(tensor_of({NAN}))), c10::ValueError,
                   "Geometric: logits must satisfy real(), got nan");
  EXPECT_THROW_MSG(td::Geometric(td::probs(at::Tensor())), c10::ValueError, "Geometric");
  EXPECT_THROW_MSG(td::ProbsOrLogits::from_optional("Geometric", c10::nullopt, c10::nullopt), c10::ValueError,
                   "Geometric");
  td::Geometric d(td::probs(at::full({3}, 0.5, at::kDouble)));
  EXPECT_THROW_MSG(d.log_prob(tensor_of({1, 0.5, 2}, {3})), c10::ValueError,
                   "Geometric: value must be within the support nonnegative_integer(), got 0.5 at index [1]");
  EXPECT_THROW_MSG(d.log_prob(tensor_of({-1})), c10::ValueError,
                   "Geometric: value must be within the support nonnegative_integer(), got -1");
  EXPECT_THROW_MSG(d.log_prob(at::ones({2}, at::kDouble)), c10::ValueError,
                   "Geometric: value of shape [2] is not broadcastable with batch_shape + event_shape [3]");
  EXPECT_THROW_MSG(d.cdf(tensor_of({1})), c10::NotImplementedError, "Geometric does not implement cdf");
  EXPECT_THROW_MSG(d.icdf(tensor_of({0.5})), c10::NotImplementedError, "Geometric does not implement icdf");
  EXPECT_THROW_MSG(d.enumerate_support(), c10::NotImplementedError, "Geometric does not implement enumerate_support");
  EXPECT_NO_THROW(td::Geometric(td::probs(0.0), /*validate_args=*/false));
  EXPECT_NO_THROW(td::Geometric(td::probs(0.5), /*validate_args=*/false).log_prob(tensor_of({0.5})));
  EXPECT_FALSE(td::Geometric(td::probs(at::full({1}, 0.5)), false).expand({3}).validate_args());
  EXPECT_TRUE(td::Geometric(td::probs(at::full({1}, 0.5)), true).expand({3}).validate_args());
}

}  // namespace
