#include "beta_math.h"

#include "gamma_math.h"

#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <c10/core/DefaultDtype.h>
#include <torch/csrc/autograd/custom_function.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <vector>

namespace torchdist {
namespace detail {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon() / 2;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A forward-mode dual number v + da * e_a + db * e_b: carries the
// derivatives in both shapes through the continued fraction's recurrence.
struct Dual2 {
  double v, da, db;
};
inline Dual2 operator+(Dual2 p, Dual2 q) { return {p.v + q.v, p.da + q.da, p.db + q.db}; }
inline Dual2 operator*(Dual2 p, Dual2 q) { return {p.v * q.v, p.v * q.da + p.da * q.v, p.v * q.db + p.db * q.v}; }
inline Dual2 operator*(double s, Dual2 q) { return {s * q.v, s * q.da, s * q.db}; }

// psi(z + h) - psi(z) for z > 0, z + h > 0, summed without cancellation
// (the difference is small where both are large, and for h << z).
double digamma_diff(double z, double h) {
  if (h < 0) return -digamma_diff(z + h, -h);
  if (h == 0) return 0;
  // psi(w) = psi(w + 1) - 1 / w: each step contributes the positive
  // 1 / z - 1 / (z + h) = h / (z (z + h)).
  double sum = 0;
  while (z < 10) {
    sum += h / (z * (z + h));
    z += 1;
  }
  // psi(w) = log w - 1 / (2 w) - T(w), T the Bernoulli series in 1 / w^2.
  const double t_z = digamma_asymptotic_series(1 / z), t_zh = digamma_asymptotic_series(1 / (z + h));
  return sum + std::log1p(h / z) + h / (2 * z * (z + h)) + (t_z - t_zh);
}

// The digamma differences in the gradients of one pair of shapes, for both
// orientations (x and 1 - x): they depend on (a, b) only, so loops over
// samples of the same distribution compute them once.
struct ShapeTerms {
  double a, b;
  double ab_a1;  // psi(a + b) - psi(a + 1)
  double ab_b;   // psi(a + b) - psi(b)
  double ab_b1;  // psi(a + b) - psi(b + 1)
  double ab_a;   // psi(a + b) - psi(a)
};

ShapeTerms shape_terms(double a, double b) {
  return {a, b, digamma_diff(a + 1, b - 1), digamma_diff(b, a), digamma_diff(b + 1, a - 1), digamma_diff(a, b)};
}

// Replaces a vanishing Lentz denominator by a tiny number (modified Lentz).
inline Dual2 guard(Dual2 q) { return std::abs(q.v) < 1e-300 ? Dual2{1e-300, 0, 0} : q; }
inline Dual2 reciprocal(Dual2 q) {
  const double r = 1 / q.v;
  const double r2 = -r * r;
  return {r, r2 * q.da, r2 * q.db};
}

// For x below the switch point: u_a and u_b with dx/da = x (1 - x) u_a and
// dx/db = x (1 - x) u_b (see the header). `log_x` and `log_1mx` are log x
// and log(1 - x), which the caller has accurately (x may be 1 - y);
// `psi_a` = psi(a + b) - psi(a + 1) and `psi_b` = psi(a + b) - psi(b).
// Returns false if the continued fraction did not converge.
bool scaled_grads_below(double x, double log_x, double log_1mx, double a, double b, double psi_a, double psi_b,
                        double* ua, double* ub) {
  // dI/da over the density is (x (1 - x) / a) (K E_a + dK/da) with
  // E_a = log x + psi(a + b) - psi(a + 1) (the prefactor's log-derivative
  // log x - 1/a + psi(a + b) - psi(a), with -1/a - psi(a) = -psi(a + 1),
  // which avoids cancelling two ~1/a terms for small a); likewise in b.
  const double ea = log_x + psi_a;
  const double eb = log_1mx + psi_b;
  // K = 1 / (1 + d_1 / (1 + d_2 / (1 + ...))) by modified Lentz in dual
  // numbers: the derivatives are carried multiplicatively, which keeps them
  // accurate where the terms d_j are large (b x >> 1); the forward
  // recurrence for the convergents' numerators and denominators loses them
  // to cancellation there. Each d_j and its derivatives are written out, one
  // division each.
  // d_1 = -(a + b) x / (a + 1), without 1 / a (a may be subnormal).
  const double r1 = 1 / (a + 1);
  Dual2 d = reciprocal(guard(Dual2{1 - (a + b) * x * r1, x * (b - 1) * r1 * r1, -x * r1}));
  Dual2 c{1, 0, 0};
  Dual2 h = d;
  double bracket_a = h.v * ea + h.da, bracket_b = h.v * eb + h.db;
  // Generous: ~sqrt(max(a, b)) terms at worst. Capped so that the count
  // stays an integer for shapes up to the largest doubles.
  const int64_t limit = 1000 + static_cast<int64_t>(50 * std::sqrt(std::min(std::max(a, b), 1e24)));
  for (int64_t m = 1; m <= limit; ++m) {
    const double md = static_cast<double>(m);
    {
      // m (b - m) x / ((a + 2m - 1)(a + 2m)).
      const double r = 1 / ((a + 2 * md - 1) * (a + 2 * md));
      const double q = md * x * r;
      const double v = q * (b - md);
      const Dual2 e{v, -v * (2 * a + 4 * md - 1) * r, q};
      d = reciprocal(guard(Dual2{1, 0, 0} + e * d));
      c = guard(Dual2{1, 0, 0} + e * reciprocal(c));
      h = h * (d * c);
    }
    Dual2 delta;
    {
      // -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
      const double r = 1 / ((a + 2 * md) * (a + 2 * md + 1));
      const double p = x * r;
      const double v = -(a + md) * (a + b + md) * p;
      const Dual2 e{v, -(2 * a + b + 2 * md) * p - v * (2 * a + 4 * md + 1) * r, -(a + md) * p};
      d = reciprocal(guard(Dual2{1, 0, 0} + e * d));
      c = guard(Dual2{1, 0, 0} + e * reciprocal(c));
      delta = d * c;
      h = h * delta;
    }
    const double next_a = h.v * ea + h.da, next_b = h.v * eb + h.db;
    // Written as !(change > tolerance): for concentrations below ~1e-300
    // a digamma difference, and so a bracket, is infinite, and inf - inf
    // must not keep the loop going.
    const bool converged = std::abs(delta.v - 1) <= kEps &&
                           !(std::abs(next_a - bracket_a) > kEps * std::abs(next_a)) &&
                           !(std::abs(next_b - bracket_b) > kEps * std::abs(next_b));
    bracket_a = next_a;
    bracket_b = next_b;
    if (converged) {
      *ua = -bracket_a / a;
      *ub = -bracket_b / a;
      return true;
    }
  }
  return false;
}

// u_a and u_b (dx/da = x (1 - x) u_a, dx/db = x (1 - x) u_b) for
// 0 < x <= 1, from whichever side of the switch point the continued
// fraction converges on. Finite at x = 1.
void scaled_grads(double x, const ShapeTerms& t, double* ua, double* ub) {
  const double a = t.a, b = t.b;
  const double log_x = std::log(x), log_1mx = std::log1p(-x);
  bool ok;
  if (x <= (a + 1) / (a + b + 2)) {
    ok = scaled_grads_below(x, log_x, log_1mx, a, b, t.ab_a1, t.ab_b, ua, ub);
  } else {
    // y = 1 - x ~ Beta(b, a) and dx = -dy: its (u_b, u_a), negated. The
    // prefactor y (1 - y) is x (1 - x).
    double ub_y, ua_y;
    ok = scaled_grads_below(1 - x, log_1mx, log_x, b, a, t.ab_b1, t.ab_a, &ub_y, &ua_y);
    *ua = -ua_y;
    *ub = -ub_y;
  }
  TORCH_CHECK_VALUE(ok, "Beta: the implicit reparameterization gradient did not converge at x = ", x,
                    ", a = ", a, ", b = ", b);
}

bool valid(double x, double a, double b) {
  return x >= 0 && x <= 1 && a > 0 && b > 0 && std::isfinite(a) && std::isfinite(b);
}

// beta_reparam_grad for valid arguments, given their shape terms.
BetaReparamGrad beta_grad_at(double x, const ShapeTerms& t) {
  // The limits at the ends: x (1 - x) log x -> 0 and likewise at 1.
  if (x == 0 || x == 1) return {0, 0};
  double ua, ub;
  scaled_grads(x, t, &ua, &ub);
  const double scale = x * (1 - x);
  return {scale * ua, scale * ub};
}

// dirichlet_reparam_grad for valid arguments (rest > 0), given the shape
// terms of (alpha, rest).
double dirichlet_grad_at(double x, const ShapeTerms& t) {
  // x log x -> 0 at x = 0; at x = 1, u_a is finite.
  if (x == 0) return 0;
  double ua, ub;
  scaled_grads(x, t, &ua, &ub);
  return x * ua;
}

// The shape terms of the last pair of shapes asked for: samples of one
// distribution repeat their parameters, and the terms cost about as much
// as the continued fraction.
class ShapeTermsCache {
 public:
  const ShapeTerms& get(double a, double b) {
    if (a != terms_.a || b != terms_.b) terms_ = shape_terms(a, b);
    return terms_;
  }

 private:
  ShapeTerms terms_{kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
};

// Promotes to a common floating dtype (integers to the default dtype) and
// broadcasts.
std::vector<at::Tensor> promote_and_broadcast(std::vector<at::Tensor> args) {
  at::ScalarType dtype = args[0].scalar_type();
  for (const at::Tensor& t : args) dtype = at::promote_types(dtype, t.scalar_type());
  if (!at::isFloatingType(dtype)) dtype = c10::get_default_dtype_as_scalartype();
  for (at::Tensor& t : args) t = t.to(dtype);
  return at::broadcast_tensors(args);
}

bool all_cpu(std::initializer_list<at::Tensor> tensors) {
  for (const at::Tensor& t : tensors) {
    if (!t.device().is_cpu()) return false;
  }
  return true;
}

// `grad` in `dtype`, magnitudes held at or below 2^-32 times its largest
// finite number. Gradients get there only for concentrations far below 1e-3
// (dx/da grows like x / (a (a + b)) as both vanish, beyond double's range
// near a = 1e-308); the margin keeps sums of up to 2^32 of them (over
// samples, or a and b tied to one leaf) finite. NaN stays NaN.
at::Tensor finite_in(const at::Tensor& grad, at::ScalarType dtype) {
  const double max = dtype == at::kFloat ? std::numeric_limits<float>::max()
                     : dtype == at::kDouble ? std::numeric_limits<double>::max()
                                            : std::numeric_limits<double>::infinity();
  const double bound = std::ldexp(max, -32);
  return grad.clamp(-bound, bound).to(dtype);
}

// Work per element varies with the number of continued-fraction terms
// (a few to a few hundred); small grains balance it.
constexpr int64_t kGrain = 256;

class BetaReparamFunction : public torch::autograd::Function<BetaReparamFunction> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& a, const at::Tensor& b,
                            const at::Tensor& value, const at::Tensor& x) {
    ctx->save_for_backward({a, b, x});
    return value;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    // Grad mode is on inside backward only when a graph of the backward is
    // recorded; the gradients come from a hand-written loop that autograd
    // cannot see through, so a silent zero second derivative would be wrong.
    TORCH_CHECK_NOT_IMPLEMENTED(!at::GradMode::is_enabled(),
                                "Beta.rsample: second derivatives are not implemented");
    const auto saved = ctx->get_saved_variables();
    const auto grads = beta_reparam_grad(saved[2], saved[0], saved[1]);
    const at::Tensor& grad = grad_outputs[0];
    at::Tensor grad_a, grad_b;
    if (ctx->needs_input_grad(0)) grad_a = grad * grads[0].to(grad.scalar_type());
    if (ctx->needs_input_grad(1)) grad_b = grad * grads[1].to(grad.scalar_type());
    return {grad_a, grad_b, at::Tensor(), at::Tensor()};
  }
};

class DirichletReparamFunction : public torch::autograd::Function<DirichletReparamFunction> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& concentration,
                            const at::Tensor& value, const at::Tensor& x) {
    ctx->save_for_backward({concentration, x});
    return value;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    TORCH_CHECK_NOT_IMPLEMENTED(!at::GradMode::is_enabled(),
                                "Dirichlet.rsample: second derivatives are not implemented");
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& grad = grad_outputs[0];
    const at::Tensor x = saved[1].to(grad.scalar_type());
    const at::Tensor g = dirichlet_reparam_grad(saved[1], saved[0]).to(grad.scalar_type());
    // x moves on the simplex: raising c_i moves x_i by g_i (1 - x_i) and
    // every other x_j by -g_i x_j, hence the projected incoming gradient.
    return {g * (grad - (x * grad).sum(-1, /*keepdim=*/true)), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

BetaReparamGrad beta_reparam_grad(double x, double a, double b) {
  return valid(x, a, b) ? beta_grad_at(x, shape_terms(a, b)) : BetaReparamGrad{kNaN, kNaN};
}

double dirichlet_reparam_grad(double x, double alpha, double rest) {
  // One component (nothing else): x is 1 whatever alpha is.
  if (rest == 0 && x == 1 && alpha > 0) return 0;
  return valid(x, alpha, rest) ? dirichlet_grad_at(x, shape_terms(alpha, rest)) : kNaN;
}

std::array<at::Tensor, 2> beta_reparam_grad(const at::Tensor& x, const at::Tensor& a, const at::Tensor& b) {
  at::NoGradGuard no_grad;
  const auto args = promote_and_broadcast({x.detach(), a.detach(), b.detach()});
  const at::ScalarType dtype = args[0].scalar_type();
  if (!all_cpu({args[0], args[1], args[2]})) {
    // Beta(a, b) is the first component of Dirichlet([a, b]): dx/da is
    // _dirichlet_grad(x, a, a + b) (1 - x), and dx/db = -d(1 - x)/db.
    const at::Tensor xd = args[0].to(at::kDouble), ad = args[1].to(at::kDouble), bd = args[2].to(at::kDouble);
    const at::Tensor total = ad + bd;
    return {(at::_dirichlet_grad(xd, ad, total) * (1 - xd)).to(dtype),
            (-at::_dirichlet_grad(1 - xd, bd, total) * xd).to(dtype)};
  }
  const at::Tensor xd = args[0].to(at::kDouble).contiguous();
  const at::Tensor ad = args[1].to(at::kDouble).contiguous();
  const at::Tensor bd = args[2].to(at::kDouble).contiguous();
  at::Tensor out_a = at::empty_like(xd), out_b = at::empty_like(xd);
  const double* px = xd.data_ptr<double>();
  const double* pa = ad.data_ptr<double>();
  const double* pb = bd.data_ptr<double>();
  double* oa = out_a.data_ptr<double>();
  double* ob = out_b.data_ptr<double>();
  at::parallel_for(0, xd.numel(), kGrain, [&](int64_t begin, int64_t end) {
    ShapeTermsCache cache;
    for (int64_t i = begin; i < end; ++i) {
      const BetaReparamGrad g = valid(px[i], pa[i], pb[i]) ? beta_grad_at(px[i], cache.get(pa[i], pb[i]))
                                                            : BetaReparamGrad{kNaN, kNaN};
      oa[i] = g.dx_da;
      ob[i] = g.dx_db;
    }
  });
  return {finite_in(out_a, dtype), finite_in(out_b, dtype)};
}

at::Tensor dirichlet_reparam_grad(const at::Tensor& x, const at::Tensor& concentration) {
  at::NoGradGuard no_grad;
  const auto args = promote_and_broadcast({x.detach(), concentration.detach()});
  const at::ScalarType dtype = args[0].scalar_type();
  TORCH_CHECK_VALUE(args[0].dim() >= 1, "Dirichlet: samples must be at least one-dimensional");
  if (!all_cpu({args[0], args[1]})) {
    const at::Tensor xd = args[0].to(at::kDouble), cd = args[1].to(at::kDouble);
    return at::_dirichlet_grad(xd, cd, cd.sum(-1, /*keepdim=*/true).expand_as(cd)).to(dtype);
  }
  const int64_t k = args[0].size(-1);
  const at::Tensor xd = args[0].to(at::kDouble).contiguous();
  const at::Tensor cd = args[1].to(at::kDouble).contiguous();
  at::Tensor out = at::empty_like(xd);
  if (xd.numel() == 0) return out.to(dtype);
  const double* px = xd.data_ptr<double>();
  const double* pc = cd.data_ptr<double>();
  double* po = out.data_ptr<double>();
  const int64_t rows = xd.numel() / k;
  at::parallel_for(0, rows, std::max<int64_t>(1, kGrain / k), [&](int64_t begin, int64_t end) {
    // suffix[j] = sum of c over j.. (positive terms): rest_j = prefix + suffix[j + 1]
    // never subtracts, so a small rest next to a large c_j keeps its digits.
    std::vector<double> suffix(k + 1);
    // One cache per component: rows of one distribution repeat the pattern.
    std::vector<ShapeTermsCache> caches(k);
    for (int64_t r = begin; r < end; ++r) {
      const double* c = pc + r * k;
      const double* xr = px + r * k;
      suffix[k] = 0;
      for (int64_t j = k - 1; j >= 0; --j) suffix[j] = suffix[j + 1] + c[j];
      double prefix = 0;
      for (int64_t j = 0; j < k; ++j) {
        const double rest = prefix + suffix[j + 1];
        prefix += c[j];
        if (rest == 0 || !valid(xr[j], c[j], rest)) {
          po[r * k + j] = dirichlet_reparam_grad(xr[j], c[j], rest);
        } else {
          po[r * k + j] = dirichlet_grad_at(xr[j], caches[j].get(c[j], rest));
        }
      }
    }
  });
  return finite_in(out, dtype);
}

at::Tensor beta_implicit_reparam(const at::Tensor& value, const at::Tensor& x, const at::Tensor& a,
                                 const at::Tensor& b) {
  TORCH_INTERNAL_ASSERT(!value.requires_grad() && !x.requires_grad(),
                        "beta_implicit_reparam: the sample must not require grad");
  TORCH_INTERNAL_ASSERT(value.sizes() == x.sizes(), "beta_implicit_reparam: value and x differ in shape");
  if (!a.requires_grad() && !b.requires_grad()) return value;
  return BetaReparamFunction::apply(a.expand(x.sizes()), b.expand(x.sizes()), value, x);
}

at::Tensor dirichlet_implicit_reparam(const at::Tensor& value, const at::Tensor& x,
                                      const at::Tensor& concentration) {
  TORCH_INTERNAL_ASSERT(!value.requires_grad() && !x.requires_grad(),
                        "dirichlet_implicit_reparam: the sample must not require grad");
  TORCH_INTERNAL_ASSERT(value.sizes() == x.sizes(), "dirichlet_implicit_reparam: value and x differ in shape");
  if (!concentration.requires_grad()) return value;
  return DirichletReparamFunction::apply(concentration.expand(x.sizes()), value, x);
}

}  // namespace detail
}  // namespace torchdist
