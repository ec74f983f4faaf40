// The kernels' vectorized math functions over arrays (raw_kernels.h), for
// their accuracy tests; the kernels themselves inline the functions.

#include <immintrin.h>

#include <algorithm>

#include "fast_lgamma_avx2.h"
#include "fast_math_avx2.h"
#include "fast_math_double_avx2.h"
#include "raw_kernels.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

// F over x[0, n): whole vectors, then the tail padded with 1 (in every
// function's fast range).
template <typename V, typename T, V (*F)(V), V (*Load)(const T*), void (*Store)(T*, V)>
void apply(const T* x, T* out, int64_t n) {
  constexpr int64_t kWidth = sizeof(V) / sizeof(T);
  int64_t i = 0;
  for (; i + kWidth <= n; i += kWidth) Store(out + i, F(Load(x + i)));
  if (i < n) {
    T buffer[kWidth];
    std::fill(buffer, buffer + kWidth, T(1));
    std::copy(x + i, x + n, buffer);
    Store(buffer, F(Load(buffer)));
    std::copy(buffer, buffer + (n - i), out + i);
  }
}

__m256 load(const float* p) { return _mm256_loadu_ps(p); }
__m256d load(const double* p) { return _mm256_loadu_pd(p); }
void store(float* p, __m256 v) { _mm256_storeu_ps(p, v); }
void store(double* p, __m256d v) { _mm256_storeu_pd(p, v); }

template <__m256 (*F)(__m256)>
void apply_float(const float* x, float* out, int64_t n) {
  apply<__m256, float, F, load, store>(x, out, n);
}

}  // namespace

void fast_log_kernel(const float* x, float* out, int64_t n) { apply_float<avx2::fast_log>(x, out, n); }
void fast_log1p_kernel(const float* x, float* out, int64_t n) { apply_float<avx2::fast_log1p>(x, out, n); }
void fast_exp_kernel(const float* x, float* out, int64_t n) { apply_float<avx2::fast_exp>(x, out, n); }
void fast_softplus_kernel(const float* x, float* out, int64_t n) { apply_float<avx2::fast_softplus>(x, out, n); }
void fast_lgamma_kernel(const float* x, float* out, int64_t n) { apply_float<avx2::fast_lgamma>(x, out, n); }
void fast_lgamma_kernel(const double* x, double* out, int64_t n) {
  apply<__m256d, double, avx2::fast_lgamma, load, store>(x, out, n);
}
void fast_log_kernel(const double* x, double* out, int64_t n) {
  apply<__m256d, double, avx2::fast_log_positive_normal, load, store>(x, out, n);
}
void fast_log1p_of_negated_kernel(const double* x, double* out, int64_t n) {
  // The tail's padding of 1 is outside [0, 1); its lanes are discarded.
  apply<__m256d, double, avx2::fast_log1p_of_negated, load, store>(x, out, n);
}
void fast_lbeta_kernel(const double* a, const double* b, double* out, int64_t n) {
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(out + i, avx2::fast_lbeta(_mm256_loadu_pd(a + i), _mm256_loadu_pd(b + i)));
  for (; i < n; ++i) {  // the tail one at a time, in lane 0 beside ones
    double lane[4];
    _mm256_storeu_pd(lane, avx2::fast_lbeta(_mm256_setr_pd(a[i], 1, 1, 1), _mm256_setr_pd(b[i], 1, 1, 1)));
    out[i] = lane[0];
  }
}

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
