#include "binomial_math.h"

#include <ATen/core/grad_mode.h>

#include "../core/math_constants.h"
#include "gamma_math.h"
#include "../kernels/fused.h"

namespace torchdist {
namespace detail {
namespace {

// Below this total count the sums run over the whole support.
constexpr int64_t kWholeSupportMaxCount = 255;
// Above it: this many integers around the mean, where the standard
// deviation is below kGridMinSd; past it, the trapezoid grid.
constexpr int64_t kWindow = 256;
constexpr double kGridMinSd = 8.0;
constexpr int64_t kGridHalfWidthSd = 14;
constexpr int64_t kGridPointsPerSd = 4;
// Where probabilities of 0 (and complements of 1) are moved to: far below
// anything that changes a double result, and m = n p stays large enough
// that autograd's d(x / m)/dm = -x / m^2 does not overflow.
constexpr double kProbabilityFloor = 1e-100;

at::Tensor full_like_scalar(const at::Tensor& like, double value) { return at::full({}, value, like.options()); }

// delta(x) = lgamma(x + 1) - (x + 1/2) log x + x - log(2 pi) / 2 for x > 0,
// which is lgamma(x) - ((x - 1/2) log x - x + log(2 pi) / 2): Stirling's
// series (gamma_math.h) from 10 on, lgamma below.
at::Tensor stirling_error(const at::Tensor& x) {
  const at::Tensor large = x >= 10;
  const at::Tensor series = lgamma_stirling_remainder(1 / at::where(large, x, full_like_scalar(x, 10.0)));
  const at::Tensor xs = at::where(large, full_like_scalar(x, 1.0), x);
  const at::Tensor direct = at::lgamma(xs + 1) - (xs + 0.5) * at::log(xs) + xs - kHalfLog2Pi;
  return at::where(large, series, direct);
}

// (1 + d) log(1 + d) - d for d > -1; near 0 by its series
// sum_{j >= 2} (-1)^j d^j / (j (j - 1)) (eight terms: |d| < 0.01), where the
// closed form would cancel.
at::Tensor one_plus_d_log_one_plus_d_minus_d(const at::Tensor& d) {
  const at::Tensor small = d.abs() < 0.01;
  const at::Tensor ds = at::where(small, d, full_like_scalar(d, 0.0));
  at::Tensor acc = full_like_scalar(d, -1.0 / (9 * 8));
  for (int j = 8; j >= 2; --j) acc = acc * ds + (j % 2 == 0 ? 1.0 : -1.0) / (j * (j - 1));
  const at::Tensor series = acc * ds * ds;
  const at::Tensor dl = at::where(small, full_like_scalar(d, 1.0), d);
  const at::Tensor closed = (1 + dl) * at::log1p(dl) - dl;
  return at::where(small, series, closed);
}

// log Poi(x; m) = x log m - m - lgamma(x + 1) for x >= 0 (continuous), m > 0,
// given also the deviation x - m. By lgamma for small counts; by Stirling's
// series and the deviance bd0(x, m) = m ((1 + d) log(1 + d) - d),
// d = (x - m) / m, for any count. The caller computes x - m without
// cancellation: for a count of 1e12 the rounding of x alone moves bd0 by
// 1e-10, and X and n - X must deviate by exactly opposite amounts.
at::Tensor log_poisson_direct(const at::Tensor& x, const at::Tensor& m) {
  return at::xlogy(x, m) - m - at::lgamma(x + 1);
}
at::Tensor log_poisson_stirling(const at::Tensor& x, const at::Tensor& deviation, const at::Tensor& m) {
  const at::Tensor positive = x > 0;
  // x = 0 takes the other branch; x = 1 keeps this one finite (d = -1 would
  // be 0 * log 0, and its NaN gradient would leak through the where).
  const at::Tensor xs = at::where(positive, x, full_like_scalar(x, 1.0));
  const at::Tensor bd0 = m * one_plus_d_log_one_plus_d_minus_d(at::where(positive, deviation, xs - m) / m);
  const at::Tensor log_x_terms = 0.5 * at::log(xs) + kHalfLog2Pi + stirling_error(xs);
  return at::where(positive, -bd0 - log_x_terms, -m);
}

// p with probabilities below the floor raised to it for the computation; the
// gradient passes straight through.
at::Tensor floored(const at::Tensor& p) { return p + (p.clamp_min(kProbabilityFloor) - p).detach(); }

// The nodes k (a new leading dimension, within [0, n]) and their weights
// for sums over Bin(n, p): weight 0 where a node falls outside [0, n] or
// belongs to the other method. Neither carries a gradient.
struct Nodes {
  at::Tensor k, complement;  // k and n - k, each without the other's rounding
  at::Tensor deviation;      // k - n p, without cancellation
  at::Tensor weight;
  bool stirling;
};

Nodes support_nodes(const at::Tensor& n, const at::Tensor& p, const at::Tensor& q) {
  at::NoGradGuard no_grad;
  const at::TensorOptions options = n.options();
  std::vector<int64_t> leading(n.dim() + 1, 1);
  // One host read: the largest count decides between the two methods.
  const double n_max = n.numel() == 0 ? 0.0 : n.max().item<double>();
  if (n_max <= kWholeSupportMaxCount) {
    leading[0] = static_cast<int64_t>(n_max) + 1;
    const at::Tensor k_raw = at::arange(leading[0], options).view(leading);
    const at::Tensor k = at::minimum(k_raw, n);  // past a smaller n: weight 0
    return {k, n - k, k - n * p, (k_raw <= n).to(options.dtype()), false};
  }
  const at::Tensor mean = n * p;
  const at::Tensor sd = (n * p * q).sqrt();
  const at::Tensor on_grid = sd >= kGridMinSd;
  // Integers around the mean, within [0, n].
  leading[0] = kWindow;
  const at::Tensor start = at::minimum((mean.round() - kWindow / 2).clamp_min(0), (n - (kWindow - 1)).clamp_min(0));
  const at::Tensor k_window = start + at::arange(kWindow, options).view(leading);
  const at::Tensor w_window = ((k_window <= n) & on_grid.logical_not()).to(options.dtype());
  // The trapezoid grid mean + sd t, t = -14, -13.75, ..., 14, step sd / 4.
  leading[0] = 2 * kGridHalfWidthSd * kGridPointsPerSd + 1;
  const at::Tensor t = at::arange(leading[0], options).view(leading) / kGridPointsPerSd - kGridHalfWidthSd;
  const at::Tensor k_grid = mean + sd * t;
  const at::Tensor w_grid = ((k_grid >= 0) & (k_grid <= n) & on_grid).to(options.dtype()) * (sd / kGridPointsPerSd);
  // Deviations and counts from the side of the smaller probability: where p
  // is near 1, n - k is small and must not inherit the rounding of k ~ n.
  const at::Tensor p_smaller = p <= q;
  const at::Tensor dev_window = at::where(p_smaller, k_window - mean, n * q - (n - k_window));
  const at::Tensor dev_grid = sd * t;
  const at::Tensor deviation_raw = at::cat({dev_window, dev_grid}, 0);
  const at::Tensor k_raw = at::cat({k_window, k_grid}, 0);
  const at::Tensor complement_raw = at::where(p_smaller, n - k_raw, n * q - deviation_raw);
  const at::Tensor k_from_complement = at::where(p_smaller, k_raw, n - complement_raw);
  // Nodes outside [0, n] carry no weight: clamped, with a deviation to match.
  const at::Tensor k = at::minimum(k_from_complement.clamp_min(0), n);
  const at::Tensor inside = k == k_from_complement;
  return {k, at::where(inside, complement_raw, n - k), at::where(inside, deviation_raw, k - mean),
          at::cat({w_window, w_grid}, 0), true};
}

// The entropies as ATen compositions: the definition, and the path for
// whatever the kernels (kernels/count_entropy.cpp) do not take.
at::Tensor composed_multinomial_entropy(const at::Tensor& total_count, const at::Tensor& probs) {
  TORCH_CHECK_VALUE(probs.dim() >= 1 && probs.size(-1) >= 1,
                    "multinomial_entropy: probs must have a nonempty category dimension, got shape ", probs.sizes());
  at::Tensor p = probs.to(at::kDouble);
  // Renormalized in double: a sum off one by e moves the result by n e.
  p = p / p.sum(-1, /*keepdim=*/true);
  // q_k = the sum of the others, by exclusive prefix and suffix sums (1 - p_k
  // would cancel where p_k is near 1).
  const int64_t categories = p.size(-1);
  const at::Tensor zero = at::zeros_like(p.narrow(-1, 0, 1));
  const at::Tensor prefix = at::cat({zero, p.narrow(-1, 0, categories - 1).cumsum(-1)}, -1);
  const at::Tensor suffix = at::cat({p.narrow(-1, 1, categories - 1).flip(-1).cumsum(-1).flip(-1), zero}, -1);
  const at::Tensor q = prefix + suffix;

  // A count of 0 is a point mass (entropy 0): computed at n = 1, then put back.
  const at::Tensor n_batch = total_count.to(at::kDouble).expand(p.sizes().slice(0, p.dim() - 1));
  const at::Tensor empty = n_batch == 0;
  const at::Tensor n_safe = at::where(empty, at::ones_like(n_batch), n_batch);
  const at::Tensor n = n_safe.unsqueeze(-1).expand_as(p);
  const at::Tensor pf = floored(p), qf = floored(q);

  const Nodes nodes = support_nodes(n, pf.detach(), qf.detach());
  const auto log_poisson = [&](const at::Tensor& x, const at::Tensor& deviation, const at::Tensor& mean) {
    return nodes.stirling ? log_poisson_stirling(x, deviation, mean) : log_poisson_direct(x, mean);
  };
  // log Bin(k; n, p) = log Poi(k; n p) + log Poi(n - k; n q) - log Poi(n; n).
  const at::Tensor m = n * pf, m_complement = n * qf;
  // The deviations' values come from the nodes; their gradients are those of
  // k - m and (n - k) - m_complement at fixed k.
  const at::Tensor deviation = nodes.deviation - (m - m.detach());
  const at::Tensor deviation_complement = -nodes.deviation - (m_complement - m_complement.detach());
  const at::Tensor log_poisson_n = log_poisson(n_safe, at::zeros_like(n_safe), n_safe);
  const at::Tensor log_poisson_k = log_poisson(nodes.k, deviation, m);
  const at::Tensor log_pmf = log_poisson_k + log_poisson(nodes.complement, deviation_complement, m_complement) -
                             log_poisson_n.unsqueeze(-1);
  // H = log Poi(n; n) - sum_k E[log Poi(X_k; n p_k)].
  const at::Tensor expected = (nodes.weight * log_pmf.exp() * log_poisson_k).sum(0).sum(-1);
  const at::Tensor h = log_poisson_n - expected;
  return at::where(empty, at::zeros_like(h), h).to(probs.scalar_type());
}

at::Tensor composed_binomial_entropy(const at::Tensor& total_count, const at::Tensor& p, const at::Tensor& q) {
  std::vector<at::Tensor> b = at::broadcast_tensors({total_count, p, q});
  return composed_multinomial_entropy(b[0], at::stack({b[1], b[2]}, -1));
}

// In double; q from the logits where they are the parameter (1 - p loses q
// near p = 1).
at::Tensor composed_binomial_entropy_of_probs(const at::Tensor& total_count, const at::Tensor& probs) {
  const at::Tensor p = probs.to(at::kDouble);
  return composed_binomial_entropy(total_count, p, 1 - p).to(probs.scalar_type());
}
at::Tensor composed_binomial_entropy_of_logits(const at::Tensor& total_count, const at::Tensor& logits) {
  const at::Tensor l = logits.to(at::kDouble);
  return composed_binomial_entropy(total_count, at::sigmoid(l), at::sigmoid(-l)).to(logits.scalar_type());
}

}  // namespace

at::Tensor multinomial_entropy(const at::Tensor& total_count, const at::Tensor& probs) {
  const at::Tensor fast = kernels::fused_multinomial_entropy(total_count, probs, &composed_multinomial_entropy);
  return fast.defined() ? fast : composed_multinomial_entropy(total_count, probs);
}

at::Tensor binomial_entropy(const at::Tensor& total_count, const at::Tensor& param, bool logits) {
  const kernels::Formula2 composed =
      logits ? &composed_binomial_entropy_of_logits : &composed_binomial_entropy_of_probs;
  const at::Tensor fast = kernels::fused_binomial_entropy(total_count, param, logits, composed);
  return fast.defined() ? fast : composed(total_count, param);
}

}  // namespace detail
}  // namespace torchdist
