#include <torchdist/distributions/gumbel.h>

#include <cmath>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples gumbel_examples({
    {"Gumbel(scalar)", [] { return std::make_shared<Gumbel>(param({0.5}), param({2.0})); }},
    {"Gumbel(batched)",
     [] { return std::make_shared<Gumbel>(param({-1, 0, 3}, {3}), param({0.1, 1, 10}, {3})); },
     // real() excludes only NaN.
     [] { return at::tensor({0.0, NAN, 1.0}, at::kDouble); }},
    {"Gumbel(broadcast)", [] { return std::make_shared<Gumbel>(param({-1, 2}, {2, 1}), param({1, 2, 3}, {3})); }},
    {"Gumbel(number loc)", [] { return std::make_shared<Gumbel>(1.0, param({0.5, 2}, {2})); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
