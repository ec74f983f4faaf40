// HalfCauchy: log_prob against Boost.Math's Cauchy density (doubled), cdf
// and icdf against long-double closed forms (2 atan(x / s) / pi and
// s tan(pi p / 2)) and against Boost in the bulk, moments and entropy,
// sampling by KS tests, gradients against finite differences, the
// composition (base and transform), and validation messages.

#include <torchdist/distributions/cauchy.h>
#include <torchdist/distributions/half_cauchy.h>
#include <torchdist/transforms/elementwise.h>

#include <boost/math/distributions/cauchy.hpp>
#include <cmath>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr long double kPiL = 3.141592653589793238462643383279502884L;

const std::vector<double> kScales = {1e-3, 1, 7, 1e5};

TEST(HalfCauchy, LogProbAndCdfMatchReferences) {
  for (double s : kScales) {
    SCOPED_TRACE(::testing::Message() << "scale " << s);
    td::HalfCauchy h(tensor_of({s}));
    boost::math::cauchy_distribution<double> ref(0, s);
    std::vector<double> xs, lp, cdf;
    for (double z : {0.0, 1e-300, 1e-9, 0.5, 1.0, 3.0, 1e6, 1e12}) {
      const double x = z * s;
      xs.push_back(x);
      lp.push_back(std::log(2 * boost::math::pdf(ref, x)));
      cdf.push_back(static_cast<double>(2 / kPiL * atanl(static_cast<long double>(x) / s)));
    }
    const auto n = static_cast<int64_t>(xs.size());
    at::Tensor x = tensor_of(xs, {n});
    EXPECT_TRUE(all_close(h.log_prob(x), tensor_of(lp, {n}), 1e-13, 1e-13));
    // Relative precision near 0, where 2 F - 1 would cancel.
    EXPECT_TRUE(all_close(h.cdf(x), tensor_of(cdf, {n}), 1e-14, 0));
    // Boost's Cauchy survival function, for the right half of the range.
    for (int64_t i = 4; i < n; ++i) {
      EXPECT_NEAR(h.cdf(x[i]).item<double>(), 1 - 2 * boost::math::cdf(boost::math::complement(ref, xs[i])), 1e-15);
    }
  }
}

TEST(HalfCauchy, IcdfMatchesReferences) {
  const std::vector<double> ps = {0.0, 1e-300, 1e-12, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-12, 1.0};
  const auto n = static_cast<int64_t>(ps.size());
  for (double s : kScales) {
    SCOPED_TRACE(::testing::Message() << "scale " << s);
    boost::math::cauchy_distribution<double> ref(0, s);
    // Below 1/2: s tan(pi p / 2) in long double (well conditioned there).
    // Above: Boost's Cauchy quantile of the upper tail probability
    // (1 - p) / 2, exact in double, so the pole at p = 1 keeps its digits.
    std::vector<double> q;
    for (double p : ps) {
      if (p == 1) {
        q.push_back(kInf);
      } else if (p <= 0.5) {
        q.push_back(static_cast<double>(s * tanl(kPiL / 2 * p)));
      } else {
        q.push_back(boost::math::quantile(boost::math::complement(ref, (1 - p) / 2)));
      }
    }
    at::Tensor got = td::HalfCauchy(tensor_of({s})).icdf(tensor_of(ps, {n}));
    EXPECT_TRUE(all_close(got, tensor_of(q, {n}), 1e-13, 0));
    EXPECT_EQ(got[n - 1].item<double>(), kInf);
    EXPECT_EQ(got[0].item<double>(), 0.0);
    // The median is the scale; against Boost's Cauchy quantile at (1 + p) / 2
    // in the bulk.
    EXPECT_NEAR(got[5].item<double>(), s, 1e-15 * s);
    for (int64_t i = 4; i < 8; ++i) {
      EXPECT_NEAR(got[i].item<double>(), boost::math::quantile(ref, (1 + ps[i]) / 2), 1e-14 * got[i].item<double>());
    }
  }
}

TEST(HalfCauchy, NegativeValuesHaveZeroDensityWithoutValidation) {
  td::HalfCauchy h(tensor_of({1.0, 2.0}, {2}), /*validate_args=*/false);
  at::Tensor lp = h.log_prob(tensor_of({-1.0, -1e-300}, {2}));
  EXPECT_TRUE(at::equal(lp, at::full({2}, -kInf, at::kDouble)));
  // As in torch, the value is converted to the dtype of scale.
  td::HalfCauchy hf(at::ones({2}, at::kFloat));
  EXPECT_EQ(hf.log_prob(at::ones({2}, at::kDouble)).scalar_type(), at::kFloat);
}

TEST(HalfCauchy, MomentsAndEntropy) {
  const std::vector<double> scales = {0.5, 1, 30};
  td::HalfCauchy h(tensor_of(scales, {3}));
  EXPECT_TRUE(at::equal(h.mean(), at::full({3}, kInf, at::kDouble)));
  EXPECT_TRUE(at::equal(h.variance(), at::full({3}, kInf, at::kDouble)));
  EXPECT_TRUE(at::equal(h.stddev(), at::full({3}, kInf, at::kDouble)));
  EXPECT_TRUE(at::equal(h.mode(), at::zeros({3}, at::kDouble)));
  // H(|X|) = H(X) - log 2 for a density symmetric about 0.
  std::vector<double> entropy;
  for (double s : scales)
    entropy.push_back(boost::math::entropy(boost::math::cauchy_distribution<double>(0, s)) - std::log(2.0));
  EXPECT_TRUE(all_close(h.entropy(), tensor_of(entropy, {3}), 1e-14));
  EXPECT_TRUE(all_close(h.perplexity(), tensor_of(entropy, {3}).exp(), 1e-14));
}

TEST(HalfCauchy, CompositionShapesAndDtypes) {
  td::HalfCauchy h0(2.0);
  EXPECT_EQ(h0.scale().scalar_type(), at::kFloat);
  EXPECT_EQ(h0.batch_shape().size(), 0u);
  EXPECT_EQ(h0.sample({5}).sizes(), at::IntArrayRef({5}));
  EXPECT_TRUE(h0.has_rsample());
  EXPECT_EQ(h0.icdf(at::full({2}, 0.7f)).scalar_type(), at::kFloat);
  EXPECT_EQ(h0.mean().scalar_type(), at::kFloat);
  EXPECT_EQ(h0.sample().scalar_type(), at::kFloat);
  // Cauchy(0, scale) through AbsTransform, as in torch.
  auto base = std::dynamic_pointer_cast<const td::Cauchy>(h0.base_dist());
  ASSERT_NE(base, nullptr);
  EXPECT_EQ(base->loc().item<float>(), 0.0f);
  EXPECT_EQ(base->scale().item<float>(), 2.0f);
  ASSERT_EQ(h0.transforms().size(), 1u);
  EXPECT_NE(dynamic_cast<const td::AbsTransform*>(h0.transforms()[0].get()), nullptr);
  EXPECT_EQ(h0.support()->name(), "nonnegative()");

  td::HalfCauchy h1(at::ones({3, 1}, at::kDouble));
  EXPECT_EQ(h1.batch_shape(), at::IntArrayRef({3, 1}));
  EXPECT_EQ(h1.rsample({2}).sizes(), at::IntArrayRef({2, 3, 1}));
  EXPECT_EQ(h1.log_prob(at::ones({4}, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(h1.cdf(at::ones({4}, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(h1.icdf(at::full({4}, 0.5, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(h1.mean().sizes(), at::IntArrayRef({3, 1}));

  td::HalfCauchy e = h1.expand({2, 3, 4});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(e.scale().sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(e.base_dist()->batch_shape(), at::IntArrayRef({2, 3, 4}));
  auto shared = h1.expand_shared({5, 3, 1});
  ASSERT_NE(std::dynamic_pointer_cast<td::HalfCauchy>(shared), nullptr);
  EXPECT_EQ(shared->name(), "HalfCauchy");
}

TEST(HalfCauchy, SamplesPassKolmogorovSmirnov) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 4
  // draws (4e-4 together); the seeds are fixed, so the outcome is too.
  uint64_t seed = 500;
  for (double s : {1e-3, 1.0, 20.0}) {
    td::HalfCauchy h(tensor_of({s}));
    auto x = td::testing::to_vector(h.sample({20000}, td::testing::seeded_generator(++seed)));
    EXPECT_GT(td::testing::ks_test(x, [&](double v) { return 2 / M_PI * std::atan(v / s); }), 1e-4) << s;
  }
  td::HalfCauchy hr(tensor_of({3.0}).set_requires_grad(true));
  auto xr = td::testing::to_vector(hr.rsample({20000}, td::testing::seeded_generator(++seed)));
  EXPECT_GT(td::testing::ks_test(xr, [&](double v) { return 2 / M_PI * std::atan(v / 3); }), 1e-4);
}

void expect_grad_matches(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& at,
                         double rtol = 1e-6, double atol = 1e-8) {
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f, at), td::testing::finite_difference_grad(f, at), rtol, atol));
}

TEST(HalfCauchy, GradientsMatchFiniteDifferences) {
  at::Tensor s0 = tensor_of({0.7, 1.5, 0.2, 3.0}, {4});
  at::Tensor x0 = tensor_of({0.3, 6.0, 0.05, 40.0}, {4});
  at::Tensor p0 = tensor_of({0.02, 0.45, 0.55, 0.95}, {4});  // both branches of icdf
  expect_grad_matches([&](const at::Tensor& s) { return td::HalfCauchy(s).log_prob(x0).sum(); }, s0);
  expect_grad_matches([&](const at::Tensor& x) { return td::HalfCauchy(s0).log_prob(x).sum(); }, x0);
  expect_grad_matches([&](const at::Tensor& s) { return td::HalfCauchy(s).cdf(x0).sum(); }, s0);
  expect_grad_matches([&](const at::Tensor& x) { return td::HalfCauchy(s0).cdf(x).sum(); }, x0);
  expect_grad_matches([&](const at::Tensor& s) { return td::HalfCauchy(s).icdf(p0).sum(); }, s0);
  expect_grad_matches([&](const at::Tensor& p) { return td::HalfCauchy(s0).icdf(p).sum(); }, p0, 1e-6, 1e-6);
  expect_grad_matches([&](const at::Tensor& s) { return td::HalfCauchy(s).entropy().sum(); }, s0);
  expect_grad_matches(
      [&](const at::Tensor& s) {
        return td::HalfCauchy(s).rsample({3}, td::testing::seeded_generator(42)).log1p().sum();
      },
      s0);
}

TEST(HalfCauchy, IcdfGradientHasNoNaNAtTheEnds) {
  // d icdf / dp = (pi s / 2) / cos^2(pi p / 2): pi s / 2 at p = 0, +inf at
  // p = 1; the branch that `where` discards must not leak a NaN.
  at::Tensor p = tensor_of({0.0, 1.0}, {2}).set_requires_grad(true);
  td::HalfCauchy(tensor_of({2.0, 2.0}, {2})).icdf(p).sum().backward();
  EXPECT_NEAR(p.grad()[0].item<double>(), M_PI, 1e-14);
  EXPECT_EQ(p.grad()[1].item<double>(), kInf);
}

TEST(HalfCauchy, ValidationErrorsNameDistributionArgumentAndConstraint) {
  EXPECT_THROW_MSG(td::HalfCauchy(tensor_of({1, 0, 2}, {3})), c10::ValueError,
                   "HalfCauchy: scale must satisfy positive(), got 0 at index [1]");
  EXPECT_THROW_MSG(td::HalfCauchy(-1.0), c10::ValueError, "HalfCauchy: scale must satisfy positive(), got -1");
  td::HalfCauchy h(at::ones({3}, at::kDouble));
  EXPECT_THROW_MSG(h.log_prob(tensor_of({1, -0.5, 2}, {3})), c10::ValueError,
                   "HalfCauchy: value must be within the support nonnegative(), got -0.5 at index [1]");
  EXPECT_THROW_MSG(h.cdf(tensor_of({-1})), c10::ValueError,
                   "HalfCauchy: value must be within the support nonnegative(), got -1");
  EXPECT_THROW_MSG(h.icdf(tensor_of({1.5})), c10::ValueError,
                   "HalfCauchy: icdf value must satisfy unit_interval(), got 1.5");
  EXPECT_THROW_MSG(h.log_prob(at::ones({2}, at::kDouble)), c10::ValueError,
                   "HalfCauchy: value of shape [2] is not broadcastable with batch_shape + event_shape [3]");
  EXPECT_THROW_MSG(h.enumerate_support(), c10::NotImplementedError, "HalfCauchy does not implement enumerate_support");
  EXPECT_NO_THROW(td::HalfCauchy(-1.0, /*validate_args=*/false));
  EXPECT_FALSE(td::HalfCauchy(at::ones({1}), false).expand({3}).validate_args());
  EXPECT_TRUE(td::HalfCauchy(at::ones({1}), true).expand({3}).validate_args());
}

}  // namespace
