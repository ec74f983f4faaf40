#include "gamma_math.h"

#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <c10/core/DefaultDtype.h>
#include <torch/csrc/autograd/custom_function.h>

#include <atomic>
#include <cmath>
#include <limits>

#include "../core/math_constants.h"

namespace torchdist {
namespace detail {
namespace {

// A forward-mode dual number v + d * epsilon: carries the derivative with
// respect to `a` through the continued fraction's recurrence.
struct Dual {
  double v, d;
};
inline Dual operator+(Dual p, Dual q) { return {p.v + q.v, p.d + q.d}; }
inline Dual operator*(Dual p, Dual q) { return {p.v * q.v, p.v * q.d + p.d * q.v}; }
inline Dual operator/(Dual p, Dual q) { return {p.v / q.v, (p.d * q.v - p.v * q.d) / (q.v * q.v)}; }
inline Dual operator*(Dual p, double k) { return {p.v * k, p.d * k}; }
inline Dual exp(Dual p) {
  const double e = std::exp(p.v);
  return {e, e * p.d};
}
inline Dual sqrt(Dual p) {
  const double r = std::sqrt(p.v);
  return {r, p.d / (2 * r)};
}
inline Dual erfc(Dual p) {
  return {std::erfc(p.v), -2 / std::sqrt(M_PI) * std::exp(-p.v * p.v) * p.d};
}
// c[0] + c[1] p + c[2] p^2 + ... by Horner's rule.
template <size_t N>
Dual polynomial(const double (&c)[N], Dual p) {
  Dual r{c[N - 1], 0};
  for (size_t i = N - 1; i-- > 0;) r = r * p + Dual{c[i], 0};
  return r;
}

constexpr double kEps = std::numeric_limits<double>::epsilon() / 2;
// Lentz's guard against division by zero in the continued fraction.
constexpr double kTiny = 1e-300;


// dP/da by the power series, for x < a + 1. `log_pre` = L, `dlog` = D (see
// the header). Returns false if the series did not converge.
bool series_grad(double a, double x, double log_pre, double dlog, double* out) {
  double t = 1, dt = 0, s = 1, ds = 0;
  const int64_t limit = gamma_p_grad_a_max_terms(a);
  for (int64_t n = 1; n <= limit; ++n) {
    const double r = x / (a + n);
    dt = dt * r - t * r / (a + n);  // d/da of x / (a + n) is -r / (a + n)
    t *= r;
    s += t;
    ds += dt;
    if (t <= kEps * s && std::abs(dt) <= kEps * std::abs(ds)) {
      *out = std::exp(log_pre - std::log(a)) * (s * (dlog - 1 / a) + ds);
      return true;
    }
  }
  return false;
}

// dP/da by the continued fraction for Q(a, x), for x >= a + 1:
//   F = 1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - 2 (2 - a) / (x + 5 - a - ...))).
bool continued_fraction_grad(double a, double x, double log_pre, double dlog, double* out) {
  Dual b{x + 1 - a, -1};
  Dual c{1 / kTiny, 0};
  Dual d = Dual{1, 0} / b;
  Dual h = d;
  const int64_t limit = gamma_p_grad_a_max_terms(a);
  for (int64_t n = 1; n <= limit; ++n) {
    const double nd = static_cast<double>(n);
    const Dual an{-nd * (nd - a), nd};
    b.v += 2;
    d = an * d + b;
    if (std::abs(d.v) < kTiny) d = {kTiny, 0};
    c = b + an / c;
    if (std::abs(c.v) < kTiny) c = {kTiny, 0};
    d = Dual{1, 0} / d;
    const Dual delta = d * c;
    const Dual next = h * delta;
    const bool converged =
        std::abs(delta.v - 1) <= kEps && std::abs(next.d - h.d) <= kEps * std::abs(next.d);
    h = next;
    if (converged) {
      *out = -std::exp(log_pre) * (h.v * dlog + h.d);
      return true;
    }
  }
  return false;
}

// log(1 + t) - t for |t| < 1/4, by its alternating series (~30 terms at
// worst), free of the cancellation in log1p(t) - t.
double log1pmx_small(double t) {
  double term = t, sum = 0;
  for (int k = 2; k < 60; ++k) {
    term *= -t;
    const double next = term / k;
    sum += next;
    if (std::abs(next) <= kEps * std::abs(sum)) break;
  }
  return sum;
}

// For a >= 10, L = a log x - x - lgamma(a) and D = log x - digamma(a) with
// the large terms cancelled analytically (Stirling): with x = a (1 + t),
//   L = a (log(x / a) - t) + log(a) / 2 - log(2 pi) / 2 - stirling(a),
//   D = log(x / a) + (log(a) - digamma(a)),
// and log(x / a) - t = log1p(t) - t by series near the bulk (|t| < 1/4).
// Evaluated directly, both lose ~|a log x| * 1e-16 to rounding (2e-11 at
// a = 1e4, 1e-5 at a = 1e10); these forms leave ~|a t| * 1e-16, the error
// that rounding x itself already causes.
void large_a_log_prefactor(double a, double x, double* log_pre, double* dlog) {
  const double t = (x - a) / a;
  double log_ratio, a_term;
  if (std::abs(t) < 0.25) {
    log_ratio = std::log1p(t);
    a_term = a * log1pmx_small(t);
  } else {
    const double ratio = x / a;  // may underflow for x near the smallest doubles
    log_ratio = ratio >= std::numeric_limits<double>::min() ? std::log(ratio) : std::log(x) - std::log(a);
    a_term = a * log_ratio - (x - a);
  }
  const double stirling = lgamma_stirling_remainder(1 / a);
  const double log_minus_digamma_a = log_minus_digamma(1 / a);
  *log_pre = a_term + 0.5 * std::log(a) - detail::kHalfLog2Pi - stirling;
  *dlog = log_ratio + log_minus_digamma_a;
}

// From a = 1e6 on, dP/da by Temme's uniform asymptotic expansion instead of
// the series and continued fraction, whose ~9 sqrt(a) terms near x = a grow
// without bound:
//   Q(a, x) = erfc(eta sqrt(a / 2)) / 2 + e^(-a phi) / sqrt(2 pi a) (C0(eta) + C1(eta) / a + ...),
//   phi = lambda - 1 - log(lambda) = eta^2 / 2, lambda = x / a, sign(eta) = sign(x - a),
// differentiated in a by dual numbers. The omitted C2 / a^2 term is below
// 1e-13 of the correction term, itself ~1 / sqrt(a) of Q. Where
// |x - a| >= a / 4, a phi > 2.7e4 and every term underflows.
void temme_grad(double a, double x, double* out) {
  const double sigma = (x - a) / a;
  if (std::abs(sigma) >= 0.25) {
    *out = 0;
    return;
  }
  const double phi = -log1pmx_small(sigma);
  const double eta_v = std::copysign(std::sqrt(2 * phi), sigma);
  const double dsigma_da = -x / (a * a);
  // d phi / d sigma = sigma / (1 + sigma); d eta / d sigma = that / eta,
  // which tends to 1 as sigma -> 0.
  const double dphi_dsigma = sigma / (1 + sigma);
  const double deta_dsigma = sigma == 0 ? 1 : dphi_dsigma / eta_v;
  const Dual A{a, 1};
  const Dual eta{eta_v, deta_dsigma * dsigma_da};
  const Dual a_phi = A * Dual{phi, dphi_dsigma * dsigma_da};
  const Dual correction = exp(a_phi * -1) / sqrt(A * (2 * M_PI)) *
                          (polynomial(kGammaPTemmeC0, eta) + polynomial(kGammaPTemmeC1, eta) / A);
  const Dual q = erfc(eta * sqrt(A * 0.5)) * 0.5 + correction;
  *out = -q.d;
}

// dP/da at one point; false only if the expansion did not converge.
bool grad_a_one(double a, double x, double log_pre, double dlog, double* out) {
  if (std::isnan(a) || std::isnan(x) || !(a > 0) || x < 0) {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  // P is identically 0 at x = 0 and 1 at x = inf for every a > 0, and
  // P(a, x) -> 0 as a -> inf at finite x.
  if (x == 0 || std::isinf(x) || std::isinf(a)) {
    *out = 0;
    return true;
  }
  if (a >= kGammaPTemmeA) {
    temme_grad(a, x, out);
    return true;
  }
  if (a >= kGammaPLargeA) large_a_log_prefactor(a, x, &log_pre, &dlog);
  if (log_pre < kGammaPUnderflowLogPrefactor && std::abs(dlog) < 1e30) {
    *out = 0;
    return true;
  }
  return x < a + 1 ? series_grad(a, x, log_pre, dlog, out) : continued_fraction_grad(a, x, log_pre, dlog, out);
}

// Promotes to a common floating dtype (integers to the default dtype) and
// broadcasts.
std::vector<at::Tensor> promote_and_broadcast(const at::Tensor& a, const at::Tensor& x) {
  TORCH_CHECK_VALUE(a.defined() && x.defined(), "gamma_p: arguments must be defined tensors");
  at::ScalarType dtype = at::result_type(a, x);
  if (!at::isFloatingType(dtype)) dtype = c10::get_default_dtype_as_scalartype();
  return at::broadcast_tensors({a.to(dtype), x.to(dtype)});
}

class GammaPFunction : public torch::autograd::Function<GammaPFunction> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& a, const at::Tensor& x) {
    ctx->save_for_backward({a, x});
    return at::igamma(a, x);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& a = saved[0];
    const at::Tensor& x = saved[1];
    const at::Tensor& grad = grad_outputs[0];
    at::Tensor grad_a, grad_x;
    if (ctx->needs_input_grad(0)) {
      // Grad mode is on inside backward only when a graph of the backward
      // is being recorded; dP/da comes from a hand-written kernel that
      // autograd cannot see through, so a silent zero would be wrong.
      TORCH_CHECK_NOT_IMPLEMENTED(!at::GradMode::is_enabled(),
                                  "gamma_p: second derivatives with respect to a are not implemented");
      grad_a = grad * gamma_p_grad_a(a, x);
    }
    if (ctx->needs_input_grad(1)) grad_x = grad * gamma_p_grad_x(a, x);
    return {grad_a, grad_x};
  }
};

}  // namespace

at::Tensor gamma_p(const at::Tensor& a, const at::Tensor& x) {
  auto args = promote_and_broadcast(a, x);
  return GammaPFunction::apply(args[0], args[1]);
}

at::Tensor gamma_p_grad_x(const at::Tensor& a, const at::Tensor& x) {
  at::Tensor density = at::exp(at::xlogy(a - 1, x) - x - at::lgamma(a));
  // At x = inf the log density is inf - inf; the limit is 0.
  return at::where(at::isposinf(x), at::zeros_like(density), density);
}

at::Tensor gamma_p_grad_a(const at::Tensor& a, const at::Tensor& x) {
  at::NoGradGuard no_grad;
  auto args = promote_and_broadcast(a, x);
  if (!args[0].device().is_cpu()) return gamma_p_grad_a_tensor_ops(args[0], args[1]);
  const at::ScalarType dtype = args[0].scalar_type();
  at::Tensor ad = args[0].to(at::kDouble).contiguous();
  at::Tensor xd = args[1].to(at::kDouble).contiguous();
  // L = log(x^a e^-x / Gamma(a)) and D = dL/da with ATen's lgamma and
  // digamma, used for a < 10 (grad_a_one recomputes both without
  // cancellation for larger a); NaN/inf at x = 0 are never read.
  at::Tensor log_pre = (at::xlogy(ad, xd) - xd - at::lgamma(ad)).contiguous();
  at::Tensor dlog = (at::log(xd) - at::digamma(ad)).contiguous();
  at::Tensor out = at::empty_like(ad);

  const double* pa = ad.data_ptr<double>();
  const double* px = xd.data_ptr<double>();
  const double* pl = log_pre.data_ptr<double>();
  const double* pd = dlog.data_ptr<double>();
  double* po = out.data_ptr<double>();
  std::atomic<int64_t> failed{-1};
  // Work per element varies from a few to ~9 sqrt(a) iterations; small
  // grains balance that.
  at::parallel_for(0, ad.numel(), 16, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      if (!grad_a_one(pa[i], px[i], pl[i], pd[i], &po[i])) failed.store(i);
    }
  });
  const int64_t bad = failed.load();
  TORCH_CHECK_VALUE(bad < 0, "gamma_p: the derivative with respect to a did not converge at a = ", pa[bad],
                    ", x = ", px[bad]);
  return out.to(dtype);
}

}  // namespace detail
}  // namespace torchdist
