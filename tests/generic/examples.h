#pragma once
// The examples table for the generic tests: each family adds a few
// parameter sets (scalar, batched, broadcast) in tests/generic/examples/,
// and tests/generic/test_generic.cpp checks the properties every
// distribution must have on all of them.

#include <torchdist/torchdist.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace torchdist {
namespace testing {

struct Example {
  /// Shown on failure: "Normal(batched)".
  std::string label;
  /// Builds the distribution. Floating parameters should require grad, so
  /// that the tests can check that `sample` is detached and `rsample` is not.
  std::function<std::shared_ptr<Distribution>()> make;
  /// A value of a valid shape outside the support, or nullptr when the
  /// support is everything (the validation test is then skipped).
  std::function<at::Tensor()> invalid_value = nullptr;
};

/// All registered examples.
std::vector<Example>& example_registry();

/// Registers examples at static-initialization time (the example files are
/// linked straight into the test executable, so nothing is dropped).
struct RegisterExamples {
  explicit RegisterExamples(std::vector<Example> examples);
};

/// A leaf tensor of doubles that requires grad.
at::Tensor param(std::vector<double> values, at::IntArrayRef shape = {});

}  // namespace testing
}  // namespace torchdist
