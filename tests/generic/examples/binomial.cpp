#include <torchdist/distributions/binomial.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
// total_count is the same across each batch: enumerate_support (checked on
// every example) is defined only then.
RegisterExamples binomial_examples({
    {"Binomial(scalar)", [] { return std::make_shared<Binomial>(10, probs(param({0.3}))); },
     [] { return at::scalar_tensor(11.0, at::kDouble); }},
    {"Binomial(batched probs)", [] { return std::make_shared<Binomial>(20, probs(param({0.5, 0.1, 0.9}, {3}))); },
     [] { return at::tensor({2.5, 3.0, 0.0}, at::kDouble); }},
    {"Binomial(broadcast count tensor, logits)",
     [] {
       return std::make_shared<Binomial>(at::full({2, 1}, 7.0, at::kDouble), logits(param({-1.0, 0.0, 2.0}, {3})));
     },
     [] { return at::tensor({5.0, 8.0, 1.0}, at::kDouble); }},
    {"Binomial(batched logits)", [] { return std::make_shared<Binomial>(6, logits(param({-3.0, 0.5}, {2}))); },
     [] { return at::tensor({-1.0, 0.0}, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
