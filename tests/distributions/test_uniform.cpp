// Uniform: values against Boost.Math, moments and entropy against Boost and
// closed forms, sampling by KS test, gradients against finite differences,
// validation messages.

#include <boost/math/distributions/uniform.hpp>
#include <torchdist/core/constraints.h>
#include <torchdist/distributions/uniform.h>

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

const std::vector<std::pair<double, double>> kParams = {{0, 1}, {-3, -2.5}, {2, 1e3}, {-1e-3, 1e-3}, {-1e6, 1e6}};

TEST(Uniform, LogProbCdfIcdfMatchBoost) {
  for (auto [low, high] : kParams) {
    SCOPED_TRACE(std::to_string(low) + ", " + std::to_string(high));
    td::Uniform u(tensor_of({low}), tensor_of({high}));
    boost::math::uniform_distribution<double> ref(low, high);
    std::vector<double> xs, lp, cdf;
    // From the lower end (included) to just below the upper end.
    for (double t : {0.0, 1e-12, 0.25, 0.5, 0.9, 1 - 1e-9}) {
      const double x = low + t * (high - low);
      xs.push_back(x);
      lp.push_back(std::log(boost::math::pdf(ref, x)));
      cdf.push_back(boost::math::cdf(ref, x));
    }
    const int64_t n = static_cast<int64_t>(xs.size());
    at::Tensor x = tensor_of(xs, {n});
    EXPECT_TRUE(all_close(u.log_prob(x), tensor_of(lp, {n}), 1e-13, 1e-13));
    EXPECT_TRUE(all_close(u.cdf(x), tensor_of(cdf, {n}), 1e-12, 1e-15));
    std::vector<double> qs = {0, 1e-10, 0.01, 0.3, 0.5, 0.9, 1}, q_ref;
    for (double q : qs) q_ref.push_back(boost::math::quantile(ref, q));
    const int64_t m = static_cast<int64_t>(qs.size());
    EXPECT_TRUE(all_close(u.icdf(tensor_of(qs, {m})), tensor_of(q_ref, {m}), 1e-14, 1e-14 * (high - low)));
  }
}

TEST(Uniform, HalfOpenConventionAndOutsideValues) {
  // torch's convention: the density is 1/(high - low) on [low, high) and
  // log 0 = -inf at high and outside (without validation), while the support
  // constraint is the closed interval.
  td::Uniform u(tensor_of({-1.0}), tensor_of({3.0}), /*validate_args=*/false);
  at::Tensor lp = u.log_prob(tensor_of({-1.0, 3.0, -2.0, 5.0}, {4}));
  EXPECT_TRUE(all_close(lp, tensor_of({-std::log(4.0), -kInf, -kInf, -kInf}, {4})));
  EXPECT_TRUE(all_close(u.cdf(tensor_of({-2.0, 5.0, 3.0}, {3})), tensor_of({0.0, 1.0, 1.0}, {3})));
  td::Uniform v(tensor_of({-1.0}), tensor_of({3.0}));
  EXPECT_TRUE(v.support()->check(tensor_of({3.0})).item<bool>());
  EXPECT_EQ(v.support()->name(), "interval(-1, 3)");
}

TEST(Uniform, MomentsAndEntropyMatchBoostAndClosedForms) {
  at::Tensor low = tensor_of({-1, 0, 4, -1e-3}, {4}), high = tensor_of({1, 0.5, 100, 1e-3}, {4});
  td::Uniform u(low, high);
  std::vector<double> mean, var, entropy;
  for (int i = 0; i < 4; ++i) {
    boost::math::uniform_distribution<double> ref(low[i].item<double>(), high[i].item<double>());
    mean.push_back(boost::math::mean(ref));
    var.push_back(boost::math::variance(ref));
    entropy.push_back(std::log(high[i].item<double>() - low[i].item<double>()));  // H = log(width)
  }
  EXPECT_TRUE(all_close(u.mean(), tensor_of(mean, {4}), 1e-14));
  EXPECT_TRUE(all_close(u.variance(), tensor_of(var, {4}), 1e-14));
  EXPECT_TRUE(all_close(u.stddev(), tensor_of(var, {4}).sqrt(), 1e-14));
  EXPECT_TRUE(all_close(u.entropy(), tensor_of(entropy, {4}), 1e-14));
  EXPECT_TRUE(all_close(u.perplexity(), high - low, 1e-14));
  at::Tensor mode = u.mode();
  EXPECT_EQ(mode.sizes(), at::IntArrayRef({4}));
  EXPECT_TRUE(mode.isnan().all().item<bool>()) << "torch 2.x: the mode of a Uniform is NaN";
}

TEST(Uniform, ShapesAndDtypes) {
  td::Uniform scalar(0.0, 2.0);
  EXPECT_EQ(scalar.low().scalar_type(), at::kFloat);
  EXPECT_EQ(scalar.batch_shape().size(), 0u);
  EXPECT_EQ(scalar.sample().sizes(), at::IntArrayRef({}));
  EXPECT_EQ(scalar.sample({5}).scalar_type(), at::kFloat);
  td::Uniform batched(at::zeros({3}, at::kDouble), 1.0);
  EXPECT_EQ(batched.high().scalar_type(), at::kDouble);
  for (std::vector<int64_t> shape : {std::vector<int64_t>{}, {5}, {2, 4}}) {
    at::Tensor s = batched.rsample(shape);
    EXPECT_EQ(s.sizes(), at::IntArrayRef(td::concat_shapes(shape, {3})));
    EXPECT_EQ(s.scalar_type(), at::kDouble);
  }
  td::Uniform broadcast(at::zeros({3, 1}), at::ones({4}));
  EXPECT_EQ(broadcast.batch_shape(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(broadcast.sample({2}).sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(broadcast.log_prob(at::full({4}, 0.5)).sizes(), at::IntArrayRef({3, 4}));
  td::Uniform expanded = td::Uniform(tensor_of({0.0}), tensor_of({1.0})).expand({2, 3});
  EXPECT_EQ(expanded.batch_shape(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(expanded.low().sizes(), at::IntArrayRef({2, 3}));
}

TEST(Uniform, SamplesPassKolmogorovSmirnov) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 3 draws.
  auto gen = td::testing::seeded_generator(2024);
  for (auto [low, high] : {std::pair{0.0, 1.0}, {-3.0, -2.5}, {2.0, 1e3}}) {
    td::Uniform u(tensor_of({low}), tensor_of({high}));
    auto x = td::testing::to_vector(u.sample({20000}, gen));
    boost::math::uniform_distribution<double> ref(low, high);
    EXPECT_GT(td::testing::ks_test(x, [&](double v) { return boost::math::cdf(ref, v); }), 1e-4);
  }
}

TEST(Uniform, SamplesStayInHalfOpenInterval) {
  td::Uniform u(at::tensor({-2.0f, 0.0f}), at::tensor({-1.0f, 1e-3f}));
  at::Tensor s = u.sample({50000}, td::testing::seeded_generator(3));
  EXPECT_TRUE((s >= u.low()).logical_and(s <= u.high()).all().item<bool>());
}

TEST(Uniform, GradientsMatchFiniteDifferences) {
  at::Tensor low0 = tensor_of({-1.0, 0.5, 2.0}, {3}), high0 = tensor_of({1.0, 0.8, 7.0}, {3});
  at::Tensor x = tensor_of({0.3, 0.6, 6.5}, {3});
  auto check = [&](const std::function<at::Tensor(const td::Uniform&)>& f) {
    auto f_low = [&](const at::Tensor& low) { return f(td::Uniform(low, high0)); };
    auto f_high = [&](const at::Tensor& high) { return f(td::Uniform(low0, high)); };
    EXPECT_TRUE(all_close(autograd_grad(f_low, low0), finite_difference_grad(f_low, low0), 1e-6, 1e-7));
    EXPECT_TRUE(all_close(autograd_grad(f_high, high0), finite_difference_grad(f_high, high0), 1e-6, 1e-7));
  };
  {
    SCOPED_TRACE("log_prob");
    check([&](const td::Uniform& u) { return u.log_prob(x).sum(); });
  }
  {
    SCOPED_TRACE("cdf");
    check([&](const td::Uniform& u) { return u.cdf(x).pow(2).sum(); });
  }
  {
    SCOPED_TRACE("icdf");
    check([&](const td::Uniform& u) { return u.icdf(tensor_of({0.1, 0.5, 0.95}, {3})).pow(2).sum(); });
  }
  {
    SCOPED_TRACE("entropy");
    check([&](const td::Uniform& u) { return u.entropy().sum(); });
  }
  {
    SCOPED_TRACE("mean and stddev");
    check([&](const td::Uniform& u) { return (u.mean() * u.stddev()).sum(); });
  }
  {
    SCOPED_TRACE("rsample at fixed noise");
    check([&](const td::Uniform& u) {
      return u.rsample({4}, td::testing::seeded_generator(42)).pow(2).sum();  // same noise every call
    });
  }
  // d cdf / dx is the density inside the interval.
  at::Tensor xg = x.clone().set_requires_grad(true);
  td::Uniform(low0, high0).cdf(xg).sum().backward();
  EXPECT_TRUE(all_close(xg.grad(), 1 / (high0 - low0), 1e-14));
}

TEST(Uniform, ValidationErrors) {
  EXPECT_THROW_MSG(td::Uniform(at::zeros({3}, at::kDouble), tensor_of({1, 0, -1}, {3})), c10::ValueError,
                   "Uniform: low must be less than high, got low = 0, high = 0 at index [1] (2 of 3 elements "
                   "invalid, shape [3])");
  EXPECT_THROW_MSG(td::Uniform(2.0, 1.0), c10::ValueError, "Uniform: low must be less than high, got low = 2, high = 1");
  EXPECT_THROW_MSG(td::Uniform(tensor_of({NAN}), 1.0), c10::ValueError,
                   "Uniform: low must be less than high, got low = nan, high = 1");
  EXPECT_THROW_MSG(td::Uniform(at::zeros({2, 1}), at::tensor({1.0f, -1.0f})), c10::ValueError,
                   "at index [0, 1]");
  EXPECT_NO_THROW(td::Uniform(2.0, 1.0, /*validate_args=*/false));
  td::Uniform u(0.0, 1.0);
  EXPECT_THROW_MSG(u.log_prob(tensor_of({1.5})), c10::ValueError,
                   "Uniform: value must be within the support interval(0, 1), got 1.5");
  EXPECT_THROW_MSG(u.cdf(tensor_of({-0.5})), c10::ValueError, "Uniform: value must be within the support");
  EXPECT_THROW_MSG(u.icdf(tensor_of({1.5})), c10::ValueError, "Uniform: icdf value must satisfy unit_interval()");
  EXPECT_THROW_MSG(u.enumerate_support(), c10::NotImplementedError, "Uniform does not implement enumerate_support");
  EXPECT_FALSE(u.has_enumerate_support());
  EXPECT_TRUE(u.has_rsample());
}

TEST(Uniform, ExtremeParametersStayFinite) {
  td::Uniform u(tensor_of({-1e300, 1e-300}, {2}), tensor_of({1e300, 2e-300}, {2}));
  EXPECT_TRUE(at::isfinite(u.log_prob(tensor_of({0.0, 1.5e-300}, {2}))).all().item<bool>());
  EXPECT_TRUE(at::isfinite(u.entropy()).all().item<bool>());
  EXPECT_TRUE(at::isfinite(u.sample({100})).all().item<bool>());
  EXPECT_TRUE(at::isfinite(u.icdf(tensor_of({0.0, 1.0}, {2}))).all().item<bool>());
}

}  // namespace
