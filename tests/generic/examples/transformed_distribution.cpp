#include <torchdist/distributions/normal.h>
#include <torchdist/distributions/transformed_distribution.h>
#include <torchdist/transforms/affine.h>
#include <torchdist/transforms/elementwise.h>
#include <torchdist/transforms/simplex.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples transformed_distribution_examples({
    {"TransformedDistribution(Normal, Exp)",
     [] {
       return std::make_shared<TransformedDistribution>(Normal(param({0.2, -0.5}, {2}), param({0.3, 0.6}, {2})),
                                                        TransformList{std::make_shared<ExpTransform>()});
     },
     [] { return at::tensor({-1.0, 1.0}, at::kDouble); }},
    {"TransformedDistribution(Normal, Affine(decreasing), Sigmoid)",
     [] {
       return std::make_shared<TransformedDistribution>(
           Normal(param({0.1}), param({0.7})),
           TransformList{std::make_shared<AffineTransform>(0.5, -1.5), std::make_shared<SigmoidTransform>()});
     },
     [] { return at::tensor(1.5, at::kDouble); }},
    {"TransformedDistribution(Normal [3], StickBreaking)",
     [] {
       return std::make_shared<TransformedDistribution>(Normal(param({0.1, -0.2, 0.3}, {3}), param({0.5, 1, 0.8}, {3})),
                                                        TransformList{std::make_shared<StickBreakingTransform>()});
     },
     [] { return at::tensor({0.5, 0.5, 0.5, -0.5}, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
