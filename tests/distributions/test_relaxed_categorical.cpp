// ExpRelaxedCategorical and RelaxedOneHotCategorical (Concrete /
// Gumbel-Softmax): log_prob against the closed-form Concrete density of
// Maddison, Mnih & Teh (2017) and spot values from torch 1.13; the density
// integrates to 1 over the simplex (quadrature, K = 2 and 3); sampling by
// chi-square on the argmax (Gumbel-max) and KS on logistic differences;
// the finite log_prob for underflowed entries; no NaN for extreme logits;
// pathwise gradients against finite differences; shapes, dtypes, expand;
// validation messages.

#include <torchdist/core/probs_logits.h>
#include <torchdist/distributions/relaxed_categorical.h>

#include <array>
#include <boost/math/distributions/logistic.hpp>
#include <boost/math/quadrature/gauss.hpp>
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

// The Concrete density of Maddison et al. (2017), eq. (3), on the K - 1
// free coordinates, in double, for one point y and weights alpha (any
// positive scale: the density is homogeneous of degree 0 in alpha):
//   p(y) = (K-1)! tau^(K-1) prod_k alpha_k y_k^(-tau-1) / (sum_k alpha_k y_k^(-tau))^K.
double concrete_log_pdf(const std::vector<double>& y, const std::vector<double>& alpha, double tau) {
  const double k = static_cast<double>(y.size());
  double log_prod = 0, sum = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    log_prod += std::log(alpha[i]) - (tau + 1) * std::log(y[i]);
    sum += alpha[i] * std::pow(y[i], -tau);
  }
  return std::lgamma(k) + (k - 1) * std::log(tau) + log_prod - k * std::log(sum);
}

const std::vector<std::vector<double>> kPoints3 = {
    {1.0 / 3, 1.0 / 3, 1.0 / 3}, {0.1, 0.3, 0.6}, {0.8, 0.15, 0.05}, {1e-6, 0.5, 0.5 - 1e-6}, {0.98, 0.01, 0.01}};

TEST(RelaxedOneHotCategorical, LogProbIsTheConcreteDensity) {
  // torch's log_prob (ExpConcrete at log y, minus the ExpTransform
  // log-Jacobian sum_k log y_k) is exactly the Concrete density on the
  // K - 1 free coordinates (checked against torch 1.13 to 1e-15).
  const std::vector<double> alpha = {1.0, 2.0, 5.0};  // unnormalized probs
  for (double tau : {0.05, 0.6, 1.0, 3.0}) {
    SCOPED_TRACE(::testing::Message() << "tau " << tau);
    std::vector<double> flat, expected, expected_exp;
    for (const auto& y : kPoints3) {
      flat.insert(flat.end(), y.begin(), y.end());
      const double lp = concrete_log_pdf(y, alpha, tau);
      expected.push_back(lp);
      expected_exp.push_back(lp + std::log(y[0]) + std::log(y[1]) + std::log(y[2]));
    }
    const auto n = static_cast<int64_t>(kPoints3.size());
    at::Tensor y = tensor_of(flat, {n, 3});
    td::RelaxedOneHotCategorical by_probs(tau, td::probs(tensor_of(alpha, {3})));
    td::RelaxedOneHotCategorical by_logits(tensor_of({tau}), td::logits(tensor_of(alpha, {3}).log() + 7));
    EXPECT_TRUE(all_close(by_probs.log_prob(y), tensor_of(expected, {n}), 1e-11, 1e-11));
    EXPECT_TRUE(all_close(by_logits.log_prob(y), tensor_of(expected, {n}), 1e-11, 1e-11));
    // ExpRelaxedCategorical: the same plus sum_k x_k, at x = log y.
    td::ExpRelaxedCategorical e(tau, td::probs(tensor_of(alpha, {3})));
    EXPECT_TRUE(all_close(e.log_prob(y.log()), tensor_of(expected_exp, {n}), 1e-11, 1e-11));
  }
}

TEST(RelaxedOneHotCategorical, SpotValuesFromTorch) {
  // torch 1.13, double: RelaxedOneHotCategorical(0.6, probs=[0.2, 0.3, 0.5])
  // and its base_dist at y and log y.
  at::Tensor y = tensor_of({0.1, 0.3, 0.6, 0.8, 0.15, 0.05}, {2, 3});
  at::Tensor p = tensor_of({0.2, 0.3, 0.5}, {3});
  EXPECT_TRUE(all_close(td::RelaxedOneHotCategorical(0.6, td::probs(p)).log_prob(y),
                        tensor_of({0.3764650515060226, 0.058053722344742376}, {2}), 1e-13));
  EXPECT_TRUE(all_close(td::ExpRelaxedCategorical(0.6, td::probs(p)).log_prob(y.log()),
                        tensor_of({-3.6409184695799497, -5.05794208740934}, {2}), 1e-13));
}

TEST(RelaxedOneHotCategorical, DensityIntegratesToOneOverTheSimplex) {
  // K = 2: integrate over y_1 in (0, 1) (tanh-sinh, endpoint singularities
  // y^(tau-1) for tau < 1); the half near y_1 = 1 via the mirrored
  // distribution (probs swapped), so that 1 - y_1 is not rounded.
  boost::math::quadrature::tanh_sinh<double> integrator;
  for (double tau : {0.4, 1.0, 2.0}) {
    SCOPED_TRACE(::testing::Message() << "tau " << tau);
    td::RelaxedOneHotCategorical d(tau, td::probs(tensor_of({0.3, 0.7}, {2})));
    td::RelaxedOneHotCategorical mirrored(tau, td::probs(tensor_of({0.7, 0.3}, {2})));
    auto density = [](const td::RelaxedOneHotCategorical& dist) {
      return [&dist](double u) { return std::exp(dist.log_prob(tensor_of({u, 1 - u}, {2})).item<double>()); };
    };
    EXPECT_NEAR(integrator.integrate(density(d), 0.0, 0.5) + integrator.integrate(density(mirrored), 0.0, 0.5), 1.0,
                1e-7);
  }
  // K = 3, tau = 1 and 2 (the density vanishes on the edges there, but
  // behaves like 1 / r (tau = 1) or a direction-dependent constant (tau = 2)
  // at the vertices). The simplex is cut into its four midpoint triangles;
  // each corner triangle is mapped from the unit square by the Duffy map
  // x = a + s ((b - a) + t (c - b)) collapsing onto its vertex a (Jacobian
  // proportional to s, which cancels the 1 / r), then a 40 x 40
  // Gauss-Legendre product rule; all points in one log_prob call.
  using Gauss = boost::math::quadrature::gauss<double, 40>;
  std::vector<double> nodes, weights;
  for (size_t i = 0; i < Gauss::abscissa().size(); ++i) {
    for (double sign : {-1.0, 1.0}) {
      if (sign < 0 && Gauss::abscissa()[i] == 0) continue;
      nodes.push_back(0.5 + 0.5 * sign * Gauss::abscissa()[i]);
      weights.push_back(0.5 * Gauss::weights()[i]);
    }
  }
  using Point = std::array<double, 3>;
  std::vector<double> flat, w;
  auto add_triangle = [&](const Point& a, const Point& b, const Point& c) {
    // Area scale in the free coordinates (y_1, y_2).
    const double det = std::abs((b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]));
    for (size_t i = 0; i < nodes.size(); ++i) {
      for (size_t j = 0; j < nodes.size(); ++j) {
        const double s = nodes[i], t = nodes[j];
        for (int k = 0; k < 3; ++k) flat.push_back(a[k] + s * ((b[k] - a[k]) + t * (c[k] - b[k])));
        w.push_back(weights[i] * weights[j] * s * det);
      }
    }
  };
  const Point v1{1, 0, 0}, v2{0, 1, 0}, v3{0, 0, 1};
  const Point m12{0.5, 0.5, 0}, m13{0.5, 0, 0.5}, m23{0, 0.5, 0.5};
  add_triangle(v1, m12, m13);
  add_triangle(v2, m12, m23);
  add_triangle(v3, m13, m23);
  add_triangle(m12, m13, m23);
  const auto m = static_cast<int64_t>(w.size());
  at::Tensor grid = tensor_of(flat, {m, 3});
  EXPECT_NEAR(tensor_of(w, {m}).sum().item<double>(), 0.5, 1e-14);  // the simplex's area
  for (double tau : {1.0, 2.0}) {
    td::RelaxedOneHotCategorical d(tau, td::probs(tensor_of({0.2, 0.3, 0.5}, {3})));
    const double total = (d.log_prob(grid).exp() * tensor_of(w, {m})).sum().item<double>();
    EXPECT_NEAR(total, 1.0, 1e-8) << "tau " << tau;
  }
}

TEST(RelaxedOneHotCategorical, ArgmaxFollowsTheCategorical) {
  // argmax((l + g) / tau) = argmax(l + g) ~ Categorical(p) at every tau (the
  // Gumbel-max trick); at tau = 0.01 the samples are nearly one-hot.
  // Chi-square threshold 1e-4 for each of 8 tests: false-failure rate 8e-4
  // at the fixed seeds.
  at::Tensor p = tensor_of({0.05, 0.15, 0.3, 0.5, 0.7, 0.1, 0.1, 0.1}, {2, 4});
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    for (double tau : {0.01, 2.0}) {
      SCOPED_TRACE(::testing::Message() << dtype << " tau " << tau);
      td::RelaxedOneHotCategorical d(tau, td::probs(p.to(dtype)));
      at::Tensor y = d.sample({20000}, td::testing::seeded_generator(tau < 1 ? 17 : 18));
      ASSERT_EQ(y.scalar_type(), dtype);
      ASSERT_EQ(y.sizes(), at::IntArrayRef({20000, 2, 4}));
      at::Tensor idx = y.argmax(-1);
      for (int64_t b = 0; b < 2; ++b) {
        at::Tensor counts = at::one_hot(idx.select(1, b), 4).sum(0);
        std::vector<int64_t> c(counts.data_ptr<int64_t>(), counts.data_ptr<int64_t>() + 4);
        EXPECT_GT(td::testing::chi_square_test(c, td::testing::to_vector(p[b])), 1e-4);
      }
      if (tau < 1) {
        EXPECT_GT((y.amax(-1) > 0.99).to(at::kDouble).mean().item<double>(), 0.95);
      }
    }
  }
}

TEST(ExpRelaxedCategorical, LogisticDifferencesPassKs) {
  // tau (x_i - x_j) - (l_i - l_j) = g_i - g_j, a difference of independent
  // standard Gumbels: Logistic(0, 1). Threshold 1e-4 for each of 6 tests:
  // false-failure rate 6e-4 at the fixed seed.
  boost::math::logistic_distribution<double> logistic(0.0, 1.0);
  auto cdf = [&](double z) { return boost::math::cdf(logistic, z); };
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    at::Tensor l = at::tensor({-1.0, 0.5, 2.0}, at::TensorOptions().dtype(dtype));
    for (double tau : {0.1, 1.0, 3.0}) {
      SCOPED_TRACE(::testing::Message() << dtype << " tau " << tau);
      td::ExpRelaxedCategorical d(tau, td::logits(l));
      at::Tensor x = d.sample({5000}, td::testing::seeded_generator(23)).to(at::kDouble);
      at::Tensor ld = l.to(at::kDouble);
      // Samples lie on logsumexp(x) = 0.
      EXPECT_TRUE(all_close(x.logsumexp(-1), at::zeros({5000}, at::kDouble), 0, dtype == at::kFloat ? 1e-5 : 1e-12));
      at::Tensor z = tau * (x.select(1, 0) - x.select(1, 2)) - (ld[0] - ld[2]);
      EXPECT_GT(td::testing::ks_test(td::testing::to_vector(z), cdf), 1e-4);
    }
  }
}

TEST(RelaxedOneHotCategorical, LogProbIsFiniteWhenEntriesUnderflow) {
  // Deviation from torch (required): at tau = 0.01 in float32 most samples
  // have entries that underflow to 0; torch's log_prob is NaN there.
  td::RelaxedOneHotCategorical d(0.01, td::probs(at::tensor({0.2f, 0.3f, 0.5f})));
  at::Tensor y = d.sample({1000}, td::testing::seeded_generator(9));
  ASSERT_EQ(y.scalar_type(), at::kFloat);
  EXPECT_GT((y == 0).any(-1).sum().item<int64_t>(), 500);
  EXPECT_TRUE(d.support()->check(y).all().item<bool>());
  at::Tensor lp = d.log_prob(y);
  EXPECT_TRUE(at::isfinite(lp).all().item<bool>());
  // The naive change of variables (torch's) on the same samples is NaN,
  // so the check above can fail.
  const auto& base = static_cast<const td::ExpRelaxedCategorical&>(*d.base_dist());
  at::Tensor naive = base.log_prob(y.log()) - y.log().sum(-1);
  EXPECT_TRUE(at::isnan(naive).any().item<bool>());
  // Where nothing underflowed, the fix changes nothing.
  at::Tensor clean = (y >= std::numeric_limits<float>::min()).all(-1);
  ASSERT_GT(clean.sum().item<int64_t>(), 0);
  EXPECT_TRUE(at::equal(lp.masked_select(clean), naive.masked_select(clean)));
}

TEST(RelaxedOneHotCategorical, NoNanForExtremeLogitsAndLowTemperature) {
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    for (double tau : {1e-2, 1.0}) {
      SCOPED_TRACE(::testing::Message() << dtype << " tau " << tau);
      at::Tensor l = at::tensor({1e4, -1e4, 0.0, 30.0}, at::TensorOptions().dtype(dtype)).requires_grad_();
      td::ExpRelaxedCategorical e(tau, td::logits(l));
      at::Tensor x = e.rsample({100}, td::testing::seeded_generator(2));
      EXPECT_TRUE(at::isfinite(x).all().item<bool>());
      td::RelaxedOneHotCategorical d(tau, td::logits(l));
      at::Tensor y = d.rsample({100}, td::testing::seeded_generator(2));
      EXPECT_FALSE(at::isnan(y).any().item<bool>());
      EXPECT_TRUE(d.support()->check(y.detach()).all().item<bool>());
      at::Tensor lp = d.log_prob(y.detach());
      EXPECT_TRUE(at::isfinite(lp).all().item<bool>());
      (x.sum() + y.sum() + lp.sum() + e.log_prob(x.detach()).sum()).backward();
      EXPECT_TRUE(at::isfinite(l.grad()).all().item<bool>());
    }
  }
}

TEST(RelaxedOneHotCategorical, RsampleGradientIsPathwise) {
  // f(theta) = sum w * rsample(theta) with the uniforms fixed by the seed:
  // autograd against central differences, in double.
  at::Tensor w = tensor_of({0.3, -1.2, 2.0, 0.5, 1.0, -0.7}, {2, 3});
  at::Tensor tau = tensor_of({0.5, 2.0}, {2});
  at::Tensor l0 = tensor_of({-1, 0.5, 2, 0, 0, 1}, {2, 3});
  at::Tensor p0 = tensor_of({1, 2, 3, 0.2, 0.5, 0.3}, {2, 3});
  Fn by_logits = [&](const at::Tensor& l) {
    return (td::RelaxedOneHotCategorical(tau, td::logits(l)).rsample({40}, td::testing::seeded_generator(3)) * w).sum();
  };
  Fn by_probs = [&](const at::Tensor& p) {
    return (td::RelaxedOneHotCategorical(tau, td::probs(p)).rsample({40}, td::testing::seeded_generator(3)) * w).sum();
  };
  Fn by_temperature = [&](const at::Tensor& t) {
    return (td::RelaxedOneHotCategorical(t, td::logits(l0)).rsample({40}, td::testing::seeded_generator(3)) * w).sum();
  };
  Fn exp_by_logits = [&](const at::Tensor& l) {
    return (td::ExpRelaxedCategorical(tau, td::logits(l)).rsample({40}, td::testing::seeded_generator(3)) * w).sum();
  };
  EXPECT_TRUE(all_close(td::testing::autograd_grad(by_logits, l0), td::testing::finite_difference_grad(by_logits, l0),
                        1e-6, 1e-8));
  EXPECT_TRUE(all_close(td::testing::autograd_grad(by_probs, p0), td::testing::finite_difference_grad(by_probs, p0),
                        1e-6, 1e-8));
  EXPECT_TRUE(all_close(td::testing::autograd_grad(by_temperature, tau),
                        td::testing::finite_difference_grad(by_temperature, tau), 1e-6, 1e-8));
  EXPECT_TRUE(all_close(td::testing::autograd_grad(exp_by_logits, l0),
                        td::testing::finite_difference_grad(exp_by_logits, l0), 1e-6, 1e-8));
}

TEST(RelaxedOneHotCategorical, LogProbGradientsMatchFiniteDifferences) {
  at::Tensor y = tensor_of({0.1, 0.3, 0.6, 0.8, 0.15, 0.05}, {2, 3});
  at::Tensor l0 = tensor_of({-1, 0.5, 2, 0, 0, 1}, {2, 3});
  Fn by_logits = [&](const at::Tensor& l) {
    return td::RelaxedOneHotCategorical(0.7, td::logits(l)).log_prob(y).sum();
  };
  Fn by_temperature = [&](const at::Tensor& t) {
    return td::RelaxedOneHotCategorical(t, td::logits(l0)).log_prob(y).sum();
  };
  at::Tensor t0 = tensor_of({0.3, 1.7}, {2});
  EXPECT_TRUE(all_close(td::testing::autograd_grad(by_logits, l0), td::testing::finite_difference_grad(by_logits, l0),
                        1e-6, 1e-8));
  EXPECT_TRUE(all_close(td::testing::autograd_grad(by_temperature, t0),
                        td::testing::finite_difference_grad(by_temperature, t0), 1e-6, 1e-8));
}

TEST(RelaxedOneHotCategorical, ShapesDtypesAndAccessors) {
  td::RelaxedOneHotCategorical single(0.5, td::logits(at::zeros({3})));
  EXPECT_EQ(single.batch_shape().size(), 0u);
  EXPECT_EQ(single.event_shape(), at::IntArrayRef({3}));
  EXPECT_EQ(single.sample().sizes(), at::IntArrayRef({3}));
  EXPECT_EQ(single.sample().scalar_type(), at::kFloat);
  EXPECT_EQ(single.sample({5, 2}).sizes(), at::IntArrayRef({5, 2, 3}));
  EXPECT_EQ(single.log_prob(single.sample({5, 2})).sizes(), at::IntArrayRef({5, 2}));
  EXPECT_EQ(single.support()->name(), "simplex()");
  EXPECT_TRUE(single.has_rsample());
  EXPECT_FALSE(single.has_enumerate_support());

  // Unnormalized probs are normalized; logits are normalized by logsumexp.
  td::RelaxedOneHotCategorical d(1.0, td::probs(tensor_of({1, 2, 3, 5, 0, 5}, {2, 3})));
  EXPECT_TRUE(all_close(d.probs(), tensor_of({1.0 / 6, 2.0 / 6, 3.0 / 6, 0.5, 0, 0.5}, {2, 3}), 1e-15));
  EXPECT_EQ(d.param_shape(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(d.batch_shape(), at::IntArrayRef({2}));
  EXPECT_EQ(d.temperature().scalar_type(), at::kDouble);
  td::ExpRelaxedCategorical e(tensor_of({0.5}, {1}), td::logits(tensor_of({0, 1, 2}, {3})));
  EXPECT_TRUE(all_close(e.logits().logsumexp(-1), at::zeros({1}, at::kDouble), 0, 1e-15));
  EXPECT_EQ(e.num_events(), 3);
  // A [1] temperature with a batch-less parameter: torch's batch_shape is []
  // and its samples are [3] here, but its log_prob has shape [1]; here the
  // batch is [1] for both.
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({1}));
  EXPECT_EQ(e.sample().sizes(), at::IntArrayRef({1, 3}));

  // A temperature per batch member equals separate distributions.
  at::Tensor l = tensor_of({-1, 0, 2, 0.5, 0.5, 0.5}, {2, 3});
  td::RelaxedOneHotCategorical per_batch(tensor_of({0.3, 2.0}, {2}), td::logits(l));
  at::Tensor y = per_batch.sample({6}, td::testing::seeded_generator(4));
  for (int64_t b = 0; b < 2; ++b) {
    td::RelaxedOneHotCategorical one(b == 0 ? 0.3 : 2.0, td::logits(l[b]));
    EXPECT_TRUE(all_close(per_batch.log_prob(y).select(1, b), one.log_prob(y.select(1, b)), 1e-13));
  }
  // A [3, 1] temperature widens a [2] batch to [3, 2].
  td::RelaxedOneHotCategorical widen(tensor_of({0.4, 1, 3}, {3, 1}), td::logits(l));
  EXPECT_EQ(widen.batch_shape(), at::IntArrayRef({3, 2}));
  EXPECT_EQ(widen.temperature().sizes(), at::IntArrayRef({3, 1}));
  EXPECT_EQ(widen.sample({4}).sizes(), at::IntArrayRef({4, 3, 2, 3}));

  // Mixed dtypes promote; a float parameter with a number stays float.
  td::ExpRelaxedCategorical promoted(at::full({}, 0.5, at::kDouble), td::probs(at::tensor({0.2f, 0.8f})));
  EXPECT_EQ(promoted.probs().scalar_type(), at::kDouble);
  EXPECT_EQ(promoted.rsample().scalar_type(), at::kDouble);

  // expand: the concrete type, the same log_prob.
  td::RelaxedOneHotCategorical ex = per_batch.expand({5, 2});
  EXPECT_EQ(ex.batch_shape(), at::IntArrayRef({5, 2}));
  EXPECT_EQ(ex.name(), "RelaxedOneHotCategorical");
  EXPECT_TRUE(all_close(ex.log_prob(y[0]), per_batch.log_prob(y[0]).expand({5, 2}), 1e-15));
  td::ExpRelaxedCategorical eex = e.expand({4});
  EXPECT_EQ(eex.sample({2}).sizes(), at::IntArrayRef({2, 4, 3}));

  EXPECT_THROW_MSG(d.mean(), c10::NotImplementedError, "RelaxedOneHotCategorical does not implement mean");
  EXPECT_THROW_MSG(e.entropy(), c10::NotImplementedError, "ExpRelaxedCategorical does not implement entropy");
  EXPECT_THROW_MSG(d.cdf(y), c10::NotImplementedError, "RelaxedOneHotCategorical does not implement cdf");
}

TEST(RelaxedOneHotCategorical, ValidationMessages) {
  at::Tensor p = tensor_of({0.2, 0.8}, {2});
  EXPECT_THROW_MSG(td::RelaxedOneHotCategorical(0.0, td::probs(p)), c10::ValueError,
                   "RelaxedOneHotCategorical: temperature must satisfy positive()");
  EXPECT_THROW_MSG(td::ExpRelaxedCategorical(-0.5, td::probs(p)), c10::ValueError,
                   "ExpRelaxedCategorical: temperature must satisfy positive()");
  EXPECT_THROW_MSG(td::RelaxedOneHotCategorical(1.0, td::probs(tensor_of({0.2, -0.1}, {2}))), c10::ValueError,
                   "RelaxedOneHotCategorical: probs must satisfy simplex()");
  EXPECT_THROW_MSG(td::RelaxedOneHotCategorical(1.0, td::probs(tensor_of({0.0, 0.0}, {2}))), c10::ValueError,
                   "RelaxedOneHotCategorical: probs must satisfy simplex()");
  EXPECT_THROW_MSG(td::ExpRelaxedCategorical(1.0, td::logits(tensor_of({0.0, NAN}, {2}))), c10::ValueError,
                   "ExpRelaxedCategorical: logits must satisfy real_vector()");
  EXPECT_THROW_MSG(td::RelaxedOneHotCategorical(1.0, td::probs(0.5)), c10::ValueError,
                   "RelaxedOneHotCategorical: probs must be at least one-dimensional");
  EXPECT_THROW_MSG(
      td::RelaxedOneHotCategorical(1.0, td::ProbsOrLogits::from_optional("RelaxedOneHotCategorical", p, p.log())),
      c10::ValueError, "RelaxedOneHotCategorical: exactly one of probs or logits must be specified, got both");
  EXPECT_THROW_MSG(td::RelaxedOneHotCategorical(
                       1.0, td::ProbsOrLogits::from_optional("RelaxedOneHotCategorical", c10::nullopt, c10::nullopt)),
                   c10::ValueError,
                   "RelaxedOneHotCategorical: exactly one of probs or logits must be specified, got neither");
  EXPECT_THROW_MSG(td::RelaxedOneHotCategorical(at::Tensor(), td::probs(p)), c10::ValueError,
                   "RelaxedOneHotCategorical: temperature must be a defined tensor");
  EXPECT_THROW_MSG(td::RelaxedOneHotCategorical(tensor_of({1, 2, 3}, {3}), td::probs(at::ones({2, 4}, at::kDouble))),
                   c10::ValueError,
                   "RelaxedOneHotCategorical: temperature of shape [3] does not broadcast with the batch shape [2] of "
                   "probs of shape [2, 4]");
  td::RelaxedOneHotCategorical d(1.0, td::probs(p));
  EXPECT_THROW_MSG(d.log_prob(tensor_of({0.5, 0.6}, {2})), c10::ValueError,
                   "RelaxedOneHotCategorical: value must be within the support simplex()");
  EXPECT_THROW_MSG(d.log_prob(tensor_of({0.2, 0.3, 0.5}, {3})), c10::ValueError,
                   "RelaxedOneHotCategorical: value of shape [3] does not end in the event shape [2]");
  EXPECT_FALSE(td::RelaxedOneHotCategorical(-1.0, td::probs(p), /*validate_args=*/false).validate_args());
}

}  // namespace
