#pragma once
/// \file
/// The multivariate normal distribution with a low-rank-plus-diagonal
/// covariance W W^T + diag(d).

#include "torchdist/core/distribution.h"
#include "torchdist/core/lazy.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// The multivariate normal distribution N(loc, W W^T + diag(d)) over R^D,
/// with `cov_factor` W of shape [..., D, K] and `cov_diag` d of shape
/// [..., D] (positive).
///
/// Densities and entropy never form the D x D covariance: with the K x K
/// capacitance matrix C = I + W^T diag(d)^{-1} W and its Cholesky factor,
///  - log det(W W^T + D) = log det C + sum_i log d_i (matrix determinant lemma),
///  - x^T (W W^T + D)^{-1} x = x^T D^{-1} x - |chol(C)^{-1} W^T D^{-1} x|^2
///    (Woodbury identity),
/// which costs O(D K^2) instead of O(D^3) per batch element.
///
/// `loc` [..., D], `cov_factor` [..., D, K] and `cov_diag` [..., D] broadcast
/// their batch dimensions to `batch_shape`; `event_shape` is [D]. Parameters
/// promote to a common floating dtype (integers: the default dtype).
/// Validation checks loc against real_vector(), cov_factor against
/// independent(real(), 2) and cov_diag against independent(positive(), 1);
/// shapes are always checked.
///
/// rsample: loc + W eps_W + sqrt(d) * eps_D with eps_W ~ N(0, I_K) and
/// eps_D ~ N(0, I_D). mean = mode = loc, variance = sum_k W_ik^2 + d_i.
/// scale_tril, covariance_matrix and precision_matrix are computed on
/// first use and cached: the factor as sqrt(d) * chol(I + D^{-1/2} W W^T
/// D^{-1/2}) (a well-conditioned Cholesky, eigenvalues >= 1), the precision
/// by the Woodbury identity.
///
/// Example:
/// \code
///   at::Tensor W = at::tensor({1.0, 0.0}).reshape({2, 1});
///   td::LowRankMultivariateNormal m(at::zeros({2}), W, at::ones({2}));
///   at::Tensor x = m.rsample({100});  // [100, 2]
///   at::Tensor lp = m.log_prob(x);    // [100]
/// \endcode
class LowRankMultivariateNormal : public Family<LowRankMultivariateNormal> {
 public:
  LowRankMultivariateNormal(at::Tensor loc, at::Tensor cov_factor, at::Tensor cov_diag,
                            c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "LowRankMultivariateNormal"; }
  /// The mean, `batch_shape + [D]`.
  const at::Tensor& loc() const { return loc_; }
  /// W, broadcast to `batch_shape + [D, K]`.
  const at::Tensor& cov_factor() const { return cov_factor_; }
  /// d, broadcast to `batch_shape + [D]`.
  const at::Tensor& cov_diag() const { return cov_diag_; }
  /// The lower Cholesky factor of W W^T + diag(d), `batch_shape + [D, D]`.
  const at::Tensor& scale_tril() const;
  /// W W^T + diag(d), `batch_shape + [D, D]`.
  const at::Tensor& covariance_matrix() const;
  /// diag(1/d) - A^T A with A = chol(C)^{-1} W^T diag(1/d) (Woodbury),
  /// `batch_shape + [D, D]`.
  const at::Tensor& precision_matrix() const;

  bool has_rsample() const override { return true; }
  ConstraintPtr support() const override { return constraints::real_vector(); }

  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  /// -(D log(2 pi) + log det + Mahalanobis) / 2 through the capacitance
  /// matrix (see the class notes).
  at::Tensor log_prob(const at::Tensor& value) const override;
  /// (D (1 + log(2 pi)) + log det(W W^T + diag(d))) / 2, shape `batch_shape`.
  at::Tensor entropy() const override;
  at::Tensor mean() const override { return loc_; }
  at::Tensor mode() const override { return loc_; }
  /// sum_k W_ik^2 + d_i, `batch_shape + [D]`.
  at::Tensor variance() const override;

 protected:
  ParamList params() const override {
    return {{"loc", &loc_, constraints::real_vector(), 1},
            {"cov_factor", &cov_factor_, constraints::independent(constraints::real(), 2), 2},
            {"cov_diag", &cov_diag_, constraints::independent(constraints::positive(), 1), 1}};
  }

 private:
  const at::Tensor& capacitance_tril() const;
  std::vector<int64_t> matrix_shape() const;

  at::Tensor loc_, cov_factor_, cov_diag_;       // broadcast to the batch shape
  at::Tensor unbroadcasted_W_, unbroadcasted_d_;  // as given (promoted)
  detail::LazyTensor capacitance_tril_, scale_tril_, covariance_, precision_;
};

}  // namespace torchdist
