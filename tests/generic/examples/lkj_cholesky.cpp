#include <torchdist/distributions/lkj_cholesky.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples lkj_cholesky_examples({
    {"LKJCholesky(dim 3)", [] { return std::make_shared<LKJCholesky>(3, param({0.5})); },
     [] { return 2 * at::eye(3, at::kDouble); }},
    {"LKJCholesky(dim 2, batched)", [] { return std::make_shared<LKJCholesky>(2, param({1, 3, 0.2}, {3})); },
     [] { return at::tensor({1.0, 0.5, 0.0, 1.0}, at::kDouble).reshape({2, 2}); }},
    {"LKJCholesky(dim 5, number)", [] { return std::make_shared<LKJCholesky>(5, 2.0); },
     [] { return at::zeros({5, 5}, at::kDouble); }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
