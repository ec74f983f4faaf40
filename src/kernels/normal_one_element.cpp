// One autograd node per call, scalar arithmetic inside: see normal_one_element.h.
// The nodes are plain torch::autograd::Node subclasses (as ATen's generated
// backward functions are) rather than torch::autograd::Function, whose apply
// does bookkeeping (saved variables, input checks) that a one-element op
// does not need.

#include "normal_one_element.h"

#include <ATen/EmptyTensor.h>
#include <ATen/core/DistributionsHelper.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#include <torch/csrc/autograd/saved_variable.h>

#include <cmath>
#include <string>
#include <vector>

#include "../core/math_constants.h"
#include "cpu_generator.h"
#include "elementwise.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

using torch::autograd::Node;
using torch::autograd::SavedVariable;
using torch::autograd::variable_list;

// A one-element CPU tensor of `dtype` (float or double) without forward-mode
// tangents, which these nodes do not propagate.
bool is_one_element(const at::Tensor& t, at::ScalarType dtype) {
  return t.defined() && t.scalar_type() == dtype && t.device().is_cpu() && t.layout() == at::kStrided &&
         t.numel() == 1 && !t.is_neg() && !t._fw_grad(/*level=*/0).defined();
}

double read(const at::Tensor& t) {
  return t.scalar_type() == at::kFloat ? static_cast<double>(*t.data_ptr<float>()) : *t.data_ptr<double>();
}

// A fresh tensor of `shape` (one element) holding `value` rounded to `dtype`.
at::Tensor filled(at::IntArrayRef shape, at::ScalarType dtype, double value) {
  at::Tensor out(at::detail::empty_cpu(shape, dtype));
  if (dtype == at::kFloat) {
    *out.data_ptr<float>() = static_cast<float>(value);
  } else {
    *out.data_ptr<double>() = value;
  }
  return out;
}

// grad * coefficient with the shape of the input it is the gradient of. When
// autograd records the backward (create_graph) the callers use ATen formulas
// instead; here the gradient is a constant.
at::Tensor scaled(const at::Tensor& grad, double coefficient, at::IntArrayRef shape) {
  if (is_one_element(grad, grad.scalar_type()) &&
      (grad.scalar_type() == at::kFloat || grad.scalar_type() == at::kDouble)) {
    return filled(shape, grad.scalar_type(), read(grad) * coefficient);
  }
  return grad.mul(coefficient).reshape(shape);
}

// d/d loc (loc + scale * eps) = 1, d/d scale = eps: what addcmul's backward
// computes for at::addcmul(loc, eps, scale).
struct ScalarNormalRsampleBackward : public Node {
  double eps = 0;
  std::vector<int64_t> loc_shape, scale_shape;

  std::string name() const override { return "torchdist::ScalarNormalRsampleBackward"; }

  variable_list apply(variable_list&& grads) override {
    const at::Tensor& grad = grads[0];
    variable_list out(2);
    if (!grad.defined()) return out;
    if (task_should_compute_output(0)) out[0] = grad.reshape(loc_shape);
    if (task_should_compute_output(1)) {
      out[1] = at::GradMode::is_enabled() ? grad.mul(eps).reshape(scale_shape) : scaled(grad, eps, scale_shape);
    }
    return out;
  }
};

// log p = -(x - m)^2 / (2 s^2) - log s - log(2 pi) / 2:
//   d/dx = -(x - m) / s^2,  d/dm = (x - m) / s^2,  d/ds = ((x - m)^2 / s^2 - 1) / s.
struct ScalarNormalLogProbBackward : public Node {
  SavedVariable x_, loc_, scale_;
  double diff = 0, scale = 1;  // x - m and s, as read in the forward pass

  std::string name() const override { return "torchdist::ScalarNormalLogProbBackward"; }

  void release_variables() override {
    x_.reset_data();
    loc_.reset_data();
    scale_.reset_data();
  }

  variable_list apply(variable_list&& grads) override {
    // Unpacking checks the saved versions: an input modified in place since
    // the forward pass raises autograd's usual error, as the ATen graph does.
    const at::Tensor x = x_.unpack(), m = loc_.unpack(), s = scale_.unpack();
    const at::Tensor& grad = grads[0];
    variable_list out(3);
    if (!grad.defined()) return out;
    if (at::GradMode::is_enabled()) {
      // create_graph: the same derivatives as differentiable ATen formulas,
      // so that autograd can take the next order.
      const at::Tensor z = (x - m) / s;
      const at::Tensor g_over_s = grad / s;
      if (task_should_compute_output(0)) out[0] = (-g_over_s * z).reshape(x.sizes());
      if (task_should_compute_output(1)) out[1] = (g_over_s * z).reshape(m.sizes());
      if (task_should_compute_output(2)) out[2] = (g_over_s * (z * z - 1)).reshape(s.sizes());
      return out;
    }
    const double z = diff / scale;
    if (task_should_compute_output(0)) out[0] = scaled(grad, -z / scale, x.sizes());
    if (task_should_compute_output(1)) out[1] = scaled(grad, z / scale, m.sizes());
    if (task_should_compute_output(2)) out[2] = scaled(grad, (z * z - 1) / scale, s.sizes());
    return out;
  }
};

// eps ~ N(0, 1) as at::normal_ draws one element of `dtype`: a double from
// at::normal_distribution under the generator's lock, rounded to `dtype`.
double draw_standard_normal(const c10::optional<at::Generator>& generator, at::ScalarType dtype) {
  const double eps = with_cpu_generator(generator, [](at::CPUGeneratorImpl* gen) {
    at::normal_distribution<double> normal(0, 1);
    return normal(gen);
  });
  return dtype == at::kFloat ? static_cast<double>(static_cast<float>(eps)) : eps;
}

}  // namespace

at::Tensor one_element_normal_rsample(const at::Tensor& loc, const at::Tensor& scale, at::IntArrayRef shape,
                                 const c10::optional<at::Generator>& generator) {
  if (!fused_kernels_enabled()) return {};
  const at::ScalarType dtype = loc.scalar_type();
  if ((dtype != at::kFloat && dtype != at::kDouble) || !is_one_element(loc, dtype) ||
      !is_one_element(scale, dtype) || c10::multiply_integers(shape) != 1) {
    return {};
  }
  if (generator.has_value() && generator->defined() && generator->device().type() != at::kCPU) return {};
  const double eps = draw_standard_normal(generator, dtype);
  at::Tensor out(at::detail::empty_cpu(shape, dtype));
  // In the dtype, as addcmul rounds: loc + (eps * scale).
  if (dtype == at::kFloat) {
    *out.data_ptr<float>() = *loc.data_ptr<float>() + static_cast<float>(eps) * *scale.data_ptr<float>();
  } else {
    *out.data_ptr<double>() = *loc.data_ptr<double>() + eps * *scale.data_ptr<double>();
  }
  if (torch::autograd::compute_requires_grad(loc, scale)) {
    auto node = std::shared_ptr<ScalarNormalRsampleBackward>(new ScalarNormalRsampleBackward(),
                                                             torch::autograd::deleteNode);
    node->eps = eps;
    node->loc_shape = loc.sizes().vec();
    node->scale_shape = scale.sizes().vec();
    node->set_next_edges(torch::autograd::collect_next_edges(loc, scale));
    torch::autograd::set_history(out, node);
  }
  return out;
}

at::Tensor one_element_normal_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale) {
  if (!fused_kernels_enabled()) return {};
  const at::ScalarType dtype = x.scalar_type();
  if ((dtype != at::kFloat && dtype != at::kDouble) || !is_one_element(x, dtype) || !is_one_element(loc, dtype) ||
      !is_one_element(scale, dtype)) {
    return {};
  }
  const double diff = read(x) - read(loc), s = read(scale);
  const double z = diff / s;
  // The broadcast shape of one-element tensors: as many ones as the most dims.
  const std::vector<int64_t> shape(std::max({x.dim(), loc.dim(), scale.dim()}), 1);
  at::Tensor out = filled(shape, dtype, -0.5 * z * z - std::log(s) - kHalfLog2Pi);
  if (torch::autograd::compute_requires_grad(x, loc, scale)) {
    auto node = std::shared_ptr<ScalarNormalLogProbBackward>(new ScalarNormalLogProbBackward(),
                                                             torch::autograd::deleteNode);
    node->x_ = SavedVariable(x, /*is_output=*/false);
    node->loc_ = SavedVariable(loc, /*is_output=*/false);
    node->scale_ = SavedVariable(scale, /*is_output=*/false);
    node->diff = diff;
    node->scale = s;
    node->set_next_edges(torch::autograd::collect_next_edges(x, loc, scale));
    torch::autograd::set_history(out, node);
  }
  return out;
}

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
