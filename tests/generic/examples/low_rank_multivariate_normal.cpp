#include <torchdist/distributions/low_rank_multivariate_normal.h>

#include <limits>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples low_rank_multivariate_normal_examples({
    {"LowRankMultivariateNormal(rank 1)",
     [] {
       return std::make_shared<LowRankMultivariateNormal>(param({0.5, -1, 2}, {3}), param({1, 0.5, -2}, {3, 1}),
                                                          param({0.1, 1, 2}, {3}));
     },
     [] { return at::full({3}, std::numeric_limits<double>::quiet_NaN(), at::kDouble); }},
    // loc [2, 1, 2], cov_factor [3, 2, 2], cov_diag [2]: batch [2, 3].
    {"LowRankMultivariateNormal(broadcast)",
     [] {
       return std::make_shared<LowRankMultivariateNormal>(
           param({1, 2, -1, 0}, {2, 1, 2}), param({1, 0, 0, 1, 4, 1, 1, 2, 0.5, -0.2, -0.2, 0.3}, {3, 2, 2}),
           param({0.5, 2}, {2}));
     },
     [] { return at::full({2}, std::numeric_limits<double>::quiet_NaN(), at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
