#include "samplers.h"

#include "cpu_generator.h"
#include "elementwise.h"
#include "raw_kernels.h"

namespace torchdist {
namespace detail {
namespace kernels {

uint64_t philox_key_from(const c10::optional<at::Generator>& generator) {
  return with_cpu_generator(generator, [](at::CPUGeneratorImpl* gen) { return gen->random64(); });
}

namespace {
// Whether the noise samplers take tensors of these options: float or
// double, strided, on the CPU, with the kernels on.
bool noise_takes(const at::TensorOptions& options) {
  const at::ScalarType dtype = c10::typeMetaToScalarType(options.dtype());
  return fused_kernels_enabled() && options.device().is_cpu() && options.layout() == at::kStrided &&
         (dtype == at::kFloat || dtype == at::kDouble);
}

// Whether the fused samplers take a tensor (and its kind of options): the
// noise's options, float only.
bool fused_sampler_takes(const at::TensorOptions& options) {
  return noise_takes(options) && c10::typeMetaToScalarType(options.dtype()) == at::kFloat;
}
}  // namespace

at::Tensor fused_gumbel_noise(at::IntArrayRef shape, const at::TensorOptions& options,
                              const c10::optional<at::Generator>& generator, double lo, double hi) {
  if (!noise_takes(options)) return {};
  return gumbel_noise_with_key(shape, c10::typeMetaToScalarType(options.dtype()), philox_key_from(generator), lo, hi);
}

at::Tensor fused_exponential_noise(at::IntArrayRef shape, const at::TensorOptions& options,
                                   const c10::optional<at::Generator>& generator) {
  if (!noise_takes(options)) return {};
  return exponential_noise_with_key(shape, c10::typeMetaToScalarType(options.dtype()), philox_key_from(generator));
}

at::Tensor fused_uniform_noise(at::IntArrayRef shape, const at::TensorOptions& options,
                               const c10::optional<at::Generator>& generator, double lo, double hi) {
  if (!noise_takes(options)) return {};
  return uniform_noise_with_key(shape, c10::typeMetaToScalarType(options.dtype()), philox_key_from(generator), lo, hi);
}

at::Tensor fused_standard_normal(at::IntArrayRef shape, const at::TensorOptions& options,
                                 const c10::optional<at::Generator>& generator) {
  if (!fused_sampler_takes(options)) return {};
  return standard_normal_with_key(shape, philox_key_from(generator));
}

at::Tensor fused_binomial(const at::Tensor& count, const at::Tensor& probs,
                          const c10::optional<at::Generator>& generator) {
  if (!fused_sampler_takes(count.options()) || !fused_sampler_takes(probs.options())) return {};
  return binomial_with_key(count, probs, philox_key_from(generator));
}

at::Tensor fused_standard_gamma(const at::Tensor& alpha, const c10::optional<at::Generator>& generator) {
  if (!fused_sampler_takes(alpha.options()) || (at::GradMode::is_enabled() && alpha.requires_grad())) return {};
  return standard_gamma_with_key(alpha, philox_key_from(generator));
}

#if defined(TORCHDIST_HAVE_AVX2_KERNELS)

at::Tensor standard_normal_with_key(at::IntArrayRef shape, uint64_t key) {
  if (!fused_kernels_enabled()) return {};
  at::Tensor out = at::empty(shape, at::TensorOptions().dtype(at::kFloat));
  if (out.numel() > 0) standard_normal_kernel(out.data_ptr<float>(), out.numel(), key);
  return out;
}

at::Tensor binomial_with_key(const at::Tensor& count, const at::Tensor& probs, uint64_t key) {
  if (!fused_kernels_enabled()) return {};
  TORCH_INTERNAL_ASSERT(count.scalar_type() == at::kFloat && probs.scalar_type() == at::kFloat &&
                        count.sizes() == probs.sizes());
  const at::Tensor n = count.contiguous(), p = probs.contiguous();
  at::Tensor out = at::empty(n.sizes(), n.options());
  if (out.numel() > 0) binomial_kernel(n.data_ptr<float>(), p.data_ptr<float>(), out.data_ptr<float>(), out.numel(), key);
  return out;
}

at::Tensor standard_gamma_with_key(const at::Tensor& alpha, uint64_t key) {
  if (!fused_kernels_enabled()) return {};
  TORCH_INTERNAL_ASSERT(alpha.scalar_type() == at::kFloat && alpha.device().is_cpu());
  const at::Tensor shapes = alpha.contiguous();
  at::Tensor out = at::empty(shapes.sizes(), shapes.options());
  if (out.numel() > 0) standard_gamma_kernel(shapes.data_ptr<float>(), out.data_ptr<float>(), out.numel(), key);
  return out;
}

namespace {
// A new float or double tensor of `shape` filled by fill(data, numel) (not
// called when empty); undefined when the kernels are off. `valid`: the
// caller's own arguments are in range.
template <class Fill>
at::Tensor noise_tensor(at::IntArrayRef shape, at::ScalarType dtype, bool valid, const Fill& fill) {
  if (!fused_kernels_enabled()) return {};
  TORCH_INTERNAL_ASSERT((dtype == at::kFloat || dtype == at::kDouble) && valid);
  at::Tensor out = at::empty(shape, at::TensorOptions().dtype(dtype));
  if (out.numel() > 0) fill(out.data_ptr(), out.numel());
  return out;
}
}  // namespace

at::Tensor gumbel_noise_with_key(at::IntArrayRef shape, at::ScalarType dtype, uint64_t key, double lo, double hi) {
  return noise_tensor(shape, dtype, lo > 0 && lo <= hi && hi < 1,
                      [&](void* out, int64_t n) { gumbel_noise_kernel(dtype, out, n, key, lo, hi); });
}

at::Tensor exponential_noise_with_key(at::IntArrayRef shape, at::ScalarType dtype, uint64_t key) {
  return noise_tensor(shape, dtype, true, [&](void* out, int64_t n) { exponential_noise_kernel(dtype, out, n, key); });
}

at::Tensor uniform_noise_with_key(at::IntArrayRef shape, at::ScalarType dtype, uint64_t key, double lo, double hi) {
  return noise_tensor(shape, dtype, lo > 0 && lo <= hi && hi <= 1,
                      [&](void* out, int64_t n) { uniform_noise_kernel(dtype, out, n, key, lo, hi); });
}

#else

at::Tensor uniform_noise_with_key(at::IntArrayRef, at::ScalarType, uint64_t, double, double) { return {}; }
at::Tensor exponential_noise_with_key(at::IntArrayRef, at::ScalarType, uint64_t) { return {}; }
at::Tensor gumbel_noise_with_key(at::IntArrayRef, at::ScalarType, uint64_t, double, double) { return {}; }
at::Tensor standard_normal_with_key(at::IntArrayRef, uint64_t) { return {}; }
at::Tensor standard_gamma_with_key(const at::Tensor&, uint64_t) { return {}; }
at::Tensor binomial_with_key(const at::Tensor&, const at::Tensor&, uint64_t) { return {}; }

#endif

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
