#include <torchdist/distributions/chi2.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples chi2_examples({
    {"Chi2(scalar)", [] { return std::make_shared<Chi2>(param({3.0})); },
     [] { return at::full({}, -1.0, at::kDouble); }},
    {"Chi2(batched)", [] { return std::make_shared<Chi2>(param({0.5, 1, 2, 30}, {4})); },
     [] { return at::tensor({1.0, 1.0, -2.0, 1.0}, at::kDouble); }},
    {"Chi2(2-d)", [] { return std::make_shared<Chi2>(param({1, 4, 9, 100}, {2, 2})); },
     [] { return at::full({2, 2}, -0.25, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
