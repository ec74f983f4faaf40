#include <torchdist/distributions/geometric.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples geometric_examples({
    {"Geometric(scalar probs)", [] { return std::make_shared<Geometric>(probs(param({0.3}))); },
     [] { return at::scalar_tensor(-1.0, at::kDouble); }},
    {"Geometric(batched probs with p = 1)",
     [] { return std::make_shared<Geometric>(probs(param({0.05, 0.5, 1.0}, {3}))); },
     [] { return at::tensor({0.0, 2.5, 0.0}, at::kDouble); }},
    {"Geometric(matrix logits)",
     [] { return std::make_shared<Geometric>(logits(param({-3.0, -0.5, 0.0, 1.0, 4.0, 10.0}, {2, 3}))); },
     [] { return at::full({2, 1}, 0.5, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
