#include <torchdist/distributions/relaxed_categorical.h>

#include <limits>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Scalar and per-batch temperatures; unnormalized probs; a temperature
// that widens the batch.
RegisterExamples relaxed_categorical_examples({
    {"ExpRelaxedCategorical(probs)",
     [] {
       return std::make_shared<ExpRelaxedCategorical>(param({0.5}), probs(param({0.1, 0.2, 0.3, 0.4}, {4})));
     },
     [] {
       return at::tensor({0.0, kNaN, 0.0, 0.0}, at::kDouble);
     }},
    {"ExpRelaxedCategorical(batched logits, per-batch temperature)",
     [] {
       return std::make_shared<ExpRelaxedCategorical>(param({0.3, 2}, {2}),
                                                      logits(param({-1, 0, 2, 0.5, 0.5, 0.5}, {2, 3})));
     },
     [] {
       return at::tensor({kNaN, 0.0, 0.0}, at::kDouble);
     }},
    {"RelaxedOneHotCategorical(probs)",
     [] {
       return std::make_shared<RelaxedOneHotCategorical>(param({0.5}), probs(param({0.1, 0.2, 0.3, 0.4}, {4})));
     },
     [] {
       return at::tensor({0.5, 0.5, 0.5, 0.0}, at::kDouble);
     }},
    {"RelaxedOneHotCategorical(unnormalized batched probs, number temperature)",
     [] {
       return std::make_shared<RelaxedOneHotCategorical>(1.5, probs(param({1, 2, 3, 5, 1, 5}, {2, 3})));
     },
     [] {
       return at::tensor({-0.5, 1.0, 0.5}, at::kDouble);
     }},
    {"RelaxedOneHotCategorical(temperature widens the batch)",
     [] {
       return std::make_shared<RelaxedOneHotCategorical>(param({0.4, 1, 3}, {3, 1}),
                                                         logits(param({-1, 0, 2, 0.5, 0.5, 0.5}, {2, 3})));
     },
     [] {
       return at::tensor({0.2, 0.2, 0.2}, at::kDouble);
     }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
