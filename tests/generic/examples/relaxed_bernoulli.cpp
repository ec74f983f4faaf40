#include <torchdist/distributions/relaxed_bernoulli.h>

#include <limits>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Temperatures from low (0.2) to high (3); a temperature tensor that only
// broadcasts into the batch, and one that widens it.
RegisterExamples relaxed_bernoulli_examples({
    {"LogitRelaxedBernoulli(scalar)",
     [] { return std::make_shared<LogitRelaxedBernoulli>(param({0.7}), probs(param({0.3}))); },
     [] { return at::full({}, kNaN, at::kDouble); }},
    {"LogitRelaxedBernoulli(batched logits)",
     [] {
       return std::make_shared<LogitRelaxedBernoulli>(param({0.2, 1, 3}, {3}), logits(param({-2, 0, 4}, {3})));
     },
     [] {
       return at::tensor({0.0, kNaN, 1.0}, at::kDouble);
     }},
    {"LogitRelaxedBernoulli(broadcast temperature)",
     [] {
       return std::make_shared<LogitRelaxedBernoulli>(param({0.5, 2}, {2, 1}), probs(param({0.1, 0.5, 0.95}, {3})));
     },
     [] {
       return at::full({2, 3}, kNaN, at::kDouble);
     }},
    {"RelaxedBernoulli(scalar)", [] { return std::make_shared<RelaxedBernoulli>(param({0.7}), probs(param({0.3}))); },
     [] { return at::full({}, 1.5, at::kDouble); }},
    {"RelaxedBernoulli(number temperature, batched logits)",
     [] {
       return std::make_shared<RelaxedBernoulli>(0.5, logits(param({-2, 0, 4}, {3})));
     },
     [] {
       return at::tensor({0.5, -0.1, 0.5}, at::kDouble);
     }},
    {"RelaxedBernoulli(broadcast temperature)",
     [] {
       return std::make_shared<RelaxedBernoulli>(param({0.5, 2}, {2, 1}), probs(param({0.1, 0.5, 0.95}, {3})));
     },
     [] {
       return at::full({2, 3}, 2.0, at::kDouble);
     }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
