#include "testing.h"

#include <ATen/core/grad_mode.h>
#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace torchdist {
namespace testing {

::testing::AssertionResult all_close(const at::Tensor& actual, const at::Tensor& expected, double rtol,
                                     double atol) {
  at::NoGradGuard no_grad;
  if (actual.sizes() != expected.sizes()) {
    return ::testing::AssertionFailure() << "shape " << actual.sizes() << " != expected " << expected.sizes();
  }
  at::Tensor a = actual.to(at::kDouble), b = expected.to(at::kDouble);
  at::Tensor both_nan = a.isnan().logical_and(b.isnan());
  at::Tensor same_inf = a.isinf().logical_and(a == b);
  at::Tensor err = (a - b).abs();
  at::Tensor tol = atol + rtol * b.abs();
  at::Tensor ok = (err <= tol).logical_or(both_nan).logical_or(same_inf);
  if (ok.all().item<bool>()) return ::testing::AssertionSuccess();
  at::Tensor bad = ok.logical_not().flatten();
  const int64_t i = bad.nonzero()[0].item<int64_t>();
  std::ostringstream os;
  os.precision(17);
  os << bad.sum().item<int64_t>() << " of " << ok.numel() << " elements differ; first at flat index " << i
     << ": actual " << a.flatten()[i].item<double>() << " vs expected " << b.flatten()[i].item<double>()
     << " (rtol " << rtol << ", atol " << atol << ")";
  return ::testing::AssertionFailure() << os.str();
}

at::Tensor tensor_of(const std::vector<double>& values, at::IntArrayRef shape) {
  at::Tensor t = at::tensor(values, at::kDouble);
  return shape.empty() && values.size() == 1 ? t.reshape({}) : (shape.empty() ? t : t.reshape(shape));
}

namespace {
// Survival function of the Kolmogorov distribution, P(K > x).
double kolmogorov_sf(double x) {
  if (x < 0.2) return 1.0;
  double sum = 0;
  for (int k = 1; k <= 100; ++k) {
    const double term = std::exp(-2.0 * k * k * x * x);
    sum += (k % 2 ? 1.0 : -1.0) * term;
    if (term < 1e-18) break;
  }
  return std::clamp(2 * sum, 0.0, 1.0);
}
}  // namespace

double ks_test(std::vector<double> samples, const std::function<double(double)>& cdf) {
  std::sort(samples.begin(), samples.end());
  const double n = static_cast<double>(samples.size());
  double d = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    const double f = cdf(samples[i]);
    d = std::max({d, (i + 1) / n - f, f - i / n});
  }
  const double sqrt_n = std::sqrt(n);
  return kolmogorov_sf((sqrt_n + 0.12 + 0.11 / sqrt_n) * d);
}

double chi_square_test(const std::vector<int64_t>& counts, const std::vector<double>& probs) {
  EXPECT_EQ(counts.size(), probs.size());
  double n = 0;
  for (int64_t c : counts) n += static_cast<double>(c);
  double stat = 0, pooled_obs = 0, pooled_exp = 0;
  int cells = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    const double expected = n * probs[i];
    if (expected < 5) {
      pooled_obs += static_cast<double>(counts[i]);
      pooled_exp += expected;
      continue;
    }
    stat += std::pow(counts[i] - expected, 2) / expected;
    ++cells;
  }
  if (pooled_exp > 0) {
    stat += std::pow(pooled_obs - pooled_exp, 2) / std::max(pooled_exp, 1e-300);
    ++cells;
  }
  if (cells < 2) return 1.0;
  return boost::math::gamma_q((cells - 1) / 2.0, stat / 2.0);
}

at::Tensor finite_difference_grad(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& x,
                                  double h) {
  at::NoGradGuard no_grad;
  // A contiguous copy, so that a transposed or expanded x can be flattened.
  at::Tensor x0 = x.detach().to(at::kDouble).clone(at::MemoryFormat::Contiguous);
  at::Tensor grad = at::zeros_like(x0);
  at::Tensor flat = x0.view({-1});
  at::Tensor gflat = grad.view({-1});
  for (int64_t i = 0; i < flat.numel(); ++i) {
    const double xi = flat[i].item<double>();
    flat[i] = xi + h;
    const double up = f(x0).item<double>();
    flat[i] = xi - h;
    const double down = f(x0).item<double>();
    flat[i] = xi;
    gflat[i] = (up - down) / (2 * h);
  }
  return grad;
}

at::Tensor autograd_grad(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& x) {
  at::Tensor leaf = x.detach().clone().set_requires_grad(true);
  at::Tensor y = f(leaf);
  y.backward();
  return leaf.grad();
}

std::vector<double> to_vector(const at::Tensor& t) {
  at::Tensor c = t.detach().to(at::kDouble).contiguous().flatten();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

}  // namespace testing
}  // namespace torchdist
