// Chi2: log_prob and cdf against Boost.Math's chi_squared_distribution,
// moments and entropy against closed forms, identity with
// Gamma(df / 2, 1 / 2), sampling by KS tests, and gradients through df
// (log_prob, cdf, entropy by finite differences; pathwise rsample against
// analytic derivatives of the moments).

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <torchdist/distributions/chi2.h>

#include <cmath>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

TEST(Chi2, LogProbAndCdfMatchBoost) {
  for (double k : {1e-3, 0.5, 1.0, 2.0, 3.5, 50.0, 1e4}) {
    SCOPED_TRACE(::testing::Message() << "df " << k);
    td::Chi2 d(tensor_of({k}));
    boost::math::chi_squared_distribution<double> ref(k);
    int compared = 0;
    for (double x : {1e-300, 1e-20, 1e-3, 0.1, 1.0, k - std::sqrt(2 * k), k, k + std::sqrt(2 * k), 2 * k,
                     k + 10 * std::sqrt(2 * k)}) {
      if (!(x > 0)) continue;
      const double lp = d.log_prob(tensor_of({x})).item<double>();
      const double cdf = d.cdf(tensor_of({x})).item<double>();
      EXPECT_TRUE(std::isfinite(lp)) << "x = " << x;
      // Boost throws where an intermediate Gamma(k/2) overflows (k = 1e4
      // far in the left tail); those points are checked for finiteness only.
      double pdf_ref = 0, cdf_ref = -1;
      try {
        pdf_ref = boost::math::pdf(ref, x);
        cdf_ref = boost::math::cdf(ref, x);
      } catch (const std::exception&) {
      }
      if (pdf_ref > 1e-300 && pdf_ref < 1e300) {
        // Terms of size ~k log k cancel in log_prob (5e4 at k = 1e4).
        EXPECT_NEAR(lp, std::log(pdf_ref), 1e-9 + 1e-12 * std::abs(lp)) << "x = " << x;
        ++compared;
      }
      // ATen's igamma: ~7e-10 relative near the bulk for large df.
      if (cdf_ref >= 0) {
        EXPECT_NEAR(cdf, cdf_ref, 2e-9 * cdf_ref + 1e-300) << "x = " << x;
      }
    }
    EXPECT_GE(compared, 3) << "too few points where Boost's density is representable";
  }
}

TEST(Chi2, MomentsAndEntropyClosedForms) {
  const std::vector<double> ks = {1e-3, 0.5, 2, 3.5, 50, 1e4};
  td::Chi2 d(tensor_of(ks, {6}));
  std::vector<double> mean, var, mode, entropy;
  for (double k : ks) {
    boost::math::chi_squared_distribution<double> ref(k);
    mean.push_back(boost::math::mean(ref));
    var.push_back(boost::math::variance(ref));
    // Boost defines the mode for df >= 2 only; below, the density
    // decreases from x = 0.
    mode.push_back(k >= 2 ? boost::math::mode(ref) : 0.0);
    // H = k/2 + log(2 Gamma(k/2)) + (1 - k/2) digamma(k/2).
    entropy.push_back(k / 2 + std::log(2.0) + boost::math::lgamma(k / 2) + (1 - k / 2) * boost::math::digamma(k / 2));
  }
  EXPECT_TRUE(all_close(d.df(), tensor_of(ks, {6}), 1e-15));
  EXPECT_TRUE(all_close(d.mean(), tensor_of(mean, {6}), 1e-14));
  EXPECT_TRUE(all_close(d.variance(), tensor_of(var, {6}), 1e-14));
  EXPECT_TRUE(all_close(d.mode(), tensor_of(mode, {6}), 1e-14, 0));
  EXPECT_TRUE(all_close(d.entropy(), tensor_of(entropy, {6}), 1e-10, 1e-10));
}

TEST(Chi2, IsGammaWithHalfDfAndRateOneHalf) {
  at::Tensor df = tensor_of({0.7, 3, 12}, {3});
  td::Chi2 d(df);
  td::Gamma g(df / 2, 0.5);
  EXPECT_TRUE(all_close(d.concentration(), df / 2, 0, 0));
  EXPECT_TRUE(all_close(d.rate(), at::full({3}, 0.5, at::kDouble), 0, 0));
  EXPECT_TRUE(at::equal(d.sample({4}, td::testing::seeded_generator(3)),
                        g.sample({4}, td::testing::seeded_generator(3))));
  at::Tensor x = tensor_of({0.2, 2.5, 14}, {3});
  EXPECT_TRUE(all_close(d.log_prob(x), g.log_prob(x), 0, 0));
  EXPECT_TRUE(all_close(d.cdf(x), g.cdf(x), 0, 0));
}

TEST(Chi2, ShapesDtypesAndExpand) {
  td::Chi2 d0(3.0);
  EXPECT_EQ(d0.df().scalar_type(), at::kFloat);
  EXPECT_EQ(d0.batch_shape().size(), 0u);
  EXPECT_EQ(d0.sample({5}).sizes(), at::IntArrayRef({5}));
  EXPECT_NEAR(d0.df().item<double>(), 3.0, 0);

  td::Chi2 d_int(at::arange(1, 4));  // integer df becomes the default dtype
  EXPECT_EQ(d_int.df().scalar_type(), at::kFloat);
  EXPECT_EQ(d_int.batch_shape(), at::IntArrayRef({3}));

  td::Chi2 d(at::full({2, 3}, 4.0, at::kDouble));
  for (std::vector<int64_t> shape : {std::vector<int64_t>{}, {5}, {4, 1}}) {
    std::vector<int64_t> expected = td::concat_shapes(shape, {2, 3});
    at::Tensor s = d.sample(shape);
    EXPECT_EQ(s.sizes(), at::IntArrayRef(expected));
    EXPECT_EQ(s.scalar_type(), at::kDouble);
    EXPECT_EQ(d.log_prob(s).sizes(), at::IntArrayRef(expected));
  }

  td::Chi2 e = d.expand({5, 2, 3});
  EXPECT_EQ(e.name(), "Chi2");
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({5, 2, 3}));
  EXPECT_EQ(e.df().sizes(), at::IntArrayRef({5, 2, 3}));
  EXPECT_TRUE(all_close(e.df(), at::full({5, 2, 3}, 4.0, at::kDouble), 0, 0));
  auto shared = d.expand_shared({7, 2, 3});
  ASSERT_NE(std::dynamic_pointer_cast<td::Chi2>(shared), nullptr);
  EXPECT_EQ(shared->name(), "Chi2");
  EXPECT_EQ(shared->batch_shape(), at::IntArrayRef({7, 2, 3}));
}

TEST(Chi2, SamplesPassKolmogorovSmirnov) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 5
  // draws (5e-4 together) at fixed seeds.
  uint64_t seed = 200;
  for (double k : {0.5, 1.0, 3.0, 40.0}) {
    td::Chi2 d(tensor_of({k}));
    auto x = td::testing::to_vector(d.sample({20000}, td::testing::seeded_generator(++seed)));
    boost::math::chi_squared_distribution<double> ref(k);
    EXPECT_GT(td::testing::ks_test(x, [&](double v) { return boost::math::cdf(ref, v); }), 1e-4) << k;
  }
  td::Chi2 f(at::full({}, 5.0f));
  auto x = td::testing::to_vector(f.sample({20000}, td::testing::seeded_generator(++seed)));
  boost::math::chi_squared_distribution<double> ref(5.0);
  EXPECT_GT(td::testing::ks_test(x, [&](double v) { return boost::math::cdf(ref, v); }), 1e-4);
}

TEST(Chi2, GradientsThroughDfMatchFiniteDifferences) {
  at::Tensor x0 = tensor_of({0.3, 2.0, 9.0}, {3});
  at::Tensor k0 = tensor_of({0.8, 3.0, 11.0}, {3});
  auto check = [](const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& at) {
    EXPECT_TRUE(all_close(td::testing::autograd_grad(f, at), td::testing::finite_difference_grad(f, at), 1e-6,
                          1e-8));
  };
  check([&](const at::Tensor& k) { return td::Chi2(k).log_prob(x0).sum(); }, k0);
  check([&](const at::Tensor& k) { return td::Chi2(k).cdf(x0).sum(); }, k0);
  check([&](const at::Tensor& x) { return td::Chi2(k0).cdf(x).sum(); }, x0);
  check([&](const at::Tensor& k) { return td::Chi2(k).entropy().sum(); }, k0);
}

TEST(Chi2, PathwiseGradientsOfMomentsMatchAnalyticDerivatives) {
  // Per-sample derivatives dx_i/dk_i (one leaf entry per sample); their mean
  // must lie within 6 standard errors of d/dk E[f(x)] (false-failure rate
  // ~2e-9 per check under the CLT) plus 1e-3 relative for the bias of ATen's
  // approximate implicit gradient (measured up to ~4e-4).
  const int64_t n = 100000;
  uint64_t seed = 300;
  for (double k : {0.6, 2.0, 9.0, 150.0}) {
    for (int moment : {1, 2}) {
      at::Tensor kv = at::full({n}, k, at::kDouble).set_requires_grad(true);
      td::Chi2(kv).rsample({}, td::testing::seeded_generator(++seed)).pow(moment).sum().backward();
      // E[x] = k, E[x^2] = k^2 + 2k.
      const double truth = moment == 1 ? 1.0 : 2 * k + 2;
      at::Tensor g = kv.grad();
      const double mean = g.mean().item<double>(), se = g.std().item<double>() / std::sqrt(double(n));
      EXPECT_NEAR(mean, truth, 6 * se + 1e-3 * truth) << "df " << k << ", moment " << moment;
    }
  }
}

TEST(Chi2, ExtremeDfStaysFinite) {
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    for (double k : {2e-3, 2e4}) {
      SCOPED_TRACE(::testing::Message() << dtype << " df " << k);
      at::Tensor kv = at::full({1000}, k, dtype).set_requires_grad(true);
      td::Chi2 d(kv);
      at::Tensor s = d.rsample({}, td::testing::seeded_generator(8));
      EXPECT_TRUE(d.support()->check(s.detach()).all().item<bool>());
      EXPECT_TRUE(at::isfinite(d.log_prob(s.detach())).all().item<bool>());
      EXPECT_TRUE(at::isfinite(d.entropy()).all().item<bool>());
      s.sum().backward();
      EXPECT_TRUE(at::isfinite(kv.grad()).all().item<bool>());
    }
  }
}

TEST(Chi2, ValidationErrorsNameChi2AndDf) {
  EXPECT_THROW_MSG(td::Chi2(tensor_of({2, -1}, {2})), c10::ValueError,
                   "Chi2: df must satisfy positive(), got -1 at index [1]");
  EXPECT_THROW_MSG(td::Chi2(0.0), c10::ValueError, "Chi2: df must satisfy positive(), got 0");
  td::Chi2 d(tensor_of({1, 2}, {2}));
  EXPECT_THROW_MSG(d.log_prob(tensor_of({-1, 1}, {2})), c10::ValueError,
                   "Chi2: value must be within the support nonnegative(), got -1 at index [0]");
  EXPECT_THROW_MSG(d.cdf(tensor_of({-3})), c10::ValueError, "Chi2: value must be within the support nonnegative()");
  EXPECT_THROW_MSG(d.icdf(tensor_of({0.5})), c10::NotImplementedError, "Chi2 does not implement icdf");
  EXPECT_THROW_MSG(d.expand({3, 2}).log_prob(tensor_of({-1})), c10::ValueError,
                   "Chi2: value must be within the support nonnegative()");
  EXPECT_NO_THROW(td::Chi2(-1.0, /*validate_args=*/false));
}

}  // namespace
