// (b) log_prob over large tensors. The elementwise cases build the
// distribution once (tensor parameters of 1e6 elements) and time
// `log_prob(value)` alone, validation of the value included; each is a
// memory-bound pass compared with the bandwidth reference for its bytes.
// Categorical times construction + log_prob, because normalizing the 4096 x
// 1000 logits (done at construction, in torch too) is the bulk of the work,
// and the naive version has to do it as well.

#include <cmath>

#include <torchdist/distributions/bernoulli.h>
#include <torchdist/distributions/beta.h>
#include <torchdist/distributions/categorical.h>
#include <torchdist/distributions/gamma.h>
#include <torchdist/distributions/normal.h>
#include <torchdist/distributions/poisson.h>

#include "bench_common.h"

namespace td = torchdist;
namespace tb = torchdist_bench;

namespace {

struct NormalInputs {
  at::Tensor loc = tb::normal({tb::kN}, 0.0, 1.0, 21);
  at::Tensor scale = tb::uniform({tb::kN}, 0.5, 2.0, 22);
  at::Tensor x = tb::normal({tb::kN}, 0.0, 1.0, 23);
};
struct BernoulliInputs {
  at::Tensor logits = tb::normal({tb::kN}, 0.0, 2.0, 31);
  at::Tensor value = tb::uniform({tb::kN}, 0.0, 1.0, 32).lt(0.5).to(at::kFloat);
};
struct BetaInputs {
  at::Tensor concentration1 = tb::uniform({tb::kN}, 0.5, 5.0, 41);
  at::Tensor concentration0 = tb::uniform({tb::kN}, 0.5, 5.0, 42);
  at::Tensor x = tb::uniform({tb::kN}, 0.01, 0.99, 43);
};
struct GammaInputs {
  at::Tensor concentration = tb::uniform({tb::kN}, 0.5, 5.0, 51);
  at::Tensor rate = tb::uniform({tb::kN}, 0.5, 2.0, 52);
  at::Tensor x = tb::uniform({tb::kN}, 0.01, 5.0, 53);
};
struct PoissonInputs {
  at::Tensor rate = tb::uniform({tb::kN}, 0.5, 10.0, 61);
  at::Tensor value = at::poisson(rate, tb::seeded(62));
};
struct CategoricalInputs {
  at::Tensor logits = tb::normal({tb::kRows, tb::kCols}, 0.0, 1.0, 71);
  at::Tensor value = at::randint(0, tb::kCols, {tb::kRows}, tb::seeded(72), at::TensorOptions().dtype(at::kLong));
};

template <class T>
const T& inputs() {
  static const T in;
  return in;
}

const double kLogSqrt2Pi = 0.5 * std::log(2.0 * M_PI);

[[maybe_unused]] const bool registered = [] {
  tb::add_pair(
      "log_prob/Normal_1e6",
      [] {
        const auto& in = inputs<NormalInputs>();
        return [d = td::Normal(in.loc, in.scale), &in] { return d.log_prob(in.x); };
      },
      [] {
        return [&in = inputs<NormalInputs>()] {
          return -((in.x - in.loc) / in.scale).pow(2) / 2 - in.scale.log() - kLogSqrt2Pi;
        };
      },
      tb::kBytes3In1Out);

  tb::add_pair(
      "log_prob/Bernoulli_logits_1e6",
      [] {
        const auto& in = inputs<BernoulliInputs>();
        return [d = td::Bernoulli(td::logits(in.logits)), &in] { return d.log_prob(in.value); };
      },
      [] {
        return [&in = inputs<BernoulliInputs>()] { return in.value * in.logits - at::softplus(in.logits); };
      },
      tb::kBytes2In1Out);

  tb::add_pair(
      "log_prob/Beta_1e6",
      [] {
        const auto& in = inputs<BetaInputs>();
        return [d = td::Beta(in.concentration1, in.concentration0), &in] { return d.log_prob(in.x); };
      },
      [] {
        return [&in = inputs<BetaInputs>()] {
          const at::Tensor &a = in.concentration1, &b = in.concentration0;
          return (a - 1) * in.x.log() + (b - 1) * (-in.x).log1p() + at::lgamma(a + b) - at::lgamma(a) -
                 at::lgamma(b);
        };
      },
      tb::kBytes3In1Out);

  tb::add_pair(
      "log_prob/Gamma_1e6",
      [] {
        const auto& in = inputs<GammaInputs>();
        return [d = td::Gamma(in.concentration, in.rate), &in] { return d.log_prob(in.x); };
      },
      [] {
        return [&in = inputs<GammaInputs>()] {
          const at::Tensor &a = in.concentration, &r = in.rate;
          return a * r.log() + (a - 1) * in.x.log() - r * in.x - at::lgamma(a);
        };
      },
      tb::kBytes3In1Out);

  tb::add_pair(
      "log_prob/Poisson_1e6",
      [] {
        const auto& in = inputs<PoissonInputs>();
        return [d = td::Poisson(in.rate), &in] { return d.log_prob(in.value); };
      },
      [] {
        return [&in = inputs<PoissonInputs>()] {
          return at::xlogy(in.value, in.rate) - in.rate - at::lgamma(in.value + 1);
        };
      },
      tb::kBytes2In1Out);

  tb::add_pair(
      "log_prob/Categorical_4096x1000_ctor_log_prob",
      [] {
        return [&in = inputs<CategoricalInputs>()] {
          return td::Categorical(td::logits(in.logits)).log_prob(in.value);
        };
      },
      [] {
        return [&in = inputs<CategoricalInputs>()] {
          return at::log_softmax(in.logits, -1).gather(-1, in.value.unsqueeze(-1)).squeeze(-1);
        };
      },
      tb::kBytesCategoricalLogProb);
  return true;
}();

}  // namespace
