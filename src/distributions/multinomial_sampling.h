#pragma once
// Private multinomial samplers (not installed): the exact conditional-binomial
// method for large total counts, torch's counting method for small ones,
// and the rule that chooses between them. Both take normalized
// probabilities `probs` of shape batch_shape + [K] and return counts of
// shape sample_shape + batch_shape + [K] in the dtype of `probs`.

#include <ATen/ATen.h>

#include <c10/util/Optional.h>

namespace torchdist {
namespace detail {

/// Conditional binomials: x_1 ~ Bin(n, p_1), and for k = 2..K-1
///   x_k ~ Bin(n - x_1 - ... - x_{k-1}, p_k / (p_k + ... + p_K)),
/// with x_K the remainder, so that every row sums to n exactly. The
/// conditional probabilities are formed in double from suffix sums (no
/// cancellation in 1 - p_1 - ... - p_{k-1}) and clamped to [0, 1]; a
/// category of probability 0 always gets 0. One vectorized `at::binomial`
/// (exact: BTRS / inversion) per category, each O(1) expected time per
/// row, so the cost is O(K) per row whatever n; the loop stops early once
/// every row has been used up. n must be below 2^53.
at::Tensor multinomial_sample_conditional(int64_t total_count, const at::Tensor& probs, at::IntArrayRef sample_shape,
                                          c10::optional<at::Generator> generator);

/// torch's method: n categorical draws per row (`at::multinomial` with
/// replacement), counted with scatter_add. O(n) work and memory per row.
at::Tensor multinomial_sample_counting(int64_t total_count, const at::Tensor& probs, at::IntArrayRef sample_shape,
                                       c10::optional<at::Generator> generator);

/// Whether `multinomial_sample` counts: while it is measurably faster,
/// total_count <= 4 K (1 + 100 / rows) with rows = prod(sample_shape +
/// batch_shape), and its draws fit in 2^24 int64 (timings in the source).
bool multinomial_prefers_counting(int64_t total_count, int64_t num_categories, int64_t rows);

/// The sampler `Multinomial::sample` uses: counting where
/// `multinomial_prefers_counting`, conditional binomials otherwise.
at::Tensor multinomial_sample(int64_t total_count, const at::Tensor& probs, at::IntArrayRef sample_shape,
                              c10::optional<at::Generator> generator);

}  // namespace detail
}  // namespace torchdist
