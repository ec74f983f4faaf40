#include <torchdist/distributions/wishart.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples wishart_examples({
    {"Wishart(covariance_matrix)",
     [] {
       return std::make_shared<Wishart>(param({4.5}),
                                        covariance_matrix(param({2, 0.6, -0.4, 0.6, 1.5, 0.3, -0.4, 0.3, 0.8}, {3, 3})));
     },
     [] { return -at::eye(3, at::kDouble); }},
    // df [2] with one scale_tril: batch [2].
    {"Wishart(batched df, scale_tril)",
     [] { return std::make_shared<Wishart>(param({1.5, 8}, {2}), scale_tril(param({1, 0, 0.5, 2}, {2, 2}))); },
     [] { return at::tensor({1.0, 2.0, 2.0, 1.0}, at::kDouble).reshape({2, 2}); }},
    // df [3, 1] with precision [2, 2, 2]: batch [3, 2].
    {"Wishart(broadcast precision_matrix)",
     [] {
       return std::make_shared<Wishart>(param({2.5, 3, 10}, {3, 1}),
                                        precision_matrix(param({1, 0, 0, 1, 4, 1, 1, 2}, {2, 2, 2})));
     },
     [] { return at::zeros({2, 2}, at::kDouble); }},
    {"Wishart(p=1, number df)",
     [] { return std::make_shared<Wishart>(3.0, covariance_matrix(param({0.5}, {1, 1}))); },
     [] { return at::full({1, 1}, -1.0, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
