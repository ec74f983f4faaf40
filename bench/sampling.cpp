// (c) Sampling. The distribution is built once, outside the timed loop (its
// lazily derived parameters, e.g. Categorical's probs, are computed by the
// untimed warm-up call, as torch's lazy_property is by the Python warm-up);
// each iteration draws one sample of the batch shape. The naive versions get
// the same precomputed state (probs for multinomial) where the library caches
// it. gumbel_softmax is a function: forward + backward every iteration.

#include <torch/csrc/autograd/autograd.h>

#include <torchdist/distributions/beta.h>
#include <torchdist/distributions/binomial.h>
#include <torchdist/distributions/categorical.h>
#include <torchdist/distributions/gamma.h>
#include <torchdist/distributions/normal.h>
#include <torchdist/distributions/relaxed_categorical.h>
#include <torchdist/estimators/gumbel_softmax.h>

#include "bench_common.h"

namespace td = torchdist;
namespace tb = torchdist_bench;

namespace {

constexpr double kBinomialCount = 100.0;
constexpr double kRelaxedTemperature = 0.5;
constexpr double kGumbelTau = 1.0;

struct Inputs {
  at::Tensor loc = tb::normal({tb::kN}, 0.0, 1.0, 101);
  at::Tensor scale = tb::uniform({tb::kN}, 0.5, 2.0, 102);
  at::Tensor concentration = tb::uniform({tb::kN}, 0.5, 5.0, 103);  // Gamma; Beta's concentration1
  at::Tensor rate = tb::uniform({tb::kN}, 0.5, 2.0, 104);           // Gamma
  at::Tensor concentration0 = tb::uniform({tb::kN}, 0.5, 5.0, 105);  // Beta
  at::Tensor probs = tb::uniform({tb::kN}, 0.05, 0.95, 106);         // Binomial
  at::Tensor count = at::full({tb::kN}, kBinomialCount, tb::f32());  // naive Binomial's total_count
  at::Tensor logits = tb::normal({tb::kRows, tb::kCols}, 0.0, 1.0, 107);
  at::Tensor softmax_probs = at::softmax(logits, -1);  // naive Categorical's precomputed probs
  at::Tensor grad_out = tb::normal({tb::kRows, tb::kCols}, 0.0, 1.0, 108);
};
const Inputs& inputs() {
  static const Inputs in;
  return in;
}

// Torch's F.gumbel_softmax, written with ATen ops.
at::Tensor naive_gumbel_softmax_hard(const at::Tensor& logits, double tau) {
  at::Tensor gumbels = -at::empty_like(logits).exponential_().log();
  at::Tensor y_soft = ((logits + gumbels) / tau).softmax(-1);
  at::Tensor index = std::get<1>(y_soft.max(-1, /*keepdim=*/true));
  at::Tensor y_hard = at::zeros_like(logits).scatter_(-1, index, 1.0);
  return y_hard - y_soft.detach() + y_soft;
}

[[maybe_unused]] const bool registered = [] {
  tb::add_pair(
      "sample/Normal_rsample_1e6",
      [] {
        const auto& in = inputs();
        return [d = td::Normal(in.loc, in.scale)] { return d.rsample(); };
      },
      [] { return [&in = inputs()] { return in.loc + in.scale * at::randn({tb::kN}, tb::f32()); }; },
      tb::kBytes2In1Out);

  tb::add_pair(
      "sample/Gamma_rsample_1e6",
      [] {
        const auto& in = inputs();
        return [d = td::Gamma(in.concentration, in.rate)] { return d.rsample(); };
      },
      [] { return [&in = inputs()] { return at::_standard_gamma(in.concentration) / in.rate; }; });

  tb::add_pair(
      "sample/Beta_rsample_1e6",
      [] {
        const auto& in = inputs();
        return [d = td::Beta(in.concentration, in.concentration0)] { return d.rsample(); };
      },
      [] {
        return [&in = inputs()] {
          at::Tensor x = at::_standard_gamma(in.concentration);
          at::Tensor y = at::_standard_gamma(in.concentration0);
          return x / (x + y);
        };
      });

  tb::add_pair(
      "sample/Binomial_n100_1e6",
      [] {
        const auto& in = inputs();
        return [d = td::Binomial(kBinomialCount, td::probs(in.probs))] { return d.sample(); };
      },
      [] { return [&in = inputs()] { return at::binomial(in.count, in.probs); }; });

  tb::add_pair(
      "sample/Categorical_4096x1000",
      [] {
        const auto& in = inputs();
        return [d = td::Categorical(td::logits(in.logits))] { return d.sample(); };
      },
      [] { return [&in = inputs()] { return at::multinomial(in.softmax_probs, 1, true).squeeze(-1); }; });

  tb::add_pair(
      "sample/RelaxedOneHotCategorical_rsample_4096x1000",
      [] {
        const auto& in = inputs();
        return [d = td::RelaxedOneHotCategorical(kRelaxedTemperature, td::logits(in.logits))] {
          return d.rsample();
        };
      },
      [] {
        return [&in = inputs()] {
          at::Tensor u = at::rand_like(in.logits);
          at::Tensor gumbels = -(-u.log()).log();
          return ((in.logits + gumbels) / kRelaxedTemperature).softmax(-1);
        };
      });

  // Forward + backward: the gradient of <grad_out, y> with respect to the
  // logits (torch.autograd.grad in Python).
  tb::add_pair(
      "sample/gumbel_softmax_hard_fwd_bwd_4096x1000",
      [] {
        return [&in = inputs(), logits = inputs().logits.detach().clone().set_requires_grad(true)] {
          at::Tensor y = td::gumbel_softmax(logits, kGumbelTau, /*hard=*/true);
          return torch::autograd::grad({y}, {logits}, {in.grad_out})[0];
        };
      },
      [] {
        return [&in = inputs(), logits = inputs().logits.detach().clone().set_requires_grad(true)] {
          at::Tensor y = naive_gumbel_softmax_hard(logits, kGumbelTau);
          return torch::autograd::grad({y}, {logits}, {in.grad_out})[0];
        };
      });
  return true;
}();

}  // namespace
