#include <torchdist/distributions/cauchy.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
// The support is all of R, so there is no invalid value to try.
RegisterExamples cauchy_examples({
    {"Cauchy(scalar)", [] { return std::make_shared<Cauchy>(param({0.5}), param({2.0})); }},
    {"Cauchy(batched)",
     [] {
       return std::make_shared<Cauchy>(param({-1, 0, 3}, {3}), param({0.1, 1, 10}, {3}));
     }},
    {"Cauchy(broadcast)",
     [] {
       return std::make_shared<Cauchy>(param({-1, 2}, {2, 1}), param({1, 2, 3}, {3}));
     }},
    {"Cauchy(number loc)",
     [] {
       return std::make_shared<Cauchy>(1.0, param({0.5, 2}, {2}));
     }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
