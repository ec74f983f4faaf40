// LowRankMultivariateNormal: log_prob and entropy against a
// MultivariateNormal with the explicit covariance W W^T + diag(d) (whose
// own log_prob is tested against a hand-written density), accessors
// against ATen's inverse and Cholesky of the explicit covariance, sample
// moments within standard-error bounds, gradients against finite
// differences, validation.

#include <torchdist/distributions/low_rank_multivariate_normal.h>
#include <torchdist/distributions/multivariate_normal.h>

#include <cmath>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

const at::Tensor& W0() {
  static const at::Tensor w = tensor_of({1.0, 0.5, -0.3, 0.8, 0.2, -1.1, 0.7, 0.4}, {4, 2});
  return w;
}
const at::Tensor& D0() {
  static const at::Tensor d = tensor_of({0.5, 1.2, 0.3, 2.0}, {4});
  return d;
}
const at::Tensor& Loc0() {
  static const at::Tensor l = tensor_of({0.1, -0.2, 1.0, 3.0}, {4});
  return l;
}

at::Tensor explicit_cov(const at::Tensor& w, const at::Tensor& d) {
  return at::matmul(w, w.transpose(-2, -1)) + at::diag_embed(d);
}

TEST(LowRankMultivariateNormal, LogProbAndEntropyMatchFullCovariance) {
  td::LowRankMultivariateNormal lr(Loc0(), W0(), D0());
  td::MultivariateNormal full(Loc0(), td::covariance_matrix(explicit_cov(W0(), D0())));
  const at::Tensor x = at::linspace(-3, 4, 5 * 4, at::kDouble).reshape({5, 4});
  EXPECT_TRUE(all_close(lr.log_prob(x), full.log_prob(x), 1e-12, 1e-12));
  EXPECT_TRUE(all_close(lr.entropy(), full.entropy(), 1e-12, 1e-12));
  // Batched and broadcast: loc [3, 1, 4], W [2, 4, 2], d [4] -> batch [3, 2].
  const at::Tensor loc = at::linspace(-1, 1, 12, at::kDouble).reshape({3, 1, 4});
  const at::Tensor w = at::stack({W0(), W0().flip(0) * 2});
  td::LowRankMultivariateNormal b(loc, w, D0());
  EXPECT_EQ(b.batch_shape(), at::IntArrayRef({3, 2}));
  td::MultivariateNormal bf(loc, td::covariance_matrix(explicit_cov(w, D0())));
  EXPECT_TRUE(all_close(b.log_prob(x.unsqueeze(1).unsqueeze(1)), bf.log_prob(x.unsqueeze(1).unsqueeze(1)), 1e-12,
                        1e-12));
  EXPECT_EQ(b.log_prob(x.unsqueeze(1).unsqueeze(1)).sizes(), at::IntArrayRef({5, 3, 2}));
  EXPECT_TRUE(all_close(b.entropy(), bf.entropy(), 1e-12, 1e-12));
  EXPECT_EQ(b.entropy().sizes(), at::IntArrayRef({3, 2}));
  // Rank larger than D works too.
  const at::Tensor wide = at::linspace(-1, 1, 4 * 6, at::kDouble).reshape({4, 6});
  td::LowRankMultivariateNormal lw(Loc0(), wide, D0());
  td::MultivariateNormal fw(Loc0(), td::covariance_matrix(explicit_cov(wide, D0())));
  EXPECT_TRUE(all_close(lw.log_prob(x), fw.log_prob(x), 1e-12, 1e-12));
}

TEST(LowRankMultivariateNormal, AccessorsAndMoments) {
  td::LowRankMultivariateNormal d(Loc0(), W0(), D0());
  const at::Tensor cov = explicit_cov(W0(), D0());
  EXPECT_TRUE(all_close(d.covariance_matrix(), cov, 1e-14, 1e-14));
  EXPECT_TRUE(all_close(d.precision_matrix(), at::linalg_inv(cov), 1e-12, 1e-12));
  EXPECT_TRUE(all_close(d.scale_tril(), at::linalg_cholesky(cov), 1e-12, 1e-12));
  EXPECT_TRUE(at::equal(d.mean(), Loc0()));
  EXPECT_TRUE(at::equal(d.mode(), Loc0()));
  EXPECT_TRUE(all_close(d.variance(), cov.diagonal(), 1e-14));
  EXPECT_EQ(d.cov_factor().sizes(), at::IntArrayRef({4, 2}));
  td::LowRankMultivariateNormal e = d.expand({3});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({3}));
  EXPECT_EQ(e.cov_factor().sizes(), at::IntArrayRef({3, 4, 2}));
  EXPECT_EQ(e.cov_diag().sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(e.scale_tril().sizes(), at::IntArrayRef({3, 4, 4}));
  EXPECT_EQ(e.precision_matrix().sizes(), at::IntArrayRef({3, 4, 4}));
  EXPECT_EQ(e.rsample({2}).sizes(), at::IntArrayRef({2, 3, 4}));
  // Mixed dtypes promote.
  td::LowRankMultivariateNormal f(at::zeros({4}), W0(), D0().to(at::kFloat));
  EXPECT_EQ(f.loc().scalar_type(), at::kDouble);
  EXPECT_EQ(f.sample().scalar_type(), at::kDouble);
}

TEST(LowRankMultivariateNormal, SampleMomentsMatchParameters) {
  // n = 200000 draws; each of the 4 means and 10 distinct covariances must
  // lie within 5 standard errors (Var(x_i x_j) = S_ij^2 + S_ii S_jj for a
  // Gaussian): false-failure rate 5.7e-7 per check, 8e-6 for the test.
  const int64_t n = 200000;
  td::LowRankMultivariateNormal d(Loc0(), W0(), D0());
  const at::Tensor s = explicit_cov(W0(), D0());
  const at::Tensor x = d.sample({n}, td::testing::seeded_generator(41));
  EXPECT_FALSE(x.requires_grad());
  const at::Tensor mean = x.mean(0);
  const at::Tensor c = x - Loc0();
  const at::Tensor cov = at::matmul(c.t(), c) / n;
  for (int64_t i = 0; i < 4; ++i) {
    const double sii = s[i][i].item<double>();
    EXPECT_LE(std::abs((mean[i] - Loc0()[i]).item<double>()), 5 * std::sqrt(sii / n)) << i;
    for (int64_t j = 0; j <= i; ++j) {
      const double sij = s[i][j].item<double>(), sjj = s[j][j].item<double>();
      const double se = std::sqrt((sij * sij + sii * sjj) / n);
      EXPECT_LE(std::abs(cov[i][j].item<double>() - sij), 5 * se) << i << "," << j;
    }
  }
}

TEST(LowRankMultivariateNormal, GradientsMatchFiniteDifferences) {
  using td::testing::autograd_grad;
  using td::testing::finite_difference_grad;
  using F = std::function<at::Tensor(const at::Tensor&)>;
  const at::Tensor x = tensor_of({0.3, -0.5, 1.2, 2.0, 0.1, -1.0, 0.0, 0.5}, {2, 4});
  const at::Tensor logd = D0().log();
  const F lp_w = [&](const at::Tensor& w) { return td::LowRankMultivariateNormal(Loc0(), w, D0()).log_prob(x).sum(); };
  const F lp_d = [&](const at::Tensor& l) {
    return td::LowRankMultivariateNormal(Loc0(), W0(), l.exp()).log_prob(x).sum();
  };
  const F lp_loc = [&](const at::Tensor& l) { return td::LowRankMultivariateNormal(l, W0(), D0()).log_prob(x).sum(); };
  const F lp_x = [&](const at::Tensor& v) { return td::LowRankMultivariateNormal(Loc0(), W0(), D0()).log_prob(v).sum(); };
  const F h_w = [&](const at::Tensor& w) { return td::LowRankMultivariateNormal(Loc0(), w, D0()).entropy(); };
  const F h_d = [&](const at::Tensor& l) { return td::LowRankMultivariateNormal(Loc0(), W0(), l.exp()).entropy(); };
  const F rs_w = [&](const at::Tensor& w) {
    return td::LowRankMultivariateNormal(Loc0(), w, D0()).rsample({3}, td::testing::seeded_generator(9)).pow(3).sum();
  };
  const F rs_d = [&](const at::Tensor& l) {
    return td::LowRankMultivariateNormal(Loc0(), W0(), l.exp()).rsample({3}, td::testing::seeded_generator(9)).pow(3).sum();
  };
  const F prec_w = [&](const at::Tensor& w) {
    return (td::LowRankMultivariateNormal(Loc0(), w, D0()).precision_matrix() * x[0].unsqueeze(-1)).sum();
  };
  const F tril_w = [&](const at::Tensor& w) {
    return (td::LowRankMultivariateNormal(Loc0(), w, D0()).scale_tril() * x[1].unsqueeze(-1)).sum();
  };
  for (const F& f : {lp_w, h_w, rs_w, prec_w, tril_w}) {
    EXPECT_TRUE(all_close(autograd_grad(f, W0()), finite_difference_grad(f, W0()), 1e-6, 1e-7));
  }
  for (const F& f : {lp_d, h_d, rs_d}) {
    EXPECT_TRUE(all_close(autograd_grad(f, logd), finite_difference_grad(f, logd), 1e-6, 1e-7));
  }
  EXPECT_TRUE(all_close(autograd_grad(lp_loc, Loc0()), finite_difference_grad(lp_loc, Loc0()), 1e-6, 1e-7));
  EXPECT_TRUE(all_close(autograd_grad(lp_x, x), finite_difference_grad(lp_x, x), 1e-6, 1e-7));
}

TEST(LowRankMultivariateNormal, ValidationErrors) {
  const char* n = "LowRankMultivariateNormal: ";
  EXPECT_THROW_MSG(td::LowRankMultivariateNormal(Loc0(), W0(), tensor_of({0.5, -1, 0.3, 2.0}, {4})), c10::ValueError,
                   std::string(n) + "cov_diag must satisfy independent(positive(), 1), got [0.5, -1, 0.3, 2]");
  EXPECT_THROW_MSG(td::LowRankMultivariateNormal(Loc0(), W0() * NAN, D0()), c10::ValueError,
                   std::string(n) + "cov_factor must satisfy independent(real(), 2)");
  EXPECT_THROW_MSG(td::LowRankMultivariateNormal(Loc0() * NAN, W0(), D0()), c10::ValueError,
                   std::string(n) + "loc must satisfy real_vector()");
  EXPECT_THROW_MSG(td::LowRankMultivariateNormal(at::zeros({3}), W0(), D0()), c10::ValueError,
                   std::string(n) + "cov_factor must be a batch of matrices with shape 3 x m to match loc of shape [3], "
                                    "got shape [4, 2]");
  EXPECT_THROW_MSG(td::LowRankMultivariateNormal(Loc0(), W0(), at::ones({3})), c10::ValueError,
                   std::string(n) + "cov_diag must be a batch of vectors of length 4 to match loc of shape [4], got shape [3]");
  EXPECT_THROW_MSG(td::LowRankMultivariateNormal(Loc0(), at::ones({4}), D0()), c10::ValueError,
                   std::string(n) + "cov_factor must be a batch of matrices with shape 4 x m");
  EXPECT_THROW_MSG(td::LowRankMultivariateNormal(at::scalar_tensor(1.0), W0(), D0()), c10::ValueError,
                   std::string(n) + "loc must be at least one-dimensional, got a 0-dim tensor");
  EXPECT_THROW_MSG(td::LowRankMultivariateNormal(Loc0().expand({2, 4}), W0().expand({3, 4, 2}), D0()),
                   c10::ValueError, std::string(n) + "the batch shapes of loc [2] and cov_factor [3] do not broadcast");
  EXPECT_THROW_MSG(td::LowRankMultivariateNormal(Loc0().expand({2, 4}), W0(), D0().expand({3, 4})), c10::ValueError,
                   std::string(n) + "the batch shapes of loc and cov_factor (broadcast) [2] and cov_diag [3] do not broadcast");
  EXPECT_THROW_MSG(td::LowRankMultivariateNormal(Loc0(), at::Tensor(), D0()), c10::ValueError,
                   std::string(n) + "cov_factor must be a defined tensor");
  td::LowRankMultivariateNormal d(Loc0(), W0(), D0());
  EXPECT_THROW_MSG(d.log_prob(at::zeros({2}, at::kDouble)), c10::ValueError,
                   std::string(n) + "value of shape [2] does not end in the event shape [4]");
  EXPECT_THROW_MSG(d.log_prob(Loc0() * NAN), c10::ValueError, std::string(n) + "value must be within the support real_vector()");
  EXPECT_THROW_MSG(d.cdf(Loc0()), c10::NotImplementedError, "LowRankMultivariateNormal does not implement cdf");
  EXPECT_NO_THROW(td::LowRankMultivariateNormal(Loc0(), W0(), -D0(), /*validate_args=*/false));
}

}  // namespace
