// Gumbel: values against Boost.Math's extreme_value_distribution (the Gumbel
// of maxima, the same as torch's), moments against Boost, entropy against its
// closed form, sampling by KS test, gradients against finite differences,
// validation messages, and finiteness at the extremes.

#include <boost/math/distributions/extreme_value.hpp>
#include <torchdist/core/constraints.h>
#include <torchdist/distributions/gumbel.h>

#include <cmath>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::autograd_grad;
using td::testing::finite_difference_grad;
using td::testing::tensor_of;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kEulerGamma = 0.57721566490153286061;

const std::vector<std::pair<double, double>> kParams = {{0, 1}, {-3, 0.1}, {2.5, 7}, {1e3, 1e-3}};

TEST(Gumbel, LogProbCdfIcdfMatchBoost) {
  for (auto [loc, scale] : kParams) {
    SCOPED_TRACE(std::to_string(loc) + ", " + std::to_string(scale));
    td::Gumbel g(tensor_of({loc}), tensor_of({scale}));
    boost::math::extreme_value_distribution<double> ref(loc, scale);
    std::vector<double> xs, lp, cdf;
    for (double z : {-3.0, -1.5, 0.0, 0.3, 2.0, 8.0, 30.0}) {
      const double x = loc + z * scale;
      xs.push_back(x);
      lp.push_back(std::log(boost::math::pdf(ref, x)));
      cdf.push_back(boost::math::cdf(ref, x));
    }
    const int64_t n = static_cast<int64_t>(xs.size());
    at::Tensor x = tensor_of(xs, {n});
    EXPECT_TRUE(all_close(g.log_prob(x), tensor_of(lp, {n}), 1e-10, 1e-10));
    EXPECT_TRUE(all_close(g.cdf(x), tensor_of(cdf, {n}), 1e-12, 1e-15));
    std::vector<double> qs = {1e-10, 0.01, 0.3, 0.5, 0.9, 1 - 1e-9}, q_ref;
    for (double q : qs) q_ref.push_back(boost::math::quantile(ref, q));
    const int64_t m = static_cast<int64_t>(qs.size());
    EXPECT_TRUE(all_close(g.icdf(tensor_of(qs, {m})), tensor_of(q_ref, {m}), 1e-9, 1e-9 * scale));
  }
}

TEST(Gumbel, FarLeftTailLogProbIsTheClosedForm) {
  // Boost's pdf underflows to 0 here; the log density z - exp(z) - log(scale)
  // with z = (loc - x) / scale is still finite and is computed without loss.
  td::Gumbel g(tensor_of({1.0}), tensor_of({2.0}));
  std::vector<double> zs = {10, 50, 300}, ref;
  std::vector<double> xs;
  for (double z : zs) {
    xs.push_back(1.0 - 2.0 * z);
    ref.push_back(z - std::exp(z) - std::log(2.0));
  }
  at::Tensor lp = g.log_prob(tensor_of(xs, {3}));
  EXPECT_TRUE(at::isfinite(lp).all().item<bool>());
  EXPECT_TRUE(all_close(lp, tensor_of(ref, {3}), 1e-14));
}

TEST(Gumbel, IcdfEndpointsAndCdfTails) {
  td::Gumbel g(tensor_of({0.5}), tensor_of({2.0}));
  EXPECT_TRUE(all_close(g.icdf(tensor_of({0.0, 1.0}, {2})), tensor_of({-kInf, kInf}, {2})));
  EXPECT_TRUE(all_close(g.cdf(tensor_of({-kInf, -1e4, 1e4, kInf}, {4})), tensor_of({0.0, 0.0, 1.0, 1.0}, {4}), 0, 0));
}

TEST(Gumbel, MomentsMatchBoostAndEntropyClosedForm) {
  at::Tensor loc = tensor_of({-1, 0, 4, 1e3}, {4}), scale = tensor_of({0.5, 1, 3, 1e-3}, {4});
  td::Gumbel g(loc, scale);
  std::vector<double> mean, var, mode;
  for (int i = 0; i < 4; ++i) {
    boost::math::extreme_value_distribution<double> ref(loc[i].item<double>(), scale[i].item<double>());
    mean.push_back(boost::math::mean(ref));
    var.push_back(boost::math::variance(ref));
    mode.push_back(boost::math::mode(ref));
  }
  EXPECT_TRUE(all_close(g.mean(), tensor_of(mean, {4}), 1e-14));
  EXPECT_TRUE(all_close(g.variance(), tensor_of(var, {4}), 1e-14));
  EXPECT_TRUE(all_close(g.stddev(), tensor_of(var, {4}).sqrt(), 1e-14));
  EXPECT_TRUE(all_close(g.mode(), tensor_of(mode, {4}), 1e-14));
  // H = log(scale) + 1 + gamma.
  EXPECT_TRUE(all_close(g.entropy(), scale.log() + 1 + kEulerGamma, 1e-14));
}

TEST(Gumbel, ShapesAndDtypes) {
  td::Gumbel scalar(0.0, 1.0);
  EXPECT_EQ(scalar.loc().scalar_type(), at::kFloat);
  EXPECT_EQ(scalar.batch_shape().size(), 0u);
  EXPECT_EQ(scalar.sample().sizes(), at::IntArrayRef({}));
  td::Gumbel batched(at::zeros({3}, at::kDouble), 2.0);
  for (std::vector<int64_t> shape : {std::vector<int64_t>{}, {5}, {2, 4}}) {
    at::Tensor s = batched.rsample(shape);
    EXPECT_EQ(s.sizes(), at::IntArrayRef(td::concat_shapes(shape, {3})));
    EXPECT_EQ(s.scalar_type(), at::kDouble);
  }
  td::Gumbel broadcast(at::zeros({3, 1}), at::ones({4}));
  EXPECT_EQ(broadcast.batch_shape(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(broadcast.sample({2}).sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(broadcast.log_prob(at::zeros({4})).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(broadcast.mode().sizes(), at::IntArrayRef({3, 4}));
  td::Gumbel expanded = td::Gumbel(tensor_of({0.0}), tensor_of({1.0})).expand({2, 3});
  EXPECT_EQ(expanded.batch_shape(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(expanded.scale().sizes(), at::IntArrayRef({2, 3}));
}

TEST(Gumbel, SamplesPassKolmogorovSmirnov) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 3 draws.
  auto gen = td::testing::seeded_generator(77);
  for (auto [loc, scale] : {std::pair{0.0, 1.0}, {-3.0, 0.1}, {2.5, 7.0}}) {
    td::Gumbel g(tensor_of({loc}), tensor_of({scale}));
    auto x = td::testing::to_vector(g.sample({20000}, gen));
    boost::math::extreme_value_distribution<double> ref(loc, scale);
    EXPECT_GT(td::testing::ks_test(x, [&](double v) { return boost::math::cdf(ref, v); }), 1e-4);
  }
}

TEST(Gumbel, FloatSamplesAreAlwaysFinite) {
  // u is drawn on [tiny, 1 - eps], so log(-log(u)) never overflows.
  td::Gumbel g(at::zeros({1}), at::ones({1}));
  at::Tensor s = g.rsample({1000000}, td::testing::seeded_generator(5));
  EXPECT_EQ(s.scalar_type(), at::kFloat);
  EXPECT_TRUE(at::isfinite(s).all().item<bool>());
}

TEST(Gumbel, GradientsMatchFiniteDifferences) {
  at::Tensor loc0 = tensor_of({0.1, -1.0, 2.0}, {3}), scale0 = tensor_of({0.7, 1.5, 0.2}, {3});
  at::Tensor x = tensor_of({0.3, -2.0, 2.5}, {3});
  auto check = [&](const std::function<at::Tensor(const td::Gumbel&)>& f) {
    auto f_loc = [&](const at::Tensor& loc) { return f(td::Gumbel(loc, scale0)); };
    auto f_scale = [&](const at::Tensor& scale) { return f(td::Gumbel(loc0, scale)); };
    EXPECT_TRUE(all_close(autograd_grad(f_loc, loc0), finite_difference_grad(f_loc, loc0), 1e-6, 1e-7));
    EXPECT_TRUE(all_close(autograd_grad(f_scale, scale0), finite_difference_grad(f_scale, scale0), 1e-6, 1e-7));
  };
  {
    SCOPED_TRACE("log_prob");
    check([&](const td::Gumbel& g) { return g.log_prob(x).sum(); });
  }
  {
    SCOPED_TRACE("cdf");
    check([&](const td::Gumbel& g) { return g.cdf(x).sum(); });
  }
  {
    SCOPED_TRACE("icdf");
    check([&](const td::Gumbel& g) { return g.icdf(tensor_of({0.05, 0.5, 0.99}, {3})).pow(2).sum(); });
  }
  {
    SCOPED_TRACE("entropy, mean, stddev");
    check([&](const td::Gumbel& g) { return (g.entropy() + g.mean() * g.stddev()).sum(); });
  }
  {
    SCOPED_TRACE("rsample at fixed noise");
    check([&](const td::Gumbel& g) { return g.rsample({4}, td::testing::seeded_generator(42)).pow(2).sum(); });
  }
}

TEST(Gumbel, CdfGradientIsZeroNotNanFarInTheLeftTail) {
  td::Gumbel g(tensor_of({0.0}), tensor_of({1.0}));
  at::Tensor x = tensor_of({-800.0, -50.0, 0.0}, {3}).set_requires_grad(true);
  g.cdf(x).sum().backward();
  EXPECT_TRUE(at::isfinite(x.grad()).all().item<bool>()) << x.grad();
  EXPECT_TRUE(all_close(x.grad(), g.log_prob(x.detach()).exp(), 1e-12, 0));
}

TEST(Gumbel, CdfGradientsAreZeroNotNanAtInfinity) {
  // Found by the differential suite (issue 14): at value = +-inf the
  // derivative of (value - loc) / scale in scale is infinite, and the
  // gradient in scale was 0 * inf = NaN.
  at::Tensor loc = tensor_of({0.5}).set_requires_grad(true), scale = tensor_of({2.0}).set_requires_grad(true);
  at::Tensor x = tensor_of({-kInf, kInf}, {2}).set_requires_grad(true);
  at::Tensor c = td::Gumbel(loc, scale).cdf(x);
  EXPECT_TRUE(at::equal(c.detach(), tensor_of({0.0, 1.0}, {2})));
  c.sum().backward();
  EXPECT_TRUE(at::equal(scale.grad(), tensor_of({0.0}))) << scale.grad();
  EXPECT_TRUE(at::equal(loc.grad(), tensor_of({0.0}))) << loc.grad();
  EXPECT_TRUE(at::equal(x.grad(), tensor_of({0.0, 0.0}, {2}))) << x.grad();
}

TEST(Gumbel, ValidationErrors) {
  EXPECT_THROW_MSG(td::Gumbel(at::zeros({3}), tensor_of({1, 0, 2}, {3})), c10::ValueError,
                   "Gumbel: scale must satisfy positive(), got 0 at index [1]");
  EXPECT_THROW_MSG(td::Gumbel(0.0, -1.0), c10::ValueError, "Gumbel: scale must satisfy positive(), got -1");
  EXPECT_THROW_MSG(td::Gumbel(tensor_of({NAN}), 1.0), c10::ValueError, "Gumbel: loc must satisfy real()");
  EXPECT_NO_THROW(td::Gumbel(0.0, -1.0, /*validate_args=*/false));
  td::Gumbel g(0.0, 1.0);
  EXPECT_THROW_MSG(g.log_prob(tensor_of({NAN})), c10::ValueError, "Gumbel: value must be within the support real()");
  EXPECT_THROW_MSG(g.cdf(tensor_of({NAN})), c10::ValueError, "Gumbel: value must be within the support real()");
  EXPECT_THROW_MSG(g.icdf(tensor_of({-0.1})), c10::ValueError, "Gumbel: icdf value must satisfy unit_interval()");
  EXPECT_THROW_MSG(g.enumerate_support(), c10::NotImplementedError, "Gumbel does not implement enumerate_support");
}

}  // namespace
