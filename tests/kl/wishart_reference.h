#pragma once
// An independent reference for the Wishart KL divergence (explicit
// inverses and determinants, Boost's digamma), shared by the
// exponential-family and composite-rule tests.

#include <ATen/ATen.h>

#include <boost/math/special_functions/digamma.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "../support/testing.h"

namespace torchdist {
namespace testing {

/// log of the multivariate gamma function Gamma_p(a).
inline double log_mv_gamma(double a, int64_t p) {
  const double pi = 3.14159265358979323846;
  double s = 0.25 * static_cast<double>(p * (p - 1)) * std::log(pi);
  for (int64_t j = 0; j < p; ++j) s += std::lgamma(a - 0.5 * static_cast<double>(j));
  return s;
}

/// The multivariate digamma function psi_p(a) = sum_j psi(a - j/2).
inline double mv_digamma(double a, int64_t p) {
  double s = 0;
  for (int64_t j = 0; j < p; ++j) s += boost::math::digamma(a - 0.5 * static_cast<double>(j));
  return s;
}

/// KL(W(n_p, V_p) || W(n_q, V_q)) = n_q/2 (log det V_q - log det V_p)
///   + n_p/2 (tr(V_q^-1 V_p) - p) + log Gamma_p(n_q/2) - log Gamma_p(n_p/2)
///   + (n_p - n_q)/2 psi_p(n_p/2), with explicit inverses and determinants.
inline double wishart_kl(double np, const at::Tensor& Vp, double nq, const at::Tensor& Vq) {
  const int64_t p = Vp.size(-1);
  const double trace = at::matmul(at::inverse(Vq), Vp).trace().item<double>();
  const double log_det_ratio = (at::logdet(Vq) - at::logdet(Vp)).item<double>();
  return nq / 2 * log_det_ratio + np / 2 * (trace - static_cast<double>(p)) + log_mv_gamma(nq / 2, p) -
         log_mv_gamma(np / 2, p) + (np - nq) / 2 * mv_digamma(np / 2, p);
}

/// L L^T for the lower triangle of the row-major `n` x `n` values.
inline at::Tensor spd(const std::vector<double>& lower_values, int64_t n) {
  at::Tensor L = tensor_of(lower_values, {n, n}).tril();
  return at::matmul(L, L.transpose(-2, -1));
}

}  // namespace testing
}  // namespace torchdist
