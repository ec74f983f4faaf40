#include <torchdist/distributions/inverse_gamma.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples inverse_gamma_examples({
    {"InverseGamma(scalar)", [] { return std::make_shared<InverseGamma>(param({3.0}), param({2.0})); },
     [] { return at::full({}, -1.0, at::kDouble); }},
    {"InverseGamma(batched)",
     [] { return std::make_shared<InverseGamma>(param({0.5, 1.5, 4, 20}, {4}), param({1, 0.1, 3, 50}, {4})); },
     [] { return at::tensor({1.0, 0.0, 1.0, 1.0}, at::kDouble); }},
    {"InverseGamma(broadcast)",
     [] { return std::make_shared<InverseGamma>(param({2.5, 6}, {2, 1}), param({0.5, 1, 4}, {3})); },
     [] { return at::full({2, 3}, -2.0, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
