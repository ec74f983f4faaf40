// LogitRelaxedBernoulli and RelaxedBernoulli (binary Concrete): log_prob
// against the closed-form binary Concrete density (Maddison et al. 2017),
// Boost's logistic density and spot values from torch 1.13; the density
// integrates to 1 (tanh-sinh / sinh-sinh quadrature); sampling by KS,
// binomial and mean tests; the finite log_prob at the boundary; no NaN for
// extreme logits and low temperatures; pathwise gradients against finite
// differences; shapes, dtypes, expand; validation messages.

#include <torchdist/core/probs_logits.h>
#include <torchdist/distributions/relaxed_bernoulli.h>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/logistic.hpp>
#include <boost/math/quadrature/sinh_sinh.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <cmath>
#include <functional>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

using Fn = std::function<at::Tensor(const at::Tensor&)>;

double logit(double p) { return std::log(p) - std::log1p(-p); }

// The binary Concrete density of Maddison, Mnih & Teh (2017), eq. (26),
// alpha = exp(l), written directly in double:
//   p(y) = tau alpha y^(-tau-1) (1-y)^(-tau-1) / (alpha y^(-tau) + (1-y)^(-tau))^2.
double binary_concrete_log_pdf(double y, double l, double tau) {
  const double alpha = std::exp(l);
  return std::log(tau) + l - (tau + 1) * (std::log(y) + std::log1p(-y)) -
         2 * std::log(alpha * std::pow(y, -tau) + std::pow(1 - y, -tau));
}

double binomial_two_sided_p(int64_t k, int64_t n, double p) {
  boost::math::binomial_distribution<double> b(static_cast<double>(n), p);
  const double lower = boost::math::cdf(b, static_cast<double>(k));
  const double upper = k == 0 ? 1.0 : boost::math::cdf(boost::math::complement(b, static_cast<double>(k - 1)));
  return std::min(1.0, 2 * std::min(lower, upper));
}

TEST(RelaxedBernoulli, LogProbMatchesBinaryConcreteDensity) {
  const std::vector<double> ys = {1e-8, 1e-3, 0.05, 0.3, 0.5, 0.77, 0.999, 1 - 1e-9};
  for (double p : {0.03, 0.3, 0.5, 0.9}) {
    for (double tau : {0.1, 0.5, 1.0, 2.5}) {
      SCOPED_TRACE(::testing::Message() << "p " << p << " tau " << tau);
      std::vector<double> expected;
      for (double y : ys) expected.push_back(binary_concrete_log_pdf(y, logit(p), tau));
      const auto n = static_cast<int64_t>(ys.size());
      td::RelaxedBernoulli by_probs(tau, td::probs(tensor_of({p})));
      td::RelaxedBernoulli by_logits(tensor_of({tau}), td::logits(logit(p)));
      at::Tensor y = tensor_of(ys, {n});
      // 1 - 1e-9 carries a relative error ~1e-7 in 1 - y: the log-density
      // is accurate to ~(tau + 1) 1e-7 there.
      EXPECT_TRUE(all_close(by_probs.log_prob(y), tensor_of(expected, {n}), 1e-9, 1e-6));
      EXPECT_TRUE(all_close(by_logits.log_prob(y), tensor_of(expected, {n}), 1e-9, 1e-6));
    }
  }
}

TEST(LogitRelaxedBernoulli, LogProbIsAScaledLogisticDensity) {
  // x = (l + L) / tau with L ~ Logistic(0, 1): p(x) = tau f_L(tau x - l).
  boost::math::logistic_distribution<double> logistic(0.0, 1.0);
  for (double l : {-3.0, 0.0, 1.5}) {
    for (double tau : {0.05, 1.0, 4.0}) {
      SCOPED_TRACE(::testing::Message() << "l " << l << " tau " << tau);
      std::vector<double> xs = {-200, -10, -1, 0, 0.3, 2, 30, 500}, expected;
      for (double x : xs) expected.push_back(std::log(tau) + std::log(boost::math::pdf(logistic, tau * x - l)));
      td::LogitRelaxedBernoulli d(tau, td::logits(tensor_of({l})));
      EXPECT_TRUE(all_close(d.log_prob(tensor_of(xs, {8})), tensor_of(expected, {8}), 1e-12, 1e-12));
    }
  }
}

TEST(RelaxedBernoulli, SpotValuesFromTorch) {
  // torch 1.13: RelaxedBernoulli(0.7, probs=0.3).log_prob([0.05, 0.5, 0.93]) and
  // LogitRelaxedBernoulli(0.7, logits=-0.4).log_prob([-3, 0.2, 5]), in double.
  td::RelaxedBernoulli r(0.7, td::probs(tensor_of({0.3})));
  EXPECT_TRUE(all_close(r.log_prob(tensor_of({0.05, 0.5, 0.93}, {3})),
                        tensor_of({0.9563355029860716, -0.5310283310835104, -0.41830944149464777}, {3}), 1e-13));
  td::LogitRelaxedBernoulli x(0.7, td::logits(tensor_of({-0.4})));
  EXPECT_TRUE(all_close(x.log_prob(tensor_of({-3, 0.2, 5}, {3})),
                        tensor_of({-2.392247002711264, -1.8150004164805196, -4.296754478459527}, {3}), 1e-13));
}

TEST(RelaxedBernoulli, DensityIntegratesToOne) {
  // tanh-sinh handles the integrable endpoint singularities (p ~ y^(tau-1)
  // for tau < 1). The upper half is integrated through the symmetry
  // p(y; l) = p(1 - y; -l), so that points near y = 1 are not rounded.
  boost::math::quadrature::tanh_sinh<double> integrator;
  for (double p : {0.2, 0.7}) {
    for (double tau : {0.3, 1.0, 2.0}) {
      SCOPED_TRACE(::testing::Message() << "p " << p << " tau " << tau);
      td::RelaxedBernoulli d(tau, td::logits(tensor_of({logit(p)})));
      td::RelaxedBernoulli mirrored(tau, td::logits(tensor_of({-logit(p)})));
      auto density = [](const td::RelaxedBernoulli& dist) {
        return [&dist](double y) { return std::exp(dist.log_prob(tensor_of({y})).item<double>()); };
      };
      const double total =
          integrator.integrate(density(d), 0.0, 0.5) + integrator.integrate(density(mirrored), 0.0, 0.5);
      EXPECT_NEAR(total, 1.0, 1e-7);
    }
  }
  boost::math::quadrature::sinh_sinh<double> real_line;
  for (double tau : {0.2, 3.0}) {
    td::LogitRelaxedBernoulli d(tau, td::logits(tensor_of({0.8})));
    const double total =
        real_line.integrate([&](double x) { return std::exp(d.log_prob(tensor_of({x})).item<double>()); });
    EXPECT_NEAR(total, 1.0, 1e-9);
  }
}

TEST(LogitRelaxedBernoulli, SamplesPassKsAgainstTheLogistic) {
  // tau x - l ~ Logistic(0, 1). Threshold 1e-4 per test, 4 tests: false-
  // failure rate 4e-4 at a fixed seed (the seed makes the outcome fixed).
  boost::math::logistic_distribution<double> logistic(0.0, 1.0);
  auto cdf = [&](double z) { return boost::math::cdf(logistic, z); };
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    for (bool by_probs : {true, false}) {
      SCOPED_TRACE(::testing::Message() << dtype << (by_probs ? " probs" : " logits"));
      at::Tensor p = at::tensor({0.15, 0.6}, at::TensorOptions().dtype(dtype));
      at::Tensor tau = at::tensor({0.3, 2.0}, at::TensorOptions().dtype(dtype));
      td::LogitRelaxedBernoulli d = by_probs ? td::LogitRelaxedBernoulli(tau, td::probs(p))
                                             : td::LogitRelaxedBernoulli(tau, td::logits(p.log() - (-p).log1p()));
      at::Tensor x = d.sample({10000}, td::testing::seeded_generator(by_probs ? 31 : 32));
      ASSERT_EQ(x.scalar_type(), dtype);
      at::Tensor z = (x * d.temperature() - d.logits()).to(at::kDouble);
      for (int64_t b = 0; b < 2; ++b) {
        EXPECT_GT(td::testing::ks_test(td::testing::to_vector(z.select(1, b)), cdf), 1e-4);
      }
    }
  }
}

TEST(RelaxedBernoulli, MoreThanHalfWithProbabilityExactlyP) {
  // y > 1/2 iff l + L > 0, whatever tau: the count is Binomial(n, p).
  // Two-sided exact binomial test, threshold 1e-4 for each of 6 cases:
  // false-failure rate 6e-4 at the fixed seed.
  const int64_t n = 20000;
  for (double tau : {1.0, 0.3}) {
    at::Tensor p = tensor_of({0.05, 0.5, 0.83}, {3});
    td::RelaxedBernoulli d(tau, td::probs(p));
    at::Tensor y = d.sample({n}, td::testing::seeded_generator(7));
    at::Tensor counts = (y > 0.5).sum(0);
    for (int64_t b = 0; b < 3; ++b) {
      const double pb = p[b].item<double>();
      EXPECT_GT(binomial_two_sided_p(counts[b].item<int64_t>(), n, pb), 1e-4) << "tau " << tau << " p " << pb;
    }
  }
}

TEST(RelaxedBernoulli, MeanApproachesProbsAsTemperatureVanishes) {
  // At tau = 0.01 the samples are Bernoulli draws but for |l + L| < ~0.1;
  // the bias E[y] - p is O(tau^2) ~ 1e-5, far below the standard error
  // 0.0035 at n = 20000. |mean - p| < 5 SE: false-failure rate ~6e-7 per
  // element. At tau = 3 the same bound fails (the mean is pulled towards
  // 1/2), so the check discriminates.
  const int64_t n = 20000;
  at::Tensor p = tensor_of({0.1, 0.5, 0.8}, {3});
  at::Tensor se = (p * (1 - p) / n).sqrt();
  td::RelaxedBernoulli cold(0.01, td::probs(p));
  at::Tensor y = cold.sample({n}, td::testing::seeded_generator(99));
  EXPECT_TRUE(((y.mean(0) - p).abs() < 5 * se).all().item<bool>()) << y.mean(0);
  td::RelaxedBernoulli hot(3.0, td::probs(p));
  at::Tensor h = hot.sample({n}, td::testing::seeded_generator(99));
  EXPECT_GT((h.mean(0)[0] - p[0]).abs().item<double>(), 10 * se[0].item<double>());
}

TEST(RelaxedBernoulli, LogProbIsFiniteAtTheBoundary) {
  // Deviation from torch (required). At tau = 0.01 in float32 most samples
  // sit on the sigmoid's clip bounds [tiny, 1 - eps]; values of exactly 0
  // and 1 come from rounding elsewhere (a caller's own sigmoid).
  td::RelaxedBernoulli d(0.01, td::probs(at::tensor({0.2f, 0.5f, 0.9f})));
  at::Tensor y = d.sample({2000}, td::testing::seeded_generator(5));
  ASSERT_EQ(y.scalar_type(), at::kFloat);
  const double tiny = std::numeric_limits<float>::min(), one_m_eps = 1.0 - std::numeric_limits<float>::epsilon();
  at::Tensor on_bounds = (y == static_cast<float>(tiny)).logical_or(y == static_cast<float>(one_m_eps));
  // About 82% expected: sigmoid(x) clips below for l + L < -0.87 and above
  // for l + L > 0.166.
  EXPECT_GT(on_bounds.sum().item<int64_t>(), 4000);
  EXPECT_TRUE(at::isfinite(d.log_prob(y)).all().item<bool>());

  // Exact 0 and 1: ours finite; the unclamped change of variables is not,
  // so the check can fail.
  at::Tensor boundary = at::tensor({0.0f, 1.0f}).view({2, 1});
  at::Tensor lp = d.log_prob(boundary);
  EXPECT_TRUE(at::isfinite(lp).all().item<bool>()) << lp;
  at::Tensor x = boundary.log() - (-boundary).log1p();
  at::Tensor diff = d.logits() - x * 0.01;
  at::Tensor naive = std::log(0.01) + diff - 2 * diff.exp().log1p() - boundary.log() - (-boundary).log1p();
  EXPECT_FALSE(at::isfinite(naive).any().item<bool>()) << naive;

  // At tau = 1 the density tends to 1 / alpha at y = 0 and alpha at y = 1
  // (alpha = exp(l)); clamping to tiny, 1 - eps lands within float rounding
  // of those limits. torch 1.13 gives -inf at y = 0 here: it clamps y the
  // same way, but exp(l - tau logit(tiny)) = exp(l + 87.3) overflows.
  for (double l : {-3.0, 2.0}) {
    SCOPED_TRACE(::testing::Message() << "l " << l);
    at::Tensor lt = at::tensor({static_cast<float>(l)});
    td::RelaxedBernoulli t1(1.0, td::logits(lt));
    at::Tensor v = t1.log_prob(at::tensor({0.0f, 1.0f}));
    EXPECT_NEAR(v[0].item<double>(), -l, 1e-5);
    EXPECT_NEAR(v[1].item<double>(), l, 1e-5);
    at::Tensor xt = at::full({1}, std::log(tiny) - std::log1p(-tiny), at::kFloat);
    at::Tensor dt = lt - xt;
    at::Tensor torch_form = dt - 2 * dt.exp().log1p() - (-at::softplus(-xt) - at::softplus(xt));
    if (l > 0) {
      EXPECT_TRUE(at::isinf(torch_form).all().item<bool>()) << torch_form;
    }
  }
}

TEST(RelaxedBernoulli, NoNanForExtremeLogitsAndLowTemperature) {
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    for (double tau : {1e-2, 1.0}) {
      SCOPED_TRACE(::testing::Message() << dtype << " tau " << tau);
      at::Tensor l = at::tensor({1e4, -1e4, 0.0, 50.0}, at::TensorOptions().dtype(dtype)).requires_grad_();
      td::LogitRelaxedBernoulli x(tau, td::logits(l));
      at::Tensor xs = x.rsample({200}, td::testing::seeded_generator(1));
      EXPECT_TRUE(at::isfinite(xs).all().item<bool>());
      // The logits are used as given: 1e4 / tau dominates the noise (torch
      // would clamp them to +-15.9 in float32 through the probs).
      EXPECT_TRUE((xs.select(1, 0) > 0.9e4 / tau).all().item<bool>());
      td::RelaxedBernoulli y(tau, td::logits(l));
      at::Tensor ys = y.rsample({200}, td::testing::seeded_generator(1));
      EXPECT_FALSE(at::isnan(ys).any().item<bool>());
      at::Tensor lp = y.log_prob(ys.detach());
      EXPECT_TRUE(at::isfinite(lp).all().item<bool>()) << lp;
      (ys.sum() + lp.sum() + x.log_prob(xs.detach()).sum()).backward();
      EXPECT_TRUE(at::isfinite(l.grad()).all().item<bool>());
    }
  }
}

TEST(RelaxedBernoulli, RsampleGradientIsPathwise) {
  // f(theta) = sum w * rsample(theta) with the uniforms fixed by the seed:
  // autograd against central differences, in double.
  at::Tensor w = tensor_of({0.3, -1.2, 2.0}, {3});
  at::Tensor tau = tensor_of({0.4, 1.0, 2.5}, {3});
  Fn by_logits = [&](const at::Tensor& l) {
    return (td::RelaxedBernoulli(tau, td::logits(l)).rsample({50}, td::testing::seeded_generator(3)) * w).sum();
  };
  Fn by_probs = [&](const at::Tensor& p) {
    return (td::RelaxedBernoulli(tau, td::probs(p)).rsample({50}, td::testing::seeded_generator(3)) * w).sum();
  };
  Fn by_temperature = [&](const at::Tensor& t) {
    return (td::RelaxedBernoulli(t, td::logits(tensor_of({-1, 0.5, 2}, {3})))
                .rsample({50}, td::testing::seeded_generator(3)) *
            w)
        .sum();
  };
  Fn logit_by_logits = [&](const at::Tensor& l) {
    return (td::LogitRelaxedBernoulli(tau, td::logits(l)).rsample({50}, td::testing::seeded_generator(3)) * w).sum();
  };
  at::Tensor l0 = tensor_of({-1, 0.5, 2}, {3});
  at::Tensor p0 = tensor_of({0.2, 0.5, 0.85}, {3});
  EXPECT_TRUE(all_close(td::testing::autograd_grad(by_logits, l0), td::testing::finite_difference_grad(by_logits, l0),
                        1e-6, 1e-8));
  EXPECT_TRUE(all_close(td::testing::autograd_grad(by_probs, p0), td::testing::finite_difference_grad(by_probs, p0),
                        1e-6, 1e-8));
  EXPECT_TRUE(all_close(td::testing::autograd_grad(by_temperature, tau),
                        td::testing::finite_difference_grad(by_temperature, tau), 1e-6, 1e-8));
  EXPECT_TRUE(all_close(td::testing::autograd_grad(logit_by_logits, l0),
                        td::testing::finite_difference_grad(logit_by_logits, l0), 1e-6, 1e-8));
  // The LogitRelaxedBernoulli sample is linear in the logits: d/dl = n / tau.
  EXPECT_TRUE(all_close(td::testing::autograd_grad(logit_by_logits, l0), 50 * w / tau, 1e-12));
}

TEST(RelaxedBernoulli, LogProbGradientsMatchFiniteDifferences) {
  at::Tensor y = tensor_of({0.01, 0.4, 0.97}, {3});
  Fn by_logits = [&](const at::Tensor& l) { return td::RelaxedBernoulli(0.6, td::logits(l)).log_prob(y).sum(); };
  Fn by_temperature = [&](const at::Tensor& t) {
    return td::RelaxedBernoulli(t, td::logits(tensor_of({-1, 0, 3}, {3}))).log_prob(y).sum();
  };
  Fn by_value = [&](const at::Tensor& v) {
    return td::RelaxedBernoulli(0.6, td::logits(tensor_of({-1, 0, 3}, {3}))).log_prob(v).sum();
  };
  at::Tensor l0 = tensor_of({-1, 0, 3}, {3});
  at::Tensor t0 = tensor_of({0.3, 1, 2}, {3});
  EXPECT_TRUE(all_close(td::testing::autograd_grad(by_logits, l0), td::testing::finite_difference_grad(by_logits, l0),
                        1e-6, 1e-8));
  EXPECT_TRUE(all_close(td::testing::autograd_grad(by_temperature, t0),
                        td::testing::finite_difference_grad(by_temperature, t0), 1e-6, 1e-8));
  EXPECT_TRUE(all_close(td::testing::autograd_grad(by_value, y), td::testing::finite_difference_grad(by_value, y, 1e-8),
                        1e-5, 1e-6));
}

TEST(RelaxedBernoulli, CdfAndIcdf) {
  // cdf(y) = sigmoid(tau logit(y) - l), in closed form.
  td::RelaxedBernoulli d(0.5, td::logits(tensor_of({0.7})));
  std::vector<double> ys = {1e-6, 0.2, 0.5, 0.9}, expected;
  for (double y : ys) expected.push_back(1 / (1 + std::exp(-(0.5 * logit(y) - 0.7))));
  at::Tensor c = d.cdf(tensor_of(ys, {4}));
  EXPECT_TRUE(all_close(c, tensor_of(expected, {4}), 1e-12));
  EXPECT_TRUE(all_close(d.icdf(c), tensor_of(ys, {4}), 1e-9));
  td::LogitRelaxedBernoulli x(0.5, td::logits(tensor_of({0.7})));
  EXPECT_TRUE(all_close(x.icdf(tensor_of({0.0, 1.0}, {2})), tensor_of({-INFINITY, INFINITY}, {2})));
}

TEST(RelaxedBernoulli, CdfIsZeroAndOneAtTheEnds) {
  // The transform's clamp into [tiny, 1 - eps] made cdf(0) = 1 at
  // logits = -1e4, tau = 0.05, and cdf(1) = 1 - 3e-8.
  at::Tensor logits = tensor_of({-1e4, 0.7, 3}, {3}).requires_grad_();
  at::Tensor tau = tensor_of({0.05, 0.5, 2}, {3}).requires_grad_();
  td::RelaxedBernoulli d(tau, td::logits(logits));
  at::Tensor ends = d.cdf(tensor_of({0, 1, 0}, {3}));
  EXPECT_TRUE(at::equal(ends, tensor_of({0, 1, 0}, {3})));
  ends.sum().backward();
  EXPECT_TRUE(at::equal(logits.grad(), at::zeros({3}, at::kDouble)));
  EXPECT_TRUE(at::equal(tau.grad(), at::zeros({3}, at::kDouble)));
  // Without validation: 0 below and 1 above the support, and log_prob
  // -inf (it was the density at the clamped point, -706.86 at y = -0.5).
  td::RelaxedBernoulli unchecked(2.0, td::probs(tensor_of({0.3})), /*validate_args=*/false);
  EXPECT_TRUE(at::equal(unchecked.cdf(tensor_of({-0.5, 1.5}, {2})), tensor_of({0, 1}, {2})));
  EXPECT_TRUE(at::equal(unchecked.log_prob(tensor_of({-0.5, 1.5}, {2})), at::full({2}, -INFINITY, at::kDouble)));
  EXPECT_TRUE(std::isnan(unchecked.cdf(tensor_of({NAN})).item<double>()));
}

TEST(RelaxedBernoulli, ShapesDtypesAndAccessors) {
  td::RelaxedBernoulli scalar(0.5, td::probs(0.3));
  EXPECT_EQ(scalar.batch_shape().size(), 0u);
  EXPECT_EQ(scalar.sample().dim(), 0);
  EXPECT_EQ(scalar.sample().scalar_type(), at::kFloat);
  EXPECT_EQ(scalar.temperature().scalar_type(), at::kFloat);
  EXPECT_TRUE(scalar.has_rsample());
  EXPECT_EQ(scalar.support()->name(), "unit_interval()");

  // A number temperature takes the parameter's dtype; a double temperature
  // tensor promotes float probs.
  td::RelaxedBernoulli d(0.5, td::probs(tensor_of({0.1, 0.9}, {2})));
  EXPECT_EQ(d.sample({3}).scalar_type(), at::kDouble);
  EXPECT_EQ(d.temperature().dim(), 0);
  td::LogitRelaxedBernoulli promoted(at::full({}, 0.5, at::kDouble), td::probs(at::tensor({0.1f, 0.9f})));
  EXPECT_EQ(promoted.probs().scalar_type(), at::kDouble);

  // torch's batch shape is the parameter's; a temperature that broadcasts
  // into it keeps it, a wider one widens it.
  td::RelaxedBernoulli keep(tensor_of({2.2}, {1}), td::probs(tensor_of({0.1, 0.2, 0.3, 0.99}, {4})));
  EXPECT_EQ(keep.batch_shape(), at::IntArrayRef({4}));
  EXPECT_EQ(keep.temperature().sizes(), at::IntArrayRef({1}));
  td::RelaxedBernoulli widen(tensor_of({0.5, 1, 2}, {3, 1}), td::logits(tensor_of({0, 1}, {2})));
  EXPECT_EQ(widen.batch_shape(), at::IntArrayRef({3, 2}));
  EXPECT_EQ(widen.param_shape(), at::IntArrayRef({3, 2}));
  EXPECT_EQ(widen.temperature().sizes(), at::IntArrayRef({3, 1}));
  at::Tensor s = widen.sample({5, 4});
  EXPECT_EQ(s.sizes(), at::IntArrayRef({5, 4, 3, 2}));
  EXPECT_EQ(widen.log_prob(s).sizes(), at::IntArrayRef({5, 4, 3, 2}));
  // Each row uses its own temperature: compare with separate distributions.
  for (int64_t i = 0; i < 3; ++i) {
    td::RelaxedBernoulli row(widen.temperature()[i][0].item<double>(), td::logits(tensor_of({0, 1}, {2})));
    EXPECT_TRUE(all_close(widen.log_prob(s).select(2, i), row.log_prob(s.select(2, i)), 1e-14));
  }

  // probs <-> logits, lazily derived.
  td::RelaxedBernoulli lg(1.0, td::logits(tensor_of({0.0, std::log(3.0)}, {2})));
  EXPECT_TRUE(all_close(lg.probs(), tensor_of({0.5, 0.75}, {2}), 1e-15));
  td::RelaxedBernoulli pr(1.0, td::probs(tensor_of({0.5, 0.75}, {2})));
  EXPECT_TRUE(all_close(pr.logits(), tensor_of({0.0, std::log(3.0)}, {2}), 1e-15, 1e-15));

  // expand: no copy of the parameters, same log_prob, the concrete type.
  td::RelaxedBernoulli e = widen.expand({4, 3, 2});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({4, 3, 2}));
  EXPECT_EQ(e.name(), "RelaxedBernoulli");
  EXPECT_TRUE(all_close(e.log_prob(s[0][0]), widen.log_prob(s[0][0]).expand({4, 3, 2}), 1e-15));
  td::LogitRelaxedBernoulli le = td::LogitRelaxedBernoulli(0.5, td::probs(tensor_of({0.2}))).expand({3});
  EXPECT_EQ(le.sample().sizes(), at::IntArrayRef({3}));

  // No closed forms, as in torch.
  EXPECT_THROW_MSG(d.mean(), c10::NotImplementedError, "RelaxedBernoulli does not implement mean");
  EXPECT_THROW_MSG(d.entropy(), c10::NotImplementedError, "RelaxedBernoulli does not implement entropy");
  EXPECT_THROW_MSG(promoted.variance(), c10::NotImplementedError, "LogitRelaxedBernoulli does not implement variance");
}

TEST(RelaxedBernoulli, ValidationMessages) {
  EXPECT_THROW_MSG(td::RelaxedBernoulli(0.0, td::probs(0.3)), c10::ValueError,
                   "RelaxedBernoulli: temperature must satisfy positive()");
  EXPECT_THROW_MSG(td::RelaxedBernoulli(tensor_of({1, -2}, {2}), td::probs(0.3)), c10::ValueError,
                   "RelaxedBernoulli: temperature must satisfy positive(), got -2 at index [1]");
  EXPECT_THROW_MSG(td::LogitRelaxedBernoulli(-1.0, td::logits(0.3)), c10::ValueError,
                   "LogitRelaxedBernoulli: temperature must satisfy positive()");
  EXPECT_THROW_MSG(td::RelaxedBernoulli(1.0, td::probs(tensor_of({0.5, 1.5}, {2}))), c10::ValueError,
                   "RelaxedBernoulli: probs must satisfy unit_interval()");
  EXPECT_THROW_MSG(td::LogitRelaxedBernoulli(1.0, td::logits(tensor_of({NAN}, {1}))), c10::ValueError,
                   "LogitRelaxedBernoulli: logits must satisfy real()");
  EXPECT_THROW_MSG(td::RelaxedBernoulli(
                       1.0, td::ProbsOrLogits::from_optional("RelaxedBernoulli", tensor_of({0.5}), tensor_of({0.0}))),
                   c10::ValueError, "RelaxedBernoulli: exactly one of probs or logits must be specified, got both");
  EXPECT_THROW_MSG(
      td::RelaxedBernoulli(1.0, td::ProbsOrLogits::from_optional("RelaxedBernoulli", c10::nullopt, c10::nullopt)),
      c10::ValueError, "RelaxedBernoulli: exactly one of probs or logits must be specified, got neither");
  EXPECT_THROW_MSG(td::RelaxedBernoulli(1.0, td::probs(at::Tensor())), c10::ValueError,
                   "RelaxedBernoulli: exactly one of probs or logits must be specified, got neither");
  EXPECT_THROW_MSG(td::RelaxedBernoulli(at::Tensor(), td::probs(0.3)), c10::ValueError,
                   "RelaxedBernoulli: temperature must be a defined tensor");
  EXPECT_THROW_MSG(td::RelaxedBernoulli(tensor_of({1, 2, 3}, {3}), td::probs(tensor_of({0.1, 0.2}, {2}))),
                   c10::ValueError,
                   "RelaxedBernoulli: temperature of shape [3] does not broadcast with probs of shape [2]");
  td::RelaxedBernoulli d(1.0, td::probs(tensor_of({0.3, 0.6}, {2})));
  EXPECT_THROW_MSG(d.log_prob(tensor_of({0.5, 1.5}, {2})), c10::ValueError,
                   "RelaxedBernoulli: value must be within the support unit_interval()");
  EXPECT_THROW_MSG(d.log_prob(tensor_of({0.5, 0.5, 0.5}, {3})), c10::ValueError,
                   "RelaxedBernoulli: value of shape [3]");
  EXPECT_THROW_MSG(td::LogitRelaxedBernoulli(1.0, td::probs(0.3)).icdf(tensor_of({1.5})), c10::ValueError,
                   "LogitRelaxedBernoulli");
  // validate_args = false: no checks.
  td::RelaxedBernoulli unchecked(-1.0, td::probs(0.3), /*validate_args=*/false);
  EXPECT_FALSE(unchecked.validate_args());
}

}  // namespace
