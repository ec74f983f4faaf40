#include <torchdist/distributions/categorical.h>
#include <torchdist/distributions/gamma.h>
#include <torchdist/distributions/independent.h>
#include <torchdist/distributions/mixture_same_family.h>
#include <torchdist/distributions/normal.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples mixture_same_family_examples({
    {"MixtureSameFamily(Normal, scalar)",
     [] {
       return std::make_shared<MixtureSameFamily>(Categorical(logits(param({0.1, -0.5, 1.0}, {3}))),
                                                  Normal(param({-2, 0, 3}, {3}), param({0.5, 1, 2}, {3})));
     }},
    {"MixtureSameFamily(batched Independent Normal)",
     [] {
       return std::make_shared<MixtureSameFamily>(
           Categorical(probs(param({0.2, 0.3, 0.5, 0.6, 0.3, 0.1}, {2, 3}))),
           Independent(Normal(param({-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {2, 3, 2}),
                              param({1, 2, 0.5, 1, 1, 3, 0.2, 1, 2, 2, 1, 0.7}, {2, 3, 2})),
                       1));
     }},
    {"MixtureSameFamily(Gamma, broadcast mixture)",
     [] {
       return std::make_shared<MixtureSameFamily>(
           Categorical(logits(param({0.3, -0.3}, {1, 2}))),
           Gamma(param({0.8, 2, 3, 5, 1, 9}, {3, 2}), param({1, 0.5, 2, 1, 4, 3}, {3, 2})));
     },
     [] { return at::tensor({1.0, -1.0, 2.0}, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
