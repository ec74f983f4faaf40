// KL rules for composite distributions and the exponential-family rule:
// Independent-Independent (the sum of the bases' KL), TransformedDistribution
// with equal transforms (the bases' KL), and ExponentialFamily pairs without
// a closer rule (Wishart, a family defined here), against closed forms
// written here, Monte Carlo, gradients and the errors.

#include <boost/math/special_functions/digamma.hpp>
#include <torchdist/core/exponential_family.h>
#include <torchdist/distributions/exponential.h>
#include <torchdist/distributions/independent.h>
#include <torchdist/distributions/log_normal.h>
#include <torchdist/distributions/multivariate_normal.h>
#include <torchdist/distributions/normal.h>
#include <torchdist/distributions/transformed_distribution.h>
#include <torchdist/distributions/wishart.h>
#include <torchdist/transforms/affine.h>
#include <torchdist/transforms/elementwise.h>
#include <torchdist/transforms/simplex.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "kl_testing.h"
#include "wishart_reference.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::spd;
using td::testing::tensor_of;
using td::testing::wishart_kl;

namespace {

using Params = std::vector<at::Tensor>;
using Transforms = std::vector<td::TransformPtr>;

at::Tensor randn(at::IntArrayRef shape, uint64_t seed) {
  return at::randn(shape, td::testing::seeded_generator(seed), at::TensorOptions().dtype(at::kDouble));
}

at::Tensor rand(at::IntArrayRef shape, uint64_t seed) {
  return at::rand(shape, td::testing::seeded_generator(seed), at::TensorOptions().dtype(at::kDouble));
}

// KL(N(mp, sp^2) || N(mq, sq^2)) elementwise, from the textbook formula.
at::Tensor normal_kl(const at::Tensor& mp, const at::Tensor& sp, const at::Tensor& mq, const at::Tensor& sq) {
  return at::log(sq / sp) + (sp.pow(2) + (mp - mq).pow(2)) / (2 * sq.pow(2)) - 0.5;
}

// ------------------------------------------------------------ Independent

TEST(KlIndependentIndependent, SumsTheBaseKl) {
  const at::Tensor mp = randn({2, 3}, 1), sp = 0.5 + rand({2, 3}, 2), mq = randn({2, 3}, 3), sq = 0.5 + rand({2, 3}, 4);
  td::Independent p1(td::Normal(mp, sp), 1), q1(td::Normal(mq, sq), 1);
  at::Tensor kl1 = td::kl_divergence(p1, q1);
  EXPECT_EQ(kl1.sizes(), at::IntArrayRef({2}));
  EXPECT_TRUE(all_close(kl1, normal_kl(mp, sp, mq, sq).sum(-1), 1e-12, 1e-14));
  td::Independent p2(td::Normal(mp, sp), 2), q2(td::Normal(mq, sq), 2);
  EXPECT_TRUE(all_close(td::kl_divergence(p2, q2), normal_kl(mp, sp, mq, sq).sum(), 1e-12, 1e-14));
  td::testing::expect_kl_matches_monte_carlo(p1, q1, 200000, 5);
  td::testing::expect_kl_to_self_is_zero(p2, 1e-14);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const Params& x) {
        return td::kl_divergence(td::Independent(td::Normal(x[0], x[1]), 1), td::Independent(td::Normal(x[2], x[3]), 1));
      },
      {mp, sp, mq, sq});
}

// An Independent of a multivariate base: the MultivariateNormal rule inside.
TEST(KlIndependentIndependent, MultivariateBase) {
  const at::Tensor L = at::eye(2, at::kDouble) * 0.7;
  const at::Tensor mp = randn({3, 2}, 6), mq = randn({3, 2}, 7);
  td::Independent p(td::MultivariateNormal(mp, td::scale_tril(L)), 1);
  td::Independent q(td::MultivariateNormal(mq, td::scale_tril(2 * L)), 1);
  // Isotropic: KL = sum over the 6 coordinates of Normal KLs.
  const at::Tensor ref = normal_kl(mp, at::full({}, 0.7, at::kDouble), mq, at::full({}, 1.4, at::kDouble)).sum();
  EXPECT_TRUE(all_close(td::kl_divergence(p, q), ref, 1e-12, 1e-14));
}

// p batch [3, 1] against q batch [2] gives [3, 2]; float32 stays float32.
TEST(KlIndependentIndependent, BroadcastingAndDtype) {
  const at::Tensor mp = randn({3, 1, 4}, 8), sp = 0.5 + rand({3, 1, 4}, 9), mq = randn({2, 4}, 10),
                   sq = 0.5 + rand({2, 4}, 11);
  for (at::ScalarType dtype : {at::kDouble, at::kFloat}) {
    td::Independent p(td::Normal(mp.to(dtype), sp.to(dtype)), 1), q(td::Normal(mq.to(dtype), sq.to(dtype)), 1);
    at::Tensor kl = td::kl_divergence(p, q);
    EXPECT_EQ(kl.sizes(), at::IntArrayRef({3, 2}));
    EXPECT_EQ(kl.scalar_type(), dtype);
    EXPECT_TRUE(all_close(kl.to(at::kDouble), normal_kl(mp, sp, mq, sq).sum(-1), dtype == at::kDouble ? 1e-12 : 1e-5,
                          1e-6));
  }
}

TEST(KlIndependentIndependent, DifferentReinterpretedDimsThrow) {
  const at::Tensor m = at::zeros({2, 3}, at::kDouble), s = at::ones({2, 3}, at::kDouble);
  td::Independent p(td::Normal(m, s), 2);                                  // event [2, 3]
  td::Independent q(td::Independent(td::Normal(m, s), 1), 1);             // event [2, 3] too
  ASSERT_EQ(p.event_shape(), q.event_shape());
  EXPECT_THROW_MSG(td::kl_divergence(p, q), c10::NotImplementedError,
                   "kl_divergence(Independent, Independent): the reinterpreted_batch_ndims differ, 2 and 1");
}

// ------------------------------------------------ TransformedDistribution

// LogNormal is a TransformedDistribution of a Normal by exp: its KL is the
// Normal one of the bases.
TEST(KlTransformedTransformed, LogNormalIsTheNormalKl) {
  const at::Tensor mp = tensor_of({0.3, 2, -1}), sp = tensor_of({1.2, 0.1, 0.8}), mq = tensor_of({-0.5, 0, -1}),
                   sq = tensor_of({0.7, 3, 0.5});
  td::LogNormal p(mp, sp), q(mq, sq);
  EXPECT_TRUE(all_close(td::kl_divergence(p, q), normal_kl(mp, sp, mq, sq), 1e-12, 1e-14));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 12);
  td::testing::expect_kl_to_self_is_zero(p, 1e-15);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const Params& x) { return td::kl_divergence(td::LogNormal(x[0], x[1]), td::LogNormal(x[2], x[3])); },
      {mp, sp, mq, sq});
  // Batch [3, 1] against [2]; float32.
  td::LogNormal pb(randn({3, 1}, 13).to(at::kFloat), 0.5 + rand({3, 1}, 14).to(at::kFloat));
  td::LogNormal qb(randn({2}, 15).to(at::kFloat), 0.5 + rand({2}, 16).to(at::kFloat));
  at::Tensor kl = td::kl_divergence(pb, qb);
  EXPECT_EQ(kl.sizes(), at::IntArrayRef({3, 2}));
  EXPECT_EQ(kl.scalar_type(), at::kFloat);
}

// A stick-breaking transform needs a vector: the [2, 3] batch of Normals
// becomes an Independent base with event [3], and the KL sums over it.
TEST(KlTransformedTransformed, TransformOnVectorsSumsTheBaseDimensions) {
  const at::Tensor mp = randn({2, 3}, 17), sp = 0.5 + rand({2, 3}, 18), mq = randn({2, 3}, 19), sq = 0.5 + rand({2, 3}, 20);
  const Transforms t = {std::make_shared<td::StickBreakingTransform>()};
  td::TransformedDistribution p(td::Normal(mp, sp), t), q(td::Normal(mq, sq), t);
  ASSERT_EQ(p.batch_shape(), at::IntArrayRef({2}));
  ASSERT_EQ(p.event_shape(), at::IntArrayRef({4}));
  at::Tensor kl = td::kl_divergence(p, q);
  EXPECT_EQ(kl.sizes(), at::IntArrayRef({2}));
  EXPECT_TRUE(all_close(kl, normal_kl(mp, sp, mq, sq).sum(-1), 1e-12, 1e-14));
  td::testing::expect_kl_matches_monte_carlo(p, q, 100000, 21);
}

// Equal transforms with parameters (compared by value, not by pointer).
TEST(KlTransformedTransformed, EqualParameterizedTransforms) {
  const at::Tensor mp = tensor_of({0.2, -1}), sp = tensor_of({1.0, 0.4}), mq = tensor_of({0.0, 0.5}),
                   sq = tensor_of({2.0, 0.6});
  auto chain = [] {
    return Transforms{std::make_shared<td::AffineTransform>(tensor_of({1.0, 2.0}), tensor_of({0.5, 3.0})),
                      std::make_shared<td::SigmoidTransform>()};
  };
  td::TransformedDistribution p(td::Normal(mp, sp), chain()), q(td::Normal(mq, sq), chain());
  EXPECT_TRUE(all_close(td::kl_divergence(p, q), normal_kl(mp, sp, mq, sq), 1e-12, 1e-14));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 22);
}

TEST(KlTransformedTransformed, DifferentTransformsThrow) {
  const at::Tensor m = tensor_of({0.0, 1.0}), s = tensor_of({1.0, 2.0});
  auto exp_t = std::make_shared<td::ExpTransform>();
  auto sigmoid_t = std::make_shared<td::SigmoidTransform>();
  td::TransformedDistribution by_exp(td::Normal(m, s), Transforms{exp_t});
  td::TransformedDistribution by_sigmoid(td::Normal(m, s), Transforms{sigmoid_t});
  td::TransformedDistribution by_two(td::Normal(m, s), Transforms{exp_t, exp_t});
  td::TransformedDistribution by_affine1(td::Normal(m, s), Transforms{std::make_shared<td::AffineTransform>(0.0, 1.0)});
  td::TransformedDistribution by_affine2(td::Normal(m, s), Transforms{std::make_shared<td::AffineTransform>(0.0, 2.0)});
  EXPECT_THROW_MSG(td::kl_divergence(by_exp, by_sigmoid), c10::NotImplementedError,
                   "kl_divergence(TransformedDistribution, TransformedDistribution): defined only for equal "
                   "transforms, got [ExpTransform()] and [SigmoidTransform()]");
  EXPECT_THROW_MSG(td::kl_divergence(by_exp, by_two), c10::NotImplementedError, "defined only for equal transforms");
  EXPECT_THROW_MSG(td::kl_divergence(by_affine1, by_affine2), c10::NotImplementedError,
                   "defined only for equal transforms");
  // A LogNormal against a TransformedDistribution by the same exp: equal
  // transforms, so the rule applies (the most specific match).
  td::LogNormal ln(m, s);
  EXPECT_TRUE(all_close(td::kl_divergence(ln, by_exp), at::zeros({2}, at::kDouble), 0, 1e-15));
}

// ---------------------------------------------------- Exponential family


// No Wishart-Wishart rule: the ExponentialFamily rule answers.
TEST(KlExponentialFamily, WishartUsesTheBregmanRule) {
  const at::Tensor Vp = at::stack({spd({1.2, 0, 0, 0.3, 0.9, 0, -0.2, 0.4, 1.1}, 3), spd({2, 0, 0, -1, 0.5, 0, 0, 0.1, 0.3}, 3)});
  const at::Tensor Vq = at::stack({spd({0.8, 0, 0, 0.1, 1.3, 0, 0.5, -0.3, 0.7}, 3), at::eye(3, at::kDouble)});
  const std::vector<double> np = {5.5, 8}, nq = {4.2, 7};
  td::Wishart p(tensor_of(np), td::covariance_matrix(Vp)), q(tensor_of(nq), td::covariance_matrix(Vq));
  at::Tensor kl = td::kl_divergence(p, q);
  EXPECT_TRUE(all_close(kl, td::exponential_family_kl(p, q), 0, 0));
  EXPECT_TRUE(all_close(kl, tensor_of({wishart_kl(np[0], Vp[0], nq[0], Vq[0]), wishart_kl(np[1], Vp[1], nq[1], Vq[1])}),
                        1e-10, 1e-13));
  td::testing::expect_kl_matches_monte_carlo(p, q, 100000, 31);
  td::testing::expect_kl_to_self_is_zero(p, 1e-12);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const Params& x) {
        td::Wishart a(x[0], td::scale_tril(x[1].tril()), false), b(x[2], td::scale_tril(x[3].tril()), false);
        return td::kl_divergence(a, b);
      },
      // (contiguous: finite_difference_grad views its argument flat)
      {tensor_of(np), at::linalg_cholesky(Vp).contiguous(), tensor_of(nq), at::linalg_cholesky(Vq).contiguous()});
  // p batch [2, 1] (df) against q batch [3] (matrix); float32.
  for (at::ScalarType dtype : {at::kDouble, at::kFloat}) {
    td::Wishart pb(tensor_of({4.0, 6.0}, {2, 1}).to(dtype), td::covariance_matrix(Vp[0].to(dtype)));
    td::Wishart qb(5.0, td::covariance_matrix(at::stack({Vq[0], Vq[1], Vp[1]}).to(dtype)));
    at::Tensor klb = td::kl_divergence(pb, qb);
    EXPECT_EQ(klb.sizes(), at::IntArrayRef({2, 3}));
    EXPECT_EQ(klb.scalar_type(), dtype);
    EXPECT_NEAR(klb[1][2].item<double>(), wishart_kl(6.0, Vp[0], 5.0, Vp[1]), dtype == at::kDouble ? 1e-10 : 1e-3);
  }
}

// A family written by a user: only the natural parameter and the log
// normalizer, theta = -rate and F(theta) = -log(-theta).
class UserExponential : public td::ExponentialFamily {
 public:
  explicit UserExponential(at::Tensor rate) : ExponentialFamily(rate.sizes(), {}, false), rate_(std::move(rate)) {}
  std::string name() const override { return "UserExponential"; }
  td::ConstraintPtr support() const override { return td::constraints::nonnegative(); }
  at::Tensor log_prob(const at::Tensor& x) const override { return rate_.log() - rate_ * x; }
  std::shared_ptr<td::Distribution> expand_shared(at::IntArrayRef shape) const override {
    return std::make_shared<UserExponential>(rate_.expand(shape));
  }
  std::vector<at::Tensor> natural_params() const override { return {-rate_}; }
  at::Tensor log_normalizer(const std::vector<at::Tensor>& theta) const override { return -at::log(-theta[0]); }

 private:
  at::Tensor rate_;
};

TEST(KlExponentialFamily, UserFamilyGetsTheBregmanRule) {
  const at::Tensor rp = tensor_of({1.5, 0.01, 10}), rq = tensor_of({0.4, 2, 10.5});
  at::Tensor kl = td::kl_divergence(UserExponential(rp), UserExponential(rq));
  EXPECT_TRUE(all_close(kl, at::log(rp / rq) + rq / rp - 1, 1e-12, 1e-14));
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const Params& x) { return td::kl_divergence(UserExponential(x[0]), UserExponential(x[1])); }, {rp, rq});
  // The user family has no entropy: no carrier measure.
  EXPECT_THROW_MSG(UserExponential(rp).entropy(), c10::NotImplementedError,
                   "UserExponential does not implement mean_carrier_measure");
  // Two different exponential families: no rule.
  EXPECT_THROW_MSG(td::kl_divergence(UserExponential(rp), td::Exponential(rq)), c10::NotImplementedError,
                   "kl_divergence(UserExponential, Exponential): the exponential-family rule needs two "
                   "distributions of the same family");
}

}  // namespace
