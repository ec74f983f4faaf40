// Poisson: log_prob and cdf against Boost.Math (rate 0 and large rates
// included), moments against Boost, sampling by chi-square tests, gradients
// against finite differences, and validation messages. The large-count
// goodness-of-fit and timing checks of at::poisson are in
// test_large_count_sampling.cpp.

#include <torchdist/distributions/poisson.h>

#include <boost/math/distributions/poisson.hpp>
#include <cmath>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Counts of `samples` in the bins {0}, {1}, ..., {kmax}, [kmax + 1, inf), and
// the Poisson(rate) probabilities of those bins from Boost.
void poisson_bins(const std::vector<double>& samples, double rate, int64_t kmax, std::vector<int64_t>& counts,
                  std::vector<double>& probs) {
  boost::math::poisson_distribution<double> ref(rate);
  counts.assign(static_cast<size_t>(kmax + 2), 0);
  for (double s : samples) counts[static_cast<size_t>(std::min<double>(s, static_cast<double>(kmax + 1)))]++;
  probs.clear();
  for (int64_t k = 0; k <= kmax; ++k) probs.push_back(boost::math::pdf(ref, static_cast<double>(k)));
  probs.push_back(boost::math::cdf(boost::math::complement(ref, static_cast<double>(kmax))));
}

TEST(Poisson, LogProbMatchesBoost) {
  for (double rate : {1e-3, 0.5, 3.0, 47.5, 1e4}) {
    SCOPED_TRACE(::testing::Message() << "rate " << rate);
    boost::math::poisson_distribution<double> ref(rate);
    std::vector<double> ks, lp;
    for (double k : {0.0, 1.0, 2.0, 5.0, 10.0, 50.0, 100.0, 9800.0, 1e4, 1.03e4}) {
      const double p = boost::math::pdf(ref, k);
      if (p < 1e-300) continue;  // log of an underflowed reference is meaningless
      ks.push_back(k);
      lp.push_back(std::log(p));
    }
    const auto n = static_cast<int64_t>(ks.size());
    td::Poisson d(tensor_of({rate}));
    // |log_prob| reaches ~1e3 here; lgamma and the products are good to a
    // few ulps of the largest term (k log rate ~ 1e5 at k = 1e4).
    EXPECT_TRUE(all_close(d.log_prob(tensor_of(ks, {n})), tensor_of(lp, {n}), 1e-12, 1e-10));
  }
}

TEST(Poisson, RateZeroIsThePointMassAtZero) {
  td::Poisson d(tensor_of({0.0, 0.0}, {2}));
  at::Tensor lp = d.log_prob(tensor_of({0.0, 3.0}, {2}));
  EXPECT_EQ(lp[0].item<double>(), 0.0);
  EXPECT_EQ(lp[1].item<double>(), -kInf);
  EXPECT_TRUE(at::equal(d.sample({50}), at::zeros({50, 2}, at::kDouble)));
  EXPECT_TRUE(at::equal(d.cdf(tensor_of({0.0, 3.0}, {2})), at::ones({2}, at::kDouble)));
  EXPECT_EQ(d.mode().sum().item<double>(), 0.0);
  // d/d rate log P(0 | rate) = -1 everywhere, rate = 0 included (torch: NaN).
  at::Tensor rate = tensor_of({0.0, 2.0}, {2}).set_requires_grad(true);
  td::Poisson(rate).log_prob(at::zeros({2}, at::kDouble)).sum().backward();
  EXPECT_TRUE(at::equal(rate.grad(), tensor_of({-1.0, -1.0}, {2})));
}

TEST(Poisson, CdfMatchesBoost) {
  for (double rate : {1e-3, 0.5, 3.0, 47.5, 1e4}) {
    SCOPED_TRACE(::testing::Message() << "rate " << rate);
    boost::math::poisson_distribution<double> ref(rate);
    std::vector<double> ks, c;
    for (double k : {0.0, 1.0, 2.0, 5.0, 10.0, 50.0, 100.0, 9800.0, 1e4, 1.03e4}) {
      ks.push_back(k);
      c.push_back(boost::math::cdf(ref, k));
    }
    const auto n = static_cast<int64_t>(ks.size());
    td::Poisson d(tensor_of({rate}));
    // ATen's igammac (Cephes' series / continued fraction / asymptotic
    // expansion) is good to a few 1e-10 relative for shapes ~50..1e4.
    EXPECT_TRUE(all_close(d.cdf(tensor_of(ks, {n})), tensor_of(c, {n}), 2e-9, 1e-300));
  }
  // Without validation a non-integer x gives P(X <= floor(x)); x < 0 gives 0.
  td::Poisson u(tensor_of({2.5}), /*validate_args=*/false);
  boost::math::poisson_distribution<double> ref(2.5);
  at::Tensor c = u.cdf(tensor_of({-0.5, 1.5, 3.99}, {3}));
  EXPECT_TRUE(all_close(c, tensor_of({0.0, boost::math::cdf(ref, 1.0), boost::math::cdf(ref, 3.0)}, {3}), 1e-13, 0));
  EXPECT_EQ(u.cdf(tensor_of({kInf})).item<double>(), 1.0);
}

TEST(Poisson, MomentsMatchBoost) {
  const std::vector<double> rates = {1e-3, 0.5, 3.0, 47.5, 1e4};
  td::Poisson d(tensor_of(rates, {5}));
  std::vector<double> mean, var, sd, mode;
  for (double r : rates) {
    boost::math::poisson_distribution<double> ref(r);
    mean.push_back(boost::math::mean(ref));
    var.push_back(boost::math::variance(ref));
    sd.push_back(boost::math::standard_deviation(ref));
    mode.push_back(boost::math::mode(ref));
  }
  EXPECT_TRUE(all_close(d.mean(), tensor_of(mean, {5}), 1e-15));
  EXPECT_TRUE(all_close(d.variance(), tensor_of(var, {5}), 1e-15));
  EXPECT_TRUE(all_close(d.stddev(), tensor_of(sd, {5}), 1e-15));
  EXPECT_TRUE(all_close(d.mode(), tensor_of(mode, {5}), 0, 0));
}

TEST(Poisson, ShapesDtypesAndExpand) {
  td::Poisson d0(4.0);
  EXPECT_EQ(d0.rate().scalar_type(), at::kFloat);
  EXPECT_EQ(d0.batch_shape().size(), 0u);
  EXPECT_EQ(d0.sample({5}).sizes(), at::IntArrayRef({5}));
  EXPECT_EQ(d0.sample({5}).scalar_type(), at::kFloat);
  // Integer counts are accepted by log_prob and cdf.
  EXPECT_EQ(d0.log_prob(at::tensor({0, 2}, at::kLong)).scalar_type(), at::kFloat);
  EXPECT_TRUE(all_close(d0.log_prob(at::tensor({2}, at::kLong)).to(at::kDouble),
                        tensor_of({2 * std::log(4.0) - 4 - std::log(2.0)}, {1}), 1e-6));

  td::Poisson d1(at::ones({3, 1}, at::kDouble));
  EXPECT_EQ(d1.sample({2}).sizes(), at::IntArrayRef({2, 3, 1}));
  EXPECT_EQ(d1.log_prob(at::ones({4}, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(d1.cdf(at::ones({4}, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  td::Poisson x = d1.expand({2, 3, 4});
  EXPECT_EQ(x.batch_shape(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(x.rate().sizes(), at::IntArrayRef({2, 3, 4}));
  auto shared = d1.expand_shared({5, 3, 1});
  ASSERT_NE(std::dynamic_pointer_cast<td::Poisson>(shared), nullptr);
  EXPECT_EQ(shared->name(), "Poisson");
  EXPECT_FALSE(shared->has_rsample());
  EXPECT_FALSE(shared->has_enumerate_support());
  EXPECT_TRUE(shared->support()->is_discrete());
}

TEST(Poisson, SamplesPassChiSquare) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 7
  // draws (7e-4 together); the seeds are fixed, so the outcome is too.
  uint64_t seed = 100;
  for (double rate : {1e-3, 0.7, 3.0, 9.99, 10.0, 350.0}) {
    SCOPED_TRACE(::testing::Message() << "rate " << rate);
    td::Poisson d(tensor_of({rate}));
    auto x = td::testing::to_vector(d.sample({50000}, td::testing::seeded_generator(++seed)));
    std::vector<int64_t> counts;
    std::vector<double> probs;
    poisson_bins(x, rate, static_cast<int64_t>(rate + 8 * std::sqrt(rate) + 10), counts, probs);
    EXPECT_GT(td::testing::chi_square_test(counts, probs), 1e-4);
  }
  // float32 (the rate 2.5 is exact in float).
  td::Poisson df(at::full({}, 2.5f));
  auto xf = td::testing::to_vector(df.sample({50000}, td::testing::seeded_generator(++seed)));
  std::vector<int64_t> counts;
  std::vector<double> probs;
  poisson_bins(xf, 2.5, 20, counts, probs);
  EXPECT_GT(td::testing::chi_square_test(counts, probs), 1e-4);
}

TEST(Poisson, SameGeneratorSeedGivesSameSamples) {
  td::Poisson d(at::full({4}, 7.0));
  EXPECT_TRUE(
      at::equal(d.sample({3}, td::testing::seeded_generator(9)), d.sample({3}, td::testing::seeded_generator(9))));
}

TEST(Poisson, HugeRatesSampleNearTheRateInsteadOfWrapping) {
  // at::poisson wraps its int64 draws from ~9.2e18 on (1e20 gave -9.2e18,
  // as in torch). Above 2^62 the draws are round(rate + sqrt(rate) z):
  // standardized, they must look standard normal (KS, p > 1e-4: a false
  // failure one run in 10^4), and a batch mixing small and huge rates keeps
  // ATen's draws for the small ones.
  for (at::ScalarType dtype : {at::kDouble, at::kFloat}) {
    const double rate = 1e20;
    const at::Tensor x = td::Poisson(at::full({2000}, rate, dtype)).sample({}, td::testing::seeded_generator(3));
    const at::Tensor z = ((x.to(at::kDouble) - rate) / std::sqrt(rate));
    EXPECT_TRUE((x > 0).all().item<bool>());
    if (dtype == at::kDouble) {  // float spacing at 1e20 (8.8e12) is 0.88 standard deviations
      EXPECT_GT(td::testing::ks_test(td::testing::to_vector(z), [](double v) { return 0.5 * std::erfc(-v / std::sqrt(2.0)); }),
                1e-4);
    }
  }
  const at::Tensor mixed = td::Poisson(tensor_of({3.0, 1e19, 2.0, 5e18})).sample({500}, td::testing::seeded_generator(4));
  EXPECT_TRUE((mixed >= 0).all().item<bool>());
  EXPECT_TRUE(at::allclose(mixed.select(1, 1).mean(), at::scalar_tensor(1e19, at::kDouble), 1e-6));
  EXPECT_LT(mixed.select(1, 0).max().item<double>(), 30.0);
  EXPECT_TRUE(at::equal(mixed.select(1, 0), mixed.select(1, 0).round()));
}

void expect_grad_matches(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& at,
                         double rtol = 1e-6, double atol = 1e-8) {
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f, at), td::testing::finite_difference_grad(f, at), rtol, atol));
}

TEST(Poisson, GradientsMatchFiniteDifferences) {
  at::Tensor rate0 = tensor_of({0.3, 1.0, 4.0, 120.0}, {4});
  at::Tensor k0 = tensor_of({0.0, 3.0, 2.0, 130.0}, {4});
  expect_grad_matches([&](const at::Tensor& r) { return td::Poisson(r).log_prob(k0).sum(); }, rate0);
  expect_grad_matches([&](const at::Tensor& r) { return td::Poisson(r).cdf(k0).sum(); }, rate0);
  expect_grad_matches([&](const at::Tensor& r) { return td::Poisson(r).mean().sum(); }, rate0);
}

TEST(Poisson, ValidationErrorsNameDistributionArgumentAndConstraint) {
  EXPECT_THROW_MSG(td::Poisson(tensor_of({1, -1, 2}, {3})), c10::ValueError,
                   "Poisson: rate must satisfy nonnegative(), got -1 at index [1]");
  EXPECT_THROW_MSG(td::Poisson(tensor_of({NAN})), c10::ValueError, "Poisson: rate must satisfy nonnegative(), got nan");
  EXPECT_NO_THROW(td::Poisson(0.0));
  td::Poisson d(at::ones({3}, at::kDouble));
  EXPECT_THROW_MSG(d.log_prob(tensor_of({1, 1.5, 2}, {3})), c10::ValueError,
                   "Poisson: value must be within the support nonnegative_integer(), got 1.5 at index [1]");
  EXPECT_THROW_MSG(d.log_prob(tensor_of({-1})), c10::ValueError,
                   "Poisson: value must be within the support nonnegative_integer(), got -1");
  EXPECT_THROW_MSG(d.cdf(tensor_of({0.5})), c10::ValueError,
                   "Poisson: value must be within the support nonnegative_integer(), got 0.5");
  EXPECT_THROW_MSG(d.log_prob(at::ones({2}, at::kDouble)), c10::ValueError,
                   "Poisson: value of shape [2] is not broadcastable with batch_shape + event_shape [3]");
  EXPECT_THROW_MSG(d.entropy(), c10::NotImplementedError, "Poisson does not implement entropy");
  EXPECT_THROW_MSG(d.icdf(tensor_of({0.5})), c10::NotImplementedError, "Poisson does not implement icdf");
  EXPECT_THROW_MSG(d.rsample(), c10::NotImplementedError, "Poisson does not implement rsample");
  EXPECT_THROW_MSG(d.enumerate_support(), c10::NotImplementedError, "Poisson does not implement enumerate_support");
  EXPECT_NO_THROW(td::Poisson(-1.0, /*validate_args=*/false));
  EXPECT_NO_THROW(td::Poisson(1.0, /*validate_args=*/false).log_prob(tensor_of({0.5})));
  EXPECT_FALSE(td::Poisson(at::ones({1}), false).expand({3}).validate_args());
  EXPECT_TRUE(td::Poisson(at::ones({1}), true).expand({3}).validate_args());
}

}  // namespace
