// Gamma: log_prob and cdf against Boost.Math, moments and entropy against
// closed forms, sampling by KS tests, gradients (log_prob, entropy, cdf in
// all three arguments, pathwise rsample) against finite differences and
// analytic derivatives, and dP(a, x)/da against a 50-digit finite
// difference of Boost's incomplete gamma function.

#include <ATen/core/grad_mode.h>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <torch/csrc/autograd/autograd.h>
#include <torchdist/distributions/gamma.h>

#include <array>
#include <cmath>
#include <iostream>
#include <limits>

#include "../../src/distributions/gamma_math.h"
#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

using Big = boost::multiprecision::cpp_bin_float_50;

// dP(a, x)/da by a central difference of Boost's gamma_p in 50-digit
// arithmetic: step 1e-20 (relative to max(a, 1)) gives truncation error
// ~1e-40 and rounding error ~1e-30, far below double precision. The upper
// function Q is differentiated where x > a, so that P ~ 1 loses no digits.
double reference_grad_a(double a, double x) {
  const Big A = a, X = x, h = Big("1e-20") * std::max(a, 1.0);
  const bool upper = x > a;
  auto f = [&](const Big& s) { return upper ? -boost::math::gamma_q(s, X) : boost::math::gamma_p(s, X); };
  return static_cast<double>((f(A + h) - f(A - h)) / (2 * h));
}

std::vector<double> standardized_points(double c) {
  // Points y = rate * x: deep left tail, fixed points, and around the bulk.
  std::vector<double> ys = {1e-300, 1e-20, 1e-3, 0.1, 1.0, 5.0, c, 1.5 * c, c + 6 * std::sqrt(c)};
  if (c > 36) {
    for (double z : {-6.0, -3.0, -1.0, 1.0}) ys.push_back(c + z * std::sqrt(c));
  }
  return ys;
}

const std::vector<double> kConcentrations = {1e-3, 0.5, 1, 2.5, 30, 1e4};
const std::vector<double> kRates = {1e-3, 1, 1e3};

TEST(Gamma, LogProbAndCdfMatchBoost) {
  for (double c : kConcentrations) {
    for (double r : kRates) {
      SCOPED_TRACE(::testing::Message() << "concentration " << c << ", rate " << r);
      td::Gamma g(tensor_of({c}), tensor_of({r}));
      boost::math::gamma_distribution<double> ref(c, 1 / r);
      int compared = 0;
      for (double y : standardized_points(c)) {
        const double x = y / r;
        const double lp = g.log_prob(tensor_of({x})).item<double>();
        const double cdf = g.cdf(tensor_of({x})).item<double>();
        // Finite wherever the density is (everywhere on x > 0 here).
        EXPECT_TRUE(std::isfinite(lp)) << "x = " << x;
        EXPECT_TRUE(std::isfinite(cdf) && cdf >= 0 && cdf <= 1) << "x = " << x;
        // Boost throws where its intermediate Gamma(c) or density overflows
        // (c = 1e4 far in the left tail); those points are checked for
        // finiteness only.
        double pdf_ref = 0, cdf_ref = -1;
        try {
          pdf_ref = boost::math::pdf(ref, x);
        } catch (const std::exception&) {
        }
        try {
          cdf_ref = boost::math::cdf(ref, x);
        } catch (const std::exception&) {
        }
        // Compare where Boost's density is a normal double; log_prob adds
        // terms of size ~c log(c) (1e5 at c = 1e4), hence atol 1e-9.
        if (pdf_ref > 1e-300 && pdf_ref < 1e300) {
          EXPECT_NEAR(lp, std::log(pdf_ref), 1e-9 + 1e-12 * std::abs(lp)) << "x = " << x;
          ++compared;
        }
        // ATen's igamma is accurate to ~7e-10 relative near the bulk for
        // a >= 50 (its large-a asymptotic series), ~1e-14 elsewhere.
        if (cdf_ref >= 0) {
          EXPECT_NEAR(cdf, cdf_ref, 2e-9 * cdf_ref + 1e-300) << "x = " << x;
        }
      }
      EXPECT_GE(compared, 4) << "too few points where Boost's density is representable";
    }
  }
}

TEST(Gamma, ValuesAtZero) {
  // p(0) is infinite for c < 1, r for c = 1, 0 for c > 1; F(0) = 0.
  td::Gamma g(tensor_of({0.5, 1, 3}, {3}), tensor_of({2, 2, 2}, {3}));
  at::Tensor lp = g.log_prob(at::zeros({3}, at::kDouble));
  EXPECT_EQ(lp[0].item<double>(), std::numeric_limits<double>::infinity());
  EXPECT_NEAR(lp[1].item<double>(), std::log(2.0), 1e-15);
  EXPECT_EQ(lp[2].item<double>(), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(at::equal(g.cdf(at::zeros({3}, at::kDouble)), at::zeros({3}, at::kDouble)));
}

TEST(Gamma, CdfBelowZeroWithoutValidationIsZero) {
  // P(a, r x) is NaN at a negative argument; the cdf there is 0, with zero gradients.
  at::Tensor c = tensor_of({0.5, 3}, {2}).requires_grad_();
  at::Tensor x = tensor_of({-0.5, -1e10}, {2}).requires_grad_();
  at::Tensor cdf = td::Gamma(c, 2.0, /*validate_args=*/false).cdf(x);
  EXPECT_TRUE(at::equal(cdf, at::zeros({2}, at::kDouble)));
  cdf.sum().backward();
  EXPECT_TRUE(at::equal(c.grad(), at::zeros({2}, at::kDouble)));
  EXPECT_TRUE(at::equal(x.grad(), at::zeros({2}, at::kDouble)));
}

TEST(Gamma, MomentsAndEntropyClosedForms) {
  const std::vector<double> cs = {1e-3, 0.5, 1, 2.5, 30, 1e4}, rs = {1e-3, 2, 1e3, 1, 0.5, 3};
  td::Gamma g(tensor_of(cs, {6}), tensor_of(rs, {6}));
  std::vector<double> mean, var, mode, entropy;
  for (size_t i = 0; i < cs.size(); ++i) {
    boost::math::gamma_distribution<double> ref(cs[i], 1 / rs[i]);
    mean.push_back(boost::math::mean(ref));
    var.push_back(boost::math::variance(ref));
    // Boost defines the mode only for shape >= 1; below that the density
    // is decreasing and the mode is 0.
    mode.push_back(cs[i] >= 1 ? boost::math::mode(ref) : 0.0);
    const double c = cs[i];
    entropy.push_back(c - std::log(rs[i]) + boost::math::lgamma(c) + (1 - c) * boost::math::digamma(c));
  }
  EXPECT_TRUE(all_close(g.mean(), tensor_of(mean, {6}), 1e-14));
  EXPECT_TRUE(all_close(g.variance(), tensor_of(var, {6}), 1e-14));
  EXPECT_TRUE(all_close(g.stddev(), tensor_of(var, {6}).sqrt(), 1e-14));
  EXPECT_TRUE(all_close(g.mode(), tensor_of(mode, {6}), 1e-14, 0));
  // lgamma(1e4) and (1 - c) digamma(c) are ~1e5 and cancel to ~6.
  EXPECT_TRUE(all_close(g.entropy(), tensor_of(entropy, {6}), 1e-10, 1e-10));
  EXPECT_TRUE(all_close(g.perplexity(), tensor_of(entropy, {6}).exp(), 1e-10));
}

TEST(Gamma, EntropyMatchesNumericalIntegral) {
  // H = -integral p log p over [0, inf) by exp-sinh quadrature: an
  // independent check of the closed form (no digamma involved).
  boost::math::quadrature::exp_sinh<double> integrator;
  for (auto [c, r] : {std::pair{0.6, 2.0}, {2.5, 0.7}, {7.0, 3.0}, {1.0, 1.0}}) {
    boost::math::gamma_distribution<double> ref(c, 1 / r);
    auto integrand = [&](double x) {
      const double p = x > 0 ? boost::math::pdf(ref, x) : 0.0;
      return p > 0 ? -p * std::log(p) : 0.0;
    };
    const double h = integrator.integrate(integrand, 0.0, std::numeric_limits<double>::infinity());
    EXPECT_NEAR(td::Gamma(tensor_of({c}), tensor_of({r})).entropy().item<double>(), h, 1e-8) << c << " " << r;
  }
}

TEST(Gamma, ShapesAndDtypes) {
  td::Gamma g0(2.0, 3.0);
  EXPECT_EQ(g0.concentration().scalar_type(), at::kFloat);
  EXPECT_EQ(g0.batch_shape().size(), 0u);
  EXPECT_EQ(g0.sample().sizes(), at::IntArrayRef({}));
  EXPECT_EQ(g0.sample({5}).scalar_type(), at::kFloat);

  td::Gamma g1(2.0, at::ones({2}, at::kDouble));
  EXPECT_EQ(g1.concentration().scalar_type(), at::kDouble);
  EXPECT_EQ(g1.batch_shape(), at::IntArrayRef({2}));
  // As in torch, log_prob converts the value to the parameters' dtype.
  EXPECT_EQ(g1.log_prob(at::ones({2}, at::kFloat)).scalar_type(), at::kDouble);
  EXPECT_EQ(g0.log_prob(at::ones({2}, at::kDouble)).scalar_type(), at::kFloat);

  td::Gamma g2(at::ones({3, 1}), at::ones({4}));
  EXPECT_EQ(g2.batch_shape(), at::IntArrayRef({3, 4}));
  for (std::vector<int64_t> shape : {std::vector<int64_t>{}, {5}, {2, 3}}) {
    std::vector<int64_t> expected = td::concat_shapes(shape, {3, 4});
    EXPECT_EQ(g2.sample(shape).sizes(), at::IntArrayRef(expected));
    EXPECT_EQ(g2.rsample(shape).sizes(), at::IntArrayRef(expected));
    EXPECT_EQ(g2.log_prob(g2.sample(shape)).sizes(), at::IntArrayRef(expected));
    EXPECT_EQ(g2.cdf(g2.sample(shape)).sizes(), at::IntArrayRef(expected));
  }
  EXPECT_EQ(g2.log_prob(at::ones({4})).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(g2.entropy().sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(g2.mean().sizes(), at::IntArrayRef({3, 4}));

  td::Gamma e = g2.expand({2, 3, 4});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(e.concentration().sizes(), at::IntArrayRef({2, 3, 4}));
  auto shared = g2.expand_shared({5, 3, 4});
  ASSERT_NE(std::dynamic_pointer_cast<td::Gamma>(shared), nullptr);
  EXPECT_EQ(shared->name(), "Gamma");
}

// Draws n samples of Gamma(c, r) in `dtype` and returns the KS p-value
// against Boost's cdf.
double ks_p_value(double c, double r, at::ScalarType dtype, uint64_t seed) {
  td::Gamma g(at::full({}, c, dtype), at::full({}, r, dtype));
  auto x = td::testing::to_vector(g.sample({20000}, td::testing::seeded_generator(seed)));
  return td::testing::ks_test(x, [&](double v) { return boost::math::gamma_p(c, r * v); });
}

TEST(Gamma, SamplesPassKolmogorovSmirnov) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 7
  // draws (7e-4 together); the seeds are fixed, so the outcome is too.
  // c = 0.01 puts ~8e-4 of the mass below the double clamp 2.2e-308, which
  // the cdf at the clamp accounts for exactly.
  const std::vector<std::pair<double, double>> params = {{0.01, 1}, {0.3, 2}, {1, 1}, {4.5, 0.25}, {250, 10}};
  uint64_t seed = 100;
  for (auto [c, r] : params) {
    EXPECT_GT(ks_p_value(c, r, at::kDouble, ++seed), 1e-4) << c << " " << r;
  }
  EXPECT_GT(ks_p_value(0.3, 2, at::kFloat, ++seed), 1e-4);
  EXPECT_GT(ks_p_value(1e3, 1e-3, at::kFloat, ++seed), 1e-4);
}

TEST(Gamma, SameGeneratorSeedGivesSameSamples) {
  td::Gamma g(at::full({4}, 0.7), 2.0);
  EXPECT_TRUE(at::equal(g.sample({3}, td::testing::seeded_generator(9)),
                        g.sample({3}, td::testing::seeded_generator(9))));
}

TEST(Gamma, LogProbAndEntropyGradientsMatchFiniteDifferences) {
  at::Tensor x0 = tensor_of({0.3, 2.0, 5.0}, {3});
  at::Tensor c0 = tensor_of({0.4, 2.0, 9.0}, {3}), r0 = tensor_of({0.7, 1.5, 2.2}, {3});
  auto check = [](const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& at) {
    EXPECT_TRUE(all_close(td::testing::autograd_grad(f, at), td::testing::finite_difference_grad(f, at), 1e-6,
                          1e-7));
  };
  check([&](const at::Tensor& c) { return td::Gamma(c, r0).log_prob(x0).sum(); }, c0);
  check([&](const at::Tensor& r) { return td::Gamma(c0, r).log_prob(x0).sum(); }, r0);
  check([&](const at::Tensor& x) { return td::Gamma(c0, r0).log_prob(x).sum(); }, x0);
  check([&](const at::Tensor& c) { return td::Gamma(c, r0).entropy().sum(); }, c0);
  check([&](const at::Tensor& r) { return td::Gamma(c0, r).entropy().sum(); }, r0);
}

TEST(Gamma, CdfGradientsMatchFiniteDifferences) {
  at::Tensor x0 = tensor_of({0.4, 1.2, 6.0, 0.05}, {4});
  at::Tensor c0 = tensor_of({0.3, 2.0, 7.5, 1.0}, {4}), r0 = tensor_of({0.5, 2.0, 1.3, 4.0}, {4});
  auto check = [](const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& at) {
    EXPECT_TRUE(all_close(td::testing::autograd_grad(f, at), td::testing::finite_difference_grad(f, at), 1e-6,
                          1e-8));
  };
  check([&](const at::Tensor& c) { return td::Gamma(c, r0).cdf(x0).sum(); }, c0);
  check([&](const at::Tensor& r) { return td::Gamma(c0, r).cdf(x0).sum(); }, r0);
  check([&](const at::Tensor& x) { return td::Gamma(c0, r0).cdf(x).sum(); }, x0);
  // Broadcast: one concentration against several values sums the gradients.
  check([&](const at::Tensor& c) { return td::Gamma(c, 1.5).cdf(x0).sum(); }, tensor_of({1.7}));
}

TEST(Gamma, IncompleteGammaDerivativeInAMatchesBigFloatReference) {
  std::vector<double> as, xs;
  for (double a : {1e-3, 0.01, 0.5, 1.0, 2.5, 9.99, 10.0, 100.0, 1e3, 1e4, 1e6}) {
    for (double m : {1e-6, 1e-2, 0.5, 0.9, 0.99, 1.0, 1.01, 1.1, 2.0, 10.0}) {
      as.push_back(a);
      xs.push_back(a * m);
    }
    // Both sides of the switch between series and continued fraction.
    for (double x : {a + 1 - 1e-9, a + 1, a + 1 + 1e-9, 1e-300, 0.1, 1.0, 30.0}) {
      as.push_back(a);
      xs.push_back(x);
    }
  }
  const int64_t n = static_cast<int64_t>(as.size());
  at::Tensor a = tensor_of(as, {n}), x = tensor_of(xs, {n});
  at::Tensor got = td::detail::gamma_p_grad_a(a, x);
  at::Tensor got_float = td::detail::gamma_p_grad_a(a.to(at::kFloat), x.to(at::kFloat));
  EXPECT_EQ(got_float.scalar_type(), at::kFloat);
  double worst = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double ref = reference_grad_a(as[i], xs[i]);
    const double g = got[i].item<double>();
    ASSERT_TRUE(std::isfinite(g)) << "a = " << as[i] << ", x = " << xs[i];
    EXPECT_LE(g, 0) << "P(a, x) decreases in a";
    // Measured worst: 3.3e-13 relative.
    EXPECT_NEAR(g, ref, 1e-11 * std::abs(ref) + 1e-300) << "a = " << as[i] << ", x = " << xs[i];
    if (std::abs(ref) > 1e-290) worst = std::max(worst, std::abs(g - ref) / std::abs(ref));
    // Float inputs: computed in double from the rounded arguments.
    const float af = static_cast<float>(as[i]), xf = static_cast<float>(xs[i]);
    const double ref_f = xf > 0 ? reference_grad_a(af, xf) : 0.0;
    const double gf = got_float[i].item<double>();
    if (std::abs(ref_f) > 1e-37) {
      EXPECT_NEAR(gf, ref_f, 1e-6 * std::abs(ref_f)) << af << " " << xf;
    }
  }
  RecordProperty("worst_relative_error", std::to_string(worst));
  std::cout << "worst relative error of dP/da: " << worst << "\n";
}

TEST(Gamma, IncompleteGammaAutogradInBothArguments) {
  at::Tensor a = tensor_of({0.2, 1.0, 3.0, 50.0}, {4}).set_requires_grad(true);
  at::Tensor x = tensor_of({0.1, 2.0, 2.5, 60.0}, {4}).set_requires_grad(true);
  at::Tensor p = td::detail::gamma_p(a, x);
  p.sum().backward();
  for (int64_t i = 0; i < 4; ++i) {
    const double ai = a[i].item<double>(), xi = x[i].item<double>();
    // The value is ATen's igamma: ~1e-10 relative error at a = 50.
    EXPECT_NEAR(p[i].item<double>(), boost::math::gamma_p(ai, xi), 2e-9);
    const double dx = boost::math::gamma_p_derivative(ai, xi);
    EXPECT_NEAR(x.grad()[i].item<double>(), dx, 1e-12 * dx);
    const double da = reference_grad_a(ai, xi);
    EXPECT_NEAR(a.grad()[i].item<double>(), da, 1e-10 * std::abs(da));
  }
  // Edges: x = 0 and x = inf have zero derivatives in a; dP/dx at x = 0 is
  // +inf for a < 1 and 1 / Gamma(1) = 1 for a = 1.
  at::Tensor a2 = tensor_of({0.5, 1.0, 2.0}, {3}).set_requires_grad(true);
  at::Tensor x2 = tensor_of({0.0, 0.0, INFINITY}, {3}).set_requires_grad(true);
  td::detail::gamma_p(a2, x2).sum().backward();
  EXPECT_TRUE(at::equal(a2.grad(), at::zeros({3}, at::kDouble)));
  EXPECT_EQ(x2.grad()[0].item<double>(), INFINITY);
  EXPECT_EQ(x2.grad()[1].item<double>(), 1.0);
  EXPECT_EQ(x2.grad()[2].item<double>(), 0.0);
}

TEST(Gamma, ImplicitReparameterizationAgreesWithAten) {
  // ATen's _standard_gamma_grad approximates dx/dc = -(dP/dc) / p(x)
  // (measured relative error up to ~4e-4 against 30-digit references);
  // our exact dP/dc must agree within that.
  at::Tensor c = tensor_of({0.3, 0.3, 1.0, 4.5, 4.5, 30.0, 1e3}, {7});
  at::Tensor x = tensor_of({0.05, 1.0, 0.7, 2.0, 8.0, 33.0, 1010.0}, {7});
  at::Tensor exact = -td::detail::gamma_p_grad_a(c, x) / td::gamma_log_prob(x, c, at::ones_like(c)).exp();
  EXPECT_TRUE(all_close(at::_standard_gamma_grad(c, x), exact, 1e-3));
}

// Per-sample pathwise derivatives: with the parameter expanded to one leaf
// entry per sample, d(sum f(x_i))/d(theta_i) = f'(x_i) dx_i/dtheta_i. Their
// mean estimates d/dtheta E[f(x)]; it must lie within 6 standard errors of
// the analytic derivative (false-failure rate ~2e-9 per check under the
// CLT) plus 1e-3 relative for the bias of ATen's approximate implicit
// gradient (see above).
void expect_pathwise(const at::Tensor& grads, double truth, const char* what) {
  const double n = static_cast<double>(grads.numel());
  const double mean = grads.mean().item<double>();
  const double se = grads.std().item<double>() / std::sqrt(n);
  EXPECT_NEAR(mean, truth, 6 * se + 1e-3 * std::abs(truth)) << what << " (se " << se << ")";
}

TEST(Gamma, PathwiseGradientsOfMomentsMatchAnalyticDerivatives) {
  const int64_t n = 100000;
  uint64_t seed = 500;
  for (auto [c, r] : {std::pair{0.3, 2.0}, {1.0, 1.0}, {4.5, 0.5}, {100.0, 3.0}}) {
    SCOPED_TRACE(::testing::Message() << "concentration " << c << ", rate " << r);
    for (int moment : {1, 2}) {
      at::Tensor cv = at::full({n}, c, at::kDouble).set_requires_grad(true);
      at::Tensor rv = at::full({n}, r, at::kDouble).set_requires_grad(true);
      at::Tensor s = td::Gamma(cv, rv).rsample({}, td::testing::seeded_generator(++seed));
      s.pow(moment).sum().backward();
      if (moment == 1) {  // E[x] = c / r
        expect_pathwise(cv.grad(), 1 / r, "d E[x] / dc");
        expect_pathwise(rv.grad(), -c / (r * r), "d E[x] / dr");
      } else {  // E[x^2] = c (c + 1) / r^2
        expect_pathwise(cv.grad(), (2 * c + 1) / (r * r), "d E[x^2] / dc");
        expect_pathwise(rv.grad(), -2 * c * (c + 1) / (r * r * r), "d E[x^2] / dr");
      }
    }
  }
  // float32 as well.
  at::Tensor cv = at::full({n}, 2.5f).set_requires_grad(true);
  at::Tensor s = td::Gamma(cv, 2.0).rsample({}, td::testing::seeded_generator(++seed));
  s.sum().backward();
  expect_pathwise(cv.grad().to(at::kDouble), 0.5, "float32 d E[x] / dc");
}

TEST(Gamma, ExtremeParametersStayFinite) {
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    for (double c : {1e-3, 1e4}) {
      for (double r : {1e-3, 1e3}) {
        SCOPED_TRACE(::testing::Message() << dtype << " concentration " << c << ", rate " << r);
        at::Tensor cv = at::full({1000}, c, dtype).set_requires_grad(true);
        at::Tensor rv = at::full({1000}, r, dtype).set_requires_grad(true);
        td::Gamma g(cv, rv);
        at::Tensor s = g.rsample({}, td::testing::seeded_generator(77));
        at::Tensor sd = s.detach();
        EXPECT_TRUE(g.support()->check(sd).all().item<bool>()) << "samples outside the support";
        EXPECT_TRUE(at::isfinite(sd).all().item<bool>());
        EXPECT_TRUE(at::isfinite(g.log_prob(sd)).all().item<bool>());
        EXPECT_TRUE(at::isfinite(g.entropy()).all().item<bool>());
        at::Tensor cdf = g.cdf(sd);
        EXPECT_TRUE(at::isfinite(cdf).all().item<bool>());
        s.sum().backward();
        EXPECT_TRUE(at::isfinite(cv.grad()).all().item<bool>());
        EXPECT_TRUE(at::isfinite(rv.grad()).all().item<bool>());
        if (dtype == at::kDouble) {
          // cdf gradients in the parameters, at the samples.
          auto [gc, gr] = [&] {
            at::Tensor c2 = cv.detach().clone().set_requires_grad(true);
            at::Tensor r2 = rv.detach().clone().set_requires_grad(true);
            td::Gamma(c2, r2).cdf(sd).sum().backward();
            return std::pair{c2.grad(), r2.grad()};
          }();
          EXPECT_TRUE(at::isfinite(gc).all().item<bool>());
          EXPECT_TRUE(at::isfinite(gr).all().item<bool>());
        }
      }
    }
  }
}

TEST(Gamma, ValidationErrorsNameDistributionArgumentAndConstraint) {
  EXPECT_THROW_MSG(td::Gamma(tensor_of({1, -1, 2}, {3}), 1.0), c10::ValueError,
                   "Gamma: concentration must satisfy positive(), got -1 at index [1]");
  EXPECT_THROW_MSG(td::Gamma(1.0, tensor_of({1, 0}, {2})), c10::ValueError,
                   "Gamma: rate must satisfy positive(), got 0 at index [1]");
  EXPECT_THROW_MSG(td::Gamma(tensor_of({NAN}), 1.0), c10::ValueError,
                   "Gamma: concentration must satisfy positive(), got nan");
  td::Gamma g(at::ones({3}, at::kDouble), 2.0);
  EXPECT_THROW_MSG(g.log_prob(tensor_of({1, -0.5, 2}, {3})), c10::ValueError,
                   "Gamma: value must be within the support nonnegative(), got -0.5 at index [1]");
  EXPECT_THROW_MSG(g.cdf(tensor_of({-1})), c10::ValueError,
                   "Gamma: value must be within the support nonnegative(), got -1");
  EXPECT_THROW_MSG(g.log_prob(at::ones({2}, at::kDouble)), c10::ValueError,
                   "Gamma: value of shape [2] is not broadcastable with batch_shape + event_shape [3]");
  EXPECT_THROW_MSG(g.icdf(tensor_of({0.5})), c10::NotImplementedError, "Gamma does not implement icdf");
  EXPECT_THROW_MSG(g.enumerate_support(), c10::NotImplementedError, "Gamma does not implement enumerate_support");
  EXPECT_NO_THROW(td::Gamma(-1.0, 0.0, /*validate_args=*/false));
  EXPECT_NO_THROW(td::Gamma(1.0, 1.0, /*validate_args=*/false).log_prob(tensor_of({-1})));
}

TEST(Gamma, IncompleteGammaDerivativeInAForLargeA) {
  // {a, x, dP/da}, generated by tests/reference/gamma_p_grad_a_reference.py
  // (90-digit quadrature); x = a + k sqrt(a) for k in -38, -5, -1, 0, 1/2, 3, 10.
  // 999999 and 1e6 sit on both sides of the switch to Temme's expansion.
  const std::vector<std::array<double, 3>> cases = {
      {999999.0, 961999.0190000047, -0.0},
      {999999.0, 994999.0025000006, -1.429399274272559e-09},
      {999999.0, 998999.0005000001, -0.00024201118742553574},
      {999999.0, 999999.0, -0.0003989425131179649},
      {999999.0, 1000498.99975, -0.00035199220558292983},
      {999999.0, 1002998.9984999996, -4.465133008192278e-06},
      {999999.0, 1009998.9949999987, -1.0658878725605647e-25},
      {1000000.0, 962000.0, -0.0},
      {1000000.0, 995000.0, -1.42939858778212e-09},
      {1000000.0, 999000.0, -0.00024201106639974455},
      {1000000.0, 1000000.0, -0.0003989423136466252},
      {1000000.0, 1000500.0, -0.0003519920296234105},
      {1000000.0, 1003000.0, -4.465130758962506e-06},
      {1000000.0, 1010000.0, -1.0658871672438335e-25},
      {10000000.0, 9879833.448913602, -1.019e-320},
      {10000000.0, 9984188.611699158, -4.6434789946725015e-10},
      {10000000.0, 9996837.722339831, -7.652189492650148e-05},
      {10000000.0, 10000000.0, -0.00012615662715231323},
      {10000000.0, 10001581.138830084, -0.0001113254986555081},
      {10000000.0, 10009486.832980504, -1.4047987860988171e-06},
      {10000000.0, 10031622.776601683, -2.698799094327038e-26},
      {10000000000.0, 9996200000.0, -9.139e-320},
      {10000000000.0, 9999500000.0, -1.486137307840872e-11},
      {10000000000.0, 9999900000.0, -2.419711278050285e-06},
      {10000000000.0, 10000000000.0, -3.989422804047572e-06},
      {10000000000.0, 10000050000.0, -3.520645932998502e-06},
      {10000000000.0, 10000300000.0, -4.4321808049267906e-08},
      {10000000000.0, 10001000000.0, -7.71990216557382e-28},
      {1000000000000000.0, 999998798334489.1, -3.46e-322},
      {1000000000000000.0, 999999841886117.0, -4.701414091657088e-14},
      {1000000000000000.0, 999999968377223.4, -7.651786200303057e-09},
      {1000000000000000.0, 1000000000000000.0, -1.2615662610100802e-08},
      {1000000000000000.0, 1000000015811388.2, -1.1133283113069141e-08},
      {1000000000000000.0, 1000000094868329.8, -1.4014738623404538e-10},
      {1000000000000000.0, 1000000316227766.0, -2.4332710111331256e-30},
      {1e+20, 9.999999962e+19, -0.0},
      {1e+20, 9.999999995e+19, -1.4867172253118297e-16},
      {1e+20, 9.999999999e+19, -2.4197055107856084e-11},
      {1e+20, 1e+20, -3.989422804014327e-11},
      {1e+20, 1.00000000005e+20, -3.520652636668413e-11},
      {1e+20, 1.0000000003e+20, -4.4318416079473765e-13},
      {1e+20, 1.000000001e+20, -7.694551603874055e-33},
      {1e+30, 9.99999999999962e+29, -0.0},
      {1e+30, 9.99999999999995e+29, -1.0635471585398246e-21},
      {1e+30, 9.99999999999999e+29, -2.455607204294785e-16},
      {1e+30, 1e+30, -3.989422804014327e-16},
      {1e+30, 1.0000000000000006e+30, -3.4048137351124914e-16},
      {1e+30, 1.000000000000003e+30, -5.059988887641337e-18},
      {1e+30, 1.00000000000001e+30, -8.305124229549442e-38},
  };
  std::vector<double> as, xs;
  for (const auto& c : cases) {
    as.push_back(c[0]);
    xs.push_back(c[1]);
  }
  const int64_t n = static_cast<int64_t>(cases.size());
  const at::Tensor got = td::detail::gamma_p_grad_a(tensor_of(as, {n}), tensor_of(xs, {n}));
  for (int64_t i = 0; i < n; ++i) {
    const double ref = cases[i][2];
    EXPECT_NEAR(got[i].item<double>(), ref, 1e-11 * std::abs(ref) + 1e-300)
        << "a = " << cases[i][0] << ", x = " << cases[i][1];
  }
  // Far from the bulk everything underflows; a = inf has the limit 0.
  const at::Tensor far = td::detail::gamma_p_grad_a(tensor_of({1e30, 1e30, 1e38, 1.5, INFINITY}),
                                                    tensor_of({1e29, 2e30, 1.0, 5.4e37, 3.0}));
  EXPECT_TRUE(at::equal(far, at::zeros({5}, at::kDouble))) << far;
}

TEST(Gamma, IncompleteGammaDerivativeTensorOpsMatchTheHostLoop) {
  // Other devices use the tensor-op form of the same method; on the CPU the
  // two must agree on every branch: series, continued fraction, Stirling
  // prefactor, Temme, underflow, the ends and invalid inputs.
  std::vector<double> as, xs;
  for (double a : {1e-3, 0.01, 0.5, 1.0, 2.5, 9.99, 10.0, 100.0, 1e3, 1e4, 999999.0, 1e6, 1e10, 1e30}) {
    for (double m : {1e-6, 1e-2, 0.5, 0.9, 0.99, 0.999, 1.0, 1.001, 1.01, 1.1, 2.0, 10.0}) {
      as.push_back(a);
      xs.push_back(a * m);
    }
    for (double x : {a + 1, 1e-300, 0.0, static_cast<double>(INFINITY), 30.0, 1e4}) {
      as.push_back(a);
      xs.push_back(x);
    }
  }
  for (auto [a, x] : {std::pair{0.0, 1.0}, {-1.0, 1.0}, {1.0, -1.0}, {NAN, 1.0}, {1.0, NAN}, {INFINITY, 2.0}}) {
    as.push_back(a);
    xs.push_back(x);
  }
  const int64_t n = static_cast<int64_t>(as.size());
  const at::Tensor a = tensor_of(as, {n}), x = tensor_of(xs, {n});
  const at::Tensor host = td::detail::gamma_p_grad_a(a, x);
  const at::Tensor ops = td::detail::gamma_p_grad_a_tensor_ops(a, x);
  for (int64_t i = 0; i < n; ++i) {
    const double h = host[i].item<double>(), o = ops[i].item<double>();
    if (std::isnan(h)) {
      EXPECT_TRUE(std::isnan(o)) << "a = " << as[i] << ", x = " << xs[i];
    } else {
      EXPECT_NEAR(o, h, 1e-12 * std::abs(h) + 1e-300) << "a = " << as[i] << ", x = " << xs[i];
    }
  }
  // Float arguments come back as float; empty and broadcast shapes work.
  EXPECT_EQ(td::detail::gamma_p_grad_a_tensor_ops(a.to(at::kFloat), x.to(at::kFloat)).scalar_type(), at::kFloat);
  EXPECT_EQ(td::detail::gamma_p_grad_a_tensor_ops(at::ones({0}, at::kDouble), tensor_of({1.0})).sizes(),
            at::IntArrayRef({0}));
  EXPECT_EQ(td::detail::gamma_p_grad_a_tensor_ops(tensor_of({1.0, 2.0}), tensor_of({1.0})).sizes(),
            at::IntArrayRef({2}));
}

TEST(Gamma, IncompleteGammaErrors) {  // Second derivatives through a would be silently wrong, so they throw.
  at::Tensor c = tensor_of({2.0}).set_requires_grad(true);
  at::Tensor p = td::Gamma(c, 1.0).cdf(tensor_of({1.0}));
  EXPECT_THROW_MSG(torch::autograd::grad({p}, {c}, {}, /*retain_graph=*/true, /*create_graph=*/true),
                   c10::NotImplementedError, "gamma_p: second derivatives with respect to a are not implemented");
  // Second derivatives in x alone work: d^2 P / dx^2 = p'(x).
  at::Tensor x = tensor_of({1.5}).set_requires_grad(true);
  at::Tensor px = td::detail::gamma_p(tensor_of({3.0}), x);
  at::Tensor dx = torch::autograd::grad({px}, {x}, {}, true, true)[0];
  at::Tensor d2x = torch::autograd::grad({dx}, {x})[0];
  // p(x) = x^2 e^-x / 2, p'(x) = (2x - x^2) e^-x / 2.
  EXPECT_NEAR(d2x.item<double>(), (2 * 1.5 - 1.5 * 1.5) * std::exp(-1.5) / 2, 1e-12);
}

}  // namespace
