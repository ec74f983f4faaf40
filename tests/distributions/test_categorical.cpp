// Categorical: log_prob, entropy and moments against closed forms,
// normalization of probs / logits, zero probabilities, sampling by
// chi-square, shapes, gradients against finite differences, the REINFORCE
// estimator against the exact policy gradient, validation.

#include <boost/math/distributions/students_t.hpp>
#include <torchdist/core/probs_logits.h>
#include <torchdist/distributions/categorical.h>

#include <cmath>
#include <functional>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

using Fn = std::function<at::Tensor(const at::Tensor&)>;

std::vector<int64_t> count_categories(const at::Tensor& samples, int64_t k) {
  at::Tensor counts = at::bincount(samples.flatten(), /*weights=*/{}, k);
  return std::vector<int64_t>(counts.data_ptr<int64_t>(), counts.data_ptr<int64_t>() + k);
}

// Unnormalized probabilities of a [2, 4] batch and their normalized values.
at::Tensor raw_probs() { return tensor_of({1, 2, 3, 4, 0.5, 0.5, 2, 1}, {2, 4}); }
at::Tensor normalized_probs() { return tensor_of({0.1, 0.2, 0.3, 0.4, 0.125, 0.125, 0.5, 0.25}, {2, 4}); }

TEST(Categorical, ProbsAndLogitsAreNormalized) {
  td::Categorical c(td::probs(raw_probs()));
  EXPECT_TRUE(all_close(c.probs(), normalized_probs(), 1e-15));
  EXPECT_TRUE(all_close(c.logits(), at::log(normalized_probs()), 1e-14));
  // Logits are shifted by their logsumexp; any shift gives the same distribution.
  td::Categorical cl(td::logits(at::log(raw_probs()) + 7.5));
  EXPECT_TRUE(all_close(cl.logits(), at::log(normalized_probs()), 1e-14, 1e-14));
  EXPECT_TRUE(all_close(cl.probs(), normalized_probs(), 1e-14));
  EXPECT_EQ(c.param_shape(), at::IntArrayRef({2, 4}));
  EXPECT_EQ(c.num_events(), 4);
  EXPECT_EQ(c.batch_shape(), at::IntArrayRef({2}));
  EXPECT_EQ(c.event_shape().size(), 0u);
}

TEST(Categorical, LogProbMatchesClosedFormWithBroadcasting) {
  for (const td::Categorical& c :
       {td::Categorical(td::probs(raw_probs())), td::Categorical(td::logits(at::log(raw_probs()) - 3))}) {
    at::Tensor values = at::tensor({0, 3, 2, 1, 1, 0}, at::kLong).view({3, 2});  // [3] samples of batch [2]
    at::Tensor lp = c.log_prob(values);
    ASSERT_EQ(lp.sizes(), at::IntArrayRef({3, 2}));
    at::Tensor p = normalized_probs();
    at::Tensor expected = at::log(tensor_of({p[0][0].item<double>(), p[1][3].item<double>(), p[0][2].item<double>(),
                                             p[1][1].item<double>(), p[0][1].item<double>(), p[1][0].item<double>()},
                                            {3, 2}));
    EXPECT_TRUE(all_close(lp, expected, 1e-13));
    // A value of shape [3, 1] broadcasts against the batch [2].
    at::Tensor lp2 = c.log_prob(at::tensor({0.0, 2.0, 3.0}, at::kDouble).view({3, 1}));
    EXPECT_TRUE(all_close(lp2, at::log(p.t().index_select(0, at::tensor({0, 2, 3}, at::kLong))), 1e-13));
  }
}

TEST(Categorical, EntropyAndModeMatchClosedForms) {
  td::Categorical c(td::probs(raw_probs()));
  at::Tensor p = normalized_probs();
  at::Tensor expected = -(p * p.log()).sum(-1);
  EXPECT_TRUE(all_close(c.entropy(), expected, 1e-13));
  EXPECT_TRUE(all_close(c.perplexity(), expected.exp(), 1e-13));
  EXPECT_TRUE(all_close(td::Categorical(td::logits(at::log(raw_probs()))).entropy(), expected, 1e-13));
  at::Tensor mode = c.mode();
  EXPECT_EQ(mode.scalar_type(), at::kLong);
  EXPECT_TRUE(at::equal(mode, at::tensor({3, 2}, at::kLong)));
}

TEST(Categorical, MeanAndVarianceAreNanAsInTorch) {
  td::Categorical c(td::probs(at::ones({2, 3, 5}, at::kDouble)));
  for (const at::Tensor& m : {c.mean(), c.variance()}) {
    EXPECT_EQ(m.sizes(), at::IntArrayRef({2, 3}));
    EXPECT_EQ(m.scalar_type(), at::kDouble);
    EXPECT_TRUE(m.isnan().all().item<bool>());
  }
}

TEST(Categorical, ZeroProbabilitiesAreNeverSampledAndHaveFiniteEntropy) {
  auto gen = td::testing::seeded_generator(99);
  td::Categorical from_probs(td::probs(tensor_of({0.5, 0, 0.5, 0}, {4})));
  td::Categorical from_logits(td::logits(tensor_of({0, -INFINITY, 0, -INFINITY}, {4})));
  for (const td::Categorical& c : {from_probs, from_logits}) {
    std::vector<int64_t> counts = count_categories(c.sample({100000}, gen), 4);
    EXPECT_EQ(counts[1], 0);
    EXPECT_EQ(counts[3], 0);
    EXPECT_TRUE(all_close(c.entropy(), at::scalar_tensor(std::log(2.0), at::kDouble), 1e-14));
  }
  // log_prob of an impossible category: -inf from logits; from probs the
  // derived logits are log(clamp(p, eps)), so log(eps) (torch's behaviour).
  EXPECT_EQ(from_logits.log_prob(at::scalar_tensor(1, at::kLong)).item<double>(), -INFINITY);
  EXPECT_DOUBLE_EQ(from_probs.log_prob(at::scalar_tensor(1, at::kLong)).item<double>(),
                   std::log(std::numeric_limits<double>::epsilon()));
  // Float parameters too.
  td::Categorical f(td::probs(at::tensor({0.0f, 1.0f})));
  EXPECT_TRUE(at::isfinite(f.entropy()).item<bool>());
  EXPECT_NEAR(f.entropy().item<double>(), 0.0, 1e-6);
}

TEST(Categorical, HugeLogitsStayFinite) {
  td::Categorical c(td::logits(tensor_of({1e4, -1e4, 0}, {3})));
  EXPECT_TRUE(all_close(c.log_prob(at::arange(3, at::kLong)), tensor_of({0, -2e4, -1e4}, {3}), 1e-14, 0));
  EXPECT_TRUE(all_close(c.entropy(), at::zeros({}, at::kDouble), 0, 0));
  EXPECT_TRUE(all_close(c.probs(), tensor_of({1, 0, 0}, {3}), 0, 0));
}

TEST(Categorical, SamplesPassChiSquare) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 2
  // batch members (2e-4 for the test), at a fixed seed.
  auto gen = td::testing::seeded_generator(31);
  td::Categorical c(td::probs(raw_probs()));
  at::Tensor s = c.sample({20000}, gen);
  ASSERT_EQ(s.sizes(), at::IntArrayRef({20000, 2}));
  at::Tensor p = normalized_probs();
  for (int64_t b = 0; b < 2; ++b) {
    EXPECT_GT(td::testing::chi_square_test(count_categories(s.select(1, b), 4), td::testing::to_vector(p[b])),
              1e-4);
  }
}

TEST(Categorical, SampleShapesAndDtypes) {
  td::Categorical single(td::probs(at::tensor({0.2f, 0.3f, 0.5f})));
  EXPECT_EQ(single.batch_shape().size(), 0u);
  at::Tensor s0 = single.sample();
  EXPECT_EQ(s0.dim(), 0);
  EXPECT_EQ(s0.scalar_type(), at::kLong);
  at::Tensor s2 = single.sample({100, 2});
  EXPECT_EQ(s2.sizes(), at::IntArrayRef({100, 2}));
  EXPECT_TRUE(((s2 >= 0).logical_and(s2 < 3)).all().item<bool>());
  EXPECT_EQ(single.log_prob(s2).sizes(), at::IntArrayRef({100, 2}));
  EXPECT_EQ(single.log_prob(s2).scalar_type(), at::kFloat);

  td::Categorical batched(td::logits(at::zeros({2, 3, 4}, at::kDouble)));
  EXPECT_EQ(batched.batch_shape(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(batched.sample().sizes(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(batched.sample({5}).sizes(), at::IntArrayRef({5, 2, 3}));
  EXPECT_EQ(batched.sample({0}).sizes(), at::IntArrayRef({0, 2, 3}));
  EXPECT_EQ(batched.log_prob(batched.sample({5, 1})).sizes(), at::IntArrayRef({5, 1, 2, 3}));
  // Each batch member is sampled from its own row: one-hot rows give their index.
  at::Tensor onehot = at::eye(4, at::kDouble).slice(0, 0, 3);  // [3, 4], rows e_0, e_1, e_2
  at::Tensor det = td::Categorical(td::probs(onehot)).sample({6});
  EXPECT_TRUE(at::equal(det, at::arange(3, at::kLong).expand({6, 3})));
}

TEST(Categorical, EnumerateSupport) {
  td::Categorical c(td::probs(at::ones({2, 3, 4}, at::kDouble)));
  EXPECT_TRUE(c.has_enumerate_support());
  at::Tensor full = c.enumerate_support();
  ASSERT_EQ(full.sizes(), at::IntArrayRef({4, 2, 3}));
  EXPECT_EQ(full.scalar_type(), at::kLong);
  for (int64_t k = 0; k < 4; ++k) EXPECT_TRUE((full[k] == k).all().item<bool>());
  at::Tensor compact = c.enumerate_support(/*expand=*/false);
  EXPECT_EQ(compact.sizes(), at::IntArrayRef({4, 1, 1}));
  EXPECT_TRUE(at::equal(compact.flatten(), at::arange(4, at::kLong)));
  EXPECT_EQ(td::Categorical(td::probs(at::ones({3}))).enumerate_support().sizes(), at::IntArrayRef({3}));
  EXPECT_EQ(c.support()->name(), "integer_interval(0, 3)");
}

TEST(Categorical, GradientsMatchFiniteDifferences) {
  at::Tensor v = at::tensor({0, 2, 1}, at::kLong);
  at::Tensor p0 = tensor_of({1, 2, 3, 0.2, 0.5, 0.3, 4, 4, 1}, {3, 3});  // unnormalized
  at::Tensor l0 = tensor_of({0.1, -1, 2, 0, 0, 0, 3, -2, 0.5}, {3, 3});
  Fn lp_probs = [&](const at::Tensor& p) { return td::Categorical(td::probs(p)).log_prob(v).sum(); };
  Fn h_probs = [&](const at::Tensor& p) { return td::Categorical(td::probs(p)).entropy().sum(); };
  Fn lp_logits = [&](const at::Tensor& l) { return td::Categorical(td::logits(l)).log_prob(v).sum(); };
  Fn h_logits = [&](const at::Tensor& l) { return td::Categorical(td::logits(l)).entropy().sum(); };
  for (const Fn& f : {lp_probs, h_probs}) {
    EXPECT_TRUE(all_close(td::testing::autograd_grad(f, p0), td::testing::finite_difference_grad(f, p0), 1e-6, 1e-7));
  }
  for (const Fn& f : {lp_logits, h_logits}) {
    EXPECT_TRUE(all_close(td::testing::autograd_grad(f, l0), td::testing::finite_difference_grad(f, l0), 1e-6, 1e-7));
  }
}

TEST(Categorical, ReinforceMatchesTheExactPolicyGradient) {
  // J(theta) = sum_a p(a) f(a), p = softmax(theta); exact gradient
  // dJ/dtheta_k = p_k (f_k - J). The score-function estimate averages
  // d/dtheta [log p(a) f(a)] over a ~ p, in B batches of M draws.
  const at::Tensor theta0 = tensor_of({0.2, -0.5, 1.0, 0.0}, {4});
  const at::Tensor f = tensor_of({1.0, -2.0, 0.5, 3.0}, {4});
  const at::Tensor p = at::softmax(theta0, 0);
  const at::Tensor exact = p * (f - (p * f).sum());

  const int64_t batches = 50, draws = 2000;
  auto gen = td::testing::seeded_generator(777);
  std::vector<at::Tensor> grads;
  for (int64_t b = 0; b < batches; ++b) {
    at::Tensor theta = theta0.clone().set_requires_grad(true);
    td::Categorical m(td::probs(at::softmax(theta, 0)));
    at::Tensor a = m.sample({draws}, gen);
    at::Tensor surrogate = (m.log_prob(a) * f.index_select(0, a)).mean();
    surrogate.backward();
    grads.push_back(theta.grad().clone());
  }
  at::Tensor g = at::stack(grads);  // [B, 4], one Monte Carlo estimate per batch
  at::Tensor estimate = g.mean(0);
  at::Tensor se = g.std(0) / std::sqrt(static_cast<double>(batches));
  // |estimate - exact| <= 5 standard errors per component. The batch means
  // are near-normal (M = 2000), so the ratio is Student-t with B - 1 = 49
  // degrees of freedom: the false-failure rate is printed below (about 8e-6
  // per component, 3e-5 for the 4 components), at a fixed seed.
  boost::math::students_t t49(batches - 1);
  const double per_component = 2 * boost::math::cdf(boost::math::complement(t49, 5.0));
  EXPECT_LT(per_component, 2e-5);
  EXPECT_TRUE(((estimate - exact).abs() <= 5 * se).all().item<bool>())
      << "estimate " << estimate << "\nexact " << exact << "\nstandard error " << se;
  // The test has power: the gradient is far from zero in units of the
  // standard error, so a detached or sign-flipped log_prob would fail.
  EXPECT_GT((exact.abs() / se).max().item<double>(), 20.0);
  EXPECT_LT(se.max().item<double>(), 0.01);
}

TEST(Categorical, ReinforceSnippetFromTheIssue) {
  at::Tensor theta = tensor_of({0.1, 0.4, -0.3}, {3}).set_requires_grad(true);
  at::Tensor policy_output = at::softmax(theta, 0);
  const double reward = 2.5;
  at::manual_seed(0);
  // Verbatim:
  auto m = td::Categorical(td::probs(policy_output)); auto a = m.sample(); auto loss = -m.log_prob(a) * reward; loss.backward();
  EXPECT_EQ(a.dim(), 0);
  EXPECT_EQ(a.scalar_type(), at::kLong);
  // d loss / d theta = -reward (e_a - p).
  at::Tensor expected = -reward * (at::one_hot(a, 3).to(at::kDouble) - policy_output.detach());
  EXPECT_TRUE(all_close(theta.grad(), expected, 1e-12, 1e-14));
}

TEST(Categorical, ExpandKeepsParameters) {
  td::Categorical c(td::probs(tensor_of({0.1, 0.2, 0.7}, {3})));
  td::Categorical e = c.expand({4, 2});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({4, 2}));
  EXPECT_EQ(e.param_shape(), at::IntArrayRef({4, 2, 3}));
  EXPECT_EQ(e.num_events(), 3);
  EXPECT_TRUE(all_close(e.logits(), c.logits().expand({4, 2, 3}), 1e-15));
  EXPECT_TRUE(all_close(e.log_prob(at::scalar_tensor(2, at::kLong)), at::full({4, 2}, std::log(0.7), at::kDouble),
                        1e-14));
  EXPECT_EQ(e.sample({5}).sizes(), at::IntArrayRef({5, 4, 2}));
}

TEST(Categorical, ValidationErrors) {
  EXPECT_THROW_MSG(td::Categorical(td::probs(tensor_of({1, 2, 3, -1}, {2, 2}))), c10::ValueError,
                   "Categorical: probs must satisfy simplex(), got [1.5, -0.5] at index [1]");
  // 0 / 0: the message shows the NaNs ("nan" or "-nan", by platform).
  EXPECT_THROW_MSG(td::Categorical(td::probs(tensor_of({0, 0}, {2}))), c10::ValueError,
                   "Categorical: probs must satisfy simplex(), got [");
  EXPECT_THROW_MSG(td::Categorical(td::probs(tensor_of({0, 0}, {2}))), c10::ValueError, "nan]");
  EXPECT_THROW_MSG(td::Categorical(td::probs(tensor_of({1, INFINITY}, {2}))), c10::ValueError,
                   "Categorical: probs must satisfy simplex()");
  EXPECT_THROW_MSG(td::Categorical(td::logits(tensor_of({0, NAN, 1}, {3}))), c10::ValueError,
                   "Categorical: logits must satisfy real_vector(), got [");
  EXPECT_THROW_MSG(td::Categorical(td::probs(0.5)), c10::ValueError,
                   "Categorical: probs must be at least one-dimensional (batch_shape + [num_events]), got shape []");
  EXPECT_THROW_MSG(td::Categorical(td::logits(at::zeros({}))), c10::ValueError,
                   "Categorical: logits must be at least one-dimensional");
  EXPECT_THROW_MSG(td::Categorical(td::probs(at::zeros({2, 0}))), c10::ValueError,
                   "Categorical: probs must have at least one category (a nonempty last dimension), got shape [2, 0]");
  // Unnormalized nonnegative probs are fine.
  EXPECT_NO_THROW(td::Categorical(td::probs(tensor_of({0, 5, 3}, {3}))));

  td::Categorical c(td::probs(at::ones({2, 4})));
  EXPECT_THROW_MSG(c.log_prob(at::tensor({0, 4}, at::kLong)), c10::ValueError,
                   "Categorical: value must be within the support integer_interval(0, 3), got 4 at index [1]");
  EXPECT_THROW_MSG(c.log_prob(at::tensor({1.5, 0.0})), c10::ValueError,
                   "Categorical: value must be within the support integer_interval(0, 3), got 1.5 at index [0]");
  EXPECT_THROW_MSG(c.log_prob(at::zeros({3}, at::kLong)), c10::ValueError,
                   "Categorical: value of shape [3] is not broadcastable with batch_shape + event_shape [2]");
  EXPECT_NO_THROW(td::Categorical(td::probs(tensor_of({1, -1, 1}, {3})), /*validate_args=*/false));
}

TEST(Categorical, ExactlyOneOfProbsOrLogits) {
  at::Tensor p = tensor_of({0.5, 0.5}, {2});
  EXPECT_THROW_MSG(td::Categorical(td::ProbsOrLogits::from_optional("Categorical", p, p)), c10::ValueError,
                   "Categorical: exactly one of probs or logits must be specified, got both");
  EXPECT_THROW_MSG(td::Categorical(td::ProbsOrLogits::from_optional("Categorical", c10::nullopt, c10::nullopt)),
                   c10::ValueError, "Categorical: exactly one of probs or logits must be specified, got neither");
  EXPECT_THROW_MSG((void)td::Categorical(td::probs(at::Tensor())), c10::ValueError,
                   "Categorical: exactly one of probs or logits must be specified, got neither (probs is an "
                   "undefined tensor)");
  td::Categorical c(td::ProbsOrLogits::from_optional("Categorical", c10::nullopt, at::log(p)));
  EXPECT_TRUE(all_close(c.probs(), p, 1e-15));
}

TEST(Categorical, MethodsTorchLacksAreNotImplemented) {
  td::Categorical c(td::probs(at::ones({3})));
  EXPECT_FALSE(c.has_rsample());
  EXPECT_THROW_MSG(c.rsample(), c10::NotImplementedError, "Categorical does not implement rsample");
  EXPECT_THROW_MSG(c.cdf(at::zeros({})), c10::NotImplementedError, "Categorical does not implement cdf");
  EXPECT_THROW_MSG(c.icdf(at::zeros({})), c10::NotImplementedError, "Categorical does not implement icdf");
}

}  // namespace
