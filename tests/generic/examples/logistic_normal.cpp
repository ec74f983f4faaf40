#include <torchdist/distributions/logistic_normal.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples logistic_normal_examples({
    // A scalar parameter is one normal coordinate: event_shape [2].
    {"LogisticNormal(scalar)", [] { return std::make_shared<LogisticNormal>(param({0.5}), param({0.8})); },
     [] { return at::tensor({0.7, 0.7}, at::kDouble); }},
    {"LogisticNormal(vector)",
     [] { return std::make_shared<LogisticNormal>(param({-1, 0, 2}, {3}), param({0.5, 1, 1.5}, {3})); },
     [] { return at::tensor({0.5, 0.6, -0.2, 0.1}, at::kDouble); }},
    {"LogisticNormal(batched)",
     [] { return std::make_shared<LogisticNormal>(param({-1, 2, 0, 1}, {2, 2}), param({0.3, 0.6}, {2})); },
     [] { return at::tensor({0.2, 0.3, 0.5, 0.2, 0.3, 0.6}, at::kDouble).view({2, 3}); }},
    {"LogisticNormal(number loc)", [] { return std::make_shared<LogisticNormal>(0.0, param({0.5, 2}, {2})); },
     [] { return at::tensor({1.5, -0.25, -0.25}, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
