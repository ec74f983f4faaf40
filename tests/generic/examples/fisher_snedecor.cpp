#include <torchdist/distributions/fisher_snedecor.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples fisher_snedecor_examples({
    {"FisherSnedecor(scalar)", [] { return std::make_shared<FisherSnedecor>(param({5.0}), param({10.0})); },
     [] { return at::full({}, -1.0, at::kDouble); }},
    {"FisherSnedecor(batched)",
     [] { return std::make_shared<FisherSnedecor>(param({0.5, 2, 6, 40}, {4}), param({1, 2, 8, 50}, {4})); },
     [] { return at::tensor({1.0, 1.0, -0.5, 1.0}, at::kDouble); }},
    {"FisherSnedecor(broadcast)",
     [] { return std::make_shared<FisherSnedecor>(param({3, 12}, {2, 1}), param({5, 9, 20}, {3})); },
     [] { return at::full({2, 3}, -2.0, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
