#include "multinomial_sampling.h"

#include "torchdist/core/utils.h"

#include <ATen/core/grad_mode.h>
#include <c10/util/accumulate.h>

namespace torchdist {
namespace detail {

at::Tensor multinomial_sample_conditional(int64_t total_count, const at::Tensor& probs, at::IntArrayRef sample_shape,
                                          c10::optional<at::Generator> generator) {
  at::NoGradGuard no_grad;
  TORCH_INTERNAL_ASSERT(probs.dim() >= 1 && total_count >= 0);
  const int64_t k_count = probs.size(-1);
  const std::vector<int64_t> rows_shape = concat_shapes(sample_shape, probs.sizes().slice(0, probs.dim() - 1));
  const std::vector<int64_t> out_shape = concat_shapes(rows_shape, {k_count});
  const int64_t rows = c10::multiply_integers(rows_shape);
  if (rows == 0 || total_count == 0) return at::zeros(out_shape, probs.options());

  // p_k / (p_k + ... + p_K) from suffix sums; 0 / 0 (only zeros left) is 0.
  // Categories lead ([K] + batch) so that each step reads and writes
  // contiguous memory.
  at::Tensor p = probs.to(at::kDouble).movedim(-1, 0);
  at::Tensor suffix = p.flip({0}).cumsum(0).flip({0});
  at::Tensor ratio = at::where(suffix > 0, p / suffix, at::zeros({}, p.options())).clamp(0, 1).contiguous();

  std::vector<at::Tensor> counts;
  counts.reserve(static_cast<size_t>(k_count));
  at::Tensor remaining = at::full(rows_shape, static_cast<double>(total_count), p.options());
  for (int64_t k = 0; k + 1 < k_count; ++k) {
    counts.push_back(at::binomial(remaining, ratio.select(0, k).expand(rows_shape), generator));
    remaining.sub_(counts.back());
    // Many categories and few trials: stop once every row is used up (the
    // check costs a reduction; every 8th category keeps it cheap). Off the
    // CPU it would also cost a device sync, so the loop runs to the end.
    if (k % 8 == 7 && remaining.is_cpu() && !remaining.any().item<bool>()) break;
  }
  counts.push_back(remaining);  // the next category takes the rest (0 after an early stop)
  at::Tensor out = at::stack(counts, -1);
  const int64_t done = static_cast<int64_t>(counts.size());
  if (done < k_count) out = at::cat({out, at::zeros(concat_shapes(rows_shape, {k_count - done}), p.options())}, -1);
  return out.to(probs.scalar_type());
}

at::Tensor multinomial_sample_counting(int64_t total_count, const at::Tensor& probs, at::IntArrayRef sample_shape,
                                       c10::optional<at::Generator> generator) {
  at::NoGradGuard no_grad;
  TORCH_INTERNAL_ASSERT(probs.dim() >= 1 && total_count >= 0);
  const int64_t k_count = probs.size(-1);
  const std::vector<int64_t> batch = probs.sizes().slice(0, probs.dim() - 1).vec();
  const int64_t rows = c10::multiply_integers(batch);
  const int64_t samples = c10::multiply_integers(sample_shape);
  const std::vector<int64_t> out_shape = concat_shapes(concat_shapes(sample_shape, batch), {k_count});
  // at::multinomial rejects zero draws and empty batches.
  if (rows == 0 || samples == 0 || total_count == 0) return at::zeros(out_shape, probs.options());
  at::Tensor draws =
      at::multinomial(probs.reshape({rows, k_count}), samples * total_count, /*replacement=*/true, std::move(generator));
  at::Tensor counts = at::zeros({rows, samples, k_count}, probs.options());
  counts.scatter_add_(-1, draws.view({rows, samples, total_count}), at::ones({1}, probs.options()).expand({rows, samples, total_count}));
  // [rows, samples, K] -> sample_shape + batch_shape + [K].
  return counts.transpose(0, 1).reshape(out_shape);
}

bool multinomial_prefers_counting(int64_t total_count, int64_t num_categories, int64_t rows) {
  // Counting costs a draw per trial (n per row); the conditional method a
  // binomial per (row, category) plus one dispatch per category. The rule
  // below is fitted to the timings in BENCHMARKS.md ("Multinomial sampling:
  // counting against conditional binomials"). Counting's n draws per row are
  // also held in memory (int64), so it is capped at 2^24 draws in all.
  if (rows == 0) return true;  // nothing to draw: either is instant
  const double n = static_cast<double>(total_count), k = static_cast<double>(num_categories);
  const double m = static_cast<double>(rows);
  return n * m <= static_cast<double>(int64_t{1} << 24) && n <= 4 * k * (1 + 100 / m);
}

at::Tensor multinomial_sample(int64_t total_count, const at::Tensor& probs, at::IntArrayRef sample_shape,
                              c10::optional<at::Generator> generator) {
  const int64_t rows = c10::multiply_integers(sample_shape) * c10::multiply_integers(probs.sizes().slice(0, probs.dim() - 1));
  if (multinomial_prefers_counting(total_count, probs.size(-1), rows)) {
    return multinomial_sample_counting(total_count, probs, sample_shape, std::move(generator));
  }
  return multinomial_sample_conditional(total_count, probs, sample_shape, std::move(generator));
}

}  // namespace detail
}  // namespace torchdist
