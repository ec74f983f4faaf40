// KL rules between multivariate normals, full (MultivariateNormal) or
// low-rank-plus-diagonal (LowRankMultivariateNormal). All four use
//   KL(p || q) = (tr(S_q^-1 S_p) + d^T S_q^-1 d - k + log det S_q - log det S_p) / 2,
// d = m_q - m_p, k the dimension, and never form an inverse covariance:
// every S_q^-1 goes through triangular solves with Cholesky factors (of S_q
// itself, or of the K x K capacitance matrix C = I + W^T D^-1 W of a
// low-rank S = W W^T + D, with the Woodbury identity
// S^-1 = D^-1 - A^T A, A = chol(C)^-1 W^T D^-1, and the determinant lemma
// log det S = log det C + sum log D). Batch dimensions broadcast.
#include <ATen/ATen.h>

#include <vector>

#include "../distributions/linalg_helpers.h"
#include "kl_rules.h"
#include "torchdist/core/utils.h"
#include "torchdist/distributions/low_rank_multivariate_normal.h"
#include "torchdist/distributions/multivariate_normal.h"

namespace torchdist {
namespace detail {
namespace {

at::IntArrayRef matrix_batch(const at::Tensor& m) { return m.sizes().slice(0, m.dim() - 2); }

// L^-1 B for a lower-triangular L [..., n, n] and B [..., n, c], over the
// broadcast of their batch dimensions.
at::Tensor solve_lower(const at::Tensor& L, const at::Tensor& B) {
  const std::vector<int64_t> batch = at::infer_size(matrix_batch(L), matrix_batch(B));
  return at::linalg_solve_triangular(L.expand(concat_shapes(batch, {L.size(-2), L.size(-1)})),
                                     B.expand(concat_shapes(batch, {B.size(-2), B.size(-1)})), /*upper=*/false);
}

// tr(X X^T) = |X|_F^2 over the last two dimensions.
at::Tensor trace_xxt(const at::Tensor& x) { return x.pow(2).sum({-2, -1}); }

// S = W W^T + diag(d) through its capacitance matrix.
struct LowRankCovariance {
  at::Tensor W, d;
  at::Tensor wt_dinv;  // W^T D^-1, [..., K, n]
  at::Tensor cap_tril;  // chol(I + W^T D^-1 W), [..., K, K]

  explicit LowRankCovariance(const LowRankMultivariateNormal& m) : W(m.cov_factor()), d(m.cov_diag()) {
    wt_dinv = W.transpose(-2, -1) / d.unsqueeze(-2);
    const at::Tensor C = at::matmul(wt_dinv, W) + at::eye(W.size(-1), W.options());
    cap_tril = at::linalg_cholesky(C);
  }

  // log det S = log det C + sum_i log d_i (matrix determinant lemma).
  at::Tensor log_det() const { return 2 * half_log_det(cap_tril) + d.log().sum(-1); }

  // A = chol(C)^-1 W^T D^-1, so that S^-1 = D^-1 - A^T A (Woodbury).
  at::Tensor woodbury_factor() const { return solve_lower(cap_tril, wt_dinv); }

  // x^T S^-1 x = x^T D^-1 x - |chol(C)^-1 W^T D^-1 x|^2.
  at::Tensor mahalanobis(const at::Tensor& x) const {
    const at::Tensor y = batch_mv(wt_dinv, x).unsqueeze(-1);
    return (x.pow(2) / d).sum(-1) - trace_xxt(solve_lower(cap_tril, y));
  }
};

double dimension(const Distribution& p) { return static_cast<double>(p.event_shape()[0]); }

// S_p = L_p L_p^T, S_q = L_q L_q^T:
//   tr(S_q^-1 S_p) = |L_q^-1 L_p|_F^2, d^T S_q^-1 d = |L_q^-1 d|^2,
//   log det S_q - log det S_p = 2 (sum log diag L_q - sum log diag L_p).
at::Tensor kl_mvn_mvn(const MultivariateNormal& p, const MultivariateNormal& q) {
  const at::Tensor& Lp = p.scale_tril();
  const at::Tensor& Lq = q.scale_tril();
  const at::Tensor trace = trace_xxt(solve_lower(Lq, Lp));
  const at::Tensor mahalanobis = batch_mahalanobis(Lq, q.loc() - p.loc());
  return half_log_det(Lq) - half_log_det(Lp) + 0.5 * (trace + mahalanobis - dimension(p));
}

// S_p = L_p L_p^T, S_q = W_q W_q^T + D_q with S_q^-1 = D_q^-1 - A^T A:
//   tr(S_q^-1 S_p) = |D_q^-1/2 L_p|_F^2 - |A L_p|_F^2.
at::Tensor kl_mvn_lowrank(const MultivariateNormal& p, const LowRankMultivariateNormal& q) {
  const LowRankCovariance sq(q);
  const at::Tensor& Lp = p.scale_tril();
  const at::Tensor A = sq.woodbury_factor();
  const at::Tensor trace = trace_xxt(Lp * sq.d.rsqrt().unsqueeze(-1)) - trace_xxt(at::matmul(A, Lp));
  const at::Tensor log_det_ratio = sq.log_det() - 2 * half_log_det(Lp);
  return 0.5 * (log_det_ratio + trace + sq.mahalanobis(q.loc() - p.loc()) - dimension(p));
}

// S_p = W_p W_p^T + D_p, S_q = L_q L_q^T:
//   tr(S_q^-1 S_p) = |L_q^-1 W_p|_F^2 + sum_j D_p,j |L_q^-1 e_j|^2,
// the second term from the columns of L_q^-1 (one solve per q, whatever
// the batch of p).
at::Tensor kl_lowrank_mvn(const LowRankMultivariateNormal& p, const MultivariateNormal& q) {
  const LowRankCovariance sp(p);
  const at::Tensor& Lq = q.scale_tril();
  const at::Tensor Lq_inv = solve_lower(Lq, at::eye(Lq.size(-1), Lq.options()));
  const at::Tensor trace = trace_xxt(solve_lower(Lq, sp.W)) + trace_xxt(Lq_inv * sp.d.sqrt().unsqueeze(-2));
  const at::Tensor log_det_ratio = 2 * half_log_det(Lq) - sp.log_det();
  return 0.5 * (log_det_ratio + trace + batch_mahalanobis(Lq, q.loc() - p.loc()) - dimension(p));
}

// S_p = W_p W_p^T + D_p, S_q^-1 = D_q^-1 - A^T A:
//   tr(S_q^-1 S_p) = sum D_p / D_q + |D_q^-1/2 W_p|_F^2 - |A D_p^1/2|_F^2 - |A W_p|_F^2.
at::Tensor kl_lowrank_lowrank(const LowRankMultivariateNormal& p, const LowRankMultivariateNormal& q) {
  const LowRankCovariance sp(p);
  const LowRankCovariance sq(q);
  const at::Tensor A = sq.woodbury_factor();
  const at::Tensor trace = (sp.d / sq.d).sum(-1) + trace_xxt(sp.W * sq.d.rsqrt().unsqueeze(-1)) -
                           trace_xxt(A * sp.d.sqrt().unsqueeze(-2)) - trace_xxt(at::matmul(A, sp.W));
  const at::Tensor log_det_ratio = sq.log_det() - sp.log_det();
  return 0.5 * (log_det_ratio + trace + sq.mahalanobis(q.loc() - p.loc()) - dimension(p));
}

}  // namespace

void add_multivariate_kl_rules(std::vector<KlRule>& rules) {
  rules.push_back(make_kl_rule<MultivariateNormal, MultivariateNormal>(kl_mvn_mvn));
  rules.push_back(make_kl_rule<MultivariateNormal, LowRankMultivariateNormal>(kl_mvn_lowrank));
  rules.push_back(make_kl_rule<LowRankMultivariateNormal, MultivariateNormal>(kl_lowrank_mvn));
  rules.push_back(make_kl_rule<LowRankMultivariateNormal, LowRankMultivariateNormal>(kl_lowrank_lowrank));
}

}  // namespace detail
}  // namespace torchdist
