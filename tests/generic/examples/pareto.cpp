#include <torchdist/distributions/pareto.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
// alpha spans the three regimes: infinite mean (<= 1), finite mean with
// infinite variance (1 < alpha <= 2), and both finite.
RegisterExamples pareto_examples({
    {"Pareto(scalar)", [] { return std::make_shared<Pareto>(param({2.0}), param({3.0})); },
     [] { return at::full({}, 1.5, at::kDouble); }},
    {"Pareto(batched)",
     [] {
       return std::make_shared<Pareto>(param({0.5, 1, 3}, {3}), param({0.8, 1.5, 4}, {3}));
     },
     [] {
       return at::tensor({1.0, 0.5, 4.0}, at::kDouble);
     }},
    {"Pareto(broadcast)",
     [] {
       return std::make_shared<Pareto>(param({1, 2}, {2, 1}), param({2.5, 5, 10}, {3}));
     },
     [] {
       return at::full({2, 3}, 0.9, at::kDouble);
     }},
    {"Pareto(number scale)",
     [] {
       return std::make_shared<Pareto>(1.0, param({3, 6}, {2}));
     },
     [] {
       return at::tensor({2.0, 0.0}, at::kDouble);
     }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
