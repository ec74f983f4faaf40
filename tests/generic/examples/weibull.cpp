#include <torchdist/distributions/weibull.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples weibull_examples({
    {"Weibull(scalar)", [] { return std::make_shared<Weibull>(param({2.0}), param({1.5})); },
     [] { return at::full({}, -1.0, at::kDouble); }},
    {"Weibull(batched)",
     [] {
       return std::make_shared<Weibull>(param({0.5, 1, 3}, {3}), param({0.5, 1, 5}, {3}));
     },
     [] {
       return at::tensor({1.0, 0.0, 1.0}, at::kDouble);
     }},
    {"Weibull(broadcast)",
     [] {
       return std::make_shared<Weibull>(param({1, 2}, {2, 1}), param({0.8, 2, 10}, {3}));
     },
     [] {
       return at::full({2, 3}, -0.5, at::kDouble);
     }},
    {"Weibull(number scale)",
     [] {
       return std::make_shared<Weibull>(1.0, param({3, 0.7}, {2}));
     },
     [] {
       return at::tensor({2.0, -1.0}, at::kDouble);
     }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
