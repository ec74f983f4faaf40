#include <torchdist/distributions/student_t.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
// The support is all of the real line: no invalid value. df spans the
// undefined-mean (df <= 1), infinite-variance (1 < df <= 2) and finite cases.
RegisterExamples student_t_examples({
    {"StudentT(scalar)", [] { return std::make_shared<StudentT>(param({3.0})); }, nullptr},
    {"StudentT(batched)",
     [] { return std::make_shared<StudentT>(param({0.5, 1.5, 4, 30}, {4}), param({0, 1, -2, 5}, {4}), param({1, 0.5, 2, 3}, {4})); },
     nullptr},
    {"StudentT(broadcast)",
     [] { return std::make_shared<StudentT>(param({2.5, 10}, {2, 1}), param({0.0}), param({0.5, 1, 2}, {3})); }, nullptr},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
