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
//   {"op": "ops", "iters": N}           -> {"ok": true, "ops": {NAME: [COUNT, MICROSECONDS], ...}}
//   {"op": "ops", "order": true}        -> {"ok": true, "ops": [NAME, ...]}
//
// "ops" runs the prepared call (N times, default once) and lists the ATen
// operators it dispatches (top-level and nested, autograd's backward
// included): per name the count and the inclusive time, or in order. It is
// the profile bench/sweep/profile_case.py sets beside torch's.
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
#include <ATen/record_function.h>
#include <c10/util/Exception.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

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

// The ATen operators that `iters` runs of `call` dispatch: in order (names),
// or per name the count and the inclusive time in microseconds, summed.
struct OpRecorder {
  struct Started : at::ObserverContext {
    std::chrono::steady_clock::time_point start;
  };
  std::vector<std::string> order;
  std::map<std::string, std::pair<int64_t, double>> totals;
};
thread_local OpRecorder* recorder = nullptr;

json list_ops(const Call& call, bool in_order, int64_t iters) {
  OpRecorder record;
  recorder = &record;
  const at::CallbackHandle handle = at::addThreadLocalCallback(
      at::RecordFunctionCallback(
          [](const at::RecordFunction& fn) -> std::unique_ptr<at::ObserverContext> {
            if (recorder == nullptr) return nullptr;
            recorder->order.emplace_back(fn.name());
            auto started = std::make_unique<OpRecorder::Started>();
            started->start = std::chrono::steady_clock::now();
            return started;
          },
          [](const at::RecordFunction& fn, at::ObserverContext* context) {
            if (recorder == nullptr || context == nullptr) return;
            const std::chrono::duration<double, std::micro> took =
                std::chrono::steady_clock::now() - static_cast<OpRecorder::Started*>(context)->start;
            auto& total = recorder->totals[fn.name()];
            ++total.first;
            total.second += took.count();
          })
          .scopes({at::RecordScope::FUNCTION, at::RecordScope::BACKWARD_FUNCTION}));
  for (int64_t i = 0; i < iters; ++i) call();
  at::removeCallback(handle);
  recorder = nullptr;
  if (in_order) return json(record.order);
  json out = json::object();
  for (const auto& entry : record.totals) out[entry.first] = {entry.second.first, entry.second.second};
  return out;
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
      } else if (op == "ops") {
        TORCH_CHECK_VALUE(call != nullptr, "td_sweep: no prepared case");
        reply["ops"] = list_ops(call, request.value("order", false), request.value("iters", int64_t{1}));
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
