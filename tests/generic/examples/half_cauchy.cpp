#include <torchdist/distributions/half_cauchy.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples half_cauchy_examples({
    {"HalfCauchy(scalar)", [] { return std::make_shared<HalfCauchy>(param({2.0})); },
     [] { return at::full({}, -1.0, at::kDouble); }},
    {"HalfCauchy(batched)",
     [] {
       return std::make_shared<HalfCauchy>(param({0.1, 1, 10}, {3}));
     },
     [] {
       return at::tensor({1.0, -1e-3, 1.0}, at::kDouble);
     }},
    {"HalfCauchy(matrix)",
     [] {
       return std::make_shared<HalfCauchy>(param({0.5, 1, 2, 4, 8, 16}, {2, 3}));
     },
     [] {
       return at::full({2, 3}, -0.5, at::kDouble);
     }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
