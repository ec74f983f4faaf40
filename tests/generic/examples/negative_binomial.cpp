#include <torchdist/distributions/negative_binomial.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples negative_binomial_examples({
    {"NegativeBinomial(scalar)", [] { return std::make_shared<NegativeBinomial>(5.0, probs(param({0.4}))); },
     [] { return at::scalar_tensor(2.5, at::kDouble); }},
    {"NegativeBinomial(real counts, batched probs)",
     [] { return std::make_shared<NegativeBinomial>(param({0.5, 3.7, 40.0}, {3}), probs(param({0.9, 0.0, 0.2}, {3}))); },
     [] { return at::tensor({1.0, -1.0, 0.0}, at::kDouble); }},
    {"NegativeBinomial(broadcast count, logits)",
     [] {
       return std::make_shared<NegativeBinomial>(at::full({2, 1}, 2.0, at::kDouble),
                                                 logits(param({-2.0, 0.0, 1.5}, {3})));
     },
     [] { return at::tensor({0.5, 1.0, 1.0}, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
