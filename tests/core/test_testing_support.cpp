// The shared test helpers (tests/support) on inputs other tests rely on.

#include <gtest/gtest.h>

#include "../support/testing.h"

namespace {

using torchdist::testing::all_close;
using torchdist::testing::finite_difference_grad;

// d/dx sum(x^2) = 2x for transposed and expanded inputs, whose memory is
// not laid out like their shape.
TEST(TestingSupport, FiniteDifferencesTakeAnyLayout) {
  auto f = [](const at::Tensor& t) { return (t * t).sum(); };
  const at::Tensor transposed = at::arange(12, at::kDouble).reshape({3, 4}).t();
  EXPECT_TRUE(all_close(finite_difference_grad(f, transposed, 1e-6), 2 * transposed, 1e-6, 1e-6));
  const at::Tensor expanded = at::tensor({1.5}, at::kDouble).expand({3});
  EXPECT_TRUE(all_close(finite_difference_grad(f, expanded, 1e-6), at::full({3}, 3.0, at::kDouble), 1e-6, 1e-6));
}

}  // namespace
