#include <torchdist/distributions/uniform.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples uniform_examples({
    {"Uniform(scalar)", [] { return std::make_shared<Uniform>(param({0.5}), param({2.0})); },
     [] { return at::scalar_tensor(2.5, at::kDouble); }},
    {"Uniform(batched)",
     [] { return std::make_shared<Uniform>(param({-1, 0, 3}, {3}), param({0, 0.5, 10}, {3})); },
     [] { return at::tensor({-0.5, 0.25, 11.0}, at::kDouble); }},
    {"Uniform(broadcast)",
     [] { return std::make_shared<Uniform>(param({-1, 2}, {2, 1}), param({3, 4, 5}, {3})); },
     [] { return at::full({2, 3}, -2.0, at::kDouble); }},
    {"Uniform(number low)", [] { return std::make_shared<Uniform>(0.0, param({0.5, 2}, {2})); },
     [] { return at::tensor({0.1, -1.0}, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
