#include <torchdist/distributions/poisson.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples poisson_examples({
    {"Poisson(scalar)", [] { return std::make_shared<Poisson>(param({3.0})); },
     [] { return at::scalar_tensor(1.5, at::kDouble); }},
    {"Poisson(batched, large and small rates)",
     [] { return std::make_shared<Poisson>(param({1e-3, 0.5, 12.0, 1e4}, {4})); },
     [] { return at::tensor({1.0, -1.0, 2.0, 3.0}, at::kDouble); }},
    {"Poisson(matrix with a zero rate)",
     [] { return std::make_shared<Poisson>(param({0.0, 1.0, 2.0, 4.0, 8.0, 16.0}, {2, 3})); },
     [] { return at::full({3}, 0.25, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
