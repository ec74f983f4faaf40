#include <torchdist/core/probs_logits.h>
#include <torchdist/distributions/continuous_bernoulli.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples continuous_bernoulli_examples({
    {"ContinuousBernoulli(scalar probs)",
     [] { return std::make_shared<ContinuousBernoulli>(torchdist::probs(param({0.3}))); },
     [] { return at::scalar_tensor(1.5, at::kDouble); }},
    // 0.5 and 0.5005 lie in the default Taylor region (0.499, 0.501].
    {"ContinuousBernoulli(batched probs)",
     [] { return std::make_shared<ContinuousBernoulli>(torchdist::probs(param({0.05, 0.5, 0.5005, 0.95}, {4}))); },
     [] { return at::tensor({0.5, -0.1, 0.5, 0.5}, at::kDouble); }},
    {"ContinuousBernoulli(batched logits)",
     [] {
       return std::make_shared<ContinuousBernoulli>(
           torchdist::logits(param({-3, -1e-3, 0, 2e-3, 0.5, 4}, {2, 3})));
     },
     [] { return at::full({3}, 2.0, at::kDouble); }},
    // A wide Taylor region for the log normalizer, mean and variance; cdf and
    // icdf switch from their series in eta to the expm1/log1p forms at
    // |eta| = 0.01, which these probs straddle.
    {"ContinuousBernoulli(wide lims)",
     [] {
       return std::make_shared<ContinuousBernoulli>(torchdist::probs(param({0.46, 0.5, 0.503, 0.54}, {4})),
                                                    ContinuousBernoulliLims{0.45, 0.55});
     },
     [] { return at::tensor({0.5, 0.5, 0.5, 1.0 + 1e-9}, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
