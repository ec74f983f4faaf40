// ContinuousBernoulli: density, cdf and icdf against closed forms written
// here in plain double arithmetic, moments and entropy against Simpson-rule
// integration of that density, sampling by KS test, gradients against finite
// differences (the pathwise gradient inside the Taylor region included),
// finiteness at probs 0 and 1 and logits +-1e4, and validation messages.

#include <torchdist/core/constraints.h>
#include <torchdist/core/probs_logits.h>
#include <torchdist/distributions/continuous_bernoulli.h>

#include <cmath>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::autograd_grad;
using td::testing::finite_difference_grad;
using td::testing::tensor_of;

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

// ---- Reference formulas, independent of the code under test ----

// log C(p), C(p) = 2 atanh(1 - 2p) / (1 - 2p), C(1/2) = 2. atanh(y) / y is
// accurate to a few ulps for every y != 0, so this is exact to rounding near
// p = 1/2 too.
double ref_log_norm(double p) {
  const double y = 1 - 2 * p;
  return y == 0 ? std::log(2.0) : std::log(2 * std::atanh(y) / y);
}
double ref_log_pdf(double x, double p) { return ref_log_norm(p) + x * std::log(p) + (1 - x) * std::log1p(-p); }
double ref_eta(double p) { return std::log(p) - std::log1p(-p); }
// cdf(x) = (exp(eta x) - 1) / (exp(eta) - 1); icdf its inverse.
double ref_cdf(double x, double p) {
  const double e = ref_eta(p);
  return e == 0 ? x : std::expm1(e * x) / std::expm1(e);
}
double ref_icdf(double u, double p) {
  const double e = ref_eta(p);
  return e == 0 ? u : std::log1p(u * std::expm1(e)) / e;
}

struct Moments {
  double mean, variance, entropy;
};
// Composite Simpson rule on [0, 1] with n (even) intervals. The density is
// C exp(eta x) with |eta| <= 7 at the p used here, so the error bound
// h^4 max|f''''| / 180 is below 1e-15 at n = 20000.
Moments simpson_moments(double p, int n = 20000) {
  const double h = 1.0 / n;
  double m0 = 0, m1 = 0, m2 = 0, ent = 0;
  for (int i = 0; i <= n; ++i) {
    const double x = i * h;
    const double w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
    const double lf = ref_log_pdf(x, p), f = std::exp(lf);
    m0 += w * f;
    m1 += w * x * f;
    m2 += w * x * x * f;
    ent -= w * f * lf;
  }
  m0 *= h / 3, m1 *= h / 3, m2 *= h / 3, ent *= h / 3;
  EXPECT_NEAR(m0, 1.0, 1e-13) << "reference density does not integrate to one at p = " << p;
  return {m1, m2 - m1 * m1, ent};
}

// The p grid: both sides of 1/2, the default Taylor region (0.499, 0.501]
// and both its edges, and the tails.
const std::vector<double> kProbs = {0.001, 0.1, 0.3, 0.499, 0.4995, 0.5, 0.5001, 0.5009, 0.501, 0.5011, 0.7, 0.999};

at::Tensor probs_tensor() { return tensor_of(kProbs, {static_cast<int64_t>(kProbs.size())}); }

// Evaluates ref(x, p) on the grid value x (rows) by p (columns).
at::Tensor ref_table(const std::vector<double>& xs, const std::function<double(double, double)>& ref) {
  std::vector<double> out;
  for (double x : xs)
    for (double p : kProbs) out.push_back(ref(x, p));
  return tensor_of(out, {static_cast<int64_t>(xs.size()), static_cast<int64_t>(kProbs.size())});
}

at::Tensor column(const std::vector<double>& xs) { return tensor_of(xs, {static_cast<int64_t>(xs.size()), 1}); }

TEST(ContinuousBernoulli, LogProbMatchesClosedForm) {
  const std::vector<double> xs = {0, 1e-8, 0.25, 0.5, 0.9, 1};
  at::Tensor expected = ref_table(xs, ref_log_pdf);
  // The closed form next to the Taylor region cancels to about 1e-13; the
  // Taylor region itself is exact to rounding.
  td::ContinuousBernoulli by_probs(td::probs(probs_tensor()));
  EXPECT_TRUE(all_close(by_probs.log_prob(column(xs)), expected, 1e-12, 1e-12));
  std::vector<double> logits;
  for (double p : kProbs) logits.push_back(ref_eta(p));
  td::ContinuousBernoulli by_logits(td::logits(tensor_of(logits, {static_cast<int64_t>(logits.size())})));
  EXPECT_TRUE(all_close(by_logits.log_prob(column(xs)), expected, 1e-10, 1e-10));
  // The normalizer alone, closed form and Taylor expansion.
  std::vector<double> log_norm;
  for (double p : kProbs) log_norm.push_back(ref_log_norm(p));
  EXPECT_TRUE(all_close(td::continuous_bernoulli_log_normalizer(probs_tensor()),
                        tensor_of(log_norm, {static_cast<int64_t>(kProbs.size())}), 1e-14, 1e-14));
}

TEST(ContinuousBernoulli, CdfMatchesClosedForm) {
  const std::vector<double> xs = {0, 1e-9, 0.1, 0.5, 0.77, 1 - 1e-9, 1};
  td::ContinuousBernoulli cb(td::probs(probs_tensor()));
  // cdf and icdf are computed from eta = logit(p) (expm1/log1p forms and
  // their series near eta = 0) and are accurate to a few ulps relative: 1e-13
  // holds at x = 1e-9 next to the Taylor region too, where torch's closed
  // forms in p lose 1e-8.
  EXPECT_TRUE(all_close(cb.cdf(column(xs)), ref_table(xs, ref_cdf), 1e-13, 1e-300));
  td::ContinuousBernoulli unchecked(td::probs(probs_tensor()), /*validate_args=*/false);
  at::Tensor outside = unchecked.cdf(column({-0.5, 1.5}));
  EXPECT_TRUE(all_close(outside[0], at::zeros({static_cast<int64_t>(kProbs.size())}, at::kDouble), 0, 0));
  EXPECT_TRUE(all_close(outside[1], at::ones({static_cast<int64_t>(kProbs.size())}, at::kDouble), 0, 0));
}

TEST(ContinuousBernoulli, IcdfMatchesClosedFormAndInvertsCdf) {
  const std::vector<double> us = {0, 1e-9, 0.1, 0.5, 0.77, 1 - 1e-9, 1};
  td::ContinuousBernoulli cb(td::probs(probs_tensor()));
  at::Tensor u = column(us);
  at::Tensor x = cb.icdf(u);
  EXPECT_TRUE(all_close(x, ref_table(us, ref_icdf), 1e-13, 1e-300));
  EXPECT_TRUE(all_close(cb.cdf(x), u.expand_as(x), 1e-13, 1e-300));
  EXPECT_EQ(cb.icdf(tensor_of({1.0})).max().item<double>(), 1.0);
}

TEST(ContinuousBernoulli, CdfAndIcdfAcrossTheSeriesSwitch) {
  // cdf and icdf switch from their series in eta to the expm1/log1p forms at
  // |eta| = 0.01. Both sides of the switch must agree with the reference to
  // rounding.
  std::vector<double> etas = {-0.2, -0.0101, -0.0099, -1e-7, 0, 1e-7, 0.0099, 0.0101, 0.2};
  const int64_t k = static_cast<int64_t>(etas.size());
  td::ContinuousBernoulli cb(td::logits(tensor_of(etas, {k})));
  const std::vector<double> pts = {1e-6, 0.1, 0.5, 0.77, 0.999999};
  std::vector<double> cdf_ref, icdf_ref;
  for (double t : pts) {
    for (double e : etas) {
      cdf_ref.push_back(e == 0 ? t : std::expm1(e * t) / std::expm1(e));
      icdf_ref.push_back(e == 0 ? t : std::log1p(t * std::expm1(e)) / e);
    }
  }
  const int64_t m = static_cast<int64_t>(pts.size());
  EXPECT_TRUE(all_close(cb.cdf(column(pts)), tensor_of(cdf_ref, {m, k}), 1e-14, 1e-16));
  EXPECT_TRUE(all_close(cb.icdf(column(pts)), tensor_of(icdf_ref, {m, k}), 1e-14, 1e-16));
}

TEST(ContinuousBernoulli, MomentsAndEntropyMatchNumericalIntegration) {
  td::ContinuousBernoulli cb(td::probs(probs_tensor()));
  std::vector<double> mean, var, ent;
  for (double p : kProbs) {
    Moments m = simpson_moments(p);
    mean.push_back(m.mean);
    var.push_back(m.variance);
    ent.push_back(m.entropy);
  }
  const int64_t n = static_cast<int64_t>(kProbs.size());
  // Tolerance 1e-10: the closed forms cancel next to the Taylor region
  // (terms of size 1/(1 - 2p)^2 = 2.5e5 at p = 0.499 leave about 1e-11), the
  // integration error is below 1e-13.
  EXPECT_TRUE(all_close(cb.mean(), tensor_of(mean, {n}), 1e-10, 1e-10));
  EXPECT_TRUE(all_close(cb.variance(), tensor_of(var, {n}), 1e-10, 1e-10));
  EXPECT_TRUE(all_close(cb.stddev(), tensor_of(var, {n}).sqrt(), 1e-9, 1e-10));
  EXPECT_TRUE(all_close(cb.entropy(), tensor_of(ent, {n}), 1e-10, 1e-10));
  // Known values at the centre: the uniform distribution.
  td::ContinuousBernoulli half(td::probs(tensor_of({0.5})));
  EXPECT_DOUBLE_EQ(half.mean().item<double>(), 0.5);
  EXPECT_DOUBLE_EQ(half.variance().item<double>(), 1.0 / 12);
  EXPECT_DOUBLE_EQ(half.entropy().item<double>(), 0.0);
  EXPECT_THROW_MSG(half.mode(), c10::NotImplementedError, "ContinuousBernoulli does not implement mode");
}

TEST(ContinuousBernoulli, ProbsZeroOneAndHugeLogitsStayFinite) {
  // probs are clamped into [eps, 1 - eps] (as torch does), so p = 0 and p = 1
  // behave as eps and 1 - eps. Logits keep their value in the cross-entropy
  // term, the normalizer uses the clamped probs (also torch's choice).
  const std::vector<double> xs = {0, 0.3, 1};
  td::ContinuousBernoulli by_probs(td::probs(tensor_of({0.0, 1.0}, {2})));
  std::vector<double> lp;
  for (double x : xs)
    for (double p : {kEps, 1 - kEps}) lp.push_back(ref_log_pdf(x, p));
  EXPECT_TRUE(all_close(by_probs.log_prob(column(xs)), tensor_of(lp, {3, 2}), 1e-12, 1e-12));

  td::ContinuousBernoulli by_logits(td::logits(tensor_of({-1e4, 1e4}, {2})));
  std::vector<double> lp_logits;
  for (double x : xs) {
    lp_logits.push_back(-x * 1e4 + ref_log_norm(kEps));
    lp_logits.push_back((x - 1) * 1e4 + ref_log_norm(1 - kEps));
  }
  EXPECT_TRUE(all_close(by_logits.log_prob(column(xs)), tensor_of(lp_logits, {3, 2}), 1e-12, 1e-9));

  for (const td::ContinuousBernoulli& cb : {by_probs, by_logits}) {
    auto finite = [](const at::Tensor& t) { return at::isfinite(t).all().item<bool>(); };
    EXPECT_TRUE(finite(cb.log_prob(column(xs))));
    EXPECT_TRUE(finite(cb.cdf(column(xs))));
    at::Tensor x = cb.icdf(column({0, 0.5, 1}));
    EXPECT_TRUE(finite(x));
    EXPECT_TRUE((x >= 0).logical_and(x <= 1).all().item<bool>());
    EXPECT_TRUE(finite(cb.mean()) && finite(cb.variance()) && finite(cb.entropy()));
    EXPECT_TRUE(finite(cb.rsample({1000}, td::testing::seeded_generator(4))));
  }
  // The gradients at the extremes are finite too (zero where the clamp is
  // active, as in torch).
  for (bool use_logits : {false, true}) {
    at::Tensor param = use_logits ? tensor_of({-1e4, 1e4}, {2}) : tensor_of({0.0, 1.0}, {2});
    param.set_requires_grad(true);
    td::ContinuousBernoulli cb = use_logits ? td::ContinuousBernoulli(td::logits(param))
                                            : td::ContinuousBernoulli(td::probs(param));
    (cb.log_prob(column(xs)).sum() + cb.rsample({10}).sum() + cb.entropy().sum() + cb.mean().sum() +
     cb.cdf(column(xs)).sum())
        .backward();
    EXPECT_TRUE(at::isfinite(param.grad()).all().item<bool>()) << param.grad();
  }
}

TEST(ContinuousBernoulli, SamplesPassKolmogorovSmirnov) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 5 draws.
  auto gen = td::testing::seeded_generator(31);
  for (double p : {0.2, 0.5, 0.5004, 0.93}) {
    td::ContinuousBernoulli cb(td::probs(tensor_of({p})));
    auto x = td::testing::to_vector(cb.sample({20000}, gen));
    EXPECT_GT(td::testing::ks_test(x, [&](double v) { return ref_cdf(v, p); }), 1e-4) << p;
  }
  td::ContinuousBernoulli by_logits(td::logits(tensor_of({-3.0})));
  auto x = td::testing::to_vector(by_logits.sample({20000}, gen));
  const double p = 1 / (1 + std::exp(3.0));
  EXPECT_GT(td::testing::ks_test(x, [&](double v) { return ref_cdf(v, p); }), 1e-4);
}

TEST(ContinuousBernoulli, ShapesDtypesAndParameterizations) {
  td::ContinuousBernoulli scalar(td::probs(0.3));
  EXPECT_EQ(scalar.probs().scalar_type(), at::kFloat);
  EXPECT_EQ(scalar.batch_shape().size(), 0u);
  EXPECT_EQ(scalar.sample().sizes(), at::IntArrayRef({}));
  EXPECT_EQ(scalar.sample({5}).scalar_type(), at::kFloat);
  EXPECT_NEAR(scalar.logits().item<double>(), std::log(0.3 / 0.7), 1e-6);
  td::ContinuousBernoulli batched(td::logits(at::zeros({2, 3}, at::kDouble)));
  EXPECT_TRUE(all_close(batched.probs(), at::full({2, 3}, 0.5, at::kDouble), 0, 0));
  for (std::vector<int64_t> shape : {std::vector<int64_t>{}, {5}, {2, 4}}) {
    at::Tensor s = batched.rsample(shape);
    EXPECT_EQ(s.sizes(), at::IntArrayRef(td::concat_shapes(shape, {2, 3})));
    EXPECT_EQ(s.scalar_type(), at::kDouble);
    EXPECT_EQ(batched.log_prob(s).sizes(), at::IntArrayRef(td::concat_shapes(shape, {2, 3})));
  }
  EXPECT_EQ(batched.log_prob(at::full({3}, 0.5)).sizes(), at::IntArrayRef({2, 3}));
  // Overloads: lims, or validate_args, after the parameter.
  td::ContinuousBernoulli wide(td::probs(tensor_of({0.3})), {0.49, 0.51});
  EXPECT_EQ(wide.lims(), td::ContinuousBernoulliLims(0.49, 0.51));
  EXPECT_TRUE(wide.validate_args());
  td::ContinuousBernoulli unchecked(td::probs(tensor_of({0.3})), /*validate_args=*/false);
  EXPECT_FALSE(unchecked.validate_args());
  EXPECT_EQ(unchecked.lims(), td::ContinuousBernoulliLims(0.499, 0.501));
  td::ContinuousBernoulli both(td::logits(tensor_of({0.3})), {0.4, 0.6}, false);
  EXPECT_FALSE(both.validate_args());
  // expand keeps the parameterization and the lims.
  td::ContinuousBernoulli expanded = wide.expand({4});
  EXPECT_EQ(expanded.batch_shape(), at::IntArrayRef({4}));
  EXPECT_EQ(expanded.lims(), wide.lims());
  EXPECT_EQ(expanded.probs().sizes(), at::IntArrayRef({4}));
  EXPECT_TRUE(all_close(expanded.logits(), wide.logits().expand({4})));
  auto shared = batched.expand_shared({5, 2, 3});
  EXPECT_EQ(shared->batch_shape(), at::IntArrayRef({5, 2, 3}));
  // A copy has its own lazy cache and still works.
  td::ContinuousBernoulli copy = wide;
  EXPECT_TRUE(all_close(copy.logits(), wide.logits()));
}

TEST(ContinuousBernoulli, GradientsMatchFiniteDifferences) {
  // Points on both sides of 1/2, inside the Taylor region and outside, none
  // within the finite-difference step (1e-6) of a region edge.
  at::Tensor p0 = tensor_of({0.2, 0.4995, 0.5, 0.5001, 0.75}, {5});
  at::Tensor l0 = tensor_of({-1.5, -1e-3, 0.0, 3e-4, 2.0}, {5});
  at::Tensor x = tensor_of({0.3, 0.9, 0.5, 0.05, 0.6}, {5});
  at::Tensor u = tensor_of({0.1, 0.5, 0.7, 0.95, 0.3}, {5});
  auto check = [&](const std::function<at::Tensor(const td::ContinuousBernoulli&)>& f) {
    auto f_probs = [&](const at::Tensor& p) { return f(td::ContinuousBernoulli(td::probs(p))); };
    auto f_logits = [&](const at::Tensor& l) { return f(td::ContinuousBernoulli(td::logits(l))); };
    EXPECT_TRUE(all_close(autograd_grad(f_probs, p0), finite_difference_grad(f_probs, p0), 1e-6, 1e-7));
    EXPECT_TRUE(all_close(autograd_grad(f_logits, l0), finite_difference_grad(f_logits, l0), 1e-6, 1e-7));
  };
  {
    SCOPED_TRACE("log_prob");
    check([&](const td::ContinuousBernoulli& cb) { return cb.log_prob(x).sum(); });
  }
  {
    SCOPED_TRACE("cdf");
    check([&](const td::ContinuousBernoulli& cb) { return cb.cdf(x).sum(); });
  }
  {
    SCOPED_TRACE("icdf");
    check([&](const td::ContinuousBernoulli& cb) { return cb.icdf(u).sum(); });
  }
  {
    SCOPED_TRACE("entropy");
    check([&](const td::ContinuousBernoulli& cb) { return cb.entropy().sum(); });
  }
  {
    SCOPED_TRACE("mean and variance");
    check([&](const td::ContinuousBernoulli& cb) { return (cb.mean() + cb.variance()).sum(); });
  }
  {
    SCOPED_TRACE("rsample at fixed noise");
    check([&](const td::ContinuousBernoulli& cb) {
      return cb.rsample({4}, td::testing::seeded_generator(42)).pow(2).sum();  // same noise every call
    });
  }
  // At p = 1/2 the score is d/dp [x log p + (1 - x) log(1 - p)] = 4x - 2 and
  // d log C / dp = 0.
  auto score = [&](const at::Tensor& p) { return td::ContinuousBernoulli(td::probs(p)).log_prob(x).sum(); };
  at::Tensor half = at::full({5}, 0.5, at::kDouble);
  EXPECT_TRUE(all_close(autograd_grad(score, half), 4 * x - 2, 1e-14, 1e-14));
}

TEST(ContinuousBernoulli, IcdfGradientInsideTheTaylorRegionIsExact) {
  // torch's icdf is the identity inside the region, with zero gradient in p.
  // Here: against central differences (h = 1e-5, error about 1e-10) of the
  // closed-form icdf, which is accurate to rounding at those points.
  const std::vector<double> us = {0.01, 0.2, 0.5, 0.77, 0.999};
  for (double p : {0.5 - 1e-4, 0.5, 0.5 + 1e-4}) {
    SCOPED_TRACE(p);
    // One copy of p per u, so that the gradient of the sum is per element.
    at::Tensor pt = at::full({5}, p, at::kDouble).set_requires_grad(true);
    td::ContinuousBernoulli(td::probs(pt)).icdf(tensor_of(us, {5})).sum().backward();
    std::vector<double> g = td::testing::to_vector(pt.grad());
    for (size_t i = 0; i < us.size(); ++i) {
      const double u = us[i], h = 1e-5;
      EXPECT_NEAR(g[i], (ref_icdf(u, p + h) - ref_icdf(u, p - h)) / (2 * h), 1e-8) << "u = " << u;
      if (p == 0.5) {
        EXPECT_NEAR(g[i], 2 * u * (1 - u), 1e-14) << "u = " << u;  // d icdf/dp = 2u(1-u) there
      }
    }
  }
}

TEST(ContinuousBernoulli, RsampleGradientInsideTheTaylorRegionMatchesClosedForm) {
  // Pathwise gradient of each sample, against central differences of the
  // closed-form icdf at the sample's own uniform u = cdf(x).
  for (double p : {0.5 - 1e-4, 0.5, 0.5 + 1e-4, 0.3}) {
    SCOPED_TRACE(p);
    at::Tensor pt = at::full({64}, p, at::kDouble).set_requires_grad(true);
    td::ContinuousBernoulli cb(td::probs(pt));
    at::Tensor x = cb.rsample({}, td::testing::seeded_generator(8));
    x.sum().backward();
    std::vector<double> xs = td::testing::to_vector(x), grad_ref;
    for (double xi : xs) {
      const double u = ref_cdf(xi, p), h = 1e-5;
      grad_ref.push_back((ref_icdf(u, p + h) - ref_icdf(u, p - h)) / (2 * h));
    }
    EXPECT_TRUE(all_close(pt.grad(), tensor_of(grad_ref, {64}), 1e-7, 1e-8));
  }
}

// d mean / dp from the closed form mean(p) = p / (2p - 1) + 1 / L,
// L = log(1 - p) - log(p): -1 / (2p - 1)^2 + 1 / (L^2 p (1 - p)), in long
// double (the two terms are 2.5e7 at |p - 1/2| = 1e-4 and cancel to 1/3,
// leaving an error near 1e-8); 1/3 at p = 1/2.
double ref_mean_derivative(double p) {
  if (p == 0.5) return 1.0 / 3.0;
  const long double q = p, l = std::log1p(-q) - std::log(q);
  return static_cast<double>(-1 / ((2 * q - 1) * (2 * q - 1)) + 1 / (l * l * q * (1 - q)));
}

TEST(ContinuousBernoulli, PathwiseGradientOfTheMeanIsUnbiased) {
  // The mean of n per-sample pathwise gradients estimates d E[x] / dp. Bound:
  // 6 standard errors (estimated from the same gradients), a false-failure
  // rate of about 2e-9 per point under the CLT at n = 200000. torch's
  // identity icdf would give 0 here instead of about 1/3.
  const int64_t n = 200000;
  for (double p : {0.5 - 1e-4, 0.5, 0.5 + 1e-4, 0.3}) {
    SCOPED_TRACE(p);
    at::Tensor pt = at::full({n}, p, at::kDouble).set_requires_grad(true);
    td::ContinuousBernoulli cb(td::probs(pt));
    cb.rsample({}, td::testing::seeded_generator(123)).sum().backward();
    at::Tensor g = pt.grad();
    const double estimate = g.mean().item<double>();
    const double bound = 6 * g.std().item<double>() / std::sqrt(static_cast<double>(n));
    EXPECT_NEAR(estimate, ref_mean_derivative(p), bound);
    // The closed-form mean's own gradient agrees (through torch's Taylor
    // expansion inside the region).
    at::Tensor ps = tensor_of({p}).set_requires_grad(true);
    td::ContinuousBernoulli(td::probs(ps)).mean().backward();
    EXPECT_NEAR(ps.grad().item<double>(), ref_mean_derivative(p), 1e-7);
  }
}

TEST(ContinuousBernoulli, FloatParametersWork) {
  at::Tensor p = at::tensor({0.3f, 0.5f, 0.5004f, 0.99f}).set_requires_grad(true);
  td::ContinuousBernoulli cb(td::probs(p));
  at::Tensor x = cb.rsample({1000}, td::testing::seeded_generator(6));
  EXPECT_EQ(x.scalar_type(), at::kFloat);
  EXPECT_TRUE((x >= 0).logical_and(x <= 1).all().item<bool>());
  x.sum().backward();
  EXPECT_TRUE(at::isfinite(p.grad()).all().item<bool>());
  std::vector<double> ref;
  for (double u : {0.1, 0.6})
    for (float p : {0.3f, 0.5f, 0.5004f, 0.99f}) ref.push_back(ref_icdf(u, p));
  EXPECT_TRUE(all_close(cb.icdf(at::tensor({0.1f, 0.6f}).reshape({2, 1})), tensor_of(ref, {2, 4}), 1e-5, 1e-6));
}

TEST(ContinuousBernoulli, LogProbOutsideTheUnitIntervalWithoutValidationIsMinusInf) {
  // The formula extended outside [0, 1] (0.004 at x = -0.5).
  at::Tensor logits = tensor_of({0.3, -2, 1e4}, {3}).requires_grad_();
  td::ContinuousBernoulli cb(td::logits(logits), /*validate_args=*/false);
  at::Tensor lp = cb.log_prob(tensor_of({-0.5, 1.5, -1e-300}, {3}));
  EXPECT_TRUE(at::equal(lp, at::full({3}, -std::numeric_limits<double>::infinity(), at::kDouble)));
  lp.sum().backward();
  EXPECT_TRUE(at::equal(logits.grad(), at::zeros({3}, at::kDouble)));
  const at::Tensor inside = tensor_of({0, 0.5, 1}, {3});
  EXPECT_TRUE(all_close(cb.log_prob(inside), td::ContinuousBernoulli(td::logits(logits.detach())).log_prob(inside)));
}

TEST(ContinuousBernoulli, ValidationErrors) {
  EXPECT_THROW_MSG(td::ContinuousBernoulli(td::probs(tensor_of({0.2, 1.5}, {2}))), c10::ValueError,
                   "ContinuousBernoulli: probs must satisfy unit_interval(), got 1.5 at index [1]");
  EXPECT_THROW_MSG(td::ContinuousBernoulli(td::probs(-0.1)), c10::ValueError,
                   "ContinuousBernoulli: probs must satisfy unit_interval(), got -0.1");
  EXPECT_THROW_MSG(td::ContinuousBernoulli(td::logits(tensor_of({NAN}))), c10::ValueError,
                   "ContinuousBernoulli: logits must satisfy real()");
  EXPECT_THROW_MSG(td::ContinuousBernoulli(td::probs(at::Tensor())), c10::ValueError,
                   "ContinuousBernoulli: exactly one of probs or logits must be specified");
  EXPECT_THROW_MSG(td::ContinuousBernoulli(td::probs(0.3), {0.5, 0.6}), c10::ValueError,
                   "ContinuousBernoulli: lims must satisfy 0 < lims.first < 0.5 < lims.second < 1, got (0.5, 0.6)");
  EXPECT_THROW_MSG(td::ContinuousBernoulli(td::probs(0.3), {0.4, 1.0}), c10::ValueError,
                   "ContinuousBernoulli: lims must satisfy");
  // Without validation, out-of-range probs are clamped (as in torch).
  td::ContinuousBernoulli unchecked(td::probs(tensor_of({1.5})), /*validate_args=*/false);
  EXPECT_NEAR(unchecked.probs().item<double>(), 1 - kEps, 0);
  td::ContinuousBernoulli cb(td::probs(0.3));
  EXPECT_THROW_MSG(cb.log_prob(tensor_of({1.5})), c10::ValueError,
                   "ContinuousBernoulli: value must be within the support unit_interval(), got 1.5");
  EXPECT_THROW_MSG(cb.cdf(tensor_of({-0.5})), c10::ValueError,
                   "ContinuousBernoulli: value must be within the support unit_interval()");
  EXPECT_THROW_MSG(cb.icdf(tensor_of({2.0})), c10::ValueError,
                   "ContinuousBernoulli: icdf value must satisfy unit_interval(), got 2");
  EXPECT_THROW_MSG(cb.enumerate_support(), c10::NotImplementedError,
                   "ContinuousBernoulli does not implement enumerate_support");
}

TEST(ContinuousBernoulli, Float32MomentsNearOneHalfKeepTheirDigits) {
  // The closed forms cancel near 1/2; float parameters are evaluated in
  // double. At probs = 0.502 (outside the Taylor region) the float32
  // variance was 0.078125 at 0.501; compare with the double computation.
  const at::Tensor p = tensor_of({0.502, 0.51, 0.499, 0.3});
  const td::ContinuousBernoulli exact(td::probs(p.to(at::kFloat).to(at::kDouble)));
  const td::ContinuousBernoulli single(td::probs(p.to(at::kFloat)));
  EXPECT_EQ(single.variance().scalar_type(), at::kFloat);
  EXPECT_TRUE(at::allclose(single.variance().to(at::kDouble), exact.variance(), 1e-6, 0)) << single.variance();
  EXPECT_TRUE(at::allclose(single.mean().to(at::kDouble), exact.mean(), 1e-6, 0)) << single.mean();
}

}  // namespace
