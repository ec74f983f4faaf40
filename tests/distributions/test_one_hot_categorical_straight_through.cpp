// OneHotCategoricalStraightThrough: rsample is exactly the one-hot sample
// (same generator, same values), its gradient is the straight-through
// identity (closed forms for d/dparam of (probs * w).sum()), samples pass a
// chi-square test, the inherited methods, expand, validation messages.

#include <torchdist/core/probs_logits.h>
#include <torchdist/distributions/one_hot_categorical_straight_through.h>

#include <cmath>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

at::Tensor raw_probs() { return tensor_of({1, 2, 3, 4, 0.5, 0.5, 2, 1}, {2, 4}); }
at::Tensor normalized_probs() { return tensor_of({0.1, 0.2, 0.3, 0.4, 0.125, 0.125, 0.5, 0.25}, {2, 4}); }

TEST(OneHotCategoricalStraightThrough, RsampleIsTheOneHotSample) {
  at::Tensor r = raw_probs().requires_grad_();
  td::OneHotCategoricalStraightThrough d(td::probs(r));
  EXPECT_TRUE(d.has_rsample());
  at::Tensor a = d.rsample({50}, td::testing::seeded_generator(8));
  at::Tensor s = d.sample({50}, td::testing::seeded_generator(8));
  ASSERT_EQ(a.sizes(), at::IntArrayRef({50, 2, 4}));
  EXPECT_TRUE(a.requires_grad());
  EXPECT_FALSE(s.requires_grad());
  // Exactly, not approximately: p - p is 0 in floating point.
  EXPECT_TRUE(at::equal(a.detach(), s));
  EXPECT_TRUE(((a == 0).logical_or(a == 1)).all().item<bool>());
  EXPECT_TRUE((a.sum(-1) == 1).all().item<bool>());
}

TEST(OneHotCategoricalStraightThrough, GradientIsTheStraightThroughIdentity) {
  // d/dtheta (rsample * w).sum() = d/dtheta (probs * w).sum(), whatever the
  // draws; in closed form, with m = sum_j w_j p_j (per batch member):
  //   probs r (normalized p = r / S):  d/dr_k = n (w_k - m) / S,
  //   logits l (p = softmax(l)):        d/dl_k = n p_k (w_k - m),
  // for n draws.
  const int64_t n = 7;
  at::Tensor w = tensor_of({0.3, -1.2, 2.0, 0.5, 1.0, -0.7, 0.1, 4.0}, {2, 4});
  at::Tensor p = normalized_probs();
  at::Tensor m = (w * p).sum(-1, true);

  at::Tensor r = raw_probs().requires_grad_();
  td::OneHotCategoricalStraightThrough by_probs(td::probs(r));
  (by_probs.rsample({n}, td::testing::seeded_generator(1)) * w).sum().backward();
  at::Tensor s = raw_probs().sum(-1, true);
  EXPECT_TRUE(all_close(r.grad(), n * (w - m) / s, 1e-13, 1e-15));

  at::Tensor l = p.log().add(1.5).requires_grad_();
  td::OneHotCategoricalStraightThrough by_logits(td::logits(l));
  (by_logits.rsample({n}, td::testing::seeded_generator(2)) * w).sum().backward();
  EXPECT_TRUE(all_close(l.grad(), n * p * (w - m), 1e-13, 1e-15));

  // The same as differentiating probs directly.
  at::Tensor l2 = p.log().add(1.5).requires_grad_();
  (td::OneHotCategoricalStraightThrough(td::logits(l2)).probs() * w).sum().mul(n).backward();
  EXPECT_TRUE(all_close(l.grad(), l2.grad(), 1e-14, 1e-15));
}

TEST(OneHotCategoricalStraightThrough, SamplesFollowTheCategorical) {
  // Chi-square threshold 1e-4 for each of 2 batch members: false-failure
  // rate 2e-4 at the fixed seed.
  td::OneHotCategoricalStraightThrough d(td::probs(raw_probs()));
  at::Tensor a = d.rsample({20000}, td::testing::seeded_generator(4242));
  at::Tensor counts = a.detach().sum(0).to(at::kLong);
  for (int64_t b = 0; b < 2; ++b) {
    std::vector<int64_t> c(counts[b].data_ptr<int64_t>(), counts[b].data_ptr<int64_t>() + 4);
    EXPECT_GT(td::testing::chi_square_test(c, td::testing::to_vector(normalized_probs()[b])), 1e-4);
  }
}

TEST(OneHotCategoricalStraightThrough, InheritsOneHotCategorical) {
  td::OneHotCategoricalStraightThrough d(td::probs(raw_probs()));
  at::Tensor p = normalized_probs();
  EXPECT_EQ(d.name(), "OneHotCategoricalStraightThrough");
  EXPECT_EQ(d.batch_shape(), at::IntArrayRef({2}));
  EXPECT_EQ(d.event_shape(), at::IntArrayRef({4}));
  EXPECT_TRUE(all_close(d.mean(), p, 1e-15));
  EXPECT_TRUE(all_close(d.variance(), p * (1 - p), 1e-15));
  EXPECT_TRUE(all_close(d.entropy(), -(p * p.log()).sum(-1), 1e-13));
  at::Tensor eye = at::eye(4, at::kDouble);
  EXPECT_TRUE(all_close(d.log_prob(eye.unsqueeze(1).expand({4, 2, 4})), p.log().t(), 1e-13));
  EXPECT_EQ(d.support()->name(), "one_hot()");
  EXPECT_EQ(d.enumerate_support().sizes(), at::IntArrayRef({4, 2, 4}));

  td::OneHotCategoricalStraightThrough f(td::logits(at::zeros({3})));
  EXPECT_EQ(f.rsample({5}).scalar_type(), at::kFloat);
  EXPECT_EQ(f.rsample({5}).sizes(), at::IntArrayRef({5, 3}));

  // expand keeps the type, and so the straight-through rsample.
  td::OneHotCategoricalStraightThrough e = d.expand({3, 2});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({3, 2}));
  EXPECT_EQ(e.name(), "OneHotCategoricalStraightThrough");
  EXPECT_EQ(e.rsample({5}).sizes(), at::IntArrayRef({5, 3, 2, 4}));
  auto shared = d.expand_shared({3, 2});
  EXPECT_TRUE(shared->has_rsample());
  EXPECT_EQ(shared->name(), "OneHotCategoricalStraightThrough");
  EXPECT_TRUE(all_close(e.probs(), p.expand({3, 2, 4}), 1e-15));
}

TEST(OneHotCategoricalStraightThrough, ValidationMessages) {
  EXPECT_THROW_MSG(td::OneHotCategoricalStraightThrough(td::probs(tensor_of({0.5, -0.1}, {2}))), c10::ValueError,
                   "OneHotCategoricalStraightThrough: probs must satisfy simplex()");
  EXPECT_THROW_MSG(td::OneHotCategoricalStraightThrough(td::logits(tensor_of({0.5, NAN}, {2}))), c10::ValueError,
                   "OneHotCategoricalStraightThrough: logits must satisfy real_vector()");
  EXPECT_THROW_MSG(td::OneHotCategoricalStraightThrough(td::probs(0.5)), c10::ValueError,
                   "OneHotCategoricalStraightThrough: probs must be at least one-dimensional");
  at::Tensor p = tensor_of({0.5, 0.5}, {2});
  EXPECT_THROW_MSG(
      td::OneHotCategoricalStraightThrough(td::ProbsOrLogits::from_optional("OneHotCategoricalStraightThrough", p, p)),
      c10::ValueError, "OneHotCategoricalStraightThrough: exactly one of probs or logits must be specified, got both");
  EXPECT_THROW_MSG(td::OneHotCategoricalStraightThrough(td::logits(at::Tensor())), c10::ValueError,
                   "OneHotCategoricalStraightThrough: exactly one of probs or logits must be specified, got neither");
  td::OneHotCategoricalStraightThrough d(td::probs(p));
  EXPECT_THROW_MSG(d.log_prob(tensor_of({0.5, 0.5}, {2})), c10::ValueError,
                   "OneHotCategoricalStraightThrough: value must be within the support one_hot()");
  // The base family's messages still name it.
  EXPECT_THROW_MSG(td::OneHotCategorical(td::probs(tensor_of({0.5, -0.1}, {2}))), c10::ValueError,
                   "OneHotCategorical: probs must satisfy simplex()");
}

}  // namespace
