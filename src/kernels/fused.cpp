// Autograd for the fused kernels: a custom function whose forward
// is one kernel and whose backward is one kernel too (gradients of every
// input in one pass, summed over broadcast dimensions afterwards). Where the
// fused backward does not apply (double backward, an input it does not
// cover, a layout the kernels do not take) the gradient comes from autograd
// through the family's ATen formula, so results never depend on the path.

#include "fused.h"

#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>

#include <array>
#include <vector>

#include "elementwise.h"
#include "raw_kernels.h"
#include "torchdist/distributions/bernoulli.h"
#include "torchdist/distributions/beta.h"
#include "torchdist/distributions/gamma.h"
#include "torchdist/distributions/normal.h"
#include "torchdist/distributions/poisson.h"
#include "../kl/kl_rules.h"

namespace torchdist {
namespace detail {
namespace kernels {

#if defined(TORCHDIST_HAVE_AVX2_KERNELS)
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;
using ForwardKernel = void (*)(const ElementwisePlan&, void*);
using BackwardKernel = void (*)(const ElementwisePlan&, void* const*);

at::Tensor run_forward(ForwardKernel kernel, const ElementwisePlan& plan) {
  at::Tensor out = at::empty(plan.shape, at::TensorOptions().dtype(plan.dtype));
  kernel(plan, out.data_ptr());
  return out;
}

// Gradients by autograd through the ATen formula: on the saved inputs
// themselves when the backward is itself recorded (create_graph), else on
// detached copies.
variable_list reference_backward(const std::vector<at::Tensor>& inputs, const at::Tensor& grad,
                                 const std::vector<bool>& needs,
                                 at::Tensor (*reference)(const std::vector<at::Tensor>&)) {
  const bool create_graph = at::GradMode::is_enabled();
  at::AutoGradMode enable_grad(true);
  std::vector<at::Tensor> leaves, wrt;
  for (size_t i = 0; i < inputs.size(); ++i) {
    leaves.push_back(create_graph ? inputs[i] : inputs[i].detach().requires_grad_(needs[i]));
    if (needs[i]) wrt.push_back(leaves.back());
  }
  const at::Tensor out = reference(leaves);
  const variable_list grads = torch::autograd::grad({out}, wrt, {grad}, /*retain_graph=*/create_graph,
                                                    create_graph, /*allow_unused=*/true);
  variable_list result(inputs.size());
  for (size_t i = 0, k = 0; i < inputs.size(); ++i) {
    if (needs[i]) result[i] = grads[k++];
  }
  return result;
}

// Spec: kForward, kBackward (null: reference gradients only), kFusedGrads
// (the inputs the fused backward differentiates), extras(inputs) (more
// operands for the backward kernel; WithoutExtras gives none) and
// reference(inputs).
template <class Spec>
struct FusedElementwise : public torch::autograd::Function<FusedElementwise<Spec>> {
  template <class... Tensors>
  static at::Tensor forward(AutogradContext* ctx, const Tensors&... inputs) {
    ctx->save_for_backward({inputs...});
    auto plan = plan_elementwise({inputs...});
    TORCH_INTERNAL_ASSERT(plan.has_value());
    return run_forward(Spec::kForward, *plan);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const std::vector<at::Tensor> inputs = ctx->get_saved_variables();
    const at::Tensor& grad = grad_outputs[0];
    std::vector<bool> needs(inputs.size());
    bool fused = Spec::kBackward != nullptr && !at::GradMode::is_enabled();
    for (size_t i = 0; i < inputs.size(); ++i) {
      needs[i] = ctx->needs_input_grad(i);
      if (needs[i] && !Spec::kFusedGrads[i]) fused = false;
    }
    if (fused) {
      std::vector<at::Tensor> operands{grad};
      operands.insert(operands.end(), inputs.begin(), inputs.end());
      const std::vector<at::Tensor> extras = Spec::extras(inputs);
      operands.insert(operands.end(), extras.begin(), extras.end());
      if (auto plan = plan_elementwise(operands)) {
        std::vector<at::Tensor> full(inputs.size());
        static_assert(sizeof(Spec::kFusedGrads) / sizeof(bool) <= 4, "backward kernels take at most 4 gradients");
        std::array<void*, 4> pointers{};
        for (size_t i = 0, k = 0; i < inputs.size(); ++i) {
          if (!Spec::kFusedGrads[i]) continue;
          if (needs[i]) {
            full[i] = at::empty(plan->shape, grad.options());
            pointers[k] = full[i].data_ptr();
          }
          ++k;
        }
        Spec::kBackward(*plan, pointers.data());
        variable_list result(inputs.size());
        for (size_t i = 0; i < inputs.size(); ++i) {
          if (needs[i]) result[i] = full[i].sum_to_size(inputs[i].sizes());
        }
        return result;
      }
    }
    return reference_backward(inputs, grad, needs, &Spec::reference);
  }
};

// The fused result, or undefined when the kernels do not take these inputs.
template <class Spec, class... Tensors>
at::Tensor fused(const Tensors&... inputs) {
  auto plan = plan_elementwise({inputs...});
  if (!plan) return {};
  if (!any_requires_grad({inputs...})) return run_forward(Spec::kForward, *plan);
  return FusedElementwise<Spec>::apply(inputs...);
}

// The default of a Spec: no operands beyond grad and the inputs.
struct WithoutExtras {
  static std::vector<at::Tensor> extras(const std::vector<at::Tensor>&) { return {}; }
};

struct NormalSpec : WithoutExtras {
  static constexpr ForwardKernel kForward = &normal_log_prob_kernel;
  static constexpr BackwardKernel kBackward = &normal_log_prob_backward_kernel;
  static constexpr bool kFusedGrads[3] = {true, true, true};
  static at::Tensor reference(const std::vector<at::Tensor>& in) { return normal_log_prob(in[0], in[1], in[2]); }
};

struct BernoulliSpec : WithoutExtras {
  static constexpr ForwardKernel kForward = &bernoulli_log_prob_kernel;
  static constexpr BackwardKernel kBackward = &bernoulli_log_prob_backward_kernel;
  static constexpr bool kFusedGrads[2] = {true, true};
  static at::Tensor reference(const std::vector<at::Tensor>& in) { return bernoulli_log_prob(in[0], in[1]); }
};

struct GammaSpec {
  static constexpr ForwardKernel kForward = &gamma_log_prob_kernel;
  static constexpr BackwardKernel kBackward = &gamma_log_prob_backward_kernel;
  static constexpr bool kFusedGrads[3] = {true, true, true};
  // digamma(concentration) has the parameters' shape: one ATen pass over
  // the batch, not over the samples.
  static std::vector<at::Tensor> extras(const std::vector<at::Tensor>& in) { return {at::digamma(in[1])}; }
  static at::Tensor reference(const std::vector<at::Tensor>& in) { return gamma_log_prob(in[0], in[1], in[2]); }
};

struct PoissonSpec : WithoutExtras {
  static constexpr ForwardKernel kForward = &poisson_log_prob_kernel;
  static constexpr BackwardKernel kBackward = &poisson_log_prob_backward_kernel;
  // A count's gradient (rarely wanted) comes from the reference.
  static constexpr bool kFusedGrads[2] = {false, true};
  static at::Tensor reference(const std::vector<at::Tensor>& in) { return poisson_log_prob(in[0], in[1]); }
};

struct BetaSpec : WithoutExtras {
  static constexpr ForwardKernel kForward = &beta_log_prob_kernel;
  static constexpr BackwardKernel kBackward = nullptr;
  static constexpr bool kFusedGrads[3] = {false, false, false};
  static at::Tensor reference(const std::vector<at::Tensor>& in) { return beta_log_prob(in[0], in[1], in[2]); }
};

struct NormalNormalKlSpec : WithoutExtras {
  static constexpr ForwardKernel kForward = &normal_normal_kl_kernel;
  static constexpr BackwardKernel kBackward = &normal_normal_kl_backward_kernel;
  static constexpr bool kFusedGrads[4] = {true, true, true, true};
  static at::Tensor reference(const std::vector<at::Tensor>& in) {
    return normal_normal_kl_formula(in[0], in[1], in[2], in[3]);
  }
};

}  // namespace

at::Tensor fused_normal_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale) {
  return fused<NormalSpec>(x, loc, scale);
}
at::Tensor fused_bernoulli_log_prob(const at::Tensor& value, const at::Tensor& logits) {
  return fused<BernoulliSpec>(value, logits);
}
at::Tensor fused_gamma_log_prob(const at::Tensor& x, const at::Tensor& concentration, const at::Tensor& rate) {
  return fused<GammaSpec>(x, concentration, rate);
}
at::Tensor fused_poisson_log_prob(const at::Tensor& value, const at::Tensor& rate) {
  return fused<PoissonSpec>(value, rate);
}
at::Tensor fused_beta_log_prob(const at::Tensor& x, const at::Tensor& concentration1,
                               const at::Tensor& concentration0) {
  return fused<BetaSpec>(x, concentration1, concentration0);
}

at::Tensor fused_normal_normal_kl(const at::Tensor& loc_p, const at::Tensor& scale_p, const at::Tensor& loc_q,
                                  const at::Tensor& scale_q) {
  return fused<NormalNormalKlSpec>(loc_p, scale_p, loc_q, scale_q);
}

#else  // built without the AVX2 kernels: every caller takes its ATen formula

at::Tensor fused_normal_log_prob(const at::Tensor&, const at::Tensor&, const at::Tensor&) { return {}; }
at::Tensor fused_bernoulli_log_prob(const at::Tensor&, const at::Tensor&) { return {}; }
at::Tensor fused_gamma_log_prob(const at::Tensor&, const at::Tensor&, const at::Tensor&) { return {}; }
at::Tensor fused_poisson_log_prob(const at::Tensor&, const at::Tensor&) { return {}; }
at::Tensor fused_beta_log_prob(const at::Tensor&, const at::Tensor&, const at::Tensor&) { return {}; }
at::Tensor fused_normal_normal_kl(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&) {
  return {};
}
at::Tensor fused_categorical_log_prob(const at::Tensor&, const at::Tensor&) { return {}; }
at::Tensor fused_categorical_sample(const at::Tensor&, at::IntArrayRef, const c10::optional<at::Generator>&) {
  return {};
}
at::Tensor fused_log_softmax(const at::Tensor&, bool*) { return {}; }

#endif

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
