// MultivariateNormal: log_prob against the explicit density with a
// hand-written 3 x 3 inverse and determinant (independent of the Cholesky
// path), for all three parameterizations; D = 1 against Boost's normal;
// entropy closed form; accessors; batch broadcasting; sample moments within
// standard-error bounds and KS tests of whitened samples (whitened by the
// symmetric inverse square root from an eigendecomposition, not by the
// Cholesky factor); gradients against finite differences; validation.

#include <torchdist/distributions/multivariate_normal.h>

#include <boost/math/distributions/normal.hpp>

#include <array>
#include <cmath>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

using Mat3 = std::array<std::array<double, 3>, 3>;
using Vec3 = std::array<double, 3>;

double det3(const Mat3& a) {
  return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
         a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
}

// Inverse by the adjugate.
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

// log N(x | mu, S) = -(3 log(2 pi) + log det S + (x - mu)^T S^{-1} (x - mu)) / 2.
double reference_log_pdf(const Vec3& x, const Vec3& mu, const Mat3& s) {
  const Mat3 p = inv3(s);
  double q = 0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) q += (x[i] - mu[i]) * p[i][j] * (x[j] - mu[j]);
  return -0.5 * (3 * std::log(2 * M_PI) + std::log(det3(s)) + q);
}

at::Tensor mat_tensor(const Mat3& a) {
  std::vector<double> v;
  for (const auto& row : a) v.insert(v.end(), row.begin(), row.end());
  return tensor_of(v, {3, 3});
}
at::Tensor vec_tensor(const Vec3& a) { return tensor_of({a[0], a[1], a[2]}, {3}); }

const Mat3 kS = {{{2.0, 0.6, -0.4}, {0.6, 1.5, 0.3}, {-0.4, 0.3, 0.8}}};
const Mat3 kS2 = {{{0.5, 0.1, 0.0}, {0.1, 3.0, -1.2}, {0.0, -1.2, 1.0}}};
const Vec3 kMu = {0.5, -1.0, 2.0};

// The three parameterizations of the same N(mu, S); the factor and the
// precision are built with ATen's own routines, not the library's.
std::vector<td::MultivariateNormal> all_forms(const at::Tensor& loc, const at::Tensor& s) {
  return {td::MultivariateNormal(loc, td::covariance_matrix(s)),
          td::MultivariateNormal(loc, td::scale_tril(at::linalg_cholesky(s))),
          td::MultivariateNormal(loc, td::precision_matrix(at::linalg_inv(s)))};
}

TEST(MultivariateNormal, LogProbMatchesExplicitDensityForAllParameterizations) {
  const std::vector<Vec3> xs = {{0.5, -1.0, 2.0}, {0.0, 0.0, 0.0}, {3.0, -2.5, 1.0}, {-10.0, 4.0, 7.0}};
  for (const Mat3& s : {kS, kS2}) {
    for (const td::MultivariateNormal& d : all_forms(vec_tensor(kMu), mat_tensor(s))) {
      SCOPED_TRACE(static_cast<int>(d.param_kind()));
      for (const Vec3& x : xs) {
        const double expected = reference_log_pdf(x, kMu, s);
        EXPECT_NEAR(d.log_prob(vec_tensor(x)).item<double>(), expected, 1e-12 * std::max(1.0, std::abs(expected)));
      }
    }
  }
}

TEST(MultivariateNormal, OneDimensionalMatchesBoostNormal) {
  for (double sigma : {0.01, 1.0, 30.0}) {
    boost::math::normal_distribution<double> ref(1.5, sigma);
    td::MultivariateNormal cov(tensor_of({1.5}, {1}), td::covariance_matrix(tensor_of({sigma * sigma}, {1, 1})));
    td::MultivariateNormal tril(tensor_of({1.5}, {1}), td::scale_tril(tensor_of({sigma}, {1, 1})));
    td::MultivariateNormal prec(tensor_of({1.5}, {1}),
                                td::precision_matrix(tensor_of({1 / (sigma * sigma)}, {1, 1})));
    // Standardized values up to 25, where Boost's pdf is still a normal double.
    for (double z : {-3.0, 0.0, 0.01, 5.0, 25.0}) {
      const double x = 1.5 + sigma * z;
      const double expected = std::log(boost::math::pdf(ref, x));
      for (const td::MultivariateNormal* d : {&cov, &tril, &prec}) {
        EXPECT_NEAR(d->log_prob(tensor_of({x}, {1})).item<double>(), expected,
                    1e-12 * std::max(1.0, std::abs(expected)))
            << "sigma " << sigma << " x " << x;
      }
    }
  }
}

TEST(MultivariateNormal, EntropyMatchesClosedForm) {
  for (const Mat3& s : {kS, kS2}) {
    const double expected = 1.5 * (1 + std::log(2 * M_PI)) + 0.5 * std::log(det3(s));
    for (const td::MultivariateNormal& d : all_forms(vec_tensor(kMu), mat_tensor(s))) {
      EXPECT_NEAR(d.entropy().item<double>(), expected, 1e-12);
      EXPECT_NEAR(d.perplexity().item<double>(), std::exp(expected), 1e-11);
    }
  }
}

TEST(MultivariateNormal, AccessorsAgreeAcrossParameterizations) {
  const at::Tensor s = mat_tensor(kS);
  const at::Tensor p = mat_tensor(inv3(kS));
  const at::Tensor L = at::linalg_cholesky(s);
  for (const td::MultivariateNormal& d : all_forms(vec_tensor(kMu), s)) {
    SCOPED_TRACE(static_cast<int>(d.param_kind()));
    EXPECT_TRUE(all_close(d.covariance_matrix(), s, 1e-12, 1e-13));
    EXPECT_TRUE(all_close(d.precision_matrix(), p, 1e-12, 1e-13));
    EXPECT_TRUE(all_close(d.scale_tril(), L, 1e-12, 1e-13));
    EXPECT_TRUE(at::equal(d.mean(), vec_tensor(kMu)));
    EXPECT_TRUE(at::equal(d.mode(), vec_tensor(kMu)));
    EXPECT_TRUE(all_close(d.variance(), tensor_of({kS[0][0], kS[1][1], kS[2][2]}, {3}), 1e-12));
    EXPECT_TRUE(all_close(d.stddev(), tensor_of({kS[0][0], kS[1][1], kS[2][2]}, {3}).sqrt(), 1e-12));
    // Cached: the same tensor on every call.
    EXPECT_TRUE(d.precision_matrix().is_same(d.precision_matrix()));
  }
  // The precision form's factor is lower triangular with a positive diagonal.
  td::MultivariateNormal d(vec_tensor(kMu), td::precision_matrix(p));
  EXPECT_TRUE(at::equal(d.scale_tril(), d.scale_tril().tril()));
  EXPECT_TRUE((d.scale_tril().diagonal() > 0).all().item<bool>());
}

// batch_mahalanobis moves dimensions along which the factor is constant
// into columns; exercise every kind of broadcast against the reference.
TEST(MultivariateNormal, BatchBroadcastingOfLocMatrixAndValue) {
  const at::Tensor s = at::stack({mat_tensor(kS), mat_tensor(kS2)});  // [2, 3, 3]
  const at::Tensor loc = tensor_of({0, 0, 0, 1, 1, 1, -1, 2, 0, 0.5, 0.5, 0.5}, {4, 1, 3});
  td::MultivariateNormal d(loc, td::covariance_matrix(s));
  EXPECT_EQ(d.batch_shape(), at::IntArrayRef({4, 2}));
  EXPECT_EQ(d.event_shape(), at::IntArrayRef({3}));
  EXPECT_EQ(d.loc().sizes(), at::IntArrayRef({4, 2, 3}));
  for (const at::Tensor& m : {d.scale_tril(), d.covariance_matrix(), d.precision_matrix()}) {
    EXPECT_EQ(m.sizes(), at::IntArrayRef({4, 2, 3, 3}));
  }
  EXPECT_EQ(d.entropy().sizes(), at::IntArrayRef({4, 2}));
  EXPECT_EQ(d.variance().sizes(), at::IntArrayRef({4, 2, 3}));
  const std::vector<std::vector<int64_t>> value_shapes = {{5, 4, 1, 3}, {5, 1, 1, 3}, {1, 2, 3}, {3}, {5, 4, 2, 3}};
  for (const auto& shape : value_shapes) {
    SCOPED_TRACE(at::IntArrayRef(shape));
    int64_t numel = 1;
    for (int64_t v : shape) numel *= v;
    const at::Tensor x = at::linspace(-3, 3, numel, at::kDouble).reshape(shape);
    const at::Tensor lp = d.log_prob(x);
    const std::vector<int64_t> expected_shape = at::infer_size(at::IntArrayRef(shape).slice(0, shape.size() - 1),
                                                               at::IntArrayRef({4, 2}));
    ASSERT_EQ(lp.sizes(), at::IntArrayRef(expected_shape));
    const at::Tensor xb = x.expand(td::concat_shapes(expected_shape, {3}));
    const at::Tensor lb = loc.expand({4, 2, 3});
    for (int64_t k = 0; k < lp.numel(); ++k) {
      // Unravel k over expected_shape; the last two dimensions are the batch [4, 2].
      std::vector<int64_t> idx(expected_shape.size());
      int64_t rem = k;
      for (int64_t a = static_cast<int64_t>(expected_shape.size()) - 1; a >= 0; --a) {
        idx[a] = rem % expected_shape[a];
        rem /= expected_shape[a];
      }
      at::Tensor xv = xb;
      for (int64_t v : idx) xv = xv.select(0, v);
      const int64_t bi = idx[idx.size() - 2], bj = idx[idx.size() - 1];
      const at::Tensor mu = lb[bi][bj];
      const Mat3& sm = bj == 0 ? kS : kS2;
      const Vec3 xa = {xv[0].item<double>(), xv[1].item<double>(), xv[2].item<double>()};
      const Vec3 ma = {mu[0].item<double>(), mu[1].item<double>(), mu[2].item<double>()};
      at::Tensor got = lp;
      for (int64_t v : idx) got = got.select(0, v);
      EXPECT_NEAR(got.item<double>(), reference_log_pdf(xa, ma, sm), 1e-11);
    }
  }
  // A batched factor with an unbatched loc, and a batched loc with one matrix.
  td::MultivariateNormal a(vec_tensor(kMu), td::scale_tril(at::linalg_cholesky(s)));
  EXPECT_EQ(a.batch_shape(), at::IntArrayRef({2}));
  EXPECT_NEAR(a.log_prob(vec_tensor({0, 0, 0}))[1].item<double>(), reference_log_pdf({0, 0, 0}, kMu, kS2), 1e-12);
  td::MultivariateNormal b(loc.squeeze(1), td::precision_matrix(mat_tensor(inv3(kS))));
  EXPECT_EQ(b.batch_shape(), at::IntArrayRef({4}));
  EXPECT_NEAR(b.log_prob(vec_tensor({0, 0, 0}))[2].item<double>(), reference_log_pdf({0, 0, 0}, {-1, 2, 0}, kS),
              1e-12);
}

TEST(MultivariateNormal, ShapesDtypesAndExpand) {
  td::MultivariateNormal d(at::zeros({3}), td::covariance_matrix(at::eye(3)));
  EXPECT_EQ(d.batch_shape(), at::IntArrayRef({}));
  EXPECT_EQ(d.sample().sizes(), at::IntArrayRef({3}));
  EXPECT_EQ(d.sample({2, 5}).sizes(), at::IntArrayRef({2, 5, 3}));
  EXPECT_EQ(d.sample().scalar_type(), at::kFloat);
  // Mixed dtypes promote; integer parameters become the default dtype.
  td::MultivariateNormal m(at::zeros({2}, at::kFloat), td::scale_tril(at::eye(2, at::kDouble)));
  EXPECT_EQ(m.loc().scalar_type(), at::kDouble);
  EXPECT_EQ(m.rsample().scalar_type(), at::kDouble);
  td::MultivariateNormal i(at::zeros({2}, at::kLong), td::covariance_matrix(at::eye(2, at::kLong)));
  EXPECT_EQ(i.covariance_matrix().scalar_type(), at::kFloat);
  td::MultivariateNormal e = d.expand({4, 2});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({4, 2}));
  EXPECT_EQ(e.scale_tril().sizes(), at::IntArrayRef({4, 2, 3, 3}));
  EXPECT_EQ(e.precision_matrix().sizes(), at::IntArrayRef({4, 2, 3, 3}));
  EXPECT_EQ(e.rsample({5}).sizes(), at::IntArrayRef({5, 4, 2, 3}));
  EXPECT_EQ(e.entropy().sizes(), at::IntArrayRef({4, 2}));
  // from_optional, the Python form.
  auto p = td::MatrixParam::from_optional("MultivariateNormal", c10::nullopt, at::eye(2), c10::nullopt);
  EXPECT_EQ(p.kind(), td::MatrixParam::Kind::kPrecisionMatrix);
  EXPECT_TRUE(td::MultivariateNormal(at::zeros({2}), p).rsample().requires_grad() == false);
}

TEST(MultivariateNormal, SampleMomentsMatchParameters) {
  // n = 200000 draws; each of the 3 means and 6 distinct covariances must
  // lie within 5 standard errors (Gaussian fourth moments: Var(x_i x_j) =
  // S_ij^2 + S_ii S_jj): false-failure rate 5.7e-7 per check under the CLT,
  // 1e-5 for the whole test (18 checks).
  const int64_t n = 200000;
  const at::Tensor s = mat_tensor(kS);
  int form = 0;
  for (const td::MultivariateNormal& d : {td::MultivariateNormal(vec_tensor(kMu), td::covariance_matrix(s)),
                                          td::MultivariateNormal(vec_tensor(kMu), td::precision_matrix(at::linalg_inv(s)))}) {
    SCOPED_TRACE(form++);
    const at::Tensor x = d.sample({n}, td::testing::seeded_generator(17 + form));
    const at::Tensor mean = x.mean(0);
    const at::Tensor c = x - vec_tensor(kMu);
    const at::Tensor cov = at::matmul(c.t(), c) / n;  // around the true mean
    for (int i = 0; i < 3; ++i) {
      EXPECT_LE(std::abs(mean[i].item<double>() - kMu[i]), 5 * std::sqrt(kS[i][i] / n)) << i;
      for (int j = 0; j <= i; ++j) {
        const double se = std::sqrt((kS[i][j] * kS[i][j] + kS[i][i] * kS[j][j]) / n);
        EXPECT_LE(std::abs(cov[i][j].item<double>() - kS[i][j]), 5 * se) << i << "," << j;
      }
    }
  }
}

TEST(MultivariateNormal, WhitenedSamplesPassKolmogorovSmirnov) {
  // z = S^{-1/2} (x - mu) with the symmetric inverse square root from
  // at::linalg_eigh has i.i.d. N(0, 1) components. Threshold 1e-4 per test:
  // false-failure rate 1e-4 for each of the 9 components tested.
  const at::Tensor s = mat_tensor(kS2);
  const auto eig = at::linalg_eigh(s);
  const at::Tensor w = std::get<1>(eig);
  const at::Tensor inv_sqrt = at::matmul(w * std::get<0>(eig).rsqrt(), w.t());
  boost::math::normal_distribution<double> std_normal;
  int form = 0;
  for (const td::MultivariateNormal& d : all_forms(vec_tensor(kMu), s)) {
    const at::Tensor x = d.sample({20000}, td::testing::seeded_generator(5 + form));
    const at::Tensor z = at::matmul(x - vec_tensor(kMu), inv_sqrt);  // inv_sqrt is symmetric
    for (int64_t i = 0; i < 3; ++i) {
      const double p =
          td::testing::ks_test(td::testing::to_vector(z.select(-1, i)), [&](double v) { return boost::math::cdf(std_normal, v); });
      EXPECT_GT(p, 1e-4) << "form " << form << " component " << i;
    }
    ++form;
  }
}

TEST(MultivariateNormal, GradientsMatchFiniteDifferences) {
  using td::testing::autograd_grad;
  using td::testing::finite_difference_grad;
  const at::Tensor x = tensor_of({0.3, -0.5, 1.2, 2.0, 0.1, -1.0}, {2, 3});
  const at::Tensor loc0 = vec_tensor(kMu);
  // Matrices built from unconstrained parameters, so that a finite
  // difference stays in the parameter space.
  const at::Tensor a0 = tensor_of({1.0, 0.2, -0.3, 0.4, 0.8, 0.1, -0.2, 0.5, 0.6}, {3, 3});
  auto spd = [](const at::Tensor& a) { return at::matmul(a, a.t()) + 0.5 * at::eye(3, at::kDouble); };
  auto tril = [](const at::Tensor& a) {
    return a.tril(-1) + at::diag_embed(a.diagonal().exp());
  };
  auto lp_cov = [&](const at::Tensor& a) { return td::MultivariateNormal(loc0, td::covariance_matrix(spd(a))).log_prob(x).sum(); };
  auto lp_prec = [&](const at::Tensor& a) { return td::MultivariateNormal(loc0, td::precision_matrix(spd(a))).log_prob(x).sum(); };
  auto lp_tril = [&](const at::Tensor& a) { return td::MultivariateNormal(loc0, td::scale_tril(tril(a))).log_prob(x).sum(); };
  auto lp_loc = [&](const at::Tensor& l) { return td::MultivariateNormal(l, td::covariance_matrix(spd(a0))).log_prob(x).sum(); };
  auto lp_x = [&](const at::Tensor& v) { return td::MultivariateNormal(loc0, td::covariance_matrix(spd(a0))).log_prob(v).sum(); };
  auto h_cov = [&](const at::Tensor& a) { return td::MultivariateNormal(loc0, td::covariance_matrix(spd(a))).entropy(); };
  auto h_prec = [&](const at::Tensor& a) { return td::MultivariateNormal(loc0, td::precision_matrix(spd(a))).entropy(); };
  // Pathwise: a fixed seed makes rsample a deterministic function of the parameters.
  auto rs_tril = [&](const at::Tensor& a) {
    return td::MultivariateNormal(loc0, td::scale_tril(tril(a))).rsample({4}, td::testing::seeded_generator(3)).pow(2).sum();
  };
  auto rs_prec = [&](const at::Tensor& a) {
    return td::MultivariateNormal(loc0, td::precision_matrix(spd(a))).rsample({4}, td::testing::seeded_generator(3)).pow(3).sum();
  };
  for (const auto& f : {std::function<at::Tensor(const at::Tensor&)>(lp_cov), std::function<at::Tensor(const at::Tensor&)>(lp_prec),
                        std::function<at::Tensor(const at::Tensor&)>(lp_tril), std::function<at::Tensor(const at::Tensor&)>(h_cov),
                        std::function<at::Tensor(const at::Tensor&)>(h_prec), std::function<at::Tensor(const at::Tensor&)>(rs_tril),
                        std::function<at::Tensor(const at::Tensor&)>(rs_prec)}) {
    EXPECT_TRUE(all_close(autograd_grad(f, a0), finite_difference_grad(f, a0), 1e-6, 1e-7));
  }
  EXPECT_TRUE(all_close(autograd_grad(lp_loc, loc0), finite_difference_grad(lp_loc, loc0), 1e-6, 1e-7));
  EXPECT_TRUE(all_close(autograd_grad(lp_x, x), finite_difference_grad(lp_x, x), 1e-6, 1e-7));
}

TEST(MultivariateNormal, ValidationErrors) {
  const at::Tensor loc = at::zeros({2}, at::kDouble);
  const char* pd = "MultivariateNormal: covariance_matrix must satisfy positive_definite(), got ";
  // Indefinite, singular, NaN and asymmetric matrices: errors, never crashes.
  EXPECT_THROW_MSG(td::MultivariateNormal(loc, td::covariance_matrix(tensor_of({1, 2, 2, 1}, {2, 2}))),
                   c10::ValueError, pd);
  EXPECT_THROW_MSG(td::MultivariateNormal(loc, td::covariance_matrix(tensor_of({1, 1, 1, 1}, {2, 2}))),
                   c10::ValueError, pd);
  EXPECT_THROW_MSG(td::MultivariateNormal(loc, td::covariance_matrix(at::full({2, 2}, NAN, at::kDouble))),
                   c10::ValueError, pd);
  EXPECT_THROW_MSG(td::MultivariateNormal(loc, td::covariance_matrix(tensor_of({1, 0.5, 0, 1}, {2, 2}))),
                   c10::ValueError, pd);
  EXPECT_THROW_MSG(td::MultivariateNormal(loc, td::covariance_matrix(tensor_of({1, 0, 0, 1, 1, 2, 2, 1}, {2, 2, 2}))),
                   c10::ValueError, "got [1, 2, 2, 1] at index [1] (1 of 2 events invalid");
  EXPECT_THROW_MSG(td::MultivariateNormal(loc, td::precision_matrix(tensor_of({-1, 0, 0, 1}, {2, 2}))),
                   c10::ValueError, "MultivariateNormal: precision_matrix must satisfy positive_definite()");
  EXPECT_THROW_MSG(td::MultivariateNormal(loc, td::scale_tril(tensor_of({1, 0, 0.5, -1}, {2, 2}))), c10::ValueError,
                   "MultivariateNormal: scale_tril must satisfy lower_cholesky(), got [1, 0, 0.5, -1]");
  EXPECT_THROW_MSG(td::MultivariateNormal(loc, td::scale_tril(tensor_of({1, 0.5, 0, 1}, {2, 2}))), c10::ValueError,
                   "MultivariateNormal: scale_tril must satisfy lower_cholesky()");
  EXPECT_THROW_MSG(td::MultivariateNormal(loc, td::scale_tril(tensor_of({1, 0, 0.5, 0}, {2, 2}))), c10::ValueError,
                   "MultivariateNormal: scale_tril must satisfy lower_cholesky()");
  EXPECT_THROW_MSG(td::MultivariateNormal(tensor_of({0, NAN}, {2}), td::scale_tril(at::eye(2, at::kDouble))),
                   c10::ValueError, "MultivariateNormal: loc must satisfy real_vector()");
  // Shapes.
  EXPECT_THROW_MSG(td::MultivariateNormal(loc, td::covariance_matrix(at::ones({2, 3}, at::kDouble))), c10::ValueError,
                   "MultivariateNormal: covariance_matrix must be a batch of square matrices, got shape [2, 3]");
  EXPECT_THROW_MSG(td::MultivariateNormal(loc, td::covariance_matrix(at::ones({2}, at::kDouble))), c10::ValueError,
                   "MultivariateNormal: covariance_matrix must be at least two-dimensional");
  EXPECT_THROW_MSG(td::MultivariateNormal(at::zeros({3}), td::precision_matrix(at::eye(2))), c10::ValueError,
                   "MultivariateNormal: precision_matrix must be a batch of 3 x 3 matrices to match loc of shape [3], "
                   "got shape [2, 2]");
  EXPECT_THROW_MSG(td::MultivariateNormal(at::scalar_tensor(0.0), td::scale_tril(at::eye(1))), c10::ValueError,
                   "MultivariateNormal: loc must be at least one-dimensional, got a 0-dim tensor");
  EXPECT_THROW_MSG(td::MultivariateNormal(at::zeros({3, 2}), td::scale_tril(at::eye(2).expand({4, 2, 2}))),
                   c10::ValueError, "MultivariateNormal: the batch shapes of loc [3] and scale_tril [4] do not broadcast");
  EXPECT_THROW_MSG(td::MultivariateNormal(at::Tensor(), td::scale_tril(at::eye(2))), c10::ValueError,
                   "MultivariateNormal: loc must be a defined tensor");
  EXPECT_THROW_MSG(td::MultivariateNormal(loc, td::scale_tril(at::Tensor())), c10::ValueError,
                   "MultivariateNormal: scale_tril must be a defined tensor");
  EXPECT_THROW_MSG(td::MatrixParam::from_optional("MultivariateNormal", at::eye(2), c10::nullopt, at::eye(2)),
                   c10::ValueError,
                   "MultivariateNormal: exactly one of covariance_matrix, precision_matrix or scale_tril must be "
                   "specified, got 2");
  EXPECT_THROW_MSG(td::MatrixParam::from_optional("Wishart", c10::nullopt, c10::nullopt, c10::nullopt),
                   c10::ValueError, "got none");
  // Values.
  td::MultivariateNormal d(loc, td::covariance_matrix(at::eye(2, at::kDouble)));
  EXPECT_THROW_MSG(d.log_prob(at::zeros({3}, at::kDouble)), c10::ValueError,
                   "MultivariateNormal: value of shape [3] does not end in the event shape [2]");
  EXPECT_THROW_MSG(d.log_prob(tensor_of({NAN, 0}, {2})), c10::ValueError,
                   "MultivariateNormal: value must be within the support real_vector()");
  EXPECT_THROW_MSG(d.cdf(loc), c10::NotImplementedError, "MultivariateNormal does not implement cdf");
  EXPECT_THROW_MSG(d.icdf(loc), c10::NotImplementedError, "MultivariateNormal does not implement icdf");
  // Without validation an indefinite covariance still fails loudly (in the
  // Cholesky factorization), as in torch.
  EXPECT_THROW(td::MultivariateNormal(loc, td::covariance_matrix(tensor_of({1, 2, 2, 1}, {2, 2})), false),
               c10::Error);
  EXPECT_NO_THROW(td::MultivariateNormal(loc, td::scale_tril(tensor_of({1, 0.5, 0, 1}, {2, 2})), false));
}

}  // namespace
