#include <torchdist/distributions/beta.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples beta_examples({
    {"Beta(scalar)", [] { return std::make_shared<Beta>(param({0.5}), param({2.0})); },
     [] { return at::scalar_tensor(1.5, at::kDouble); }},
    // Extreme concentrations too: U-shaped (1e-3), uniform (1), very peaked (1e4).
    {"Beta(batched)",
     [] { return std::make_shared<Beta>(param({0.3, 1, 1e-3, 1e4}, {4}), param({0.7, 1, 1e-3, 1e4}, {4})); },
     [] { return at::tensor({0.5, -0.25, 0.5, 0.5}, at::kDouble); }},
    {"Beta(broadcast)", [] { return std::make_shared<Beta>(param({0.5, 4}, {2, 1}), param({1, 2, 30}, {3})); },
     [] { return at::full({2, 3}, 2.0, at::kDouble); }},
    {"Beta(number concentration0)", [] { return std::make_shared<Beta>(param({0.5, 2}, {2}), 3.0); },
     [] { return at::tensor({0.5, 1.0 + 1e-9}, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
