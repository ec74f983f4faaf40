#include <torchdist/distributions/bernoulli.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples bernoulli_examples({
    {"Bernoulli(scalar probs)", [] { return std::make_shared<Bernoulli>(probs(param({0.3}))); },
     [] { return at::scalar_tensor(0.5, at::kDouble); }},
    {"Bernoulli(batched probs)",
     [] { return std::make_shared<Bernoulli>(probs(param({0.05, 0.5, 0.97}, {3}))); },
     [] { return at::tensor({0.0, 2.0, 1.0}, at::kDouble); }},
    {"Bernoulli(batched logits)",
     [] { return std::make_shared<Bernoulli>(logits(param({-2, 0, 1.5, 4}, {2, 2}))); },
     [] { return at::tensor({1.0, -1.0}, at::kDouble); }},
    {"Bernoulli(scalar logits)", [] { return std::make_shared<Bernoulli>(logits(param({0.7}))); },
     [] { return at::scalar_tensor(0.25, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
