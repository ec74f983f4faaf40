#include "fast_math.h"

#include "elementwise.h"
#include "raw_kernels.h"

namespace torchdist {
namespace detail {
namespace kernels {

#if defined(TORCHDIST_HAVE_AVX2_KERNELS)

namespace {
template <typename T>
at::Tensor apply(void (*kernel)(const T*, T*, int64_t), const at::Tensor& x) {
  if (!fused_kernels_enabled()) return {};
  TORCH_INTERNAL_ASSERT(x.scalar_type() == c10::CppTypeToScalarType<T>::value && x.device().is_cpu());
  const at::Tensor in = x.contiguous();
  at::Tensor out = at::empty_like(in);
  kernel(in.data_ptr<T>(), out.data_ptr<T>(), in.numel());
  return out;
}
}  // namespace

at::Tensor fast_log(const at::Tensor& x) {
  if (x.scalar_type() == at::kDouble) return apply<double>(fast_log_kernel, x);
  return apply<float>(fast_log_kernel, x);
}
at::Tensor fast_log1p(const at::Tensor& x) { return apply<float>(fast_log1p_kernel, x); }
at::Tensor fast_exp(const at::Tensor& x) { return apply<float>(fast_exp_kernel, x); }
at::Tensor fast_softplus(const at::Tensor& x) { return apply<float>(fast_softplus_kernel, x); }
at::Tensor fast_lgamma(const at::Tensor& x) {
  if (x.scalar_type() == at::kDouble) return apply<double>(fast_lgamma_kernel, x);
  return apply<float>(fast_lgamma_kernel, x);
}
at::Tensor fast_log1p_of_negated(const at::Tensor& x) { return apply<double>(fast_log1p_of_negated_kernel, x); }
at::Tensor fast_lbeta(const at::Tensor& a, const at::Tensor& b) {
  if (!fused_kernels_enabled()) return {};
  TORCH_INTERNAL_ASSERT(a.scalar_type() == at::kDouble && b.scalar_type() == at::kDouble && a.sizes() == b.sizes());
  const at::Tensor a_in = a.contiguous(), b_in = b.contiguous();
  at::Tensor out = at::empty_like(a_in);
  fast_lbeta_kernel(a_in.data_ptr<double>(), b_in.data_ptr<double>(), out.data_ptr<double>(), a_in.numel());
  return out;
}

#else

at::Tensor fast_log(const at::Tensor&) { return {}; }
at::Tensor fast_log1p(const at::Tensor&) { return {}; }
at::Tensor fast_exp(const at::Tensor&) { return {}; }
at::Tensor fast_softplus(const at::Tensor&) { return {}; }
at::Tensor fast_lgamma(const at::Tensor&) { return {}; }
at::Tensor fast_log1p_of_negated(const at::Tensor&) { return {}; }
at::Tensor fast_lbeta(const at::Tensor&, const at::Tensor&) { return {}; }

#endif

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
