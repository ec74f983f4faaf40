#pragma once
// Internal, for the AVX2 kernel files: log and exp of eight floats in fewer
// instructions than Sleef's (which ATen's Vectorized<float> calls), within
// 1 ulp like Sleef's (tests/kernels/test_samplers.cpp measures both: log over
// every float in [0.5, 2) and a sample of the whole range, exp over a dense
// grid of its range). Lanes outside the common range (subnormal, zero,
// negative, infinite or NaN for log; results that overflow or are subnormal
// for exp) take a slower exact path, chosen by one branch per vector.
//
// log:
// x = m 2^e with m in [sqrt(1/2), sqrt(2)), so log x = e log 2 + log1p(f),
// f = m - 1 (exact), and log1p(f) = f - f^2 / 2 + f^3 P(f) with P a
// degree-7 polynomial fitted to relative error 6e-9 (well below float's
// 6e-8) on that interval. log 2 is split so that e * kLn2Hi is exact.

#include <ATen/cpu/vec/vec.h>
#include <immintrin.h>

#if !defined(CPU_CAPABILITY_AVX2)
#error "fast_math_avx2.h is for the AVX2 kernel files"
#endif

namespace torchdist {
namespace detail {
namespace kernels {
namespace avx2 {

// log 2 = kLn2Hi + kLn2Lo, kLn2Hi with 9 significant bits, so that n * kLn2Hi
// is exact for every exponent n a float has.
constexpr float kLn2Hi = 0.693359375f;     // 355 / 512
constexpr float kLn2Lo = -2.12194440e-4f;  // log(2) - kLn2Hi

/// log(x) for positive, finite, normal x (no checks: the callers' inputs
/// are in range by construction, e.g. uniforms in (0, 1]).
inline __m256 fast_log_positive_normal(__m256 x) {
  constexpr int32_t kSqrtHalfBits = 0x3f3504f3;  // bits of sqrt(1/2)
  const __m256i bits = _mm256_castps_si256(x);
  // Exponent relative to sqrt(1/2): mantissas at or above it keep e, those
  // below borrow one (m doubles into [1, sqrt 2)).
  const __m256i e = _mm256_srai_epi32(_mm256_sub_epi32(bits, _mm256_set1_epi32(kSqrtHalfBits)), 23);
  const __m256 m = _mm256_castsi256_ps(_mm256_sub_epi32(bits, _mm256_slli_epi32(e, 23)));
  const __m256 f = _mm256_sub_ps(m, _mm256_set1_ps(1.0f));
  const __m256 ef = _mm256_cvtepi32_ps(e);
  __m256 p = _mm256_set1_ps(-0.07634493f);
  p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(0.12761576f));
  p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(-0.13160183f));
  p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(0.14201758f));
  p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(-0.16623357f));
  p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(0.20001227f));
  p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(-0.25000821f));
  p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(0.33333332f));
  const __m256 f2 = _mm256_mul_ps(f, f);
  __m256 tail = _mm256_fmadd_ps(_mm256_mul_ps(f2, f), p, _mm256_mul_ps(ef, _mm256_set1_ps(kLn2Lo)));
  tail = _mm256_fnmadd_ps(_mm256_set1_ps(0.5f), f2, tail);
  return _mm256_fmadd_ps(ef, _mm256_set1_ps(kLn2Hi), _mm256_add_ps(f, tail));
}

/// log(x) for every float, the rarely taken lanes included: as std::log
/// for 0 (-inf), negatives (NaN), +inf, NaN and subnormals (scaled by 2^23
/// first).
inline __m256 fast_log_any(__m256 x) {
  const __m256 subnormal = _mm256_cmp_ps(x, _mm256_set1_ps(0x1.0p-126f), _CMP_LT_OQ);
  const __m256 scaled = _mm256_blendv_ps(x, _mm256_mul_ps(x, _mm256_set1_ps(0x1.0p23f)), subnormal);
  __m256 r = fast_log_positive_normal(scaled);
  // log(x 2^23) - 23 log 2 for subnormals (log 2 split as above).
  const __m256 shift = _mm256_and_ps(subnormal, _mm256_set1_ps(23.0f));
  r = _mm256_fnmadd_ps(shift, _mm256_set1_ps(kLn2Lo), r);
  r = _mm256_fnmadd_ps(shift, _mm256_set1_ps(kLn2Hi), r);
  const __m256 zero = _mm256_setzero_ps();
  const __m256 inf = _mm256_set1_ps(__builtin_inff());
  // +inf and NaN return themselves; 0 gives -inf; negatives give NaN.
  r = _mm256_blendv_ps(r, x, _mm256_or_ps(_mm256_cmp_ps(x, inf, _CMP_EQ_OQ), _mm256_cmp_ps(x, x, _CMP_UNORD_Q)));
  r = _mm256_blendv_ps(r, _mm256_sub_ps(zero, inf), _mm256_cmp_ps(x, zero, _CMP_EQ_OQ));
  return _mm256_blendv_ps(r, _mm256_set1_ps(__builtin_nanf("")), _mm256_cmp_ps(x, zero, _CMP_LT_OQ));
}

/// log(x) for every float; the special cases cost a branch unless present.
inline __m256 fast_log(__m256 x) {
  // Lanes below the smallest normal, NaN (unordered) or +inf.
  const __m256 special = _mm256_or_ps(_mm256_cmp_ps(x, _mm256_set1_ps(0x1.0p-126f), _CMP_NGE_UQ),
                                      _mm256_cmp_ps(x, _mm256_set1_ps(__builtin_inff()), _CMP_EQ_OQ));
  if (_mm256_movemask_ps(special) == 0) return fast_log_positive_normal(x);
  return fast_log_any(x);
}

/// log1p(y) for every float. Below |y| = 2^-7 its series y - y^2/2 + y^3/3
/// - y^4/4 (the next term is 2^-30 of the sum); above, log(1 + y) plus the
/// rounding error of 1 + y relative to it, (y - ((1 + y) - 1)) / (1 + y).
/// That correction is at most 2^-17 of the result there, so the
/// approximate reciprocal (12 bits) serves. Where 1 + y is 0 or +inf the log
/// alone is the answer (-inf, +inf).
inline __m256 fast_log1p(__m256 y) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 u = _mm256_add_ps(y, one);
  const __m256 correction = _mm256_mul_ps(_mm256_sub_ps(y, _mm256_sub_ps(u, one)), _mm256_rcp_ps(u));
  const __m256 end = _mm256_or_ps(_mm256_cmp_ps(u, _mm256_setzero_ps(), _CMP_EQ_OQ),
                                  _mm256_cmp_ps(u, _mm256_set1_ps(__builtin_inff()), _CMP_EQ_OQ));
  const __m256 from_log = _mm256_add_ps(fast_log(u), _mm256_andnot_ps(end, correction));
  __m256 p = _mm256_fmadd_ps(y, _mm256_set1_ps(-0.25f), _mm256_set1_ps(1.0f / 3));
  p = _mm256_fmadd_ps(p, y, _mm256_set1_ps(-0.5f));
  const __m256 series = _mm256_fmadd_ps(p, _mm256_mul_ps(y, y), y);
  const __m256 abs_y = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), y);
  return _mm256_blendv_ps(from_log, series, _mm256_cmp_ps(abs_y, _mm256_set1_ps(0x1.0p-7f), _CMP_LT_OQ));
}

// exp: x = n log 2 + r with n = round(x / log 2), |r| <= log(2) / 2, so
// exp x = 2^n e^r, and e^r = 1 + r + r^2 Q(r) with Q a degree-4 polynomial
// fitted to relative error 3e-9 on that interval. 2^n is added to the
// exponent bits, which needs 2^n e^r normal: x in [kExpMin, kExpMax].
constexpr float kExpMin = -87.0f;  // n >= -126 with e^r >= 1 there
constexpr float kExpMax = 88.0f;   // 2^127 * sqrt(2) < FLT_MAX

/// exp(x) for x in [kExpMin, kExpMax] (no checks).
inline __m256 fast_exp_in_range(__m256 x) {
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Hi), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Lo), r);
  __m256 q = _mm256_set1_ps(0.0013814613f);
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(0.0083687101f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(0.041668389f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(0.16666521f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(0.49999994f));
  const __m256 p = _mm256_add_ps(_mm256_fmadd_ps(_mm256_mul_ps(r, r), q, r), _mm256_set1_ps(1.0f));
  const __m256i scale = _mm256_slli_epi32(_mm256_cvtps_epi32(n), 23);
  return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(p), scale));
}

/// exp(x) for every float; lanes outside [kExpMin, kExpMax] or NaN go to
/// Sleef's exp for the whole vector.
inline __m256 fast_exp(__m256 x) {
  const __m256 outside = _mm256_or_ps(_mm256_cmp_ps(x, _mm256_set1_ps(kExpMin), _CMP_NGE_UQ),
                                      _mm256_cmp_ps(x, _mm256_set1_ps(kExpMax), _CMP_GT_OQ));
  if (_mm256_movemask_ps(outside) == 0) return fast_exp_in_range(x);
  return at::vec::Vectorized<float>(x).exp();
}

/// softplus(l) = log(1 + e^l) for every float, as max(l, 0) + log1p(e) with
/// e = e^-|l| in [0, 1]. That log1p is 2 atanh(s) = s P(s^2) with s = e /
/// (2 + e) in [0, 1/3] and P a degree-4 fit of 2 atanh(s) / s on [0, 1/9]
/// (relative error 8e-9 in float coefficients): no log and no range
/// reduction, 0.6 of the time of fast_log1p(fast_exp(-|l|)), and
/// relatively accurate where the result is tiny (l far below 0). 2.4 ulp
/// worst measured (tests/kernels/test_fast_math.cpp).
inline __m256 fast_softplus(__m256 l) {
  const __m256 minus_abs_l = _mm256_or_ps(l, _mm256_set1_ps(-0.0f));
  const __m256 e = fast_exp(minus_abs_l);
  // s = e / d with d = 2 + e rounded; d's rounding error, (2 - d) + e
  // (exact), would cost a full ulp, so s is corrected by it to first order.
  const __m256 two = _mm256_set1_ps(2.0f);
  const __m256 d = _mm256_add_ps(two, e);
  const __m256 d_error = _mm256_add_ps(_mm256_sub_ps(two, d), e);
  const __m256 q = _mm256_div_ps(e, d);
  const __m256 s = _mm256_fnmadd_ps(q, _mm256_mul_ps(d_error, _mm256_rcp_ps(d)), q);
  const __m256 z = _mm256_mul_ps(s, s);
  __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(0.28178328f), z, _mm256_set1_ps(0.27960604f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(0.40024910f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(0.66666315f));
  // s P(z) = 2 s + s z p, the exact 2 s added last.
  const __m256 log1p_e = _mm256_fmadd_ps(_mm256_mul_ps(s, z), p, _mm256_add_ps(s, s));
  // max(0, l) returns its second operand for a NaN l: NaN in, NaN out.
  return _mm256_add_ps(_mm256_max_ps(_mm256_setzero_ps(), l), log1p_e);
}

}  // namespace avx2
}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
