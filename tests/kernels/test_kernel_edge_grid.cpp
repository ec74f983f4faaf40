// Every fused log_prob and KL kernel against its ATen formula on an edge
// grid: the Cartesian product, per argument, of exact integers, 1/2, the
// support's ends, magnitudes 1e-3 .. 1e4, subnormals and infinities. The
// random parameters of test_fused_kernels.cpp never land on such points,
// and a defect did live on one (Gamma's d/dconcentration at exactly 1).
//
// Values and first derivatives (of each element in each argument) must
// agree with the ATen composition:
// - double: within 1e-10 of max(1, |reference|), the same NaN and infinities;
// - float: no further from the double reference than four times ATen's own
//   float error plus 16 ulp of max(1, |reference|), the same NaN and
//   infinities (the fast float math may not lose accuracy to the naive
//   float path).

#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <torchdist/torchdist.h>

#include "../../src/kernels/elementwise.h"
#include "../../src/kernels/fused.h"

namespace td = torchdist;
namespace tk = torchdist::detail::kernels;

namespace {

using Inputs = std::vector<at::Tensor>;
using Formula = std::function<at::Tensor(const Inputs&)>;

class KernelEdgeGrid : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tk::fused_kernels_enabled()) GTEST_SKIP() << "built without the AVX2 kernels or no AVX2 on this CPU";
  }
  void TearDown() override { tk::set_fused_kernels_enabled(true); }
};

constexpr double kInf = std::numeric_limits<double>::infinity();
// A subnormal in each dtype (float's is read as a float after the cast).
constexpr double kSubnormal = 1e-310;
constexpr double kSubnormalFloat = 1e-40;

// Argument grids. Subnormals are listed for both dtypes; the float one
// rounds to a float subnormal, the double one to 0 in float (where the
// product drops it from positive grids: a scale of 0 is no parameter).
const std::vector<double> kReal = {-kInf, -1e4, -2.0, -1.0, -0.5, -kSubnormal, 0.0, kSubnormalFloat,
                                   0.5,   1.0,  2.0,  3.0,  1e4,  kInf};
const std::vector<double> kPositive = {kSubnormal, kSubnormalFloat, 1e-3, 1e-2, 0.1, 0.5, 1.0,
                                       2.0,        3.0,             10.0, 100.0, 1e3, 1e4};
const std::vector<double> kHalfLine = {0.0, kSubnormal, kSubnormalFloat, 1e-3, 0.5, 1.0, 2.0, 3.0, 10.0, 1e4, kInf};
const std::vector<double> kUnit = {0.0, kSubnormal, kSubnormalFloat, 1e-3, 0.25, 0.5, 0.75, 1.0 - 1e-3, 1.0};
const std::vector<double> kCounts = {0.0, 1.0, 2.0, 3.0, 10.0, 255.0, 256.0, 1e4};
const std::vector<double> kLogits = {-1e4, -30.0, -2.0, -0.5, 0.0, 0.5, 1.0, 30.0, 1e4};
const std::vector<double> kBinary = {0.0, 0.5, 1.0};

// The Cartesian product of the grids, one flat double tensor per argument;
// for float, positive grids lose the values that round to 0.
Inputs product(const std::vector<std::vector<double>>& grids, at::ScalarType dtype) {
  std::vector<at::Tensor> axes;
  for (const auto& g : grids) {
    const bool positive = std::all_of(g.begin(), g.end(), [](double v) { return v > 0; });
    std::vector<double> kept;
    for (double v : g) {
      if (!positive || static_cast<double>(static_cast<float>(v)) > 0 || dtype == at::kDouble) kept.push_back(v);
    }
    axes.push_back(at::tensor(kept, at::kDouble));
  }
  Inputs out;
  for (const at::Tensor& t : at::meshgrid(axes, "ij")) out.push_back(t.reshape(-1).contiguous());
  return out;
}

// The formula's value and its derivative in each argument (the elements
// are independent, so the gradient of the sum is elementwise), with the
// fused kernels on or off, in `dtype`.
Inputs evaluate(const Formula& f, const Inputs& grid, at::ScalarType dtype, bool fused) {
  const bool previous = tk::set_fused_kernels_enabled(fused);
  Inputs leaves;
  for (const at::Tensor& t : grid) leaves.push_back(t.to(dtype).detach().requires_grad_(true));
  const at::Tensor value = f(leaves);
  Inputs out{value.detach()};
  const auto grads = torch::autograd::grad({value.sum()}, leaves, {}, false, false, /*allow_unused=*/true);
  for (size_t i = 0; i < grads.size(); ++i) {
    out.push_back(grads[i].defined() ? grads[i] : at::zeros_like(leaves[i]));
  }
  tk::set_fused_kernels_enabled(previous);
  return out;
}

// d f / d grid[arg] elementwise by central differences of the reference
// path in double, with a relative step of 1e-6 (1e-6 at 0), stacked with
// the differences' rounding noise (100 eps |f| / h).
at::Tensor central_difference(const Formula& f, const Inputs& grid, size_t arg) {
  const at::Tensor x = grid[arg];
  const at::Tensor h = at::where(x == 0, at::full_like(x, 1e-6), 1e-6 * x.abs());
  Inputs up = grid, down = grid;
  up[arg] = x + h;
  down[arg] = x - h;
  const bool previous = tk::set_fused_kernels_enabled(false);
  at::Tensor fd;
  {
    at::NoGradGuard no_grad;
    const at::Tensor f_up = f(up), f_down = f(down);
    const double eps = std::numeric_limits<double>::epsilon();
    fd = at::stack({(f_up - f_down) / (2 * h), 100 * eps * at::maximum(f_up.abs(), f_down.abs()) / (2 * h)});
  }
  tk::set_fused_kernels_enabled(previous);
  return fd;
}

std::string describe(const Inputs& grid, int64_t i) {
  std::ostringstream os;
  os << "(";
  for (size_t k = 0; k < grid.size(); ++k) os << (k ? ", " : "") << grid[k][i].item<double>();
  return os.str() + ")";
}

// Reports the first few elements where `actual` breaks the rule; `what`
// names the output ("value", "d/d argument 1"). Elements where `skip` is
// true are not compared.
void expect_agree(const std::string& what, const Inputs& grid, const at::Tensor& actual_in,
                  const at::Tensor& reference_in, const at::Tensor& naive_in, bool is_float, const at::Tensor& skip,
                  const at::Tensor& finite_difference) {
  const at::Tensor actual = actual_in.to(at::kDouble), reference = reference_in.to(at::kDouble);
  const at::Tensor naive = naive_in.to(at::kDouble);
  const double float_max = std::numeric_limits<float>::max();
  auto same = [](double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; };
  int reported = 0, failures = 0;
  for (int64_t i = 0; i < actual.numel(); ++i) {
    if (skip[i].item<bool>()) continue;
    const double a = actual[i].item<double>(), r = reference[i].item<double>(), n = naive[i].item<double>();
    bool ok;
    if (std::isnan(r) && std::isfinite(a) && finite_difference.defined()) {
      // ATen's chain rule gives NaN where an intermediate under- or
      // overflows (scale^2 for a subnormal scale): the fused derivative
      // must then match central differences of the reference value.
      const double fd = finite_difference[0][i].item<double>();
      ok = std::abs(a - fd) <= 1e-5 * std::max(1.0, std::abs(fd)) + finite_difference[1][i].item<double>();
    } else if (is_float && std::isfinite(r) && std::abs(r) > float_max) {
      ok = a == std::copysign(std::numeric_limits<double>::infinity(), r);  // overflows in float
    } else if (!std::isfinite(r) || !std::isfinite(a)) {
      // The exact pattern, or (float) the naive float path's where it
      // overflows or gives NaN itself.
      ok = same(a, r) || (is_float && !std::isfinite(n) && same(a, n));
    } else if (is_float) {
      const double eps = std::numeric_limits<float>::epsilon();
      const double naive_error = std::isfinite(n) ? std::abs(n - r) : 0.0;
      ok = std::abs(a - r) <= 4 * naive_error + 16 * eps * std::max(1.0, std::abs(r));
    } else {
      ok = std::abs(a - r) <= 1e-10 * std::max(1.0, std::abs(r));
    }
    if (!ok) {
      ++failures;
      if (reported++ < 8) {
        ADD_FAILURE() << what << " at " << describe(grid, i) << ": fused " << a << ", reference " << r
                      << (is_float ? ", naive float " + std::to_string(n) : "");
      }
    }
  }
  EXPECT_EQ(failures, 0) << what << ": " << failures << " of " << actual.numel() << " elements";
}

// The fused path against the ATen formula over the product of `grids`, in
// both dtypes.
void expect_kernel_matches(const std::string& name, const Formula& f, const std::vector<std::vector<double>>& grids) {
  for (at::ScalarType dtype : {at::kDouble, at::kFloat}) {
    const bool is_float = dtype == at::kFloat;
    SCOPED_TRACE(name + (is_float ? " float" : " double"));
    const Inputs grid = product(grids, dtype);
    // Float inputs are the grid rounded to float: the reference takes the
    // same rounded inputs.
    Inputs rounded;
    for (const at::Tensor& t : grid) rounded.push_back(t.to(dtype).to(at::kDouble));
    const Inputs exact = evaluate(f, rounded, at::kDouble, false);
    const Inputs fused = evaluate(f, grid, dtype, true);
    const Inputs naive = evaluate(f, grid, dtype, false);
    // Derivatives where the density is 0 or infinite (a value at +-inf,
    // say) are not compared: ATen's chain rule gives NaN or +-inf there
    // depending on the order of its operations.
    // Nor where an argument is subnormal and the reference's derivative is
    // NaN: its chain rule divides by the square of that argument
    // (d/db (a - b) / b = -a / b^2 in log_ratio), which overflows, while the
    // true derivative may be a product of 0 and a huge finite number (0 at
    // p = q), which central differences at a relative step cannot see
    // either.
    at::Tensor degenerate = at::isfinite(exact[0]).logical_not();
    at::Tensor subnormal = at::zeros_like(degenerate);
    for (const at::Tensor& x : rounded) {
      subnormal = subnormal.logical_or((x != 0).logical_and(x.abs() < std::numeric_limits<double>::min()));
    }
    for (size_t k = 0; k < fused.size(); ++k) {
      const std::string what = k == 0 ? "value" : "d/d argument " + std::to_string(k - 1);
      expect_agree(what, rounded, fused[k], exact[k], naive[k], is_float,
                   k == 0 ? at::zeros_like(degenerate)
                          : degenerate.logical_or(subnormal.logical_and(exact[k].isnan())),
                   k == 0 ? at::Tensor() : central_difference(f, rounded, k - 1));
    }
  }
}

TEST_F(KernelEdgeGrid, Normal) {
  expect_kernel_matches("Normal", [](const Inputs& a) { return td::Normal(a[1], a[2], false).log_prob(a[0]); },
                        {kReal, kReal, kPositive});
}

TEST_F(KernelEdgeGrid, BernoulliLogits) {
  expect_kernel_matches("Bernoulli",
                        [](const Inputs& a) { return td::Bernoulli(td::logits(a[1]), false).log_prob(a[0]); },
                        {kBinary, kLogits});
}

TEST_F(KernelEdgeGrid, Gamma) {
  expect_kernel_matches("Gamma", [](const Inputs& a) { return td::Gamma(a[1], a[2], false).log_prob(a[0]); },
                        {kHalfLine, kPositive, kPositive});
}

TEST_F(KernelEdgeGrid, Poisson) {
  // The count's own gradient is the reference's inside the fused function.
  expect_kernel_matches("Poisson", [](const Inputs& a) { return td::Poisson(a[1], false).log_prob(a[0].detach()); },
                        {kCounts, kHalfLine});
}

TEST_F(KernelEdgeGrid, Beta) {
  expect_kernel_matches("Beta", [](const Inputs& a) { return td::Beta(a[1], a[2], false).log_prob(a[0]); },
                        {kUnit, kPositive, kPositive});
}

TEST_F(KernelEdgeGrid, NormalNormalKl) {
  expect_kernel_matches(
      "KL(Normal, Normal)",
      [](const Inputs& a) { return td::kl_divergence(td::Normal(a[0], a[1], false), td::Normal(a[2], a[3], false)); },
      {{-1e4, -0.5, 0.0, 1.0, 1e4}, kPositive, {-1e4, 0.0, 0.5, 1e4}, kPositive});
}

}  // namespace
