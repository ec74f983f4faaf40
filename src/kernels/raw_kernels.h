#pragma once
// Internal: the raw kernels (the *_avx2.cpp files): pointers and sizes in,
// pointers out; no tensors and no checks (their entry points in fused.cpp,
// categorical.cpp and samplers.cpp do that).
// Each elementwise kernel reads the plan's operands in the order listed and
// writes one pass over the output; a backward kernel's first operand is the
// incoming gradient and it writes the gradient of each input to grads[k]
// (skipped when null), at the output's shape (the caller sums over broadcast
// dimensions). Only defined when the
// library is built with its AVX2 kernels (TORCHDIST_HAVE_AVX2_KERNELS).

#include "elementwise.h"

namespace torchdist {
namespace detail {
namespace kernels {

// operands: x, loc, scale
void normal_log_prob_kernel(const ElementwisePlan& plan, void* out);
// operands: grad, x, loc, scale; grads: x, loc, scale
void normal_log_prob_backward_kernel(const ElementwisePlan& plan, void* const* grads);

// operands: value, logits
void bernoulli_log_prob_kernel(const ElementwisePlan& plan, void* out);
// operands: grad, value, logits; grads: value, logits
void bernoulli_log_prob_backward_kernel(const ElementwisePlan& plan, void* const* grads);

// operands: x, concentration, rate
void gamma_log_prob_kernel(const ElementwisePlan& plan, void* out);
// operands: grad, x, concentration, rate, digamma(concentration); grads: x, concentration, rate
void gamma_log_prob_backward_kernel(const ElementwisePlan& plan, void* const* grads);

// operands: value, rate
void poisson_log_prob_kernel(const ElementwisePlan& plan, void* out);
// operands: grad, value, rate; grads: rate
void poisson_log_prob_backward_kernel(const ElementwisePlan& plan, void* const* grads);

// operands: x, concentration1, concentration0 (computed in double)
void beta_log_prob_kernel(const ElementwisePlan& plan, void* out);

// operands: loc_p, scale_p, loc_q, scale_q
void normal_normal_kl_kernel(const ElementwisePlan& plan, void* out);
// operands: grad, loc_p, scale_p, loc_q, scale_q; grads: the four parameters
void normal_normal_kl_backward_kernel(const ElementwisePlan& plan, void* const* grads);

// Categorical draws out[j], j in [begin, end), by the inverse CDF of row
// j % rows of probs (rows x categories, not necessarily normalized), with
// uniforms[j] in (0, 1]; false when a row holds a negative, NaN or infinite
// probability or sums to zero (categorical_avx2.cpp).
template <typename T>
bool categorical_draw_kernel(const T* probs, int64_t categories, int64_t rows, const double* uniforms, int64_t* out,
                             int64_t begin, int64_t end);

// log_softmax of rows [begin, end) of in (rows of length k) into out;
// returns whether one of them holds a NaN (softmax_avx2.cpp).
bool log_softmax_rows_kernel(const float* in, float* out, int64_t k, int64_t begin, int64_t end);

// logsumexp of rows [begin, end) of in (rows of length k) into out[row]
// (softmax_avx2.cpp): max + log(sum exp(x - max)), the sum in double.
void logsumexp_rows_kernel(const float* in, float* out, int64_t k, int64_t begin, int64_t end);

// The backward of log_softmax over rows [begin, end): dx = g - exp(out)
// sum(g), each row's sum in float (softmax_avx2.cpp).
void log_softmax_backward_rows_kernel(const float* g, const float* out, float* dx, int64_t k, int64_t begin,
                                      int64_t end);

// Fills out[0, n) (float or double) with -log(-log(u)), u element i's
// uniform of the Philox stream under `key` (random_stream.h) clamped to [lo, hi],
// 0 < lo <= hi < 1.
void gumbel_noise_kernel(at::ScalarType dtype, void* out, int64_t n, uint64_t key, double lo, double hi);

// Fills out[0, n) (float or double) with standard exponentials -log(u), +0
// at u = 1, u in (0, 1] from the Philox stream under `key`
// (random_stream.h): in double element i's uniform of words 2i and 2i + 1;
// in float the fine uniform float (down to 2^-56) of the words noise_avx2.cpp
// assigns to element i.
void exponential_noise_kernel(at::ScalarType dtype, void* out, int64_t n, uint64_t key);

// Fills out[0, n) (float or double) with element i's uniform of the Philox
// stream under `key` (random_stream.h), in (0, 1], clamped to [lo, hi].
void uniform_noise_kernel(at::ScalarType dtype, void* out, int64_t n, uint64_t key, double lo, double hi);

// Fills out[0, n) with standard normal floats drawn from the stream under
// `key` (noise_avx2.cpp).
void standard_normal_kernel(float* out, int64_t n, uint64_t key);

// Fills out[0, n) with Binomial(count[i], probs[i]) variates drawn from the
// stream under `key` (binomial_avx2.cpp).
void binomial_kernel(const float* count, const float* probs, float* out, int64_t n, uint64_t key);

// Fills out[0, n) with Gamma(alpha[i], 1) variates (float) drawn from the
// stream under `key` (gamma_avx2.cpp).
void standard_gamma_kernel(const float* alpha, float* out, int64_t n, uint64_t key);

// out[i] = log, log1p, exp, softplus or lgamma of x[i] (log1p(-x[i]), log B(a[i],
// b[i])) by the kernels' vectorized math (fast_math_avx2.h,
// fast_lgamma_avx2.h, fast_math_double_avx2.h; for their accuracy tests).
void fast_log_kernel(const float* x, float* out, int64_t n);
void fast_log_kernel(const double* x, double* out, int64_t n);
void fast_log1p_of_negated_kernel(const double* x, double* out, int64_t n);
void fast_lbeta_kernel(const double* a, const double* b, double* out, int64_t n);
void fast_log1p_kernel(const float* x, float* out, int64_t n);
void fast_exp_kernel(const float* x, float* out, int64_t n);
void fast_softplus_kernel(const float* x, float* out, int64_t n);
void fast_lgamma_kernel(const float* x, float* out, int64_t n);
void fast_lgamma_kernel(const double* x, double* out, int64_t n);

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
