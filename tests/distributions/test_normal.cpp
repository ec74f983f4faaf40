// Normal: values against Boost.Math, moments and entropy against closed
// forms, sampling by KS test, gradients against finite differences.

#include <boost/math/distributions/normal.hpp>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>
#include <torchdist/torchdist.h>

#include "../../src/kernels/elementwise.h"
#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;
namespace tk = td::detail::kernels;

namespace {

const std::vector<std::pair<double, double>> kParams = {{0, 1}, {-3, 0.1}, {2.5, 7}, {1e3, 1e-3}};

TEST(Normal, LogProbCdfIcdfMatchBoost) {
  for (auto [loc, scale] : kParams) {
    td::Normal n(tensor_of({loc}), tensor_of({scale}));
    boost::math::normal_distribution<double> ref(loc, scale);
    std::vector<double> xs, lp, cdf;
    for (double z : {-6.0, -1.5, 0.0, 0.3, 2.0, 5.0}) {
      const double x = loc + z * scale;
      xs.push_back(x);
      lp.push_back(std::log(boost::math::pdf(ref, x)));
      cdf.push_back(boost::math::cdf(ref, x));
    }
    at::Tensor x = tensor_of(xs, {6});
    EXPECT_TRUE(all_close(n.log_prob(x), tensor_of(lp, {6}), 1e-12, 1e-12)) << loc << " " << scale;
    EXPECT_TRUE(all_close(n.cdf(x), tensor_of(cdf, {6}), 1e-12, 1e-15));
    std::vector<double> qs = {1e-10, 0.01, 0.3, 0.5, 0.9, 1 - 1e-9}, icdf;
    for (double q : qs) icdf.push_back(boost::math::quantile(ref, q));
    EXPECT_TRUE(all_close(n.icdf(tensor_of(qs, {6})), tensor_of(icdf, {6}), 1e-8, 1e-8 * scale));
  }
}

TEST(Normal, TailsKeepRelativePrecision) {
  // Deliberately better than torch, whose erf/erfinv forms round to 0 / -inf
  // below z ~ -8.3 and p ~ 1e-17.
  td::Normal n(0.0, tensor_of({1.0}));
  boost::math::normal_distribution<double> ref;
  for (double z : {-10.0, -20.0, -37.0}) {
    EXPECT_NEAR(n.cdf(tensor_of({z})).item<double>() / boost::math::cdf(ref, z), 1.0, 1e-12) << z;
  }
  for (double p : {1e-20, 1e-100, 1e-300}) {
    EXPECT_NEAR(n.icdf(tensor_of({p})).item<double>(), boost::math::quantile(ref, p), 1e-9) << p;
  }
}

TEST(Normal, MomentsAndEntropyClosedForms) {
  at::Tensor loc = tensor_of({-1, 0, 4}, {3}), scale = tensor_of({0.5, 1, 3}, {3});
  td::Normal n(loc, scale);
  EXPECT_TRUE(all_close(n.mean(), loc));
  EXPECT_TRUE(all_close(n.mode(), loc));
  EXPECT_TRUE(all_close(n.variance(), scale * scale));
  EXPECT_TRUE(all_close(n.stddev(), scale));
  // H = log(scale * sqrt(2 pi e)).
  EXPECT_TRUE(all_close(n.entropy(), at::log(scale * std::sqrt(2 * M_PI * M_E)), 1e-12));
  EXPECT_TRUE(all_close(n.perplexity(), scale * std::sqrt(2 * M_PI * M_E), 1e-12));
}

TEST(Normal, DoublesBecomeDefaultDtypeAndTakeTensorDtype) {
  td::Normal n0(0.0, 1.0);
  EXPECT_EQ(n0.loc().scalar_type(), at::kFloat);
  EXPECT_EQ(n0.batch_shape().size(), 0u);
  td::Normal n1(0.0, at::ones({2}, at::kDouble));
  EXPECT_EQ(n1.loc().scalar_type(), at::kDouble);
  EXPECT_EQ(n1.batch_shape(), at::IntArrayRef({2}));
}

TEST(Normal, BroadcastsParameters) {
  td::Normal n(at::zeros({3, 1}), at::ones({4}));
  EXPECT_EQ(n.batch_shape(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(n.sample({2}).sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(n.log_prob(at::zeros({4})).sizes(), at::IntArrayRef({3, 4}));
}

TEST(Normal, SamplesPassKolmogorovSmirnov) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 3 draws.
  auto gen = td::testing::seeded_generator(1234);
  for (auto [loc, scale] : {std::pair{0.0, 1.0}, {-3.0, 0.1}, {2.5, 7.0}}) {
    td::Normal n(tensor_of({loc}), tensor_of({scale}));
    auto x = td::testing::to_vector(n.sample({20000}, gen));
    boost::math::normal_distribution<double> ref(loc, scale);
    EXPECT_GT(td::testing::ks_test(x, [&](double v) { return boost::math::cdf(ref, v); }), 1e-4);
  }
}

TEST(Normal, SameGeneratorSeedGivesSameSamples) {
  td::Normal n(at::zeros({5}), at::ones({5}));
  auto g1 = td::testing::seeded_generator(7), g2 = td::testing::seeded_generator(7);
  EXPECT_TRUE(at::equal(n.sample({3}, g1), n.sample({3}, g2)));
  at::manual_seed(3);
  at::Tensor a = n.rsample({3});
  at::manual_seed(3);
  EXPECT_TRUE(at::equal(a, n.rsample({3})));
}

TEST(Normal, LogProbGradientsMatchFiniteDifferences) {
  at::Tensor x = tensor_of({0.3, -2.0, 1.0}, {3});
  at::Tensor loc0 = tensor_of({0.1, -1.0, 2.0}, {3}), scale0 = tensor_of({0.7, 1.5, 0.2}, {3});
  auto f_loc = [&](const at::Tensor& loc) { return td::Normal(loc, scale0).log_prob(x).sum(); };
  auto f_scale = [&](const at::Tensor& scale) { return td::Normal(loc0, scale).log_prob(x).sum(); };
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f_loc, loc0), td::testing::finite_difference_grad(f_loc, loc0),
                        1e-6, 1e-6));
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f_scale, scale0),
                        td::testing::finite_difference_grad(f_scale, scale0), 1e-6, 1e-6));
}

TEST(Normal, RsampleGradientsMatchFiniteDifferencesAtFixedNoise) {
  at::Tensor loc0 = tensor_of({0.1, -1.0}, {2}), scale0 = tensor_of({0.7, 1.5}, {2});
  auto f_scale = [&](const at::Tensor& scale) {
    auto gen = td::testing::seeded_generator(42);  // same noise for every evaluation
    return td::Normal(loc0, scale).rsample({4}, gen).pow(2).sum();
  };
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f_scale, scale0),
                        td::testing::finite_difference_grad(f_scale, scale0), 1e-6, 1e-6));
}

TEST(Normal, ValidationErrorsNameDistributionArgumentAndConstraint) {
  EXPECT_THROW_MSG(td::Normal(at::zeros({3}), tensor_of({1, 2, -1}, {3})), c10::ValueError,
                   "Normal: scale must satisfy positive(), got -1 at index [2]");
  EXPECT_THROW_MSG(td::Normal(tensor_of({NAN}), 1.0), c10::ValueError, "Normal: loc must satisfy real()");
  EXPECT_THROW_MSG(td::Normal(0.0, 1.0).icdf(tensor_of({1.5})), c10::ValueError,
                   "Normal: icdf value must satisfy unit_interval()");
  EXPECT_THROW_MSG(td::Normal(at::zeros({3}), 1.0).log_prob(at::zeros({2})), c10::ValueError,
                   "Normal: value of shape [2] is not broadcastable with batch_shape + event_shape [3]");
  EXPECT_NO_THROW(td::Normal(0.0, -1.0, /*validate_args=*/false));
}

TEST(Normal, ExtremeParametersStayFinite) {
  td::Normal n(tensor_of({0, 1e4}, {2}), tensor_of({1e-3, 1e4}, {2}));
  EXPECT_TRUE(at::isfinite(n.log_prob(tensor_of({0.5, -3e4}, {2}))).all().item<bool>());
  EXPECT_TRUE(at::isfinite(n.entropy()).all().item<bool>());
}

// ---- One-element parameters: the scalar path (src/kernels/normal_one_element.cpp)
// against the ATen formulas it replaces, on the same inputs.

// d out / d inputs (create_graph) and the derivative of each of those
// gradients by each input again (zeros where autograd reports no path).
struct Derivatives {
  std::vector<at::Tensor> first;
  std::vector<std::vector<at::Tensor>> second;
};
Derivatives derivatives(const at::Tensor& out, const std::vector<at::Tensor>& inputs) {
  Derivatives d;
  d.first = torch::autograd::grad({out}, inputs, {}, /*retain_graph=*/true, /*create_graph=*/true,
                                  /*allow_unused=*/true);
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!d.first[i].defined()) d.first[i] = at::zeros_like(inputs[i]);
    if (!d.first[i].requires_grad()) {  // a constant gradient
      std::vector<at::Tensor> zeros;
      for (const at::Tensor& x : inputs) zeros.push_back(at::zeros_like(x));
      d.second.push_back(zeros);
      continue;
    }
    std::vector<at::Tensor> row = torch::autograd::grad({d.first[i]}, inputs, {}, /*retain_graph=*/true,
                                                        /*create_graph=*/false, /*allow_unused=*/true);
    for (size_t j = 0; j < row.size(); ++j) {
      if (!row[j].defined()) row[j] = at::zeros_like(inputs[j]);
    }
    d.second.push_back(row);
  }
  return d;
}

::testing::AssertionResult same_derivatives(const Derivatives& a, const Derivatives& b, double rtol, double atol) {
  for (size_t i = 0; i < a.first.size(); ++i) {
    auto r = all_close(a.first[i], b.first[i], rtol, atol);
    if (!r) return r << " (first derivative " << i << ")";
    for (size_t j = 0; j < a.second[i].size(); ++j) {
      r = all_close(a.second[i][j], b.second[i][j], rtol, atol);
      if (!r) return r << " (second derivative " << i << ", " << j << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

at::Tensor leaf(double value, at::IntArrayRef shape, at::ScalarType dtype) {
  return at::full(shape, value, at::TensorOptions().dtype(dtype)).requires_grad_(true);
}

std::string grad_fn_name(const at::Tensor& t) { return t.grad_fn() ? t.grad_fn()->name() : "none"; }

class NormalScalarPath : public ::testing::TestWithParam<at::ScalarType> {
 protected:
  // The scalar path is taken where the kernels are (it is off in a build
  // with -DTORCHDIST_FUSED_KERNELS=OFF or on a CPU without AVX2).
  void SetUp() override {
    if (!tk::fused_kernels_enabled()) GTEST_SKIP() << "the scalar path is off on this machine";
  }
  void TearDown() override { tk::set_fused_kernels_enabled(true); }
  double rtol() const { return GetParam() == at::kFloat ? 1e-5 : 1e-13; }
  double atol() const { return GetParam() == at::kFloat ? 1e-5 : 1e-13; }
};

TEST_P(NormalScalarPath, LogProbValuesAndTwoOrdersOfGradientsMatchAtenFormula) {
  const at::ScalarType dtype = GetParam();
  // (x, loc, scale) in the bulk, in a tail, far out and with a tiny scale.
  const std::vector<std::array<double, 3>> points = {
      {0.3, 0.5, 1.5}, {-4.0, 1.0, 0.25}, {100.0, -3.0, 20.0}, {1e-3, 0.0, 1e-3}, {2.0, 2.0, 1.0}};
  // Shapes of (x, loc, scale): 0-dim, and all-ones shapes that broadcast.
  const std::vector<std::array<std::vector<int64_t>, 3>> shapes = {
      {{{}, {}, {}}}, {{{1}, {}, {1, 1}}}, {{{}, {1, 1, 1}, {}}}};
  for (const auto& p : points) {
    for (const auto& shape : shapes) {
      at::Tensor x = leaf(p[0], shape[0], dtype), loc = leaf(p[1], shape[1], dtype), scale = leaf(p[2], shape[2], dtype);
      const at::Tensor fast = td::Normal(loc, scale).log_prob(x);
      const at::Tensor ref = td::normal_log_prob(x, loc, scale);  // ATen ops, recorded one by one
      ASSERT_EQ(grad_fn_name(fast), "torchdist::ScalarNormalLogProbBackward");
      EXPECT_EQ(fast.sizes(), ref.sizes());
      EXPECT_EQ(fast.scalar_type(), dtype);
      EXPECT_TRUE(all_close(fast, ref, rtol(), atol())) << p[0] << " " << p[1] << " " << p[2];
      // Without create_graph the scalar node computes its gradients itself.
      const auto plain = [&](const at::Tensor& out) {
        return torch::autograd::grad({out}, {x, loc, scale}, {}, /*retain_graph=*/true);
      };
      const std::vector<at::Tensor> fast_grads = plain(fast), ref_grads = plain(ref);
      for (size_t i = 0; i < 3; ++i) {
        EXPECT_FALSE(fast_grads[i].requires_grad());
        EXPECT_TRUE(all_close(fast_grads[i], ref_grads[i], rtol(), atol())) << i << ": " << p[0] << " " << p[1];
      }
      EXPECT_TRUE(same_derivatives(derivatives(fast, {x, loc, scale}), derivatives(ref, {x, loc, scale}), rtol(),
                                   atol()))
          << p[0] << " " << p[1] << " " << p[2] << " shapes " << at::IntArrayRef(shape[0]) << " "
          << at::IntArrayRef(shape[1]) << " " << at::IntArrayRef(shape[2]);
    }
  }
}

TEST_P(NormalScalarPath, LogProbGradientOfOneInputOnlyAndThroughBackward) {
  const at::ScalarType dtype = GetParam();
  at::Tensor x = leaf(0.7, {}, dtype), loc = at::full({}, -0.2, dtype), scale = leaf(0.9, {}, dtype);
  // Only x and scale require grad; loc's gradient is not asked for.
  const at::Tensor fast = td::Normal(loc, scale).log_prob(x);
  fast.backward();
  // d/dx = -(x - m) / s^2 = -0.9 / 0.81, d/ds = ((x - m)^2 / s^2 - 1) / s = 0 at z = 1.
  EXPECT_NEAR(x.grad().item<double>(), -0.9 / 0.81, 1e-6);
  EXPECT_NEAR(scale.grad().item<double>(), 0.0, 1e-6);
  EXPECT_FALSE(loc.grad().defined());
}

TEST_P(NormalScalarPath, RsampleDrawsTheSameNoiseAsNormalAndAddcmulsIt) {
  const at::ScalarType dtype = GetParam();
  for (std::vector<int64_t> batch : {std::vector<int64_t>{}, std::vector<int64_t>{1}}) {
    for (std::vector<int64_t> sample_shape : {std::vector<int64_t>{}, std::vector<int64_t>{1}}) {
      at::Tensor loc = leaf(0.5, batch, dtype), scale = leaf(1.5, batch, dtype);
      auto g1 = td::testing::seeded_generator(11), g2 = td::testing::seeded_generator(11);
      const at::Tensor z = td::Normal(loc, scale).rsample(sample_shape, g1);
      ASSERT_EQ(grad_fn_name(z), "torchdist::ScalarNormalRsampleBackward");
      std::vector<int64_t> shape = sample_shape;
      shape.insert(shape.end(), batch.begin(), batch.end());
      const at::Tensor eps = at::empty(shape, at::TensorOptions().dtype(dtype)).normal_(0, 1, g2);
      EXPECT_TRUE(at::equal(z, at::addcmul(loc, eps, scale))) << z << eps;
      // Both generators have advanced alike: the next draws agree too.
      EXPECT_TRUE(at::equal(at::randn({4}, g1, at::kDouble), at::randn({4}, g2, at::kDouble)));
      // d z / d loc = 1, d z / d scale = eps, and no second derivative.
      const Derivatives d = derivatives(z.sum(), {loc, scale});
      EXPECT_TRUE(at::equal(d.first[0], at::ones_like(loc)));
      EXPECT_TRUE(at::equal(d.first[1], eps.reshape(batch)));
      for (const auto& row : d.second) {
        for (const at::Tensor& h : row) EXPECT_EQ(h.abs().sum().item<double>(), 0.0);
      }
    }
  }
  // The global generator, as torch's seeded runs use it.
  at::Tensor loc = leaf(-1.0, {}, dtype), scale = leaf(0.1, {}, dtype);
  at::manual_seed(5);
  const at::Tensor z = td::Normal(loc, scale).rsample();
  at::manual_seed(5);
  EXPECT_TRUE(at::equal(z, at::addcmul(loc, at::empty({}, loc.options()).normal_(), scale)));
}

TEST_P(NormalScalarPath, RsampleThenLogProbMatchesTheReferencePathToSecondOrder) {
  const at::ScalarType dtype = GetParam();
  auto run = [&](bool scalar_path) {
    tk::set_fused_kernels_enabled(scalar_path);
    at::Tensor loc = leaf(0.5, {}, dtype), scale = leaf(1.5, {}, dtype);
    auto gen = td::testing::seeded_generator(3);
    td::Normal n(loc, scale);
    const at::Tensor lp = n.log_prob(n.rsample({}, gen));
    const std::string name = grad_fn_name(lp);
    EXPECT_EQ(name == "torchdist::ScalarNormalLogProbBackward", scalar_path) << name;
    return std::make_pair(lp, derivatives(lp, {loc, scale}));
  };
  const auto fast = run(true);
  const auto ref = run(false);
  EXPECT_TRUE(all_close(fast.first, ref.first, rtol(), atol()));
  EXPECT_TRUE(same_derivatives(fast.second, ref.second, rtol(), atol()));
}

TEST_P(NormalScalarPath, NoGradAndNoRequiresGradRecordNothing) {
  const at::ScalarType dtype = GetParam();
  at::Tensor loc = leaf(0.5, {}, dtype), scale = leaf(1.5, {}, dtype);
  {
    at::NoGradGuard no_grad;
    td::Normal n(loc, scale);
    EXPECT_FALSE(n.rsample().requires_grad());
    EXPECT_FALSE(n.log_prob(at::zeros({}, dtype)).requires_grad());
  }
  td::Normal n(loc.detach(), scale.detach());
  EXPECT_FALSE(n.sample().requires_grad());
  EXPECT_FALSE(n.log_prob(at::zeros({}, dtype)).requires_grad());
  EXPECT_TRUE(td::Normal(loc, scale).sample().grad_fn() == nullptr);
}

INSTANTIATE_TEST_SUITE_P(FloatAndDouble, NormalScalarPath, ::testing::Values(at::kFloat, at::kDouble));

TEST(NormalScalarPathErrors, InPlaceChangeOfAnInputBeforeBackwardIsReported) {
  at::Tensor x = leaf(0.3, {}, at::kFloat), scale = leaf(1.5, {}, at::kFloat);
  const at::Tensor lp = td::Normal(0.0, scale).log_prob(x);
  {
    at::NoGradGuard no_grad;
    scale.add_(1);
  }
  EXPECT_THROW_MSG(lp.backward(), c10::Error, "modified by an inplace operation");
}

TEST(NormalScalarPathErrors, ValidationStaysOnWithTheSameMessages) {
  at::Tensor scale = leaf(1.5, {}, at::kFloat);
  EXPECT_THROW_MSG(td::Normal(at::zeros({}), -scale), c10::ValueError, "Normal: scale must satisfy positive(), got -1.5");
  EXPECT_THROW_MSG(td::Normal(at::zeros({}), scale).log_prob(at::full({}, NAN)), c10::ValueError,
                   "Normal: value must be within the support real()");
}

}  // namespace
