// Kumaraswamy: log_prob, cdf and icdf against the closed forms evaluated in
// 50-digit arithmetic (plain pow/log, no cancellation tricks), agreement
// with the transform chain torch builds it from, mean, variance and entropy
// against numerical integrals, the mode against its closed form and the
// density's maximum, sampling by KS tests, gradients against finite
// differences, the pathwise gradient of E[x], and the validation messages.

#include <ATen/core/grad_mode.h>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/expm1.hpp>
#include <boost/math/special_functions/log1p.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <torchdist/distributions/kumaraswamy.h>
#include <torchdist/distributions/uniform.h>

#include <cmath>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

using Big = boost::multiprecision::cpp_bin_float_50;
constexpr double kInf = std::numeric_limits<double>::infinity();

// log(a b x^(a-1) (1 - x^a)^(b-1)) in 50 digits: 1 - x^a keeps ~34 digits
// even where x^a = 1 - 1e-16.
Big reference_log_pdf(double x, double a, double b) {
  const Big X = x, A = a, B = b;
  return log(A) + log(B) + (A - 1) * log(X) + (B - 1) * log(1 - pow(X, A));
}
// 1 - (1 - x^a)^b, through log1p/expm1 because x^a falls below the 50
// digits' resolution (x = 0.1, a = 200).
Big reference_cdf(double x, double a, double b) {
  const Big X = x, A = a, B = b;
  return -boost::math::expm1(B * boost::math::log1p(-pow(X, A)));
}
Big reference_icdf(double p, double a, double b) {
  const Big P = p, A = a, B = b;
  return pow(1 - pow(1 - P, 1 / B), 1 / A);
}

const std::vector<double> kConcentrations = {0.1, 0.5, 1, 2.5, 10, 200};
const std::vector<double> kPoints = {1e-8, 1e-3, 0.1, 0.5, 0.9, 0.999, 1 - 1e-7};

TEST(Kumaraswamy, LogProbIsFiniteAndMatchesTheClosedFormEverywhereInside) {
  for (double a : kConcentrations) {
    for (double b : kConcentrations) {
      SCOPED_TRACE(::testing::Message() << "a " << a << ", b " << b);
      td::Kumaraswamy d(tensor_of({a}), tensor_of({b}));
      const auto n = static_cast<int64_t>(kPoints.size());
      at::Tensor lp = d.log_prob(tensor_of(kPoints, {n}));
      for (int64_t i = 0; i < n; ++i) {
        const double x = kPoints[static_cast<size_t>(i)];
        const double got = lp[i].item<double>();
        ASSERT_TRUE(std::isfinite(got)) << "x = " << x;
        // Rounding scales with the size of the two terms that are added
        // (up to ~3e3 at a = 200, x = 1e-8).
        const Big X = x, A = a;
        const double terms = std::abs((a - 1) * std::log(x)) +
                             std::abs((b - 1) * static_cast<double>(log(1 - pow(X, A)))) + 1;
        EXPECT_NEAR(got, static_cast<double>(reference_log_pdf(x, a, b)), 1e-14 * terms + 1e-13) << "x = " << x;
      }
    }
  }
}

TEST(Kumaraswamy, CdfAndIcdfMatchTheClosedForms) {
  for (double a : kConcentrations) {
    for (double b : kConcentrations) {
      SCOPED_TRACE(::testing::Message() << "a " << a << ", b " << b);
      td::Kumaraswamy d(tensor_of({a}), tensor_of({b}));
      const auto n = static_cast<int64_t>(kPoints.size());
      at::Tensor cdf = d.cdf(tensor_of(kPoints, {n}));
      for (int64_t i = 0; i < n; ++i) {
        const double x = kPoints[static_cast<size_t>(i)];
        const double ref = static_cast<double>(reference_cdf(x, a, b));
        // Relative accuracy at both ends (x = 1e-8 with a = 200 gives
        // F ~ 1e-1600, which is 0 in double).
        EXPECT_NEAR(cdf[i].item<double>(), ref, 1e-13 * ref + 1e-300) << "x = " << x;
      }
      const std::vector<double> ps = {1e-12, 1e-4, 0.1, 0.5, 0.9, 1 - 1e-6};
      const auto m = static_cast<int64_t>(ps.size());
      at::Tensor icdf = d.icdf(tensor_of(ps, {m}));
      for (int64_t i = 0; i < m; ++i) {
        const double p = ps[static_cast<size_t>(i)];
        const double ref = static_cast<double>(reference_icdf(p, a, b));
        // x = exp(L / a): the relative error of x is that of L / a, about
        // (1 + |L / a|) eps, with |L / a| up to ~300 at a = 0.1.
        EXPECT_NEAR(icdf[i].item<double>(), ref, 1e-13 * ref + 1e-300) << "p = " << p;
      }
    }
  }
}

TEST(Kumaraswamy, EdgesOfTheSupport) {
  // p(0) = b when a = 1; p(1) = a when b = 1; F(0) = 0, F(1) = 1.
  td::Kumaraswamy d(tensor_of({1, 3, 0.5, 2}, {4}), tensor_of({2.5, 1, 1, 0.5}, {4}));
  at::Tensor lp0 = d.log_prob(at::zeros({4}, at::kDouble));
  at::Tensor lp1 = d.log_prob(at::ones({4}, at::kDouble));
  EXPECT_NEAR(lp0[0].item<double>(), std::log(2.5), 1e-15);
  EXPECT_EQ(lp0[1].item<double>(), -kInf);  // a > 1: p(0) = 0
  EXPECT_EQ(lp0[2].item<double>(), kInf);   // a < 1: p(0) = inf
  EXPECT_NEAR(lp1[1].item<double>(), std::log(3.0), 1e-15);
  EXPECT_NEAR(lp1[2].item<double>(), std::log(0.5), 1e-15);
  EXPECT_EQ(lp1[0].item<double>(), -kInf);  // b > 1: p(1) = 0
  EXPECT_EQ(lp1[3].item<double>(), kInf);   // b < 1: p(1) = inf
  EXPECT_TRUE(at::equal(d.cdf(at::zeros({4}, at::kDouble)), at::zeros({4}, at::kDouble)));
  EXPECT_TRUE(at::equal(d.cdf(at::ones({4}, at::kDouble)), at::ones({4}, at::kDouble)));
  EXPECT_TRUE(at::equal(d.icdf(at::zeros({4}, at::kDouble)), at::zeros({4}, at::kDouble)));
  EXPECT_TRUE(at::equal(d.icdf(at::ones({4}, at::kDouble)), at::ones({4}, at::kDouble)));
  // Without validation: -inf density and a clamped cdf outside [0, 1].
  td::Kumaraswamy u(tensor_of({2.0}), tensor_of({3.0}), /*validate_args=*/false);
  at::Tensor x = tensor_of({-0.5, 1.5}, {2});
  EXPECT_TRUE(at::equal(u.log_prob(x), tensor_of({-kInf, -kInf}, {2})));
  EXPECT_TRUE(at::equal(u.cdf(x), tensor_of({0, 1}, {2})));
}

TEST(Kumaraswamy, AgreesWithTheTransformChainWhereThatIsAccurate) {
  // The distribution is defined as torch defines it: Uniform(0, 1) through
  // [x^(1/b), 1 - x, x^(1/a)]. A plain TransformedDistribution of the same
  // parts must agree where the chain does not underflow.
  td::Kumaraswamy d(tensor_of({0.7, 2, 5}, {3}), tensor_of({1.5, 0.6, 4}, {3}));
  auto uniform = std::dynamic_pointer_cast<const td::Uniform>(d.base_dist());
  ASSERT_NE(uniform, nullptr);
  EXPECT_TRUE(at::equal(uniform->low(), at::zeros({3}, at::kDouble)));
  EXPECT_TRUE(at::equal(uniform->high(), at::ones({3}, at::kDouble)));
  ASSERT_EQ(d.transforms().size(), 3u);
  td::TransformedDistribution chain(d.base_dist(), d.transforms());
  at::Tensor x = tensor_of({0.1, 0.2, 0.3, 0.5, 0.6, 0.7, 0.9, 0.8, 0.95}, {3, 3});
  EXPECT_TRUE(all_close(d.log_prob(x), chain.log_prob(x), 1e-12, 1e-12));
  EXPECT_TRUE(all_close(d.cdf(x), chain.cdf(x), 1e-12, 1e-14));
  at::Tensor p = tensor_of({0.01, 0.5, 0.99}, {3});
  EXPECT_TRUE(all_close(d.icdf(p), chain.icdf(p), 1e-12, 1e-14));
  // Same generator state, same base draws: the same samples.
  EXPECT_TRUE(all_close(d.sample({100}, td::testing::seeded_generator(8)),
                        chain.sample({100}, td::testing::seeded_generator(8)), 1e-12, 1e-14));
}

// log p(x) from x and 1 - x (both exact, as tanh-sinh hands them over), in
// plain double: log(1 - x^a) from t = a log x, by log(-expm1(t)) near x = 1
// and log1p(-exp(t)) elsewhere, so that the density's singular or steep
// ends are resolved.
double log_pdf_double(double x, double one_minus_x, double a, double b) {
  const double t = a * (x > 0.5 ? std::log1p(-one_minus_x) : std::log(x));
  const double log1m_xa = t > -std::log(2.0) ? std::log(-std::expm1(t)) : std::log1p(-std::exp(t));
  return std::log(a) + std::log(b) + (a - 1) * std::log(x) + (b - 1) * log1m_xa;
}

TEST(Kumaraswamy, MomentsAndEntropyMatchNumericalIntegrals) {
  // E[x], E[x^2] and -E[log p] by tanh-sinh quadrature on (0, 1) of the
  // density written out here (tolerance 1e-12); tanh-sinh copes with the
  // endpoint singularities of a < 1 or b < 1.
  boost::math::quadrature::tanh_sinh<double> integrator;
  const double tol = 1e-12;
  for (auto [a, b] : {std::pair{0.5, 0.5}, {0.8, 3.0}, {2.0, 5.0}, {1.0, 1.0}, {7.0, 0.6}, {30.0, 200.0}}) {
    SCOPED_TRACE(::testing::Message() << "a " << a << ", b " << b);
    // tanh-sinh passes the distance to the nearer end as the second
    // argument: -x below 1/2, 1 - x above.
    auto integral = [&](auto g) {
      return integrator.integrate(
          [&](double x, double xc) {
            const double lp = log_pdf_double(x, xc > 0 ? xc : 1 - x, a, b);
            return g(x, lp);
          },
          0.0, 1.0, tol);
    };
    const double m1 = integral([](double x, double lp) { return x * std::exp(lp); });
    const double m2 = integral([](double x, double lp) { return x * x * std::exp(lp); });
    const double h = integral([](double, double lp) { return -lp * std::exp(lp); });
    td::Kumaraswamy d(tensor_of({a}), tensor_of({b}));
    EXPECT_NEAR(d.mean().item<double>(), m1, 1e-10 * m1);
    // torch's E[x^2] - E[x]^2 cancels (to ~1e-4 of E[x^2] at a = 30,
    // b = 200), hence 1e-8 relative.
    EXPECT_NEAR(d.variance().item<double>(), m2 - m1 * m1, 1e-8 * (m2 - m1 * m1));
    EXPECT_NEAR(d.entropy().item<double>(), h, 1e-10);
    // And the Beta-function form b B(1 + 1/a, b) of the mean, by Boost.
    EXPECT_NEAR(d.mean().item<double>(), b * boost::math::beta(1 + 1 / a, b), 1e-12 * m1);
  }
}

TEST(Kumaraswamy, ModeMatchesClosedFormAndMaximizesTheDensity) {
  // ((a - 1) / (a b - 1))^(1/a) for a, b >= 1 (not both 1), NaN elsewhere:
  // the cases of pytorch/pytorch#173912.
  const std::vector<double> as = {0.5, 1, 0.5, 1, 3, 1, 3, 2.5, 10};
  const std::vector<double> bs = {0.5, 0.5, 1, 1, 1, 3, 5, 40, 2};
  const auto n = static_cast<int64_t>(as.size());
  at::Tensor mode = td::Kumaraswamy(tensor_of(as, {n}), tensor_of(bs, {n})).mode();
  for (int64_t i = 0; i < 4; ++i) EXPECT_TRUE(std::isnan(mode[i].item<double>())) << i;
  EXPECT_EQ(mode[4].item<double>(), 1.0);
  EXPECT_EQ(mode[5].item<double>(), 0.0);
  EXPECT_NEAR(mode[6].item<double>(), 0.52275795857471021675, 1e-15);
  for (int64_t i = 6; i < n; ++i) {
    const double a = as[static_cast<size_t>(i)], b = bs[static_cast<size_t>(i)], m = mode[i].item<double>();
    EXPECT_NEAR(m, std::pow((a - 1) / (a * b - 1), 1 / a), 1e-15);
    // An interior maximum of the density written out here.
    auto log_pdf = [&](double x) { return (a - 1) * std::log(x) + (b - 1) * std::log1p(-std::pow(x, a)); };
    EXPECT_GT(log_pdf(m), log_pdf(m * (1 + 1e-4)));
    EXPECT_GT(log_pdf(m), log_pdf(m * (1 - 1e-4)));
  }
}

TEST(Kumaraswamy, StructureShapesAndDtypes) {
  td::Kumaraswamy d0(2.0, 3.0);
  EXPECT_EQ(d0.name(), "Kumaraswamy");
  EXPECT_EQ(d0.concentration1().scalar_type(), at::kFloat);
  EXPECT_EQ(d0.batch_shape().size(), 0u);
  EXPECT_EQ(d0.sample({4}).sizes(), at::IntArrayRef({4}));
  EXPECT_EQ(d0.sample({4}).scalar_type(), at::kFloat);
  EXPECT_TRUE(d0.has_rsample());
  EXPECT_EQ(d0.support()->name(), "unit_interval()");
  EXPECT_FALSE(d0.base_dist()->validate_args());

  td::Kumaraswamy d(at::full({3, 1}, 2.0, at::kDouble), at::full({4}, 0.5, at::kDouble));
  EXPECT_EQ(d.batch_shape(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(d.concentration0().sizes(), at::IntArrayRef({3, 4}));
  for (std::vector<int64_t> shape : {std::vector<int64_t>{}, {5}, {2, 3}}) {
    std::vector<int64_t> expected = td::concat_shapes(shape, {3, 4});
    EXPECT_EQ(d.sample(shape).sizes(), at::IntArrayRef(expected));
    EXPECT_EQ(d.rsample(shape).sizes(), at::IntArrayRef(expected));
    EXPECT_EQ(d.log_prob(d.sample(shape)).sizes(), at::IntArrayRef(expected));
    EXPECT_EQ(d.cdf(d.sample(shape)).sizes(), at::IntArrayRef(expected));
  }
  EXPECT_EQ(d.icdf(at::full({4}, 0.3, at::kDouble)).sizes(), at::IntArrayRef({3, 4}));
  for (const at::Tensor& t : {d.mean(), d.mode(), d.variance(), d.entropy()}) {
    EXPECT_EQ(t.sizes(), at::IntArrayRef({3, 4}));
  }

  td::Kumaraswamy e = d.expand({2, 3, 4});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(e.concentration1().sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_TRUE(e.validate_args());
  EXPECT_FALSE(td::Kumaraswamy(1.0, 1.0, false).expand({2}).validate_args());
  at::Tensor x = d.sample({}, td::testing::seeded_generator(2));
  EXPECT_TRUE(all_close(e.log_prob(x), d.log_prob(x).expand({2, 3, 4}), 1e-15, 0));
  auto shared = d.expand_shared({5, 3, 4});
  ASSERT_NE(std::dynamic_pointer_cast<td::Kumaraswamy>(shared), nullptr);
}

TEST(Kumaraswamy, SamplesPassKolmogorovSmirnov) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 6
  // draws (6e-4 together); the seeds are fixed, so the outcome is too.
  auto ks = [](double a, double b, at::ScalarType dtype, uint64_t seed) {
    td::Kumaraswamy d(at::full({}, a, dtype), at::full({}, b, dtype));
    auto x = td::testing::to_vector(d.sample({20000}, td::testing::seeded_generator(seed)));
    // 1 - (1 - x^a)^b in double; log1p keeps the (1 - x^a)^b of large b.
    return td::testing::ks_test(x, [&](double v) {
      return v <= 0 ? 0.0 : v >= 1 ? 1.0 : -std::expm1(b * std::log1p(-std::pow(v, a)));
    });
  };
  uint64_t seed = 20;
  for (auto [a, b] : {std::pair{0.3, 0.4}, {1.0, 1.0}, {2.0, 5.0}, {8.0, 300.0}}) {
    EXPECT_GT(ks(a, b, at::kDouble, ++seed), 1e-4) << a << " " << b;
  }
  EXPECT_GT(ks(2.0, 5.0, at::kFloat, ++seed), 1e-4);
  // b = 1e4 in float: 1 - u^(1/b) would cancel to a few float ulps.
  EXPECT_GT(ks(3.0, 1e4, at::kFloat, ++seed), 1e-4);
}

TEST(Kumaraswamy, LargeConcentrationSamplesStayInsideInFloat) {
  // With the chained transforms, u^(1/b) rounds to 1 in float for
  // u > ~1 - 6e-8 b, about 3% of the draws at b = 1e4, giving x = 0 and
  // log_prob = -inf; the fused map keeps them inside.
  td::Kumaraswamy d(at::full({}, 3.0f), at::full({}, 1e4f));
  at::Tensor x = d.sample({100000}, td::testing::seeded_generator(5));
  EXPECT_TRUE((x > 0).logical_and(x < 1).all().item<bool>());
  EXPECT_TRUE(at::isfinite(d.log_prob(x)).all().item<bool>());
}

TEST(Kumaraswamy, GradientsMatchFiniteDifferences) {
  at::Tensor x0 = tensor_of({0.05, 0.4, 0.9, 0.999}, {4});
  at::Tensor a0 = tensor_of({0.4, 2.0, 1.0, 7.5}, {4}), b0 = tensor_of({0.7, 1.0, 3.0, 2.2}, {4});
  at::Tensor p0 = tensor_of({0.01, 0.3, 0.8, 0.999}, {4});
  auto check = [](const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& at) {
    EXPECT_TRUE(all_close(td::testing::autograd_grad(f, at), td::testing::finite_difference_grad(f, at), 1e-6,
                          1e-7));
  };
  // b0 contains exactly 1 and a0 too: the patched edge must not touch the
  // gradient at interior points.
  check([&](const at::Tensor& a) { return td::Kumaraswamy(a, b0).log_prob(x0).sum(); }, a0);
  check([&](const at::Tensor& b) { return td::Kumaraswamy(a0, b).log_prob(x0).sum(); }, b0);
  check([&](const at::Tensor& x) { return td::Kumaraswamy(a0, b0).log_prob(x).sum(); }, x0);
  check([&](const at::Tensor& a) { return td::Kumaraswamy(a, b0).cdf(x0).sum(); }, a0);
  check([&](const at::Tensor& b) { return td::Kumaraswamy(a0, b).cdf(x0).sum(); }, b0);
  check([&](const at::Tensor& a) { return td::Kumaraswamy(a, b0).icdf(p0).sum(); }, a0);
  check([&](const at::Tensor& b) { return td::Kumaraswamy(a0, b).icdf(p0).sum(); }, b0);
  check([&](const at::Tensor& p) { return td::Kumaraswamy(a0, b0).icdf(p).sum(); }, p0);
  for (auto moment : {&td::Kumaraswamy::mean, &td::Kumaraswamy::variance, &td::Kumaraswamy::entropy}) {
    check([&](const at::Tensor& a) { return (td::Kumaraswamy(a, b0).*moment)().sum(); }, a0);
    check([&](const at::Tensor& b) { return (td::Kumaraswamy(a0, b).*moment)().sum(); }, b0);
  }
  // rsample at fixed noise: the same generator seed in every evaluation.
  auto rsample_sum = [&](const at::Tensor& a, const at::Tensor& b) {
    return td::Kumaraswamy(a, b).rsample({3}, td::testing::seeded_generator(42)).pow(2).sum();
  };
  check([&](const at::Tensor& a) { return rsample_sum(a, b0); }, a0);
  check([&](const at::Tensor& b) { return rsample_sum(a0, b); }, b0);
}

TEST(Kumaraswamy, CdfAndIcdfGradientsAreFiniteAtTheEndsOfTheSupport) {
  // Found by the differential suite (issue 14): log x or log(1 - x^a) is
  // infinite at x = 0, 1 (p = 0, 1 for icdf), and the gradients in a and b
  // were 0 * inf = NaN for every parameter that saw such a point.
  at::Tensor a = tensor_of({0.5, 2.0}, {2}).set_requires_grad(true);
  at::Tensor b = tensor_of({3.0, 0.7}, {2}).set_requires_grad(true);
  at::Tensor ends = tensor_of({0, 0, 1, 1, 0.3, 0.3}, {3, 2});
  td::Kumaraswamy(a, b).cdf(ends).sum().backward();
  td::Kumaraswamy(a, b).icdf(ends).sum().backward();
  EXPECT_TRUE(at::isfinite(a.grad()).all().item<bool>()) << a.grad();
  EXPECT_TRUE(at::isfinite(b.grad()).all().item<bool>()) << b.grad();
  // The ends contribute nothing: the gradients are those of the interior row.
  at::Tensor a1 = a.detach().clone().set_requires_grad(true), b1 = b.detach().clone().set_requires_grad(true);
  at::Tensor mid = tensor_of({0.3, 0.3}, {2});
  td::Kumaraswamy(a1, b1).cdf(mid).sum().backward();
  td::Kumaraswamy(a1, b1).icdf(mid).sum().backward();
  EXPECT_TRUE(all_close(a.grad(), a1.grad(), 1e-14, 0));
  EXPECT_TRUE(all_close(b.grad(), b1.grad(), 1e-14, 0));
  // Near p = 0 the quantile's intermediate log(1 - exp(t)) has t ~ -1e-20:
  // the gradient in p was NaN there (its unused branch's derivative inf).
  at::Tensor p = tensor_of({1e-20, 1e-12}, {2}).set_requires_grad(true);
  td::Kumaraswamy(tensor_of({0.5, 2.0}, {2}), tensor_of({3.0, 0.7}, {2})).icdf(p).sum().backward();
  EXPECT_TRUE(at::isfinite(p.grad()).all().item<bool>()) << p.grad();
  // NaN stays NaN.
  td::Kumaraswamy plain(tensor_of({2.0}), tensor_of({3.0}), /*validate_args=*/false);
  EXPECT_TRUE(std::isnan(plain.cdf(tensor_of({std::numeric_limits<double>::quiet_NaN()})).item<double>()));
}

// E[x] = b B(1 + 1/a, b), written with std::lgamma, and its central
// difference, to compare the pathwise estimate with.
double closed_form_mean(double a, double b) {
  return b * std::exp(std::lgamma(1 + 1 / a) + std::lgamma(b) - std::lgamma(1 + 1 / a + b));
}

TEST(Kumaraswamy, PathwiseGradientOfMeanMatchesClosedForm) {
  // Per-sample pathwise derivatives (each parameter expanded to one leaf
  // per sample); their mean must lie within 6 standard errors of the
  // derivative of the closed-form mean: false-failure rate ~2e-9 per check
  // under the CLT. The central difference (h = 1e-5) adds ~1e-10.
  const int64_t n = 100000;
  uint64_t seed = 60;
  for (auto [a, b] : {std::pair{0.5, 0.8}, {2.0, 5.0}, {6.0, 1.5}}) {
    SCOPED_TRACE(::testing::Message() << "a " << a << ", b " << b);
    at::Tensor av = at::full({n}, a, at::kDouble).set_requires_grad(true);
    at::Tensor bv = at::full({n}, b, at::kDouble).set_requires_grad(true);
    td::Kumaraswamy(av, bv).rsample({}, td::testing::seeded_generator(++seed)).sum().backward();
    const double h = 1e-5;
    const double da = (closed_form_mean(a + h, b) - closed_form_mean(a - h, b)) / (2 * h);
    const double db = (closed_form_mean(a, b + h) - closed_form_mean(a, b - h)) / (2 * h);
    for (auto [g, truth, what] : {std::tuple{av.grad(), da, "dE[x]/da"}, {bv.grad(), db, "dE[x]/db"}}) {
      const double se = g.std().item<double>() / std::sqrt(static_cast<double>(n));
      EXPECT_NEAR(g.mean().item<double>(), truth, 6 * se + 1e-9) << what << " (se " << se << ")";
    }
  }
}

TEST(Kumaraswamy, ValidationErrorsNameDistributionArgumentAndConstraint) {
  EXPECT_THROW_MSG(td::Kumaraswamy(tensor_of({1, -1, 2}, {3}), 1.0), c10::ValueError,
                   "Kumaraswamy: concentration1 must satisfy positive(), got -1 at index [1]");
  EXPECT_THROW_MSG(td::Kumaraswamy(1.0, tensor_of({1, 0}, {2})), c10::ValueError,
                   "Kumaraswamy: concentration0 must satisfy positive(), got 0 at index [1]");
  EXPECT_THROW_MSG(td::Kumaraswamy(tensor_of({NAN}), 1.0), c10::ValueError,
                   "Kumaraswamy: concentration1 must satisfy positive(), got nan");
  td::Kumaraswamy d(at::ones({3}, at::kDouble), 2.0);
  EXPECT_THROW_MSG(d.log_prob(tensor_of({0.5, 1.5, 0.2}, {3})), c10::ValueError,
                   "Kumaraswamy: value must be within the support unit_interval(), got 1.5 at index [1]");
  EXPECT_THROW_MSG(d.cdf(tensor_of({-0.1})), c10::ValueError,
                   "Kumaraswamy: value must be within the support unit_interval(), got -0.1");
  EXPECT_THROW_MSG(d.icdf(tensor_of({2.0})), c10::ValueError, "Kumaraswamy: icdf value must satisfy unit_interval()");
  EXPECT_THROW_MSG(d.log_prob(at::full({2}, 0.5, at::kDouble)), c10::ValueError,
                   "Kumaraswamy: value of shape [2] is not broadcastable with batch_shape + event_shape [3]");
  EXPECT_THROW_MSG(d.enumerate_support(), c10::NotImplementedError,
                   "Kumaraswamy does not implement enumerate_support");
  EXPECT_NO_THROW(td::Kumaraswamy(-1.0, 0.0, /*validate_args=*/false));
}

}  // namespace
