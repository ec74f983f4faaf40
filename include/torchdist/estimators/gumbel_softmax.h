#pragma once
/// \file
/// Gumbel noise, the Gumbel-softmax relaxation and the straight-through trick.

#include <ATen/ATen.h>

namespace torchdist {

/// Standard Gumbel(0, 1) noise of the given shape and options:
/// g = -log(-log(u)), with u uniform and clamped to [tiny, 1 - eps] so that
/// g is always finite (at most about 16 in float32, 37 in float64). torch's
/// `F.gumbel_softmax` draws `-log(Exponential(1))`, which is +inf when the
/// exponential draw is 0.
///
/// Example:
/// \code
///   at::Tensor g = td::gumbel_noise({4, 10}, at::kFloat);
/// \endcode
at::Tensor gumbel_noise(at::IntArrayRef shape, const at::TensorOptions& options,
                        c10::optional<at::Generator> generator = c10::nullopt);

/// `forward_value` in the forward pass, with the gradient of `surrogate`:
///   forward_value + (surrogate - surrogate.detach()).
/// The correction term is exactly 0 in the forward pass (x - x == 0 for
/// finite x), so the result equals `forward_value` bit for bit; gradients
/// reach whatever `surrogate` depends on. `forward_value` is used as a
/// constant (detached).
///
/// Example (a straight-through Bernoulli):
/// \code
///   at::Tensor p = at::sigmoid(logits);
///   at::Tensor z = td::straight_through(at::bernoulli(p.detach()), p);  // 0/1, d z / d p = 1
/// \endcode
at::Tensor straight_through(const at::Tensor& forward_value, const at::Tensor& surrogate);

/// A Gumbel-softmax (Concrete) sample for categorical `logits` along `dim`:
///   y = softmax((logits + g) / tau),  g ~ Gumbel(0, 1) i.i.d.,
/// a point on the simplex that is differentiable in `logits` (the pathwise
/// estimator for a relaxed categorical; Jang et al. 2017, Maddison et al.
/// 2017). As tau -> 0 the samples approach one-hot vectors whose argmax is
/// Categorical(softmax(logits)) (the Gumbel-max trick); small tau means less
/// bias and larger gradient variance.
///
/// With `hard`, the result is the one-hot vector at argmax(logits + g)
/// (exactly one-hot: a true categorical sample) with the gradient of the
/// soft sample (straight-through Gumbel-softmax).
///
/// Numerically safe: softmax subtracts the maximum, and the noise is finite,
/// so logits up to +-1e4 with tau down to 1e-2 (or lower) give no inf or
/// NaN in float32 or float64. Logits of -inf (masked categories) get
/// probability 0, as long as one logit per slice is finite.
///
/// Throws `c10::ValueError` if `tau` is not a positive finite number, if
/// `logits` is not floating point, or if `dim` is out of range.
///
/// Example:
/// \code
///   at::Tensor logits = at::zeros({32, 10}, at::requires_grad());
///   at::Tensor soft = td::gumbel_softmax(logits, /*tau=*/0.5);              // rows on the simplex
///   at::Tensor hard = td::gumbel_softmax(logits, 0.5, /*hard=*/true);       // rows one-hot
///   (hard * cost).sum(-1).mean().backward();                                // straight-through gradient
/// \endcode
at::Tensor gumbel_softmax(const at::Tensor& logits, double tau = 1.0, bool hard = false, int64_t dim = -1,
                          c10::optional<at::Generator> generator = c10::nullopt);

}  // namespace torchdist
