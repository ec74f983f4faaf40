// (a) Small-object latency: construct + sample + log_prob in every iteration,
// as a policy or a variational model does at each step. Validation is on
// (the library's default, as in torch.distributions).

#include <cmath>

#include <torchdist/distributions/bernoulli.h>
#include <torchdist/distributions/categorical.h>
#include <torchdist/distributions/normal.h>

#include "bench_common.h"

namespace td = torchdist;
namespace tb = torchdist_bench;

namespace {

struct Inputs {
  at::Tensor logits8 = tb::normal({tb::kCategories}, 0.0, 1.0, 11);
  // Scalar (0-dim) parameters that require grad, as rsample is used for.
  at::Tensor loc = at::scalar_tensor(0.5, tb::f32()).set_requires_grad(true);
  at::Tensor scale = at::scalar_tensor(1.5, tb::f32()).set_requires_grad(true);
  at::Tensor prob = at::scalar_tensor(0.3, tb::f32());
};
const Inputs& inputs() {
  static const Inputs in;
  return in;
}

const double kLogSqrt2Pi = 0.5 * std::log(2.0 * M_PI);

[[maybe_unused]] const bool registered = [] {
  tb::add_pair(
      "latency/Categorical_8_ctor_sample_log_prob",
      [] {
        return [&in = inputs()] {
          td::Categorical d(td::logits(in.logits8));
          at::Tensor s = d.sample();
          return d.log_prob(s);
        };
      },
      [] {
        return [&in = inputs()] {
          at::Tensor log_p = at::log_softmax(in.logits8, -1);
          at::Tensor s = at::multinomial(log_p.exp(), 1, true);  // shape [1]
          return log_p.gather(-1, s).squeeze(-1);
        };
      });

  tb::add_pair(
      "latency/Normal_scalar_ctor_rsample_log_prob",
      [] {
        return [&in = inputs()] {
          td::Normal d(in.loc, in.scale);
          at::Tensor z = d.rsample();
          return d.log_prob(z);
        };
      },
      [] {
        return [&in = inputs()] {
          at::Tensor z = in.loc + in.scale * at::randn({}, tb::f32());
          return -((z - in.loc) / in.scale).pow(2) / 2 - in.scale.log() - kLogSqrt2Pi;
        };
      });

  tb::add_pair(
      "latency/Bernoulli_1_ctor_sample_log_prob",
      [] {
        return [&in = inputs()] {
          td::Bernoulli d(td::probs(in.prob));
          at::Tensor s = d.sample();
          return d.log_prob(s);
        };
      },
      [] {
        return [&in = inputs()] {
          at::Tensor s = at::bernoulli(in.prob);
          return s * in.prob.log() + (1 - s) * (-in.prob).log1p();
        };
      });
  return true;
}();

}  // namespace
