#include <torchdist/distributions/independent.h>
#include <torchdist/distributions/normal.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
RegisterExamples independent_examples({
    {"Independent(Normal [3], 1)",
     [] { return std::make_shared<Independent>(Normal(param({-1, 0, 2}, {3}), param({0.5, 1, 2}, {3})), 1); }},
    {"Independent(Normal [2, 3], 1)",
     [] {
       return std::make_shared<Independent>(Normal(param({-1, 0, 2, 1, 1, 1}, {2, 3}), param({0.5, 1, 2, 1, 1, 1}, {2, 3})),
                                            1);
     }},
    {"Independent(Normal [2, 3], 2)",
     [] {
       return std::make_shared<Independent>(Normal(param({-1, 0, 2, 1, 1, 1}, {2, 3}), param({0.5, 1, 2, 1, 1, 1}, {2, 3})),
                                            2);
     }},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
