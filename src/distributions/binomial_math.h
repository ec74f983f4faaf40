#pragma once
/// \file
/// Private: entropies of Binomial and Multinomial distributions, accurate in
/// double for any total count and at a cost that does not grow with it.
/// Not installed; the tests include it by relative path.
///
/// The multinomial pmf factors into Poisson pmfs:
///   Mult(x; n, p) = prod_k Poi(x_k; n p_k) / Poi(n; n),
/// so its entropy is
///   H = log Poi(n; n) - sum_k E[log Poi(X_k; n p_k)],  X_k ~ Bin(n, p_k),
/// and Binomial(n, p) is the case p = (p, 1 - p). Each term is of the order
/// of log n, so nothing cancels (lgamma(n + 1) - sum lgamma(x_k + 1), as the
/// support sum writes it, loses log10(n) digits and all of them in float).
///
/// Counts up to 255 on the CPU take the kernels of kernels/count_entropy.cpp
/// (one pass over the support per element, the pmf by its ratio
/// recurrence). Otherwise each expectation is a sum over the binomial
/// support:
/// - below a total count of 256, over the whole support, with lgamma;
/// - above, with log Poi by Stirling's series and the deviance
///   bd0(x, M) = x log(x / M) + M - x (Loader's saddle-point form, exact to
///   a few ulp however large n is), over 256 integers around the mean where
///   the standard deviation s is below 8, else over a grid of step s / 4
///   from -14 s to 14 s (the trapezoid rule, exact to exp(-2 pi^2 16) for a
///   summand as smooth as this one; the sum over integers equals the integral
///   to exp(-2 pi^2 s^2) by Poisson summation, so at s >= 8 the
///   integral stands for the sum).
/// Probabilities of exactly 0 or 1 are moved to 1e-100 (resp. 1 - 1e-100 for
/// the complement) in the value's computation, where they change nothing in
/// double, and the gradient there is the one at that point (finite).

#include <ATen/ATen.h>

namespace torchdist {
namespace detail {

/// Entropy of Multinomial(n, probs) in nats: `probs` has the categories in
/// its last dimension and sums to one over it; `total_count` broadcasts
/// against `probs[..., 0]` and holds nonnegative integers (different counts
/// across the batch are fine). Computed in double, returned in the dtype of
/// `probs`, differentiable in `probs`.
at::Tensor multinomial_entropy(const at::Tensor& total_count, const at::Tensor& probs);

/// Entropy of Binomial(n, p) in nats, `param` being p or (with `logits`)
/// its logit, so that q = 1 - p keeps its precision near p = 1. The
/// arguments broadcast; otherwise as `multinomial_entropy`, returned in the
/// dtype of `param`.
at::Tensor binomial_entropy(const at::Tensor& total_count, const at::Tensor& param, bool logits);

}  // namespace detail
}  // namespace torchdist
