// The Distribution base: shapes, the global validate_args default, the
// default methods (sample from rsample, stddev, perplexity,
// NotImplementedError), validation messages, and the small utilities.

#include <ATen/core/grad_mode.h>

#include <cmath>
#include <limits>

#include <torchdist/torchdist.h>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

// The least a family can be: a point mass at `loc` with no rsample.
class PointMass : public td::Distribution {
 public:
  explicit PointMass(at::Tensor loc, c10::optional<bool> validate_args = c10::nullopt)
      : Distribution(loc.sizes(), {}, validate_args), loc_(std::move(loc)) {
    if (this->validate_args()) check_params({{"loc", loc_, td::constraints::nonnegative()}});
  }
  std::string name() const override { return "PointMass"; }
  td::ConstraintPtr support() const override { return td::constraints::nonnegative(); }
  at::Tensor log_prob(const at::Tensor& value) const override {
    if (validate_args()) check_sample(value);
    return at::where(value == loc_, at::zeros_like(loc_), at::full_like(loc_, -INFINITY));
  }
  at::Tensor variance() const override { return at::full_like(loc_, 4.0); }
  std::shared_ptr<td::Distribution> expand_shared(at::IntArrayRef shape) const override {
    return std::make_shared<PointMass>(loc_.expand(shape), validate_args());
  }

 private:
  at::Tensor loc_;
};

TEST(DistributionBase, MissingMethodsThrowNotImplementedNamingTheFamily) {
  PointMass d(tensor_of({1, 2}, {2}));
  EXPECT_THROW_MSG(d.sample(), c10::NotImplementedError, "PointMass does not implement sample");
  EXPECT_THROW_MSG(d.rsample(), c10::NotImplementedError, "PointMass does not implement rsample");
  EXPECT_THROW_MSG(d.cdf(at::zeros({2})), c10::NotImplementedError, "PointMass does not implement cdf");
  EXPECT_THROW_MSG(d.icdf(at::zeros({2})), c10::NotImplementedError, "PointMass does not implement icdf");
  EXPECT_THROW_MSG(d.entropy(), c10::NotImplementedError, "PointMass does not implement entropy");
  EXPECT_THROW_MSG(d.perplexity(), c10::NotImplementedError, "PointMass does not implement entropy");
  EXPECT_THROW_MSG(d.mean(), c10::NotImplementedError, "PointMass does not implement mean");
  EXPECT_THROW_MSG(d.mode(), c10::NotImplementedError, "PointMass does not implement mode");
  EXPECT_THROW_MSG(d.enumerate_support(), c10::NotImplementedError,
                   "PointMass does not implement enumerate_support");
  EXPECT_TRUE(all_close(d.stddev(), at::full({2}, 2.0, at::kDouble)));
}

TEST(DistributionBase, ShapesAndExtendedShape) {
  PointMass d(at::zeros({3, 2}));
  EXPECT_EQ(d.batch_shape(), at::IntArrayRef({3, 2}));
  EXPECT_TRUE(d.event_shape().empty());
  EXPECT_EQ(d.extended_shape({5, 4}), std::vector<int64_t>({5, 4, 3, 2}));
  EXPECT_EQ(d.expand_shared({7, 3, 2})->batch_shape(), at::IntArrayRef({7, 3, 2}));
}

TEST(DistributionBase, GlobalValidateArgsDefault) {
  EXPECT_TRUE(td::default_validate_args());
  EXPECT_THROW(PointMass(tensor_of({-1})), c10::ValueError);
  td::set_default_validate_args(false);
  EXPECT_NO_THROW(PointMass(tensor_of({-1})));
  EXPECT_FALSE(PointMass(tensor_of({-1})).validate_args());
  // An explicit argument wins over the default.
  EXPECT_THROW(PointMass(tensor_of({-1}), true), c10::ValueError);
  td::set_default_validate_args(true);
  EXPECT_NO_THROW(PointMass(tensor_of({-1}), false));
}

TEST(DistributionBase, ValidationMessagesLocateTheViolation) {
  EXPECT_THROW_MSG(PointMass(tensor_of({1, 2, 3, -4, -5, 6}, {2, 3})), c10::ValueError,
                   "PointMass: loc must satisfy nonnegative(), got -4 at index [1, 0] (2 of 6 elements invalid, "
                   "shape [2, 3])");
  PointMass d(at::zeros({3}, at::kDouble));
  EXPECT_THROW_MSG(d.log_prob(tensor_of({0, -1, 0}, {3})), c10::ValueError,
                   "PointMass: value must be within the support nonnegative(), got -1 at index [1]");
  EXPECT_THROW_MSG(d.log_prob(at::zeros({2, 4})), c10::ValueError,
                   "PointMass: value of shape [2, 4] is not broadcastable with batch_shape + event_shape [3]");
  EXPECT_THROW_MSG(d.log_prob(at::Tensor()), c10::ValueError, "PointMass: value must be a defined tensor");
  EXPECT_EQ(d.log_prob(at::zeros({5, 1}, at::kDouble)).sizes(), at::IntArrayRef({5, 3}));
}

TEST(DistributionBase, SampleIsDetachedRsample) {
  at::Tensor loc = tensor_of({0.5}).set_requires_grad(true);
  td::Normal n(loc, 1.0);
  EXPECT_FALSE(n.sample({3}).requires_grad());
  EXPECT_TRUE(n.rsample({3}).requires_grad());
  {
    at::NoGradGuard no_grad;
    EXPECT_FALSE(n.rsample({3}).requires_grad());
  }
}

TEST(Utils, BroadcastAllPromotesAndExpands) {
  auto out = td::broadcast_all({at::zeros({3, 1}, at::kFloat), at::ones({4}, at::kDouble), 2.0});
  for (const at::Tensor& t : out) {
    EXPECT_EQ(t.sizes(), at::IntArrayRef({3, 4}));
    EXPECT_EQ(t.scalar_type(), at::kDouble);
  }
  auto ints = td::broadcast_all({at::tensor({1, 2}, at::kLong), 0.5});
  EXPECT_EQ(ints[0].scalar_type(), at::kFloat);  // the default dtype
  auto scalars = td::broadcast_all({1.0, 2});
  EXPECT_EQ(scalars[1].dim(), 0);
  EXPECT_EQ(scalars[1].item<double>(), 2.0);
  EXPECT_THROW_MSG(td::broadcast_all({at::Tensor(), 1.0}), c10::ValueError, "undefined tensor");
}


TEST(Utils, ParametersThatDoNotBroadcastAreNamed) {
  // It was ATen's "The size of tensor a (2) must match ...", naming nothing.
  const at::Tensor two = at::ones({2}), three = at::ones({3});
  EXPECT_THROW_MSG(td::Normal(two, three), c10::ValueError,
                   "Normal: parameters loc of shape [2] and scale of shape [3] do not broadcast");
  EXPECT_THROW_MSG(td::StudentT(two, 0.0, three), c10::ValueError,
                   "StudentT: parameters df of shape [2], loc of shape [] and scale of shape [3] do not broadcast");
  EXPECT_THROW_MSG(td::Binomial(at::full({2}, 5.0), td::probs(at::full({3, 1, 4}, 0.5))), c10::ValueError,
                   "Binomial: parameters total_count of shape [2] and probs of shape [3, 1, 4] do not broadcast");
  EXPECT_THROW_MSG(td::Gamma(two, three, false), c10::ValueError, "Gamma: parameters");
  EXPECT_THROW_MSG(td::Uniform(two, at::full({3}, 2.0)), c10::ValueError, "Uniform: parameters low");
  EXPECT_THROW_MSG(td::LogNormal(two, three), c10::ValueError, "LogNormal: parameters loc");
  EXPECT_THROW_MSG(td::Weibull(two, three), c10::ValueError, "Weibull: parameters scale");
  EXPECT_THROW_MSG(td::NegativeBinomial(two, td::logits(three)), c10::ValueError,
                   "NegativeBinomial: parameters total_count of shape [2] and logits of shape [3]");
  // Broadcastable shapes still broadcast.
  EXPECT_EQ(td::Normal(at::zeros({3, 1}), at::ones({4})).batch_shape(), at::IntArrayRef({3, 4}));
}

TEST(DistributionBase, InfiniteParametersAreRejectedExceptLogits) {
  // torch lets +-inf through positive() / real() and returns NaN from
  // every method; here it is a ValueError naming the parameter.
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_THROW_MSG(td::Cauchy(0.0, inf), c10::ValueError, "Cauchy: scale must be finite, got inf at index []");
  EXPECT_THROW_MSG(td::HalfCauchy(at::tensor({1.0, inf})), c10::ValueError,
                   "HalfCauchy: scale must be finite, got inf at index [1]");
  EXPECT_THROW_MSG(td::Normal(-inf, 1.0), c10::ValueError, "Normal: loc must be finite, got -inf");
  EXPECT_THROW_MSG(td::Gamma(inf, 1.0), c10::ValueError, "Gamma: concentration must be finite");
  EXPECT_THROW_MSG(td::StudentT(inf, 0.0, 1.0), c10::ValueError, "StudentT: df must be finite");
  EXPECT_THROW_MSG(td::Uniform(0.0, inf), c10::ValueError, "Uniform: high must be finite");
  // NaN keeps the constraint's message.
  EXPECT_THROW_MSG(td::Normal(0.0, std::nan("")), c10::ValueError, "Normal: scale must satisfy positive()");
  // Logits of -inf are probabilities of 0 (masked actions) and +inf of 1.
  const at::Tensor masked = at::tensor({0.0, -inf, 1.0});
  EXPECT_NEAR(td::Categorical(td::logits(masked)).probs()[1].item<double>(), 0.0, 0.0);
  EXPECT_NO_THROW(td::Bernoulli(td::logits(at::tensor({-inf, inf}))));
  EXPECT_NO_THROW(td::OneHotCategorical(td::logits(masked)));
  EXPECT_NO_THROW(td::Multinomial(3, td::logits(masked)));
  // Without validation nothing is checked.
  EXPECT_NO_THROW(td::Cauchy(0.0, inf, false));
}
TEST(Utils, ProbsLogitsConversions) {
  at::Tensor p = tensor_of({0, 0.25, 1}, {3});
  at::Tensor l = td::probs_to_logits(p, /*is_binary=*/true);
  EXPECT_TRUE(at::isfinite(l).all().item<bool>());
  EXPECT_NEAR(l[1].item<double>(), std::log(0.25 / 0.75), 1e-12);
  EXPECT_TRUE(all_close(td::logits_to_probs(tensor_of({0, std::log(3.0)}, {2}), true), tensor_of({0.5, 0.75}, {2}),
                        1e-12));
  at::Tensor probs = td::logits_to_probs(tensor_of({0, std::log(3.0)}, {2}));
  EXPECT_TRUE(all_close(probs, tensor_of({0.25, 0.75}, {2}), 1e-12));
  EXPECT_TRUE(all_close(td::clamp_probs(tensor_of({0, 1}, {2})),
                        tensor_of({DBL_EPSILON, 1 - DBL_EPSILON}, {2}), 0, 0));
  EXPECT_TRUE(all_close(td::sum_rightmost(at::ones({2, 3, 4}), 2), at::full({2}, 12.0)));
  EXPECT_TRUE(all_close(td::sum_rightmost(at::ones({2, 3}), 0), at::ones({2, 3})));
  EXPECT_EQ(td::finfo_eps(at::kFloat), FLT_EPSILON);
  EXPECT_EQ(td::finfo_tiny(at::kDouble), DBL_MIN);
}

TEST(ProbsOrLogits, ExactlyOneMustBeGiven) {
  at::Tensor p = tensor_of({0.5});
  EXPECT_TRUE(td::ProbsOrLogits::from_optional("Bernoulli", p, c10::nullopt).is_probs());
  EXPECT_FALSE(td::ProbsOrLogits::from_optional("Bernoulli", c10::nullopt, p).is_probs());
  EXPECT_THROW_MSG(td::ProbsOrLogits::from_optional("Bernoulli", p, p), c10::ValueError,
                   "Bernoulli: exactly one of probs or logits must be specified, got both");
  EXPECT_THROW_MSG(td::ProbsOrLogits::from_optional("Bernoulli", c10::nullopt, c10::nullopt), c10::ValueError,
                   "Bernoulli: exactly one of probs or logits must be specified, got neither");
  td::ProbsOrLogits undefined = td::probs(at::Tensor());
  EXPECT_THROW_MSG(undefined.check_defined("Categorical"), c10::ValueError,
                   "Categorical: exactly one of probs or logits must be specified, got neither");
}

}  // namespace
