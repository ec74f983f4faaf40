// (d) kl_divergence(Normal, Normal) over 1e6 elements; both distributions
// are built once, outside the timed loop. Until the Normal-Normal rule is
// registered, td::kl_divergence throws c10::NotImplementedError and the
// torchdist case is reported as "n/a".

#include <torchdist/distributions/normal.h>
#include <torchdist/kl/registry.h>

#include "bench_common.h"

namespace td = torchdist;
namespace tb = torchdist_bench;

namespace {

struct Inputs {
  at::Tensor loc1 = tb::normal({tb::kN}, 0.0, 1.0, 201);
  at::Tensor scale1 = tb::uniform({tb::kN}, 0.5, 2.0, 202);
  at::Tensor loc2 = tb::normal({tb::kN}, 0.0, 1.0, 203);
  at::Tensor scale2 = tb::uniform({tb::kN}, 0.5, 2.0, 204);
};
const Inputs& inputs() {
  static const Inputs in;
  return in;
}

[[maybe_unused]] const bool registered = [] {
  tb::add_pair(
      "kl/Normal_Normal_1e6",
      [] {
        const auto& in = inputs();
        return [p = td::Normal(in.loc1, in.scale1), q = td::Normal(in.loc2, in.scale2)] {
          return td::kl_divergence(p, q);
        };
      },
      [] {
        return [&in = inputs()] {
          at::Tensor var_ratio = (in.scale1 / in.scale2).pow(2);
          at::Tensor t1 = ((in.loc1 - in.loc2) / in.scale2).pow(2);
          return 0.5 * (var_ratio + t1 - 1 - var_ratio.log());
        };
      },
      tb::kBytes4In1Out);
  return true;
}();

}  // namespace
