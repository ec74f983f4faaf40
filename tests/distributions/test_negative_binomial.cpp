// NegativeBinomial: log_prob against Boost.Math (mind the parameterization:
// torch counts successes before r failures with success probability p,
// which is Boost's negative_binomial(r, 1 - p) counting failures before r
// successes), real total_count, the degenerate cases r = 0 and p = 0,
// moments against Boost, sampling (gamma-Poisson) by chi-square tests,
// gradients against finite differences, and validation messages.

#include <torchdist/distributions/negative_binomial.h>

#include <boost/math/distributions/negative_binomial.hpp>
#include <cmath>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// torch's NegativeBinomial(r, probs = p) is Boost's (r, success_fraction = 1 - p).
boost::math::negative_binomial_distribution<double> boost_nb(double r, double p) {
  return boost::math::negative_binomial_distribution<double>(r, 1 - p);
}

struct Case {
  double r, p;
};
const std::vector<Case> kCases = {{1.0, 0.5}, {0.3, 0.2}, {3.7, 0.9}, {40.0, 0.05}, {1e4, 0.5}, {2.0, 0.999}};

TEST(NegativeBinomial, LogProbMatchesBoost) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(::testing::Message() << "r " << c.r << " p " << c.p);
    auto ref = boost_nb(c.r, c.p);
    std::vector<double> ks, lp;
    for (double k : {0.0, 1.0, 2.0, 5.0, 30.0, 300.0, 3000.0, 1e4, 1.1e4}) {
      const double pk = boost::math::pdf(ref, k);
      if (pk < 1e-300) continue;
      ks.push_back(k);
      lp.push_back(std::log(pk));
    }
    const auto n = static_cast<int64_t>(ks.size());
    const double logit = std::log(c.p) - std::log1p(-c.p);
    // lgamma differences of values up to ~2e4 lose ~1e-12 relative.
    td::NegativeBinomial dp(c.r, td::probs(tensor_of({c.p})));
    EXPECT_TRUE(all_close(dp.log_prob(tensor_of(ks, {n})), tensor_of(lp, {n}), 1e-10, 1e-10));
    td::NegativeBinomial dl(c.r, td::logits(tensor_of({logit})));
    EXPECT_TRUE(all_close(dl.log_prob(tensor_of(ks, {n})), tensor_of(lp, {n}), 1e-10, 1e-10));
  }
}

TEST(NegativeBinomial, DegenerateCases) {
  // r = 0: the point mass at 0.
  td::NegativeBinomial zero_count(0.0, td::probs(tensor_of({0.4, 0.4}, {2})));
  at::Tensor lp = zero_count.log_prob(tensor_of({0.0, 2.0}, {2}));
  EXPECT_EQ(lp[0].item<double>(), 0.0);
  EXPECT_EQ(lp[1].item<double>(), -kInf);
  EXPECT_TRUE(at::equal(zero_count.sample({30}), at::zeros({30, 2}, at::kDouble)));
  EXPECT_TRUE(at::equal(zero_count.mean(), at::zeros({2}, at::kDouble)));
  // p = 0: no success ever, the point mass at 0 as well; log_prob is exactly
  // 0 there (finite, as torch, at k > 0), and the moments are exactly 0.
  td::NegativeBinomial zero_p(3.0, td::probs(tensor_of({0.0, 0.0}, {2})));
  lp = zero_p.log_prob(tensor_of({0.0, 2.0}, {2}));
  EXPECT_EQ(lp[0].item<double>(), 0.0);
  EXPECT_LT(lp[1].item<double>(), -50.0);
  EXPECT_TRUE(at::equal(zero_p.mean(), at::zeros({2}, at::kDouble)));
  EXPECT_TRUE(at::equal(zero_p.variance(), at::zeros({2}, at::kDouble)));
  EXPECT_TRUE(at::equal(zero_p.sample({30}), at::zeros({30, 2}, at::kDouble)));
}

TEST(NegativeBinomial, MomentsMatchBoost) {
  std::vector<double> rs, ps, logits, mean, var, sd, mode;
  for (const Case& c : kCases) {
    auto ref = boost_nb(c.r, c.p);
    rs.push_back(c.r);
    ps.push_back(c.p);
    logits.push_back(std::log(c.p) - std::log1p(-c.p));
    mean.push_back(boost::math::mean(ref));
    var.push_back(boost::math::variance(ref));
    sd.push_back(boost::math::standard_deviation(ref));
    // Boost's formula floor((r - 1) p / (1 - p)) is negative for r < 1,
    // where the mode is 0.
    mode.push_back(std::max(0.0, boost::math::mode(ref)));
  }
  const auto n = static_cast<int64_t>(rs.size());
  for (bool from_logits : {false, true}) {
    SCOPED_TRACE(from_logits ? "logits" : "probs");
    td::NegativeBinomial d = from_logits ? td::NegativeBinomial(tensor_of(rs, {n}), td::logits(tensor_of(logits, {n})))
                                         : td::NegativeBinomial(tensor_of(rs, {n}), td::probs(tensor_of(ps, {n})));
    EXPECT_TRUE(all_close(d.mean(), tensor_of(mean, {n}), 1e-12));
    EXPECT_TRUE(all_close(d.variance(), tensor_of(var, {n}), 1e-12));
    EXPECT_TRUE(all_close(d.stddev(), tensor_of(sd, {n}), 1e-12));
    EXPECT_TRUE(all_close(d.mode(), tensor_of(mode, {n}), 0, 0));
  }
}

TEST(NegativeBinomial, ShapesDtypesAndExpand) {
  // total_count takes the floating dtype of the probs tensor (torch's type_as).
  td::NegativeBinomial d0(at::full({}, 3.0, at::kDouble), td::probs(at::full({2}, 0.5f)));
  EXPECT_EQ(d0.total_count().scalar_type(), at::kFloat);
  EXPECT_EQ(d0.sample({5}).scalar_type(), at::kFloat);
  EXPECT_EQ(d0.sample({5}).sizes(), at::IntArrayRef({5, 2}));
  EXPECT_EQ(d0.log_prob(at::tensor({0, 3}, at::kLong)).scalar_type(), at::kFloat);

  td::NegativeBinomial d1(at::ones({3, 1}, at::kDouble), td::logits(at::zeros({4}, at::kDouble)));
  EXPECT_EQ(d1.batch_shape(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(d1.param_shape(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(d1.total_count().sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(d1.sample({2}).sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(d1.log_prob(at::ones({3, 4}, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(d1.mode().sizes(), at::IntArrayRef({3, 4}));
  td::NegativeBinomial x = d1.expand({2, 3, 4});
  EXPECT_EQ(x.batch_shape(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(x.probs().sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(x.total_count().sizes(), at::IntArrayRef({2, 3, 4}));
  auto shared = d1.expand_shared({5, 3, 4});
  ASSERT_NE(std::dynamic_pointer_cast<td::NegativeBinomial>(shared), nullptr);
  EXPECT_EQ(shared->name(), "NegativeBinomial");
  EXPECT_FALSE(shared->has_rsample());
  EXPECT_FALSE(shared->has_enumerate_support());
  EXPECT_TRUE(all_close(d1.probs(), at::full({3, 4}, 0.5, at::kDouble), 1e-15));
}

TEST(NegativeBinomial, SamplesPassChiSquare) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 7
  // draws (7e-4 together); the seeds are fixed, so the outcome is too.
  uint64_t seed = 400;
  auto check = [&](const td::NegativeBinomial& d, double r, double p) {
    auto x = td::testing::to_vector(d.sample({40000}, td::testing::seeded_generator(++seed)));
    auto ref = boost_nb(r, p);
    const double mean = boost::math::mean(ref), sd = boost::math::standard_deviation(ref);
    const auto lo = static_cast<int64_t>(std::max(0.0, mean - 6 * sd));
    const auto hi = static_cast<int64_t>(mean + 8 * sd + 5);
    // Bins: (-inf, lo - 1], {lo}, ..., {hi}, [hi + 1, inf).
    std::vector<int64_t> counts(static_cast<size_t>(hi - lo + 3), 0);
    for (double s : x) {
      const auto k = static_cast<int64_t>(s);
      counts[static_cast<size_t>(k < lo ? 0 : k > hi ? hi - lo + 2 : k - lo + 1)]++;
    }
    std::vector<double> probs = {lo > 0 ? boost::math::cdf(ref, static_cast<double>(lo - 1)) : 0.0};
    for (int64_t k = lo; k <= hi; ++k) probs.push_back(boost::math::pdf(ref, static_cast<double>(k)));
    probs.push_back(boost::math::cdf(boost::math::complement(ref, static_cast<double>(hi))));
    EXPECT_GT(td::testing::chi_square_test(counts, probs), 1e-4) << "r " << r << " p " << p;
  };
  for (const Case& c : kCases) {
    if (c.p > 0.99) continue;  // mean ~2000 with sd ~2000: covered by the others
    check(td::NegativeBinomial(c.r, td::probs(tensor_of({c.p}))), c.r, c.p);
  }
  // logits and float32 (0.25 and 6.5 are exact in float).
  check(td::NegativeBinomial(at::full({}, 6.5f), td::logits(at::full({}, std::log(0.25f / 0.75f)))), 6.5,
        static_cast<double>(1 / (1 + std::exp(-std::log(0.25f / 0.75f)))));
}

void expect_grad_matches(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& at,
                         double rtol = 1e-6, double atol = 1e-8) {
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f, at), td::testing::finite_difference_grad(f, at), rtol, atol));
}

TEST(NegativeBinomial, GradientsMatchFiniteDifferences) {
  at::Tensor r0 = tensor_of({0.4, 2.0, 15.0}, {3});
  at::Tensor p0 = tensor_of({0.1, 0.5, 0.85}, {3});
  at::Tensor l0 = tensor_of({-2.0, 0.3, 1.7}, {3});
  at::Tensor k0 = tensor_of({0.0, 3.0, 60.0}, {3});
  expect_grad_matches(
      [&](const at::Tensor& r) { return td::NegativeBinomial(r, td::probs(p0)).log_prob(k0).sum(); }, r0);
  expect_grad_matches(
      [&](const at::Tensor& p) { return td::NegativeBinomial(r0, td::probs(p)).log_prob(k0).sum(); }, p0);
  expect_grad_matches(
      [&](const at::Tensor& l) { return td::NegativeBinomial(r0, td::logits(l)).log_prob(k0).sum(); }, l0);
  expect_grad_matches([&](const at::Tensor& l) { return td::NegativeBinomial(r0, td::logits(l)).variance().sum(); },
                      l0);
  expect_grad_matches([&](const at::Tensor& p) { return td::NegativeBinomial(r0, td::probs(p)).mean().sum(); }, p0);
}

TEST(NegativeBinomial, ValidationErrorsNameDistributionArgumentAndConstraint) {
  EXPECT_THROW_MSG(td::NegativeBinomial(tensor_of({1, -1}, {2}), td::probs(0.5)), c10::ValueError,
                   "NegativeBinomial: total_count must satisfy nonnegative(), got -1 at index [1]");
  EXPECT_THROW_MSG(td::NegativeBinomial(2.0, td::probs(tensor_of({0.5, 1.0}, {2}))), c10::ValueError,
                   "NegativeBinomial: probs must satisfy half_open_interval(0, 1), got 1 at index [1]");
  EXPECT_THROW_MSG(td::NegativeBinomial(2.0, td::logits(tensor_of({NAN}))), c10::ValueError,
                   "NegativeBinomial: logits must satisfy real(), got nan");
  EXPECT_THROW_MSG(td::NegativeBinomial(at::Tensor(), td::probs(0.5)), c10::ValueError,
                   "NegativeBinomial: total_count must be a defined tensor");
  EXPECT_NO_THROW(td::NegativeBinomial(0.0, td::probs(0.0)));
  EXPECT_NO_THROW(td::NegativeBinomial(2.5, td::logits(30.0)));
  td::NegativeBinomial d(3.0, td::probs(at::full({3}, 0.5, at::kDouble)));
  EXPECT_THROW_MSG(d.log_prob(tensor_of({1, 2.5, 2}, {3})), c10::ValueError,
                   "NegativeBinomial: value must be within the support nonnegative_integer(), got 2.5 at index [1]");
  EXPECT_THROW_MSG(d.log_prob(tensor_of({-2})), c10::ValueError,
                   "NegativeBinomial: value must be within the support nonnegative_integer(), got -2");
  EXPECT_THROW_MSG(d.log_prob(at::ones({2}, at::kDouble)), c10::ValueError,
                   "NegativeBinomial: value of shape [2] is not broadcastable with batch_shape + event_shape [3]");
  EXPECT_THROW_MSG(d.entropy(), c10::NotImplementedError, "NegativeBinomial does not implement entropy");
  EXPECT_THROW_MSG(d.cdf(tensor_of({1})), c10::NotImplementedError, "NegativeBinomial does not implement cdf");
  EXPECT_THROW_MSG(d.enumerate_support(), c10::NotImplementedError,
                   "NegativeBinomial does not implement enumerate_support");
  EXPECT_NO_THROW(td::NegativeBinomial(-1.0, td::probs(0.5), /*validate_args=*/false));
  EXPECT_NO_THROW(d.expand({2, 3}).log_prob(tensor_of({1, 2, 3}, {3})));
  EXPECT_FALSE(td::NegativeBinomial(1.0, td::probs(at::full({1}, 0.5)), false).expand({3}).validate_args());
  EXPECT_TRUE(td::NegativeBinomial(1.0, td::probs(at::full({1}, 0.5)), true).expand({3}).validate_args());
}

TEST(NegativeBinomial, LogProbNearProbsOneKeepsOneMinusP) {
  // r log(1 - p) + k log p - log B from the probs themselves: through the
  // logits, p = 1 - 2^-53 was clamped to 1 - 2^-52 (1 - p doubled: log_prob
  // 10 log 2 too high at k = 0).
  const double p = 1 - std::ldexp(1.0, -53);
  const at::Tensor lp = td::NegativeBinomial(10.0, td::probs(tensor_of({p}))).log_prob(tensor_of({0.0}));
  EXPECT_NEAR(lp.item<double>(), 10 * std::log(std::ldexp(1.0, -53)), 1e-12 * 367.4);
  // mpmath at r = 1000, p = 1 - 1e-10 (as rounded): loggamma(r + k) -
  // loggamma(r) - loggamma(k + 1) + r log(1 - p) + k log p.
  const at::Tensor lp2 =
      td::NegativeBinomial(1000.0, td::probs(tensor_of({1 - 1e-10}))).log_prob(tensor_of({5.0, 1e6}));
  EXPECT_NEAR(lp2[0].item<double>(), -22996.089577515216, 1e-13 * 22996);
  EXPECT_NEAR(lp2[1].item<double>(), -15128.876989336602, 1e-13 * 15129);
  // Without validation, negative and fractional counts are -inf; NaN stays NaN.
  const at::Tensor out = td::NegativeBinomial(10.0, td::probs(tensor_of({0.3})), /*validate_args=*/false)
                             .log_prob(tensor_of({-1.0, 1.5, NAN}));
  EXPECT_EQ(out[0].item<double>(), -INFINITY);
  EXPECT_EQ(out[1].item<double>(), -INFINITY);
  EXPECT_TRUE(std::isnan(out[2].item<double>()));
}

}  // namespace
