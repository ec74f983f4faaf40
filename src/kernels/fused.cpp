// Autograd for the fused kernels: a custom function whose forward
// is one kernel and whose backward is one kernel too (gradients of every
// input in one pass, summed over broadcast dimensions afterwards). Where the
// fused backward does not apply (double backward, an input it does not
// cover, a layout the kernels do not take) the gradient comes from autograd
// through the family's ATen formula, so results never depend on the path.

#include "fused.h"

#include <torch/csrc/autograd/custom_function.h>

#include <array>
#include <vector>

#include "elementwise.h"
#include "formula_eval.h"
#include "raw_kernels.h"

namespace torchdist {
namespace detail {
namespace kernels {

// A formula pointer travels through an autograd context as an integer and
// is cast back to its own type by its number of tensors.
namespace {
using AnyFormula = void (*)();
int64_t any_formula_id(AnyFormula f) { return static_cast<int64_t>(reinterpret_cast<intptr_t>(f)); }
}  // namespace
int64_t formula_id(Formula2 f) { return any_formula_id(reinterpret_cast<AnyFormula>(f)); }
int64_t formula_id(Formula3 f) { return any_formula_id(reinterpret_cast<AnyFormula>(f)); }
int64_t formula_id(Formula4 f) { return any_formula_id(reinterpret_cast<AnyFormula>(f)); }

at::Tensor call_formula(int64_t formula, const std::vector<at::Tensor>& in) {
  const auto f = reinterpret_cast<AnyFormula>(static_cast<intptr_t>(formula));
  switch (in.size()) {
    case 2: return reinterpret_cast<Formula2>(f)(in[0], in[1]);
    case 3: return reinterpret_cast<Formula3>(f)(in[0], in[1], in[2]);
    case 4: return reinterpret_cast<Formula4>(f)(in[0], in[1], in[2], in[3]);
    default: TORCH_INTERNAL_ASSERT(false, "fused kernels: no formula of ", in.size(), " tensors");
  }
}

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

// Spec: kForward, kBackward (null: reference gradients only), kFusedGrads
// (the inputs the fused backward differentiates) and extras(inputs) (more
// operands for the backward kernel; WithoutExtras gives none). `reference`
// is the caller's formula (formula_id).
template <class Spec>
struct FusedElementwise : public torch::autograd::Function<FusedElementwise<Spec>> {
  template <class... Tensors>
  static at::Tensor forward(AutogradContext* ctx, int64_t reference, const Tensors&... inputs) {
    ctx->saved_data["reference"] = reference;
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
        return with_reference_slot(std::move(result));
      }
    }
    const int64_t reference = ctx->saved_data["reference"].toInt();
    return with_reference_slot(reference_backward(
        inputs, grad, needs, [reference](const std::vector<at::Tensor>& in) { return call_formula(reference, in); }));
  }

  // No gradient for the reference argument, which comes first.
  static variable_list with_reference_slot(variable_list grads) {
    grads.insert(grads.begin(), at::Tensor());
    return grads;
  }
};

// The fused result, or undefined when the kernels do not take these inputs.
template <class Spec, class Formula, class... Tensors>
at::Tensor fused(Formula reference, const Tensors&... inputs) {
  auto plan = plan_elementwise({inputs...});
  if (!plan) return {};
  if (!any_requires_grad({inputs...})) return run_forward(Spec::kForward, *plan);
  return FusedElementwise<Spec>::apply(formula_id(reference), inputs...);
}

// The default of a Spec: no operands beyond grad and the inputs.
struct WithoutExtras {
  static std::vector<at::Tensor> extras(const std::vector<at::Tensor>&) { return {}; }
};

struct NormalSpec : WithoutExtras {
  static constexpr ForwardKernel kForward = &normal_log_prob_kernel;
  static constexpr BackwardKernel kBackward = &normal_log_prob_backward_kernel;
  static constexpr bool kFusedGrads[3] = {true, true, true};
};

struct BernoulliSpec : WithoutExtras {
  static constexpr ForwardKernel kForward = &bernoulli_log_prob_kernel;
  static constexpr BackwardKernel kBackward = &bernoulli_log_prob_backward_kernel;
  static constexpr bool kFusedGrads[2] = {true, true};
};

struct GammaSpec {
  static constexpr ForwardKernel kForward = &gamma_log_prob_kernel;
  static constexpr BackwardKernel kBackward = &gamma_log_prob_backward_kernel;
  static constexpr bool kFusedGrads[3] = {true, true, true};
  // digamma(concentration) has the parameters' shape: one ATen pass over
  // the batch, not over the samples.
  static std::vector<at::Tensor> extras(const std::vector<at::Tensor>& in) { return {at::digamma(in[1])}; }
};

struct PoissonSpec : WithoutExtras {
  static constexpr ForwardKernel kForward = &poisson_log_prob_kernel;
  static constexpr BackwardKernel kBackward = &poisson_log_prob_backward_kernel;
  // A count's gradient (rarely wanted) comes from the reference.
  static constexpr bool kFusedGrads[2] = {false, true};
};

struct BetaSpec : WithoutExtras {
  static constexpr ForwardKernel kForward = &beta_log_prob_kernel;
  static constexpr BackwardKernel kBackward = nullptr;
  static constexpr bool kFusedGrads[3] = {false, false, false};
};

struct NormalNormalKlSpec : WithoutExtras {
  static constexpr ForwardKernel kForward = &normal_normal_kl_kernel;
  static constexpr BackwardKernel kBackward = &normal_normal_kl_backward_kernel;
  static constexpr bool kFusedGrads[4] = {true, true, true, true};
};

}  // namespace

at::Tensor fused_normal_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale,
                                 Formula3 reference) {
  return fused<NormalSpec>(reference, x, loc, scale);
}
at::Tensor fused_bernoulli_log_prob(const at::Tensor& value, const at::Tensor& logits, Formula2 reference) {
  return fused<BernoulliSpec>(reference, value, logits);
}
at::Tensor fused_gamma_log_prob(const at::Tensor& x, const at::Tensor& concentration, const at::Tensor& rate,
                                Formula3 reference) {
  return fused<GammaSpec>(reference, x, concentration, rate);
}
at::Tensor fused_poisson_log_prob(const at::Tensor& value, const at::Tensor& rate, Formula2 reference) {
  return fused<PoissonSpec>(reference, value, rate);
}
at::Tensor fused_beta_log_prob(const at::Tensor& x, const at::Tensor& concentration1,
                               const at::Tensor& concentration0, Formula3 reference) {
  return fused<BetaSpec>(reference, x, concentration1, concentration0);
}

at::Tensor fused_normal_normal_kl(const at::Tensor& loc_p, const at::Tensor& scale_p, const at::Tensor& loc_q,
                                  const at::Tensor& scale_q, Formula4 reference) {
  return fused<NormalNormalKlSpec>(reference, loc_p, scale_p, loc_q, scale_q);
}

#else  // built without the AVX2 kernels: every caller takes its ATen formula

at::Tensor fused_normal_log_prob(const at::Tensor&, const at::Tensor&, const at::Tensor&, Formula3) { return {}; }
at::Tensor fused_bernoulli_log_prob(const at::Tensor&, const at::Tensor&, Formula2) { return {}; }
at::Tensor fused_gamma_log_prob(const at::Tensor&, const at::Tensor&, const at::Tensor&, Formula3) { return {}; }
at::Tensor fused_poisson_log_prob(const at::Tensor&, const at::Tensor&, Formula2) { return {}; }
at::Tensor fused_beta_log_prob(const at::Tensor&, const at::Tensor&, const at::Tensor&, Formula3) { return {}; }
at::Tensor fused_normal_normal_kl(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&,
                                  Formula4) {
  return {};
}

#endif

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
