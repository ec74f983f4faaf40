#include <torchdist/distributions/categorical.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples categorical_examples({
    {"Categorical(probs)", [] { return std::make_shared<Categorical>(probs(param({0.1, 0.2, 0.3, 0.4}, {4}))); },
     [] { return at::scalar_tensor(4, at::kLong); }},
    {"Categorical(unnormalized batched probs)",
     [] { return std::make_shared<Categorical>(probs(param({1, 2, 3, 5, 0, 5}, {2, 3}))); },
     [] { return at::tensor({0, -1}, at::kLong); }},
    {"Categorical(batched logits)",
     [] { return std::make_shared<Categorical>(logits(param({-1, 0, 2, 0.5, 0.5, 0.5, 3, -3, 1, 0, 0, 0}, {2, 2, 3}))); },
     [] { return at::tensor({1.5}, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
