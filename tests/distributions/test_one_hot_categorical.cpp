// OneHotCategorical: log_prob, moments and entropy against closed forms,
// one-hot samples by chi-square on their argmax, shapes and dtypes,
// enumerate_support, gradients against finite differences, validation.

#include <torchdist/core/probs_logits.h>
#include <torchdist/distributions/one_hot_categorical.h>

#include <cmath>
#include <functional>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

using Fn = std::function<at::Tensor(const at::Tensor&)>;

at::Tensor raw_probs() { return tensor_of({1, 2, 3, 4, 0.5, 0.5, 2, 1}, {2, 4}); }
at::Tensor normalized_probs() { return tensor_of({0.1, 0.2, 0.3, 0.4, 0.125, 0.125, 0.5, 0.25}, {2, 4}); }

TEST(OneHotCategorical, LogProbIsLogProbabilityOfTheHotIndex) {
  for (const td::OneHotCategorical& d : {td::OneHotCategorical(td::probs(raw_probs())),
                                         td::OneHotCategorical(td::logits(at::log(raw_probs()) + 1))}) {
    at::Tensor eye = at::eye(4, at::kDouble);
    // Value [4, 2, 4]: sample i is e_i for both batch members.
    at::Tensor values = eye.unsqueeze(1).expand({4, 2, 4});
    at::Tensor lp = d.log_prob(values);
    ASSERT_EQ(lp.sizes(), at::IntArrayRef({4, 2}));
    EXPECT_TRUE(all_close(lp, at::log(normalized_probs()).t(), 1e-13));
    // One event broadcast over the batch.
    EXPECT_TRUE(all_close(d.log_prob(eye[2]), at::log(normalized_probs().select(1, 2)), 1e-13));
  }
}

TEST(OneHotCategorical, MomentsAndEntropyMatchClosedForms) {
  td::OneHotCategorical d(td::probs(raw_probs()));
  at::Tensor p = normalized_probs();
  EXPECT_TRUE(all_close(d.probs(), p, 1e-15));
  EXPECT_TRUE(all_close(d.logits(), p.log(), 1e-14));
  EXPECT_TRUE(all_close(d.mean(), p, 1e-15));
  EXPECT_TRUE(all_close(d.variance(), p * (1 - p), 1e-14));
  EXPECT_TRUE(all_close(d.entropy(), -(p * p.log()).sum(-1), 1e-13));
  at::Tensor mode = d.mode();
  EXPECT_EQ(mode.scalar_type(), at::kDouble);
  EXPECT_TRUE(at::equal(mode, tensor_of({0, 0, 0, 1, 0, 0, 1, 0}, {2, 4})));
  EXPECT_EQ(d.param_shape(), at::IntArrayRef({2, 4}));
}

TEST(OneHotCategorical, SamplesAreOneHotAndPassChiSquare) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 2
  // batch members (2e-4 for the test), at a fixed seed.
  auto gen = td::testing::seeded_generator(4242);
  td::OneHotCategorical d(td::probs(raw_probs()));
  at::Tensor s = d.sample({20000}, gen);
  ASSERT_EQ(s.sizes(), at::IntArrayRef({20000, 2, 4}));
  EXPECT_EQ(s.scalar_type(), at::kDouble);
  EXPECT_FALSE(s.requires_grad());
  EXPECT_TRUE(((s == 0).logical_or(s == 1)).all().item<bool>());
  EXPECT_TRUE((s.sum(-1) == 1).all().item<bool>());
  at::Tensor counts = s.sum(0).to(at::kLong);  // [2, 4]
  at::Tensor p = normalized_probs();
  for (int64_t b = 0; b < 2; ++b) {
    std::vector<int64_t> c(counts[b].data_ptr<int64_t>(), counts[b].data_ptr<int64_t>() + 4);
    EXPECT_GT(td::testing::chi_square_test(c, td::testing::to_vector(p[b])), 1e-4);
  }
}

TEST(OneHotCategorical, ShapesAndDtypes) {
  td::OneHotCategorical single(td::logits(at::zeros({3})));
  EXPECT_EQ(single.batch_shape().size(), 0u);
  EXPECT_EQ(single.event_shape(), at::IntArrayRef({3}));
  at::Tensor s0 = single.sample();
  EXPECT_EQ(s0.sizes(), at::IntArrayRef({3}));
  EXPECT_EQ(s0.scalar_type(), at::kFloat);
  at::Tensor s2 = single.sample({100, 2});
  EXPECT_EQ(s2.sizes(), at::IntArrayRef({100, 2, 3}));
  EXPECT_EQ(single.log_prob(s2).sizes(), at::IntArrayRef({100, 2}));
  td::OneHotCategorical batched(td::probs(at::ones({2, 3, 5}, at::kDouble)));
  EXPECT_EQ(batched.batch_shape(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(batched.event_shape(), at::IntArrayRef({5}));
  EXPECT_EQ(batched.sample({4}).sizes(), at::IntArrayRef({4, 2, 3, 5}));
  EXPECT_EQ(batched.mode().sizes(), at::IntArrayRef({2, 3, 5}));
  EXPECT_EQ(batched.entropy().sizes(), at::IntArrayRef({2, 3}));
  // Boolean one-hot values are accepted.
  at::Tensor b = at::eye(5, at::kBool)[1];
  EXPECT_TRUE(all_close(batched.log_prob(b), at::full({2, 3}, std::log(0.2), at::kDouble), 1e-14));
}

TEST(OneHotCategorical, EnumerateSupport) {
  td::OneHotCategorical d(td::probs(at::ones({2, 3, 4}, at::kDouble)));
  EXPECT_TRUE(d.has_enumerate_support());
  at::Tensor full = d.enumerate_support();
  ASSERT_EQ(full.sizes(), at::IntArrayRef({4, 2, 3, 4}));
  EXPECT_EQ(full.scalar_type(), at::kDouble);
  for (int64_t k = 0; k < 4; ++k) {
    EXPECT_TRUE(at::equal(full[k], at::eye(4, at::kDouble)[k].expand({2, 3, 4})));
  }
  at::Tensor compact = d.enumerate_support(/*expand=*/false);
  EXPECT_EQ(compact.sizes(), at::IntArrayRef({4, 1, 1, 4}));
  EXPECT_TRUE(at::equal(compact.view({4, 4}), at::eye(4, at::kDouble)));
  EXPECT_TRUE(all_close(d.log_prob(full).exp().sum(0), at::ones({2, 3}, at::kDouble), 1e-14));
  EXPECT_EQ(td::OneHotCategorical(td::probs(at::ones({3}))).enumerate_support().sizes(), at::IntArrayRef({3, 3}));
}

TEST(OneHotCategorical, GradientsMatchFiniteDifferences) {
  at::Tensor v = at::eye(3, at::kDouble).index_select(0, at::tensor({2, 0, 1}, at::kLong));  // [3, 3]
  at::Tensor p0 = tensor_of({1, 2, 3, 0.2, 0.5, 0.3, 4, 4, 1}, {3, 3});
  at::Tensor l0 = tensor_of({0.1, -1, 2, 0, 0, 0, 3, -2, 0.5}, {3, 3});
  Fn lp_probs = [&](const at::Tensor& p) { return td::OneHotCategorical(td::probs(p)).log_prob(v).sum(); };
  Fn lp_logits = [&](const at::Tensor& l) { return td::OneHotCategorical(td::logits(l)).log_prob(v).sum(); };
  Fn h_logits = [&](const at::Tensor& l) { return td::OneHotCategorical(td::logits(l)).entropy().sum(); };
  const at::Tensor w = tensor_of({1, -2, 0.5, 3, 1, -1, 0.2, 2, -0.7}, {3, 3});  // fixed weights
  Fn var_logits = [&](const at::Tensor& l) { return (td::OneHotCategorical(td::logits(l)).variance() * w).sum(); };
  EXPECT_TRUE(all_close(td::testing::autograd_grad(lp_probs, p0), td::testing::finite_difference_grad(lp_probs, p0),
                        1e-6, 1e-7));
  for (const Fn& f : {lp_logits, h_logits, var_logits}) {
    EXPECT_TRUE(all_close(td::testing::autograd_grad(f, l0), td::testing::finite_difference_grad(f, l0), 1e-6, 1e-7));
  }
}

TEST(OneHotCategorical, ExpandKeepsParameters) {
  td::OneHotCategorical d(td::probs(tensor_of({0.1, 0.2, 0.7}, {3})));
  td::OneHotCategorical e = d.expand({4, 2});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({4, 2}));
  EXPECT_EQ(e.event_shape(), at::IntArrayRef({3}));
  EXPECT_EQ(e.param_shape(), at::IntArrayRef({4, 2, 3}));
  EXPECT_TRUE(all_close(e.log_prob(tensor_of({0, 0, 1}, {3})), at::full({4, 2}, std::log(0.7), at::kDouble), 1e-14));
  EXPECT_EQ(e.sample({5}).sizes(), at::IntArrayRef({5, 4, 2, 3}));
  EXPECT_TRUE(e.validate_args());
}

TEST(OneHotCategorical, ValidationErrorsNameOneHotCategorical) {
  EXPECT_THROW_MSG(td::OneHotCategorical(td::probs(tensor_of({1, 2, 3, -1}, {2, 2}))), c10::ValueError,
                   "OneHotCategorical: probs must satisfy simplex(), got [1.5, -0.5] at index [1]");
  EXPECT_THROW_MSG(td::OneHotCategorical(td::logits(tensor_of({0, NAN}, {2}))), c10::ValueError,
                   "OneHotCategorical: logits must satisfy real_vector()");
  EXPECT_THROW_MSG(td::OneHotCategorical(td::probs(0.5)), c10::ValueError,
                   "OneHotCategorical: probs must be at least one-dimensional");
  EXPECT_THROW_MSG(td::OneHotCategorical(td::logits(at::zeros({0}))), c10::ValueError,
                   "OneHotCategorical: logits must have at least one category");
  td::OneHotCategorical d(td::probs(at::ones({2, 3})));
  EXPECT_THROW_MSG(d.log_prob(tensor_of({1, 1, 0}, {3})), c10::ValueError,
                   "OneHotCategorical: value must be within the support one_hot(), got [1, 1, 0]");
  EXPECT_THROW_MSG(d.log_prob(tensor_of({0.5, 0.5, 0}, {3})), c10::ValueError,
                   "OneHotCategorical: value must be within the support one_hot()");
  EXPECT_THROW_MSG(d.log_prob(tensor_of({1, 0}, {2})), c10::ValueError,
                   "OneHotCategorical: value of shape [2] does not end in the event shape [3]");
  EXPECT_NO_THROW(td::OneHotCategorical(td::probs(tensor_of({1, -1}, {2})), /*validate_args=*/false));
}

TEST(OneHotCategorical, ExactlyOneOfProbsOrLogits) {
  at::Tensor p = tensor_of({0.5, 0.5}, {2});
  EXPECT_THROW_MSG(td::OneHotCategorical(td::ProbsOrLogits::from_optional("OneHotCategorical", p, p)),
                   c10::ValueError, "OneHotCategorical: exactly one of probs or logits must be specified, got both");
  EXPECT_THROW_MSG(
      td::OneHotCategorical(td::ProbsOrLogits::from_optional("OneHotCategorical", c10::nullopt, c10::nullopt)),
      c10::ValueError, "OneHotCategorical: exactly one of probs or logits must be specified, got neither");
  EXPECT_THROW_MSG((void)td::OneHotCategorical(td::logits(at::Tensor())), c10::ValueError,
                   "OneHotCategorical: exactly one of probs or logits must be specified, got neither (logits is an "
                   "undefined tensor)");
}

TEST(OneHotCategorical, MethodsTorchLacksAreNotImplemented) {
  td::OneHotCategorical d(td::probs(at::ones({3})));
  EXPECT_FALSE(d.has_rsample());
  EXPECT_THROW_MSG(d.rsample(), c10::NotImplementedError, "OneHotCategorical does not implement rsample");
  EXPECT_THROW_MSG(d.cdf(at::zeros({3})), c10::NotImplementedError, "OneHotCategorical does not implement cdf");
  EXPECT_THROW_MSG(d.icdf(at::zeros({3})), c10::NotImplementedError, "OneHotCategorical does not implement icdf");
}

}  // namespace
