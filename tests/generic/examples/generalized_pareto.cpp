#include <torchdist/distributions/generalized_pareto.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
// Concentrations on both sides of 0 (bounded and heavy-tailed supports),
// 0 itself (the exponential limit) and -1 (uniform).
RegisterExamples generalized_pareto_examples({
    {"GeneralizedPareto(scalar)", [] { return std::make_shared<GeneralizedPareto>(param({1.0}), param({2.0}), param({0.2})); },
     [] { return at::full({}, 0.5, at::kDouble); }},
    {"GeneralizedPareto(batched)",
     [] {
       return std::make_shared<GeneralizedPareto>(param({0, 1, -2, 0.5, 3}, {5}), param({1, 0.5, 2, 1, 3}, {5}),
                                                  param({-0.9, -0.3, 0, 0.4, 1.5}, {5}));
     },
     // Above the upper end loc - scale / k = 1.111... of the first element.
     [] { return at::tensor({1.2, 2.0, 0.0, 1.0, 4.0}, at::kDouble); }},
    {"GeneralizedPareto(broadcast)",
     [] { return std::make_shared<GeneralizedPareto>(param({0, 2}, {2, 1}), param({1.0}), param({-1, 0.1, 0.3}, {3})); },
     [] { return at::full({2, 3}, -1.0, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
