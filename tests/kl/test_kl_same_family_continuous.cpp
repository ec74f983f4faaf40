// KL between two members of the same continuous family: values against
// Boost.Math quadrature of p log(p / q) with hand-written densities (and,
// where p is close to q, against the closed form in 50-digit arithmetic),
// Monte Carlo estimates, KL(p, p) = 0, gradients against finite
// differences, +inf where the supports are not nested, batch broadcasting
// and dtypes.

#include <torchdist/distributions/beta.h>
#include <torchdist/distributions/cauchy.h>
#include <torchdist/distributions/continuous_bernoulli.h>
#include <torchdist/distributions/dirichlet.h>
#include <torchdist/distributions/exponential.h>
#include <torchdist/distributions/gamma.h>
#include <torchdist/distributions/gumbel.h>
#include <torchdist/distributions/half_normal.h>
#include <torchdist/distributions/laplace.h>
#include <torchdist/distributions/normal.h>
#include <torchdist/distributions/pareto.h>
#include <torchdist/distributions/uniform.h>

#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <vector>

#include "kl_testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::expect_broadcast_and_dtype;
using td::testing::tensor_of;

namespace {

using Big = boost::multiprecision::cpp_bin_float_50;
using DistPtr = std::shared_ptr<td::Distribution>;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kPi = 3.14159265358979323846;
constexpr double kEuler = 0.57721566490153286061;

at::Tensor S(double x) { return at::full({}, x, at::kDouble); }

double kl_of(const td::Distribution& p, const td::Distribution& q) { return td::kl_divergence(p, q).item<double>(); }

// Relative comparison against an independent reference.
void expect_rel(double actual, double expected, double rtol, const std::string& what) {
  EXPECT_NEAR(actual, expected, rtol * std::abs(expected))
      << what << ": relative error " << std::abs(actual - expected) / std::abs(expected);
}

// \int_a^b f over a finite, half-infinite or infinite interval.
double integrate(const std::function<double(double)>& f, double a, double b) {
  const double tol = 1e-13;
  if (std::isfinite(a) && std::isfinite(b)) return boost::math::quadrature::tanh_sinh<double>().integrate(f, a, b, tol);
  return boost::math::quadrature::exp_sinh<double>().integrate(f, a, b, tol);
}

// KL = \int p (log p - log q) over the pieces between consecutive breaks.
double kl_by_quadrature(const std::function<double(double)>& log_p, const std::function<double(double)>& log_q,
                        const std::vector<double>& breaks) {
  auto f = [&](double x) {
    const double lp = log_p(x);
    if (lp == -kInf) return 0.0;
    return std::exp(lp) * (lp - log_q(x));
  };
  double total = 0;
  for (size_t i = 0; i + 1 < breaks.size(); ++i) total += integrate(f, breaks[i], breaks[i + 1]);
  return total;
}


// ---------------------------------------------------------------- Normal

double normal_log_pdf(double x, double m, double s) {
  const double z = (x - m) / s;
  return -0.5 * z * z - std::log(s) - 0.5 * std::log(2 * kPi);
}

TEST(KlNormalNormal, MatchesQuadrature) {
  struct Case {
    double mp, sp, mq, sq;
  };
  for (Case c : {Case{0.3, 1.2, -0.5, 0.7}, Case{2, 0.1, 0, 3}, Case{-1, 5, -1, 0.5}}) {
    const double ref = kl_by_quadrature([&](double x) { return normal_log_pdf(x, c.mp, c.sp); },
                                        [&](double x) { return normal_log_pdf(x, c.mq, c.sq); }, {-kInf, c.mp, kInf});
    expect_rel(kl_of(td::Normal(S(c.mp), S(c.sp)), td::Normal(S(c.mq), S(c.sq))), ref, 1e-9, "Normal");
  }
}

// p within 1e-8 of q: KL ~ 1e-16, where torch's formula has no correct
// digit. Reference: the closed form in 50-digit arithmetic.
TEST(KlNormalNormal, KeepsRelativePrecisionWhenPIsCloseToQ) {
  struct Case {
    double mp, sp, mq, sq;
  };
  for (Case c : {Case{0, 1 + 1e-8, 0, 1}, Case{0.1, 2, 0.1, 2 - 3e-9}, Case{1e-8, 1, 0, 1}, Case{0, 3, 1e-7, 3 + 1e-7},
                 Case{0, 1, 0, 1.001}, Case{0.5, 1, 0, 1.2}}) {
    const Big sp = c.sp, sq = c.sq, d = Big(c.mp) - Big(c.mq);
    const Big ref = log(sq / sp) + (sp * sp + d * d) / (2 * sq * sq) - Big(0.5);
    expect_rel(kl_of(td::Normal(S(c.mp), S(c.sp)), td::Normal(S(c.mq), S(c.sq))), static_cast<double>(ref), 1e-12,
               "Normal near");
  }
}

DistPtr normal_from(const at::Tensor& u) { return std::make_shared<td::Normal>(2 * u - 1, 0.5 + u); }

TEST(KlNormalNormal, MonteCarloSelfGradientsShapes) {
  td::Normal p(tensor_of({0.3, 2, -1}), tensor_of({1.2, 0.1, 5}));
  td::Normal q(tensor_of({-0.5, 0, -1}), tensor_of({0.7, 3, 0.5}));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 11);
  td::testing::expect_kl_to_self_is_zero(p, 1e-300);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Normal(x[0], x[1]), td::Normal(x[2], x[3]));
      },
      {tensor_of({0.3, 2, -1}), tensor_of({1.2, 0.1, 5}), tensor_of({-0.5, 0, -1}), tensor_of({0.7, 3, 0.5})});
  expect_broadcast_and_dtype(normal_from, normal_from);
}

// ------------------------------------------------------------ HalfNormal

TEST(KlHalfNormalHalfNormal, MatchesQuadratureAndCloseForm) {
  for (auto c : std::vector<std::pair<double, double>>{{1.2, 0.7}, {0.1, 3}, {5, 0.5}}) {
    const double ref =
        kl_by_quadrature([&](double x) { return std::log(2.0) + normal_log_pdf(x, 0, c.first); },
                         [&](double x) { return std::log(2.0) + normal_log_pdf(x, 0, c.second); }, {0, c.first, kInf});
    expect_rel(kl_of(td::HalfNormal(S(c.first)), td::HalfNormal(S(c.second))), ref, 1e-9, "HalfNormal");
  }
  for (auto c : std::vector<std::pair<double, double>>{{1 + 1e-8, 1}, {2, 2 + 4e-9}}) {
    const Big r = Big(c.first) / Big(c.second);
    const Big ref = (r * r - 1 - log(r * r)) / 2;
    expect_rel(kl_of(td::HalfNormal(S(c.first)), td::HalfNormal(S(c.second))), static_cast<double>(ref), 1e-12,
               "HalfNormal near");
  }
}

TEST(KlHalfNormalHalfNormal, MonteCarloSelfGradientsShapes) {
  td::HalfNormal p(tensor_of({1.2, 0.1, 5}));
  td::HalfNormal q(tensor_of({0.7, 3, 0.5}));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 12);
  td::testing::expect_kl_to_self_is_zero(p, 1e-300);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) { return td::kl_divergence(td::HalfNormal(x[0]), td::HalfNormal(x[1])); },
      {tensor_of({1.2, 0.1, 5}), tensor_of({0.7, 3, 0.5})});
  auto make = [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::HalfNormal>(0.5 + u); };
  expect_broadcast_and_dtype(make, make);
}

// ----------------------------------------------------------- Exponential

TEST(KlExponentialExponential, MatchesQuadratureAndCloseForm) {
  for (auto c : std::vector<std::pair<double, double>>{{1.5, 0.4}, {0.01, 2}, {10, 10.5}}) {
    const double ref =
        kl_by_quadrature([&](double x) { return std::log(c.first) - c.first * x; },
                         [&](double x) { return std::log(c.second) - c.second * x; }, {0, 1 / c.first, kInf});
    expect_rel(kl_of(td::Exponential(S(c.first)), td::Exponential(S(c.second))), ref, 1e-9, "Exponential");
  }
  for (auto c : std::vector<std::pair<double, double>>{{1 + 1e-9, 1}, {300, 300 - 1e-5}}) {
    const Big r = Big(c.second) / Big(c.first);
    expect_rel(kl_of(td::Exponential(S(c.first)), td::Exponential(S(c.second))), static_cast<double>(r - 1 - log(r)),
               1e-12, "Exponential near");
  }
}

TEST(KlExponentialExponential, MonteCarloSelfGradientsShapes) {
  td::Exponential p(tensor_of({1.5, 0.01, 10}));
  td::Exponential q(tensor_of({0.4, 2, 10.5}));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 13);
  td::testing::expect_kl_to_self_is_zero(p, 1e-300);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) { return td::kl_divergence(td::Exponential(x[0]), td::Exponential(x[1])); },
      {tensor_of({1.5, 0.01, 10}), tensor_of({0.4, 2, 10.5})});
  auto make = [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::Exponential>(0.2 + 2 * u); };
  expect_broadcast_and_dtype(make, make);
}

// ----------------------------------------------------------------- Gamma

double gamma_log_pdf(double x, double a, double b) {
  return a * std::log(b) + (a - 1) * std::log(x) - b * x - std::lgamma(a);
}

TEST(KlGammaGamma, MatchesQuadratureAndCloseForm) {
  struct Case {
    double ap, bp, aq, bq;
  };
  for (Case c : {Case{2.5, 1.5, 1.2, 0.7}, Case{0.5, 2, 3, 1}, Case{7, 0.3, 6.5, 0.35}}) {
    const double ref = kl_by_quadrature([&](double x) { return gamma_log_pdf(x, c.ap, c.bp); },
                                        [&](double x) { return gamma_log_pdf(x, c.aq, c.bq); }, {0, c.ap / c.bp, kInf});
    expect_rel(kl_of(td::Gamma(S(c.ap), S(c.bp)), td::Gamma(S(c.aq), S(c.bq))), ref, 1e-9, "Gamma");
  }
  // Equal concentrations, rates within 1e-9: KL ~ 1e-18.
  for (Case c : {Case{2.5, 1 + 1e-9, 2.5, 1}, Case{0.3, 4, 0.3, 4 - 1e-8}}) {
    const Big r = Big(c.bq) / Big(c.bp);
    expect_rel(kl_of(td::Gamma(S(c.ap), S(c.bp)), td::Gamma(S(c.aq), S(c.bq))),
               static_cast<double>(Big(c.ap) * (r - 1 - log(r))), 1e-12, "Gamma near");
  }
}

TEST(KlGammaGamma, MonteCarloSelfGradientsShapes) {
  td::Gamma p(tensor_of({2.5, 0.5, 7}), tensor_of({1.5, 2, 0.3}));
  td::Gamma q(tensor_of({1.2, 3, 6.5}), tensor_of({0.7, 1, 0.35}));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 14);
  td::testing::expect_kl_to_self_is_zero(p, 1e-300);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) { return td::kl_divergence(td::Gamma(x[0], x[1]), td::Gamma(x[2], x[3])); },
      {tensor_of({2.5, 0.5, 7}), tensor_of({1.5, 2, 0.3}), tensor_of({1.2, 3, 6.5}), tensor_of({0.7, 1, 0.35})});
  auto make = [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::Gamma>(0.5 + 3 * u, 0.5 + u); };
  expect_broadcast_and_dtype(make, make);
}

// ------------------------------------------------------------------ Beta

// KL between two Betas by quadrature in s = -log x on (0, 1/2] and
// s = -log(1 - x) on [1/2, 1): the integrands decay like e^{-a s} and the
// logs are exact, where the densities' endpoint singularities (a < 1) cost
// plain tanh-sinh ~1e-8.
double beta_kl_by_quadrature(double ap, double bp, double aq, double bq) {
  const double norm_p = std::log(boost::math::beta(ap, bp)), norm_q = std::log(boost::math::beta(aq, bq));
  // p(x) (log p - log q) times the Jacobian e^{-s}, folded into the exponent.
  auto g = [&](double log_x, double log_1mx, double s) {
    if (!std::isfinite(s)) return 0.0;
    const double lp = (ap - 1) * log_x + (bp - 1) * log_1mx - norm_p;
    const double lq = (aq - 1) * log_x + (bq - 1) * log_1mx - norm_q;
    const double weight = std::exp(lp - s);
    return weight == 0 ? 0.0 : weight * (lp - lq);
  };
  auto left = [&](double s) { return g(-s, std::log1p(-std::exp(-s)), s); };
  auto right = [&](double s) { return g(std::log1p(-std::exp(-s)), -s, s); };
  boost::math::quadrature::exp_sinh<double> es;
  return es.integrate(left, std::log(2.0), kInf, 1e-13) + es.integrate(right, std::log(2.0), kInf, 1e-13);
}

TEST(KlBetaBeta, MatchesQuadrature) {
  struct Case {
    double ap, bp, aq, bq;
  };
  for (Case c : {Case{2, 3, 1.5, 0.8}, Case{0.7, 0.6, 2, 2}, Case{10, 4, 8, 5}, Case{0.3, 5, 0.5, 0.5}}) {
    expect_rel(kl_of(td::Beta(S(c.ap), S(c.bp)), td::Beta(S(c.aq), S(c.bq))),
               beta_kl_by_quadrature(c.ap, c.bp, c.aq, c.bq), 1e-9, "Beta");
  }
}

TEST(KlBetaBeta, MonteCarloSelfGradientsShapes) {
  td::Beta p(tensor_of({2, 0.7, 10}), tensor_of({3, 0.6, 4}));
  td::Beta q(tensor_of({1.5, 2, 8}), tensor_of({0.8, 2, 5}));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 15);
  td::testing::expect_kl_to_self_is_zero(p, 1e-14);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) { return td::kl_divergence(td::Beta(x[0], x[1]), td::Beta(x[2], x[3])); },
      {tensor_of({2, 0.7, 10}), tensor_of({3, 0.6, 4}), tensor_of({1.5, 2, 8}), tensor_of({0.8, 2, 5})});
  auto make = [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::Beta>(0.5 + 3 * u, 2.5 - u); };
  expect_broadcast_and_dtype(make, make);
}

// ------------------------------------------------------------- Dirichlet

// KL between two Dirichlets on the 2-simplex by nested quadrature: x1 in
// (0, 1), x2 = (1 - x1) s with s in (0, 1), x3 = (1 - x1)(1 - s).
double dirichlet3_kl_by_quadrature(const std::vector<double>& a, const std::vector<double>& b) {
  auto log_norm = [](const std::vector<double>& c) {
    return std::lgamma(c[0] + c[1] + c[2]) - std::lgamma(c[0]) - std::lgamma(c[1]) - std::lgamma(c[2]);
  };
  const double na = log_norm(a), nb = log_norm(b);
  auto outer = [&](double x1) {
    const double l1 = std::log(x1), lr = std::log1p(-x1);
    auto inner = [&](double s) {
      const double l2 = lr + std::log(s), l3 = lr + std::log1p(-s);
      const double lp = na + (a[0] - 1) * l1 + (a[1] - 1) * l2 + (a[2] - 1) * l3;
      const double lq = nb + (b[0] - 1) * l1 + (b[1] - 1) * l2 + (b[2] - 1) * l3;
      return std::exp(lp) * (lp - lq) * std::exp(lr);  // Jacobian dx2 = (1 - x1) ds
    };
    return boost::math::quadrature::tanh_sinh<double>().integrate(inner, 0.0, 1.0, 1e-12);
  };
  return boost::math::quadrature::tanh_sinh<double>().integrate(outer, 0.0, 1.0, 1e-11);
}

TEST(KlDirichletDirichlet, MatchesNestedQuadratureAndBeta) {
  for (auto c : std::vector<std::pair<std::vector<double>, std::vector<double>>>{
           {{2, 3, 1.5}, {1, 1, 1}}, {{1.2, 4, 2.5}, {3, 2, 1.5}}, {{5, 1, 2}, {1.5, 1.5, 4}}}) {
    const double ref = dirichlet3_kl_by_quadrature(c.first, c.second);
    expect_rel(kl_of(td::Dirichlet(tensor_of(c.first)), td::Dirichlet(tensor_of(c.second))), ref, 1e-8, "Dirichlet");
  }
  // Two categories: the Beta divergence of the first coordinate, by 1-d
  // quadrature.
  const double ref = beta_kl_by_quadrature(0.7, 2.5, 3, 1.5);
  expect_rel(kl_of(td::Dirichlet(tensor_of({0.7, 2.5})), td::Dirichlet(tensor_of({3, 1.5}))), ref, 1e-8,
             "Dirichlet K = 2");
}

TEST(KlDirichletDirichlet, MonteCarloSelfGradientsShapes) {
  at::Tensor a = tensor_of({2, 3, 1.5, 1.2, 4, 2.5}, {2, 3});
  at::Tensor b = tensor_of({1, 1, 1, 3, 2, 1.5}, {2, 3});
  td::Dirichlet p(a), q(b);
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 16);
  td::testing::expect_kl_to_self_is_zero(p, 1e-14);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) { return td::kl_divergence(td::Dirichlet(x[0]), td::Dirichlet(x[1])); },
      {a, b});
  auto make = [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::Dirichlet>(0.5 + 3 * u); };
  expect_broadcast_and_dtype(make, make, {4});
}

// ---------------------------------------------------------------- Cauchy

// x = l_p + s_p tan(t) maps t in (-pi/2, pi/2) onto the line with
// p(x) dx = dt / pi; log(p / q) is evaluated in a form that stays finite
// for |tan(t)| up to overflow.
double cauchy_kl_by_quadrature(double lp, double sp, double lq, double sq) {
  auto f = [&](double t) {
    const double tt = std::tan(t);
    double ratio;  // (1 + ((lp - lq + sp tt) / sq)^2) / (1 + tt^2)
    if (std::abs(tt) <= 1) {
      const double z = (lp - lq + sp * tt) / sq;
      ratio = (1 + z * z) / (1 + tt * tt);
    } else {
      const double c = 1 / tt, z = ((lp - lq) * c + sp) / sq;
      ratio = (c * c + z * z) / (c * c + 1);
    }
    return (std::log(sq / sp) + std::log(ratio)) / kPi;
  };
  return boost::math::quadrature::tanh_sinh<double>().integrate(f, -kPi / 2, kPi / 2, 1e-13);
}

TEST(KlCauchyCauchy, MatchesQuadratureAndCloseForm) {
  struct Case {
    double lp, sp, lq, sq;
  };
  for (Case c : {Case{0, 1, 1, 2}, Case{3, 0.5, -2, 4}, Case{0, 1, 0, 1.5}}) {
    expect_rel(kl_of(td::Cauchy(S(c.lp), S(c.sp)), td::Cauchy(S(c.lq), S(c.sq))),
               cauchy_kl_by_quadrature(c.lp, c.sp, c.lq, c.sq), 1e-9, "Cauchy");
  }
  for (Case c : {Case{0, 1 + 1e-8, 0, 1}, Case{1e-8, 2, 0, 2}, Case{5, 1e3, 5, 1e3 + 1e-4}}) {
    const Big sp = c.sp, sq = c.sq, d = Big(c.lp) - Big(c.lq);
    const Big ref = log(((sp + sq) * (sp + sq) + d * d) / (4 * sp * sq));
    expect_rel(kl_of(td::Cauchy(S(c.lp), S(c.sp)), td::Cauchy(S(c.lq), S(c.sq))), static_cast<double>(ref), 1e-12,
               "Cauchy near");
  }
}

// The log-ratio of two Cauchy densities is bounded, so the Monte Carlo
// estimate has finite variance despite the heavy tails.
TEST(KlCauchyCauchy, MonteCarloSelfGradientsShapes) {
  td::Cauchy p(tensor_of({0, 3, 0}), tensor_of({1, 0.5, 1}));
  td::Cauchy q(tensor_of({1, -2, 0}), tensor_of({2, 4, 1.5}));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 17);
  td::testing::expect_kl_to_self_is_zero(p, 1e-300);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Cauchy(x[0], x[1]), td::Cauchy(x[2], x[3]));
      },
      {tensor_of({0, 3, 0}), tensor_of({1, 0.5, 1}), tensor_of({1, -2, 0}), tensor_of({2, 4, 1.5})});
  auto make = [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::Cauchy>(2 * u - 1, 0.5 + u); };
  expect_broadcast_and_dtype(make, make);
}

// ---------------------------------------------------------------- Gumbel

double gumbel_log_pdf(double x, double m, double b) {
  const double z = (x - m) / b;
  return -std::log(b) - z - std::exp(-z);
}

TEST(KlGumbelGumbel, MatchesQuadrature) {
  struct Case {
    double mp, bp, mq, bq;
  };
  for (Case c : {Case{0, 1, 1, 2}, Case{2, 0.5, -1, 1.5}, Case{1, 3, 1.5, 2.5}}) {
    const double ref = kl_by_quadrature([&](double x) { return gumbel_log_pdf(x, c.mp, c.bp); },
                                        [&](double x) { return gumbel_log_pdf(x, c.mq, c.bq); }, {-kInf, c.mp, kInf});
    expect_rel(kl_of(td::Gumbel(S(c.mp), S(c.bp)), td::Gumbel(S(c.mq), S(c.bq))), ref, 1e-9, "Gumbel");
  }
  // Equal scales, locations 1e-8 apart: KL = e^u - 1 - u ~ 5e-17.
  const Big u = Big(1e-8) / 2;
  expect_rel(kl_of(td::Gumbel(S(1e-8), S(2)), td::Gumbel(S(0), S(2))), static_cast<double>(exp(-u) - 1 + u), 1e-12,
             "Gumbel near");
}

TEST(KlGumbelGumbel, MonteCarloSelfGradientsShapes) {
  td::Gumbel p(tensor_of({0, 2, 1}), tensor_of({1, 0.5, 3}));
  td::Gumbel q(tensor_of({1, -1, 1.5}), tensor_of({2, 1.5, 2.5}));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 18);
  td::testing::expect_kl_to_self_is_zero(p, 1e-15);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Gumbel(x[0], x[1]), td::Gumbel(x[2], x[3]));
      },
      {tensor_of({0, 2, 1}), tensor_of({1, 0.5, 3}), tensor_of({1, -1, 1.5}), tensor_of({2, 1.5, 2.5})});
  auto make = [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::Gumbel>(2 * u - 1, 0.5 + u); };
  expect_broadcast_and_dtype(make, make);
}

// --------------------------------------------------------------- Laplace

double laplace_log_pdf(double x, double m, double b) { return -std::log(2 * b) - std::abs(x - m) / b; }

TEST(KlLaplaceLaplace, MatchesQuadratureAndCloseForm) {
  struct Case {
    double mp, bp, mq, bq;
  };
  for (Case c : {Case{0, 1, 1, 2}, Case{3, 0.5, -2, 4}, Case{0, 1, 0, 1.5}}) {
    const double lo = std::min(c.mp, c.mq), hi = std::max(c.mp, c.mq);
    std::vector<double> breaks = {-kInf, lo};
    if (hi > lo) breaks.push_back(hi);
    breaks.push_back(kInf);
    const double ref = kl_by_quadrature([&](double x) { return laplace_log_pdf(x, c.mp, c.bp); },
                                        [&](double x) { return laplace_log_pdf(x, c.mq, c.bq); }, breaks);
    expect_rel(kl_of(td::Laplace(S(c.mp), S(c.bp)), td::Laplace(S(c.mq), S(c.bq))), ref, 1e-9, "Laplace");
  }
  for (Case c : {Case{0, 1 + 1e-8, 0, 1}, Case{1e-8, 2, 0, 2}, Case{1e-7, 1, 0, 1 + 1e-7}}) {
    const Big bp = c.bp, bq = c.bq, d = abs(Big(c.mp) - Big(c.mq));
    const Big ref = -log(bp / bq) + d / bq + bp / bq * exp(-d / bp) - 1;
    expect_rel(kl_of(td::Laplace(S(c.mp), S(c.bp)), td::Laplace(S(c.mq), S(c.bq))), static_cast<double>(ref), 1e-12,
               "Laplace near");
  }
}

TEST(KlLaplaceLaplace, MonteCarloSelfGradientsShapes) {
  td::Laplace p(tensor_of({0, 3, 0}), tensor_of({1, 0.5, 1}));
  td::Laplace q(tensor_of({1, -2, 0}), tensor_of({2, 4, 1.5}));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 19);
  td::testing::expect_kl_to_self_is_zero(p, 1e-300);
  // Locations apart: |m_p - m_q| is differentiable there.
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Laplace(x[0], x[1]), td::Laplace(x[2], x[3]));
      },
      {tensor_of({0, 3, 0.5}), tensor_of({1, 0.5, 1}), tensor_of({1, -2, 0}), tensor_of({2, 4, 1.5})});
  auto make = [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::Laplace>(2 * u - 1, 0.5 + u); };
  expect_broadcast_and_dtype(make, make);
}

// ---------------------------------------------------------------- Pareto

// With x = s_p e^u, p(x) dx = a_p e^{-a_p u} du on u >= 0 (for s_p >= s_q).
double pareto_kl_by_quadrature(double sp, double ap, double sq, double aq) {
  auto log_pdf = [](double log_x, double s, double a) { return std::log(a) + a * std::log(s) - (a + 1) * log_x; };
  auto f = [&](double u) {
    const double log_x = std::log(sp) + u;
    return ap * std::exp(-ap * u) * (log_pdf(log_x, sp, ap) - log_pdf(log_x, sq, aq));
  };
  return boost::math::quadrature::exp_sinh<double>().integrate(f, 0.0, kInf, 1e-13);
}

TEST(KlParetoPareto, MatchesQuadratureAndCloseForm) {
  struct Case {
    double sp, ap, sq, aq;
  };
  for (Case c : {Case{2, 3, 1, 1.5}, Case{1, 0.5, 0.5, 2}, Case{3, 4, 3, 3.5}}) {
    expect_rel(kl_of(td::Pareto(S(c.sp), S(c.ap)), td::Pareto(S(c.sq), S(c.aq))),
               pareto_kl_by_quadrature(c.sp, c.ap, c.sq, c.aq), 1e-9, "Pareto");
  }
  for (Case c : {Case{1, 2 + 1e-8, 1, 2}, Case{1 + 1e-9, 3, 1, 3}}) {
    const Big r = Big(c.aq) / Big(c.ap);
    const Big ref = Big(c.aq) * log(Big(c.sp) / Big(c.sq)) + r - 1 - log(r);
    expect_rel(kl_of(td::Pareto(S(c.sp), S(c.ap)), td::Pareto(S(c.sq), S(c.aq))), static_cast<double>(ref), 1e-12,
               "Pareto near");
  }
}

TEST(KlParetoPareto, InfiniteWhereScaleOfPIsBelowScaleOfQ) {
  // Elements 1 and 3 have s_p < s_q; the others are finite.
  at::Tensor sp = tensor_of({2, 0.5, 3, 1}), ap = tensor_of({3, 1, 4, 2});
  at::Tensor sq = tensor_of({1, 1, 2.5, 1.5}), aq = tensor_of({1.5, 2, 3.5, 2});
  at::Tensor kl = td::kl_divergence(td::Pareto(sp, ap), td::Pareto(sq, aq));
  td::testing::expect_all_infinite(kl.index({at::tensor({1, 3}, at::kLong)}));
  EXPECT_NEAR(kl[0].item<double>(), pareto_kl_by_quadrature(2, 3, 1, 1.5), 1e-9);
  EXPECT_NEAR(kl[2].item<double>(), pareto_kl_by_quadrature(3, 4, 2.5, 3.5), 1e-9);
  // Gradients of the finite elements (the infinite ones masked to 0).
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        at::Tensor k = td::kl_divergence(td::Pareto(x[0], x[1]), td::Pareto(x[2], x[3]));
        return at::where(k.isinf(), at::zeros_like(k), k);
      },
      {sp, ap, sq, aq});
  // All infinite, broadcast shape.
  at::Tensor all = td::kl_divergence(td::Pareto(S(1).expand({3, 1}), S(2)), td::Pareto(tensor_of({2, 3, 4, 5}), S(2)));
  EXPECT_EQ(all.sizes(), at::IntArrayRef({3, 4}));
  td::testing::expect_all_infinite(all);
}

TEST(KlParetoPareto, MonteCarloSelfGradientsShapes) {
  td::Pareto p(tensor_of({2, 1, 3}), tensor_of({3, 0.5, 4}));
  td::Pareto q(tensor_of({1, 0.5, 3}), tensor_of({1.5, 2, 3.5}));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 20);
  td::testing::expect_kl_to_self_is_zero(p, 1e-300);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Pareto(x[0], x[1]), td::Pareto(x[2], x[3]));
      },
      {tensor_of({2, 1, 3}), tensor_of({3, 0.5, 4}), tensor_of({1, 0.5, 2.5}), tensor_of({1.5, 2, 3.5})});
  expect_broadcast_and_dtype([](const at::Tensor& u) -> DistPtr { return std::make_shared<td::Pareto>(1 + u, 1 + u); },
                             [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::Pareto>(u, 2 - u); });
}

// --------------------------------------------------------------- Uniform

TEST(KlUniformUniform, MatchesQuadrature) {
  struct Case {
    double lp, hp, lq, hq;
  };
  for (Case c : {Case{0, 1, -1, 2}, Case{0.2, 0.5, 0, 5}, Case{-3, -1, -4, -0.5}, Case{1, 2, 1, 2}}) {
    const double ref = kl_by_quadrature([&](double) { return -std::log(c.hp - c.lp); },
                                        [&](double) { return -std::log(c.hq - c.lq); }, {c.lp, c.hp});
    EXPECT_NEAR(kl_of(td::Uniform(S(c.lp), S(c.hp)), td::Uniform(S(c.lq), S(c.hq))), ref, 1e-12 + 1e-12 * ref);
  }
}

TEST(KlUniformUniform, InfiniteWhereQDoesNotCoverP) {
  // q misses p's left end (1), right end (2), both (3); 0 is nested.
  at::Tensor lp = tensor_of({0, 0, 0, 0}), hp = tensor_of({1, 1, 1, 1});
  at::Tensor lq = tensor_of({-1, 0.5, -1, 0.2}), hq = tensor_of({2, 2, 0.9, 0.8});
  at::Tensor kl = td::kl_divergence(td::Uniform(lp, hp), td::Uniform(lq, hq));
  td::testing::expect_all_infinite(kl.slice(0, 1));
  EXPECT_NEAR(kl[0].item<double>(), std::log(3.0), 1e-15);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        at::Tensor k = td::kl_divergence(td::Uniform(x[0], x[1]), td::Uniform(x[2], x[3]));
        return at::where(k.isinf(), at::zeros_like(k), k);
      },
      {lp, hp, lq, hq});
  at::Tensor all =
      td::kl_divergence(td::Uniform(S(0).expand({3, 1}), S(1)), td::Uniform(tensor_of({2, 3, 4, 5}), S(6)));
  EXPECT_EQ(all.sizes(), at::IntArrayRef({3, 4}));
  td::testing::expect_all_infinite(all);
}

TEST(KlUniformUniform, MonteCarloSelfGradientsShapes) {
  td::Uniform p(tensor_of({0, 0.2, -3}), tensor_of({1, 0.5, -1}));
  td::Uniform q(tensor_of({-1, 0, -4}), tensor_of({2, 5, -0.5}));
  td::testing::expect_kl_matches_monte_carlo(p, q, 20000, 21);
  td::testing::expect_kl_to_self_is_zero(p, 1e-300);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::Uniform(x[0], x[1]), td::Uniform(x[2], x[3]));
      },
      {tensor_of({0, 0.2, -3}), tensor_of({1, 0.5, -1}), tensor_of({-1, 0, -4}), tensor_of({2, 5, -0.5})});
  expect_broadcast_and_dtype([](const at::Tensor& u) -> DistPtr { return std::make_shared<td::Uniform>(u, 1 + u); },
                             [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::Uniform>(-u, 2 + u); });
}

// --------------------------------------------------- ContinuousBernoulli

// log C(l) = log(2 artanh(1 - 2 l) / (1 - 2 l)), by its series near 1/2.
double cb_log_pdf(double x, double l) {
  const double t = 1 - 2 * l;
  const double log_c = std::abs(t) < 1e-4 ? std::log(2.0) + t * t / 3 : std::log(2 * std::atanh(t) / t);
  return log_c + x * std::log(l) + (1 - x) * std::log1p(-l);
}

TEST(KlContinuousBernoulliContinuousBernoulli, MatchesQuadrature) {
  for (auto c :
       std::vector<std::pair<double, double>>{{0.2, 0.7}, {0.9, 0.3}, {0.5, 0.6}, {0.4995, 0.2}, {0.02, 0.97}}) {
    const double ref = kl_by_quadrature([&](double x) { return cb_log_pdf(x, c.first); },
                                        [&](double x) { return cb_log_pdf(x, c.second); }, {0, 1});
    const double kl =
        kl_of(td::ContinuousBernoulli(td::probs(S(c.first))), td::ContinuousBernoulli(td::probs(S(c.second))));
    expect_rel(kl, ref, 1e-9, "ContinuousBernoulli");
    // The same from logits.
    const double logit_p = std::log(c.first / (1 - c.first)), logit_q = std::log(c.second / (1 - c.second));
    expect_rel(kl_of(td::ContinuousBernoulli(td::logits(S(logit_p))), td::ContinuousBernoulli(td::logits(S(logit_q)))),
               ref, 1e-9, "ContinuousBernoulli logits");
  }
}

TEST(KlContinuousBernoulliContinuousBernoulli, MonteCarloSelfGradientsShapes) {
  td::ContinuousBernoulli p(td::probs(tensor_of({0.2, 0.9, 0.5})));
  td::ContinuousBernoulli q(td::probs(tensor_of({0.7, 0.3, 0.6})));
  td::testing::expect_kl_matches_monte_carlo(p, q, 200000, 22);
  td::testing::expect_kl_to_self_is_zero(p, 1e-15);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const std::vector<at::Tensor>& x) {
        return td::kl_divergence(td::ContinuousBernoulli(td::probs(x[0])), td::ContinuousBernoulli(td::logits(x[1])));
      },
      {tensor_of({0.2, 0.9, 0.3}), tensor_of({0.7, -1.3, 2})});
  auto make = [](const at::Tensor& u) -> DistPtr { return std::make_shared<td::ContinuousBernoulli>(td::probs(u)); };
  expect_broadcast_and_dtype(make, make);
}

}  // namespace
