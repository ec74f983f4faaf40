#include <torchdist/distributions/gamma.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples gamma_examples({
    {"Gamma(scalar)", [] { return std::make_shared<Gamma>(param({2.0}), param({1.5})); },
     [] { return at::full({}, -1.0, at::kDouble); }},
    {"Gamma(batched)",
     [] { return std::make_shared<Gamma>(param({0.5, 1, 40}, {3}), param({1, 0.1, 10}, {3})); },
     [] { return at::tensor({1.0, -1.0, 1.0}, at::kDouble); }},
    {"Gamma(broadcast)",
     [] { return std::make_shared<Gamma>(param({0.7, 3}, {2, 1}), param({1, 2, 3}, {3})); },
     [] { return at::full({2, 3}, -0.5, at::kDouble); }},
    {"Gamma(number rate)", [] { return std::make_shared<Gamma>(param({2, 5}, {2}), 2.0); },
     [] { return at::full({2}, -1e-3, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
