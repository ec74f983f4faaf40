// VonMises: log_prob against the closed form with Boost's cyl_bessel_i (and
// 50-digit mpmath values of log I0 where I0 overflows a double), the
// circular variance and the entropy against Boost / quadrature / mpmath,
// sampling by KS tests against a cdf obtained by quadrature of the density
// (concentrations 1e-6 to 1e5, float32, a wrapped loc), termination and
// spread at the extremes (1e-300 to 1e300), gradients against finite
// differences, and validation messages.

#include <torchdist/distributions/von_mises.h>

#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/bessel.hpp>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

constexpr double kPi = 3.14159265358979323846;

// log(I0(k)) - k: Boost for k <= 700; mpmath (50 digits) for larger k.
double log_i0e(double k) {
  if (k == 1e3) return -4.3726911101305353285;
  if (k == 1e5) return -6.6754000156835368867;
  if (k == 1e8) return -10.129278903930855472;
  return std::log(boost::math::cyl_bessel_i(0, k)) - k;
}

TEST(VonMises, LogProbMatchesClosedForm) {
  for (double k : {1e-8, 1e-3, 0.5, 1.0, 4.0, 60.0, 700.0, 1e3, 1e5, 1e8}) {
    for (double loc : {0.0, 2.5, -7.0}) {
      SCOPED_TRACE(::testing::Message() << "k " << k << " loc " << loc);
      td::VonMises v(tensor_of({loc}), tensor_of({k}));
      std::vector<double> xs, lp;
      for (double d : {-3.0, -1e-3, 0.0, 1e-5, 0.2, 1.5, 3.14, 10.0}) {
        xs.push_back(loc + d);
        // k cos(d) - log(2 pi I0(k)), written around k so that the
        // reference itself does not cancel: k (cos(d) - 1) - log(i0e(k)).
        lp.push_back(-2 * k * std::pow(std::sin(d / 2), 2) - std::log(2 * kPi) - log_i0e(k));
      }
      const auto n = static_cast<int64_t>(xs.size());
      // The value x = loc + d is rounded, which moves the angle by up to
      // eps |loc|: the absolute term covers k * that shift * |sin d|.
      EXPECT_TRUE(all_close(v.log_prob(tensor_of(xs, {n})), tensor_of(lp, {n}), 1e-12, 1e-14 * (1 + k * std::abs(loc))));
    }
  }
  // Angles are read modulo 2 pi.
  td::VonMises v(0.3, 2.0);
  at::Tensor x = at::full({}, 1.0f);
  EXPECT_NEAR(v.log_prob(x).item<float>(), v.log_prob(x + 2 * kPi).item<float>(), 1e-5);
}

TEST(VonMises, VarianceAndEntropy) {
  // 1 - I1/I0 and log(2 pi I0) - k I1/I0: Boost for k <= 700, mpmath above.
  std::vector<double> ks = {1e-8, 1e-3, 0.5, 1, 4, 60, 700, 1e3, 1e5, 1e8}, var, ent;
  for (double k : ks) {
    if (k == 1e3) {
      var.push_back(0.00050012512519571980108);
      ent.push_back(-2.0346889185254700439);
    } else if (k == 1e5) {
      var.push_back(5.0000125001250019532e-6);
      ent.push_back(-4.3375216992616912078);
    } else if (k == 1e8) {
      var.push_back(5.000000012500000125e-9);
      ent.push_back(-7.7914018362715099755);
    } else {
      const double a = boost::math::cyl_bessel_i(1, k) / boost::math::cyl_bessel_i(0, k);
      var.push_back(1 - a);
      ent.push_back(std::log(2 * kPi * boost::math::cyl_bessel_i(0, k)) - k * a);
    }
  }
  const auto n = static_cast<int64_t>(ks.size());
  td::VonMises v(at::zeros({n}, at::kDouble), tensor_of(ks, {n}));
  // Relative precision of the variance all the way (the direct 1 - I1/I0
  // at k = 700 cancels ~3 digits, hence 1e-12 rather than 1e-14).
  EXPECT_TRUE(all_close(v.variance(), tensor_of(var, {n}), 1e-12, 0));
  EXPECT_TRUE(all_close(v.entropy(), tensor_of(ent, {n}), 1e-12, 1e-13));
  EXPECT_TRUE(all_close(v.mean(), at::zeros({n}, at::kDouble), 0, 0));
  EXPECT_TRUE(all_close(v.mode(), at::zeros({n}, at::kDouble), 0, 0));

  // The entropy against quadrature of -p log p, independently of Bessel functions.
  for (double k : {0.2, 3.0, 40.0}) {
    auto density = [&](double t) { return std::exp(k * (std::cos(t) - 1)); };
    const double z = boost::math::quadrature::gauss_kronrod<double, 61>::integrate(density, -kPi, kPi, 15, 1e-14);
    auto integrand = [&](double t) {
      const double p = density(t) / z;
      return -p * std::log(p);
    };
    const double h = boost::math::quadrature::gauss_kronrod<double, 61>::integrate(integrand, -kPi, kPi, 15, 1e-14);
    EXPECT_NEAR(td::VonMises(1.0, tensor_of({k})).entropy().item<double>(), h, 1e-12) << k;
  }
  // float32: the variance keeps its relative precision at large k.
  td::VonMises vf(at::zeros({2}), at::tensor({1e4f, 1e6f}));
  EXPECT_TRUE(all_close(vf.variance().to(at::kDouble), tensor_of({0.000050001250125019535, 5.00000125e-7}, {2}), 1e-6, 0));
}

TEST(VonMises, ShapesDtypesAndExpand) {
  td::VonMises v0(0.0, 2.0);
  EXPECT_EQ(v0.loc().scalar_type(), at::kFloat);
  EXPECT_EQ(v0.batch_shape().size(), 0u);
  EXPECT_EQ(v0.sample({5}).sizes(), at::IntArrayRef({5}));
  EXPECT_EQ(v0.sample({5}).scalar_type(), at::kFloat);
  EXPECT_EQ(v0.sample().dim(), 0);
  EXPECT_FALSE(v0.has_rsample());
  EXPECT_THROW_MSG(v0.rsample(), c10::NotImplementedError, "VonMises does not implement rsample");
  EXPECT_THROW_MSG(v0.cdf(at::zeros({})), c10::NotImplementedError, "VonMises does not implement cdf");

  td::VonMises v1(at::zeros({3, 1}, at::kDouble), at::full({2}, 3.0, at::kDouble));
  EXPECT_EQ(v1.batch_shape(), at::IntArrayRef({3, 2}));
  EXPECT_EQ(v1.sample({2}).sizes(), at::IntArrayRef({2, 3, 2}));
  EXPECT_EQ(v1.sample({2}).scalar_type(), at::kDouble);
  EXPECT_EQ(v1.log_prob(at::ones({4, 1, 1}, at::kDouble)).sizes(), at::IntArrayRef({4, 3, 2}));
  EXPECT_EQ(v1.variance().sizes(), at::IntArrayRef({3, 2}));
  EXPECT_EQ(v1.entropy().sizes(), at::IntArrayRef({3, 2}));
  EXPECT_EQ(v1.entropy().scalar_type(), at::kDouble);
  td::VonMises x = v1.expand({5, 3, 2});
  EXPECT_EQ(x.batch_shape(), at::IntArrayRef({5, 3, 2}));
  EXPECT_EQ(x.concentration().sizes(), at::IntArrayRef({5, 3, 2}));
  auto shared = v1.expand_shared({5, 3, 2});
  ASSERT_NE(std::dynamic_pointer_cast<td::VonMises>(shared), nullptr);
  EXPECT_EQ(shared->name(), "VonMises");
  // sample is detached even for parameters that require grad.
  td::VonMises vg(tensor_of({0.0}).set_requires_grad(true), tensor_of({1.0}).set_requires_grad(true));
  EXPECT_FALSE(vg.sample({3}).requires_grad());
}

// The cdf on [-pi, pi) of the wrapped law, F(x) = integral_{-pi}^x p / Z, by
// Gauss-Legendre quadrature (30 points) of the unnormalized periodic density
// exp(-2k sin^2((t - loc) / 2)) on 20000 equal cells, accumulated once; a
// query adds the partial cell. The cells (3e-4 wide) are ten times narrower
// than the spread 1/sqrt(k) at k = 1e5, so each cell's rule is exact to
// rounding.
class VonMisesCdf {
 public:
  VonMisesCdf(double loc, double k) : loc_(loc), k_(k), cum_(kCells + 1, 0.0) {
    for (int i = 0; i < kCells; ++i) cum_[i + 1] = cum_[i] + integral(edge(i), edge(i + 1));
  }
  double operator()(double x) const {
    const double pos = (x + kPi) / (2 * kPi) * kCells;
    const int i = std::min(std::max(static_cast<int>(std::floor(pos)), 0), kCells - 1);
    return (cum_[i] + integral(edge(i), x)) / cum_[kCells];
  }

 private:
  static constexpr int kCells = 20000;
  static double edge(int i) { return -kPi + 2 * kPi * i / kCells; }
  double integral(double a, double b) const {
    auto f = [&](double t) { return std::exp(-2 * k_ * std::pow(std::sin((t - loc_) / 2), 2)); };
    return boost::math::quadrature::gauss<double, 30>::integrate(f, a, b);
  }
  double loc_, k_;
  std::vector<double> cum_;
};

TEST(VonMises, SamplesPassKolmogorovSmirnov) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 9
  // draws (9e-4 together); the seeds are fixed, so the outcome is too.
  uint64_t seed = 500;
  struct Case {
    double loc, k;
  };
  for (const Case& c : {Case{0, 1e-6}, Case{1, 0.5}, Case{3, 2}, Case{-2, 30}, Case{0, 1e3}, Case{0, 1e5}}) {
    SCOPED_TRACE(::testing::Message() << "loc " << c.loc << " k " << c.k);
    td::VonMises v(tensor_of({c.loc}), tensor_of({c.k}));
    at::Tensor s = v.sample({20000}, td::testing::seeded_generator(++seed));
    EXPECT_TRUE((s >= -kPi).logical_and(s < kPi).all().item<bool>());
    VonMisesCdf cdf(c.loc, c.k);
    EXPECT_GT(td::testing::ks_test(td::testing::to_vector(s), cdf), 1e-4);
  }
  // float32, at a moderate and a huge concentration.
  for (const Case& c : {Case{1, 2}, Case{0, 1e5}}) {
    td::VonMises vf(at::full({}, static_cast<float>(c.loc)), at::full({}, static_cast<float>(c.k)));
    at::Tensor sf = vf.sample({20000}, td::testing::seeded_generator(++seed));
    EXPECT_EQ(sf.scalar_type(), at::kFloat);
    EXPECT_GT(td::testing::ks_test(td::testing::to_vector(sf), VonMisesCdf(c.loc, c.k)), 1e-4) << c.k;
  }
  // A batch: each column against its own cdf.
  td::VonMises vb(tensor_of({-3, 0.5}, {2}), tensor_of({0.1, 8}, {2}));
  at::Tensor sb = vb.sample({20000}, td::testing::seeded_generator(++seed));
  EXPECT_GT(td::testing::ks_test(td::testing::to_vector(sb.select(1, 1)), VonMisesCdf(0.5, 8)), 1e-4);
}

TEST(VonMises, SamplingTerminatesAtExtremeConcentrations) {
  // Near-uniform: the mean resultant length of n uniform angles is ~1/sqrt(n).
  for (double k : {1e-300, 1e-12, 1e-8}) {
    at::Tensor s = td::VonMises(tensor_of({0.0}), tensor_of({k})).sample({20000}, td::testing::seeded_generator(61));
    EXPECT_TRUE((s >= -kPi).logical_and(s < kPi).all().item<bool>()) << k;
    EXPECT_GT(td::testing::ks_test(td::testing::to_vector(s), [](double x) { return (x + kPi) / (2 * kPi); }), 1e-4)
        << k;
  }
  // Near-normal: the spread is 1 / sqrt(k). The sample standard deviation of
  // n = 20000 normal draws has relative standard error 1/sqrt(2n) = 0.5%;
  // 3% is 6 standard errors (false-failure rate ~2e-9).
  for (double k : {1e8, 1e12}) {
    at::Tensor s = td::VonMises(tensor_of({1.0}), tensor_of({k})).sample({20000}, td::testing::seeded_generator(62));
    const double sd = (s - 1).std().item<double>();
    EXPECT_NEAR(sd * std::sqrt(k), 1.0, 0.03) << k;
    // float32: the draws are loc plus a spread below float resolution.
    at::Tensor sf = td::VonMises(at::ones({}), at::full({}, static_cast<float>(k))).sample({1000});
    EXPECT_TRUE(at::isfinite(sf).all().item<bool>());
    EXPECT_LT((sf - 1).abs().max().item<float>(), 1e-3);
  }
  // Beyond double resolution: all draws round to loc; +inf is the point mass.
  for (double k : {1e300, std::numeric_limits<double>::infinity()}) {
    at::Tensor s = td::VonMises(tensor_of({0.5}), tensor_of({k}), /*validate_args=*/false).sample({100});
    EXPECT_TRUE(all_close(s, at::full({100}, 0.5, at::kDouble), 0, 1e-15)) << k;
  }
}

void expect_grad_matches(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& at,
                         double rtol = 1e-6, double atol = 1e-8) {
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f, at), td::testing::finite_difference_grad(f, at), rtol, atol));
}

TEST(VonMises, GradientsMatchFiniteDifferences) {
  // Concentrations on both sides of the variance's series switch (k = 1000).
  at::Tensor loc0 = tensor_of({0.3, -1.0, 4.0, 0.0}, {4});
  at::Tensor k0 = tensor_of({0.5, 5.0, 200.0, 2000.0}, {4});
  at::Tensor x0 = tensor_of({0.1, 1.5, 4.01, -0.02}, {4});
  expect_grad_matches([&](const at::Tensor& m) { return td::VonMises(m, k0).log_prob(x0).sum(); }, loc0);
  expect_grad_matches([&](const at::Tensor& k) { return td::VonMises(loc0, k).log_prob(x0).sum(); }, k0);
  expect_grad_matches([&](const at::Tensor& x) { return td::VonMises(loc0, k0).log_prob(x).sum(); }, x0);
  // Scaled so that each element's derivative is O(1) for the relative check.
  // The step is 1e-4: 1 - I1/I0 carries an absolute rounding error ~2e-16,
  // which k^2 / (2 h) turns into 1e-5 relative noise at k = 200 for h = 1e-6.
  auto var_k2 = [&](const at::Tensor& k) { return (td::VonMises(loc0, k).variance() * k * k).sum(); };
  auto entropy = [&](const at::Tensor& k) { return td::VonMises(loc0, k).entropy().sum(); };
  for (const auto& f : {std::function<at::Tensor(const at::Tensor&)>(var_k2), std::function<at::Tensor(const at::Tensor&)>(entropy)}) {
    EXPECT_TRUE(all_close(td::testing::autograd_grad(f, k0), td::testing::finite_difference_grad(f, k0, 1e-4), 1e-6, 1e-9));
  }
  // And against the analytic derivative d/dk (1 - A) = A / k + A^2 - 1,
  // A = I1 / I0 (Boost), at concentrations where A is not too close to 1.
  for (double k : {0.5, 5.0, 40.0}) {
    const double a = boost::math::cyl_bessel_i(1, k) / boost::math::cyl_bessel_i(0, k);
    at::Tensor kt = tensor_of({k}).set_requires_grad(true);
    td::VonMises(0.0, kt).variance().sum().backward();
    EXPECT_NEAR(kt.grad().item<double>(), a / k + a * a - 1, 1e-13) << k;
  }
}

TEST(VonMises, ValidationErrorsNameDistributionArgumentAndConstraint) {
  EXPECT_THROW_MSG(td::VonMises(0.0, tensor_of({1, 0, 2}, {3})), c10::ValueError,
                   "VonMises: concentration must satisfy positive(), got 0 at index [1]");
  EXPECT_THROW_MSG(td::VonMises(0.0, -2.0), c10::ValueError, "VonMises: concentration must satisfy positive(), got -2");
  EXPECT_THROW_MSG(td::VonMises(tensor_of({NAN}), 1.0), c10::ValueError, "VonMises: loc must satisfy real(), got nan");
  td::VonMises v(at::zeros({3}, at::kDouble), 1.0);
  EXPECT_THROW_MSG(v.log_prob(tensor_of({1, NAN, 2}, {3})), c10::ValueError,
                   "VonMises: value must be within the support real(), got nan at index [1]");
  EXPECT_THROW_MSG(v.log_prob(at::ones({2}, at::kDouble)), c10::ValueError,
                   "VonMises: value of shape [2] is not broadcastable with batch_shape + event_shape [3]");
  // Without validation a NaN concentration samples NaN instead of looping.
  at::Tensor s = td::VonMises(0.0, tensor_of({NAN, 1.0}, {2}), /*validate_args=*/false).sample({3});
  EXPECT_TRUE(s.select(1, 0).isnan().all().item<bool>());
  EXPECT_TRUE(at::isfinite(s.select(1, 1)).all().item<bool>());
  EXPECT_FALSE(td::VonMises(at::zeros({1}), 1.0, false).expand({3}).validate_args());
  EXPECT_TRUE(td::VonMises(at::zeros({1}), 1.0, true).expand({3}).validate_args());
}

}  // namespace
