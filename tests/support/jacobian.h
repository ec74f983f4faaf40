#pragma once
// The Jacobian of a function of one flat event, by autograd, for checking
// log_abs_det_jacobian against log|det J|.

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <functional>

namespace torchdist {
namespace testing {

/// J[i][j] = d f(x)_i / d x_j for a 1-D `x` and a 1-D result.
inline at::Tensor jacobian(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& x) {
  at::Tensor leaf = x.detach().clone().set_requires_grad(true);
  at::Tensor y = f(leaf).reshape({-1});
  std::vector<at::Tensor> rows;
  for (int64_t i = 0; i < y.numel(); ++i) {
    rows.push_back(torch::autograd::grad({y[i]}, {leaf}, {}, /*retain_graph=*/true, false, /*allow_unused=*/true)[0]
                       .reshape({-1}));
  }
  return at::stack(rows);
}

/// log|det J| of a square Jacobian.
inline double log_abs_det(const at::Tensor& jac) { return std::get<1>(at::linalg_slogdet(jac)).item<double>(); }

}  // namespace testing
}  // namespace torchdist
