#pragma once
// Checks shared by the KL tests: the analytic value against a Monte Carlo
// estimate of E_p[log p(x) - log q(x)], KL(p, p) = 0, and gradients in
// both distributions' parameters against finite differences.

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <vector>

#include "../support/testing.h"
#include "torchdist/kl/registry.h"

namespace torchdist {
namespace testing {

/// Every batch element of kl_divergence(p, q) lies within `z` standard
/// errors of the Monte Carlo mean of log p(x) - log q(x) over `n` draws
/// x ~ p. With z = 5 a correct rule fails with probability ~6e-7 per
/// element (normal approximation of the mean; n >= 1e4 keeps it accurate
/// for the light-tailed log-ratios tested here). The seed is fixed, so a
/// run is reproducible.
inline void expect_kl_matches_monte_carlo(const Distribution& p, const Distribution& q, int64_t n = 200000,
                                          uint64_t seed = 1, double z = 5.0) {
  at::Tensor kl = kl_divergence(p, q).detach().to(at::kDouble);
  at::Tensor x = p.sample({n}, seeded_generator(seed));
  at::Tensor ratio = (p.log_prob(x) - q.log_prob(x)).detach().to(at::kDouble);
  at::Tensor mc = ratio.mean(0);
  at::Tensor se = ratio.std(0) / std::sqrt(static_cast<double>(n));
  at::Tensor deviation = ((kl - mc).abs() / (se + 1e-12)).reshape({-1});
  at::Tensor kl_flat = kl.expand_as(mc).reshape({-1});
  for (int64_t i = 0; i < deviation.numel(); ++i) {
    EXPECT_LT(deviation[i].item<double>(), z)
        << p.name() << " || " << q.name() << " element " << i << ": analytic " << kl_flat[i].item<double>()
        << ", Monte Carlo " << mc.reshape({-1})[i].item<double>() << " +- " << se.reshape({-1})[i].item<double>();
  }
}

/// KL(p, p) is zero (to `atol`) everywhere in the batch.
inline void expect_kl_to_self_is_zero(const Distribution& p, double atol = 1e-10) {
  at::Tensor kl = kl_divergence(p, p).detach().to(at::kDouble);
  EXPECT_LT(kl.abs().max().item<double>(), atol) << p.name() << " || " << p.name() << " = " << kl;
}

/// The gradient of sum(KL) in each parameter tensor matches central finite
/// differences. `make_kl(params)` builds both distributions from `params`
/// (double tensors) and returns kl_divergence; a parameter is perturbed
/// one element at a time.
inline void expect_kl_gradients_match_finite_differences(
    const std::function<at::Tensor(const std::vector<at::Tensor>&)>& make_kl, std::vector<at::Tensor> params,
    double rtol = 1e-5, double atol = 1e-7) {
  for (size_t k = 0; k < params.size(); ++k) {
    auto f = [&](const at::Tensor& x) {
      std::vector<at::Tensor> args = params;
      args[k] = x;
      return make_kl(args).sum();
    };
    EXPECT_TRUE(all_close(autograd_grad(f, params[k]), finite_difference_grad(f, params[k]), rtol, atol))
        << "parameter " << k;
  }
}

/// Batch shape [3, 1] against [4] gives [3, 4]; float32 parameters give a
/// float32 result that matches the double one. `make(u)` builds a
/// distribution from a tensor of numbers in (0, 1) of the batch shape (plus
/// `event` trailing dimensions).
inline void expect_broadcast_and_dtype(const std::function<std::shared_ptr<Distribution>(const at::Tensor&)>& make_p,
                                       const std::function<std::shared_ptr<Distribution>(const at::Tensor&)>& make_q,
                                       std::vector<int64_t> event = {}) {
  auto shape = [&](std::vector<int64_t> batch) {
    batch.insert(batch.end(), event.begin(), event.end());
    return batch;
  };
  at::Tensor up = at::rand(shape({3, 1}), seeded_generator(7), at::kDouble) * 0.8 + 0.1;
  at::Tensor uq = at::rand(shape({4}), seeded_generator(8), at::kDouble) * 0.8 + 0.1;
  at::Tensor kl = kl_divergence(*make_p(up), *make_q(uq));
  EXPECT_EQ(kl.sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(kl.scalar_type(), at::kDouble);
  at::Tensor kl32 = kl_divergence(*make_p(up.to(at::kFloat)), *make_q(uq.to(at::kFloat)));
  EXPECT_EQ(kl32.scalar_type(), at::kFloat);
  EXPECT_TRUE(all_close(kl32, kl, 1e-4, 1e-5));
}

/// Every element is +inf.
inline void expect_all_infinite(const at::Tensor& kl) {
  EXPECT_TRUE(kl.isinf().all().item<bool>() && (kl > 0).all().item<bool>()) << kl;
}

}  // namespace testing
}  // namespace torchdist
