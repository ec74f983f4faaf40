// dP(a, x)/da as tensor operations: the method of gamma_math.cpp's host
// loop (see gamma_math.h), element for element, on the arguments' device.
#include <ATen/core/grad_mode.h>

#include <cmath>
#include <limits>

#include "../core/math_constants.h"
#include "gamma_math.h"

namespace torchdist {
namespace detail {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon() / 2;
constexpr double kTiny = 1e-300;  // Lentz's guard, as in the host loop
constexpr int64_t kTermsPerCheck = 16;

// A value and its derivative in a, each a tensor.
struct DualT {
  at::Tensor v, d;
};
DualT operator*(const DualT& p, const DualT& q) { return {p.v * q.v, p.v * q.d + p.d * q.v}; }
DualT operator+(const DualT& p, const DualT& q) { return {p.v + q.v, p.d + q.d}; }
DualT reciprocal(const DualT& q) { return {q.v.reciprocal(), -q.d / (q.v * q.v)}; }
// Replaces a vanishing value by kTiny (and drops its derivative).
DualT guard(const DualT& q) {
  const at::Tensor small = q.v.abs() < kTiny;
  return {at::where(small, at::full({}, kTiny, q.v.options()), q.v), at::where(small, at::zeros_like(q.d), q.d)};
}

// log(1 + t) - t for |t| < 1/4 by its alternating series; 40 terms leave
// less than 0.25^40 relative.
at::Tensor log1pmx_small(const at::Tensor& t) {
  at::Tensor term = t.clone(), sum = at::zeros_like(t);
  for (int k = 2; k <= 40; ++k) {
    term = term * -t;
    sum = sum + term / k;
  }
  return sum;
}

// p(eta) and dp/deta for p = c[0] + c[1] eta + ... (Horner).
template <size_t N>
std::pair<at::Tensor, at::Tensor> polynomial(const double (&c)[N], const at::Tensor& eta) {
  at::Tensor p = at::full_like(eta, c[N - 1]), dp = at::zeros_like(eta);
  for (size_t i = N - 1; i-- > 0;) {
    dp = dp * eta + p;
    p = p * eta + c[i];
  }
  return {p, dp};
}

// Temme's expansion for a >= kGammaPTemmeA (gamma_math.cpp's temme_grad):
// -dQ/da with Q = erfc(eta sqrt(a / 2)) / 2 + e^(-a phi) / sqrt(2 pi a) (C0 + C1 / a).
at::Tensor temme_grad(const at::Tensor& a, const at::Tensor& x) {
  const at::Tensor sigma_raw = (x - a) / a;
  const at::Tensor far = sigma_raw.abs() >= 0.25;
  const at::Tensor sigma = at::where(far, at::zeros_like(sigma_raw), sigma_raw);
  const at::Tensor phi = -log1pmx_small(sigma);
  const at::Tensor eta = at::sign(sigma) * (2 * phi).sqrt();
  const at::Tensor dsigma_da = -x / (a * a);
  const at::Tensor dphi_dsigma = sigma / (1 + sigma);
  const at::Tensor deta_dsigma = at::where(sigma == 0, at::ones_like(sigma), dphi_dsigma / eta);
  const at::Tensor eta_d = deta_dsigma * dsigma_da;

  const at::Tensor a_phi_d = phi + a * dphi_dsigma * dsigma_da;
  const at::Tensor e = at::exp(-a * phi);
  const at::Tensor root = (2 * M_PI * a).sqrt();
  const auto [c0, dc0] = polynomial(kGammaPTemmeC0, eta);
  const auto [c1, dc1] = polynomial(kGammaPTemmeC1, eta);
  const at::Tensor c = c0 + c1 / a;
  const at::Tensor c_d = (dc0 + dc1 / a) * eta_d - c1 / (a * a);
  // d/da of e / root * c, with de/da = -e a_phi_d and droot/da = pi / root.
  const at::Tensor correction_d = e / root * ((-a_phi_d - M_PI / (root * root)) * c + c_d);
  const at::Tensor half_root = (a / 2).sqrt();
  const at::Tensor z = eta * half_root;
  const at::Tensor z_d = eta_d * half_root + eta / (4 * half_root);
  const at::Tensor q_d = -0.5 * M_2_SQRTPI * at::exp(-z * z) * z_d + correction_d;
  return at::where(far, at::zeros_like(q_d), -q_d);
}

// L = log(x^a e^-x / Gamma(a)) and D = dL/da (gamma_math.cpp's
// large_a_log_prefactor for a >= kGammaPLargeA, ATen's lgamma and digamma
// below).
std::pair<at::Tensor, at::Tensor> log_prefactor(const at::Tensor& a, const at::Tensor& x) {
  const at::Tensor direct_l = at::xlogy(a, x) - x - at::lgamma(a);
  const at::Tensor direct_d = at::log(x) - at::digamma(a);
  const at::Tensor t = (x - a) / a;
  const at::Tensor near = t.abs() < 0.25;
  const at::Tensor t_near = at::where(near, t, at::zeros_like(t));
  const at::Tensor ratio_log = at::log(x) - at::log(a);
  const at::Tensor log_ratio = at::where(near, at::log1p(t_near), ratio_log);
  const at::Tensor a_term = at::where(near, a * log1pmx_small(t_near), a * ratio_log - (x - a));
  const at::Tensor r = a.reciprocal();
  const at::Tensor large = a >= kGammaPLargeA;
  return {at::where(large, a_term + 0.5 * at::log(a) - kHalfLog2Pi - lgamma_stirling_remainder(r), direct_l),
          at::where(large, log_ratio + log_minus_digamma(r), direct_d)};
}

}  // namespace

at::Tensor gamma_p_grad_a_tensor_ops(const at::Tensor& a_in, const at::Tensor& x_in) {
  at::NoGradGuard no_grad;
  const at::ScalarType dtype = a_in.scalar_type();
  const auto args = at::broadcast_tensors({a_in.to(at::kDouble), x_in.to(at::kDouble)});
  at::Tensor a = args[0], x = args[1];
  if (a.numel() == 0) return at::empty_like(a).to(dtype);

  const at::Tensor nan = a.isnan() | x.isnan() | ~(a > 0) | (x < 0);
  const at::Tensor zero = ~nan & ((x == 0) | x.isinf() | a.isinf());
  const at::Tensor temme = ~nan & ~zero & (a >= kGammaPTemmeA);
  const at::Tensor loop = ~nan & ~zero & ~temme;
  // Harmless stand-ins where a lane's own branch is not taken.
  const at::Tensor one = at::ones_like(a);
  const at::Tensor a_loop = at::where(loop, a, one), x_loop = at::where(loop, x, one);
  const at::Tensor a_temme = at::where(temme, a, at::full_like(a, kGammaPTemmeA));
  const at::Tensor x_temme = at::where(temme, x, at::full_like(a, kGammaPTemmeA));

  at::Tensor out = at::where(nan, at::full_like(a, std::numeric_limits<double>::quiet_NaN()), at::zeros_like(a));
  out = at::where(temme, temme_grad(a_temme, x_temme), out);

  const auto [log_pre, dlog] = log_prefactor(a_loop, x_loop);
  const at::Tensor underflow = (log_pre < kGammaPUnderflowLogPrefactor) & (dlog.abs() < 1e30);
  at::Tensor pending = loop & ~underflow;
  const at::Tensor use_series = x_loop < a_loop + 1;

  // Series state (x < a + 1): term t, its derivative, the sums.
  at::Tensor t = at::ones_like(a), dt = at::zeros_like(a), s = at::ones_like(a), ds = at::zeros_like(a);
  // Continued fraction state (x >= a + 1), in dual numbers.
  DualT b{x_loop + 1 - a_loop, -at::ones_like(a)};
  DualT c{at::full_like(a, 1 / kTiny), at::zeros_like(a)};
  DualT d = reciprocal(b);
  DualT h = d;

  const double a_max = at::where(pending, a_loop, at::zeros_like(a)).max().item<double>();
  const int64_t limit = gamma_p_grad_a_max_terms(a_max);
  for (int64_t n = 1; n <= limit; ++n) {
    const double nd = static_cast<double>(n);
    // Series step.
    const at::Tensor r = x_loop / (a_loop + nd);
    dt = dt * r - t * r / (a_loop + nd);
    t = t * r;
    s = s + t;
    ds = ds + dt;
    const at::Tensor series_done = (t <= kEps * s) & (dt.abs() <= kEps * ds.abs());
    // Continued fraction step.
    const DualT an{-nd * (nd - a_loop), at::full_like(a, nd)};
    b.v = b.v + 2;
    d = reciprocal(guard(an * d + b));
    c = guard(b + an * reciprocal(c));
    const DualT delta = d * c;
    const DualT next = h * delta;
    const at::Tensor fraction_done =
        ((delta.v - 1).abs() <= kEps) & ((next.d - h.d).abs() <= kEps * next.d.abs());
    h = next;

    const at::Tensor done = pending & at::where(use_series, series_done, fraction_done);
    const at::Tensor series_value = at::exp(log_pre - at::log(a_loop)) * (s * (dlog - 1 / a_loop) + ds);
    const at::Tensor fraction_value = -at::exp(log_pre) * (h.v * dlog + h.d);
    out = at::where(done, at::where(use_series, series_value, fraction_value), out);
    pending = pending & ~done;
    if (n % kTermsPerCheck == 0 && !pending.any().item<bool>()) break;
  }
  TORCH_CHECK_VALUE(!pending.any().item<bool>(), "gamma_p: the derivative with respect to a did not converge at a = ",
                    a.masked_select(pending)[0].item<double>(), ", x = ", x.masked_select(pending)[0].item<double>());
  return out.to(dtype);
}

}  // namespace detail
}  // namespace torchdist
