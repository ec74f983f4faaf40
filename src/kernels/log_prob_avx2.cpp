// Fused log_prob kernels (AVX2 + FMA; in double, Sleef's vectorized log,
// exp and lgamma; in float, the kernels' own log and exp, within 1 ulp like
// Sleef's and two to three times as fast (fast_math_avx2.h), and lgamma,
// within 3 ulp and four times as fast (fast_lgamma_avx2.h)).
// Each formula mirrors the ATen reference in the family's source file,
// including its edge cases (0 log 0 = 0, where-masks), so the two paths
// agree to rounding; tests/kernels compares them.

#include <array>
#include <cmath>
#include <limits>
#include <type_traits>

#include "../core/math_constants.h"
#include "fast_lgamma_avx2.h"
#include "fast_math_avx2.h"
#include "fast_math_double_avx2.h"
#include "raw_kernels.h"
#include "vectorized_loop.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

using avx2::dispatch;
using avx2::elementwise_loop;
using avx2::Vec;
using avx2::zero_where;
using detail::kHalfLog2Pi;

Vec<float> log_of(const Vec<float>& x) { return avx2::fast_log(x); }
Vec<double> log_of(const Vec<double>& x) { return x.log(); }
Vec<float> exp_of(const Vec<float>& x) { return avx2::fast_exp(x); }
Vec<double> exp_of(const Vec<double>& x) { return x.exp(); }
Vec<float> lgamma_of(const Vec<float>& x) { return avx2::fast_lgamma(x); }
Vec<double> lgamma_of(const Vec<double>& x) { return x.lgamma(); }

// log(1 + e^l) = max(l, 0) + log1p(e^-|l|).
Vec<float> softplus_of(const Vec<float>& l) { return avx2::fast_softplus(l); }
Vec<double> softplus_of(const Vec<double>& l) {
  return at::vec::maximum(l, Vec<double>(0.0)) + l.abs().neg().exp().log1p();
}

// -(x - loc)^2 / (2 scale^2) - log(scale) - log(sqrt(2 pi))
template <typename T>
struct NormalForward {
  static void run(const ElementwisePlan& plan, void* out) {
    const Vec<T> half(T(0.5)), c(static_cast<T>(kHalfLog2Pi));
    elementwise_loop<T, T, 3, 1>(plan, {static_cast<T*>(out)}, [&](const std::array<Vec<T>, 3>& a) {
      const Vec<T> z = (a[0] - a[1]) / a[2];
      return std::array<Vec<T>, 1>{(half * z * z + log_of(a[2]) + c).neg()};
    });
  }
};

// d/dx = -z / s, d/dloc = z / s, d/ds = (z^2 - 1) / s, z = (x - loc) / s.
template <typename T>
struct NormalBackward {
  static void run(const ElementwisePlan& plan, void* const* grads) {
    const Vec<T> one(T(1));
    elementwise_loop<T, T, 4, 3>(
        plan, {static_cast<T*>(grads[0]), static_cast<T*>(grads[1]), static_cast<T*>(grads[2])},
        [&](const std::array<Vec<T>, 4>& a) {
          // Each factor divided by s before the product with g: 1 / s
          // overflows for subnormal s, and 0 * inf would be NaN at x = loc.
          const Vec<T>& g = a[0];
          const Vec<T>& s = a[3];
          const Vec<T> z = (a[1] - a[2]) / s;
          const Vec<T> gz = g * (z / s);
          return std::array<Vec<T>, 3>{gz.neg(), gz, g * ((z * z - one) / s)};
        });
  }
};

// value * logits - logaddexp(logits, 0), with logaddexp(l, 0) =
// max(l, 0) + log1p(exp(-|l|)) as ATen computes it.
template <typename T>
struct BernoulliForward {
  static void run(const ElementwisePlan& plan, void* out) {
    const Vec<T> zero(T(0));
    elementwise_loop<T, T, 2, 1>(plan, {static_cast<T*>(out)}, [&](const std::array<Vec<T>, 2>& a) {
      const Vec<T>& l = a[1];
      const Vec<T> softplus = softplus_of(l);
      return std::array<Vec<T>, 1>{a[0] * l - softplus};
    });
  }
};

// d/dvalue = logits, d/dlogits = value - sigmoid(logits).
template <typename T>
struct BernoulliBackward {
  static void run(const ElementwisePlan& plan, void* const* grads) {
    const Vec<T> one(T(1));
    elementwise_loop<T, T, 3, 2>(plan, {static_cast<T*>(grads[0]), static_cast<T*>(grads[1])},
                                 [&](const std::array<Vec<T>, 3>& a) {
                                   const Vec<T> sigmoid = one / (one + exp_of(a[2].neg()));
                                   return std::array<Vec<T>, 2>{a[0] * a[2], a[0] * (a[1] - sigmoid)};
                                 });
  }
};

// ATen's xlogy: NaN if y is NaN, else 0 where x == 0, else x log(y).
template <typename T>
Vec<T> xlogy(const Vec<T>& x, const Vec<T>& y) {
  const Vec<T> product = zero_where(x == Vec<T>(T(0)), x * log_of(y));
  return Vec<T>::blendv(product, y, y.isnan());
}

// d/dx xlogy(x, y) as ATen's backward: log(y), except 0 where x == 0 and
// y <= 0 (where log y is -inf or NaN). At x == 0 with y > 0 the derivative is
// log(y) like anywhere else: Gamma's d/dc at c = 1 needs the log x term.
template <typename T>
Vec<T> xlogy_grad_x(const Vec<T>& x, const Vec<T>& y) {
  const Vec<T> zero(T(0));
  return zero_where((x == zero) & (y <= zero), log_of(y));
}

// xlogy(c, r) + xlogy(c - 1, x) - r x - lgamma(c)
template <typename T>
struct GammaForward {
  static void run(const ElementwisePlan& plan, void* out) {
    const Vec<T> one(T(1));
    elementwise_loop<T, T, 3, 1>(plan, {static_cast<T*>(out)}, [&](const std::array<Vec<T>, 3>& a) {
      const Vec<T>&x = a[0], &c = a[1], &r = a[2];
      return std::array<Vec<T>, 1>{xlogy(c, r) + xlogy(c - one, x) - r * x - lgamma_of(c)};
    });
  }
};

// d/dx = (c - 1) / x - r, d/dc = log r + log x - digamma(c) (each log term
// as ATen's xlogy backward), d/dr = c / r - x.
template <typename T>
struct GammaBackward {
  static void run(const ElementwisePlan& plan, void* const* grads) {
    const Vec<T> one(T(1));
    elementwise_loop<T, T, 5, 3>(
        plan, {static_cast<T*>(grads[0]), static_cast<T*>(grads[1]), static_cast<T*>(grads[2])},
        [&](const std::array<Vec<T>, 5>& a) {
          const Vec<T>&g = a[0], &x = a[1], &c = a[2], &r = a[3], &digamma_c = a[4];
          const Vec<T> cm1 = c - one;
          const Vec<T> dc = xlogy_grad_x(c, r) + xlogy_grad_x(cm1, x) - digamma_c;
          return std::array<Vec<T>, 3>{g * (cm1 / x - r), g * dc, g * (c / r - x)};
        });
  }
};

// log(k!) for k = 0 .. kLogFactorials - 1, rounded from double: counts are
// mostly small, and a table read replaces lgamma, the slowest call here.
constexpr int kLogFactorials = 256;

template <typename T>
const T* log_factorials() {
  static const std::array<T, kLogFactorials> table = [] {
    std::array<T, kLogFactorials> t{};
    for (int k = 0; k < kLogFactorials; ++k) t[k] = static_cast<T>(std::lgamma(k + 1.0));
    return t;
  }();
  return table.data();
}

// lgamma(k + 1) from the table when every lane holds an integer in
// [0, kLogFactorials); false (and `out` untouched) otherwise.
bool log_factorial_from_table(const Vec<float>& k, Vec<float>& out) {
  const __m256 kv = k;
  const __m256 in_range = _mm256_and_ps(_mm256_cmp_ps(kv, _mm256_setzero_ps(), _CMP_GE_OQ),
                                        _mm256_cmp_ps(kv, _mm256_set1_ps(kLogFactorials), _CMP_LT_OQ));
  const __m256 ok = _mm256_and_ps(in_range, _mm256_cmp_ps(kv, _mm256_floor_ps(kv), _CMP_EQ_OQ));
  if (_mm256_movemask_ps(ok) != 0xFF) return false;
  // The masked form, with every lane on, has a defined source operand
  // (GCC warns about the plain form's).
  out = _mm256_mask_i32gather_ps(_mm256_setzero_ps(), log_factorials<float>(), _mm256_cvttps_epi32(kv), ok,
                                 sizeof(float));
  return true;
}

bool log_factorial_from_table(const Vec<double>& k, Vec<double>& out) {
  const __m256d kv = k;
  const __m256d in_range = _mm256_and_pd(_mm256_cmp_pd(kv, _mm256_setzero_pd(), _CMP_GE_OQ),
                                         _mm256_cmp_pd(kv, _mm256_set1_pd(kLogFactorials), _CMP_LT_OQ));
  const __m256d ok = _mm256_and_pd(in_range, _mm256_cmp_pd(kv, _mm256_floor_pd(kv), _CMP_EQ_OQ));
  if (_mm256_movemask_pd(ok) != 0xF) return false;
  out = _mm256_mask_i32gather_pd(_mm256_setzero_pd(), log_factorials<double>(), _mm256_cvttpd_epi32(kv), ok,
                                 sizeof(double));
  return true;
}

// k log(rate) (0 where k = 0) - rate - lgamma(k + 1)
template <typename T>
struct PoissonForward {
  static void run(const ElementwisePlan& plan, void* out) {
    const Vec<T> zero(T(0)), one(T(1));
    elementwise_loop<T, T, 2, 1>(plan, {static_cast<T*>(out)}, [&](const std::array<Vec<T>, 2>& a) {
      const Vec<T>&k = a[0], &r = a[1];
      Vec<T> log_factorial;
      if (!log_factorial_from_table(k, log_factorial)) log_factorial = lgamma_of(k + one);
      return std::array<Vec<T>, 1>{zero_where(k == zero, k * log_of(r)) - r - log_factorial};
    });
  }
};

// d/drate = k / rate (0 where k = 0) - 1
template <typename T>
struct PoissonBackward {
  static void run(const ElementwisePlan& plan, void* const* grads) {
    const Vec<T> zero(T(0)), one(T(1));
    elementwise_loop<T, T, 3, 1>(plan, {static_cast<T*>(grads[0])}, [&](const std::array<Vec<T>, 3>& a) {
      const Vec<T>&g = a[0], &k = a[1], &r = a[2];
      return std::array<Vec<T>, 1>{g * (zero_where(k == zero, k / r) - one)};
    });
  }
};

// In double whatever the storage (as the reference): (a - 1) log x +
// (b - 1) log1p(-x) - log B(a, b), where on an end the vanishing log is 0
// and the limit (-inf, 0 or +inf by the sign of the exponent) is added. For
// float storage the logs and log B are the kernels' (fast_math_double_avx2.h;
// Sleef's three lgammas and two logs were nearly all of the time), on
// vectors whose x all lie in [0, 1]; an x outside (unvalidated input) takes
// Sleef's path, whose logs give the reference's NaN.
template <typename T>
struct BetaForward {
  static void run(const ElementwisePlan& plan, void* out) {
    using D = Vec<double>;
    const D zero(0.0), one(1.0), inf(std::numeric_limits<double>::infinity());
    elementwise_loop<double, T, 3, 1>(plan, {static_cast<T*>(out)}, [&](const std::array<D, 3>& v) {
      const D &x = v[0], &a = v[1], &b = v[2];
      const D am1 = a - one, bm1 = b - one;
      const D at0 = x == zero, at1 = x == one;
      const D x_or_1 = D::blendv(x, one, at0), x_or_0 = D::blendv(x, zero, at1);
      const D exponent = D::blendv(D::blendv(zero, bm1, at1), am1, at0);
      const D boundary = D::blendv(D::blendv(zero, inf, exponent < zero), inf.neg(), exponent > zero);
      if constexpr (std::is_same<T, float>::value) {
        const D in_unit = (x >= zero) & (x <= one);
        if (_mm256_movemask_pd(in_unit) == 0xF) {
          // Beta(1, 1) is the uniform density, 0 exactly (log B(1, 1) = 0).
          const D uniform = (a == one) & (b == one);
          const D lbeta = D(_mm256_andnot_pd(uniform, avx2::fast_lbeta(a, b)));
          const D interior = am1 * D(avx2::fast_log_positive_normal(x_or_1)) +
                             bm1 * D(avx2::fast_log1p_of_negated(x_or_0));
          return std::array<D, 1>{interior + boundary - lbeta};
        }
      }
      const D interior = am1 * x_or_1.log() + bm1 * x_or_0.neg().log1p();
      return std::array<D, 1>{interior + boundary + (a + b).lgamma() - a.lgamma() - b.lgamma()};
    });
  }
};

}  // namespace

void normal_log_prob_kernel(const ElementwisePlan& plan, void* out) { dispatch<NormalForward>(plan, out); }
void normal_log_prob_backward_kernel(const ElementwisePlan& plan, void* const* grads) {
  dispatch<NormalBackward>(plan, grads);
}
void bernoulli_log_prob_kernel(const ElementwisePlan& plan, void* out) { dispatch<BernoulliForward>(plan, out); }
void bernoulli_log_prob_backward_kernel(const ElementwisePlan& plan, void* const* grads) {
  dispatch<BernoulliBackward>(plan, grads);
}
void gamma_log_prob_kernel(const ElementwisePlan& plan, void* out) { dispatch<GammaForward>(plan, out); }
void gamma_log_prob_backward_kernel(const ElementwisePlan& plan, void* const* grads) {
  dispatch<GammaBackward>(plan, grads);
}
void poisson_log_prob_kernel(const ElementwisePlan& plan, void* out) { dispatch<PoissonForward>(plan, out); }
void poisson_log_prob_backward_kernel(const ElementwisePlan& plan, void* const* grads) {
  dispatch<PoissonBackward>(plan, grads);
}
void beta_log_prob_kernel(const ElementwisePlan& plan, void* out) { dispatch<BetaForward>(plan, out); }

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
