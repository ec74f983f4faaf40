#include <torchdist/distributions/one_hot_categorical_straight_through.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples one_hot_categorical_straight_through_examples({
    {"OneHotCategoricalStraightThrough(probs)",
     [] {
       return std::make_shared<OneHotCategoricalStraightThrough>(probs(param({0.1, 0.2, 0.3, 0.4}, {4})));
     },
     [] {
       return at::tensor({0.0, 1.0, 1.0, 0.0}, at::kDouble);
     }},
    {"OneHotCategoricalStraightThrough(batched logits)",
     [] {
       return std::make_shared<OneHotCategoricalStraightThrough>(
           logits(param({-1, 0, 2, 0.5, 0.5, 0.5, 3, -3, 1}, {3, 3})));
     },
     [] {
       return at::tensor({0.0, 0.5, 0.5}, at::kDouble);
     }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
