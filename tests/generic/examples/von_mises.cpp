#include <torchdist/distributions/von_mises.h>

#include "../examples.h"

namespace torchdist {
namespace testing {
namespace {
// The support is all of the real line (angles modulo 2 pi): no invalid
// value. loc stays near 0 and the concentration large enough that the
// generic test's linear sample mean estimates loc (no wrap-around mass).
RegisterExamples von_mises_examples({
    {"VonMises(scalar)", [] { return std::make_shared<VonMises>(param({0.5}), param({4.0})); }, nullptr},
    {"VonMises(batched)", [] { return std::make_shared<VonMises>(param({-1, 0, 1}, {3}), param({8, 50, 1e4}, {3})); },
     nullptr},
    {"VonMises(broadcast)", [] { return std::make_shared<VonMises>(param({-0.5, 0.5}, {2, 1}), param({5, 20, 100}, {3})); },
     nullptr},
});
}  // namespace
}  // namespace testing
}  // namespace torchdist
