#include <torchdist/distributions/half_normal.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples half_normal_examples({
    {"HalfNormal(scalar)", [] { return std::make_shared<HalfNormal>(param({2.0})); },
     [] { return at::full({}, -1.0, at::kDouble); }},
    {"HalfNormal(batched)", [] { return std::make_shared<HalfNormal>(param({0.1, 1, 10}, {3})); },
     [] { return at::tensor({1.0, -0.5, 2.0}, at::kDouble); }},
    {"HalfNormal(2-d)", [] { return std::make_shared<HalfNormal>(param({0.5, 1, 2, 3, 4, 5}, {2, 3})); },
     [] { return at::full({2, 3}, -1e-3, at::kDouble); }},
    {"HalfNormal(one element)", [] { return std::make_shared<HalfNormal>(param({1.5}, {1})); },
     [] { return at::full({1}, -2.0, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
