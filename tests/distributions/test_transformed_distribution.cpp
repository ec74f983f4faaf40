// TransformedDistribution: change of variables against closed forms and
// Boost (log-normal), cdf/icdf through increasing and decreasing maps,
// event-dimension bookkeeping (StickBreaking on a batch of normals),
// broadcasting transforms, expand and errors.

#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <torchdist/distributions/gamma.h>
#include <torchdist/distributions/independent.h>
#include <torchdist/distributions/normal.h>
#include <torchdist/distributions/transformed_distribution.h>
#include <torchdist/transforms/affine.h>
#include <torchdist/transforms/compose.h>
#include <torchdist/transforms/elementwise.h>
#include <torchdist/transforms/simplex.h>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

TEST(TransformedDistribution, ExpOfNormalIsLogNormal) {
  // The form from the issue must compile as written.
  at::Tensor loc = tensor_of({0.3}), scale = tensor_of({0.8});
  td::TransformedDistribution d(td::Normal(loc, scale),
                                std::vector<std::shared_ptr<td::Transform>>{std::make_shared<td::ExpTransform>()});
  boost::math::lognormal_distribution<double> ref(0.3, 0.8);
  std::vector<double> xs = {1e-3, 0.2, 1.0, 2.5, 30.0}, lp, cdf;
  for (double x : xs) {
    lp.push_back(std::log(boost::math::pdf(ref, x)));
    cdf.push_back(boost::math::cdf(ref, x));
  }
  at::Tensor x = tensor_of(xs, {5}).unsqueeze(-1);
  EXPECT_TRUE(all_close(d.log_prob(x), tensor_of(lp, {5, 1}), 1e-12));
  EXPECT_TRUE(all_close(d.cdf(x), tensor_of(cdf, {5, 1}), 1e-12, 1e-15));
  EXPECT_TRUE(all_close(d.icdf(tensor_of(cdf, {5, 1})), x, 1e-9));
  EXPECT_EQ(d.support()->name(), "positive()");
  EXPECT_TRUE(d.has_rsample());
  auto gen = td::testing::seeded_generator(3);
  auto samples = td::testing::to_vector(d.sample({20000}, gen));
  // KS threshold 1e-4: false-failure rate 1e-4.
  EXPECT_GT(td::testing::ks_test(samples, [&](double v) { return boost::math::cdf(ref, v); }), 1e-4);
}

TEST(TransformedDistribution, DecreasingMapsFlipTheCdf) {
  // y = 1 - 2 x with x ~ N(0, 1) is N(1, 2^2).
  td::TransformedDistribution d(td::Normal(tensor_of({0.0}), tensor_of({1.0})),
                                {std::make_shared<td::AffineTransform>(1.0, -2.0)});
  td::Normal ref(tensor_of({1.0}), tensor_of({2.0}));
  at::Tensor y = tensor_of({-3, 0, 1, 2.5}, {4, 1});
  EXPECT_TRUE(all_close(d.cdf(y), ref.cdf(y), 1e-12));
  EXPECT_TRUE(all_close(d.log_prob(y), ref.log_prob(y), 1e-12));
  at::Tensor u = tensor_of({0.1, 0.5, 0.9}, {3, 1});
  EXPECT_TRUE(all_close(d.icdf(u), ref.icdf(u), 1e-12));
}

TEST(TransformedDistribution, ScalesOfMixedSignsFlipTheCdfElementByElement) {
  // y = s x with s = [1, -1, 2, -0.5]: each element is N(0, s^2), and the
  // decreasing ones take the base's survival function.
  const at::Tensor s = tensor_of({1.0, -1.0, 2.0, -0.5});
  td::TransformedDistribution d(td::Normal(0.0, 1.0), {std::make_shared<td::AffineTransform>(0.0, s)});
  td::Normal ref(at::zeros({4}, at::kDouble), s.abs());
  const at::Tensor y = tensor_of({0.5, 0.5, -1.0, 3.0});
  EXPECT_TRUE(all_close(d.cdf(y), ref.cdf(y), 1e-12));
  const at::Tensor half = at::full({4}, 0.5, at::kDouble);
  EXPECT_TRUE(all_close(d.cdf(half).narrow(0, 0, 2), at::full({2}, 0.691462461274013, at::kDouble), 1e-12));
  const at::Tensor u = tensor_of({0.1, 0.3, 0.9, 0.999});
  EXPECT_TRUE(all_close(d.icdf(u), ref.icdf(u), 1e-12));
  EXPECT_TRUE(all_close(d.cdf(d.icdf(u)), u, 1e-12));
  // Through a composition (the signs multiply) and an inverse.
  td::TransformedDistribution twice(
      td::Normal(0.0, 1.0), {std::make_shared<td::AffineTransform>(0.0, s),
                             std::make_shared<td::AffineTransform>(0.0, 3.0)->inv()->inv()});
  td::Normal ref3(at::zeros({4}, at::kDouble), 3 * s.abs());
  EXPECT_TRUE(all_close(twice.cdf(y), ref3.cdf(y), 1e-12));
  EXPECT_TRUE(all_close(twice.icdf(u), ref3.icdf(u), 1e-12));
  // Per-element signs as a tensor; the single sign is undefined.
  td::AffineTransform t(0.0, s);
  EXPECT_TRUE(all_close(t.signs(), tensor_of({1.0, -1.0, 1.0, -1.0}), 0, 0));
  EXPECT_THROW_MSG(t.sign(), c10::ValueError, "sign is not defined when scale's sign varies");
}

TEST(TransformedDistribution, StickBreakingOnANormalBatchMakesAVectorEvent) {
  at::Tensor loc = tensor_of({0.1, -0.3, 0.5}, {3}), scale = tensor_of({1.0, 0.5, 2.0}, {3});
  auto stick = std::make_shared<td::StickBreakingTransform>();
  td::TransformedDistribution d(td::Normal(loc, scale), {stick});
  EXPECT_EQ(d.batch_shape(), at::IntArrayRef({}));
  EXPECT_EQ(d.event_shape(), at::IntArrayRef({4}));
  EXPECT_EQ(d.support()->name(), "simplex()");
  at::Tensor y = d.sample({6});
  EXPECT_EQ(y.sizes(), at::IntArrayRef({6, 4}));
  // Change of variables written out: base log-density of x = f^{-1}(y)
  // minus the log-det of f.
  at::Tensor x = stick->inverse(y);
  at::Tensor expected = td::Normal(loc, scale).log_prob(x).sum(-1) - stick->log_abs_det_jacobian(x, y);
  EXPECT_TRUE(all_close(d.log_prob(y), expected, 1e-10));
  EXPECT_EQ(d.log_prob(y).sizes(), at::IntArrayRef({6}));
}

TEST(TransformedDistribution, TransformsMayBroadcastTheBase) {
  // A scalar base through an affine map with a [3] scale has batch shape [3].
  td::TransformedDistribution d(td::Normal(0.0, 1.0),
                                {std::make_shared<td::AffineTransform>(at::zeros({3}), tensor_of({1, 2, 3}, {3}))});
  EXPECT_EQ(d.batch_shape(), at::IntArrayRef({3}));
  EXPECT_EQ(d.base_dist()->batch_shape(), at::IntArrayRef({3}));
  EXPECT_EQ(d.sample({2}).sizes(), at::IntArrayRef({2, 3}));
  td::Normal ref(0.0, tensor_of({1, 2, 3}, {3}));
  EXPECT_TRUE(all_close(d.log_prob(tensor_of({0.5, 0.5, 0.5}, {3})), ref.log_prob(tensor_of({0.5, 0.5, 0.5}, {3})),
                        1e-6));
}

TEST(TransformedDistribution, RsampleIsPathwiseAndExpandWorks) {
  at::Tensor loc = tensor_of({0.2, -0.1}, {2}).set_requires_grad(true);
  td::TransformedDistribution flow(td::Normal(loc, 1.0), {std::make_shared<td::AffineTransform>(0.5, 2.0),
                                                         std::make_shared<td::TanhTransform>()});
  at::Tensor y = flow.rsample({4});
  EXPECT_TRUE(y.requires_grad());
  EXPECT_FALSE(flow.sample({4}).requires_grad());
  EXPECT_TRUE(flow.support()->check(y.detach()).all().item<bool>());
  auto e = flow.expand({3, 2});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({3, 2}));
  at::Tensor v = tensor_of({0.3, -0.7}, {2});
  EXPECT_TRUE(all_close(e.log_prob(v), flow.log_prob(v).expand({3, 2})));
}

TEST(TransformedDistribution, CdfOutsideTheSupportWithoutValidationIsZeroOrOne) {
  // 1 / Gamma: y < 0 inverts to x < 0, where the base's cdf is 0, and the
  // decreasing map turned that into 1.
  td::TransformedDistribution inverse_gamma(td::Gamma(tensor_of({2.0}), tensor_of({1.5}), /*validate_args=*/false),
                                            {std::make_shared<td::PowerTransform>(tensor_of({-1.0}))},
                                            /*validate_args=*/false);
  EXPECT_TRUE(at::equal(inverse_gamma.cdf(tensor_of({-1.0, -1e-300})), tensor_of({0.0, 0.0})));
  td::TransformedDistribution logit_normal(td::Normal(0.0, 1.0, /*validate_args=*/false),
                                           {std::make_shared<td::SigmoidTransform>()}, /*validate_args=*/false);
  EXPECT_TRUE(at::equal(logit_normal.cdf(tensor_of({-0.5, 1.5})), tensor_of({0.0, 1.0})));
  // Inside, unchanged: the validated distribution gives the same numbers.
  td::TransformedDistribution checked(td::Normal(0.0, 1.0), {std::make_shared<td::SigmoidTransform>()});
  EXPECT_TRUE(at::allclose(logit_normal.cdf(tensor_of({0.25, 0.5})), checked.cdf(tensor_of({0.25, 0.5}))));
}

TEST(TransformedDistribution, IntegerValuesBecomeFloating) {
  // The transforms' clamps need a floating dtype's limits; integer values are
  // converted to the default dtype first (LogisticNormal's stick-breaking,
  // RelaxedBernoulli's sigmoid).
  td::TransformedDistribution sigmoid(td::Normal(tensor_of({0.0, 1.0}), tensor_of({1.0, 2.0})),
                                      {std::make_shared<td::SigmoidTransform>()});
  const at::Tensor ints = at::zeros({2}, at::kLong);
  EXPECT_TRUE(at::allclose(sigmoid.cdf(ints), sigmoid.cdf(ints.to(at::kDouble))));
  td::TransformedDistribution exp(td::Normal(tensor_of({0.0, 1.0}), tensor_of({1.0, 2.0})),
                                  {std::make_shared<td::ExpTransform>()});
  const at::Tensor twos = at::full({2}, 2, at::kLong);
  EXPECT_TRUE(at::allclose(exp.log_prob(twos), exp.log_prob(twos.to(at::kDouble))));
}

TEST(TransformedDistribution, Errors) {
  td::TransformedDistribution d(td::Normal(0.0, 1.0), {std::make_shared<td::ExpTransform>()});
  EXPECT_THROW_MSG(d.log_prob(tensor_of({-1.0})), c10::ValueError,
                   "TransformedDistribution: value must be within the support positive()");
  EXPECT_THROW_MSG(d.icdf(tensor_of({2.0})), c10::ValueError, "icdf value must satisfy unit_interval()");
  EXPECT_THROW_MSG(td::TransformedDistribution(td::Normal(0.0, 1.0), {std::make_shared<td::StickBreakingTransform>()}),
                   c10::ValueError, "the transforms need a base of at least 1 dimensions");
  td::TransformedDistribution no_sign(td::Normal(0.0, 1.0), {std::make_shared<td::AbsTransform>()});
  EXPECT_THROW_MSG(no_sign.cdf(tensor_of({1.0})), c10::NotImplementedError,
                   "TransformedDistribution does not implement cdf: it needs univariate, monotone transforms");
  td::TransformedDistribution simplex(td::Normal(at::zeros({2}), at::ones({2})),
                                      {std::make_shared<td::StickBreakingTransform>()});
  EXPECT_THROW_MSG(simplex.icdf(at::full({3}, 0.5)), c10::NotImplementedError,
                   "TransformedDistribution does not implement icdf");
}

}  // namespace
