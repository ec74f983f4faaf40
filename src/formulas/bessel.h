#pragma once
// Internal: the exponentially scaled modified Bessel functions of the first
// kind, i0e(x) = exp(-|x|) I0(x) and i1e(x) = exp(-|x|) I1(x), written once
// in the formula language (number.h) for the scalar and vector backends;
// the tensor backend takes ATen's special_i0e and special_i1e, the
// reference they are tested against. Each is a Chebyshev series on two
// ranges of |x|, evaluated by Clenshaw's recurrence:
//
//   [0, 8]:   t = |x| / 4 - 1,  i0e = A0(t),             i1e = x A1(t)
//   (8, inf]: t = 16 / |x| - 1, i0e = B0(t) / sqrt(|x|),  i1e = sign(x) B1(t) / sqrt(|x|)
//
// The coefficients come from scripts/gen_bessel_chebyshev.py (mpmath at 50
// digits); float takes the leading terms that reach float precision.

#include <cstddef>

#include "number.h"

namespace torchdist {
namespace formulas {
namespace bessel {

// A0: 31 terms in double, the first 19 in float.
constexpr double kA0[31] = {
    3.3839763720473804e-1, -3.046826723431984e-1, 1.7162090152220878e-1,
    -9.4901097048047644e-2, 4.9305284239670708e-2, -2.3737414805899469e-2,
    1.0546460394594998e-2, -4.3243099950505759e-3, 1.6394756169413358e-3,
    -5.7637557453858237e-4, 1.8850288509584166e-4, -5.7541950100821037e-5,
    1.6448448070728897e-5, -4.4167383584587506e-6, 1.1173875391201037e-6,
    -2.6707938539406117e-7, 6.0469950225419189e-8, -1.300025009986248e-8,
    2.6598237246823867e-9, -5.1897956016352629e-10, 9.6758090353732369e-11,
    -1.7268262914415557e-11, 2.9550526631296398e-12, -4.8564467831119295e-13,
    7.6761854986049356e-14, -1.1685332877993452e-14, 1.715391285555133e-15,
    -2.4312798465479547e-16, 3.3307945188222381e-17, -4.4153416464793394e-18,
    5.6691780069214962e-19,
};
constexpr int kA0Single = 19;
// A1: 30 terms in double, the first 19 in float.
constexpr double kA1[30] = {
    1.2629359322181683e-1, -1.7641651835783406e-1, 1.026436586898471e-1,
    -5.2945981208094991e-2, 2.4726449030626517e-2, -1.0564084894626198e-2,
    4.1564229443128882e-3, -1.5135724506312531e-3, 5.1228595616857577e-4,
    -1.6176081582589675e-4, 4.7815651075500542e-5, -1.3273163656039436e-5,
    3.4702513081376785e-6, -8.5687202646954547e-7, 2.0032947535521353e-7,
    -4.4450591287963281e-8, 9.3815373864957718e-9, -1.8872497517228293e-9,
    3.625590281552117e-10, -6.6634897235020277e-11, 1.1736186298890902e-11,
    -1.9839743977649437e-12, 3.2237933659455747e-13, -5.0421855047279117e-14,
    7.6006842947354069e-15, -1.1055969477353863e-15, 1.5536319577362005e-16,
    -2.1114212143581661e-17, 2.7779141127610464e-18, -3.5415817725421362e-19,
};
constexpr int kA1Single = 19;
// B0: 27 terms in double, the first 7 in float.
constexpr double kB0[27] = {
    4.0224520550705442e-1, 3.3691164782556941e-3, 6.889758346916824e-5,
    2.8913705208347565e-6, 2.0489185894690637e-7, 2.2666689904981781e-8,
    3.3962320257083863e-9, 4.9406023882249696e-10, 1.1889147107846438e-11,
    -3.1499165279632414e-11, -1.3215811840447713e-11, -1.7941785315068061e-12,
    7.1801244513836662e-13, 3.8527783827421427e-13, 1.5400862175214098e-14,
    -4.1505693472872221e-14, -9.5548466988283076e-15, 3.8116806693526224e-15,
    1.7725601330565264e-15, -3.4254856196772191e-16, -2.8276239805165835e-16,
    3.4612228676974611e-17, 4.46562142029676e-17, -4.8305044859441821e-18,
    -7.233180487874754e-18, 9.9214754121736986e-19, 1.1936508908459821e-18,
};
constexpr int kB0Single = 7;
// B1: 27 terms in double, the first 7 in float.
constexpr double kB1[27] = {
    3.8928811750914006e-1, -9.7610974913614684e-3, -1.1058893876262372e-4,
    -3.8825648088776904e-6, -2.5122362378702089e-7, -2.6314688468895195e-8,
    -3.835380385964237e-9, -5.5897434621965838e-10, -1.8974958123505412e-11,
    3.2526035830154882e-11, 1.4125807436613781e-11, 2.0356285441470895e-12,
    -7.1985517762459085e-13, -4.0835511110921973e-13, -2.1015418427726643e-14,
    4.2724400167119514e-14, 1.0420276984128803e-14, -3.8144030724370078e-15,
    -1.8803547755107824e-15, 3.3082023109209283e-16, 2.9626289976459501e-16,
    -3.209525921993424e-17, -4.6503053684893583e-17, 4.4143483230717079e-18,
    7.5172963108421048e-18, -9.3141788673268834e-19, -1.242193275194891e-18,
};
constexpr int kB1Single = 7;

/// sum_k c[k] T_k(t) for k < n, by Clenshaw's recurrence.
template <class N>
N chebyshev(const N& t, const double* c, int n) {
  const N two_t = t + t;
  N b1 = t.constant(0.0), b2 = t.constant(0.0);
  for (int k = n - 1; k >= 1; --k) {
    const N b0 = two_t * b1 - b2 + c[k];
    b2 = b1;
    b1 = b0;
  }
  return t * b1 - b2 + c[0];
}

/// The series of i0e (A = A0, B = B0) or of i1e (A1, B1, `odd`) at x: A
/// on [0, 8], B / sqrt(|x|) above, each cut at its float length where
/// `single`. Each range sees a stand-in (8) where the other is taken, so
/// that neither overflows, and is computed only where some element needs it.
template <class N, size_t NA, size_t NB>
N two_ranges(const N& x, const double (&a)[NA], int a_single, const double (&b)[NB], int b_single, bool single,
             bool odd) {
  const N ax = abs(x);
  const auto low = ax <= 8.0;
  const N near = where(low, ax, 8.0), far = where(low, 16.0, ax);
  const N zero = x.constant(0.0);
  const N series_a =
      if_needed(low, zero, [&] { return chebyshev(near * 0.25 - 1.0, a, single ? a_single : static_cast<int>(NA)); });
  const N series_b = if_needed(!low, zero, [&] {
    return chebyshev(16.0 / far - 1.0, b, single ? b_single : static_cast<int>(NB)) / sqrt(far);
  });
  if (!odd) return where(low, series_a, series_b);
  return where(low, x * series_a, where(x < 0.0, -series_b, series_b));
}

/// i0e(x) = exp(-|x|) I0(x): 1 at 0, ~ 1 / sqrt(2 pi |x|) for large |x|,
/// 0 at +-inf. `single`: float precision.
template <class N>
N i0e(const N& x, bool single) {
  return two_ranges(x, kA0, kA0Single, kB0, kB0Single, single, false);
}

/// i1e(x) = exp(-|x|) I1(x), odd: x / 2 near 0, ~ sign(x) / sqrt(2 pi |x|)
/// for large |x|, +-0 at +-inf. `single`: float precision.
template <class N>
N i1e(const N& x, bool single) {
  return two_ranges(x, kA1, kA1Single, kB1, kB1Single, single, true);
}

}  // namespace bessel
}  // namespace formulas
}  // namespace torchdist
