#include <torchdist/distributions/log_normal.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples log_normal_examples({
    {"LogNormal(scalar)", [] { return std::make_shared<LogNormal>(param({0.5}), param({0.8})); },
     [] { return at::full({}, -1.0, at::kDouble); }},
    {"LogNormal(batched)",
     [] { return std::make_shared<LogNormal>(param({-1, 0, 3}, {3}), param({0.1, 1, 1.5}, {3})); },
     [] { return at::tensor({1.0, 0.0, 2.0}, at::kDouble); }},
    {"LogNormal(broadcast)",
     [] { return std::make_shared<LogNormal>(param({-1, 2}, {2, 1}), param({0.3, 0.6, 1.2}, {3})); },
     [] { return at::full({2, 3}, -0.5, at::kDouble); }},
    {"LogNormal(number loc)", [] { return std::make_shared<LogNormal>(1.0, param({0.5, 2}, {2})); },
     [] { return at::tensor({1.0, -1e-3}, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
