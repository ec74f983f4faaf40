#pragma once
// Builds a torchdist distribution from a JSON description written by
// run_differential.py. The description mirrors the Python constructor call:
//
//   {"family": "Normal", "params": {"loc": T, "scale": T}, "validate": true}
//
// where T is a tensor {"dtype": "float64", "shape": [3], "data": [...]}
// (or {"dtype", "shape", "file": path} with the raw elements in a file, for
// large tensors) or a plain number {"number": 1.5}; composites nest descriptions ("base",
// "mixture", "component") and TransformedDistribution lists its transforms.
// Every floating tensor parameter becomes a leaf (requiring grad when asked),
// recorded under its dotted path ("base.loc") so that the evaluator can
// report the gradient with respect to it.

#include <torchdist/torchdist.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace torchdist {
namespace differential {

using json = nlohmann::json;

/// The floating leaf tensors of one case, in the order they were created.
struct Leaves {
  bool requires_grad = false;
  std::vector<std::pair<std::string, at::Tensor>> tensors;
};

/// A tensor from its JSON form; non-finite numbers are the strings "nan",
/// "inf", "-inf". An optional "layout" makes it a view rather than a
/// contiguous tensor: "strided" takes every other element of a buffer twice
/// as long in the last dimension (NaN in the gaps), "expanded" is row 0
/// expanded along the first dimension (stride 0; the other rows' data are
/// ignored). 0-dim and empty tensors stay contiguous.
at::Tensor tensor_from_json(const json& j);

/// The JSON form of a tensor (17 significant digits are not needed: the
/// shortest representation that round-trips, which nlohmann writes).
json tensor_to_json(const at::Tensor& t);

/// The Python exception class torch raises for the condition `e` reports.
std::string error_class(const std::exception& e);

/// The first line of the message (c10 appends a C++ backtrace to what()).
std::string first_line(const std::exception& e);

/// Builds a fresh distribution each time it is called, from tensors read once.
using Builder = std::function<std::shared_ptr<Distribution>()>;

/// Reads the description `spec` once (tensors, numbers, nested descriptions,
/// transforms); floating tensor parameters are added to `leaves` under
/// `prefix` + their name. The builder constructs the distribution from them
/// as the Python call would, so a benchmark can time construction alone.
Builder parse_distribution(const json& spec, Leaves& leaves, const std::string& prefix = "");

/// parse_distribution(spec, leaves, prefix)(): one distribution.
std::shared_ptr<Distribution> make_distribution(const json& spec, Leaves& leaves, const std::string& prefix = "");

}  // namespace differential
}  // namespace torchdist
