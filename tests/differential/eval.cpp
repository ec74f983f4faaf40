// td_differential_eval: the torchdist side of the differential suite.
//
// Reads one case per line on stdin (JSON, written by run_differential.py):
//
//   {"id": 7, "dist": {"family": "Normal", "params": {...}, "validate": true},
//    "method": "log_prob", "value": {tensor}, "grad": true}
//
// and writes one result per line on stdout, in the same order:
//
//   {"id": 7, "ok": true, "batch_shape": [3], "event_shape": [],
//    "out": {tensor}, "grads": {"loc": {tensor}, "value": null}}
//   {"id": 8, "ok": false, "stage": "construct", "error": "ValueError", "message": "..."}
//
// "grads" holds d sum(out) / d leaf for every floating parameter (by dotted
// path) and the value, null where the output does not depend on it. Methods:
// log_prob, cdf, icdf (with "value"); entropy, mean, mode, variance, stddev,
// perplexity; enumerate_support ("expand"); sample and rsample
// ("sample_shape", "seed"); shapes (only the shapes, and "arg_constraints":
// [[name, constraint name], ...]). Each case is isolated: whatever it throws
// becomes its result.

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/util/Exception.h>

#include <iostream>
#include <string>

#include "factory.h"

namespace td = torchdist;
using td::differential::json;

namespace {

at::Tensor call_method(const td::Distribution& d, const std::string& method, const json& c, const at::Tensor& value) {
  if (method == "log_prob") return d.log_prob(value);
  if (method == "cdf") return d.cdf(value);
  if (method == "icdf") return d.icdf(value);
  if (method == "entropy") return d.entropy();
  if (method == "mean") return d.mean();
  if (method == "mode") return d.mode();
  if (method == "variance") return d.variance();
  if (method == "stddev") return d.stddev();
  if (method == "perplexity") return d.perplexity();
  if (method == "enumerate_support") return d.enumerate_support(c.value("expand", true));
  if (method == "sample" || method == "rsample") {
    at::Generator gen = at::detail::createCPUGenerator(c.at("seed").get<uint64_t>());
    const std::vector<int64_t> shape = c.value("sample_shape", std::vector<int64_t>{});
    return method == "sample" ? d.sample(shape, gen) : d.rsample(shape, gen);
  }
  if (method == "shapes") return at::Tensor();
  TORCH_CHECK(false, "differential evaluator: unknown method ", method);
}

json evaluate(const json& c) {
  json result{{"id", c.at("id")}};
  const bool want_grad = c.value("grad", false);
  td::differential::Leaves leaves;
  leaves.requires_grad = want_grad;
  std::shared_ptr<td::Distribution> d;
  const char* stage = "construct";
  try {
    d = td::differential::make_distribution(c.at("dist"), leaves);
    result["batch_shape"] = d->batch_shape().vec();
    result["event_shape"] = d->event_shape().vec();
    if (c.at("method") == "shapes") {
      json args = json::array();
      for (const auto& a : d->arg_constraints()) args.push_back({a.name, a.constraint->name()});
      result["arg_constraints"] = args;
    }
    stage = "method";
    at::Tensor value;
    if (c.contains("value")) {
      value = td::differential::tensor_from_json(c["value"]);
      if (want_grad && at::isFloatingType(value.scalar_type())) value.requires_grad_(true);
    }
    const at::Tensor out = call_method(*d, c.at("method"), c, value);
    if (out.defined()) result["out"] = td::differential::tensor_to_json(out);
    if (want_grad && out.defined()) {
      stage = "grad";
      if (out.requires_grad() && at::isFloatingType(out.scalar_type())) out.sum().backward();
      json grads = json::object();
      for (const auto& leaf : leaves.tensors) {
        const at::Tensor g = leaf.second.grad();
        grads[leaf.first] = g.defined() ? td::differential::tensor_to_json(g) : json(nullptr);
      }
      if (value.defined() && at::isFloatingType(value.scalar_type())) {
        const at::Tensor g = value.grad();
        grads["value"] = g.defined() ? td::differential::tensor_to_json(g) : json(nullptr);
      }
      result["grads"] = grads;
    }
    result["ok"] = true;
  } catch (const std::exception& e) {
    result["ok"] = false;
    result["stage"] = stage;
    result["error"] = td::differential::error_class(e);
    result["message"] = td::differential::first_line(e);
  }
  return result;
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  // The suite compares single results, not threading; one thread keeps the
  // runs deterministic and leaves the second core to the Python side.
  at::set_num_threads(1);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    json result;
    try {
      result = evaluate(json::parse(line));
    } catch (const std::exception& e) {
      // A malformed case (a driver bug) is still answered, so that the
      // driver can name it rather than lose the alignment of the stream.
      result = json{{"id", nullptr}, {"ok", false}, {"stage", "parse"}, {"error", "EvaluatorError"},
                    {"message", e.what()}};
    }
    // error_handler_t::replace: a message with invalid UTF-8 must not abort the run.
    std::cout << result.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  }
  return 0;
}
