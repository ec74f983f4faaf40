// gumbel_noise, gumbel_softmax and straight_through: the noise against the
// Gumbel cdf (KS), the soft sample against softmax((logits + g) / tau) for
// the same generator, the Gumbel-max property of hard samples (chi-square),
// exact one-hot forward values with the soft sample's gradient, no inf/NaN
// at extreme logits and temperatures, and validation messages.

#include <torch/csrc/autograd/autograd.h>
#include <torchdist/estimators.h>

#include <cmath>
#include <vector>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::seeded_generator;

namespace {

TEST(GumbelNoise, FollowsTheStandardGumbel) {
  for (auto dtype : {at::kFloat, at::kDouble}) {
    auto gen = seeded_generator(11);
    at::Tensor g = td::gumbel_noise({20000}, at::TensorOptions().dtype(dtype), gen);
    EXPECT_EQ(g.scalar_type(), dtype);
    EXPECT_TRUE(g.isfinite().all().item<bool>());
    // KS p-value threshold 1e-4: a false failure in 1 of 10^4 seeds.
    const double p = td::testing::ks_test(td::testing::to_vector(g.to(at::kDouble)),
                                          [](double x) { return std::exp(-std::exp(-x)); });
    EXPECT_GT(p, 1e-4);
  }
}

TEST(GumbelSoftmax, SoftSampleIsSoftmaxOfPerturbedLogits) {
  at::Tensor logits = at::randn({6, 5}, at::kDouble);
  for (double tau : {0.1, 1.0, 3.0}) {
    auto gen1 = seeded_generator(5), gen2 = seeded_generator(5);
    at::Tensor y = td::gumbel_softmax(logits, tau, /*hard=*/false, -1, gen1);
    at::Tensor g = td::gumbel_noise({6, 5}, logits.options(), gen2);
    EXPECT_TRUE(all_close(y, at::softmax((logits + g) / tau, -1), 1e-14, 1e-15));
  }
  // Along another dimension.
  auto gen1 = seeded_generator(6), gen2 = seeded_generator(6);
  at::Tensor y = td::gumbel_softmax(logits, 0.5, false, 0, gen1);
  at::Tensor g = td::gumbel_noise({6, 5}, logits.options(), gen2);
  EXPECT_TRUE(all_close(y, at::softmax((logits + g) / 0.5, 0), 1e-14, 1e-15));
  EXPECT_TRUE(all_close(y.sum(0), at::ones({5}, at::kDouble), 1e-14));
}

TEST(GumbelSoftmax, HardSamplesAreExactlyOneHotAndFollowTheCategorical) {
  const std::vector<double> probs = {0.05, 0.1, 0.15, 0.3, 0.4};
  at::Tensor logits = td::testing::tensor_of(probs, {5}).log().expand({40000, 5});
  auto gen = seeded_generator(21);
  at::Tensor y = td::gumbel_softmax(logits, 0.7, /*hard=*/true, -1, gen);
  EXPECT_TRUE(((y == 0) | (y == 1)).all().item<bool>());
  EXPECT_TRUE((y.sum(-1) == 1).all().item<bool>());
  at::Tensor counts = y.sum(0).to(at::kLong);
  std::vector<int64_t> c(counts.data_ptr<int64_t>(), counts.data_ptr<int64_t>() + 5);
  // Chi-square p-value threshold 1e-4: a false failure in 1 of 10^4 seeds.
  EXPECT_GT(td::testing::chi_square_test(c, probs), 1e-4);
}

TEST(GumbelSoftmax, StraightThroughHasTheSoftGradient) {
  at::Tensor logits = at::randn({4, 6}, at::kDouble).requires_grad_();
  at::Tensor weights = at::randn({4, 6}, at::kDouble);
  auto gen1 = seeded_generator(3), gen2 = seeded_generator(3);
  at::Tensor hard = td::gumbel_softmax(logits, 0.5, true, -1, gen1);
  at::Tensor soft = td::gumbel_softmax(logits, 0.5, false, -1, gen2);
  // The hard sample is the one-hot argmax of the soft one (same noise).
  EXPECT_TRUE(at::equal(hard.argmax(-1), soft.argmax(-1)));
  EXPECT_TRUE(at::equal(hard.detach(), at::one_hot(soft.argmax(-1), 6).to(at::kDouble)));
  at::Tensor grad_hard = torch::autograd::grad({(hard * weights).sum()}, {logits})[0];
  at::Tensor grad_soft = torch::autograd::grad({(soft * weights).sum()}, {logits})[0];
  EXPECT_TRUE(all_close(grad_hard, grad_soft, 1e-14, 1e-15));
  EXPECT_GT(grad_soft.abs().sum().item<double>(), 0.0);
}

TEST(GumbelSoftmax, StraightThroughValueIsExact) {
  at::Tensor p = at::tensor({0.3, 0.7, 0.123456789}, at::kDouble).requires_grad_();
  at::Tensor hard = at::tensor({0.0, 1.0, 1.0}, at::kDouble);
  at::Tensor z = td::straight_through(hard, p);
  EXPECT_TRUE(at::equal(z.detach(), hard));  // bit for bit, not 1 - 0.7 + 0.7
  at::Tensor grad = torch::autograd::grad({(z * at::tensor({1.0, 2.0, 3.0}, at::kDouble)).sum()}, {p})[0];
  EXPECT_TRUE(at::equal(grad, at::tensor({1.0, 2.0, 3.0}, at::kDouble)));
}

TEST(GumbelSoftmax, NoInfOrNanAtExtremeLogitsAndTemperatures) {
  for (auto dtype : {at::kFloat, at::kDouble}) {
    for (double tau : {1e-3, 1e-2, 1.0, 100.0}) {
      for (bool hard : {false, true}) {
        SCOPED_TRACE(::testing::Message() << "dtype " << dtype << " tau " << tau << " hard " << hard);
        at::Tensor logits = at::tensor({1e4, -1e4, 0.0, 1e4 - 1, -3.0}, at::kDouble)
                                .to(dtype)
                                .expand({2000, 5})
                                .clone()
                                .requires_grad_();
        auto gen = seeded_generator(9);
        at::Tensor y = td::gumbel_softmax(logits, tau, hard, -1, gen);
        EXPECT_TRUE(y.isfinite().all().item<bool>());
        EXPECT_TRUE(all_close(y.sum(-1).to(at::kDouble), at::ones({2000}, at::kDouble), 1e-5));
        at::Tensor grad = torch::autograd::grad({(y * at::arange(5, y.options())).sum()}, {logits})[0];
        EXPECT_TRUE(grad.isfinite().all().item<bool>());
      }
    }
  }
}

TEST(GumbelSoftmax, MaskedCategoriesGetNothing) {
  const double inf = std::numeric_limits<double>::infinity();
  at::Tensor logits = at::tensor({0.0, -inf, 1.0, -inf}, at::kDouble).expand({500, 4}).clone().requires_grad_();
  auto gen = seeded_generator(2);
  for (bool hard : {false, true}) {
    at::Tensor y = td::gumbel_softmax(logits, 0.5, hard, -1, gen);
    EXPECT_TRUE((y.select(-1, 1) == 0).all().item<bool>());
    EXPECT_TRUE((y.select(-1, 3) == 0).all().item<bool>());
    at::Tensor grad = torch::autograd::grad({(y * at::arange(4, y.options())).sum()}, {logits})[0];
    EXPECT_FALSE(grad.isnan().any().item<bool>());
  }
}

TEST(GumbelSoftmax, Validation) {
  at::Tensor logits = at::zeros({3, 4});
  EXPECT_THROW_MSG(td::gumbel_softmax(logits, 0.0), c10::ValueError,
                   "gumbel_softmax: tau must be a positive finite number, got 0");
  EXPECT_THROW_MSG(td::gumbel_softmax(logits, -1.0), c10::ValueError, "tau must be a positive finite number");
  EXPECT_THROW_MSG(td::gumbel_softmax(logits, NAN), c10::ValueError, "tau must be a positive finite number");
  EXPECT_THROW_MSG(td::gumbel_softmax(at::zeros({3}, at::kLong), 1.0), c10::ValueError,
                   "gumbel_softmax: logits must be a floating-point tensor");
  EXPECT_THROW_MSG(td::gumbel_softmax(logits, 1.0, false, 2), c10::ValueError,
                   "gumbel_softmax: dim 2 is out of range for logits of shape [3, 4]");
}

}  // namespace
