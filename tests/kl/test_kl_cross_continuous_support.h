#pragma once
// Shared by test_kl_cross_continuous_*.cpp: each family of the cross-family
// continuous KL rules described once (how to build it from parameter
// tensors, its log density written independently in double, its support),
// a quadrature reference for KL(p || q), and the checks run on every pair
// (reference values, Monte Carlo, gradients, shapes and dtypes, +inf pairs).

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <cmath>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kl_testing.h"
#include "torchdist/torchdist.h"

namespace td = torchdist;

namespace kl_cross_testing {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kPi = 3.14159265358979323846;
constexpr double kEulerGamma = 0.57721566490153286061;

using Params = std::vector<double>;
using DistPtr = std::shared_ptr<td::Distribution>;
// log density at x, given x and 1 - x (the latter exact near x = 1, for the
// unit-interval families); -inf outside the support.
using LogDensity = std::function<double(double x, double one_minus_x)>;

struct Family {
  std::string name;
  size_t n_params;
  std::function<DistPtr(const std::vector<at::Tensor>&)> make;
  std::function<LogDensity(const Params&)> log_density;
  std::function<std::pair<double, double>(const Params&)> support;
  // Points where the integrand bends or where p's mass sits (cuts for the
  // quadrature).
  std::function<std::vector<double>(const Params&)> landmarks;
};

inline std::vector<double> around(double center, double spread) {
  std::vector<double> out;
  for (double k : {-20.0, -8.0, -3.0, -1.0, 0.0, 1.0, 3.0, 8.0, 20.0}) out.push_back(center + k * spread);
  return out;
}

inline double log_beta_function(double a, double b) { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); }

inline Family beta_family() {
  return {"Beta",
          2,
          [](const std::vector<at::Tensor>& t) { return std::make_shared<td::Beta>(t[0], t[1]); },
          [](const Params& v) -> LogDensity {
            const double a = v[0], b = v[1], lb = log_beta_function(a, b);
            return [=](double x, double omx) {
              if (x <= 0 || omx <= 0) return -kInf;
              return (a - 1) * std::log(x) + (b - 1) * std::log(omx) - lb;
            };
          },
          [](const Params&) { return std::make_pair(0.0, 1.0); },
          [](const Params& v) {
            const double s = v[0] + v[1];
            return around(v[0] / s, std::sqrt(v[0] * v[1] / (s * s * (s + 1))));
          }};
}

// The normalizer by quadrature of lambda^x (1 - lambda)^(1 - x) over [0, 1]:
// independent of the closed form 2 atanh(1 - 2 lambda) / (1 - 2 lambda) and
// of its Taylor expansion near 1/2.
inline Family continuous_bernoulli_family() {
  return {"ContinuousBernoulli",
          1,
          [](const std::vector<at::Tensor>& t) { return std::make_shared<td::ContinuousBernoulli>(td::probs(t[0])); },
          [](const Params& v) -> LogDensity {
            const double l1 = std::log(v[0]), l0 = std::log1p(-v[0]);
            boost::math::quadrature::tanh_sinh<double> integrator;
            const double z =
                integrator.integrate([=](double x) { return std::exp(x * l1 + (1 - x) * l0); }, 0.0, 1.0, 1e-15);
            const double log_c = -std::log(z);
            return [=](double x, double omx) {
              if (x < 0 || omx < 0) return -kInf;
              return log_c + x * l1 + omx * l0;
            };
          },
          [](const Params&) { return std::make_pair(0.0, 1.0); },
          [](const Params&) {
            return std::vector<double>{0.25, 0.5, 0.75};
          }};
}

inline Family exponential_family() {
  return {"Exponential",
          1,
          [](const std::vector<at::Tensor>& t) { return std::make_shared<td::Exponential>(t[0]); },
          [](const Params& v) -> LogDensity {
            const double r = v[0];
            return [=](double x, double) { return x < 0 ? -kInf : std::log(r) - r * x; };
          },
          [](const Params&) { return std::make_pair(0.0, kInf); },
          [](const Params& v) {
            return std::vector<double>{0.1 / v[0], 1 / v[0], 3 / v[0], 10 / v[0], 30 / v[0]};
          }};
}

inline Family gamma_family() {
  return {"Gamma",
          2,
          [](const std::vector<at::Tensor>& t) { return std::make_shared<td::Gamma>(t[0], t[1]); },
          [](const Params& v) -> LogDensity {
            const double k = v[0], r = v[1], c = k * std::log(r) - std::lgamma(k);
            return [=](double x, double) {
              if (x <= 0) return -kInf;
              return c + (k - 1) * std::log(x) - r * x;
            };
          },
          [](const Params&) { return std::make_pair(0.0, kInf); },
          [](const Params& v) { return around(v[0] / v[1], std::sqrt(v[0]) / v[1]); }};
}

inline Family gumbel_family() {
  return {"Gumbel",
          2,
          [](const std::vector<at::Tensor>& t) { return std::make_shared<td::Gumbel>(t[0], t[1]); },
          [](const Params& v) -> LogDensity {
            const double m = v[0], b = v[1];
            return [=](double x, double) {
              const double z = (x - m) / b;
              return -std::log(b) - z - std::exp(-z);
            };
          },
          [](const Params&) { return std::make_pair(-kInf, kInf); },
          [](const Params& v) { return around(v[0] + kEulerGamma * v[1], v[1] * kPi / std::sqrt(6.0)); }};
}

inline Family laplace_family() {
  return {"Laplace",
          2,
          [](const std::vector<at::Tensor>& t) { return std::make_shared<td::Laplace>(t[0], t[1]); },
          [](const Params& v) -> LogDensity {
            const double m = v[0], b = v[1];
            return [=](double x, double) { return -std::log(2 * b) - std::abs(x - m) / b; };
          },
          [](const Params&) { return std::make_pair(-kInf, kInf); },
          [](const Params& v) { return around(v[0], v[1]); }};
}

inline Family normal_family() {
  return {"Normal",
          2,
          [](const std::vector<at::Tensor>& t) { return std::make_shared<td::Normal>(t[0], t[1]); },
          [](const Params& v) -> LogDensity {
            const double m = v[0], s = v[1];
            return [=](double x, double) {
              const double u = (x - m) / s;
              return -0.5 * std::log(2 * kPi) - std::log(s) - 0.5 * u * u;
            };
          },
          [](const Params&) { return std::make_pair(-kInf, kInf); },
          [](const Params& v) { return around(v[0], v[1]); }};
}

// Parameters (scale x_m, alpha), as td::Pareto takes them.
inline Family pareto_family() {
  return {"Pareto",
          2,
          [](const std::vector<at::Tensor>& t) { return std::make_shared<td::Pareto>(t[0], t[1]); },
          [](const Params& v) -> LogDensity {
            const double xm = v[0], a = v[1];
            return [=](double x, double) {
              if (x < xm) return -kInf;
              return std::log(a) + a * std::log(xm) - (a + 1) * std::log(x);
            };
          },
          [](const Params& v) { return std::make_pair(v[0], kInf); },
          [](const Params& v) {
            std::vector<double> out;
            for (double k : {1.0 + 0.1 / v[1], 1.0 + 1.0 / v[1], 1.0 + 3.0 / v[1], 2.0, 10.0}) out.push_back(v[0] * k);
            return out;
          }};
}

inline Family uniform_family() {
  return {"Uniform",
          2,
          [](const std::vector<at::Tensor>& t) { return std::make_shared<td::Uniform>(t[0], t[1]); },
          [](const Params& v) -> LogDensity {
            const double lo = v[0], hi = v[1];
            return [=](double x, double) { return (x < lo || x > hi) ? -kInf : -std::log(hi - lo); };
          },
          [](const Params& v) { return std::make_pair(v[0], v[1]); },
          [](const Params& v) { return std::vector<double>{0.5 * (v[0] + v[1])}; }};
}

// KL(p || q) = int p (log p - log q) by double-exponential quadrature over
// p's support, cut at both families' landmarks: tanh-sinh on the finite
// pieces (endpoint singularities of the Beta and log x are integrable and
// handled there, with 1 - x passed exactly near the right end of a piece),
// exp-sinh on the infinite ends. `error` receives the summed error estimate.
inline double quadrature_kl(const Family& pf, const Params& pp, const Family& qf, const Params& qp,
                            double* error = nullptr) {
  const LogDensity lp = pf.log_density(pp), lq = qf.log_density(qp);
  auto integrand = [&](double x, double omx) {
    const double a = lp(x, omx);
    const double density = std::exp(a);
    // Where p's density underflows, log q may be -inf (a Gumbel far left of
    // its mode): the product is 0 there, not 0 * inf.
    if (density == 0) return 0.0;
    return density * (a - lq(x, omx));
  };
  const auto support = pf.support(pp);
  std::vector<double> cuts = {support.first, support.second};
  for (const auto* f : {&pf, &qf}) {
    for (double c : f->landmarks(f == &pf ? pp : qp)) {
      if (c > support.first && c < support.second) cuts.push_back(c);
    }
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  double total = 0, total_error = 0;
  boost::math::quadrature::tanh_sinh<double> finite(20);
  boost::math::quadrature::exp_sinh<double> half_line(12);
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double a = cuts[i], b = cuts[i + 1];
    double err = 0, l1 = 0;
    if (std::isinf(a) || std::isinf(b)) {
      total += half_line.integrate([&](double x) { return integrand(x, 1 - x); }, a, b, 1e-14, &err, &l1);
    } else {
      // xc = a - x (<= 0) on the left half of [a, b], b - x (>= 0) on the right.
      total += finite.integrate([&](double x, double xc) { return integrand(x, xc >= 0 ? (1 - b) + xc : 1 - x); }, a, b,
                                1e-14, &err, &l1);
    }
    total_error += err;
  }
  if (error) *error = total_error;
  return total;
}

// ---------------------------------------------------------------------------
// A finite pair and its parameter points: p's parameters, then q's.
struct FiniteCase {
  Family p, q;
  std::vector<Params> points;       // reference values (scalar), and the shape test (first point)
  std::vector<Params> mc_points;    // Monte Carlo, batched (empty: skipped, see the case)
  std::vector<Params> grad_points;  // finite-difference gradients, batched
  double float_rtol = 1e-5;         // float32 against double at the first point
};

inline std::string case_name(const FiniteCase& c) { return c.p.name + "_" + c.q.name; }

// Column k of the points as a tensor of shape [points.size()].
inline at::Tensor column(const std::vector<Params>& points, size_t k) {
  std::vector<double> values;
  for (const Params& point : points) values.push_back(point[k]);
  return td::testing::tensor_of(values, {static_cast<int64_t>(values.size())});
}

inline std::pair<DistPtr, DistPtr> make_pair_from(const FiniteCase& c, const std::vector<at::Tensor>& params) {
  std::vector<at::Tensor> pp(params.begin(), params.begin() + c.p.n_params);
  std::vector<at::Tensor> qp(params.begin() + c.p.n_params, params.end());
  return {c.p.make(pp), c.q.make(qp)};
}

inline std::vector<at::Tensor> columns(const std::vector<Params>& points) {
  std::vector<at::Tensor> out;
  for (size_t k = 0; k < points.front().size(); ++k) out.push_back(column(points, k));
  return out;
}

// Largest relative error against the quadrature over the case's points
// (also printed, for the record).
inline void check_reference_values(const FiniteCase& c, double rtol = 1e-8) {
  double worst = 0;
  for (const Params& point : c.points) {
    std::vector<at::Tensor> params;
    for (double v : point) params.push_back(at::scalar_tensor(v, at::kDouble));
    auto pq = make_pair_from(c, params);
    const double actual = td::kl_divergence(*pq.first, *pq.second).item<double>();
    double error = 0;
    const Params pp(point.begin(), point.begin() + c.p.n_params), qp(point.begin() + c.p.n_params, point.end());
    const double expected = quadrature_kl(c.p, pp, c.q, qp, &error);
    const double rel = std::abs(actual - expected) / std::max(std::abs(expected), 1e-3);
    worst = std::max(worst, rel);
    // Boost's error estimates are pessimistic (1e-10 where the result is good
    // to 1e-15); a tenth of the tolerance is enough to trust the reference.
    EXPECT_LT(error, 0.1 * rtol * std::max(std::abs(expected), 1e-3)) << "quadrature did not converge";
    EXPECT_LT(rel, rtol) << case_name(c) << " at point " << ::testing::PrintToString(point) << ": " << actual
                         << " vs quadrature " << expected;
  }
  std::cout << "[ reference ] " << case_name(c) << ": max relative error " << worst << " over " << c.points.size()
            << " points\n";
}

inline void check_monte_carlo(const FiniteCase& c, uint64_t seed = 7) {
  if (c.mc_points.empty()) return;
  auto pq = make_pair_from(c, columns(c.mc_points));
  td::testing::expect_kl_matches_monte_carlo(*pq.first, *pq.second, 200000, seed);
}

inline void check_gradients(const FiniteCase& c) {
  const std::vector<Params>& points = c.grad_points.empty() ? c.points : c.grad_points;
  td::testing::expect_kl_gradients_match_finite_differences(
      [&](const std::vector<at::Tensor>& params) {
        auto pq = make_pair_from(c, params);
        return td::kl_divergence(*pq.first, *pq.second);
      },
      columns(points));
}

// p's parameters with batch shape [3, 1] and q's with [4] give [3, 4]; every
// element equals the scalar value; float32 parameters give float32, close to
// the double value.
inline void check_shapes_and_dtypes(const FiniteCase& c) {
  const Params& point = c.points.front();
  std::vector<at::Tensor> scalars, batched;
  for (size_t k = 0; k < point.size(); ++k) {
    at::Tensor s = at::scalar_tensor(point[k], at::kDouble);
    scalars.push_back(s);
    batched.push_back(k < c.p.n_params ? s.expand({3, 1}).contiguous() : s.expand({4}).contiguous());
  }
  auto scalar_pair = make_pair_from(c, scalars);
  const at::Tensor expected = td::kl_divergence(*scalar_pair.first, *scalar_pair.second);
  auto batched_pair = make_pair_from(c, batched);
  const at::Tensor kl = td::kl_divergence(*batched_pair.first, *batched_pair.second);
  EXPECT_EQ(kl.sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(kl.scalar_type(), at::kDouble);
  EXPECT_TRUE(td::testing::all_close(kl, expected.expand({3, 4}), 1e-14, 0));

  std::vector<at::Tensor> floats;
  for (const at::Tensor& t : batched) floats.push_back(t.to(at::kFloat));
  auto float_pair = make_pair_from(c, floats);
  const at::Tensor kl_float = td::kl_divergence(*float_pair.first, *float_pair.second);
  EXPECT_EQ(kl_float.scalar_type(), at::kFloat);
  EXPECT_EQ(kl_float.sizes(), at::IntArrayRef({3, 4}));
  EXPECT_TRUE(td::testing::all_close(kl_float, expected.expand({3, 4}), c.float_rtol, 1e-6));
}

// ---------------------------------------------------------------------------
// A pair whose supports differ: +inf everywhere, with the broadcast batch
// shape ([3, 1] against [4] gives [3, 4]) and p's dtype.
struct InfiniteCase {
  Family p, q;
  Params point;
};

inline void check_infinite(const InfiniteCase& c) {
  for (auto dtype : {at::kDouble, at::kFloat}) {
    std::vector<at::Tensor> pp, qp;
    for (size_t k = 0; k < c.p.n_params; ++k) pp.push_back(at::full({3, 1}, c.point[k], dtype));
    for (size_t k = 0; k < c.q.n_params; ++k) qp.push_back(at::full({4}, c.point[c.p.n_params + k], dtype));
    const at::Tensor kl = td::kl_divergence(*c.p.make(pp), *c.q.make(qp));
    td::testing::expect_all_infinite(kl);
    EXPECT_EQ(kl.sizes(), at::IntArrayRef({3, 4})) << c.p.name << " || " << c.q.name;
    EXPECT_EQ(kl.scalar_type(), dtype);
    // The reverse broadcast: p [4], q [3, 1].
    std::vector<at::Tensor> pp2, qp2;
    for (size_t k = 0; k < c.p.n_params; ++k) pp2.push_back(at::full({4}, c.point[k], dtype));
    for (size_t k = 0; k < c.q.n_params; ++k) qp2.push_back(at::full({3, 1}, c.point[c.p.n_params + k], dtype));
    EXPECT_EQ(td::kl_divergence(*c.p.make(pp2), *c.q.make(qp2)).sizes(), at::IntArrayRef({3, 4}));
  }
}

inline void PrintTo(const FiniteCase& c, std::ostream* os) { *os << case_name(c); }
inline void PrintTo(const InfiniteCase& c, std::ostream* os) { *os << c.p.name << "_" << c.q.name; }

// Test names: the pair, "Beta_Normal".
struct CaseName {
  std::string operator()(const ::testing::TestParamInfo<FiniteCase>& info) const { return case_name(info.param); }
  std::string operator()(const ::testing::TestParamInfo<InfiniteCase>& info) const {
    return info.param.p.name + "_" + info.param.q.name;
  }
};

}  // namespace kl_cross_testing

// Parameterized fixtures over the cases of one test file.
class KlCrossFinite : public ::testing::TestWithParam<kl_cross_testing::FiniteCase> {};
class KlCrossInfinite : public ::testing::TestWithParam<kl_cross_testing::InfiniteCase> {};

// The tests every file runs on its cases.
#define KL_CROSS_DEFINE_PARAMETERIZED_TESTS()                                                               \
  TEST_P(KlCrossFinite, MatchesQuadrature) { kl_cross_testing::check_reference_values(GetParam()); }        \
  TEST_P(KlCrossFinite, MatchesMonteCarlo) { kl_cross_testing::check_monte_carlo(GetParam()); }             \
  TEST_P(KlCrossFinite, GradientsMatchFiniteDifferences) { kl_cross_testing::check_gradients(GetParam()); } \
  TEST_P(KlCrossFinite, BroadcastsAndKeepsDtype) { kl_cross_testing::check_shapes_and_dtypes(GetParam()); } \
  TEST_P(KlCrossInfinite, IsInfiniteWithBroadcastShape) { kl_cross_testing::check_infinite(GetParam()); }
