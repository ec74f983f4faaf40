#include "torchdist/distributions/uniform.h"

#include <ATen/core/grad_mode.h>

#include <cmath>
#include <sstream>

#include "../formulas/univariate.h"
#include "../kernels/elementwise.h"
#include "../kernels/formula_eval.h"

namespace torchdist {
namespace {

// Throws the "low must be less than high" error for the first pair that
// violates it. The pair is a relation between two parameters, which the
// one-constraint-per-parameter `check_params` cannot express.
// Whether low < high everywhere (false at NaN), by one scan of float or
// double CPU tensors in an elementwise plan (a bool mask and its .all()
// take two passes and an allocation); nullopt for anything else.
c10::optional<bool> all_low_less_than_high(const at::Tensor& low, const at::Tensor& high) {
  const auto plan = detail::kernels::plan_elementwise({low, high});
  if (!plan) return c10::nullopt;
  auto scan = [&](auto tag) {
    using T = decltype(tag);
    const T* lo = static_cast<const T*>(plan->operands[0].data);
    const T* hi = static_cast<const T*>(plan->operands[1].data);
    const detail::kernels::Operand &a = plan->operands[0], &b = plan->operands[1];
    if (a.period == plan->numel && b.period == plan->numel) {
      unsigned ok = 1;  // no early exit: the loop vectorizes
      for (int64_t i = 0; i < plan->numel; ++i) ok &= static_cast<unsigned>(lo[i] < hi[i]);
      return ok != 0;
    }
    for (int64_t i = 0; i < plan->numel; ++i) {
      if (!(lo[a.index(i)] < hi[b.index(i)])) return false;
    }
    return true;
  };
  return plan->dtype == at::kDouble ? scan(double{}) : scan(float{});
}

void check_low_less_than_high(const at::Tensor& low, const at::Tensor& high) {
  at::NoGradGuard no_grad;
  if (all_low_less_than_high(low, high).value_or(false)) return;
  at::Tensor ok = low < high;  // false for NaN too
  if (ok.all().item<bool>()) return;
  at::Tensor bad = ok.logical_not().reshape({-1});
  const int64_t first = bad.nonzero()[0].item<int64_t>();
  std::vector<int64_t> index;
  for (int64_t i = ok.dim() - 1, rest = first; i >= 0; --i) {
    index.insert(index.begin(), rest % ok.size(i));
    rest /= ok.size(i);
  }
  std::ostringstream os;
  os << "low = " << low.reshape({-1})[first].item<double>() << ", high = " << high.reshape({-1})[first].item<double>()
     << " at index " << at::IntArrayRef(index) << " (" << bad.sum().item<int64_t>() << " of " << ok.numel()
     << " elements invalid, shape " << ok.sizes() << ")";
  TORCH_CHECK_VALUE(false, "Uniform: low must be less than high, got ", os.str());
}

}  // namespace

// log_prob, cdf and icdf: src/formulas/univariate.h (UniformLogProb,
// UniformCdf, UniformIcdf).
at::Tensor uniform_log_prob(const at::Tensor& x, const at::Tensor& low, const at::Tensor& high) {
  return detail::kernels::evaluate<formulas::UniformLogProb>(x, low, high);
}

Uniform::Uniform(ScalarOrTensor low, ScalarOrTensor high, c10::optional<bool> validate_args)
    : Family({}, {}, validate_args) {
  // Checks each parameter on its own (finite) first, then the pair.
  init_params({std::move(low), std::move(high)});
  if (this->validate_args()) check_low_less_than_high(low_, high_);
}

ConstraintPtr Uniform::support() const { return constraints::interval(low_, high_); }

at::Tensor Uniform::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::Tensor u = at::empty(extended_shape(sample_shape), low_.options()).uniform_(0, 1, generator);
  return detail::kernels::evaluate<formulas::UniformIcdf>(u, low_, high_);
}

at::Tensor Uniform::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return uniform_log_prob(value, low_, high_);
}

at::Tensor Uniform::cdf(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return detail::kernels::evaluate<formulas::UniformCdf>(value, low_, high_);
}

at::Tensor Uniform::icdf(const at::Tensor& value) const {
  if (validate_args()) check_probability(value, "icdf");
  return detail::kernels::evaluate<formulas::UniformIcdf>(value, low_, high_);
}

at::Tensor Uniform::entropy() const { return at::log(high_ - low_); }
at::Tensor Uniform::mean() const { return detail::kernels::evaluate<formulas::UniformMean>(low_, high_); }
at::Tensor Uniform::mode() const { return at::full_like(high_, NAN); }
at::Tensor Uniform::stddev() const { return (high_ - low_) / std::sqrt(12.0); }
at::Tensor Uniform::variance() const { return detail::kernels::evaluate<formulas::UniformVariance>(low_, high_); }

}  // namespace torchdist
