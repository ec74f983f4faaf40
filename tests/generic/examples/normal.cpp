#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples normal_examples({
    {"Normal(scalar)", [] { return std::make_shared<Normal>(param({0.5}), param({2.0})); }},
    {"Normal(batched)",
     [] { return std::make_shared<Normal>(param({-1, 0, 3}, {3}), param({0.1, 1, 10}, {3})); }},
    {"Normal(broadcast)", [] { return std::make_shared<Normal>(param({-1, 2}, {2, 1}), param({1, 2, 3}, {3})); }},
    {"Normal(number loc)", [] { return std::make_shared<Normal>(1.0, param({0.5, 2}, {2})); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
