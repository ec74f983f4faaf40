// Fused KL kernels (AVX2 + FMA). Each mirrors its ATen rule in src/kl,
// including the cancellation-free forms, so the two paths agree to rounding.

#include <limits>

#include "fast_math_avx2.h"
#include "raw_kernels.h"
#include "vectorized_loop.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

using avx2::dispatch;
using avx2::elementwise_loop;
using avx2::Vec;

// log1p by the kernels' float log (fast_math_avx2.h), Sleef's in double.
Vec<float> log1p_of(const Vec<float>& y) { return avx2::fast_log1p(y); }
Vec<double> log1p_of(const Vec<double>& y) { return y.log1p(); }

// e^x - 1 - x given x and e^x - 1: the Taylor series x^2 (1/2! + x/3! +
// ... + x^8/10!) for |x| < 0.1, (e^x - 1) - x elsewhere, as expm1_minus_x
// in src/kl (which computes e^x - 1 by expm1).
template <typename T>
Vec<T> expm1_minus_x(const Vec<T>& x, const Vec<T>& expm1_x) {
  const Vec<T> small = x.abs() < Vec<T>(T(0.1));
  const Vec<T> xs = Vec<T>::blendv(Vec<T>(T(0)), x, small);
  double factorial = 362880.0;  // 9!
  Vec<T> poly = at::vec::fmadd(xs, Vec<T>(static_cast<T>(1.0 / (10 * factorial))),
                               Vec<T>(static_cast<T>(1.0 / factorial)));
  for (int k = 8; k >= 2; --k) {
    factorial /= (k + 1);
    poly = at::vec::fmadd(poly, xs, Vec<T>(static_cast<T>(1.0 / factorial)));
  }
  return Vec<T>::blendv(expm1_x - x, xs * xs * poly, small);
}

// With d = (s_p - s_q) / s_q, x = 2 log(s_p / s_q) = 2 log1p(d) and
// z = (m_p - m_q) / s_q: KL = (e^x - 1 - x + z^2) / 2, where
// e^x - 1 = (s_p / s_q)^2 - 1 = d (2 + d) needs no expm1 (the slowest call
// here) and is as accurate.
template <typename T>
struct NormalNormalForward {
  static void run(const ElementwisePlan& plan, void* out) {
    const Vec<T> half(T(0.5)), two(T(2)), infinity(std::numeric_limits<T>::infinity());
    constexpr int all_lanes = (1 << Vec<T>::size()) - 1;
    elementwise_loop<T, T, 4, 1>(plan, {static_cast<T*>(out)}, [&](const std::array<Vec<T>, 4>& a) {
      const Vec<T>&m_p = a[0], &s_p = a[1], &m_q = a[2], &s_q = a[3];
      const Vec<T> inv_s_q = Vec<T>(T(1)) / s_q;
      Vec<T> d = (s_p - s_q) * inv_s_q;
      Vec<T> z = (m_p - m_q) * inv_s_q;
      // 1 / s_q overflows where s_q is subnormal: divide there, or p = q
      // would give 0 * inf = NaN instead of 0.
      if ((inv_s_q.abs() == infinity).zero_mask() != all_lanes) {
        d = (s_p - s_q) / s_q;
        z = (m_p - m_q) / s_q;
      }
      Vec<T> x = two * log1p_of(d);
      // Outside s_q / 2 <= s_p <= 2 s_q, x = 2 (log s_p - log s_q), as
      // log_ratio in src/kl: s_p << s_q rounds d to -1 (x = -inf), and
      // Sleef's log1p is inf above 1e307.
      const Vec<T> far = (d < Vec<T>(T(-0.5))) | (d > Vec<T>(T(1)));
      if (far.zero_mask() != all_lanes) x = Vec<T>::blendv(x, two * (s_p.log() - s_q.log()), far);
      const Vec<T> em1 = d * (two + d);
      // Where (s_p / s_q)^2 overflows, so does the divergence (and x may be
      // inf too: Sleef's log1p is inf above 1e307, and inf - inf is NaN).
      const Vec<T> kl = half * (expm1_minus_x(x, em1) + z * z);
      return std::array<Vec<T>, 1>{Vec<T>::blendv(kl, em1, em1 == infinity)};
    });
  }
};

// d/dm_p = z / s_q = -d/dm_q, d/ds_p = (e^x - 1) / s_p,
// d/ds_q = -(e^x - 1 + z^2) / s_q, with e^x - 1 = d (2 + d).
template <typename T>
struct NormalNormalBackward {
  static void run(const ElementwisePlan& plan, void* const* grads) {
    const Vec<T> two(T(2));
    elementwise_loop<T, T, 5, 4>(
        plan,
        {static_cast<T*>(grads[0]), static_cast<T*>(grads[1]), static_cast<T*>(grads[2]),
         static_cast<T*>(grads[3])},
        [&](const std::array<Vec<T>, 5>& a) {
          const Vec<T>&g = a[0], &m_p = a[1], &s_p = a[2], &m_q = a[3], &s_q = a[4];
          const Vec<T> d = (s_p - s_q) / s_q;
          const Vec<T> em1 = d * (two + d);
          // Divided by s_q before the product with g: 1 / s_q overflows
          // for subnormal s_q, and 0 * inf would be NaN where p = q.
          const Vec<T> z = (m_p - m_q) / s_q;
          const Vec<T> dz = g * (z / s_q);
          return std::array<Vec<T>, 4>{dz, g * em1 / s_p, dz.neg(), (g * ((em1 + z * z) / s_q)).neg()};
        });
  }
};

}  // namespace

void normal_normal_kl_kernel(const ElementwisePlan& plan, void* out) { dispatch<NormalNormalForward>(plan, out); }
void normal_normal_kl_backward_kernel(const ElementwisePlan& plan, void* const* grads) {
  dispatch<NormalNormalBackward>(plan, grads);
}

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
