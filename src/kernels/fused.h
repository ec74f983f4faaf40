#pragma once
// Internal: the formulas with a fused kernel (log_prob of some families, KL
// of some pairs). Each returns the same values as the ATen formula it
// replaces by one pass over memory, with a fused backward where autograd
// records it, or an undefined tensor when the fast path does not apply; the
// caller then runs its formula. The caller also passes the formula itself,
// its reference: the backward falls back to autograd through it where the
// fused backward does not apply (double backward, say). The kernels thus
// never include a family header. Example (Normal::log_prob):
//
//   at::Tensor fused = detail::kernels::fused_normal_log_prob(value, loc_, scale_, &normal_log_prob);
//   return fused.defined() ? fused : normal_log_prob(value, loc_, scale_);

#include <ATen/ATen.h>
#include <c10/util/Optional.h>

#include <cstdint>
#include <vector>

namespace torchdist {
namespace detail {
namespace kernels {

/// A family's ATen formula of two, three or four tensors.
using Formula2 = at::Tensor (*)(const at::Tensor&, const at::Tensor&);
using Formula3 = at::Tensor (*)(const at::Tensor&, const at::Tensor&, const at::Tensor&);
using Formula4 = at::Tensor (*)(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&);

/// A formula as an integer (to travel through an autograd context), and
/// the call of the formula it names on as many tensors as it takes.
int64_t formula_id(Formula2 f);
int64_t formula_id(Formula3 f);
int64_t formula_id(Formula4 f);
at::Tensor call_formula(int64_t formula, const std::vector<at::Tensor>& in);

at::Tensor fused_normal_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale,
                                 Formula3 reference);
at::Tensor fused_bernoulli_log_prob(const at::Tensor& value, const at::Tensor& logits, Formula2 reference);
at::Tensor fused_gamma_log_prob(const at::Tensor& x, const at::Tensor& concentration, const at::Tensor& rate,
                                Formula3 reference);
at::Tensor fused_poisson_log_prob(const at::Tensor& value, const at::Tensor& rate, Formula2 reference);
at::Tensor fused_beta_log_prob(const at::Tensor& x, const at::Tensor& concentration1,
                               const at::Tensor& concentration0, Formula3 reference);

/// The entry of `table` (batch_shape + [categories]) at each int64 value
/// (sample_shape + batch_shape), with a fused backward (one scatter):
/// Categorical's log_prob gathers its normalized logits, Categorical(probs)
/// its probs before taking the log of the gathered entries. Undefined
/// otherwise (and for values out of range, which the reference path
/// reports). `reference(value, table)` is the composition.
at::Tensor fused_category_gather(const at::Tensor& value, const at::Tensor& table, Formula2 reference);

/// Categorical draws of shape sample_shape + probs.shape[:-1] from (not
/// necessarily normalized) probabilities along the last dimension, by the
/// inverse CDF; undefined when the fast path does not apply or a row is not
/// a valid distribution (at::multinomial then reports it).
at::Tensor fused_categorical_sample(const at::Tensor& probs, at::IntArrayRef sample_shape,
                                    const c10::optional<at::Generator>& generator);

/// log_softmax over the last dimension of a contiguous float CPU tensor, with
/// a backward g - exp(out) sum(g) where autograd records it; undefined
/// otherwise (at::log_softmax then).
/// When it runs and `has_nan` is given, *has_nan says whether the result
/// holds a NaN, so that a caller validating it can skip the scan.
at::Tensor fused_log_softmax(const at::Tensor& x, bool* has_nan = nullptr);

/// logsumexp over the last dimension of a contiguous float CPU tensor (the
/// sum in double), with the backward g exp(x - lse); undefined otherwise
/// (at::logsumexp then).
at::Tensor fused_logsumexp(const at::Tensor& x);

/// Entropy of Binomial(total_count, p), `param` being p or its logit
/// (`logits`), for integer counts up to 255 on the CPU (count_entropy.cpp);
/// undefined otherwise. `reference(total_count, param)` is the composition.
at::Tensor fused_binomial_entropy(const at::Tensor& total_count, const at::Tensor& param, bool logits,
                                  Formula2 reference);

/// Entropy of Multinomial(total_count, probs) over the last dimension of
/// `probs` (normalised there), for a one-element integer count up to 255 on
/// the CPU; undefined otherwise. `reference(total_count, probs)` as above.
at::Tensor fused_multinomial_entropy(const at::Tensor& total_count, const at::Tensor& probs, Formula2 reference);

/// KL(N(loc_p, scale_p) || N(loc_q, scale_q)) as kl_normal_normal computes it.
at::Tensor fused_normal_normal_kl(const at::Tensor& loc_p, const at::Tensor& scale_p, const at::Tensor& loc_q,
                                  const at::Tensor& scale_q, Formula4 reference);

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
