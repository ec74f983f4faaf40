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

/// log and exp of a float CPU tensor by the kernels' float log and exp.
at::Tensor fast_log(const at::Tensor& x);
at::Tensor fast_exp(const at::Tensor& x);

/// lgamma of a float CPU tensor by the float kernel (fast_lgamma_avx2.h), or
/// of a double CPU tensor by the double one (fast_math_double_avx2.h).
at::Tensor fast_lgamma(const at::Tensor& x);

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
