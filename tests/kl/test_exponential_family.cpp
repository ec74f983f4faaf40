// ExponentialFamily for the nine families that derive from it: the Bregman
// entropy F - <theta, grad F> - E[k] against each family's closed-form
// entropy, exponential_family_kl against closed-form KL divergences written
// here (Boost.Math digamma/lgamma, at::linalg in double for Wishart), its
// gradients in both distributions' parameters against finite differences,
// grad F(theta) = E[t(x)] by Monte Carlo, and the errors.

#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <torch/csrc/autograd/autograd.h>
#include <torchdist/core/exponential_family.h>
#include <torchdist/distributions/bernoulli.h>
#include <torchdist/distributions/beta.h>
#include <torchdist/distributions/chi2.h>
#include <torchdist/distributions/continuous_bernoulli.h>
#include <torchdist/distributions/dirichlet.h>
#include <torchdist/distributions/exponential.h>
#include <torchdist/distributions/gamma.h>
#include <torchdist/distributions/normal.h>
#include <torchdist/distributions/poisson.h>
#include <torchdist/distributions/wishart.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "kl_testing.h"
#include "wishart_reference.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::spd;
using td::testing::tensor_of;
using td::testing::wishart_kl;
using td::testing::to_vector;

namespace {

using Big = boost::multiprecision::cpp_bin_float_50;
using Params = std::vector<at::Tensor>;
constexpr double kPi = 3.14159265358979323846;

double digamma(double x) { return boost::math::digamma(x); }

void expect_rel(double actual, double expected, double rtol, const std::string& what) {
  EXPECT_NEAR(actual, expected, rtol * std::abs(expected))
      << what << ": relative error " << std::abs(actual - expected) / std::abs(expected);
}

// The Bregman entropy (the base class's, called explicitly) against the
// family's own closed form.
void expect_bregman_entropy(const td::ExponentialFamily& d, double rtol = 1e-10, double atol = 1e-12) {
  at::Tensor h = d.ExponentialFamily::entropy();
  EXPECT_EQ(h.sizes(), d.batch_shape()) << d.name();
  EXPECT_EQ(h.scalar_type(), d.entropy().scalar_type()) << d.name();
  EXPECT_TRUE(all_close(h, d.entropy(), rtol, atol)) << d.name();
}

// exponential_family_kl(p, q) elementwise against `expected`.
void expect_kl_values(const td::ExponentialFamily& p, const td::ExponentialFamily& q,
                      const std::vector<double>& expected, double rtol = 1e-9) {
  const std::vector<double> kl = to_vector(td::exponential_family_kl(p, q));
  ASSERT_EQ(kl.size(), expected.size()) << p.name();
  for (size_t i = 0; i < kl.size(); ++i) expect_rel(kl[i], expected[i], rtol, p.name() + " element " + std::to_string(i));
}

// Gradients of sum(exponential_family_kl(make(x)...)) in every parameter
// tensor, p's included (torch detaches p; we do not).
void expect_gradients(const std::function<at::Tensor(const Params&)>& make_kl, const Params& params,
                      double rtol = 1e-5, double atol = 1e-7) {
  td::testing::expect_kl_gradients_match_finite_differences(make_kl, params, rtol, atol);
}

// Batch [3, 1] against [4] gives [3, 4]; float32 parameters a float32 KL.
template <class Make>
void expect_broadcast_and_dtype(Make make, std::vector<int64_t> event = {}) {
  auto shape = [&](std::vector<int64_t> batch) {
    batch.insert(batch.end(), event.begin(), event.end());
    return batch;
  };
  at::Tensor up = at::rand(shape({3, 1}), td::testing::seeded_generator(3), at::kDouble) * 0.8 + 0.1;
  at::Tensor uq = at::rand(shape({4}), td::testing::seeded_generator(4), at::kDouble) * 0.8 + 0.1;
  at::Tensor kl = td::exponential_family_kl(make(up), make(uq));
  EXPECT_EQ(kl.sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(kl.scalar_type(), at::kDouble);
  at::Tensor kl32 = td::exponential_family_kl(make(up.to(at::kFloat)), make(uq.to(at::kFloat)));
  EXPECT_EQ(kl32.scalar_type(), at::kFloat);
  EXPECT_TRUE(all_close(kl32, kl, 1e-3, 1e-4));
}

// --------------------------------------------------------------- Normal

TEST(ExponentialFamilyNormal, EntropyKlGradients) {
  const std::vector<double> mp = {0.3, 2, -1}, sp = {1.2, 0.1, 5}, mq = {-0.5, 0, -1}, sq = {0.7, 3, 0.5};
  td::Normal p(tensor_of(mp), tensor_of(sp)), q(tensor_of(mq), tensor_of(sq));
  expect_bregman_entropy(p);
  expect_bregman_entropy(td::Normal(tensor_of({0.0, 1.0, -3.0, 2.0}, {2, 2}), 0.05));
  std::vector<double> ref;
  for (size_t i = 0; i < mp.size(); ++i) {
    const double d = mp[i] - mq[i];
    ref.push_back(std::log(sq[i] / sp[i]) + (sp[i] * sp[i] + d * d) / (2 * sq[i] * sq[i]) - 0.5);
  }
  expect_kl_values(p, q, ref);
  expect_gradients([](const Params& x) { return td::exponential_family_kl(td::Normal(x[0], x[1]), td::Normal(x[2], x[3])); },
                   {tensor_of(mp), tensor_of(sp), tensor_of(mq), tensor_of(sq)});
  expect_broadcast_and_dtype([](const at::Tensor& u) { return td::Normal(2 * u - 1, 0.5 + u); });
}

// ---------------------------------------------------------------- Gamma

double gamma_kl(double ap, double bp, double aq, double bq) {
  return (ap - aq) * digamma(ap) - std::lgamma(ap) + std::lgamma(aq) + aq * (std::log(bp) - std::log(bq)) +
         ap * (bq - bp) / bp;
}

TEST(ExponentialFamilyGamma, EntropyKlGradients) {
  const std::vector<double> ap = {0.7, 3, 20}, bp = {2, 0.5, 4}, aq = {1.5, 0.3, 18}, bq = {1, 2, 5};
  td::Gamma p(tensor_of(ap), tensor_of(bp)), q(tensor_of(aq), tensor_of(bq));
  expect_bregman_entropy(p);
  expect_bregman_entropy(q);
  std::vector<double> ref;
  for (size_t i = 0; i < ap.size(); ++i) ref.push_back(gamma_kl(ap[i], bp[i], aq[i], bq[i]));
  expect_kl_values(p, q, ref);
  expect_gradients([](const Params& x) { return td::exponential_family_kl(td::Gamma(x[0], x[1]), td::Gamma(x[2], x[3])); },
                   {tensor_of(ap), tensor_of(bp), tensor_of(aq), tensor_of(bq)});
  expect_broadcast_and_dtype([](const at::Tensor& u) { return td::Gamma(0.5 + 3 * u, 0.2 + u); });
}

// Chi2(df) is Gamma(df / 2, 1 / 2): it inherits the natural parameters.
TEST(ExponentialFamilyGamma, Chi2Follows) {
  const std::vector<double> dp = {1.0, 4.0, 9.5}, dq = {2.0, 3.0, 12.0};
  td::Chi2 p(tensor_of(dp)), q(tensor_of(dq));
  expect_bregman_entropy(p);
  std::vector<double> ref;
  for (size_t i = 0; i < dp.size(); ++i) ref.push_back(gamma_kl(dp[i] / 2, 0.5, dq[i] / 2, 0.5));
  expect_kl_values(p, q, ref);
}

// ----------------------------------------------------------------- Beta

double log_beta(double a, double b) { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); }

TEST(ExponentialFamilyBeta, EntropyKlGradients) {
  const std::vector<double> ap = {0.5, 2, 30}, bp = {0.7, 5, 40}, aq = {1.5, 0.3, 25}, bq = {1, 2, 45};
  td::Beta p(tensor_of(ap), tensor_of(bp)), q(tensor_of(aq), tensor_of(bq));
  expect_bregman_entropy(p, 1e-9, 1e-11);
  expect_bregman_entropy(q, 1e-9, 1e-11);
  std::vector<double> ref;
  for (size_t i = 0; i < ap.size(); ++i) {
    ref.push_back(log_beta(aq[i], bq[i]) - log_beta(ap[i], bp[i]) + (ap[i] - aq[i]) * digamma(ap[i]) +
                  (bp[i] - bq[i]) * digamma(bp[i]) + (aq[i] - ap[i] + bq[i] - bp[i]) * digamma(ap[i] + bp[i]));
  }
  expect_kl_values(p, q, ref);
  expect_gradients([](const Params& x) { return td::exponential_family_kl(td::Beta(x[0], x[1]), td::Beta(x[2], x[3])); },
                   {tensor_of(ap), tensor_of(bp), tensor_of(aq), tensor_of(bq)});
  expect_broadcast_and_dtype([](const at::Tensor& u) { return td::Beta(0.5 + 3 * u, 2 - u); });
}

// ------------------------------------------------------------ Bernoulli

TEST(ExponentialFamilyBernoulli, EntropyKlGradients) {
  const std::vector<double> pp = {0.2, 0.5, 0.97}, pq = {0.6, 0.01, 0.9};
  td::Bernoulli p(td::probs(tensor_of(pp))), q(td::probs(tensor_of(pq)));
  expect_bregman_entropy(p);
  expect_bregman_entropy(td::Bernoulli(td::logits(tensor_of({-30.0, 0.0, 4.0, 25.0}, {2, 2}))), 1e-9, 1e-12);
  std::vector<double> ref;
  for (size_t i = 0; i < pp.size(); ++i) {
    ref.push_back(pp[i] * std::log(pp[i] / pq[i]) + (1 - pp[i]) * std::log((1 - pp[i]) / (1 - pq[i])));
  }
  expect_kl_values(p, q, ref);
  expect_gradients(
      [](const Params& x) {
        return td::exponential_family_kl(td::Bernoulli(td::probs(x[0])), td::Bernoulli(td::probs(x[1])));
      },
      {tensor_of(pp), tensor_of(pq)});
  expect_gradients(
      [](const Params& x) {
        return td::exponential_family_kl(td::Bernoulli(td::logits(x[0])), td::Bernoulli(td::logits(x[1])));
      },
      {tensor_of({-1.0, 0.0, 3.0}), tensor_of({2.0, -4.0, 0.5})});
  expect_broadcast_and_dtype([](const at::Tensor& u) { return td::Bernoulli(td::probs(u)); });
}

// ---------------------------------------------------------- Exponential

TEST(ExponentialFamilyExponential, EntropyKlGradients) {
  const std::vector<double> rp = {1.5, 0.01, 10}, rq = {0.4, 2, 10.5};
  td::Exponential p(tensor_of(rp)), q(tensor_of(rq));
  expect_bregman_entropy(p);
  std::vector<double> ref;
  for (size_t i = 0; i < rp.size(); ++i) ref.push_back(std::log(rp[i] / rq[i]) + rq[i] / rp[i] - 1);
  expect_kl_values(p, q, ref);
  expect_gradients([](const Params& x) { return td::exponential_family_kl(td::Exponential(x[0]), td::Exponential(x[1])); },
                   {tensor_of(rp), tensor_of(rq)});
  expect_broadcast_and_dtype([](const at::Tensor& u) { return td::Exponential(0.2 + 2 * u); });
}

// -------------------------------------------------------------- Poisson

TEST(ExponentialFamilyPoisson, KlGradientsNoEntropy) {
  const std::vector<double> rp = {0.5, 4, 100}, rq = {2, 3, 90};
  td::Poisson p(tensor_of(rp)), q(tensor_of(rq));
  std::vector<double> ref;
  for (size_t i = 0; i < rp.size(); ++i) ref.push_back(rp[i] * std::log(rp[i] / rq[i]) - rp[i] + rq[i]);
  expect_kl_values(p, q, ref);
  expect_gradients([](const Params& x) { return td::exponential_family_kl(td::Poisson(x[0]), td::Poisson(x[1])); },
                   {tensor_of(rp), tensor_of(rq)});
  expect_broadcast_and_dtype([](const at::Tensor& u) { return td::Poisson(0.2 + 5 * u); });
  // E[lgamma(k + 1)] has no closed form: no carrier measure, no entropy.
  EXPECT_THROW_MSG(p.mean_carrier_measure(), c10::NotImplementedError, "Poisson does not implement mean_carrier_measure");
  EXPECT_THROW_MSG(p.ExponentialFamily::entropy(), c10::NotImplementedError,
                   "Poisson does not implement mean_carrier_measure");
  EXPECT_THROW_MSG(p.entropy(), c10::NotImplementedError, "Poisson does not implement entropy");
}

// ------------------------------------------------------------ Dirichlet

TEST(ExponentialFamilyDirichlet, EntropyKlGradients) {
  const std::vector<double> cp = {0.5, 2, 3, 10, 20, 5}, cq = {1, 1, 1, 8, 25, 4};
  td::Dirichlet p(tensor_of(cp, {2, 3})), q(tensor_of(cq, {2, 3}));
  expect_bregman_entropy(p, 1e-9, 1e-11);
  expect_bregman_entropy(q, 1e-9, 1e-11);
  std::vector<double> ref;
  for (size_t b = 0; b < 2; ++b) {
    double sp = 0, sq = 0;
    for (size_t i = 0; i < 3; ++i) {
      sp += cp[3 * b + i];
      sq += cq[3 * b + i];
    }
    double kl = std::lgamma(sp) - std::lgamma(sq);
    for (size_t i = 0; i < 3; ++i) {
      const double a = cp[3 * b + i], c = cq[3 * b + i];
      kl += std::lgamma(c) - std::lgamma(a) + (a - c) * (digamma(a) - digamma(sp));
    }
    ref.push_back(kl);
  }
  expect_kl_values(p, q, ref);
  expect_gradients([](const Params& x) { return td::exponential_family_kl(td::Dirichlet(x[0]), td::Dirichlet(x[1])); },
                   {tensor_of(cp, {2, 3}), tensor_of(cq, {2, 3})});
  expect_broadcast_and_dtype([](const at::Tensor& u) { return td::Dirichlet(0.3 + 3 * u); }, {3});
}

// -------------------------------------------------- ContinuousBernoulli

// log density of CB with natural parameter eta: eta x - log((e^eta - 1) / eta).
double cb_log_pdf(double x, double eta) { return eta == 0 ? 0.0 : eta * x - std::log(std::expm1(eta) / eta); }

double cb_kl_by_quadrature(double eta_p, double eta_q) {
  auto f = [&](double x) {
    const double lp = cb_log_pdf(x, eta_p);
    return std::exp(lp) * (lp - cb_log_pdf(x, eta_q));
  };
  return boost::math::quadrature::tanh_sinh<double>().integrate(f, 0.0, 1.0, 1e-13);
}

double cb_entropy_by_quadrature(double eta) {
  auto f = [&](double x) {
    const double lp = cb_log_pdf(x, eta);
    return -std::exp(lp) * lp;
  };
  return boost::math::quadrature::tanh_sinh<double>().integrate(f, 0.0, 1.0, 1e-13);
}

double logit(double p) { return std::log(p / (1 - p)); }

// F(eta) = log((e^eta - 1) / eta) and F'(eta) = 1 / (1 - e^-eta) - 1 / eta
// on both sides of the branch boundary |eta| = 1 and far out, against 50
// digits.
TEST(ExponentialFamilyContinuousBernoulli, LogNormalizerAndItsGradient) {
  const std::vector<double> etas = {-800, -40, -3, -1.0000001, -0.9999999, -0.1, -1e-3, -1e-9, 0, 1e-9, 2e-5,
                                    0.05, 0.5, 0.9999999, 1, 1.0000001, 1.5, 7, 40, 100, 700, 1e4};
  td::ContinuousBernoulli d(td::logits(tensor_of(etas)));
  at::Tensor theta = d.natural_params()[0].detach().requires_grad_(true);
  at::Tensor f = d.log_normalizer({theta});
  at::Tensor g = torch::autograd::grad({f.sum()}, {theta})[0];
  const std::vector<double> fv = to_vector(f), gv = to_vector(g);
  for (size_t i = 0; i < etas.size(); ++i) {
    const Big e = etas[i];
    const Big ref_f = etas[i] == 0 ? Big(0) : log((exp(e) - 1) / e);
    const Big ref_g = etas[i] == 0 ? Big(0.5) : 1 / (1 - exp(-e)) - 1 / e;
    EXPECT_NEAR(fv[i], static_cast<double>(ref_f), 1e-15 * std::abs(fv[i])) << "eta " << etas[i];
    EXPECT_NEAR(gv[i], static_cast<double>(ref_g), 1e-15 * std::abs(gv[i])) << "eta " << etas[i];
  }
}

TEST(ExponentialFamilyContinuousBernoulli, EntropyKlGradients) {
  // Outside the Taylor region of the class's own formulas, on its edge,
  // and inside it (p = 0.5003, 0.5).
  const std::vector<double> pp = {0.1, 0.4, 0.5003, 0.5, 0.999}, pq = {0.7, 0.45, 0.2, 0.9, 0.6};
  td::ContinuousBernoulli p(td::probs(tensor_of(pp))), q(td::probs(tensor_of(pq)));
  expect_bregman_entropy(p, 1e-9, 1e-12);
  std::vector<double> h_ref, kl_ref;
  for (size_t i = 0; i < pp.size(); ++i) {
    h_ref.push_back(cb_entropy_by_quadrature(logit(pp[i])));
    kl_ref.push_back(cb_kl_by_quadrature(logit(pp[i]), logit(pq[i])));
  }
  EXPECT_TRUE(all_close(p.ExponentialFamily::entropy(), tensor_of(h_ref), 1e-9, 1e-12));
  expect_kl_values(p, q, kl_ref);
  expect_gradients(
      [](const Params& x) {
        return td::exponential_family_kl(td::ContinuousBernoulli(td::probs(x[0])),
                                         td::ContinuousBernoulli(td::probs(x[1])));
      },
      {tensor_of(pp), tensor_of(pq)});
  expect_broadcast_and_dtype([](const at::Tensor& u) { return td::ContinuousBernoulli(td::probs(u)); });
}

// -------------------------------------------------------------- Wishart


TEST(ExponentialFamilyWishart, EntropyKlGradients) {
  const at::Tensor Vp = at::stack({spd({1.2, 0, 0, 0.3, 0.9, 0, -0.2, 0.4, 1.1}, 3), spd({2, 0, 0, -1, 0.5, 0, 0, 0.1, 0.3}, 3)});
  const at::Tensor Vq = at::stack({spd({0.8, 0, 0, 0.1, 1.3, 0, 0.5, -0.3, 0.7}, 3), spd({1, 0, 0, 0, 1, 0, 0, 0, 1}, 3)});
  const std::vector<double> np = {5.5, 2.5}, nq = {4.2, 7};
  td::Wishart p(tensor_of(np), td::covariance_matrix(Vp)), q(tensor_of(nq), td::covariance_matrix(Vq));
  expect_bregman_entropy(p, 1e-9, 1e-11);
  expect_bregman_entropy(q, 1e-9, 1e-11);
  EXPECT_EQ(p.natural_params()[0].sizes(), at::IntArrayRef({2, 3, 3}));
  EXPECT_EQ(p.natural_params()[1].sizes(), at::IntArrayRef({2}));
  expect_kl_values(p, q, {wishart_kl(np[0], Vp[0], nq[0], Vq[0]), wishart_kl(np[1], Vp[1], nq[1], Vq[1])});
  // A scale given as a precision matrix or a factor: the same values.
  td::Wishart pp(tensor_of(np), td::precision_matrix(at::inverse(Vp)));
  td::Wishart qt(tensor_of(nq), td::scale_tril(at::linalg_cholesky(Vq)));
  EXPECT_TRUE(all_close(td::exponential_family_kl(pp, qt), td::exponential_family_kl(p, q), 1e-10, 1e-12));
  // Gradients in df and in the lower triangles of both factors.
  expect_gradients(
      [](const Params& x) {
        td::Wishart a(x[0], td::scale_tril(x[1].tril()), false), b(x[2], td::scale_tril(x[3].tril()), false);
        return td::exponential_family_kl(a, b);
      },
      // (contiguous: finite_difference_grad views its argument flat)
      {tensor_of(np), at::linalg_cholesky(Vp).contiguous(), tensor_of(nq), at::linalg_cholesky(Vq).contiguous()});
  // Batch [3, 1] against [4], and float32.
  auto make = [](const at::Tensor& u) {
    at::Tensor L = at::eye(2, u.options()) + 0.3 * u.unsqueeze(-1).unsqueeze(-1) * at::ones({2, 2}, u.options()).tril(-1);
    return td::Wishart(2.5 + u, td::scale_tril(L));
  };
  expect_broadcast_and_dtype(make);
}

// --------------------------------------------------- The base's contract

// grad F(theta) = E[t(x)]: for the Gamma, t(x) = (log x, x), so
// dF/dtheta = (digamma(c) - log r, c / r). Checked by Monte Carlo (each
// mean within 5 standard errors: a false failure ~6e-7 per element).
TEST(ExponentialFamilyBase, GradientOfLogNormalizerIsMeanOfSufficientStatistic) {
  td::Gamma g(tensor_of({0.7, 3.0}), tensor_of({2.0, 0.5}));
  Params theta = g.natural_params();
  for (auto& t : theta) t = t.detach().requires_grad_(true);
  const auto grads = torch::autograd::grad({g.log_normalizer(theta).sum()}, theta);
  const int64_t n = 200000;
  const at::Tensor x = g.sample({n}, td::testing::seeded_generator(21));
  const std::vector<at::Tensor> stats = {x.log(), x};
  for (size_t k = 0; k < 2; ++k) {
    const at::Tensor mean = stats[k].mean(0);
    const at::Tensor se = stats[k].std(0) / std::sqrt(static_cast<double>(n));
    EXPECT_TRUE(((grads[k] - mean).abs() < 5 * se).all().item<bool>())
        << "statistic " << k << ": grad F " << grads[k] << ", mean " << mean << " +- " << se;
  }
  // And the closed form of the same gradient.
  EXPECT_TRUE(all_close(grads[0], tensor_of({digamma(0.7) - std::log(2.0), digamma(3.0) - std::log(0.5)}), 1e-12));
  EXPECT_TRUE(all_close(grads[1], tensor_of({0.35, 6.0}), 1e-12));
}

// exponential_family_kl keeps the graph of both arguments: d KL / d loc_p
// for Normals is (m_p - m_q) / s_q^2 (torch's version detaches p and gives
// no gradient there).
TEST(ExponentialFamilyBase, KlIsDifferentiableInP) {
  at::Tensor loc = at::full({}, 0.4, at::kDouble).requires_grad_(true);
  at::Tensor kl = td::exponential_family_kl(td::Normal(loc, 1.5), td::Normal(at::full({}, -0.2, at::kDouble), 2.0));
  kl.backward();
  ASSERT_TRUE(loc.grad().defined());
  EXPECT_NEAR(loc.grad().item<double>(), 0.6 / 4.0, 1e-12);
}

TEST(ExponentialFamilyBase, DifferentFamiliesThrow) {
  td::Normal n(0.0, 1.0);
  td::Gamma g(2.0, 1.0);
  td::Chi2 c(3.0);
  EXPECT_THROW_MSG(td::exponential_family_kl(n, g), c10::NotImplementedError, "kl_divergence(Normal, Gamma)");
  // Chi2 is a Gamma, but not of the same type: torch refuses too.
  EXPECT_THROW_MSG(td::exponential_family_kl(g, c), c10::NotImplementedError, "kl_divergence(Gamma, Chi2)");
}

TEST(ExponentialFamilyBase, WrongNumberOfNaturalParameters) {
  td::Normal n(0.0, 1.0);
  EXPECT_THROW_MSG(n.log_normalizer({at::zeros({})}), c10::ValueError,
                   "Normal: log_normalizer takes 2 natural parameters, got 1");
}

}  // namespace
