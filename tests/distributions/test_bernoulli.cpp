// Bernoulli: log_prob and moments against Boost.Math, entropy against the
// closed form, edge parameters (probs 0 / 1, logits +-1e4), sampling by
// chi-square, shapes, gradients against finite differences, validation.

#include <boost/math/distributions/bernoulli.hpp>
#include <torchdist/core/probs_logits.h>
#include <torchdist/distributions/bernoulli.h>

#include <cmath>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

const std::vector<double> kProbs = {1e-6, 0.01, 0.3, 0.5, 0.77, 0.999};
constexpr double kEps = std::numeric_limits<double>::epsilon();

double logit(double p) { return std::log(p) - std::log1p(-p); }

std::vector<int64_t> count_values(const at::Tensor& samples, int64_t num_values) {
  std::vector<int64_t> counts(num_values, 0);
  for (double v : td::testing::to_vector(samples)) ++counts.at(static_cast<size_t>(v));
  return counts;
}

TEST(Bernoulli, LogProbMatchesBoostForProbsAndLogits) {
  std::vector<double> ps, ls, lp0, lp1;
  for (double p : kProbs) {
    boost::math::bernoulli_distribution<double> ref(p);
    ps.push_back(p);
    ls.push_back(logit(p));
    lp0.push_back(std::log(boost::math::pdf(ref, 0)));
    lp1.push_back(std::log(boost::math::pdf(ref, 1)));
  }
  const int64_t n = static_cast<int64_t>(ps.size());
  for (const td::Bernoulli& b : {td::Bernoulli(td::probs(tensor_of(ps, {n}))),
                                 td::Bernoulli(td::logits(tensor_of(ls, {n})))}) {
    EXPECT_TRUE(all_close(b.log_prob(at::zeros({n}, at::kDouble)), tensor_of(lp0, {n}), 1e-10, 1e-14));
    EXPECT_TRUE(all_close(b.log_prob(at::ones({n}, at::kDouble)), tensor_of(lp1, {n}), 1e-10, 1e-14));
    EXPECT_TRUE(all_close(b.probs(), tensor_of(ps, {n}), 1e-12, 0));
    EXPECT_TRUE(all_close(b.logits(), tensor_of(ls, {n}), 1e-9, 1e-12));
  }
}

TEST(Bernoulli, LogProbBroadcastsValueWithBatch) {
  at::Tensor p = tensor_of({0.2, 0.6, 0.9}, {3});
  td::Bernoulli b(td::probs(p));
  at::Tensor lp = b.log_prob(tensor_of({0, 1}, {2, 1}));
  ASSERT_EQ(lp.sizes(), at::IntArrayRef({2, 3}));
  EXPECT_TRUE(all_close(lp, at::stack({at::log1p(-p), at::log(p)}), 1e-12));
}

TEST(Bernoulli, ProbsZeroAndOneGiveFiniteLogProbAndEntropy) {
  td::Bernoulli b(td::probs(tensor_of({0, 1}, {2})));
  // Certain outcomes: log(1 - eps), i.e. -eps up to rounding.
  at::Tensor certain = b.log_prob(tensor_of({0, 1}, {2}));
  EXPECT_TRUE(all_close(certain, at::zeros({2}, at::kDouble), 0, 2 * kEps));
  // Impossible outcomes: probs are clamped to [eps, 1 - eps] (as torch), so
  // log_prob is log(eps) rather than -inf.
  at::Tensor impossible = b.log_prob(tensor_of({1, 0}, {2}));
  EXPECT_TRUE(all_close(impossible, at::full({2}, std::log(kEps), at::kDouble), 1e-12));
  at::Tensor h = b.entropy();
  EXPECT_TRUE(at::isfinite(h).all().item<bool>());
  EXPECT_TRUE(all_close(h, at::zeros({2}, at::kDouble), 0, 1e-14));
  EXPECT_TRUE(all_close(b.variance(), at::zeros({2}, at::kDouble)));
}

TEST(Bernoulli, HugeLogitsGiveFiniteLogProbAndEntropy) {
  for (at::ScalarType dtype : {at::kDouble, at::kFloat}) {
    td::Bernoulli b(td::logits(at::tensor({1e4, -1e4}, dtype)));
    at::Tensor lp1 = b.log_prob(at::ones({2}, dtype)), lp0 = b.log_prob(at::zeros({2}, dtype));
    EXPECT_TRUE(all_close(lp1, tensor_of({0, -1e4}, {2}), 1e-12, 0)) << dtype;
    EXPECT_TRUE(all_close(lp0, tensor_of({-1e4, 0}, {2}), 1e-12, 0)) << dtype;
    EXPECT_TRUE(all_close(b.entropy(), at::zeros({2}, at::kDouble), 0, 0)) << dtype;
    EXPECT_TRUE(all_close(b.probs(), tensor_of({1, 0}, {2}), 0, 0)) << dtype;
  }
}

TEST(Bernoulli, MomentsMatchBoostAndEntropyMatchesClosedForm) {
  std::vector<double> ps = {0.01, 0.3, 0.77, 0.999};
  std::vector<double> mean, var, mode, entropy;
  for (double p : ps) {
    boost::math::bernoulli_distribution<double> ref(p);
    mean.push_back(boost::math::mean(ref));
    var.push_back(boost::math::variance(ref));
    mode.push_back(boost::math::mode(ref));
    entropy.push_back(-p * std::log(p) - (1 - p) * std::log1p(-p));
  }
  const int64_t n = static_cast<int64_t>(ps.size());
  td::Bernoulli b(td::probs(tensor_of(ps, {n})));
  EXPECT_TRUE(all_close(b.mean(), tensor_of(mean, {n}), 1e-14));
  EXPECT_TRUE(all_close(b.variance(), tensor_of(var, {n}), 1e-12));
  EXPECT_TRUE(all_close(b.mode(), tensor_of(mode, {n}), 0, 0));
  EXPECT_TRUE(all_close(b.entropy(), tensor_of(entropy, {n}), 1e-12));
  td::Bernoulli bl(td::logits(tensor_of({logit(0.01), logit(0.3), logit(0.77), logit(0.999)}, {n})));
  EXPECT_TRUE(all_close(bl.entropy(), tensor_of(entropy, {n}), 1e-9));
  EXPECT_TRUE(all_close(bl.variance(), tensor_of(var, {n}), 1e-9));
}

TEST(Bernoulli, ModeIsNanForAFairCoin) {
  td::Bernoulli b(td::probs(tensor_of({0.5, 0.2, 0.8}, {3})));
  at::Tensor mode = b.mode();
  EXPECT_EQ(mode.scalar_type(), at::kDouble);
  EXPECT_TRUE(std::isnan(mode[0].item<double>()));
  EXPECT_EQ(mode[1].item<double>(), 0.0);
  EXPECT_EQ(mode[2].item<double>(), 1.0);
  EXPECT_TRUE(std::isnan(td::Bernoulli(td::logits(0.0)).mode().item<double>()));
}

TEST(Bernoulli, SamplesPassChiSquare) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 3
  // parameters (3e-4 for the test), at a fixed seed.
  auto gen = td::testing::seeded_generator(2024);
  const std::vector<double> ps = {0.2, 0.5, 0.93};
  td::Bernoulli b(td::probs(tensor_of(ps, {3})));
  at::Tensor s = b.sample({20000}, gen);
  ASSERT_EQ(s.sizes(), at::IntArrayRef({20000, 3}));
  for (int64_t j = 0; j < 3; ++j) {
    const double p = ps[static_cast<size_t>(j)];
    EXPECT_GT(td::testing::chi_square_test(count_values(s.select(1, j), 2), {1 - p, p}), 1e-4) << p;
  }
}

TEST(Bernoulli, SamplesAtProbsZeroAndOneAreConstant) {
  td::Bernoulli b(td::probs(tensor_of({0, 1}, {2})));
  at::Tensor s = b.sample({1000}, td::testing::seeded_generator(5));
  EXPECT_TRUE(at::equal(s, tensor_of({0, 1}, {2}).expand({1000, 2})));
}

TEST(Bernoulli, ShapesAndDtypes) {
  td::Bernoulli scalar(td::probs(0.3));
  EXPECT_EQ(scalar.batch_shape().size(), 0u);
  EXPECT_EQ(scalar.event_shape().size(), 0u);
  EXPECT_EQ(scalar.probs().scalar_type(), at::kFloat);  // numbers take the default dtype
  for (std::vector<int64_t> shape : {std::vector<int64_t>{}, {5}, {2, 3}}) {
    at::Tensor s = scalar.sample(shape);
    EXPECT_EQ(s.sizes(), at::IntArrayRef(shape));
    EXPECT_EQ(s.scalar_type(), at::kFloat);
  }
  td::Bernoulli batched(td::logits(at::zeros({2, 3}, at::kDouble)));
  EXPECT_EQ(batched.batch_shape(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(batched.param_shape(), at::IntArrayRef({2, 3}));
  at::Tensor s = batched.sample({4, 1});
  EXPECT_EQ(s.sizes(), at::IntArrayRef({4, 1, 2, 3}));
  EXPECT_EQ(s.scalar_type(), at::kDouble);
  EXPECT_TRUE(((s == 0).logical_or(s == 1)).all().item<bool>());
  EXPECT_EQ(batched.log_prob(s).sizes(), at::IntArrayRef({4, 1, 2, 3}));
  // Integer probs tensors become the default floating dtype.
  EXPECT_EQ(td::Bernoulli(td::probs(at::ones({2}, at::kLong))).probs().scalar_type(), at::kFloat);
}

TEST(Bernoulli, EnumerateSupport) {
  td::Bernoulli b(td::probs(at::full({2, 3}, 0.4, at::kDouble)));
  at::Tensor full = b.enumerate_support();
  ASSERT_EQ(full.sizes(), at::IntArrayRef({2, 2, 3}));
  EXPECT_EQ(full.scalar_type(), at::kDouble);
  EXPECT_TRUE(at::equal(full[0], at::zeros({2, 3}, at::kDouble)));
  EXPECT_TRUE(at::equal(full[1], at::ones({2, 3}, at::kDouble)));
  at::Tensor compact = b.enumerate_support(/*expand=*/false);
  EXPECT_EQ(compact.sizes(), at::IntArrayRef({2, 1, 1}));
  EXPECT_TRUE(b.has_enumerate_support());
  at::Tensor scalar = td::Bernoulli(td::probs(0.5)).enumerate_support();
  EXPECT_EQ(scalar.sizes(), at::IntArrayRef({2}));
  EXPECT_EQ(scalar.scalar_type(), at::kFloat);
}

TEST(Bernoulli, LogProbAndEntropyGradientsMatchFiniteDifferences) {
  at::Tensor v = tensor_of({0, 1, 1, 0}, {4});
  at::Tensor p0 = tensor_of({0.1, 0.5, 0.7, 0.95}, {4});
  at::Tensor l0 = tensor_of({-2.0, 0.0, 0.3, 4.0}, {4});  // includes the kink of max(l, 0)
  auto lp_probs = [&](const at::Tensor& p) { return td::Bernoulli(td::probs(p)).log_prob(v).sum(); };
  auto lp_logits = [&](const at::Tensor& l) { return td::Bernoulli(td::logits(l)).log_prob(v).sum(); };
  auto h_probs = [&](const at::Tensor& p) { return td::Bernoulli(td::probs(p)).entropy().sum(); };
  auto h_logits = [&](const at::Tensor& l) { return td::Bernoulli(td::logits(l)).entropy().sum(); };
  auto var_logits = [&](const at::Tensor& l) { return td::Bernoulli(td::logits(l)).variance().sum(); };
  using Fn = std::function<at::Tensor(const at::Tensor&)>;
  for (const Fn& f : {Fn(lp_probs), Fn(h_probs)}) {
    EXPECT_TRUE(all_close(td::testing::autograd_grad(f, p0), td::testing::finite_difference_grad(f, p0), 1e-6, 1e-7));
  }
  for (const Fn& f : {Fn(lp_logits), Fn(h_logits), Fn(var_logits)}) {
    EXPECT_TRUE(all_close(td::testing::autograd_grad(f, l0), td::testing::finite_difference_grad(f, l0), 1e-6, 1e-7));
  }
}

TEST(Bernoulli, SampleIsDetachedAndDerivedParametersCarryTheGraph) {
  at::Tensor l = tensor_of({0.3, -1.0}, {2}).set_requires_grad(true);
  td::Bernoulli b(td::logits(l));
  at::Tensor s = b.sample();  // computes probs lazily under a no-grad guard
  EXPECT_FALSE(s.requires_grad());
  EXPECT_TRUE(b.probs().requires_grad());
}

TEST(Bernoulli, CopiesKeepBothParameterizations) {
  const td::Bernoulli from_probs(td::probs(tensor_of({0.2, 0.7}, {2})));
  const td::Bernoulli from_logits(td::logits(tensor_of({logit(0.2), logit(0.7)}, {2})));
  for (const td::Bernoulli& original : {from_probs, from_logits}) {  // copies
    td::Bernoulli copy = original;
    EXPECT_TRUE(all_close(copy.probs(), tensor_of({0.2, 0.7}, {2}), 1e-12));
    EXPECT_TRUE(all_close(copy.logits(), tensor_of({logit(0.2), logit(0.7)}, {2}), 1e-12));
  }
}

TEST(Bernoulli, ExpandKeepsParametersAndValidation) {
  td::Bernoulli b(td::probs(tensor_of({0.2, 0.7}, {2})));
  td::Bernoulli e = b.expand({3, 2});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({3, 2}));
  EXPECT_EQ(e.probs().sizes(), at::IntArrayRef({3, 2}));
  EXPECT_TRUE(all_close(e.logits(), b.logits().expand({3, 2}), 1e-14));
  EXPECT_TRUE(e.validate_args());
  EXPECT_THROW_MSG(e.log_prob(at::full({3, 2}, 0.5, at::kDouble)), c10::ValueError,
                   "Bernoulli: value must be within the support boolean()");
}

TEST(Bernoulli, ValidationErrors) {
  EXPECT_THROW_MSG(td::Bernoulli(td::probs(tensor_of({0.5, 1.5}, {2}))), c10::ValueError,
                   "Bernoulli: probs must satisfy unit_interval(), got 1.5 at index [1]");
  EXPECT_THROW_MSG(td::Bernoulli(td::probs(-0.1)), c10::ValueError,
                   "Bernoulli: probs must satisfy unit_interval(), got -0.1");
  EXPECT_THROW_MSG(td::Bernoulli(td::logits(tensor_of({0, NAN}, {2}))), c10::ValueError,
                   "Bernoulli: logits must satisfy real(), got nan at index [1]");
  td::Bernoulli b(td::probs(0.3));
  EXPECT_THROW_MSG(b.log_prob(at::scalar_tensor(0.5)), c10::ValueError,
                   "Bernoulli: value must be within the support boolean(), got 0.5");
  EXPECT_THROW_MSG(td::Bernoulli(td::probs(at::full({3}, 0.3))).log_prob(at::zeros({2})), c10::ValueError,
                   "Bernoulli: value of shape [2] is not broadcastable with batch_shape + event_shape [3]");
  EXPECT_NO_THROW(td::Bernoulli(td::probs(1.5), /*validate_args=*/false));
  EXPECT_NO_THROW(td::Bernoulli(td::probs(0.3), false).log_prob(at::scalar_tensor(0.5)));
}

TEST(Bernoulli, ExactlyOneOfProbsOrLogits) {
  at::Tensor p = tensor_of({0.5}, {1});
  EXPECT_THROW_MSG(td::Bernoulli(td::ProbsOrLogits::from_optional("Bernoulli", p, p)), c10::ValueError,
                   "Bernoulli: exactly one of probs or logits must be specified, got both");
  EXPECT_THROW_MSG(td::Bernoulli(td::ProbsOrLogits::from_optional("Bernoulli", c10::nullopt, c10::nullopt)),
                   c10::ValueError, "Bernoulli: exactly one of probs or logits must be specified, got neither");
  EXPECT_THROW_MSG((void)td::Bernoulli(td::probs(at::Tensor())), c10::ValueError,
                   "Bernoulli: exactly one of probs or logits must be specified, got neither (probs is an undefined "
                   "tensor)");
  EXPECT_THROW_MSG((void)td::Bernoulli(td::logits(at::Tensor())), c10::ValueError, "(logits is an undefined tensor)");
  td::Bernoulli from_logits(td::ProbsOrLogits::from_optional("Bernoulli", c10::nullopt, tensor_of({0.0}, {1})));
  EXPECT_TRUE(all_close(from_logits.probs(), p));
}

TEST(Bernoulli, MethodsTorchLacksAreNotImplemented) {
  td::Bernoulli b(td::probs(0.3));
  EXPECT_FALSE(b.has_rsample());
  EXPECT_THROW_MSG(b.rsample(), c10::NotImplementedError, "Bernoulli does not implement rsample");
  EXPECT_THROW_MSG(b.cdf(at::zeros({})), c10::NotImplementedError, "Bernoulli does not implement cdf");
  EXPECT_THROW_MSG(b.icdf(at::zeros({})), c10::NotImplementedError, "Bernoulli does not implement icdf");
}

}  // namespace
