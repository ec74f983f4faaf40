// Score-function surrogates and baselines: the surrogate's value is the
// mean cost and its gradient the REINFORCE estimate (checked against
// per-sample autograd of log_prob); on the demo problem
// (examples/estimators_problem.h) REINFORCE, RLOO and the moving-average
// baseline are unbiased (mean of many estimates within 5 standard errors
// of the exact gradient), Gumbel-softmax is measurably biased (so the test
// can fail), and RLOO has lower variance than plain REINFORCE.

#include <torch/csrc/autograd/autograd.h>
#include <torchdist/estimators.h>
#include <torchdist/torchdist.h>

#include <cmath>
#include <vector>

#include "../../examples/estimators_problem.h"
#include "../support/testing.h"

namespace td = torchdist;
namespace demo = estimators_demo;
using td::testing::all_close;
using td::testing::seeded_generator;

namespace {

TEST(ScoreFunctionSurrogate, ValueIsTheMeanCost) {
  at::Tensor logits = at::randn({5}, at::kDouble).requires_grad_();
  td::Categorical p(td::logits(logits));
  auto gen = seeded_generator(1);
  at::Tensor x = p.sample({16}, gen);
  at::Tensor cost = x.to(at::kDouble).pow(2) + 0.1;
  EXPECT_EQ(td::score_function_surrogate(p.log_prob(x), cost).item<double>(), cost.mean().item<double>());
  EXPECT_EQ(td::rloo_surrogate(p.log_prob(x), cost).item<double>(), cost.mean().item<double>());
  EXPECT_EQ(td::score_function_surrogate(p.log_prob(x), cost, at::full({}, 3.0, at::kDouble)).item<double>(),
            cost.mean().item<double>());
}

TEST(ScoreFunctionSurrogate, GradientIsTheReinforceEstimate) {
  at::Tensor logits = at::randn({4}, at::kDouble).requires_grad_();
  td::Categorical p(td::logits(logits));
  auto gen = seeded_generator(2);
  const int64_t n = 6;
  at::Tensor x = p.sample({n}, gen);
  at::Tensor cost = at::randn({n}, at::kDouble);
  at::Tensor baseline = at::randn({n}, at::kDouble);
  at::Tensor lp = p.log_prob(x);
  // Reference: (1/n) sum_i (c_i - b_i) d log p(x_i), one autograd call per sample.
  at::Tensor expected = at::zeros({4}, at::kDouble);
  for (int64_t i = 0; i < n; ++i) {
    at::Tensor score = torch::autograd::grad({lp[i]}, {logits}, {}, /*retain_graph=*/true)[0];
    expected += (cost[i] - baseline[i]) * score / n;
  }
  at::Tensor grad = torch::autograd::grad({td::score_function_surrogate(lp, cost, baseline)}, {logits},
                                       {}, /*retain_graph=*/true)[0];
  EXPECT_TRUE(all_close(grad, expected, 1e-13, 1e-15));

  // RLOO subtracts the mean of the other samples.
  at::Tensor rloo_expected = at::zeros({4}, at::kDouble);
  for (int64_t i = 0; i < n; ++i) {
    at::Tensor score = torch::autograd::grad({lp[i]}, {logits}, {}, /*retain_graph=*/true)[0];
    const double others = (cost.sum().item<double>() - cost[i].item<double>()) / (n - 1);
    rloo_expected += (cost[i].item<double>() - others) * score / n;
  }
  at::Tensor rloo_grad = torch::autograd::grad({td::rloo_surrogate(lp, cost)}, {logits})[0];
  EXPECT_TRUE(all_close(rloo_grad, rloo_expected, 1e-13, 1e-15));
}

TEST(ScoreFunctionSurrogate, KeepsThePathwisePartOfACostThatDependsOnTheParameters) {
  at::Tensor theta = at::full({}, 0.3, at::kDouble).requires_grad_();
  at::Tensor lp = at::zeros({3}, at::kDouble);  // no score term
  at::Tensor cost = theta * at::tensor({1.0, 2.0, 3.0}, at::kDouble);
  at::Tensor grad = torch::autograd::grad({td::score_function_surrogate(lp, cost)}, {theta})[0];
  EXPECT_NEAR(grad.item<double>(), 2.0, 1e-15);  // d mean(theta * [1, 2, 3]) / d theta
}

TEST(LeaveOneOutBaseline, IsTheMeanOfTheOtherSamples) {
  EXPECT_TRUE(all_close(td::leave_one_out_baseline(at::tensor({1.0, 2.0, 6.0}, at::kDouble)),
                        at::tensor({4.0, 3.5, 1.5}, at::kDouble), 1e-15));
  at::Tensor c = at::tensor({1.0, 2.0, 6.0, 0.0, 4.0, 8.0}, at::kDouble).reshape({2, 3});
  EXPECT_TRUE(all_close(td::leave_one_out_baseline(c, 1),
                        at::tensor({4.0, 3.5, 1.5, 6.0, 4.0, 2.0}, at::kDouble).reshape({2, 3}), 1e-15));
  EXPECT_TRUE(all_close(td::leave_one_out_baseline(c, 0), c.flip(0), 1e-15));
  EXPECT_FALSE(td::leave_one_out_baseline(c.clone().requires_grad_()).requires_grad());
}

TEST(MovingAverageBaseline, AveragesPastMeanCosts) {
  td::MovingAverageBaseline b(0.5);
  EXPECT_FALSE(b.value().defined());
  b.update(at::tensor({2.0, 4.0}, at::kDouble));  // first update: the batch mean
  EXPECT_DOUBLE_EQ(b.value().item<double>(), 3.0);
  b.update(at::tensor({7.0}, at::kDouble));
  EXPECT_DOUBLE_EQ(b.value().item<double>(), 5.0);

  // surrogate subtracts the value from before this batch, then updates.
  at::Tensor logits = at::tensor({0.2, -0.1}, at::kDouble).requires_grad_();
  at::Tensor x = at::tensor({0, 1}, at::kLong);
  at::Tensor cost = at::tensor({1.0, 2.0}, at::kDouble);
  // (A distribution per graph: the first grad frees the graph of the
  // normalized logits that a Categorical caches, as in torch.)
  td::Categorical p1(td::logits(logits)), p2(td::logits(logits));
  at::Tensor expected =
      torch::autograd::grad({td::score_function_surrogate(p1.log_prob(x), cost, b.value())}, {logits})[0];
  at::Tensor grad = torch::autograd::grad({b.surrogate(p2.log_prob(x), cost)}, {logits})[0];
  EXPECT_GT(grad.abs().sum().item<double>(), 0.0);
  EXPECT_TRUE(all_close(grad, expected, 1e-15));
  EXPECT_DOUBLE_EQ(b.value().item<double>(), 0.5 * 5.0 + 0.5 * 1.5);
}

TEST(Estimators, Validation) {
  at::Tensor lp = at::zeros({4});
  EXPECT_THROW_MSG(td::score_function_surrogate(lp, at::zeros({3})), c10::ValueError,
                   "score_function_surrogate: log_prob of shape [4] and cost of shape [3] must have the same shape");
  EXPECT_THROW_MSG(td::score_function_surrogate(lp, at::zeros({4}), at::zeros({2})), c10::ValueError,
                   "baseline of shape [2] does not broadcast to the cost's shape [4]");
  EXPECT_THROW_MSG(td::leave_one_out_baseline(at::zeros({1, 5})), c10::ValueError,
                   "leave_one_out_baseline: needs at least 2 samples along dim 0, got cost of shape [1, 5]");
  EXPECT_THROW_MSG(td::leave_one_out_baseline(at::zeros({3}), 1), c10::ValueError, "dim 1 is out of range");
  EXPECT_THROW_MSG(td::MovingAverageBaseline(1.0), c10::ValueError,
                   "MovingAverageBaseline: decay must be in [0, 1), got 1");
}

// ---------------------------------------------------------------- statistics

struct Moments {
  at::Tensor mean, standard_error;
  double total_variance;  // E|g - E g|^2
};

Moments estimate_moments(const demo::Estimator& estimator, const at::Tensor& theta, int64_t repetitions,
                         uint64_t seed) {
  at::Generator gen = seeded_generator(seed);
  std::vector<at::Tensor> estimates;
  for (int64_t r = 0; r < repetitions; ++r) {
    estimates.push_back(demo::estimate_gradient(estimator, theta, /*samples=*/8, gen));
  }
  at::Tensor g = at::stack(estimates);
  at::Tensor mean = g.mean(0);
  return {mean, g.std(0) / std::sqrt(static_cast<double>(repetitions)),
          (g - mean).pow(2).sum({1, 2}).mean().item<double>()};
}

class DemoProblem : public ::testing::Test {
 protected:
  void SetUp() override {
    at::Generator init = seeded_generator(7);
    theta_ = at::empty({demo::kVariables, demo::kCategories}, at::kDouble).normal_(0, 1, init).requires_grad_();
    exact_ = torch::autograd::grad({demo::exact_objective(theta_)}, {theta_})[0];
  }
  // Largest |mean - exact| in standard errors over the D x K components.
  double worst_z(const Moments& m) const { return ((m.mean - exact_).abs() / m.standard_error).max().item<double>(); }

  at::Tensor theta_, exact_;
};

// With 20 components, a 5-standard-error bound fails by chance with
// probability about 20 * 5.7e-7 ~ 1e-5 per estimator (normal approximation
// of the mean of 3000 estimates).
TEST_F(DemoProblem, ReinforceRlooAndMovingAverageAreUnbiased) {
  EXPECT_LT(worst_z(estimate_moments(demo::reinforce, theta_, 3000, 31)), 5.0);
  EXPECT_LT(worst_z(estimate_moments(demo::rloo, theta_, 3000, 32)), 5.0);
  EXPECT_LT(worst_z(estimate_moments(demo::reinforce_with_moving_average(), theta_, 3000, 33)), 5.0);
}

TEST_F(DemoProblem, ExactGradientMatchesFiniteDifferences) {
  at::Tensor fd = td::testing::finite_difference_grad(
      [](const at::Tensor& t) { return demo::exact_objective(t); }, theta_.detach(), 1e-6);
  EXPECT_TRUE(all_close(exact_, fd, 1e-6, 1e-9));
}

// The same bound detects the relaxation's bias: Gumbel-softmax at tau = 1
// differentiates a different objective.
TEST_F(DemoProblem, GumbelSoftmaxIsBiasedAtHighTemperature) {
  EXPECT_GT(worst_z(estimate_moments(demo::gumbel(1.0, false), theta_, 1000, 34)), 10.0);
}

// RLOO's variance is below plain REINFORCE's here: the costs are all
// positive, so without a baseline every score is scaled by the mean cost.
// The measured ratio is about 0.67 at these seeds; each variance estimate
// from 6000 repetitions has a relative standard error of about 4% (heavy
// tails included), so the bound 0.9 sits about 5 standard errors above
// the measured ratio.
TEST_F(DemoProblem, RlooHasLowerVarianceThanReinforce) {
  const double reinforce = estimate_moments(demo::reinforce, theta_, 6000, 41).total_variance;
  const double rloo = estimate_moments(demo::rloo, theta_, 6000, 42).total_variance;
  EXPECT_LT(rloo, 0.9 * reinforce) << "REINFORCE " << reinforce << ", RLOO " << rloo;
}

}  // namespace
