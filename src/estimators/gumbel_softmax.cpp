#include "torchdist/estimators/gumbel_softmax.h"

#include <cmath>

#include "torchdist/core/utils.h"
#include "../kernels/samplers.h"

namespace torchdist {

at::Tensor gumbel_noise(at::IntArrayRef shape, const at::TensorOptions& options,
                        c10::optional<at::Generator> generator) {
  // Uniforms may be exactly 0, and 1 - u may round to 0 near 1: clamp to
  // the open interval so that both logs are finite.
  const at::ScalarType dtype = c10::typeMetaToScalarType(options.dtype());
  const double lo = finfo_tiny(dtype), hi = 1 - finfo_eps(dtype);
  at::Tensor fused = detail::kernels::fused_gumbel_noise(shape, options, generator, lo, hi);
  if (fused.defined()) return fused;
  at::Tensor u = at::empty(shape, options).uniform_(0, 1, std::move(generator));
  u.clamp_(lo, hi);
  return u.log().neg_().log_().neg_();
}

at::Tensor straight_through(const at::Tensor& forward_value, const at::Tensor& surrogate) {
  return forward_value.detach() + (surrogate - surrogate.detach());
}

at::Tensor gumbel_softmax(const at::Tensor& logits, double tau, bool hard, int64_t dim,
                          c10::optional<at::Generator> generator) {
  TORCH_CHECK_VALUE(logits.defined() && at::isFloatingType(logits.scalar_type()),
                    "gumbel_softmax: logits must be a floating-point tensor");
  TORCH_CHECK_VALUE(tau > 0 && std::isfinite(tau), "gumbel_softmax: tau must be a positive finite number, got ", tau);
  const int64_t rank = std::max<int64_t>(logits.dim(), 1);
  TORCH_CHECK_VALUE(dim >= -rank && dim < rank, "gumbel_softmax: dim ", dim, " is out of range for logits of shape ",
                    logits.sizes());
  at::Tensor perturbed = logits + gumbel_noise(logits.sizes(), logits.options(), std::move(generator));
  at::Tensor soft = at::softmax(perturbed / tau, dim);
  if (!hard) return soft;
  // The argmax of the perturbed logits is the exact Gumbel-max sample (the
  // soft sample can tie at 1.0 when it saturates).
  at::Tensor one_hot;
  {
    at::NoGradGuard no_grad;
    one_hot = at::zeros_like(soft).scatter_(dim, perturbed.argmax(dim, /*keepdim=*/true), 1.0);
  }
  return straight_through(one_hot, soft);
}

}  // namespace torchdist
