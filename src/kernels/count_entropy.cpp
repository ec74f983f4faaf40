// Entropies of Binomial and Multinomial distributions with total counts up
// to 255, by one pass over the support per element (or per category): the
// pmf by its ratio recurrence from the mode, with no lgamma, exp or
// temporary tensor. The ATen composition in binomial_math.cpp stays the
// definition and takes everything else (larger or non-integer counts, other
// devices and dtypes, the backward of a backward).
//
// For X ~ Bin(n, p), with weights w_k = pmf(k) / pmf(mode) (w = 1 at the
// mode, each step away a factor (n - k) / (k + 1) * p / q or its inverse)
// and S = sum_k w_k:
//   pmf(k) = w_k / S,  log pmf(k) = log w_k - log S,
//   H(X) = log S - sum_k w_k log w_k / S,
// every term of which is nonnegative, so H keeps its relative accuracy
// however small it is (p = 1e-30, say). As a function of the logit l,
//   dH/dl = -Cov(X, log pmf(X)),  d E[f(X)]/dl = Cov(X, f(X)),
// and d/dp = d/dl / (p q).
//
// The multinomial entropy is
//   H = -log n! - n sum_j p_j log p_j + sum_j E[log X_j!],  X_j ~ Bin(n, p_j),
// where, for the most probable category m, -log n! + E[log X_m!] is summed
// as -E[log(n! / X_m!)] (no cancellation where p_m is near 1).
//
// Each sum runs over X or n - X, whichever has the smaller success
// probability, so that no ratio overflows at extreme logits. At
// probabilities of exactly 0 and 1 the value is exact and the derivatives
// are those 1e-100 inside, as the composition's; any other probability,
// however small, is taken as it is (the composition moves those below
// 1e-100 up to it).

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <limits>
#include <vector>

#include "elementwise.h"
#include "formula_eval.h"
#include "fused.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

constexpr int kMaxCount = 255;
constexpr double kProbabilityFloor = 1e-100;

// log i, 1 / i and log i! for i = 0 .. kMaxCount + 1 (the recurrences
// multiply by 1 / i rather than divide).
struct LogTables {
  std::array<double, kMaxCount + 2> log_int{};
  std::array<double, kMaxCount + 2> inverse{};
  std::array<double, kMaxCount + 2> log_factorial{};
};
const LogTables& log_tables() {
  static const LogTables tables = [] {
    LogTables t;
    for (int i = 1; i <= kMaxCount + 1; ++i) t.log_int[i] = std::log(static_cast<double>(i));
    for (int i = 1; i <= kMaxCount + 1; ++i) t.inverse[i] = 1.0 / i;
    for (int i = 0; i <= kMaxCount + 1; ++i) t.log_factorial[i] = std::lgamma(i + 1.0);
    return t;
  }();
  return tables;
}

// The success probability p of X ~ Bin(n, p), its complement q and their
// ratio rho = p / q, kept at most 1 by summing over n - X where p > 1/2
// (`reflected`), so that rho never overflows however extreme the logit.
// At p = 0 or 1 exactly (`certain`) X is constant: the values the sums
// give are replaced by the exact ones, and the derivatives are taken 1e-100
// inside, as the composition's.
struct Odds {
  double p, q, rho, log_rho;
  bool reflected, certain;
};
Odds odds_from_probability(double p, double q) {
  const bool reflected = p > q, certain = p == 0 || q == 0;
  const double small = certain ? kProbabilityFloor : (reflected ? q : p), large = reflected ? p : q;
  const double rho = small / large;
  return {reflected ? large : small, reflected ? small : large, rho, std::log(rho), reflected, certain};
}
Odds odds_from_logit(double l) {
  // In terms of a = -|l| <= 0: the smaller probability is sigmoid(a).
  // (Past -1000, e^a is 0 anyway; the bound keeps log w finite at l = inf.)
  const double a = std::max(-std::abs(l), -1000.0);
  const double e = std::exp(a);
  const double small = e / (1 + e), large = 1 / (1 + e);
  const bool reflected = l > 0;
  return {reflected ? large : small, reflected ? small : large, e, a, reflected, false};
}

// Sums over the support of X ~ Bin(n, p) weighted by w_k = pmf(k) /
// pmf(mode): the mass off the mode (S - 1), and sum w f, sum w X, sum w X f
// for f = f(X, log w).
struct Sums {
  double mass_off_mode = 0, f = 0, k = 0, kf = 0;
  double mass() const { return 1 + mass_off_mode; }
  double mean_f() const { return f / mass(); }
  double covariance() const { return (kf - k * f / mass()) / mass(); }  // Cov(X, f(X))
};

template <class F>
Sums binomial_sums(int n, const Odds& o, F f) {
  const LogTables& t = log_tables();
  // Over Y = X or n - X, whichever has the success probability
  // min(p, q) = rho / (1 + rho).
  const double p_small = o.reflected ? o.q : o.p;
  const int mode = std::min(n, static_cast<int>(std::floor((n + 1) * p_small)));
  Sums s;
  auto add = [&](int y, double w, double log_w) {
    const int x = o.reflected ? n - y : y;
    const double fx = f(x, log_w);
    s.f += w * fx;
    s.k += w * x;
    s.kf += w * x * fx;
  };
  add(mode, 1.0, 0.0);
  double w = 1, log_w = 0;
  for (int k = mode; k < n; ++k) {  // upwards: k -> k + 1
    w *= (n - k) * t.inverse[k + 1] * o.rho;
    log_w += t.log_int[n - k] - t.log_int[k + 1] + o.log_rho;
    s.mass_off_mode += w;
    add(k + 1, w, log_w);
  }
  w = 1, log_w = 0;
  const double inverse_rho = 1 / o.rho;
  for (int k = mode; k > 0; --k) {  // downwards: k -> k - 1
    w *= k * t.inverse[n - k + 1] * inverse_rho;
    log_w += t.log_int[k] - t.log_int[n - k + 1] - o.log_rho;
    s.mass_off_mode += w;
    add(k - 1, w, log_w);
  }
  return s;
}

// H of Bin(n, p) and dH/dl (l the logit).
struct EntropyAndSlope {
  double entropy, slope;
};
EntropyAndSlope binomial_entropy(int n, const Odds& o) {
  if (n == 0) return {0, 0};
  const Sums s = binomial_sums(n, o, [](int, double log_w) { return log_w; });
  // log pmf = log w - log S; the constant drops out of the covariance.
  return {o.certain ? 0.0 : std::log1p(s.mass_off_mode) - s.mean_f(), -s.covariance()};
}

// A count in [0, kMaxCount], or -1.
template <class T>
int small_count(T n) {
  return n >= 0 && n <= kMaxCount && n == std::floor(n) ? static_cast<int>(n) : -1;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Binomial: out[i] = H, slope[i] = dH/d(param) (when slope is given).
template <class T>
bool binomial_entropy_kernel(const T* count, const T* param, bool logits, int64_t size, T* out, T* slope) {
  std::atomic<bool> ok{true};
  at::parallel_for(0, size, 2048, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const int n = small_count(count[i]);
      if (n < 0) {
        ok = false;
        return;
      }
      const double x = param[i];
      EntropyAndSlope h{kNaN, kNaN};
      if (logits ? !std::isnan(x) : (x >= 0 && x <= 1)) {
        const Odds o = logits ? odds_from_logit(x) : odds_from_probability(x, 1 - x);
        h = binomial_entropy(n, o);
        if (!logits) h.slope /= o.p * o.q;
      }
      out[i] = static_cast<T>(h.entropy);
      if (slope != nullptr) slope[i] = static_cast<T>(h.slope);
    }
  });
  return ok;
}

// Multinomial: one row of `categories` probabilities (normalised here) per
// output; grad (when given) receives dH/d(row), through the normalisation.
template <class T>
void multinomial_entropy_kernel(int n, const T* probs, int64_t rows, int64_t categories, T* out, T* grad) {
  const LogTables& t = log_tables();
  const int64_t grain = std::max<int64_t>(1, 32768 / (categories * (n + 1)));
  at::parallel_for(0, rows, grain, [&](int64_t begin, int64_t end) {
    std::vector<double> p(categories), q(categories), g(categories);
    for (int64_t r = begin; r < end; ++r) {
      const T* x = probs + r * categories;
      double total = 0;
      for (int64_t j = 0; j < categories; ++j) total += x[j];
      bool valid = std::isfinite(total) && total > 0;
      int64_t mode = 0;
      for (int64_t j = 0; j < categories; ++j) {
        p[j] = x[j] / total;
        valid = valid && p[j] >= 0;
        if (p[j] > p[mode]) mode = j;
      }
      if (!valid) {
        out[r] = static_cast<T>(kNaN);
        if (grad != nullptr) std::fill(grad + r * categories, grad + (r + 1) * categories, static_cast<T>(kNaN));
        continue;
      }
      // q_j = the sum of the others (1 - p_j would cancel near p_j = 1).
      double prefix = 0;
      for (int64_t j = 0; j < categories; ++j) q[j] = prefix, prefix += p[j];
      double suffix = 0;
      for (int64_t j = categories - 1; j >= 0; --j) q[j] += suffix, suffix += p[j];

      double h = 0, g_mean = 0;
      for (int64_t j = 0; j < categories; ++j) {
        const Odds o = odds_from_probability(p[j], q[j]);
        const bool top = j == mode;
        const Sums s = binomial_sums(n, o, [&](int k, double) {
          return top ? t.log_factorial[n] - t.log_factorial[k] : t.log_factorial[k];
        });
        // -n p log p (log p from q near p = 1, where p has lost q's digits),
        // and E[log X!] (or -E[log(n! / X!)] for the mode).
        const double log_p = o.p > 0.5 ? std::log1p(-o.q) : std::log(o.p);
        // (A certain category, X constant 0 or n, adds exactly 0.)
        const double expected = o.certain ? 0.0 : s.mean_f();
        h += (p[j] > 0 ? -n * p[j] * log_p : 0.0) + (top ? -expected : expected);
        g[j] = -n * (log_p + 1) + (top ? -s.covariance() : s.covariance()) / (o.p * o.q);
        g_mean += p[j] * g[j];
      }
      out[r] = static_cast<T>(n == 0 ? 0.0 : h);
      if (grad != nullptr) {
        for (int64_t j = 0; j < categories; ++j) {
          grad[r * categories + j] = static_cast<T>(n == 0 ? 0.0 : (g[j] - g_mean) / total);
        }
      }
    }
  });
}

bool takes(const at::Tensor& t) {
  return t.defined() && t.device().is_cpu() && t.layout() == at::kStrided &&
         (t.scalar_type() == at::kFloat || t.scalar_type() == at::kDouble);
}

// The forward kernel's results: the entropy and its derivative in the
// parameter (one element per parameter element).
struct Computed {
  at::Tensor value, derivative;
};

// The autograd node: the forward kernel also wrote the derivative, which the
// backward scales; the backward of a backward goes through the reference.
struct CountEntropyFunction : public torch::autograd::Function<CountEntropyFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, int64_t reference, const Computed& computed,
                            const at::Tensor& count, const at::Tensor& param) {
    ctx->saved_data["reference"] = reference;
    ctx->save_for_backward({count, param, computed.derivative});
    return computed.value;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const std::vector<at::Tensor> saved = ctx->get_saved_variables();
    const at::Tensor& grad = grad_outputs[0];
    at::Tensor param_grad;
    if (ctx->needs_input_grad(1)) {
      if (at::GradMode::is_enabled()) {
        const int64_t reference = ctx->saved_data["reference"].toInt();
        param_grad = reference_backward({saved[0], saved[1]}, grad, {false, true},
                                        [reference](const std::vector<at::Tensor>& in) {
                                          return call_formula(reference, in);
                                        })[1];
      } else {
        const at::Tensor& derivative = saved[2];
        param_grad = derivative.dim() > grad.dim() ? grad.unsqueeze(-1) * derivative : grad * derivative;
        param_grad = param_grad.sum_to_size(saved[1].sizes());
      }
    }
    // One slot per forward argument: reference, computed, count, param.
    return {at::Tensor(), at::Tensor(), at::Tensor(), param_grad};
  }
};

at::Tensor with_autograd(Formula2 reference, const at::Tensor& count, const at::Tensor& param,
                         const Computed& computed) {
  if (!computed.derivative.defined()) return computed.value;
  return CountEntropyFunction::apply(formula_id(reference), computed, count.detach(), param);
}

}  // namespace

at::Tensor fused_binomial_entropy(const at::Tensor& total_count, const at::Tensor& param, bool logits,
                                  Formula2 reference) {
  if (!fast_paths_enabled() || !takes(total_count) || !takes(param) ||
      total_count.scalar_type() != param.scalar_type() || total_count.requires_grad()) {
    return {};
  }
  std::vector<at::Tensor> b = at::broadcast_tensors({total_count, param});
  const at::Tensor count = b[0].contiguous(), p = b[1].contiguous();
  const bool with_grad = any_requires_grad({param});
  at::Tensor out = at::empty(p.sizes(), p.options().requires_grad(false));
  at::Tensor slope = with_grad ? at::empty(p.sizes(), p.options().requires_grad(false)) : at::Tensor();
  bool ok = true;
  AT_DISPATCH_FLOATING_TYPES(p.scalar_type(), "fused_binomial_entropy", [&] {
    ok = binomial_entropy_kernel<scalar_t>(count.data_ptr<scalar_t>(), p.data_ptr<scalar_t>(), logits, p.numel(),
                                           out.data_ptr<scalar_t>(),
                                           with_grad ? slope.data_ptr<scalar_t>() : nullptr);
  });
  if (!ok) return {};
  return with_autograd(reference, total_count, param, {out, slope});
}

at::Tensor fused_multinomial_entropy(const at::Tensor& total_count, const at::Tensor& probs, Formula2 reference) {
  if (!fast_paths_enabled() || !takes(probs) || probs.dim() < 1 || probs.size(-1) < 1 || total_count.numel() != 1 ||
      total_count.requires_grad()) {
    return {};
  }
  const int n = small_count(total_count.item<double>());
  if (n < 0) return {};
  const at::Tensor p = probs.contiguous();
  const int64_t categories = p.size(-1);
  const int64_t rows = p.numel() / categories;
  const bool with_grad = any_requires_grad({probs});
  at::Tensor out = at::empty(p.sizes().slice(0, p.dim() - 1), p.options().requires_grad(false));
  at::Tensor grad = with_grad ? at::empty(p.sizes(), p.options().requires_grad(false)) : at::Tensor();
  AT_DISPATCH_FLOATING_TYPES(p.scalar_type(), "fused_multinomial_entropy", [&] {
    multinomial_entropy_kernel<scalar_t>(n, p.data_ptr<scalar_t>(), rows, categories, out.data_ptr<scalar_t>(),
                                         with_grad ? grad.data_ptr<scalar_t>() : nullptr);
  });
  return with_autograd(reference, total_count, probs, {out, grad});
}

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
