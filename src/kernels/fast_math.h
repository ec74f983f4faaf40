#pragma once
// Internal: the kernels' vectorized math functions (fast_math_avx2.h,
// fast_lgamma_avx2.h, fast_math_double_avx2.h) applied to a whole tensor, for
// their accuracy tests (tests/kernels/test_fast_math.cpp). Each returns an
// undefined tensor when the kernels are not built or not enabled. Example:
//
//   at::Tensor y = detail::kernels::fast_lgamma(at::rand({1000}) * 10);

#include <ATen/ATen.h>

namespace torchdist {
namespace detail {
namespace kernels {

/// log, log1p, exp and softplus of a float CPU tensor by the kernels' float functions;
/// log of a double CPU tensor of positive normal numbers by the double one
/// (fast_math_double_avx2.h).
at::Tensor fast_log(const at::Tensor& x);
at::Tensor fast_log1p(const at::Tensor& x);
at::Tensor fast_exp(const at::Tensor& x);
at::Tensor fast_softplus(const at::Tensor& x);

/// lgamma of a float CPU tensor by the float kernel (fast_lgamma_avx2.h), or
/// of a double CPU tensor by the double one (fast_math_double_avx2.h).
at::Tensor fast_lgamma(const at::Tensor& x);

/// log1p(-x) of a double CPU tensor with elements in [0, 1), and log B(a, b)
/// of two double CPU tensors of one shape, by fast_math_double_avx2.h.
at::Tensor fast_log1p_of_negated(const at::Tensor& x);
at::Tensor fast_lbeta(const at::Tensor& a, const at::Tensor& b);

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
