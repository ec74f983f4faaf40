// Dirichlet: log_prob against the closed form with Boost's lgamma (interior
// and on the faces of the simplex), moments, mode and entropy against closed
// forms, marginals by KS tests, pathwise gradients against the analytic
// derivative of the mean, log_prob/entropy gradients against finite
// differences, validation messages.

#include <torchdist/distributions/beta.h>
#include <torchdist/distributions/dirichlet.h>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <cmath>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The closed form in long double with Boost's lgamma; 0 * log(0) = 0.
double reference_log_pdf(const std::vector<double>& x, const std::vector<double>& c) {
  using L = long double;
  L sum = 0, lp = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    sum += c[i];
    lp -= boost::math::lgamma(static_cast<L>(c[i]));
    if (c[i] != 1) lp += (static_cast<L>(c[i]) - 1) * std::log(static_cast<L>(x[i]));
  }
  return static_cast<double>(lp + boost::math::lgamma(sum));
}

double reference_entropy(const std::vector<double>& c) {
  using boost::math::digamma;
  using boost::math::lgamma;
  using L = long double;
  L c0 = 0, h = 0;
  for (double ci : c) {
    c0 += ci;
    h += lgamma(static_cast<L>(ci)) - (static_cast<L>(ci) - 1) * digamma(static_cast<L>(ci));
  }
  return static_cast<double>(h - lgamma(c0) + (c0 - static_cast<L>(c.size())) * digamma(c0));
}

at::Tensor vec(const std::vector<double>& v) { return tensor_of(v, {static_cast<int64_t>(v.size())}); }

TEST(Dirichlet, LogProbMatchesClosedForm) {
  struct Case {
    std::vector<double> c;
    std::vector<std::vector<double>> xs;
  };
  const std::vector<Case> cases = {
      {{0.5, 2, 3}, {{0.2, 0.3, 0.5}, {1e-10, 0.5, 0.5 - 1e-10}, {0.98, 0.01, 0.01}}},
      {{1e-3, 1e-3, 1e-3}, {{1e-200, 1e-100, 1}, {0.3, 0.3, 0.4}}},
      {{1e4, 2e4, 1e4}, {{0.25, 0.5, 0.25}, {0.24, 0.52, 0.24}, {0.1, 0.1, 0.8}}},
      {{1, 1, 1, 1}, {{0.1, 0.2, 0.3, 0.4}}},
      {{0.3, 7}, {{0.999, 0.001}, {0.5, 0.5}}},
      {{4.5}, {{1.0}}},
  };
  for (const Case& cs : cases) {
    for (const auto& x : cs.xs) {
      SCOPED_TRACE(testing::Message() << "c " << vec(cs.c) << " x " << vec(x));
      const double expected = reference_log_pdf(x, cs.c);
      const double lp = td::Dirichlet(vec(cs.c)).log_prob(vec(x)).item<double>();
      EXPECT_NEAR(lp, expected, 1e-10 * std::max(1.0, std::abs(expected)));
    }
  }
  // A batch with a broadcast value.
  at::Tensor c = tensor_of({0.5, 2, 3, 1, 1, 1}, {2, 3});
  at::Tensor lp = td::Dirichlet(c).log_prob(vec({0.2, 0.3, 0.5}));
  EXPECT_EQ(lp.sizes(), at::IntArrayRef({2}));
  EXPECT_NEAR(lp[0].item<double>(), reference_log_pdf({0.2, 0.3, 0.5}, {0.5, 2, 3}), 1e-12);
  EXPECT_NEAR(lp[1].item<double>(), std::log(2.0), 1e-12);  // uniform: Gamma(3) = 2
}

TEST(Dirichlet, LogProbOnTheFacesOfTheSimplex) {
  // One vanishing coordinate: the limit of the density, finite when its
  // exponent is 0, +inf when negative, -inf when positive.
  EXPECT_NEAR(td::Dirichlet(vec({1, 2, 3})).log_prob(vec({0, 0.4, 0.6})).item<double>(),
              reference_log_pdf({0, 0.4, 0.6}, {1, 2, 3}), 1e-12);
  EXPECT_EQ(td::Dirichlet(vec({0.5, 2, 3})).log_prob(vec({0, 0.4, 0.6})).item<double>(), kInf);
  EXPECT_EQ(td::Dirichlet(vec({2, 2, 3})).log_prob(vec({0, 0.4, 0.6})).item<double>(), -kInf);
  // A vertex of the uniform Dirichlet: log Gamma(3) = log 2.
  EXPECT_NEAR(td::Dirichlet(vec({1, 1, 1})).log_prob(vec({1, 0, 0})).item<double>(), std::log(2.0), 1e-14);
  // Two vanishing coordinates with exponents of opposite signs (torch: NaN):
  // the limit along x_1 = x_2 = t -> 0 is t^S with S the exponents' sum.
  EXPECT_EQ(td::Dirichlet(vec({0.5, 2, 1})).log_prob(vec({0, 0, 1})).item<double>(), -kInf);  // S = 0.5
  EXPECT_EQ(td::Dirichlet(vec({0.2, 1.5, 3})).log_prob(vec({0, 0, 1})).item<double>(), kInf);  // S = -0.3
  // S = 0: the finite limit, only the normalizer (x_3 = 1).
  EXPECT_NEAR(td::Dirichlet(vec({0.5, 1.5, 3})).log_prob(vec({0, 0, 1})).item<double>(),
              reference_log_pdf({1, 1, 1}, {0.5, 1.5, 3}), 1e-12);
  // k = 2 agrees with Beta at the ends of [0, 1].
  at::Tensor a = vec({1, 0.5, 3}), b = vec({3, 1, 0.5});
  for (double x : {0.0, 1.0}) {
    at::Tensor lp = td::Dirichlet(at::stack({a, b}, -1)).log_prob(tensor_of({x, 1 - x}, {2}));
    EXPECT_TRUE(all_close(lp, td::Beta(a, b).log_prob(tensor_of({x})), 1e-14, 1e-14)) << x;
  }
  // Gradients there are never NaN.
  at::Tensor c = tensor_of({1, 2, 3, 0.5, 2, 1}, {2, 3}).set_requires_grad(true);
  at::Tensor xv = tensor_of({0, 0.4, 0.6, 0, 0, 1}, {2, 3}).set_requires_grad(true);
  td::Dirichlet(c).log_prob(xv).sum().backward();
  EXPECT_FALSE(at::isnan(c.grad()).any().item<bool>());
  EXPECT_FALSE(at::isnan(xv.grad()).any().item<bool>());
}


TEST(Dirichlet, LogProbAtTinyConcentrations) {
  // c - 1 rounds to -1 below 2^-53: the normalizer must come from c itself
  // (it was NaN at 1e-20 and -inf at 1e-30). References by mpmath (50 digits).
  const at::Tensor x = vec({0.3, 0.7});
  EXPECT_NEAR(td::Dirichlet(vec({1e-20, 1e-20})).log_prob(x).item<double>(), -45.18420129217619, 1e-12);
  EXPECT_NEAR(td::Dirichlet(vec({1e-30, 1e-30})).log_prob(x).item<double>(), -68.21005222211664, 1e-12);
  // Float32 parameters and values, the normalizer still computed in double;
  // a subnormal float concentration (1e-40 rounds to 9.99994610111476e-41).
  const at::Tensor c32 = at::tensor({1e-30f, 1e-30f});
  EXPECT_NEAR(td::Dirichlet(c32).log_prob(at::tensor({0.3f, 0.7f})).item<double>(), -68.21005224165211, 2e-5);
  const at::Tensor sub = at::tensor({1e-40f, 2.0f, 1e-17f});
  EXPECT_NEAR(td::Dirichlet(sub).log_prob(at::tensor({0.25f, 0.5f, 0.25f})).item<double>(), -129.16791414888382,
              2e-5 * 129.2);
}
TEST(Dirichlet, MomentsClosedForms) {
  const std::vector<double> c = {0.5, 2, 3, 1e4};
  const double c0 = 0.5 + 2 + 3 + 1e4;
  std::vector<double> mean, var;
  for (double ci : c) {
    mean.push_back(ci / c0);
    var.push_back(ci * (c0 - ci) / (c0 * c0 * (c0 + 1)));
  }
  td::Dirichlet d(vec(c));
  EXPECT_TRUE(all_close(d.mean(), vec(mean), 1e-14));
  EXPECT_TRUE(all_close(d.variance(), vec(var), 1e-14));
  EXPECT_TRUE(all_close(d.stddev(), vec(var).sqrt(), 1e-14));
}

TEST(Dirichlet, ModeAsTorchAndWhereTorchIsNaN) {
  struct Case {
    std::vector<double> c, mode;
  };
  const std::vector<Case> cases = {
      // (c - 1)^+ normalized, as torch.
      {{2, 3, 1}, {1.0 / 3, 2.0 / 3, 0}},
      {{2, 0.5, 0.5}, {1, 0, 0}},
      {{1, 2}, {0, 1}},
      {{1e4, 1e4 + 1, 1e-3}, {(1e4 - 1) / (2e4 - 1), 1e4 / (2e4 - 1), 0}},
      // Every c < 1: torch's first vertex (the density is infinite at all of them).
      {{0.5, 0.3}, {1, 0}},
      {{0.3, 0.5}, {1, 0}},
      {{0.2, 0.3, 0.1}, {1, 0, 0}},
      // Every c <= 1 with some c = 1 (torch: NaN): the first vertex with c = 1.
      {{1, 0.5}, {1, 0}},
      {{0.5, 1, 1}, {0, 1, 0}},
  };
  for (const Case& cs : cases) {
    EXPECT_TRUE(all_close(td::Dirichlet(vec(cs.c)).mode(), vec(cs.mode), 1e-14, 0)) << vec(cs.c);
  }
  // The uniform law has no single mode: NaN, as torch (and Kumaraswamy(1, 1)).
  EXPECT_TRUE(at::isnan(td::Dirichlet(vec({1, 1, 1})).mode()).all().item<bool>());
  // Batched, with regular and degenerate rows: finite gradients everywhere.
  at::Tensor c = tensor_of({2, 3, 1, 0.5, 0.3, 0.9, 1, 0.5, 1}, {3, 3}).set_requires_grad(true);
  at::Tensor mode = td::Dirichlet(c).mode();
  EXPECT_TRUE(all_close(mode, tensor_of({1.0 / 3, 2.0 / 3, 0, 1, 0, 0, 1, 0, 0}, {3, 3}), 1e-14, 0));
  mode.select(-1, 0).sum().backward();
  EXPECT_TRUE(at::isfinite(c.grad()).all().item<bool>());
  // d/dc_0 of (c_0 - 1) / (c_0 + c_1 - 2) at (2, 3) = (c_1 - 1) / (c_0 + c_1 - 2)^2 = 2 / 9.
  EXPECT_NEAR(c.grad()[0][0].item<double>(), 2.0 / 9, 1e-14);
}

TEST(Dirichlet, EntropyMatchesClosedForm) {
  for (const std::vector<double>& c : std::vector<std::vector<double>>{
           {0.5, 2, 3}, {1e-3, 1e-3, 1e-3}, {1e4, 2e4, 1e4}, {1e-3, 1e4}, {0.1, 0.2, 0.3, 5, 7}, {3.5}}) {
    SCOPED_TRACE(vec(c));
    const double expected = reference_entropy(c);
    EXPECT_NEAR(td::Dirichlet(vec(c)).entropy().item<double>(), expected, 1e-9 * std::max(1.0, std::abs(expected)));
    const float f = td::Dirichlet(vec(c).to(at::kFloat)).entropy().item<float>();
    EXPECT_NEAR(f, expected, 2e-6 * std::max(1.0, std::abs(expected)));
  }
  // The uniform Dirichlet on k categories has density Gamma(k): H = -log((k - 1)!).
  EXPECT_NEAR(td::Dirichlet(at::ones({4}, at::kDouble)).entropy().item<double>(), -std::log(6.0), 1e-14);
  // k = 1: a point mass at [1].
  EXPECT_EQ(td::Dirichlet(vec({3.5})).entropy().item<double>(), 0.0);
}

TEST(Dirichlet, ShapesAndDtypes) {
  td::Dirichlet d(at::ones({3}));
  EXPECT_EQ(d.batch_shape(), at::IntArrayRef({}));
  EXPECT_EQ(d.event_shape(), at::IntArrayRef({3}));
  for (std::vector<int64_t> shape : {std::vector<int64_t>{}, {5}, {2, 3}}) {
    at::Tensor x = d.sample(shape);
    EXPECT_EQ(x.sizes(), at::IntArrayRef(td::concat_shapes(shape, {3})));
    EXPECT_EQ(x.scalar_type(), at::kFloat);
    EXPECT_EQ(d.log_prob(x).sizes(), at::IntArrayRef(shape));
  }
  td::Dirichlet b(at::full({2, 4, 3}, 1.5, at::kDouble));
  EXPECT_EQ(b.batch_shape(), at::IntArrayRef({2, 4}));
  at::Tensor r = b.rsample({5});
  EXPECT_EQ(r.sizes(), at::IntArrayRef({5, 2, 4, 3}));
  EXPECT_EQ(r.scalar_type(), at::kDouble);
  EXPECT_EQ(b.log_prob(r).sizes(), at::IntArrayRef({5, 2, 4}));
  EXPECT_EQ(b.log_prob(at::full({3}, 1.0 / 3, at::kDouble)).sizes(), at::IntArrayRef({2, 4}));
  for (const at::Tensor& t : {b.mean(), b.mode(), b.variance()}) EXPECT_EQ(t.sizes(), at::IntArrayRef({2, 4, 3}));
  EXPECT_EQ(b.entropy().sizes(), at::IntArrayRef({2, 4}));
  // Integer concentrations become the default dtype.
  EXPECT_EQ(td::Dirichlet(at::ones({2}, at::kLong)).concentration().scalar_type(), at::kFloat);
  td::Dirichlet e = b.expand({7, 2, 4});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({7, 2, 4}));
  EXPECT_EQ(e.concentration().sizes(), at::IntArrayRef({7, 2, 4, 3}));
  // k = 1 samples are exactly [1].
  EXPECT_TRUE(at::equal(td::Dirichlet(at::full({1}, 0.3)).sample({4}), at::ones({4, 1})));
}

TEST(Dirichlet, MarginalsPassKolmogorovSmirnov) {
  // x_i ~ Beta(c_i, c_0 - c_i). Threshold 1e-4 per test: false-failure rate
  // 1e-4 for each of the 5 marginals.
  auto gen = td::testing::seeded_generator(31);
  struct Case {
    std::vector<double> c;
    int64_t i;
    at::ScalarType dtype;
  };
  for (const Case& cs : {Case{{0.5, 2, 3}, 0, at::kDouble}, Case{{0.5, 2, 3}, 2, at::kDouble},
                         Case{{1e4, 2e4, 1e4}, 1, at::kDouble}, Case{{0.05, 0.1, 0.3, 1}, 3, at::kDouble},
                         Case{{0.7, 1.3, 4}, 1, at::kFloat}}) {
    double c0 = 0;
    for (double ci : cs.c) c0 += ci;
    td::Dirichlet d(vec(cs.c).to(cs.dtype));
    auto x = td::testing::to_vector(d.sample({20000}, gen).select(-1, cs.i));
    boost::math::beta_distribution<double> ref(cs.c[cs.i], c0 - cs.c[cs.i]);
    EXPECT_GT(td::testing::ks_test(x, [&](double v) { return boost::math::cdf(ref, v); }), 1e-4)
        << vec(cs.c) << " component " << cs.i;
  }
}

TEST(Dirichlet, SamplesStayOnTheSimplex) {
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    td::Dirichlet d(tensor_of({1e-3, 1e-3, 1e-3, 1e-3, 1e4, 1, 0.5, 2, 3}, {3, 3}).to(dtype));
    at::Tensor x = d.sample({1000}, td::testing::seeded_generator(8));
    EXPECT_TRUE(td::constraints::simplex()->check(x).all().item<bool>());
    EXPECT_TRUE((x > 0).all().item<bool>());
  }
}

TEST(Dirichlet, SameGeneratorSeedGivesSameSamples) {
  td::Dirichlet d(at::full({2, 3}, 0.7));
  auto g1 = td::testing::seeded_generator(7), g2 = td::testing::seeded_generator(7);
  EXPECT_TRUE(at::equal(d.sample({3}, g1), d.sample({3}, g2)));
}

TEST(Dirichlet, PathwiseGradientOfTheMeanIsUnbiased) {
  // E[x_i] = c_i / c_0, so E[dx_i/dc_j] = (delta_ij c_0 - c_i) / c_0^2. The
  // concentration is n identical leaf rows, so that each sample's gradient
  // lands in its own row. Bound: |mean - expected| <= 5 standard errors
  // (estimated from the same samples): false-failure rate 6e-7 per check
  // under the CLT. For c = 1e-3 the per-sample gradients are heavy-tailed
  // (order 1e6 on about 1 sample in 1000), hence the larger n there.
  struct Case {
    std::vector<double> c;
    int64_t i;
    at::ScalarType dtype;
    int64_t n;
  };
  for (const Case& cs : {Case{{0.5, 2, 3}, 0, at::kDouble, 50000}, Case{{1e-3, 1e-3, 1e-3}, 1, at::kDouble, 400000},
                         Case{{1e4, 1e4, 1e4}, 0, at::kFloat, 30000}, Case{{1e4, 1e4, 1e4}, 2, at::kDouble, 30000},
                         Case{{1e-3, 1, 1e4}, 0, at::kFloat, 100000}}) {
    SCOPED_TRACE(testing::Message() << vec(cs.c) << " component " << cs.i << " " << cs.dtype);
    const int64_t k = static_cast<int64_t>(cs.c.size());
    at::Tensor c = vec(cs.c).to(cs.dtype).expand({cs.n, k}).clone().set_requires_grad(true);
    td::Dirichlet(c).rsample({}, td::testing::seeded_generator(23)).select(-1, cs.i).sum().backward();
    at::Tensor g = c.grad().to(at::kDouble);
    ASSERT_TRUE(at::isfinite(g).all().item<bool>());
    double c0 = 0;
    for (double ci : cs.c) c0 += ci;
    for (int64_t j = 0; j < k; ++j) {
      const double expected = ((j == cs.i ? c0 : 0) - cs.c[cs.i]) / (c0 * c0);
      at::Tensor gj = g.select(-1, j);
      const double mean = gj.mean().item<double>();
      const double se = gj.std().item<double>() / std::sqrt(static_cast<double>(cs.n));
      EXPECT_LE(std::abs(mean - expected), 5 * se) << "j " << j << " mean " << mean << " expected " << expected
                                                   << " se " << se;
    }
  }
}

TEST(Dirichlet, LogProbGradientsMatchFiniteDifferences) {
  at::Tensor c0 = tensor_of({0.5, 2, 3, 40, 1, 0.1}, {2, 3});
  at::Tensor x0 = tensor_of({0.2, 0.3, 0.5, 0.6, 0.3, 0.1}, {2, 3});
  auto f_c = [&](const at::Tensor& c) { return td::Dirichlet(c).log_prob(x0).sum(); };
  // Off the simplex for the x derivative, so without validation.
  auto f_x = [&](const at::Tensor& x) { return td::Dirichlet(c0, false).log_prob(x).sum(); };
  auto f_h = [&](const at::Tensor& c) { return td::Dirichlet(c).entropy().sum(); };
  using td::testing::autograd_grad;
  using td::testing::finite_difference_grad;
  EXPECT_TRUE(all_close(autograd_grad(f_c, c0), finite_difference_grad(f_c, c0), 1e-6, 1e-6));
  EXPECT_TRUE(all_close(autograd_grad(f_x, x0), finite_difference_grad(f_x, x0, 1e-8), 1e-6, 1e-6));
  EXPECT_TRUE(all_close(autograd_grad(f_h, c0), finite_difference_grad(f_h, c0, 1e-5), 1e-6, 1e-6));
}

TEST(Dirichlet, ExtremeParametersStayFinite) {
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    SCOPED_TRACE(dtype);
    at::Tensor c = tensor_of({1e-3, 1e-3, 1e-3, 1e4, 1e4, 1e4, 1e-3, 1e4, 1, 1e-3, 1, 1e-3}, {4, 3})
                       .to(dtype)
                       .set_requires_grad(true);
    td::Dirichlet d(c);
    at::Tensor x = d.rsample({2000}, td::testing::seeded_generator(4));
    EXPECT_EQ(x.scalar_type(), dtype);
    EXPECT_TRUE((x > 0).all().item<bool>());
    at::Tensor lp = d.log_prob(x);
    EXPECT_TRUE(at::isfinite(lp).all().item<bool>());
    EXPECT_TRUE(at::isfinite(d.entropy()).all().item<bool>());
    ((x * tensor_of({1, 2, 3}, {3}).to(dtype)).sum() + lp.sum()).backward();
    EXPECT_TRUE(at::isfinite(c.grad()).all().item<bool>());
  }
}

TEST(Dirichlet, ValidationErrors) {
  EXPECT_THROW_MSG(td::Dirichlet(at::scalar_tensor(1.0)), c10::ValueError,
                   "Dirichlet: concentration must be at least one-dimensional, got a 0-dim tensor");
  EXPECT_THROW_MSG(td::Dirichlet(at::ones({0})), c10::ValueError,
                   "Dirichlet: concentration must have at least one category, got shape [0]");
  EXPECT_THROW_MSG(td::Dirichlet(at::Tensor()), c10::ValueError, "Dirichlet: concentration must be a defined tensor");
  EXPECT_THROW_MSG(td::Dirichlet(tensor_of({1, 2, 1, -1}, {2, 2})), c10::ValueError,
                   "Dirichlet: concentration must satisfy independent(positive(), 1), got [1, -1] at index [1]");
  EXPECT_THROW_MSG(td::Dirichlet(tensor_of({1, 0}, {2})), c10::ValueError,
                   "Dirichlet: concentration must satisfy independent(positive(), 1), got [1, 0]");
  td::Dirichlet d(vec({1, 2, 3}));
  EXPECT_THROW_MSG(d.log_prob(vec({0.5, 0.6, 0.1})), c10::ValueError,
                   "Dirichlet: value must be within the support simplex(), got [0.5, 0.6, 0.1]");
  EXPECT_THROW_MSG(d.log_prob(vec({1.2, -0.1, -0.1})), c10::ValueError,
                   "Dirichlet: value must be within the support simplex()");
  EXPECT_THROW_MSG(d.log_prob(vec({0.5, 0.5})), c10::ValueError,
                   "Dirichlet: value of shape [2] does not end in the event shape [3]");
  EXPECT_THROW_MSG(d.cdf(vec({0.2, 0.3, 0.5})), c10::NotImplementedError, "Dirichlet does not implement cdf");
  EXPECT_THROW_MSG(d.icdf(vec({0.2, 0.3, 0.5})), c10::NotImplementedError, "Dirichlet does not implement icdf");
  EXPECT_NO_THROW(td::Dirichlet(tensor_of({1, -1}, {2}), /*validate_args=*/false));
}

}  // namespace
