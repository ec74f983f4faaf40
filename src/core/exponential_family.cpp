#include "torchdist/core/exponential_family.h"

#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <typeinfo>

#include "torchdist/core/utils.h"

namespace torchdist {
namespace {

// The natural parameters, F(theta) and grad F(theta). When a parameter
// already requires grad it is used as it is and the gradient is taken with
// create_graph, so results stay differentiable in the distribution's own
// parameters (torch detaches them); otherwise the computation runs on
// detached leaves and its results carry no graph.
struct LogNormalizerAt {
  std::vector<at::Tensor> params;
  at::Tensor value;
  std::vector<at::Tensor> grads;
};

LogNormalizerAt log_normalizer_at(const ExponentialFamily& d) {
  // Under a no-grad guard the result must carry no graph either.
  const bool caller_records_grad = at::GradMode::is_enabled();
  at::AutoGradMode enable_grad(true);
  LogNormalizerAt out{d.natural_params(), {}, {}};
  bool attached = false;
  for (auto& p : out.params) {
    if (p.requires_grad() && caller_records_grad) {
      attached = true;
    } else {
      p = p.detach().requires_grad_(true);
    }
  }
  out.value = d.log_normalizer(out.params);
  out.grads = torch::autograd::grad({out.value.sum()}, out.params, {}, /*retain_graph=*/attached,
                                    /*create_graph=*/attached, /*allow_unused=*/true);
  if (!attached) {
    out.value = out.value.detach();
    for (auto& p : out.params) p = p.detach();
  }
  return out;
}

// <a, b> summed over everything but the batch dimensions.
at::Tensor batch_inner(const at::Tensor& a, const at::Tensor& b, at::IntArrayRef batch_shape) {
  at::Tensor prod = a * b;
  return sum_rightmost(prod, std::max<int64_t>(0, prod.dim() - static_cast<int64_t>(batch_shape.size())));
}

}  // namespace

at::Tensor ExponentialFamily::mean_carrier_measure() const { not_implemented("mean_carrier_measure"); }

at::Tensor ExponentialFamily::entropy() const {
  auto f = log_normalizer_at(*this);
  at::Tensor result = f.value - mean_carrier_measure();
  for (size_t i = 0; i < f.params.size(); ++i) {
    if (f.grads[i].defined()) result = result - batch_inner(f.params[i], f.grads[i], batch_shape());
  }
  return result;
}

at::Tensor exponential_family_kl(const ExponentialFamily& p, const ExponentialFamily& q) {
  TORCH_CHECK_NOT_IMPLEMENTED(typeid(p) == typeid(q), "kl_divergence(", p.name(), ", ", q.name(),
                              "): the exponential-family rule needs two distributions of the same family");
  auto f = log_normalizer_at(p);
  auto q_params = q.natural_params();
  at::Tensor result = q.log_normalizer(q_params) - f.value;
  const int64_t batch_dims = std::max<int64_t>(p.batch_shape().size(), q.batch_shape().size());
  for (size_t i = 0; i < f.params.size(); ++i) {
    if (!f.grads[i].defined()) continue;
    at::Tensor term = (q_params[i] - f.params[i]) * f.grads[i];
    result = result - sum_rightmost(term, std::max<int64_t>(0, term.dim() - batch_dims));
  }
  return result;
}

}  // namespace torchdist
