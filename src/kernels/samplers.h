#pragma once
// Internal: the tensor-level entry points of the vectorized samplers, all
// drawing from the kernels' Philox-seeded stream (random_stream.h): Gumbel
// noise and standard normals (noise_avx2.cpp), for the samplers whose cost is
// mostly the noise (Gumbel-softmax, the relaxed categorical families,
// Normal); gamma variates (gamma_avx2.cpp: Gamma, Chi2, Beta, Dirichlet,
// NegativeBinomial); binomial variates (binomial_avx2.cpp). Like fused.h, each
// function returns an undefined tensor when the fast path does not apply
// (not a CPU float/double tensor, or the kernels are off); the caller then
// draws with at::rand as before. Example (td::gumbel_noise):
//
//   at::Tensor g = detail::kernels::fused_gumbel_noise(shape, options, generator, tiny, 1 - eps);
//   if (!g.defined()) g = ... at::rand ... ;

#include <ATen/ATen.h>
#include <c10/util/Optional.h>

#include <cstdint>

namespace torchdist {
namespace detail {
namespace kernels {

/// A new 64-bit Philox key from `generator` (the default CPU generator when
/// none), drawn under the generator's lock: seeding the generator makes the
/// noise reproducible, and each call gets a fresh stream.
uint64_t philox_key_from(const c10::optional<at::Generator>& generator);

/// Gumbel(0, 1) noise -log(-log(u)), u uniform in (0, 1] clamped to
/// [lo, hi] (0 < lo <= hi < 1), of the given shape; undefined when the fast
/// path does not apply.
at::Tensor fused_gumbel_noise(at::IntArrayRef shape, const at::TensorOptions& options,
                              const c10::optional<at::Generator>& generator, double lo, double hi);

/// Standard exponential noise -log(u), u uniform in (0, 1] with relative
/// precision down to 2^-56 in float and 2^-53 in double (the tail reaches
/// 38.8 and 36.7; 24-bit float uniforms would end it at 16.6), of the given shape;
/// undefined when the fast path does not apply (not float or double on the
/// CPU, or the kernels off).
at::Tensor fused_exponential_noise(at::IntArrayRef shape, const at::TensorOptions& options,
                                   const c10::optional<at::Generator>& generator);

/// The noise fused_exponential_noise draws under `key` (for tests).
at::Tensor exponential_noise_with_key(at::IntArrayRef shape, at::ScalarType dtype, uint64_t key);

/// Uniform noise in (0, 1] (24 bits in float, 53 in double) clamped to
/// [lo, hi], 0 < lo <= hi <= 1, of the given shape; undefined when the fast
/// path does not apply (as fused_exponential_noise).
at::Tensor fused_uniform_noise(at::IntArrayRef shape, const at::TensorOptions& options,
                               const c10::optional<at::Generator>& generator, double lo, double hi);

/// The noise fused_uniform_noise draws under `key` (for tests).
at::Tensor uniform_noise_with_key(at::IntArrayRef shape, at::ScalarType dtype, uint64_t key, double lo, double hi);

/// Standard normal floats of the given shape (Box-Muller in eight lanes,
/// normals_avx2.h) with the key drawn from `generator`; undefined when the fast path does not apply
/// (not float on the CPU, or the kernels off).
at::Tensor fused_standard_normal(at::IntArrayRef shape, const at::TensorOptions& options,
                                 const c10::optional<at::Generator>& generator);

/// The normals fused_standard_normal draws under `key` (for tests).
at::Tensor standard_normal_with_key(at::IntArrayRef shape, uint64_t key);

/// Binomial(count, probs) variates, count and probs of one shape (BTRS and
/// inversion in four lanes, binomial_avx2.cpp; the methods of at::binomial)
/// with the key drawn from `generator`; undefined when the fast
/// path does not apply (not both float CPU tensors, or the kernels off).
at::Tensor fused_binomial(const at::Tensor& count, const at::Tensor& probs,
                          const c10::optional<at::Generator>& generator);

/// The variates fused_binomial draws under `key` (for tests).
at::Tensor binomial_with_key(const at::Tensor& count, const at::Tensor& probs, uint64_t key);

/// Gamma(alpha, 1) variates of alpha's shape (Marsaglia-Tsang in eight
/// lanes, gamma_avx2.cpp; the method of at::_standard_gamma) with the key
/// drawn from `generator`; undefined when the fast path does not apply:
/// alpha not a float CPU tensor, the kernels off, or autograd recording
/// alpha (at::_standard_gamma carries the reparameterization gradient).
at::Tensor fused_standard_gamma(const at::Tensor& alpha, const c10::optional<at::Generator>& generator);

/// The variates fused_standard_gamma draws under `key` (for tests).
at::Tensor standard_gamma_with_key(const at::Tensor& alpha, uint64_t key);

/// The noise of elements 0 .. numel - 1 of the Philox stream under `key`
/// (float or double CPU tensor; what fused_gumbel_noise returns for a key it
/// draws); undefined when the kernels are not built or not enabled. Tests
/// use it to compare with the scalar definition in random_stream.h.
at::Tensor gumbel_noise_with_key(at::IntArrayRef shape, at::ScalarType dtype, uint64_t key, double lo, double hi);

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
