// KL between (low-rank) multivariate normals: values against
//   (tr(S_q^-1 S_p) + d^T S_q^-1 d - k + log det S_q - log det S_p) / 2
// computed here from the dense covariances with explicit inverses and
// determinants in double (a path independent of the rules' Cholesky and
// Woodbury algebra), Monte Carlo estimates, KL(p, p) = 0, gradients in
// every parameter against finite differences, batch broadcasting, dtypes
// and the event-shape check.

#include <torchdist/distributions/low_rank_multivariate_normal.h>
#include <torchdist/distributions/multivariate_normal.h>

#include <vector>

#include "kl_testing.h"

namespace td = torchdist;
using td::testing::all_close;

namespace {

using Params = std::vector<at::Tensor>;

at::Tensor randn(at::IntArrayRef shape, uint64_t seed) {
  return at::randn(shape, td::testing::seeded_generator(seed), at::TensorOptions().dtype(at::kDouble));
}

at::Tensor rand(at::IntArrayRef shape, uint64_t seed) {
  return at::rand(shape, td::testing::seeded_generator(seed), at::TensorOptions().dtype(at::kDouble));
}

// A lower-triangular factor with a diagonal in [0.5, 1.5): batch + [n, n].
at::Tensor random_tril(std::vector<int64_t> batch, int64_t n, uint64_t seed) {
  std::vector<int64_t> shape = batch;
  shape.push_back(n);
  shape.push_back(n);
  std::vector<int64_t> diag_shape = batch;
  diag_shape.push_back(n);
  return 0.4 * randn(shape, seed).tril(-1) + at::diag_embed(0.5 + rand(diag_shape, seed + 1000));
}

at::Tensor covariance_of(const td::MultivariateNormal& m) { return m.covariance_matrix(); }
at::Tensor covariance_of(const td::LowRankMultivariateNormal& m) {
  return at::matmul(m.cov_factor(), m.cov_factor().transpose(-2, -1)) + at::diag_embed(m.cov_diag());
}

// The closed form from dense matrices: explicit inverse, determinants by LU.
template <class P, class Q>
at::Tensor reference_kl(const P& p, const Q& q) {
  const at::Tensor Sp = covariance_of(p).to(at::kDouble), Sq = covariance_of(q).to(at::kDouble);
  const at::Tensor Sq_inv = at::inverse(Sq);
  const at::Tensor d = (q.loc() - p.loc()).to(at::kDouble).unsqueeze(-1);
  const at::Tensor trace = at::matmul(Sq_inv, Sp).diagonal(0, -2, -1).sum(-1);
  const at::Tensor mahalanobis = at::matmul(d.transpose(-2, -1), at::matmul(Sq_inv, d)).squeeze(-1).squeeze(-1);
  const double k = static_cast<double>(p.event_shape()[0]);
  return 0.5 * (trace + mahalanobis - k + at::logdet(Sq) - at::logdet(Sp));
}

template <class P, class Q>
void expect_matches_reference(const P& p, const Q& q, double rtol = 1e-10) {
  at::Tensor kl = td::kl_divergence(p, q);
  at::Tensor ref = reference_kl(p, q);
  EXPECT_EQ(kl.sizes(), ref.sizes());
  EXPECT_TRUE(all_close(kl, ref, rtol, 1e-13)) << p.name() << " || " << q.name();
}

td::MultivariateNormal mvn(const at::Tensor& loc, const at::Tensor& L, bool validate = true) {
  return td::MultivariateNormal(loc, td::scale_tril(L), validate);
}

td::LowRankMultivariateNormal lowrank(const at::Tensor& loc, const at::Tensor& W, const at::Tensor& d,
                                      bool validate = true) {
  return td::LowRankMultivariateNormal(loc, W, d, validate);
}

// ------------------------------------------------- MultivariateNormal pairs

TEST(KlMultivariateNormalMultivariateNormal, MatchesDenseClosedForm) {
  const at::Tensor Lp = random_tril({2}, 3, 1), Lq = random_tril({2}, 3, 2);
  const at::Tensor mp = randn({2, 3}, 3), mq = randn({2, 3}, 4);
  expect_matches_reference(mvn(mp, Lp), mvn(mq, Lq));
  // The three parameterizations of q give the same value.
  const at::Tensor Sq = at::matmul(Lq, Lq.transpose(-2, -1));
  td::MultivariateNormal q_cov(mq, td::covariance_matrix(Sq)), q_prec(mq, td::precision_matrix(at::inverse(Sq)));
  EXPECT_TRUE(all_close(td::kl_divergence(mvn(mp, Lp), q_cov), reference_kl(mvn(mp, Lp), q_cov), 1e-10, 1e-13));
  EXPECT_TRUE(all_close(td::kl_divergence(mvn(mp, Lp), q_prec), reference_kl(mvn(mp, Lp), q_cov), 1e-9, 1e-12));
  // Higher dimension, one matrix shared by a batch of means.
  const at::Tensor L6p = random_tril({}, 6, 5), L6q = random_tril({}, 6, 6);
  expect_matches_reference(mvn(randn({4, 6}, 7), L6p), mvn(randn({4, 6}, 8), L6q));
}

TEST(KlMultivariateNormalMultivariateNormal, MonteCarloSelfGradients) {
  const at::Tensor Lp = random_tril({2}, 3, 11), Lq = random_tril({2}, 3, 12);
  const at::Tensor mp = randn({2, 3}, 13), mq = randn({2, 3}, 14);
  td::testing::expect_kl_matches_monte_carlo(mvn(mp, Lp), mvn(mq, Lq), 200000, 15);
  td::testing::expect_kl_to_self_is_zero(mvn(mp, Lp), 1e-12);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const Params& x) { return td::kl_divergence(mvn(x[0], x[1].tril(), false), mvn(x[2], x[3].tril(), false)); },
      {mp, Lp, mq, Lq});
}

TEST(KlMultivariateNormalLowRankMultivariateNormal, MatchesDenseClosedFormMonteCarloGradients) {
  const at::Tensor Lp = random_tril({2}, 4, 21), mp = randn({2, 4}, 22);
  const at::Tensor mq = randn({2, 4}, 23), Wq = randn({2, 4, 2}, 24), dq = 0.3 + rand({2, 4}, 25);
  expect_matches_reference(mvn(mp, Lp), lowrank(mq, Wq, dq));
  td::testing::expect_kl_matches_monte_carlo(mvn(mp, Lp), lowrank(mq, Wq, dq), 200000, 26);
  // Equal distributions in the two forms: KL = 0.
  td::LowRankMultivariateNormal q(mq, Wq, dq);
  td::testing::expect_kl_to_self_is_zero(q, 1e-12);
  EXPECT_LT(td::kl_divergence(td::MultivariateNormal(mq, td::covariance_matrix(covariance_of(q))), q).abs().max().item<double>(),
            1e-12);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const Params& x) {
        return td::kl_divergence(mvn(x[0], x[1].tril(), false), lowrank(x[2], x[3], x[4], false));
      },
      {mp, Lp, mq, Wq, dq});
}

TEST(KlLowRankMultivariateNormalMultivariateNormal, MatchesDenseClosedFormMonteCarloGradients) {
  const at::Tensor mp = randn({2, 4}, 31), Wp = randn({2, 4, 1}, 32), dp = 0.3 + rand({2, 4}, 33);
  const at::Tensor Lq = random_tril({2}, 4, 34), mq = randn({2, 4}, 35);
  expect_matches_reference(lowrank(mp, Wp, dp), mvn(mq, Lq));
  td::testing::expect_kl_matches_monte_carlo(lowrank(mp, Wp, dp), mvn(mq, Lq), 200000, 36);
  td::LowRankMultivariateNormal p(mp, Wp, dp);
  EXPECT_LT(td::kl_divergence(p, td::MultivariateNormal(mp, td::covariance_matrix(covariance_of(p)))).abs().max().item<double>(),
            1e-12);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const Params& x) {
        return td::kl_divergence(lowrank(x[0], x[1], x[2], false), mvn(x[3], x[4].tril(), false));
      },
      {mp, Wp, dp, mq, Lq});
}

TEST(KlLowRankMultivariateNormalLowRankMultivariateNormal, MatchesDenseClosedFormMonteCarloSelfGradients) {
  const at::Tensor mp = randn({2, 5}, 41), Wp = randn({2, 5, 1}, 42), dp = 0.3 + rand({2, 5}, 43);
  const at::Tensor mq = randn({2, 5}, 44), Wq = randn({2, 5, 3}, 45), dq = 0.3 + rand({2, 5}, 46);
  expect_matches_reference(lowrank(mp, Wp, dp), lowrank(mq, Wq, dq));
  // Large factors against small diagonals: the Woodbury terms cancel more.
  expect_matches_reference(lowrank(mp, 10 * Wp, 0.01 * dp), lowrank(mq, 10 * Wq, 0.01 * dq), 1e-8);
  td::testing::expect_kl_matches_monte_carlo(lowrank(mp, Wp, dp), lowrank(mq, Wq, dq), 200000, 47);
  td::testing::expect_kl_to_self_is_zero(lowrank(mq, Wq, dq), 1e-12);
  td::testing::expect_kl_gradients_match_finite_differences(
      [](const Params& x) {
        return td::kl_divergence(lowrank(x[0], x[1], x[2], false), lowrank(x[3], x[4], x[5], false));
      },
      {mp, Wp, dp, mq, Wq, dq});
}

// ------------------------------------------------------ Shapes and dtypes

// p batch [2, 1] against q batch [3] gives [2, 3], with matrices that
// broadcast on their own (an unbatched factor for p, a batched mean for q).
TEST(KlMultivariate, BatchBroadcastingAndDtypes) {
  const at::Tensor mp = randn({2, 1, 3}, 51), Lp = random_tril({}, 3, 52), Wp = randn({3, 2}, 53),
                   dp = 0.3 + rand({2, 1, 3}, 54);
  const at::Tensor mq = randn({3, 3}, 55), Lq = random_tril({3}, 3, 56), Wq = randn({3, 3, 1}, 57),
                   dq = 0.3 + rand({3}, 58);
  for (at::ScalarType dtype : {at::kDouble, at::kFloat}) {
    auto c = [&](const at::Tensor& t) { return t.to(dtype); };
    td::MultivariateNormal p_full = mvn(c(mp), c(Lp)), q_full = mvn(c(mq), c(Lq));
    td::LowRankMultivariateNormal p_low = lowrank(c(mp), c(Wp), c(dp)), q_low = lowrank(c(mq), c(Wq), c(dq));
    const double rtol = dtype == at::kDouble ? 1e-10 : 1e-4;
    const std::vector<std::pair<at::Tensor, at::Tensor>> results = {
        {td::kl_divergence(p_full, q_full), reference_kl(p_full, q_full)},
        {td::kl_divergence(p_full, q_low), reference_kl(p_full, q_low)},
        {td::kl_divergence(p_low, q_full), reference_kl(p_low, q_full)},
        {td::kl_divergence(p_low, q_low), reference_kl(p_low, q_low)}};
    for (const auto& r : results) {
      EXPECT_EQ(r.first.sizes(), at::IntArrayRef({2, 3}));
      EXPECT_EQ(r.first.scalar_type(), dtype);
      EXPECT_TRUE(all_close(r.first.to(at::kDouble), r.second, rtol, 1e-6));
    }
  }
}

TEST(KlMultivariate, EventShapesMustMatch) {
  td::MultivariateNormal m3 = mvn(at::zeros({3}, at::kDouble), at::eye(3, at::kDouble));
  td::MultivariateNormal m2 = mvn(at::zeros({2}, at::kDouble), at::eye(2, at::kDouble));
  td::LowRankMultivariateNormal l2(at::zeros({2}, at::kDouble), at::ones({2, 1}, at::kDouble),
                                   at::ones({2}, at::kDouble));
  EXPECT_THROW_MSG(td::kl_divergence(m3, m2), c10::ValueError,
                   "kl_divergence(MultivariateNormal, MultivariateNormal): the event shapes differ, [3] and [2]");
  EXPECT_THROW_MSG(td::kl_divergence(m3, l2), c10::ValueError, "the event shapes differ");
  EXPECT_THROW_MSG(td::kl_divergence(l2, m3), c10::ValueError, "the event shapes differ");
}

}  // namespace
