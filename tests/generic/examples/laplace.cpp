#include <torchdist/distributions/laplace.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
// The support is all of the real line: no invalid value.
RegisterExamples laplace_examples({
    {"Laplace(scalar)", [] { return std::make_shared<Laplace>(param({0.5}), param({2.0})); }, nullptr},
    {"Laplace(batched)", [] { return std::make_shared<Laplace>(param({-1, 0, 3}, {3}), param({0.1, 1, 10}, {3})); },
     nullptr},
    {"Laplace(broadcast)", [] { return std::make_shared<Laplace>(param({0, 1}, {2, 1}), param({0.5, 1, 2}, {3})); },
     nullptr},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
