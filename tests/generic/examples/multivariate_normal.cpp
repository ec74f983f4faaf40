#include <torchdist/distributions/multivariate_normal.h>

#include <limits>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
// A NaN vector is the only kind of value outside real_vector().
at::Tensor nan_vector(int64_t n) { return at::full({n}, std::numeric_limits<double>::quiet_NaN(), at::kDouble); }

RegisterExamples multivariate_normal_examples({
    {"MultivariateNormal(covariance_matrix)",
     [] {
       return std::make_shared<MultivariateNormal>(
           param({0.5, -1, 2}, {3}), covariance_matrix(param({2, 0.6, -0.4, 0.6, 1.5, 0.3, -0.4, 0.3, 0.8}, {3, 3})));
     },
     [] { return nan_vector(3); }},
    {"MultivariateNormal(batched scale_tril)",
     [] {
       return std::make_shared<MultivariateNormal>(param({0, 1, -1, 3}, {2, 2}),
                                                   scale_tril(param({1, 0, 0.5, 2, 0.1, 0, -3, 0.2}, {2, 2, 2})));
     },
     [] { return nan_vector(2); }},
    // loc [2, 1, 2] with precision [3, 2, 2]: batch [2, 3].
    {"MultivariateNormal(broadcast precision_matrix)",
     [] {
       return std::make_shared<MultivariateNormal>(
           param({1, 2, -1, 0}, {2, 1, 2}),
           precision_matrix(param({1, 0, 0, 1, 4, 1, 1, 2, 0.5, -0.2, -0.2, 0.3}, {3, 2, 2})));
     },
     [] { return nan_vector(2); }},
    {"MultivariateNormal(D=1)",
     [] { return std::make_shared<MultivariateNormal>(param({2.0}, {1}), covariance_matrix(param({0.25}, {1, 1}))); },
     [] { return nan_vector(1); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
