#include "torchdist/estimators/score_function.h"

#include <ATen/core/grad_mode.h>

namespace torchdist {
namespace {

// Whether a tensor of shape `from` broadcasts to `to` without changing it.
bool broadcasts_to(at::IntArrayRef from, at::IntArrayRef to) {
  if (from.size() > to.size()) return false;
  for (size_t i = 1; i <= from.size(); ++i) {
    const int64_t a = from[from.size() - i];
    if (a != 1 && a != to[to.size() - i]) return false;
  }
  return true;
}

}  // namespace

at::Tensor score_function_surrogate(const at::Tensor& log_prob, const at::Tensor& cost, const at::Tensor& baseline) {
  TORCH_CHECK_VALUE(log_prob.defined() && cost.defined(),
                    "score_function_surrogate: log_prob and cost must be defined tensors");
  TORCH_CHECK_VALUE(log_prob.sizes() == cost.sizes(), "score_function_surrogate: log_prob of shape ",
                    log_prob.sizes(), " and cost of shape ", cost.sizes(),
                    " must have the same shape (one entry per sample; sum log_prob over event dimensions first)");
  at::Tensor advantage = cost.detach();
  if (baseline.defined()) {
    TORCH_CHECK_VALUE(broadcasts_to(baseline.sizes(), cost.sizes()), "score_function_surrogate: baseline of shape ",
                      baseline.sizes(), " does not broadcast to the cost's shape ", cost.sizes());
    advantage = advantage - baseline.detach();
  }
  // exp(lp - lp.detach()) is exactly 1 in the forward pass, with gradient
  // d lp: the "magic box" that keeps every order of derivative correct.
  at::Tensor magic_box_minus_one = (log_prob - log_prob.detach()).exp() - 1;
  return (cost + advantage * magic_box_minus_one).mean();
}

at::Tensor leave_one_out_baseline(const at::Tensor& cost, int64_t dim) {
  TORCH_CHECK_VALUE(cost.defined(), "leave_one_out_baseline: cost must be a defined tensor");
  TORCH_CHECK_VALUE(cost.dim() > 0 && dim >= -cost.dim() && dim < cost.dim(), "leave_one_out_baseline: dim ", dim,
                    " is out of range for cost of shape ", cost.sizes());
  const int64_t n = cost.size(dim);
  TORCH_CHECK_VALUE(n >= 2, "leave_one_out_baseline: needs at least 2 samples along dim ", dim,
                    ", got cost of shape ", cost.sizes());
  at::NoGradGuard no_grad;
  at::Tensor c = cost.detach();
  return (c.sum(dim, /*keepdim=*/true) - c) / static_cast<double>(n - 1);
}

at::Tensor rloo_surrogate(const at::Tensor& log_prob, const at::Tensor& cost, int64_t dim) {
  return score_function_surrogate(log_prob, cost, leave_one_out_baseline(cost, dim));
}

MovingAverageBaseline::MovingAverageBaseline(double decay) : decay_(decay) {
  TORCH_CHECK_VALUE(decay >= 0 && decay < 1, "MovingAverageBaseline: decay must be in [0, 1), got ", decay);
}

void MovingAverageBaseline::update(const at::Tensor& cost) {
  TORCH_CHECK_VALUE(cost.defined() && cost.numel() > 0, "MovingAverageBaseline: cost must be a non-empty tensor");
  at::NoGradGuard no_grad;
  at::Tensor batch_mean = cost.detach().mean();
  value_ = value_.defined() ? decay_ * value_ + (1 - decay_) * batch_mean : batch_mean;
}

at::Tensor MovingAverageBaseline::surrogate(const at::Tensor& log_prob, const at::Tensor& cost) {
  at::Tensor loss = score_function_surrogate(log_prob, cost, value_);
  update(cost);
  return loss;
}

}  // namespace torchdist
