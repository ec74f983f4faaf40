// Wishart: log_prob against the closed-form density written here (hand-
// written 3 x 3 inverse and determinant, Boost's lgamma for the
// multivariate gamma) for all three parameterizations; p = 1 against
// Boost's chi-squared (Wishart(df, s^2) = s^2 Chi2(df)); entropy closed
// form against a Monte Carlo estimate; sample mean and elementwise variance
// within standard-error bounds; pathwise gradients: finite, unbiased for
// d E[X] / d df and d E[X] / dL, and equal to finite differences at a fixed
// seed; validation.

#include <torchdist/distributions/wishart.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <array>
#include <cmath>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

using Mat3 = std::array<std::array<double, 3>, 3>;

double det3(const Mat3& a) {
  return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
         a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
}

Mat3 inv3(const Mat3& a) {
  const double d = det3(a);
  Mat3 r;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      const int i1 = (j + 1) % 3, i2 = (j + 2) % 3, j1 = (i + 1) % 3, j2 = (i + 2) % 3;
      r[i][j] = (a[i1][j1] * a[i2][j2] - a[i1][j2] * a[i2][j1]) / d;
    }
  }
  return r;
}

// log Gamma_p(a) = p (p - 1) / 4 log(pi) + sum_{j=1}^p lgamma(a + (1 - j) / 2).
double log_mvgamma(double a, int p) {
  double r = p * (p - 1) / 4.0 * std::log(M_PI);
  for (int j = 1; j <= p; ++j) r += boost::math::lgamma(a + (1 - j) / 2.0);
  return r;
}

// The Wishart density, written out.
double reference_log_pdf(const Mat3& x, double nu, const Mat3& s) {
  const Mat3 si = inv3(s);
  double tr = 0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) tr += si[i][j] * x[j][i];
  return (nu - 4) / 2 * std::log(det3(x)) - tr / 2 - nu * 3 / 2 * std::log(2.0) - nu / 2 * std::log(det3(s)) -
         log_mvgamma(nu / 2, 3);
}

// H = (p + 1)/2 log det S + p (p + 1)/2 log 2 + log Gamma_p(nu/2)
//     - (nu - p - 1)/2 psi_p(nu/2) + nu p / 2.
double reference_entropy(double nu, const Mat3& s) {
  double psi = 0;
  for (int i = 0; i < 3; ++i) psi += boost::math::digamma(nu / 2 - i / 2.0);
  return 2 * std::log(det3(s)) + 6 * std::log(2.0) + log_mvgamma(nu / 2, 3) - (nu - 4) / 2 * psi + nu * 1.5;
}

at::Tensor mat_tensor(const Mat3& a) {
  std::vector<double> v;
  for (const auto& row : a) v.insert(v.end(), row.begin(), row.end());
  return tensor_of(v, {3, 3});
}

const Mat3 kS = {{{2.0, 0.6, -0.4}, {0.6, 1.5, 0.3}, {-0.4, 0.3, 0.8}}};

std::vector<td::Wishart> all_forms(td::ScalarOrTensor df, const at::Tensor& s) {
  return {td::Wishart(df, td::covariance_matrix(s)), td::Wishart(df, td::scale_tril(at::linalg_cholesky(s))),
          td::Wishart(df, td::precision_matrix(at::linalg_inv(s)))};
}

TEST(Wishart, LogProbMatchesClosedForm) {
  const std::vector<Mat3> xs = {kS,
                                {{{1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}, {0.0, 0.0, 1.0}}},
                                {{{10.0, 2.0, 1.0}, {2.0, 5.0, -1.5}, {1.0, -1.5, 3.0}}},
                                {{{0.1, 0.05, 0.0}, {0.05, 0.2, 0.01}, {0.0, 0.01, 0.05}}}};
  for (double nu : {2.2, 3.0, 4.5, 30.0}) {
    for (const td::Wishart& w : all_forms(nu, mat_tensor(kS))) {
      for (const Mat3& x : xs) {
        const double expected = reference_log_pdf(x, nu, kS);
        EXPECT_NEAR(w.log_prob(mat_tensor(x)).item<double>(), expected, 1e-11 * std::max(1.0, std::abs(expected)))
            << "nu " << nu << " form " << static_cast<int>(w.param_kind());
      }
    }
  }
  // Batched df with one matrix, and a batch of values.
  td::Wishart b(tensor_of({3.0, 7.0}, {2}), td::covariance_matrix(mat_tensor(kS)));
  EXPECT_EQ(b.batch_shape(), at::IntArrayRef({2}));
  const at::Tensor values = at::stack({mat_tensor(xs[1]), mat_tensor(xs[2])}).unsqueeze(1);  // [2, 1, 3, 3]
  const at::Tensor lp = b.log_prob(values);
  ASSERT_EQ(lp.sizes(), at::IntArrayRef({2, 2}));
  EXPECT_NEAR(lp[1][0].item<double>(), reference_log_pdf(xs[2], 3.0, kS), 1e-11);
  EXPECT_NEAR(lp[0][1].item<double>(), reference_log_pdf(xs[1], 7.0, kS), 1e-11);
}

TEST(Wishart, OneDimensionalIsScaledChiSquared) {
  for (double df : {0.3, 1.0, 4.5, 50.0}) {
    for (double s : {0.2, 1.0, 3.0}) {
      boost::math::chi_squared_distribution<double> chi2(df);
      for (const td::Wishart& w : all_forms(df, tensor_of({s * s}, {1, 1}))) {
        for (double x : {0.01, 0.5, 2.0, 40.0}) {
          const double expected = std::log(boost::math::pdf(chi2, x / (s * s)) / (s * s));
          EXPECT_NEAR(w.log_prob(tensor_of({x}, {1, 1})).item<double>(), expected,
                      1e-11 * std::max(1.0, std::abs(expected)))
              << "df " << df << " s " << s << " x " << x;
        }
        EXPECT_NEAR(w.mean().item<double>(), df * s * s, 1e-12 * df * s * s);
        EXPECT_NEAR(w.variance().item<double>(), 2 * df * std::pow(s, 4), 1e-12 * df * std::pow(s, 4));
      }
    }
  }
}

TEST(Wishart, MomentsAndEntropyClosedForms) {
  const double nu = 6.5;
  td::Wishart w(nu, td::covariance_matrix(mat_tensor(kS)));
  EXPECT_TRUE(all_close(w.mean(), nu * mat_tensor(kS), 1e-14));
  EXPECT_TRUE(all_close(w.mode(), (nu - 4) * mat_tensor(kS), 1e-14));
  std::vector<double> var;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) var.push_back(nu * (kS[i][j] * kS[i][j] + kS[i][i] * kS[j][j]));
  EXPECT_TRUE(all_close(w.variance(), tensor_of(var, {3, 3}), 1e-14));
  for (double df : {2.01, 3.0, 6.5, 100.0}) {
    for (const td::Wishart& f : all_forms(df, mat_tensor(kS))) {
      EXPECT_NEAR(f.entropy().item<double>(), reference_entropy(df, kS), 1e-11) << df;
    }
  }
  // The mode exists only for df > p + 1 (torch: NaN otherwise).
  const at::Tensor mode = td::Wishart(tensor_of({3.5, 4.0, 4.5}, {3}), td::scale_tril(at::eye(3, at::kDouble))).mode();
  EXPECT_TRUE(at::isnan(mode[0]).all().item<bool>());
  EXPECT_TRUE(at::isnan(mode[1]).all().item<bool>());
  EXPECT_TRUE(all_close(mode[2], 0.5 * at::eye(3, at::kDouble), 1e-15));
  // Accessors agree across parameterizations.
  for (const td::Wishart& f : all_forms(nu, mat_tensor(kS))) {
    EXPECT_TRUE(all_close(f.covariance_matrix(), mat_tensor(kS), 1e-12, 1e-13));
    EXPECT_TRUE(all_close(f.precision_matrix(), mat_tensor(inv3(kS)), 1e-12, 1e-13));
    EXPECT_TRUE(all_close(f.scale_tril(), at::linalg_cholesky(mat_tensor(kS)), 1e-12, 1e-13));
  }
}

TEST(Wishart, SampleMeanAndVarianceMatch) {
  // n = 100000 draws. Mean: within 5 standard errors sqrt(Var_ij / n)
  // (false-failure rate 5.7e-7 per element). Variance: within 6 standard
  // errors sqrt((m4 - s^4) / n), m4 the sample fourth central moment
  // (2e-9 per element under the CLT). 18 checks per case, 2 cases.
  const int64_t n = 100000;
  int seed = 0;
  for (double nu : {3.5, 12.0}) {
    td::Wishart w(nu, td::covariance_matrix(mat_tensor(kS)));
    const at::Tensor x = w.sample({n}, td::testing::seeded_generator(100 + seed++));
    EXPECT_FALSE(x.requires_grad());
    const at::Tensor mean = x.mean(0), var = x.var(0);
    const at::Tensor m4 = (x - mean).pow(4).mean(0);
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) {
        const double v = nu * (kS[i][j] * kS[i][j] + kS[i][i] * kS[j][j]);
        EXPECT_LE(std::abs(mean[i][j].item<double>() - nu * kS[i][j]), 5 * std::sqrt(v / n)) << nu << " " << i << j;
        const double vhat = var[i][j].item<double>();
        const double se = std::sqrt((m4[i][j].item<double>() - vhat * vhat) / n);
        EXPECT_LE(std::abs(vhat - v), 6 * se) << nu << " " << i << j;
      }
    }
  }
}

TEST(Wishart, EntropyMatchesMonteCarlo) {
  // H = -E[log p(X)]: the Monte Carlo mean of -log_prob over n = 50000
  // samples must be within 5 standard errors (false-failure rate 5.7e-7
  // per case under the CLT).
  const int64_t n = 50000;
  for (double nu : {2.5, 4.0, 20.0}) {
    td::Wishart w(nu, td::precision_matrix(mat_tensor(inv3(kS))));
    const at::Tensor nlp = -w.log_prob(w.sample({n}, td::testing::seeded_generator(7)));
    ASSERT_TRUE(at::isfinite(nlp).all().item<bool>());
    const double se = nlp.std().item<double>() / std::sqrt(static_cast<double>(n));
    EXPECT_LE(std::abs(nlp.mean().item<double>() - w.entropy().item<double>()), 5 * se) << nu;
  }
}

TEST(Wishart, SamplesArePositiveDefiniteAndSymmetric) {
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    SCOPED_TRACE(dtype);
    // df = 2.5 puts a Chi2(0.5) on the last Bartlett diagonal: without the
    // redraws about 6e-5 of the double samples fail the Cholesky test.
    td::Wishart w(tensor_of({2.5, 3.0, 10.0}, {3}).to(dtype), td::covariance_matrix(mat_tensor(kS).to(dtype)));
    const at::Tensor x = w.sample({20000}, td::testing::seeded_generator(3));
    EXPECT_EQ(x.scalar_type(), dtype);
    EXPECT_TRUE(at::isfinite(x).all().item<bool>());
    EXPECT_TRUE(at::equal(x, x.transpose(-2, -1)));
    EXPECT_TRUE(td::constraints::positive_definite()->check(x).all().item<bool>());
  }
  // df barely above p - 1: most draws are numerically singular; the bounded
  // redraw loop still returns (finite, symmetric) samples.
  td::Wishart w(2.0 + 1e-9, td::covariance_matrix(mat_tensor(kS)));
  const at::Tensor x = w.sample({1000}, td::testing::seeded_generator(4));
  EXPECT_TRUE(at::isfinite(x).all().item<bool>());
  EXPECT_TRUE(at::equal(x, x.transpose(-2, -1)));
}

TEST(Wishart, PathwiseGradientsAreUnbiased) {
  // With n independent batch members, each gradient entry is one sample of
  // the pathwise estimator. d E[tr X] / d df = tr S, and
  // d E[sum(C o X)] / dL = df (C + C^T) L for X = L A A^T L^T, E[A A^T] = df I.
  // Bound: 5 estimated standard errors, false-failure rate 5.7e-7 per
  // check (10 checks).
  const int64_t n = 40000;
  const double nu = 4.5;
  const at::Tensor L0 = at::linalg_cholesky(mat_tensor(kS));
  {
    at::Tensor df = at::full({n}, nu, at::kDouble).set_requires_grad(true);
    td::Wishart w(df, td::scale_tril(L0));
    at::Tensor x = w.rsample({}, td::testing::seeded_generator(12));
    x.diagonal(0, -2, -1).sum().backward();
    const at::Tensor g = df.grad();
    ASSERT_TRUE(at::isfinite(g).all().item<bool>());
    const double tr = kS[0][0] + kS[1][1] + kS[2][2];
    EXPECT_LE(std::abs(g.mean().item<double>() - tr), 5 * g.std().item<double>() / std::sqrt(double(n)));
  }
  {
    const at::Tensor C = tensor_of({1.0, 0.5, -0.2, 0.0, 2.0, 0.3, 0.7, -1.0, 0.4}, {3, 3});
    at::Tensor L = L0.expand({n, 3, 3}).clone().set_requires_grad(true);
    td::Wishart w(nu, td::scale_tril(L));
    (w.rsample({}, td::testing::seeded_generator(13)) * C).sum().backward();
    const at::Tensor g = L.grad();
    ASSERT_TRUE(at::isfinite(g).all().item<bool>());
    const at::Tensor expected = nu * at::matmul(C + C.t(), L0);
    const at::Tensor mean = g.mean(0), se = g.std(0) / std::sqrt(double(n));
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        EXPECT_LE(std::abs((mean[i][j] - expected[i][j]).item<double>()), 5 * se[i][j].item<double>() + 1e-12)
            << i << j;
  }
}

TEST(Wishart, GradientsMatchFiniteDifferences) {
  using td::testing::autograd_grad;
  using td::testing::finite_difference_grad;
  using F = std::function<at::Tensor(const at::Tensor&)>;
  const at::Tensor a0 = tensor_of({1.0, 0.2, -0.3, 0.4, 0.8, 0.1, -0.2, 0.5, 0.6}, {3, 3});
  auto spd = [](const at::Tensor& a) { return at::matmul(a, a.t()) + 0.5 * at::eye(3, at::kDouble); };
  const at::Tensor x = at::stack({mat_tensor(kS), spd(a0.t())});
  const at::Tensor df0 = tensor_of({4.5}, {});
  const F lp_cov = [&](const at::Tensor& a) { return td::Wishart(4.5, td::covariance_matrix(spd(a))).log_prob(x).sum(); };
  const F lp_prec = [&](const at::Tensor& a) { return td::Wishart(4.5, td::precision_matrix(spd(a))).log_prob(x).sum(); };
  const F lp_tril = [&](const at::Tensor& a) {
    return td::Wishart(4.5, td::scale_tril(a.tril(-1) + at::diag_embed(a.diagonal().exp()))).log_prob(x).sum();
  };
  const F lp_df = [&](const at::Tensor& df) { return td::Wishart(df, td::covariance_matrix(spd(a0))).log_prob(x).sum(); };
  const F lp_x = [&](const at::Tensor& v) {
    return td::Wishart(4.5, td::covariance_matrix(spd(a0))).log_prob((v + v.transpose(-2, -1)) / 2).sum();
  };
  const F h_cov = [&](const at::Tensor& a) { return td::Wishart(4.5, td::covariance_matrix(spd(a))).entropy(); };
  const F h_df = [&](const at::Tensor& df) { return td::Wishart(df, td::covariance_matrix(spd(a0))).entropy(); };
  // At a fixed seed the sample is a smooth function of the matrix (the
  // gamma variates depend on df only).
  const F rs_cov = [&](const at::Tensor& a) {
    return td::Wishart(4.5, td::covariance_matrix(spd(a))).rsample({3}, td::testing::seeded_generator(5)).pow(2).sum();
  };
  for (const F& f : {lp_cov, lp_prec, lp_tril, h_cov, rs_cov}) {
    EXPECT_TRUE(all_close(autograd_grad(f, a0), finite_difference_grad(f, a0), 1e-6, 1e-7));
  }
  for (const F& f : {lp_df, h_df}) {
    EXPECT_TRUE(all_close(autograd_grad(f, df0), finite_difference_grad(f, df0), 1e-6, 1e-7));
  }
  EXPECT_TRUE(all_close(autograd_grad(lp_x, x), finite_difference_grad(lp_x, x), 1e-6, 1e-7));
}

TEST(Wishart, ShapesAndExpand) {
  td::Wishart w(tensor_of({4.0, 5.0}, {2, 1}), td::covariance_matrix(at::eye(3, at::kDouble).expand({3, 3, 3})));
  EXPECT_EQ(w.batch_shape(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(w.event_shape(), at::IntArrayRef({3, 3}));
  EXPECT_EQ(w.df().sizes(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(w.rsample({4}).sizes(), at::IntArrayRef({4, 2, 3, 3, 3}));
  for (const at::Tensor& t : {w.mean(), w.mode(), w.variance(), w.scale_tril(), w.precision_matrix()}) {
    EXPECT_EQ(t.sizes(), at::IntArrayRef({2, 3, 3, 3}));
  }
  EXPECT_EQ(w.entropy().sizes(), at::IntArrayRef({2, 3}));
  td::Wishart e = w.expand({5, 2, 3});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({5, 2, 3}));
  EXPECT_EQ(e.sample().sizes(), at::IntArrayRef({5, 2, 3, 3, 3}));
  EXPECT_EQ(e.entropy().sizes(), at::IntArrayRef({5, 2, 3}));
  // A number df takes the matrix's dtype.
  EXPECT_EQ(td::Wishart(3, td::scale_tril(at::eye(2, at::kDouble))).df().scalar_type(), at::kDouble);
  EXPECT_EQ(td::Wishart(3, td::scale_tril(at::eye(2))).sample().scalar_type(), at::kFloat);
}

TEST(Wishart, ValidationErrors) {
  const at::Tensor eye = at::eye(3, at::kDouble);
  EXPECT_THROW_MSG(td::Wishart(2.0, td::covariance_matrix(eye)), c10::ValueError,
                   "Wishart: df must satisfy greater_than(2), got 2");
  EXPECT_THROW_MSG(td::Wishart(tensor_of({3.0, 1.5}, {2}), td::scale_tril(eye)), c10::ValueError,
                   "Wishart: df must satisfy greater_than(2), got 1.5 at index [1]");
  EXPECT_THROW_MSG(td::Wishart(4.0, td::covariance_matrix(-eye)), c10::ValueError,
                   "Wishart: covariance_matrix must satisfy positive_definite()");
  EXPECT_THROW_MSG(td::Wishart(4.0, td::precision_matrix(eye * NAN)), c10::ValueError,
                   "Wishart: precision_matrix must satisfy positive_definite()");
  EXPECT_THROW_MSG(td::Wishart(4.0, td::scale_tril(-eye)), c10::ValueError,
                   "Wishart: scale_tril must satisfy lower_cholesky()");
  EXPECT_THROW_MSG(td::Wishart(4.0, td::covariance_matrix(at::ones({3, 2}))), c10::ValueError,
                   "Wishart: covariance_matrix must be a batch of square matrices, got shape [3, 2]");
  EXPECT_THROW_MSG(td::Wishart(4.0, td::covariance_matrix(at::ones({3}))), c10::ValueError,
                   "Wishart: covariance_matrix must be at least two-dimensional");
  EXPECT_THROW_MSG(td::Wishart(at::full({2}, 4.0), td::covariance_matrix(eye.expand({3, 3, 3}))), c10::ValueError,
                   "Wishart: the batch shapes of df [2] and covariance_matrix [3] do not broadcast");
  td::Wishart w(4.0, td::covariance_matrix(eye));
  EXPECT_THROW_MSG(w.log_prob(-eye), c10::ValueError, "Wishart: value must be within the support positive_definite()");
  EXPECT_THROW_MSG(w.log_prob(at::eye(2, at::kDouble)), c10::ValueError,
                   "Wishart: value of shape [2, 2] does not end in the event shape [3, 3]");
  EXPECT_THROW_MSG(w.cdf(eye), c10::NotImplementedError, "Wishart does not implement cdf");
  EXPECT_NO_THROW(td::Wishart(1.0, td::covariance_matrix(eye), /*validate_args=*/false));
}

}  // namespace
