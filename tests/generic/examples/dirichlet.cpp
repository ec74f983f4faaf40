#include <torchdist/distributions/dirichlet.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples dirichlet_examples({
    {"Dirichlet(one vector)", [] { return std::make_shared<Dirichlet>(param({0.5, 2, 3}, {3})); },
     [] { return at::tensor({0.6, 0.5, -0.1}, at::kDouble); }},
    // Extreme concentrations too: mass at the vertices (1e-3), very peaked (1e4).
    {"Dirichlet(batched)",
     [] { return std::make_shared<Dirichlet>(param({1e-3, 1e-3, 1e-3, 1e4, 1, 1e4}, {2, 3})); },
     [] { return at::tensor({0.2, 0.2, 0.2}, at::kDouble); }},
    {"Dirichlet(k=2, batch [3])", [] { return std::make_shared<Dirichlet>(param({1, 1, 0.3, 4, 10, 0.1}, {3, 2})); },
     [] { return at::tensor({0.5, 0.5, 1.5, -0.5, 0.5, 0.5}, at::kDouble).reshape({3, 2}); }},
    {"Dirichlet(k=1)", [] { return std::make_shared<Dirichlet>(param({2.5, 0.5}, {2, 1})); },
     [] { return at::full({2, 1}, 0.5, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
