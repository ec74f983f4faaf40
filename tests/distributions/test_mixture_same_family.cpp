// MixtureSameFamily: log_prob against explicit log-sum-exps over
// closed-form component densities (scalar, batched, broadcast, vector
// events, Gamma components), sampling by KS and chi-square tests, moments
// and cdf against closed forms, gradients against finite differences, and
// the shape errors.

#include <boost/math/distributions/gamma.hpp>
#include <torchdist/distributions/categorical.h>
#include <torchdist/distributions/gamma.h>
#include <torchdist/distributions/independent.h>
#include <torchdist/distributions/mixture_same_family.h>
#include <torchdist/distributions/normal.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

// ---- Independent reference: plain doubles, no ATen. ----

using Vec = std::vector<double>;

Vec softmax(const Vec& logits) {
  const double m = *std::max_element(logits.begin(), logits.end());
  Vec w(logits.size());
  double total = 0;
  for (size_t k = 0; k < logits.size(); ++k) total += (w[k] = std::exp(logits[k] - m));
  for (double& v : w) v /= total;
  return w;
}

// log sum_k exp(terms[k]), shifted by the maximum so that very negative
// terms (far tails) do not underflow.
double log_sum_exp(const Vec& terms) {
  const double m = *std::max_element(terms.begin(), terms.end());
  if (std::isinf(m)) return m;
  double s = 0;
  for (double t : terms) s += std::exp(t - m);
  return m + std::log(s);
}

double normal_log_pdf(double x, double loc, double scale) {
  const double z = (x - loc) / scale;
  return -0.5 * z * z - std::log(scale) - 0.5 * std::log(2 * M_PI);
}

double normal_cdf(double x, double loc, double scale) { return 0.5 * std::erfc(-(x - loc) / (scale * M_SQRT2)); }

// log sum_k w_k N(x | loc_k, scale_k).
double normal_mixture_log_pdf(double x, const Vec& w, const Vec& loc, const Vec& scale) {
  Vec t;
  for (size_t k = 0; k < w.size(); ++k) t.push_back(std::log(w[k]) + normal_log_pdf(x, loc[k], scale[k]));
  return log_sum_exp(t);
}

double normal_mixture_cdf(double x, const Vec& w, const Vec& loc, const Vec& scale) {
  double s = 0;
  for (size_t k = 0; k < w.size(); ++k) s += w[k] * normal_cdf(x, loc[k], scale[k]);
  return s;
}

// Row `b` (of length k) of a flattened row-major [B, k] table.
Vec row(const Vec& table, size_t b, size_t k) {
  return Vec(table.begin() + static_cast<std::ptrdiff_t>(b * k), table.begin() + static_cast<std::ptrdiff_t>((b + 1) * k));
}

// ---- log_prob ----

TEST(MixtureSameFamily, ScalarLogProbMatchesExplicitLogSumExp) {
  const Vec logits = {0.2, -1.0, 0.7}, loc = {-2, 0.5, 3}, scale = {0.5, 1.0, 2.0};
  td::MixtureSameFamily m(td::Categorical(td::logits(tensor_of(logits, {3}))),
                          td::Normal(tensor_of(loc, {3}), tensor_of(scale, {3})));
  EXPECT_EQ(m.batch_shape(), at::IntArrayRef({}));
  EXPECT_EQ(m.event_shape(), at::IntArrayRef({}));
  EXPECT_EQ(m.num_components(), 3);
  // 60 and -40 are far in every component's tail: exp(log p_k) underflows,
  // the log-sum-exp must not.
  const Vec xs = {-40, -3, -2, 0, 0.4, 2.5, 10, 60};
  Vec expected;
  const Vec w = softmax(logits);
  for (double x : xs) expected.push_back(normal_mixture_log_pdf(x, w, loc, scale));
  at::Tensor lp = m.log_prob(tensor_of(xs, {8}));
  EXPECT_TRUE(all_close(lp, tensor_of(expected, {8}), 1e-12, 1e-12));
  EXPECT_TRUE(all_close(m.log_prob(tensor_of({0.4})), tensor_of({expected[4]}), 1e-12, 1e-12));
}

TEST(MixtureSameFamily, ProbsParameterizedMixtureMatchesLogits) {
  const Vec probs = {0.2, 0.5, 0.3}, loc = {-1, 0, 2}, scale = {1, 0.3, 0.8};
  td::MixtureSameFamily m(td::Categorical(td::probs(tensor_of(probs, {3}) * 7.0)),  // unnormalized
                          td::Normal(tensor_of(loc, {3}), tensor_of(scale, {3})));
  const Vec xs = {-2, 0.1, 1.9};
  Vec expected;
  for (double x : xs) expected.push_back(normal_mixture_log_pdf(x, probs, loc, scale));
  EXPECT_TRUE(all_close(m.log_prob(tensor_of(xs, {3})), tensor_of(expected, {3}), 1e-12, 1e-12));
}

TEST(MixtureSameFamily, BatchedLogProbMatchesExplicitLogSumExp) {
  // batch [2], K = 3; values [4, 2].
  const Vec logits = {0.1, 0.5, -0.3, 2.0, -1.0, 0.0};
  const Vec loc = {-1, 0, 1, 5, 6, 7}, scale = {0.5, 1, 2, 1, 0.2, 3};
  td::MixtureSameFamily m(td::Categorical(td::logits(tensor_of(logits, {2, 3}))),
                          td::Normal(tensor_of(loc, {2, 3}), tensor_of(scale, {2, 3})));
  EXPECT_EQ(m.batch_shape(), at::IntArrayRef({2}));
  const Vec xs = {-1, 5, 0.3, 6.1, 2, 8, -3, 20};  // [4, 2]
  Vec expected;
  for (size_t i = 0; i < 4; ++i) {
    for (size_t b = 0; b < 2; ++b) {
      expected.push_back(normal_mixture_log_pdf(xs[i * 2 + b], softmax(row(logits, b, 3)), row(loc, b, 3),
                                                row(scale, b, 3)));
    }
  }
  EXPECT_TRUE(all_close(m.log_prob(tensor_of(xs, {4, 2})), tensor_of(expected, {4, 2}), 1e-12, 1e-12));
  // A value of batch shape [] broadcasts over the batch.
  at::Tensor lp = m.log_prob(tensor_of({0.5}));
  EXPECT_EQ(lp.sizes(), at::IntArrayRef({2}));
  EXPECT_NEAR(lp[1].item<double>(),
              normal_mixture_log_pdf(0.5, softmax(row(logits, 1, 3)), row(loc, 1, 3), row(scale, 1, 3)), 1e-12);
}

TEST(MixtureSameFamily, MixtureBatchBroadcastsWithComponentBatch) {
  // Mixture batch [1] against component batch [3, K]: one set of weights
  // for all three mixtures (torch's broadcasting rule).
  const Vec logits = {-0.5, 0.5};
  const Vec loc = {-1, 1, 0, 4, 2, 2.5}, scale = {1, 1, 0.5, 2, 0.1, 0.3};
  td::MixtureSameFamily m(td::Categorical(td::logits(tensor_of(logits, {1, 2}))),
                          td::Normal(tensor_of(loc, {3, 2}), tensor_of(scale, {3, 2})));
  EXPECT_EQ(m.batch_shape(), at::IntArrayRef({3}));
  const Vec xs = {0, 1, 2, -2, 3, 2.2};  // [2, 3]
  Vec expected;
  for (size_t i = 0; i < 2; ++i) {
    for (size_t b = 0; b < 3; ++b) {
      expected.push_back(normal_mixture_log_pdf(xs[i * 3 + b], softmax(logits), row(loc, b, 2), row(scale, b, 2)));
    }
  }
  EXPECT_TRUE(all_close(m.log_prob(tensor_of(xs, {2, 3})), tensor_of(expected, {2, 3}), 1e-12, 1e-12));
  // Sampling gathers per batch element, although the mixture has batch [1]
  // (torch 1.13 returns shape [n, 1] here).
  EXPECT_EQ(m.sample({5}).sizes(), at::IntArrayRef({5, 3}));
  EXPECT_EQ(m.mean().sizes(), at::IntArrayRef({3}));
  EXPECT_EQ(m.variance().sizes(), at::IntArrayRef({3}));
  EXPECT_EQ(m.cdf(tensor_of(xs, {2, 3})).sizes(), at::IntArrayRef({2, 3}));
}

TEST(MixtureSameFamily, MixtureBatchLargerThanComponentBatchBroadcasts) {
  // Shared components (batch [K]), weights per batch element (batch [2]):
  // batch_shape is the broadcast [2] (torch keeps [] and cannot sample).
  const Vec logits = {1.0, 0.0, -2.0, 0.5}, loc = {-1, 2}, scale = {0.5, 1.5};
  td::MixtureSameFamily m(td::Categorical(td::logits(tensor_of(logits, {2, 2}))),
                          td::Normal(tensor_of(loc, {2}), tensor_of(scale, {2})));
  EXPECT_EQ(m.batch_shape(), at::IntArrayRef({2}));
  const Vec xs = {0.3, -0.7};
  Vec expected;
  for (size_t b = 0; b < 2; ++b) expected.push_back(normal_mixture_log_pdf(xs[b], softmax(row(logits, b, 2)), loc, scale));
  EXPECT_TRUE(all_close(m.log_prob(tensor_of(xs, {2})), tensor_of(expected, {2}), 1e-12, 1e-12));
  EXPECT_EQ(m.sample({4}).sizes(), at::IntArrayRef({4, 2}));
  EXPECT_EQ(m.mean().sizes(), at::IntArrayRef({2}));
}

TEST(MixtureSameFamily, VectorEventsLogProbMatchesExplicitLogSumExp) {
  // Batch [2] of mixtures of K = 3 diagonal Gaussians in D = 2 dimensions.
  const size_t B = 2, K = 3, D = 2;
  const Vec logits = {0.0, 1.0, -1.0, 0.3, 0.3, -0.6};
  Vec loc, scale;
  for (size_t i = 0; i < B * K * D; ++i) {
    loc.push_back(std::sin(1.7 * i) * 3);
    scale.push_back(0.4 + 0.1 * static_cast<double>(i));
  }
  td::MixtureSameFamily m(td::Categorical(td::logits(tensor_of(logits, {2, 3}))),
                          td::Independent(td::Normal(tensor_of(loc, {2, 3, 2}), tensor_of(scale, {2, 3, 2})), 1));
  EXPECT_EQ(m.batch_shape(), at::IntArrayRef({2}));
  EXPECT_EQ(m.event_shape(), at::IntArrayRef({2}));
  const Vec xs = {0.5, -1.0, 2.0, 2.0, -3.0, 0.1, 1.0, 1.0, 0.0, 0.0, 9.0, -9.0};  // [3, B, D]
  Vec expected;
  for (size_t i = 0; i < 3; ++i) {
    for (size_t b = 0; b < B; ++b) {
      const Vec w = softmax(row(logits, b, K));
      Vec terms;
      for (size_t k = 0; k < K; ++k) {
        double t = std::log(w[k]);
        for (size_t d = 0; d < D; ++d) {
          const size_t p = (b * K + k) * D + d;
          t += normal_log_pdf(xs[(i * B + b) * D + d], loc[p], scale[p]);
        }
        terms.push_back(t);
      }
      expected.push_back(log_sum_exp(terms));
    }
  }
  EXPECT_TRUE(all_close(m.log_prob(tensor_of(xs, {3, 2, 2})), tensor_of(expected, {3, 2}), 1e-12, 1e-12));
  // The support is per event: one entry per vector.
  EXPECT_EQ(m.support()->event_dim(), 1);
  EXPECT_EQ(m.support()->check(tensor_of(xs, {3, 2, 2})).sizes(), at::IntArrayRef({3, 2}));
}

TEST(MixtureSameFamily, GammaComponentsLogProbAndCdfMatchBoost) {
  const Vec logits = {0.5, -0.2, 0.0}, conc = {0.5, 2.0, 9.0}, rate = {1.0, 0.5, 3.0};
  td::MixtureSameFamily m(td::Categorical(td::logits(tensor_of(logits, {3}))),
                          td::Gamma(tensor_of(conc, {3}), tensor_of(rate, {3})));
  const Vec w = softmax(logits);
  const Vec xs = {1e-3, 0.2, 1.0, 3.0, 7.5, 40.0};
  Vec lp, cdf;
  for (double x : xs) {
    Vec terms;
    double c = 0;
    for (size_t k = 0; k < 3; ++k) {
      boost::math::gamma_distribution<double> g(conc[k], 1 / rate[k]);
      terms.push_back(std::log(w[k]) + std::log(boost::math::pdf(g, x)));
      c += w[k] * boost::math::cdf(g, x);
    }
    lp.push_back(log_sum_exp(terms));
    cdf.push_back(c);
  }
  EXPECT_TRUE(all_close(m.log_prob(tensor_of(xs, {6})), tensor_of(lp, {6}), 1e-11, 1e-12));
  EXPECT_TRUE(all_close(m.cdf(tensor_of(xs, {6})), tensor_of(cdf, {6}), 1e-10, 1e-13));
  EXPECT_EQ(m.support()->name(), "mixture_same_family(" + td::constraints::nonnegative()->name() + ")");
}

// ---- sampling ----

TEST(MixtureSameFamily, SamplesPassKolmogorovSmirnovAgainstMixtureCdf) {
  // Threshold 1e-4: the false-failure rate of this test is 1e-4.
  const Vec w = {0.2, 0.5, 0.3}, loc = {-3, 0, 4}, scale = {1, 0.5, 2};
  td::MixtureSameFamily m(td::Categorical(td::probs(tensor_of(w, {3}))),
                          td::Normal(tensor_of(loc, {3}), tensor_of(scale, {3})));
  at::Tensor s = m.sample({20000}, td::testing::seeded_generator(2024));
  EXPECT_EQ(s.sizes(), at::IntArrayRef({20000}));
  EXPECT_FALSE(s.requires_grad());
  const double p = td::testing::ks_test(td::testing::to_vector(s),
                                        [&](double x) { return normal_mixture_cdf(x, w, loc, scale); });
  EXPECT_GT(p, 1e-4);
}

TEST(MixtureSameFamily, ComponentFrequenciesMatchWeightsPerBatchElement) {
  // Components 100 standard deviations apart: each sample is attributed to
  // the component it came from without ambiguity. Two batch elements with
  // different weights and component orders check that the gather picks the
  // batch element's own component. Threshold 1e-4 per chi-square test:
  // false-failure rate 2e-4 for the two.
  const Vec probs = {0.1, 0.3, 0.6, 0.7, 0.2, 0.1};
  const Vec loc = {-100, 0, 100, 100, -100, 0};
  td::MixtureSameFamily m(td::Categorical(td::probs(tensor_of(probs, {2, 3}))),
                          td::Normal(tensor_of(loc, {2, 3}), at::ones({2, 3}, at::kDouble)));
  const int64_t n = 20000;
  at::Tensor s = m.sample({n}, td::testing::seeded_generator(99));
  ASSERT_EQ(s.sizes(), at::IntArrayRef({n, 2}));
  for (int64_t b = 0; b < 2; ++b) {
    const Vec x = td::testing::to_vector(s.select(1, b));
    std::vector<int64_t> counts(3, 0);
    for (double v : x) {
      for (size_t k = 0; k < 3; ++k) {
        if (std::abs(v - loc[b * 3 + k]) < 10) ++counts[k];
      }
    }
    EXPECT_EQ(counts[0] + counts[1] + counts[2], n) << "samples away from every component";
    EXPECT_GT(td::testing::chi_square_test(counts, row(probs, static_cast<size_t>(b), 3)), 1e-4) << "batch " << b;
  }
}

TEST(MixtureSameFamily, VectorSamplesComeWholeFromOneComponent) {
  // Component k sits at (100 k, -100 k) with unit scale: an event whose two
  // coordinates came from different components would be far off x1 = -x0.
  td::MixtureSameFamily m(td::Categorical(td::logits(at::zeros({4}, at::kDouble))),
                          td::Independent(td::Normal(tensor_of({0, 0, 100, -100, 200, -200, 300, -300}, {4, 2}),
                                                     at::ones({4, 2}, at::kDouble)),
                                          1));
  at::Tensor s = m.sample({2000}, td::testing::seeded_generator(5));
  ASSERT_EQ(s.sizes(), at::IntArrayRef({2000, 2}));
  at::Tensor mismatch = (s.select(-1, 0) + s.select(-1, 1)).abs();
  EXPECT_LT(mismatch.max().item<double>(), 20.0);
  // Every component is used (each with probability 1/4, 2000 draws).
  at::Tensor k = (s.select(-1, 0) / 100).round();
  for (int c = 0; c < 4; ++c) EXPECT_GT((k == c).sum().item<int64_t>(), 0) << c;
}

TEST(MixtureSameFamily, SampleUsesTheGeneratorAndCarriesNoGradient) {
  at::Tensor loc = tensor_of({-1, 1}, {2}).set_requires_grad(true);
  at::Tensor logits = tensor_of({0.3, 0.1}, {2}).set_requires_grad(true);
  td::MixtureSameFamily m(td::Categorical(td::logits(logits)), td::Normal(loc, 1.0));
  at::Tensor a = m.sample({50}, td::testing::seeded_generator(3));
  at::Tensor b = m.sample({50}, td::testing::seeded_generator(3));
  at::Tensor c = m.sample({50}, td::testing::seeded_generator(4));
  EXPECT_TRUE(at::equal(a, b));
  EXPECT_FALSE(at::equal(a, c));
  EXPECT_FALSE(a.requires_grad());
  EXPECT_FALSE(m.has_rsample());
  EXPECT_THROW_MSG(m.rsample({2}), c10::NotImplementedError, "MixtureSameFamily does not implement rsample");
}

// ---- moments and cdf ----

TEST(MixtureSameFamily, MeanAndVarianceMatchClosedForms) {
  // Batch [2], K = 3: mean = sum w mu, variance = E[X^2] - mean^2 with
  // E[X^2] = sum w (sigma^2 + mu^2).
  const Vec logits = {0.1, 0.5, -0.3, 2.0, -1.0, 0.0};
  const Vec loc = {-1, 0, 1, 5, 6, 7}, scale = {0.5, 1, 2, 1, 0.2, 3};
  td::MixtureSameFamily m(td::Categorical(td::logits(tensor_of(logits, {2, 3}))),
                          td::Normal(tensor_of(loc, {2, 3}), tensor_of(scale, {2, 3})));
  Vec mean, var;
  for (size_t b = 0; b < 2; ++b) {
    const Vec w = softmax(row(logits, b, 3));
    double m1 = 0, m2 = 0;
    for (size_t k = 0; k < 3; ++k) {
      m1 += w[k] * loc[b * 3 + k];
      m2 += w[k] * (scale[b * 3 + k] * scale[b * 3 + k] + loc[b * 3 + k] * loc[b * 3 + k]);
    }
    mean.push_back(m1);
    var.push_back(m2 - m1 * m1);
  }
  EXPECT_TRUE(all_close(m.mean(), tensor_of(mean, {2}), 1e-12, 1e-12));
  EXPECT_TRUE(all_close(m.variance(), tensor_of(var, {2}), 1e-12, 1e-12));
  EXPECT_TRUE(all_close(m.stddev(), tensor_of(var, {2}).sqrt(), 1e-12, 1e-12));
}

TEST(MixtureSameFamily, VectorEventMomentsAreElementwise) {
  // Mixture batch [] against component batch [2, K]: weights shared.
  const Vec w = {0.25, 0.75};
  const Vec loc = {1, 2, 3, 4, -1, -2, 0, 10}, scale = {1, 2, 0.5, 1, 3, 1, 1, 2};  // [2, 2, 2]
  td::MixtureSameFamily m(td::Categorical(td::probs(tensor_of(w, {2}))),
                          td::Independent(td::Normal(tensor_of(loc, {2, 2, 2}), tensor_of(scale, {2, 2, 2})), 1));
  EXPECT_EQ(m.batch_shape(), at::IntArrayRef({2}));
  Vec mean, var;
  for (size_t b = 0; b < 2; ++b) {
    for (size_t d = 0; d < 2; ++d) {
      double m1 = 0, m2 = 0;
      for (size_t k = 0; k < 2; ++k) {
        const size_t p = (b * 2 + k) * 2 + d;
        m1 += w[k] * loc[p];
        m2 += w[k] * (scale[p] * scale[p] + loc[p] * loc[p]);
      }
      mean.push_back(m1);
      var.push_back(m2 - m1 * m1);
    }
  }
  EXPECT_TRUE(all_close(m.mean(), tensor_of(mean, {2, 2}), 1e-12, 1e-12));
  EXPECT_TRUE(all_close(m.variance(), tensor_of(var, {2, 2}), 1e-12, 1e-12));
}

TEST(MixtureSameFamily, GammaMomentsMatchClosedForms) {
  const Vec w = {0.6, 0.4}, conc = {2.0, 5.0}, rate = {1.0, 0.25};
  td::MixtureSameFamily m(td::Categorical(td::probs(tensor_of(w, {2}))),
                          td::Gamma(tensor_of(conc, {2}), tensor_of(rate, {2})));
  double m1 = 0, m2 = 0;
  for (size_t k = 0; k < 2; ++k) {
    const double mu = conc[k] / rate[k], v = conc[k] / (rate[k] * rate[k]);
    m1 += w[k] * mu;
    m2 += w[k] * (v + mu * mu);
  }
  EXPECT_NEAR(m.mean().item<double>(), m1, 1e-12);
  EXPECT_NEAR(m.variance().item<double>(), m2 - m1 * m1, 1e-10);
}

TEST(MixtureSameFamily, CdfIsTheWeightedComponentCdf) {
  const Vec logits = {0.2, -1.0, 0.7}, loc = {-2, 0.5, 3}, scale = {0.5, 1.0, 2.0};
  td::MixtureSameFamily m(td::Categorical(td::logits(tensor_of(logits, {3}))),
                          td::Normal(tensor_of(loc, {3}), tensor_of(scale, {3})));
  const Vec xs = {-6, -2, 0, 1.5, 3, 12};
  Vec expected;
  for (double x : xs) expected.push_back(normal_mixture_cdf(x, softmax(logits), loc, scale));
  EXPECT_TRUE(all_close(m.cdf(tensor_of(xs, {6})), tensor_of(expected, {6}), 1e-12, 1e-15));
}

TEST(MixtureSameFamily, CdfWithoutComponentCdfIsNotImplemented) {
  td::MixtureSameFamily m(td::Categorical(td::logits(at::zeros({3}, at::kDouble))),
                          td::Independent(td::Normal(at::zeros({3, 2}, at::kDouble), 1.0), 1));
  EXPECT_THROW_MSG(m.cdf(at::zeros({2}, at::kDouble)), c10::NotImplementedError,
                   "MixtureSameFamily does not implement cdf for a component distribution (Independent)");
  EXPECT_THROW_MSG(m.cdf(at::zeros({2}, at::kDouble)), c10::NotImplementedError, "Independent does not implement cdf");
}

// ---- gradients ----

TEST(MixtureSameFamily, LogProbGradientsMatchFiniteDifferences) {
  const at::Tensor x = tensor_of({-1.5, 0.2, 2.0, 3.5, -0.1, 1.0}, {3, 2});
  const at::Tensor logits0 = tensor_of({0.3, -0.4, 1.0, 0.0, 0.5, -1.0}, {2, 3});
  const at::Tensor loc0 = tensor_of({-1, 0, 2, 1, 3, -2}, {2, 3});
  const at::Tensor scale0 = tensor_of({0.7, 1.5, 1.0, 2.0, 0.6, 1.2}, {2, 3});
  auto lp = [&](const at::Tensor& logits, const at::Tensor& loc, const at::Tensor& scale) {
    return td::MixtureSameFamily(td::Categorical(td::logits(logits)), td::Normal(loc, scale)).log_prob(x).sum();
  };
  auto f_logits = [&](const at::Tensor& l) { return lp(l, loc0, scale0); };
  auto f_loc = [&](const at::Tensor& l) { return lp(logits0, l, scale0); };
  auto f_scale = [&](const at::Tensor& s) { return lp(logits0, loc0, s); };
  for (auto [f, p0] : {std::pair<std::function<at::Tensor(const at::Tensor&)>, at::Tensor>{f_logits, logits0},
                       {f_loc, loc0},
                       {f_scale, scale0}}) {
    EXPECT_TRUE(all_close(td::testing::autograd_grad(f, p0), td::testing::finite_difference_grad(f, p0), 1e-6, 1e-7));
  }
  // Through a probs parameterization too.
  const at::Tensor probs0 = tensor_of({0.2, 0.3, 0.5, 0.6, 0.1, 0.3}, {2, 3});
  auto f_probs = [&](const at::Tensor& p) {
    return td::MixtureSameFamily(td::Categorical(td::probs(p)), td::Normal(loc0, scale0)).log_prob(x).sum();
  };
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f_probs, probs0), td::testing::finite_difference_grad(f_probs, probs0),
                        1e-6, 1e-7));
}

TEST(MixtureSameFamily, GammaLogProbGradientsMatchFiniteDifferences) {
  const at::Tensor x = tensor_of({0.3, 1.7, 4.0}, {3});
  const at::Tensor logits0 = tensor_of({0.2, -0.3}, {2});
  const at::Tensor conc0 = tensor_of({1.5, 4.0}, {2}), rate0 = tensor_of({2.0, 0.8}, {2});
  auto f_conc = [&](const at::Tensor& c) {
    return td::MixtureSameFamily(td::Categorical(td::logits(logits0)), td::Gamma(c, rate0)).log_prob(x).sum();
  };
  EXPECT_TRUE(all_close(td::testing::autograd_grad(f_conc, conc0), td::testing::finite_difference_grad(f_conc, conc0),
                        1e-6, 1e-7));
}

// ---- construction, shapes and validation ----

TEST(MixtureSameFamily, ConstructorFormsAgree) {
  const at::Tensor logits = tensor_of({0.1, 0.9}, {2}), loc = tensor_of({-1, 1}, {2});
  const at::Tensor x = tensor_of({0.3, -2.0}, {2});
  auto mix = std::make_shared<td::Categorical>(td::logits(logits));
  auto comp = std::make_shared<td::Normal>(loc, 1.0);
  td::MixtureSameFamily by_value(td::Categorical(td::logits(logits)), td::Normal(loc, 1.0));
  td::MixtureSameFamily shared(mix, comp);
  td::MixtureSameFamily value_mix(td::Categorical(td::logits(logits)), td::DistributionPtr(comp));
  td::MixtureSameFamily value_comp(mix, td::Normal(loc, 1.0));
  const td::Normal lvalue(loc, 1.0);
  td::MixtureSameFamily lvalue_comp(*mix, lvalue);
  EXPECT_EQ(shared.mixture_distribution().get(), mix.get());
  EXPECT_EQ(shared.component_distribution().get(), comp.get());
  at::Tensor expected = by_value.log_prob(x);
  for (const td::MixtureSameFamily* m : {&shared, &value_mix, &value_comp, &lvalue_comp}) {
    EXPECT_TRUE(all_close(m->log_prob(x), expected, 1e-15, 0));
  }
  // Polymorphic use.
  std::shared_ptr<td::Distribution> d = by_value.expand_shared({3});
  EXPECT_EQ(d->name(), "MixtureSameFamily");
  EXPECT_EQ(d->log_prob(x.select(0, 0)).sizes(), at::IntArrayRef({3}));
}

TEST(MixtureSameFamily, ExpandExpandsBothParts) {
  td::MixtureSameFamily m(td::Categorical(td::logits(tensor_of({0.1, 0.2}, {1, 2}))),
                          td::Normal(tensor_of({-1, 1, 0, 2, 3, 4}, {3, 2}), 1.0), /*validate_args=*/false);
  td::MixtureSameFamily e = m.expand({4, 3});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({4, 3}));
  EXPECT_EQ(e.mixture_distribution()->batch_shape(), at::IntArrayRef({4, 3}));
  EXPECT_EQ(e.component_distribution()->batch_shape(), at::IntArrayRef({4, 3, 2}));
  EXPECT_FALSE(e.validate_args());
  const at::Tensor x = tensor_of({0.5, -0.5, 2.5}, {3});
  EXPECT_TRUE(all_close(e.log_prob(x), m.log_prob(x).expand({4, 3}), 1e-15, 0));
  EXPECT_EQ(e.sample({2}).sizes(), at::IntArrayRef({2, 4, 3}));
}

TEST(MixtureSameFamily, ShapeErrorsNameTheShapes) {
  // No batch dimension to index the components.
  EXPECT_THROW_MSG(td::MixtureSameFamily(td::Categorical(td::logits(at::zeros({1}))), td::Normal(0.0, 1.0)),
                   c10::ValueError,
                   "MixtureSameFamily: component_distribution (Normal) must have at least one batch dimension, the "
                   "rightmost indexing the components; got batch_shape []");
  // Vector events need a batch dimension too.
  EXPECT_THROW_MSG(
      td::MixtureSameFamily(td::Categorical(td::logits(at::zeros({2}))), td::Independent(td::Normal(at::zeros({2}), 1.0), 1)),
      c10::ValueError, "component_distribution (Independent) must have at least one batch dimension");
  // Number of categories against the last component batch dimension.
  EXPECT_THROW_MSG(td::MixtureSameFamily(td::Categorical(td::logits(at::zeros({3}))), td::Normal(at::zeros({2, 4}), 1.0)),
                   c10::ValueError,
                   "MixtureSameFamily: mixture_distribution has 3 categories but "
                   "component_distribution.batch_shape[-1] is 4 (component batch_shape [2, 4])");
  // Mixture batch against component batch[:-1].
  EXPECT_THROW_MSG(
      td::MixtureSameFamily(td::Categorical(td::logits(at::zeros({2, 3}))), td::Normal(at::zeros({4, 3}), 1.0)),
      c10::ValueError,
      "MixtureSameFamily: mixture_distribution.batch_shape [2] is not compatible with "
      "component_distribution.batch_shape[:-1] [4] (component batch_shape [4, 3]); they must broadcast");
  EXPECT_THROW_MSG(td::MixtureSameFamily(td::Categorical(td::logits(at::zeros({2, 5, 3}))),
                                         td::Normal(at::zeros({7, 1, 3}), 1.0)),
                   c10::ValueError, "mixture_distribution.batch_shape [2, 5] is not compatible with "
                                    "component_distribution.batch_shape[:-1] [7, 1]");
  // Null parts.
  EXPECT_THROW_MSG(td::MixtureSameFamily(std::shared_ptr<const td::Categorical>(), td::Normal(at::zeros({2}), 1.0)),
                   c10::ValueError, "MixtureSameFamily: mixture_distribution must not be null");
  EXPECT_THROW_MSG(td::MixtureSameFamily(td::Categorical(td::logits(at::zeros({2}))), td::DistributionPtr()),
                   c10::ValueError, "MixtureSameFamily: component_distribution must not be null");
  // Broadcastable batches are accepted.
  EXPECT_EQ(td::MixtureSameFamily(td::Categorical(td::logits(at::zeros({2, 1, 3}))), td::Normal(at::zeros({5, 3}), 1.0))
                .batch_shape(),
            at::IntArrayRef({2, 5}));
}

TEST(MixtureSameFamily, LogProbValidatesValues) {
  td::MixtureSameFamily m(td::Categorical(td::logits(at::zeros({3, 2}, at::kDouble))),
                          td::Gamma(at::ones({3, 2}, at::kDouble), 1.0));
  EXPECT_THROW_MSG(m.log_prob(tensor_of({1, -1, 2}, {3})), c10::ValueError,
                   "MixtureSameFamily: value must be within the support mixture_same_family(" +
                       td::constraints::nonnegative()->name() + "), got -1 at index [1]");
  EXPECT_THROW_MSG(m.log_prob(tensor_of({1, 2}, {2})), c10::ValueError,
                   "MixtureSameFamily: value of shape [2] is not broadcastable with batch_shape + event_shape [3]");
  EXPECT_THROW_MSG(m.cdf(tensor_of({-1})), c10::ValueError, "MixtureSameFamily: value must be within the support");
  td::MixtureSameFamily unchecked(td::Categorical(td::logits(at::zeros({3, 2}, at::kDouble))),
                                  td::Gamma(at::ones({3, 2}, at::kDouble), 1.0, /*validate_args=*/false),
                                  /*validate_args=*/false);
  EXPECT_NO_THROW(unchecked.log_prob(tensor_of({1, -1, 2}, {3})));
}

}  // namespace
