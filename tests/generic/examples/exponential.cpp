#include <torchdist/distributions/exponential.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples exponential_examples({
    {"Exponential(scalar)", [] { return std::make_shared<Exponential>(param({2.0})); },
     [] { return at::full({}, -1.0, at::kDouble); }},
    {"Exponential(batched)",
     [] {
       return std::make_shared<Exponential>(param({0.01, 1, 50}, {3}));
     },
     [] {
       return at::tensor({1.0, -1e-3, 1.0}, at::kDouble);
     }},
    {"Exponential(matrix)",
     [] {
       return std::make_shared<Exponential>(param({0.5, 1, 2, 4, 8, 16}, {2, 3}));
     },
     [] {
       return at::full({2, 3}, -0.5, at::kDouble);
     }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
