// LogisticNormal: log_prob against the logistic-normal density written out
// here (and checked to integrate to one), normalization of log_prob itself,
// sampling by KS tests on the coordinates mapped back to the normals,
// gradients against finite differences, shapes, and the error messages.

#include <ATen/core/grad_mode.h>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <torchdist/distributions/independent.h>
#include <torchdist/distributions/logistic_normal.h>
#include <torchdist/distributions/normal.h>
#include <torchdist/distributions/transformed_distribution.h>
#include <torchdist/transforms/simplex.h>

#include <cmath>
#include <numeric>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

// The normal coordinates behind a point y of the K-simplex: torch's stick
// breaking takes the fraction z_i = sigmoid(x_i - log(K - i)) (i = 1..K-1)
// of the stick left, so x_i = log(y_i / (y_{i+1} + ... + y_K)) + log(K - i).
// The remainder is summed from the tail, not computed as 1 - cumsum.
std::vector<double> normals_behind(const std::vector<double>& y) {
  const size_t k = y.size();
  std::vector<double> x(k - 1);
  for (size_t i = 0; i + 1 < k; ++i) {
    const double rest = std::accumulate(y.begin() + static_cast<std::ptrdiff_t>(i) + 1, y.end(), 0.0);
    x[i] = std::log(y[i] / rest) + std::log(static_cast<double>(k - 1 - i));
  }
  return x;
}

// The logistic-normal density of y over its first K - 1 coordinates:
//   p(y) = prod_i N(x_i | loc_i, scale_i) / (y_1 ... y_K),
// the Jacobian of y -> x being triangular with diagonal entries
// 1 / y_i + 1 / r_i = r_{i-1} / (y_i r_i) (r_i the stick left after piece
// i), whose product telescopes to 1 / (y_1 ... y_K).
double reference_log_prob(const std::vector<double>& y, const std::vector<double>& loc,
                          const std::vector<double>& scale) {
  const std::vector<double> x = normals_behind(y);
  double lp = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double z = (x[i] - loc[i]) / scale[i];
    lp += -0.5 * z * z - std::log(scale[i]) - 0.5 * std::log(2 * M_PI);
  }
  for (double yi : y) lp -= std::log(yi);
  return lp;
}

// Points of the K-simplex: the first K - 1 coordinates are given, the last
// is what is left.
std::vector<double> simplex_point(std::vector<double> head) {
  head.push_back(1 - std::accumulate(head.begin(), head.end(), 0.0));
  return head;
}

TEST(LogisticNormal, ReferenceDensityIntegratesToOne) {
  // A check on the test's own reference: integral over the 3-simplex of
  // p(y1, y2, 1 - y1 - y2) dy2 dy1 = 1 by nested tanh-sinh quadrature.
  const std::vector<double> loc = {0.3, -0.5}, scale = {0.8, 1.3};
  boost::math::quadrature::tanh_sinh<double> outer, inner;
  const double total = outer.integrate(
      [&](double y1) {
        return inner.integrate(
            [&](double t) {
              // y2 = t (1 - y1), so that the inner range is (0, 1).
              const double y2 = t * (1 - y1);
              const double y3 = (1 - t) * (1 - y1);
              if (y1 <= 0 || y2 <= 0 || y3 <= 0) return 0.0;
              return (1 - y1) * std::exp(reference_log_prob({y1, y2, y3}, loc, scale));
            },
            0.0, 1.0);
      },
      0.0, 1.0);
  EXPECT_NEAR(total, 1.0, 1e-7);
}

TEST(LogisticNormal, LogProbMatchesClosedForm) {
  struct Case {
    std::vector<double> loc, scale;
    std::vector<std::vector<double>> heads;
  };
  const std::vector<Case> cases = {
      // K = 2 (one normal coordinate).
      {{0.5}, {0.8}, {{0.5}, {1e-10}, {0.999}, {0.2}}},
      // K = 4, including tiny leading pieces and an unbalanced point.
      {{-1, 0, 2},
       {0.5, 1, 1.5},
       {{0.25, 0.25, 0.25}, {0.1, 0.6, 0.2}, {1e-9, 0.5, 0.3}, {0.7, 1e-12, 0.29}, {0.01, 0.01, 0.01}}},
      // K = 6 with extreme scales.
      {{3, -3, 0, 1, -1}, {1e-2, 10, 0.3, 1, 4}, {{0.2, 0.2, 0.2, 0.2, 0.1}, {0.5, 1e-6, 0.1, 0.2, 0.15}}},
  };
  for (const Case& c : cases) {
    const auto k = static_cast<int64_t>(c.loc.size()) + 1;
    td::LogisticNormal d(tensor_of(c.loc, {k - 1}), tensor_of(c.scale, {k - 1}));
    ASSERT_EQ(d.event_shape(), at::IntArrayRef({k}));
    std::vector<double> flat, expected;
    for (const auto& head : c.heads) {
      const std::vector<double> y = simplex_point(head);
      flat.insert(flat.end(), y.begin(), y.end());
      expected.push_back(reference_log_prob(y, c.loc, c.scale));
    }
    const auto n = static_cast<int64_t>(c.heads.size());
    at::Tensor lp = d.log_prob(tensor_of(flat, {n, k}));
    ASSERT_EQ(lp.sizes(), at::IntArrayRef({n}));
    // The remainder 1 - cumsum(y) is computed by the transform with an
    // absolute error ~1e-16 (it is >= 0.01 here), and the log-density
    // terms reach ~1e3 at scale 1e-2: relative 1e-11.
    EXPECT_TRUE(all_close(lp, tensor_of(expected, {n}), 1e-11, 1e-11)) << "K = " << k;
  }
}

TEST(LogisticNormal, BatchedAndBroadcastParameters) {
  // loc [2, 1, 2] against scale [3, 2]: batch [2, 3], K = 3.
  at::Tensor loc = tensor_of({0.1, -0.4, 1.0, 0.5}, {2, 1, 2});
  at::Tensor scale = tensor_of({0.5, 1, 2, 0.7, 1.1, 0.3}, {3, 2});
  td::LogisticNormal d(loc, scale);
  EXPECT_EQ(d.batch_shape(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(d.event_shape(), at::IntArrayRef({3}));
  EXPECT_EQ(d.loc().sizes(), at::IntArrayRef({2, 3, 2}));
  const std::vector<double> y = {0.2, 0.5, 0.3};
  at::Tensor lp = d.log_prob(tensor_of(y, {3}));
  ASSERT_EQ(lp.sizes(), at::IntArrayRef({2, 3}));
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t j = 0; j < 3; ++j) {
      const std::vector<double> l = {loc[i][0][0].item<double>(), loc[i][0][1].item<double>()};
      const std::vector<double> s = {scale[j][0].item<double>(), scale[j][1].item<double>()};
      EXPECT_NEAR(lp[i][j].item<double>(), reference_log_prob(y, l, s), 1e-12) << i << " " << j;
    }
  }
}

TEST(LogisticNormal, LogProbIntegratesToOneForTwoCategories) {
  // integral_0^1 p(y, 1 - y) dy = 1, evaluating the library's log_prob.
  td::LogisticNormal d(tensor_of({0.7}), tensor_of({1.4}), /*validate_args=*/false);
  boost::math::quadrature::tanh_sinh<double> integrator;
  const double total = integrator.integrate(
      [&](double y) { return std::exp(d.log_prob(tensor_of({y, 1 - y}, {2})).item<double>()); }, 0.0, 1.0);
  EXPECT_NEAR(total, 1.0, 1e-8);
}

TEST(LogisticNormal, StructureShapesAndDtypes) {
  // A scalar parameter is one coordinate: K = 2, as in torch.
  td::LogisticNormal d0(0.0, 1.0);
  EXPECT_EQ(d0.name(), "LogisticNormal");
  EXPECT_EQ(d0.batch_shape().size(), 0u);
  EXPECT_EQ(d0.event_shape(), at::IntArrayRef({2}));
  EXPECT_EQ(d0.loc().sizes(), at::IntArrayRef({1}));
  EXPECT_EQ(d0.loc().scalar_type(), at::kFloat);
  EXPECT_TRUE(d0.has_rsample());
  EXPECT_EQ(d0.support()->name(), "simplex()");
  // The composition torch uses: Normal(loc, scale) (its last batch
  // dimension reinterpreted as the event) through StickBreakingTransform.
  auto base = std::dynamic_pointer_cast<const td::Independent>(d0.base_dist());
  ASSERT_NE(base, nullptr);
  auto normal = std::dynamic_pointer_cast<const td::Normal>(base->base_dist());
  ASSERT_NE(normal, nullptr);
  EXPECT_FALSE(normal->validate_args());
  ASSERT_EQ(d0.transforms().size(), 1u);
  EXPECT_EQ(d0.transforms()[0]->name(), "StickBreakingTransform()");

  td::LogisticNormal d(at::zeros({3, 4}, at::kDouble), at::ones({4}, at::kDouble));
  EXPECT_EQ(d.batch_shape(), at::IntArrayRef({3}));
  EXPECT_EQ(d.event_shape(), at::IntArrayRef({5}));
  for (std::vector<int64_t> shape : {std::vector<int64_t>{}, {5}, {2, 3}}) {
    std::vector<int64_t> expected = td::concat_shapes(shape, {3, 5});
    at::Tensor s = d.sample(shape);
    EXPECT_EQ(s.sizes(), at::IntArrayRef(expected));
    EXPECT_EQ(d.rsample(shape).sizes(), at::IntArrayRef(expected));
    EXPECT_EQ(d.log_prob(s).sizes(), at::IntArrayRef(td::concat_shapes(shape, {3})));
    EXPECT_TRUE((s > 0).all().item<bool>());
    EXPECT_TRUE(all_close(s.sum(-1), at::ones_like(s.sum(-1)), 1e-14, 1e-14));
  }

  td::LogisticNormal e = d.expand({2, 3});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(e.event_shape(), at::IntArrayRef({5}));
  EXPECT_EQ(e.loc().sizes(), at::IntArrayRef({2, 3, 4}));
  EXPECT_TRUE(e.validate_args());
  EXPECT_FALSE(td::LogisticNormal(0.0, 1.0, false).expand({2}).validate_args());
  at::Tensor y = d.sample({}, td::testing::seeded_generator(3));
  EXPECT_TRUE(all_close(e.log_prob(y), d.log_prob(y).expand({2, 3}), 1e-15, 0));
  auto shared = d.expand_shared({7, 3});
  ASSERT_NE(std::dynamic_pointer_cast<td::LogisticNormal>(shared), nullptr);
  EXPECT_EQ(shared->batch_shape(), at::IntArrayRef({7, 3}));
}

// KS p-values of the normal coordinates behind n samples, one per
// coordinate, against N(loc_i, scale_i).
std::vector<double> ks_p_values(const std::vector<double>& loc, const std::vector<double>& scale,
                                at::ScalarType dtype, uint64_t seed) {
  const auto k1 = static_cast<int64_t>(loc.size());
  td::LogisticNormal d(tensor_of(loc, {k1}).to(dtype), tensor_of(scale, {k1}).to(dtype));
  const int64_t n = 20000;
  at::Tensor s = d.sample({n}, td::testing::seeded_generator(seed)).to(at::kDouble);
  const std::vector<double> flat = td::testing::to_vector(s);
  std::vector<std::vector<double>> x(static_cast<size_t>(k1));
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<double> y(flat.begin() + i * (k1 + 1), flat.begin() + (i + 1) * (k1 + 1));
    const std::vector<double> xi = normals_behind(y);
    for (size_t j = 0; j < xi.size(); ++j) x[j].push_back(xi[j]);
  }
  std::vector<double> p;
  for (size_t j = 0; j < x.size(); ++j) {
    p.push_back(td::testing::ks_test(x[j], [&](double v) {
      return 0.5 * std::erfc(-(v - loc[j]) / (scale[j] * std::sqrt(2.0)));
    }));
  }
  return p;
}

TEST(LogisticNormal, SamplesPassKolmogorovSmirnovOnTheNormalsBehindThem) {
  // Threshold 1e-4 per coordinate: false-failure rate 1e-4 for each of the
  // 6 tests (6e-4 together); the seeds are fixed, so the outcome is too.
  for (double p : ks_p_values({-1, 0, 2}, {0.5, 1, 1.5}, at::kDouble, 61)) EXPECT_GT(p, 1e-4);
  for (double p : ks_p_values({0.5}, {2.0}, at::kDouble, 62)) EXPECT_GT(p, 1e-4);
  for (double p : ks_p_values({1, -1}, {0.7, 0.3}, at::kFloat, 63)) EXPECT_GT(p, 1e-4);
}

TEST(LogisticNormal, GradientsMatchFiniteDifferences) {
  at::Tensor loc0 = tensor_of({0.1, -1.0, 2.0}, {3}), scale0 = tensor_of({0.7, 1.5, 0.4}, {3});
  at::Tensor y0 = tensor_of({0.2, 0.1, 0.4, 0.3, 0.1, 0.1, 0.1, 0.7}, {2, 4});
  auto check = [](const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& at) {
    EXPECT_TRUE(all_close(td::testing::autograd_grad(f, at), td::testing::finite_difference_grad(f, at), 1e-6,
                          1e-7));
  };
  check([&](const at::Tensor& l) { return td::LogisticNormal(l, scale0).log_prob(y0).sum(); }, loc0);
  check([&](const at::Tensor& s) { return td::LogisticNormal(loc0, s).log_prob(y0).sum(); }, scale0);
  // rsample at fixed noise (same seed each evaluation), through a
  // nonlinear function of the simplex point so that no gradient is
  // trivially zero (the coordinates always sum to one).
  auto rsample_f = [&](const at::Tensor& l, const at::Tensor& s) {
    at::Tensor y = td::LogisticNormal(l, s).rsample({5}, td::testing::seeded_generator(42));
    return (y.pow(2) * tensor_of({1, 2, 3, 4}, {4})).sum();
  };
  check([&](const at::Tensor& l) { return rsample_f(l, scale0); }, loc0);
  check([&](const at::Tensor& s) { return rsample_f(loc0, s); }, scale0);
}

TEST(LogisticNormal, ErrorsNameTheFamily) {
  EXPECT_THROW_MSG(td::LogisticNormal(at::zeros({3}), tensor_of({1, 2, -1}, {3})), c10::ValueError,
                   "LogisticNormal: scale must satisfy positive(), got -1 at index [2]");
  EXPECT_THROW_MSG(td::LogisticNormal(tensor_of({0, NAN}, {2}), 1.0), c10::ValueError,
                   "LogisticNormal: loc must satisfy real(), got nan at index [1]");
  td::LogisticNormal d(at::zeros({3}, at::kDouble), 1.0);
  EXPECT_THROW_MSG(d.log_prob(tensor_of({0.5, 0.6, -0.2, 0.1}, {4})), c10::ValueError,
                   "LogisticNormal: value must be within the support simplex(), got [0.5, 0.6, -0.2, 0.1]");
  EXPECT_THROW_MSG(d.log_prob(tensor_of({0.5, 0.2, 0.2, 0.2}, {4})), c10::ValueError,
                   "LogisticNormal: value must be within the support simplex()");
  EXPECT_THROW_MSG(d.log_prob(tensor_of({0.5, 0.2, 0.3}, {3})), c10::ValueError,
                   "LogisticNormal: value of shape [3] does not end in the event shape [4]");
  for (const char* method : {"mean", "mode", "variance", "entropy", "cdf", "icdf", "enumerate_support"}) {
    SCOPED_TRACE(method);
    const std::string m(method);
    const at::Tensor y = tensor_of({0.25, 0.25, 0.25, 0.25}, {4});
    EXPECT_THROW_MSG(
        {
          if (m == "mean") d.mean();
          if (m == "mode") d.mode();
          if (m == "variance") d.variance();
          if (m == "entropy") d.entropy();
          if (m == "cdf") d.cdf(y);
          if (m == "icdf") d.icdf(tensor_of({0.5}));
          if (m == "enumerate_support") d.enumerate_support();
        },
        c10::NotImplementedError, "LogisticNormal does not implement " + m);
  }
  EXPECT_THROW_MSG(d.stddev(), c10::NotImplementedError, "LogisticNormal does not implement variance");
  EXPECT_NO_THROW(td::LogisticNormal(0.0, -1.0, /*validate_args=*/false));
}

TEST(LogisticNormal, ValidationOffReachesTheInnerDistributions) {
  // validate_args = false must hold for the Independent that the stick-
  // breaking transform puts around the base (it threw from there): values
  // outside the simplex give NaN or a number, as in torch, not an error.
  td::LogisticNormal d(at::zeros({3}, at::kDouble), 1.0, /*validate_args=*/false);
  at::Tensor lp;
  EXPECT_NO_THROW(lp = d.log_prob(tensor_of({NAN, 0.2, 0.3, 0.1}, {4})));
  EXPECT_TRUE(std::isnan(lp.item<double>()));
  EXPECT_NO_THROW(d.log_prob(tensor_of({0.5, 0.6, -0.2, 0.1}, {4})));
  // The same through a TransformedDistribution whose base is unvalidated,
  // while a validated base still checks (the wrapper follows its base).
  td::TransformedDistribution plain(td::Normal(at::zeros({3}, at::kDouble), 1.0, false),
                                    {std::make_shared<td::StickBreakingTransform>()}, false);
  EXPECT_NO_THROW(plain.log_prob(tensor_of({NAN, 0.2, 0.3, 0.1}, {4})));
  td::TransformedDistribution checked(td::Normal(at::zeros({3}, at::kDouble), 1.0),
                                      {std::make_shared<td::StickBreakingTransform>()}, false);
  EXPECT_THROW(checked.log_prob(tensor_of({NAN, 0.2, 0.3, 0.1}, {4})), c10::ValueError);
}

}  // namespace
