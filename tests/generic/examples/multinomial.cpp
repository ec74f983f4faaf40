#include <torchdist/distributions/multinomial.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples multinomial_examples({
    {"Multinomial(probs)", [] { return std::make_shared<Multinomial>(10, probs(param({0.1, 0.2, 0.3, 0.4}, {4}))); },
     [] { return at::tensor({5.0, 5.0, 1.0, 0.0}, at::kDouble); }},
    {"Multinomial(unnormalized batched probs with a zero, large n)",
     [] { return std::make_shared<Multinomial>(100000, probs(param({1, 2, 3, 5, 0, 5}, {2, 3}))); },
     [] { return at::tensor({1.5, 2.0, 3.0}, at::kDouble); }},
    {"Multinomial(batched logits)",
     [] {
       return std::make_shared<Multinomial>(3, logits(param({-1, 0, 2, 0.5, 0.5, 0.5, 3, -3, 1, 0, 0, 0}, {2, 2, 3})));
     },
     [] { return at::tensor({-1.0, 2.0, 0.0}, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
