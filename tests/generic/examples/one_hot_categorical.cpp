#include <torchdist/distributions/one_hot_categorical.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples one_hot_categorical_examples({
    {"OneHotCategorical(probs)",
     [] { return std::make_shared<OneHotCategorical>(probs(param({0.1, 0.2, 0.3, 0.4}, {4}))); },
     [] { return at::tensor({0.0, 1.0, 1.0, 0.0}, at::kDouble); }},
    {"OneHotCategorical(unnormalized batched probs)",
     [] { return std::make_shared<OneHotCategorical>(probs(param({1, 2, 3, 5, 0, 5}, {2, 3}))); },
     [] { return at::tensor({0.0, 0.5, 0.5}, at::kDouble); }},
    {"OneHotCategorical(batched logits)",
     [] { return std::make_shared<OneHotCategorical>(logits(param({-1, 0, 2, 0.5, 0.5, 0.5, 3, -3, 1}, {3, 3}))); },
     [] { return at::tensor({0.0, 0.0, 0.0}, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
