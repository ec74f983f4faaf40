// td_sweep: the torchdist side of the benchmark sweep. bench/sweep/run_sweep.py
// generates the cases from the families, times Python's torch.distributions
// on each, and asks this process to time the same case between its own
// rounds, so that the two sides alternate on the same machine state.
//
// One JSON request per line on stdin, one reply per line on stdout:
//
//   {"op": "threads", "n": 1}           -> {"ok": true}
//   {"op": "prepare", "case": CASE}     -> {"ok": true}
//                                       or {"ok": false, "error": "NotImplementedError", "message": "..."}
//   {"op": "time", "iters": N}          -> {"ok": true, "seconds": S}
//
// "prepare" reads the case's tensors once and runs its call once; "time"
// runs the prepared call N times and answers the wall time. A call is what
// a user writes in a training or RL step: the distribution constructed from
// the parameter tensors (validation as the case says), then the method:
//
//   kind "method": CASE = {"dist": SPEC, "method": "rsample" | "sample" | "log_prob" | "entropy" |
//                          "moments" (mean, then variance) | "cdf" | "icdf",
//                          "value": TENSOR, "sample_shape": [...]}
//   kind "kl":     CASE = {"dist": SPEC, "other": SPEC}: both constructed, then kl_divergence
//   kind "workflow": CASE = {"workflow": NAME, "inputs": {NAME: TENSOR}} (workflows.h)
//
// SPEC and TENSOR are the differential suite's descriptions
// (tests/differential/factory.h).

#include <torchdist/torchdist.h>

#include <ATen/Parallel.h>
#include <c10/util/Exception.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <string>

#include "factory.h"
#include "workflows.h"

namespace td = torchdist;
using td::differential::json;

namespace {

using Call = std::function<void()>;

Call method_call(const json& c) {
  td::differential::Leaves leaves;
  const td::differential::Builder build = td::differential::parse_distribution(c.at("dist"), leaves);
  const std::string method = c.at("method");
  if (method == "log_prob" || method == "cdf" || method == "icdf") {
    const at::Tensor value = td::differential::tensor_from_json(c.at("value"));
    if (method == "log_prob") return [build, value] { build()->log_prob(value); };
    if (method == "cdf") return [build, value] { build()->cdf(value); };
    return [build, value] { build()->icdf(value); };
  }
  if (method == "sample" || method == "rsample") {
    const std::vector<int64_t> shape = c.value("sample_shape", std::vector<int64_t>{});
    if (method == "sample") return [build, shape] { build()->sample(shape); };
    return [build, shape] { build()->rsample(shape); };
  }
  if (method == "entropy") return [build] { build()->entropy(); };
  if (method == "moments") {
    return [build] {
      const auto d = build();
      d->mean();
      d->variance();
    };
  }
  TORCH_CHECK_VALUE(false, "td_sweep: unknown method ", method);
}

Call prepare(const json& c) {
  const std::string kind = c.at("kind");
  if (kind == "method") return method_call(c);
  if (kind == "kl") {
    td::differential::Leaves leaves;
    const td::differential::Builder p = td::differential::parse_distribution(c.at("dist"), leaves);
    const td::differential::Builder q = td::differential::parse_distribution(c.at("other"), leaves);
    return [p, q] { td::kl_divergence(*p(), *q()); };
  }
  if (kind == "workflow") {
    std::map<std::string, at::Tensor> inputs;
    for (const auto& entry : c.at("inputs").items()) {
      inputs[entry.key()] = td::differential::tensor_from_json(entry.value());
    }
    return td::sweep::make_workflow(c.at("workflow"), std::move(inputs));
  }
  TORCH_CHECK_VALUE(false, "td_sweep: unknown kind ", kind);
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  at::set_num_threads(1);
  Call call;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    json reply{{"ok", true}};
    try {
      const json request = json::parse(line);
      const std::string op = request.at("op");
      if (op == "threads") {
        at::set_num_threads(request.at("n").get<int>());
      } else if (op == "prepare") {
        call = nullptr;
        Call prepared = prepare(request.at("case"));
        prepared();  // the first call: errors surface here, and lazy state is warmed
        call = std::move(prepared);
      } else if (op == "time") {
        TORCH_CHECK_VALUE(call != nullptr, "td_sweep: no prepared case");
        const int64_t iters = request.at("iters").get<int64_t>();
        const auto start = std::chrono::steady_clock::now();
        for (int64_t i = 0; i < iters; ++i) call();
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        reply["seconds"] = elapsed.count();
      } else {
        TORCH_CHECK_VALUE(false, "td_sweep: unknown op ", op);
      }
    } catch (const std::exception& e) {
      reply = json{{"ok", false},
                   {"error", td::differential::error_class(e)},
                   {"message", td::differential::first_line(e)}};
    }
    std::cout << reply.dump(-1, ' ', false, json::error_handler_t::replace) << std::endl;
  }
  return 0;
}
