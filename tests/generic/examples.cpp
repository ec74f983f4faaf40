#include "examples.h"

namespace torchdist {
namespace testing {

std::vector<Example>& example_registry() {
  static std::vector<Example> registry;
  return registry;
}

RegisterExamples::RegisterExamples(std::vector<Example> examples) {
  for (Example& e : examples) example_registry().push_back(std::move(e));
}

at::Tensor param(std::vector<double> values, at::IntArrayRef shape) {
  at::Tensor t = at::tensor(values, at::kDouble);
  t = shape.empty() && values.size() == 1 ? t.reshape({}) : (shape.empty() ? t : t.reshape(shape));
  return t.set_requires_grad(true);
}

}  // namespace testing
}  // namespace torchdist
