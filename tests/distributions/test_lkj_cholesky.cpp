// LKJCholesky: samples are Cholesky factors of correlation matrices; for
// dim = 2 the correlation r = L[1,0] has density proportional to
// (1 - r^2)^(eta - 1), i.e. (r + 1)/2 ~ Beta(eta, eta) (KS against Boost);
// for dim = 3, 4 every off-diagonal correlation of L L^T has marginal
// (r + 1)/2 ~ Beta(eta - 1 + dim/2, eta - 1 + dim/2) (KS against Boost);
// exp(log_prob) integrates to one over the strictly-lower entries of L
// (tanh-sinh quadrature for dim = 2, Gauss-Legendre in polar coordinates
// for dim = 3); log_prob against values printed by torch 1.13; validation.
//
// The density is with respect to Lebesgue measure on the strictly-lower
// entries of L. For dim = 2 the only such entry is r = L[1,0] itself (L11 =
// sqrt(1 - r^2) is determined), so the Jacobian between L[1,0] and r is 1
// and exp(log_prob) is the density of r: torch 1.13's log_prob integrates
// to 1 in r (checked with a 2e5-point quadrature while writing this test).

#include <torchdist/distributions/lkj_cholesky.h>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <cmath>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

at::Tensor eta_tensor(double eta) { return at::full({}, eta, at::kDouble); }

at::Tensor chol2(double r) { return tensor_of({1.0, 0.0, r, std::sqrt(1 - r * r)}, {2, 2}); }

TEST(LKJCholesky, SamplesAreCorrelationCholeskyFactors) {
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    for (int64_t dim : {2, 3, 4, 6}) {
      for (double eta : {0.05, 0.5, 1.0, 3.0, 200.0}) {
        SCOPED_TRACE(testing::Message() << dtype << " dim " << dim << " eta " << eta);
        td::LKJCholesky d(dim, at::full({}, eta, dtype));
        const at::Tensor L = d.sample({500}, td::testing::seeded_generator(2));
        EXPECT_EQ(L.sizes(), at::IntArrayRef({500, dim, dim}));
        EXPECT_EQ(L.scalar_type(), dtype);
        EXPECT_TRUE(td::constraints::corr_cholesky()->check(L).all().item<bool>());
        // L L^T has a unit diagonal.
        const at::Tensor R = at::matmul(L, L.transpose(-2, -1));
        EXPECT_TRUE(all_close(R.diagonal(0, -2, -1), at::ones({500, dim}, dtype), 0, 1e-5));
        EXPECT_TRUE(at::isfinite(d.log_prob(L)).all().item<bool>());
      }
    }
  }
}

TEST(LKJCholesky, TwoByTwoCorrelationIsBeta) {
  // (r + 1)/2 ~ Beta(eta, eta). Threshold 1e-4 per test: false-failure
  // rate 1e-4 for each of the 3 concentrations.
  for (double eta : {0.5, 1.0, 3.0}) {
    td::LKJCholesky d(2, eta_tensor(eta));
    const at::Tensor r = d.sample({20000}, td::testing::seeded_generator(11)).select(-2, 1).select(-1, 0);
    boost::math::beta_distribution<double> ref(eta, eta);
    auto u = td::testing::to_vector((r + 1) / 2);
    EXPECT_GT(td::testing::ks_test(u, [&](double v) { return boost::math::cdf(ref, v); }), 1e-4) << eta;
  }
}

TEST(LKJCholesky, OffDiagonalCorrelationsHaveBetaMarginals) {
  // Every R_ij (i > j) of R = L L^T has (R_ij + 1)/2 ~ Beta(b, b) with
  // b = eta - 1 + dim/2. Threshold 1e-4 per test: 27 tests (3 + 6
  // correlations for 3 concentrations), false-failure rate 2.7e-3 for the
  // whole test. torch 1.13's sampler fails these for i >= 2 (p < 1e-18).
  for (int64_t dim : {3, 4}) {
    for (double eta : {0.5, 1.0, 3.0}) {
      td::LKJCholesky d(dim, eta_tensor(eta));
      const at::Tensor L = d.sample({20000}, td::testing::seeded_generator(static_cast<uint64_t>(dim * 10 + eta * 2)));
      const at::Tensor R = at::matmul(L, L.transpose(-2, -1));
      const double b = eta - 1 + dim / 2.0;
      boost::math::beta_distribution<double> ref(b, b);
      for (int64_t i = 1; i < dim; ++i) {
        for (int64_t j = 0; j < i; ++j) {
          auto u = td::testing::to_vector((R.select(-2, i).select(-1, j) + 1) / 2);
          EXPECT_GT(td::testing::ks_test(u, [&](double v) { return boost::math::cdf(ref, v); }), 1e-4)
              << "dim " << dim << " eta " << eta << " R[" << i << "," << j << "]";
        }
      }
    }
  }
}

TEST(LKJCholesky, TwoByTwoDensityIntegratesToOne) {
  boost::math::quadrature::tanh_sinh<double> integrator;
  for (double eta : {0.5, 1.0, 3.0, 10.0}) {
    td::LKJCholesky d(2, eta_tensor(eta));
    // r = sin(t), dr = cos(t) dt, so that L11 = cos(t) is exact near r = +-1
    // (where the density is infinite for eta < 1).
    auto density = [&](double t) {
      const at::Tensor L = tensor_of({1.0, 0.0, std::sin(t), std::cos(t)}, {2, 2});
      return std::exp(d.log_prob(L).item<double>()) * std::cos(t);
    };
    EXPECT_NEAR(integrator.integrate(density, -M_PI / 2, M_PI / 2), 1.0, 1e-10) << eta;
    // And pointwise: (1 - r^2)^(eta - 1) Gamma(eta + 1/2) / (sqrt(pi) Gamma(eta)).
    for (double r : {-0.9, 0.0, 0.3, 0.99}) {
      const double expected = (eta - 1) * std::log1p(-r * r) + boost::math::lgamma(eta + 0.5) -
                              0.5 * std::log(M_PI) - boost::math::lgamma(eta);
      EXPECT_NEAR(d.log_prob(chol2(r)).item<double>(), expected, 1e-12) << eta << " " << r;
    }
  }
}

// Gauss-Legendre nodes and weights on [a, b] from Boost's half-range tables.
void gauss_legendre(double a, double b, std::vector<double>& nodes, std::vector<double>& weights) {
  using GL = boost::math::quadrature::gauss<double, 30>;
  const auto& x = GL::abscissa();
  const auto& w = GL::weights();
  const double mid = (a + b) / 2, half = (b - a) / 2;
  nodes.clear();
  weights.clear();
  for (size_t i = 0; i < x.size(); ++i) {
    for (double sign : {-1.0, 1.0}) {
      if (x[i] == 0 && sign > 0) continue;  // the centre node, once (odd orders)
      nodes.push_back(mid + sign * half * x[i]);
      weights.push_back(half * w[i]);
    }
  }
}

TEST(LKJCholesky, ThreeByThreeDensityIntegratesToOne) {
  // Free entries: L10 = sin(t) (t in (-pi/2, pi/2)), and (L20, L21) =
  // sin(s) (cos(a), sin(a)) (s in (0, pi/2), a in (0, 2 pi)); the volume
  // element is cos(t) * sin(s) cos(s) ds da dt. Gauss-Legendre (30 nodes)
  // in t and s, the trapezoid rule (exact for the periodic angle) in a;
  // log_prob is evaluated on the whole grid in one call.
  std::vector<double> ts, wt, ss, ws;
  gauss_legendre(-M_PI / 2, M_PI / 2, ts, wt);
  gauss_legendre(0, M_PI / 2, ss, ws);
  const int n_angle = 4;
  std::vector<double> entries, weights;
  for (size_t i = 0; i < ts.size(); ++i) {
    for (size_t j = 0; j < ss.size(); ++j) {
      for (int k = 0; k < n_angle; ++k) {
        const double t = ts[i], s = ss[j], a = 2 * M_PI * (k + 0.3) / n_angle;
        const std::vector<double> L = {1, 0, 0, std::sin(t), std::cos(t), 0, std::sin(s) * std::cos(a),
                                       std::sin(s) * std::sin(a), std::cos(s)};
        entries.insert(entries.end(), L.begin(), L.end());
        weights.push_back(wt[i] * ws[j] * 2 * M_PI / n_angle * std::cos(t) * std::sin(s) * std::cos(s));
      }
    }
  }
  const int64_t n = static_cast<int64_t>(weights.size());
  const at::Tensor grid = tensor_of(entries, {n, 3, 3});
  const at::Tensor w = tensor_of(weights, {n});
  for (double eta : {0.5, 1.0, 2.5}) {
    const at::Tensor density = td::LKJCholesky(3, eta_tensor(eta)).log_prob(grid).exp();
    EXPECT_NEAR((density * w).sum().item<double>(), 1.0, 1e-9) << eta;
  }
}

TEST(LKJCholesky, LogProbMatchesTorch) {
  // Values printed by torch 1.13 (LKJCholesky(dim, eta).log_prob(L)) for
  // the Cholesky factor of a fixed correlation matrix.
  const at::Tensor L4 = tensor_of({1.0, 0.0, 0.0, 0.0, 0.3, 0.9539392014169457, 0.0, 0.0, -0.2, 0.4822110248920824,
                                   0.8529200006287386, 0.0, 0.1, -0.34593399611823294, 0.5121385200149903,
                                   0.7797716374981368},
                                  {4, 4});
  EXPECT_NEAR(td::LKJCholesky(4, eta_tensor(0.7)).log_prob(L4).item<double>(), -3.203433495880413, 1e-12);
  EXPECT_NEAR(td::LKJCholesky(4, eta_tensor(1.0)).log_prob(L4).item<double>(), -2.712759009752383, 1e-12);
  EXPECT_NEAR(td::LKJCholesky(4, eta_tensor(4.0)).log_prob(L4).item<double>(), -1.9676920431220823, 1e-12);
  const at::Tensor L3 = L4.narrow(0, 0, 3).narrow(1, 0, 3);
  EXPECT_NEAR(td::LKJCholesky(3, eta_tensor(0.3)).log_prob(L3).item<double>(), -2.939714654611765, 1e-12);
  EXPECT_NEAR(td::LKJCholesky(3, eta_tensor(2.5)).log_prob(L3).item<double>(), -0.9588675994161298, 1e-12);
  // Batched concentration, broadcast value.
  const at::Tensor lp = td::LKJCholesky(2, tensor_of({0.5, 1.0, 3.0}, {3})).log_prob(chol2(0.6));
  EXPECT_TRUE(all_close(lp, tensor_of({-0.9215863345351905, -0.6931471805599453, -0.9571127263944099}, {3}), 1e-12));
}

TEST(LKJCholesky, LogProbGradientMatchesFiniteDifferences) {
  using td::testing::autograd_grad;
  using td::testing::finite_difference_grad;
  const at::Tensor L3 = at::linalg_cholesky(tensor_of({1, 0.3, -0.2, 0.3, 1, 0.4, -0.2, 0.4, 1}, {3, 3}));
  auto f = [&](const at::Tensor& eta) { return td::LKJCholesky(3, eta).log_prob(L3).sum(); };
  const at::Tensor eta0 = tensor_of({0.4, 1.0, 2.5}, {3});
  EXPECT_TRUE(all_close(autograd_grad(f, eta0), finite_difference_grad(f, eta0), 1e-6, 1e-8));
}

TEST(LKJCholesky, ShapesAndExpand) {
  td::LKJCholesky d(3, tensor_of({0.5, 1, 2, 3, 4, 5}, {2, 3}));
  EXPECT_EQ(d.batch_shape(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(d.event_shape(), at::IntArrayRef({3, 3}));
  EXPECT_EQ(d.dim(), 3);
  EXPECT_EQ(d.sample({4}).sizes(), at::IntArrayRef({4, 2, 3, 3, 3}));
  EXPECT_EQ(d.log_prob(d.sample({4})).sizes(), at::IntArrayRef({4, 2, 3}));
  td::LKJCholesky e = d.expand({5, 2, 3});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({5, 2, 3}));
  EXPECT_EQ(e.sample().sizes(), at::IntArrayRef({5, 2, 3, 3, 3}));
  EXPECT_EQ(td::LKJCholesky(2).concentration().scalar_type(), at::kFloat);
  EXPECT_EQ(td::LKJCholesky(2).sample().scalar_type(), at::kFloat);
  EXPECT_FALSE(td::LKJCholesky(2, tensor_of({2.0}).set_requires_grad(true)).sample().requires_grad());
  EXPECT_FALSE(d.has_rsample());
}

TEST(LKJCholesky, ValidationErrors) {
  EXPECT_THROW_MSG(td::LKJCholesky(1, 1.0), c10::ValueError,
                   "LKJCholesky: dim must be an integer greater than or equal to 2, got 1");
  EXPECT_THROW_MSG(td::LKJCholesky(3, 0.0), c10::ValueError, "LKJCholesky: concentration must satisfy positive(), got 0");
  EXPECT_THROW_MSG(td::LKJCholesky(3, tensor_of({1.0, -2.0}, {2})), c10::ValueError,
                   "LKJCholesky: concentration must satisfy positive(), got -2 at index [1]");
  EXPECT_THROW_MSG(td::LKJCholesky(3, at::Tensor()), c10::ValueError, "LKJCholesky: concentration must be a defined tensor");
  td::LKJCholesky d(2, 1.5);
  EXPECT_THROW_MSG(d.log_prob(2 * at::eye(2)), c10::ValueError, "LKJCholesky: value must be within the support corr_cholesky()");
  EXPECT_THROW_MSG(d.log_prob(chol2(0.5).t().to(at::kFloat)), c10::ValueError,
                   "LKJCholesky: value must be within the support corr_cholesky()");
  EXPECT_THROW_MSG(d.log_prob(at::eye(3)), c10::ValueError,
                   "LKJCholesky: value of shape [3, 3] does not end in the event shape [2, 2]");
  EXPECT_THROW_MSG(d.rsample(), c10::NotImplementedError, "LKJCholesky does not implement rsample");
  EXPECT_THROW_MSG(d.mean(), c10::NotImplementedError, "LKJCholesky does not implement mean");
  EXPECT_THROW_MSG(d.entropy(), c10::NotImplementedError, "LKJCholesky does not implement entropy");
  EXPECT_NO_THROW(td::LKJCholesky(3, -1.0, /*validate_args=*/false));
  // An integer identity is a valid factor: checked and evaluated as floating.
  EXPECT_TRUE(at::allclose(d.log_prob(at::eye(2, at::kLong)), d.log_prob(at::eye(2))));
}

}  // namespace
