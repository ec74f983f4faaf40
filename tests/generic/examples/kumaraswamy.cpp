#include <torchdist/distributions/kumaraswamy.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples kumaraswamy_examples({
    {"Kumaraswamy(scalar)", [] { return std::make_shared<Kumaraswamy>(param({2.0}), param({3.0})); },
     [] { return at::full({}, 1.5, at::kDouble); }},
    {"Kumaraswamy(batched)",
     [] { return std::make_shared<Kumaraswamy>(param({0.5, 1, 5}, {3}), param({0.7, 1, 20}, {3})); },
     [] { return at::tensor({0.5, -0.1, 0.5}, at::kDouble); }},
    {"Kumaraswamy(broadcast)",
     [] { return std::make_shared<Kumaraswamy>(param({0.8, 3}, {2, 1}), param({1.5, 4, 0.9}, {3})); },
     [] { return at::full({2, 3}, 2.0, at::kDouble); }},
    {"Kumaraswamy(number concentration0)",
     [] { return std::make_shared<Kumaraswamy>(param({1.5, 4}, {2}), 2.0); },
     [] { return at::tensor({0.2, -1e-3}, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
