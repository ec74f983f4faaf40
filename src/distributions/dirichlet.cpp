#include "torchdist/distributions/dirichlet.h"

#include <limits>
#include <vector>

#include "../formulas/dirichlet.h"
#include "../kernels/formula_eval.h"
#include "beta_math.h"
#include "sampling.h"

namespace torchdist {
namespace {

void check_concentration(const at::Tensor& c) {
  TORCH_CHECK_VALUE(c.defined(), "Dirichlet: concentration must be a defined tensor");
  TORCH_CHECK_VALUE(c.dim() >= 1, "Dirichlet: concentration must be at least one-dimensional, got a ",
                    c.dim(), "-dim tensor");
  TORCH_CHECK_VALUE(c.size(-1) >= 1, "Dirichlet: concentration must have at least one category, got shape ",
                    c.sizes());
}

std::vector<int64_t> batch_shape_of(const at::Tensor& c) {
  check_concentration(c);
  return c.sizes().slice(0, c.dim() - 1).vec();
}

std::vector<int64_t> event_shape_of(const at::Tensor& c) {
  check_concentration(c);
  return {c.size(-1)};
}

}  // namespace

at::Tensor dirichlet_log_prob(const at::Tensor& x, const at::Tensor& concentration) {
  const at::ScalarType out_type = detail::result_float_type({x, concentration});
  // In double (see formulas/dirichlet.h): the terms' sum cancels.
  const at::Tensor xd = x.to(at::kDouble);
  const at::Tensor c = concentration.to(at::kDouble);
  const at::Tensor terms = detail::kernels::evaluate<formulas::DirichletLogProbTerm>(xd, c).sum(-1);
  // From c itself: (c - 1) + 1 is 0 for c below 2^-53.
  at::Tensor lp = terms + detail::kernels::evaluate<formulas::LogGamma>(c.sum(-1));
  // The vanishing coordinates contribute S * log(t) -> -inf * sign(S) as
  // they go to 0 together (t -> 0), S the sum of their c - 1; S = 0
  // contributes nothing. A constant: no gradient. On the CPU the scan is
  // skipped where no coordinate vanishes.
  const at::Tensor on_face = xd == 0;
  if (!xd.is_cpu() || on_face.any().item<bool>()) {
    const at::Tensor s = at::where(on_face, c - 1, at::zeros({}, c.options())).sum(-1).detach();
    const double inf = std::numeric_limits<double>::infinity();
    lp = lp + at::where(s > 0, at::full_like(s, -inf), at::where(s < 0, at::full_like(s, inf), at::zeros_like(s)));
  }
  return lp.to(out_type);
}

at::Tensor dirichlet_entropy(const at::Tensor& concentration) {
  // In double (see formulas/dirichlet.h).
  const at::Tensor c = concentration.to(at::kDouble);
  const auto k = static_cast<double>(c.size(-1));
  const at::Tensor c0 = c.sum(-1);
  // sum_i [lgamma(c_i) - (c_i - 1) psi(c_i)] - [lgamma(c_0) - (c_0 - 1) psi(c_0)]
  // - (k - 1) psi(c_0): both brackets by the same formula, so that one
  // category gives exactly 0.
  using formulas::DirichletEntropyTerm;
  const at::Tensor h = detail::kernels::evaluate<DirichletEntropyTerm>(c).sum(-1) -
                       detail::kernels::evaluate<DirichletEntropyTerm>(c0) - (k - 1) * at::digamma(c0);
  return h.to(concentration.scalar_type());
}

at::Tensor dirichlet_mode(const at::Tensor& concentration) {
  const at::Tensor& c = concentration;
  const at::Tensor excess = (c - 1).clamp_min(0);
  const at::Tensor total = excess.sum(-1, /*keepdim=*/true);
  const at::Tensor degenerate = total == 0;  // every c_i <= 1
  // A safe denominator: 0 / 0 would make the gradient NaN even where unused.
  const at::Tensor regular = excess / at::where(degenerate, at::ones_like(total), total);
  // First index with c_i >= 1, or index 0 where there is none (torch's choice).
  const at::Tensor index = (c >= 1).to(c.scalar_type()).argmax(-1);
  const at::Tensor vertex = at::one_hot(index, c.size(-1)).to(c.scalar_type());
  // The uniform law (every c_i = 1) has no single mode: NaN, as torch.
  const at::Tensor uniform = (c == 1).all(-1, /*keepdim=*/true);
  return at::where(uniform, at::full({}, std::numeric_limits<double>::quiet_NaN(), c.options()),
                   at::where(degenerate, vertex, regular));
}

Dirichlet::Dirichlet(at::Tensor concentration, c10::optional<bool> validate_args)
    : Family(batch_shape_of(concentration), event_shape_of(concentration), validate_args) {
  // broadcast_all of one tensor: integer tensors become the default dtype.
  // Not init_params: the last dimension is the event.
  concentration_ = broadcast_all({concentration})[0];
  if (this->validate_args()) validate_params();
}

at::Tensor Dirichlet::rsample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  const at::ScalarType dtype = concentration_.scalar_type();
  at::Tensor x;
  {
    // Not differentiated: the gradient is the implicit one, evaluated at the
    // sample (dirichlet_implicit_reparam).
    at::NoGradGuard no_grad;
    const at::Tensor c = concentration_.to(at::kDouble).expand(extended_shape(sample_shape));
    x = at::softmax(detail::log_standard_gamma_for(c, dtype, std::move(generator)), -1);
  }
  // Components below the smallest normal number (underflowed, or rounded to
  // 0 in the cast) are raised to it; the sum moves by at most k * tiny. The
  // gradient is taken at the unrounded sample.
  const at::Tensor value = x.to(dtype).clamp(finfo_tiny(dtype), 1.0);
  return detail::dirichlet_implicit_reparam(value, x, concentration_);
}

at::Tensor Dirichlet::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  return dirichlet_log_prob(value, concentration_);
}

at::Tensor Dirichlet::entropy() const { return dirichlet_entropy(concentration_); }

at::Tensor Dirichlet::mean() const { return concentration_ / concentration_.sum(-1, /*keepdim=*/true); }

at::Tensor Dirichlet::mode() const { return dirichlet_mode(concentration_); }

at::Tensor Dirichlet::variance() const {
  const at::Tensor c0 = concentration_.sum(-1, /*keepdim=*/true);
  return concentration_ * (c0 - concentration_) / (c0.pow(2) * (c0 + 1));
}

// theta = c, t(x) = log x and k(x) = -sum_i log x_i: the density
// prod_i x_i^(c_i - 1) / B(c) is exp(<log x, c> - log B(c) + k(x)).
std::vector<at::Tensor> Dirichlet::natural_params() const { return {concentration_}; }

at::Tensor Dirichlet::log_normalizer(const std::vector<at::Tensor>& natural_params) const {
  TORCH_CHECK_VALUE(natural_params.size() == 1, "Dirichlet: log_normalizer takes 1 natural parameter, got ",
                    natural_params.size());
  const at::Tensor& c = natural_params[0];
  return at::lgamma(c).sum(-1) - at::lgamma(c.sum(-1));
}

// E[log x_i] = digamma(c_i) - digamma(c_0).
at::Tensor Dirichlet::mean_carrier_measure() const {
  const auto k = static_cast<double>(concentration_.size(-1));
  return k * at::digamma(concentration_.sum(-1)) - at::digamma(concentration_).sum(-1);
}

}  // namespace torchdist
