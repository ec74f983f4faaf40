// Binomial: log_prob, moments and entropy against Boost.Math, edge
// parameters (probs 0 / 1, logits +-1e4, total_count 0), sampling by
// chi-square, dtypes and broadcasting of total_count, enumerate_support,
// gradients against finite differences, validation.

#include <boost/math/distributions/binomial.hpp>
#include <torchdist/core/probs_logits.h>
#include <torchdist/distributions/binomial.h>

#include <cmath>
#include <functional>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

using Fn = std::function<at::Tensor(const at::Tensor&)>;

double logit(double p) { return std::log(p) - std::log1p(-p); }

TEST(Binomial, LogProbMatchesBoostForProbsAndLogits) {
  for (int n : {0, 1, 5, 20, 60}) {
    for (double p : {0.01, 0.3, 0.5, 0.9, 0.999}) {
      boost::math::binomial_distribution<double> ref(n, p);
      std::vector<double> ks, lp;
      for (int k = 0; k <= n; ++k) {
        ks.push_back(k);
        lp.push_back(std::log(boost::math::pdf(ref, k)));
      }
      const int64_t m = n + 1;
      at::Tensor k = tensor_of(ks, {m});
      td::Binomial from_probs(n, td::probs(tensor_of({p}, {1})));
      td::Binomial from_logits(static_cast<double>(n), td::logits(tensor_of({logit(p)}, {1})));
      EXPECT_TRUE(all_close(from_probs.log_prob(k), tensor_of(lp, {m}), 1e-10, 1e-11)) << n << " " << p;
      EXPECT_TRUE(all_close(from_logits.log_prob(k), tensor_of(lp, {m}), 1e-9, 1e-10)) << n << " " << p;
    }
  }
}

TEST(Binomial, LogProbBroadcastsCountsProbsAndValues) {
  // total_count [2, 1] and probs [3] make a [2, 3] batch; value [4, 1, 1].
  at::Tensor n = tensor_of({4, 9}, {2, 1});
  at::Tensor p = tensor_of({0.2, 0.5, 0.7}, {3});
  td::Binomial b(n, td::probs(p));
  EXPECT_EQ(b.batch_shape(), at::IntArrayRef({2, 3}));
  at::Tensor lp = b.log_prob(tensor_of({0, 1, 2, 4}, {4, 1, 1}));
  ASSERT_EQ(lp.sizes(), at::IntArrayRef({4, 2, 3}));
  for (int64_t i = 0; i < 4; ++i) {
    for (int64_t r = 0; r < 2; ++r) {
      for (int64_t c = 0; c < 3; ++c) {
        boost::math::binomial_distribution<double> ref(n[r][0].item<double>(), p[c].item<double>());
        const double k = std::vector<double>{0, 1, 2, 4}[static_cast<size_t>(i)];
        EXPECT_NEAR(lp[i][r][c].item<double>(), std::log(boost::math::pdf(ref, k)), 1e-12);
      }
    }
  }
}

TEST(Binomial, ProbsZeroAndOneAreExactAtTheCertainOutcomeAndFiniteElsewhere) {
  td::Binomial b(10, td::probs(tensor_of({0, 1}, {2})));
  at::Tensor certain = b.log_prob(tensor_of({0, 10}, {2}));
  EXPECT_EQ(certain[0].item<double>(), 0.0);
  EXPECT_EQ(certain[1].item<double>(), 0.0);
  // Impossible outcomes: finite (probs clamped to [eps, 1 - eps] as torch)
  // and below k log(eps) + log C(n, k) + 1.
  at::Tensor lp = b.log_prob(at::arange(11, at::kDouble).unsqueeze(-1));  // [11, 2]
  EXPECT_TRUE(at::isfinite(lp).all().item<bool>());
  EXPECT_LT(lp.slice(0, 1).select(1, 0).max().item<double>(), -30.0);
  EXPECT_LT(lp.slice(0, 0, 10).select(1, 1).max().item<double>(), -30.0);
  at::Tensor h = b.entropy();
  EXPECT_TRUE(at::isfinite(h).all().item<bool>());
  EXPECT_TRUE(all_close(h, at::zeros({2}, at::kDouble), 0, 1e-12));
  // Float parameters too, where eps is 1.2e-7.
  td::Binomial f(100, td::probs(at::tensor({0.0f, 1.0f})));
  at::Tensor fc = f.log_prob(at::tensor({0.0f, 100.0f}));
  EXPECT_EQ(fc[0].item<float>(), 0.0f);
  EXPECT_EQ(fc[1].item<float>(), 0.0f);
  EXPECT_TRUE(at::isfinite(f.log_prob(at::arange(101, at::kFloat).unsqueeze(-1))).all().item<bool>());
  EXPECT_TRUE(at::isfinite(f.entropy()).all().item<bool>());
  // Samples are the certain outcome.
  EXPECT_TRUE(at::equal(b.sample({50}, td::testing::seeded_generator(1)), tensor_of({0, 10}, {2}).expand({50, 2})));
}

TEST(Binomial, HugeLogitsStayFinite) {
  for (at::ScalarType dtype : {at::kDouble, at::kFloat}) {
    td::Binomial b(7, td::logits(at::tensor({1e4, -1e4}, dtype)));
    EXPECT_TRUE(all_close(b.log_prob(at::tensor({7.0, 0.0}, dtype)), at::zeros({2}, at::kDouble), 0, 0)) << dtype;
    // k successes at logit 1e4: log C(7, k) + (k - 7) * 1e4.
    at::Tensor lp = b.log_prob(at::tensor({3.0, 3.0}, dtype));
    const double log_c73 = std::log(35.0);
    EXPECT_TRUE(all_close(lp, tensor_of({log_c73 - 4e4, log_c73 - 3e4}, {2}), 1e-6, 0)) << dtype;
    EXPECT_TRUE(at::isfinite(b.entropy()).all().item<bool>()) << dtype;
    EXPECT_TRUE(all_close(b.entropy(), at::zeros({2}, at::kDouble), 0, 0)) << dtype;
  }
}

TEST(Binomial, ZeroTotalCount) {
  td::Binomial b(0, td::probs(tensor_of({0.0, 0.4, 1.0}, {3})));
  EXPECT_TRUE(all_close(b.log_prob(at::zeros({3}, at::kDouble)), at::zeros({3}, at::kDouble), 0, 0));
  EXPECT_TRUE(all_close(b.entropy(), at::zeros({3}, at::kDouble), 0, 0));
  EXPECT_TRUE(at::equal(b.sample({4}), at::zeros({4, 3}, at::kDouble)));
  EXPECT_EQ(b.enumerate_support().sizes(), at::IntArrayRef({1, 3}));
}

TEST(Binomial, MomentsAndEntropyMatchBoost) {
  const std::vector<std::pair<double, double>> params = {{10, 0.3}, {1, 0.8}, {25, 0.55}, {7, 0.02}};
  std::vector<double> ns, ps, mean, var, mode;
  for (auto [n, p] : params) {
    boost::math::binomial_distribution<double> ref(n, p);
    ns.push_back(n);
    ps.push_back(p);
    mean.push_back(boost::math::mean(ref));
    var.push_back(boost::math::variance(ref));
    mode.push_back(boost::math::mode(ref));
  }
  const int64_t m = static_cast<int64_t>(params.size());
  td::Binomial b(tensor_of(ns, {m}), td::probs(tensor_of(ps, {m})));
  EXPECT_TRUE(all_close(b.mean(), tensor_of(mean, {m}), 1e-14));
  EXPECT_TRUE(all_close(b.variance(), tensor_of(var, {m}), 1e-13));
  EXPECT_TRUE(all_close(b.mode(), tensor_of(mode, {m}), 0, 0));
  // Mode edges: p = 1 gives n (floor((n + 1) p) = n + 1 is clamped), p = 0 gives 0.
  EXPECT_TRUE(at::equal(td::Binomial(6, td::probs(tensor_of({0, 1}, {2}))).mode(), tensor_of({0, 6}, {2})));
  // Entropy, for one total_count per batch: -sum_k pmf log pmf over Boost's pmf.
  for (auto [n, p] : params) {
    boost::math::binomial_distribution<double> ref(n, p);
    double h = 0;
    for (int k = 0; k <= static_cast<int>(n); ++k) {
      const double f = boost::math::pdf(ref, k);
      if (f > 0) h -= f * std::log(f);
    }
    td::Binomial bp(n, td::probs(tensor_of({p, p}, {2})));
    td::Binomial bl(n, td::logits(tensor_of({logit(p)}, {1})));
    EXPECT_TRUE(all_close(bp.entropy(), tensor_of({h, h}, {2}), 1e-11)) << n << " " << p;
    EXPECT_TRUE(all_close(bl.entropy(), tensor_of({h}, {1}), 1e-9)) << n << " " << p;
  }
}

TEST(Binomial, SamplesPassChiSquare) {
  // Threshold 1e-4 per test: false-failure rate 1e-4 for each of the 5
  // parameter sets (5e-4 for the test), at a fixed seed. n p >= 10 uses
  // at::binomial's rejection sampler (BTRS), smaller n p its inversion.
  auto gen = td::testing::seeded_generator(8080);
  const std::vector<std::pair<int, double>> params = {{10, 0.3}, {1, 0.5}, {50, 0.8}, {1000, 0.4}, {30, 0.97}};
  for (auto [n, p] : params) {
    td::Binomial b(n, td::probs(tensor_of({p}, {1})));
    at::Tensor s = b.sample({20000}, gen);
    ASSERT_EQ(s.sizes(), at::IntArrayRef({20000, 1}));
    at::Tensor counts = at::bincount(s.flatten().to(at::kLong), /*weights=*/{}, n + 1);
    ASSERT_EQ(counts.numel(), n + 1) << "a sample above total_count";
    std::vector<int64_t> c(counts.data_ptr<int64_t>(), counts.data_ptr<int64_t>() + n + 1);
    boost::math::binomial_distribution<double> ref(n, p);
    std::vector<double> pmf;
    for (int k = 0; k <= n; ++k) pmf.push_back(boost::math::pdf(ref, k));
    EXPECT_GT(td::testing::chi_square_test(c, pmf), 1e-4) << n << " " << p;
  }
}

TEST(Binomial, DtypesFollowTheProbs) {
  td::Binomial a(10, td::probs(0.3));
  EXPECT_EQ(a.batch_shape().size(), 0u);
  EXPECT_EQ(a.total_count().scalar_type(), at::kFloat);
  EXPECT_EQ(a.sample({3}).scalar_type(), at::kFloat);
  // A double total_count does not make float probs double (as torch).
  td::Binomial b(at::full({2}, 5.0, at::kDouble), td::probs(at::full({2}, 0.5, at::kFloat)));
  EXPECT_EQ(b.total_count().scalar_type(), at::kFloat);
  EXPECT_EQ(b.probs().scalar_type(), at::kFloat);
  // Integer counts take the probs' dtype.
  td::Binomial c(at::tensor({3, 4}, at::kLong), td::logits(at::zeros({2}, at::kDouble)));
  EXPECT_EQ(c.total_count().scalar_type(), at::kDouble);
  EXPECT_TRUE(at::equal(c.total_count(), tensor_of({3, 4}, {2})));
  at::Tensor s = c.sample({6, 2});
  EXPECT_EQ(s.sizes(), at::IntArrayRef({6, 2, 2}));
  EXPECT_EQ(s.scalar_type(), at::kDouble);
  EXPECT_TRUE((s >= 0).logical_and(s <= c.total_count()).logical_and(s == s.floor()).all().item<bool>());
  EXPECT_EQ(c.log_prob(s).sizes(), at::IntArrayRef({6, 2, 2}));
  // Integer values are fine (computed in the parameters' dtype).
  EXPECT_TRUE(all_close(c.log_prob(at::tensor({1, 2}, at::kLong)), c.log_prob(tensor_of({1, 2}, {2})), 0, 0));
}

TEST(Binomial, EnumerateSupportAndHomogeneousTotalCount) {
  td::Binomial b(at::full({2, 3}, 4.0, at::kDouble), td::probs(at::full({3}, 0.5, at::kDouble)));
  EXPECT_TRUE(b.has_enumerate_support());
  at::Tensor full = b.enumerate_support();
  ASSERT_EQ(full.sizes(), at::IntArrayRef({5, 2, 3}));
  EXPECT_EQ(full.scalar_type(), at::kDouble);
  for (int64_t k = 0; k <= 4; ++k) EXPECT_TRUE((full[k] == k).all().item<bool>());
  at::Tensor compact = b.enumerate_support(/*expand=*/false);
  EXPECT_EQ(compact.sizes(), at::IntArrayRef({5, 1, 1}));
  EXPECT_TRUE(at::equal(compact.flatten(), at::arange(5, at::kDouble)));
  td::Binomial ragged(tensor_of({2, 5}, {2}), td::probs(0.5));
  EXPECT_THROW_MSG(ragged.enumerate_support(), c10::NotImplementedError,
                   "Binomial: enumerate_support needs the same total_count for the whole batch (the support would be "
                   "ragged), got total_count from 2 to 5");
  // Entropy takes different counts (torch raises NotImplementedError).
  EXPECT_TRUE(all_close(ragged.entropy(),
                        at::cat({td::Binomial(tensor_of({2}, {1}), td::probs(0.5)).entropy(),
                                 td::Binomial(tensor_of({5}, {1}), td::probs(0.5)).entropy()}),
                        1e-14, 1e-14));
  EXPECT_EQ(ragged.support()->name(), "integer_interval(0, tensor of shape [2])");
  EXPECT_EQ(td::Binomial(10, td::probs(0.5)).support()->name(), "integer_interval(0, 10)");
}

TEST(Binomial, GradientsMatchFiniteDifferences) {
  at::Tensor n = tensor_of({5, 12, 3, 8}, {4});
  at::Tensor v = tensor_of({2, 12, 0, 4}, {4});
  at::Tensor p0 = tensor_of({0.3, 0.9, 0.5, 0.5}, {4});
  at::Tensor l0 = tensor_of({-1.0, 2.0, 0.0, 0.4}, {4});  // includes the kink of max(l, 0)
  Fn lp_probs = [&](const at::Tensor& p) { return td::Binomial(n, td::probs(p)).log_prob(v).sum(); };
  Fn lp_logits = [&](const at::Tensor& l) { return td::Binomial(n, td::logits(l)).log_prob(v).sum(); };
  Fn mean_probs = [&](const at::Tensor& p) { return (td::Binomial(n, td::probs(p)).mean() * v).sum(); };
  Fn var_logits = [&](const at::Tensor& l) { return td::Binomial(n, td::logits(l)).variance().sum(); };
  // entropy needs one total_count for the batch.
  Fn h_probs = [&](const at::Tensor& p) { return td::Binomial(9, td::probs(p)).entropy().sum(); };
  Fn h_logits = [&](const at::Tensor& l) { return td::Binomial(9, td::logits(l)).entropy().sum(); };
  for (const Fn& f : {lp_probs, mean_probs, h_probs}) {
    EXPECT_TRUE(all_close(td::testing::autograd_grad(f, p0), td::testing::finite_difference_grad(f, p0), 1e-6, 1e-7));
  }
  for (const Fn& f : {lp_logits, var_logits, h_logits}) {
    EXPECT_TRUE(all_close(td::testing::autograd_grad(f, l0), td::testing::finite_difference_grad(f, l0), 1e-6, 1e-7));
  }
}

TEST(Binomial, CopiesKeepBothParameterizations) {
  const td::Binomial from_probs(4, td::probs(tensor_of({0.2, 0.7}, {2})));
  const td::Binomial from_logits(4, td::logits(tensor_of({logit(0.2), logit(0.7)}, {2})));
  for (const td::Binomial& original : {from_probs, from_logits}) {  // copies
    td::Binomial copy = original;
    EXPECT_TRUE(all_close(copy.probs(), tensor_of({0.2, 0.7}, {2}), 1e-12));
    EXPECT_TRUE(all_close(copy.logits(), tensor_of({logit(0.2), logit(0.7)}, {2}), 1e-12));
  }
}

TEST(Binomial, ExpandKeepsParameters) {
  td::Binomial b(tensor_of({3, 6}, {2}), td::logits(tensor_of({0.5, -0.5}, {2})));
  td::Binomial e = b.expand({4, 2});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({4, 2}));
  EXPECT_EQ(e.total_count().sizes(), at::IntArrayRef({4, 2}));
  EXPECT_TRUE(all_close(e.probs(), b.probs().expand({4, 2}), 1e-15));
  at::Tensor x = tensor_of({1, 5}, {2});
  EXPECT_TRUE(all_close(e.log_prob(x), b.log_prob(x).expand({4, 2}), 1e-15));
  EXPECT_THROW_MSG(e.log_prob(tensor_of({4, 5}, {2})), c10::ValueError,
                   "Binomial: value must be within the support integer_interval(0, tensor of shape [4, 2]), got 4 at "
                   "index [0, 0]");
}

TEST(Binomial, ValidationErrors) {
  EXPECT_THROW_MSG(td::Binomial(-1, td::probs(0.5)), c10::ValueError,
                   "Binomial: total_count must satisfy nonnegative_integer(), got -1");
  EXPECT_THROW_MSG(td::Binomial(tensor_of({3, 2.5}, {2}), td::probs(0.5)), c10::ValueError,
                   "Binomial: total_count must satisfy nonnegative_integer(), got 2.5 at index [1]");
  EXPECT_THROW_MSG(td::Binomial(tensor_of({3, INFINITY}, {2}), td::probs(0.5)), c10::ValueError,
                   "Binomial: total_count must be finite, got inf at index [1]");
  EXPECT_THROW_MSG(td::Binomial(10, td::probs(tensor_of({0.5, 1.2}, {2}))), c10::ValueError,
                   "Binomial: probs must satisfy unit_interval(), got 1.2 at index [1]");
  EXPECT_THROW_MSG(td::Binomial(10, td::logits(tensor_of({NAN}, {1}))), c10::ValueError,
                   "Binomial: logits must satisfy real(), got nan at index [0]");
  EXPECT_THROW_MSG(td::Binomial(at::Tensor(), td::probs(0.5)), c10::ValueError,
                   "Binomial: total_count must be a defined tensor");
  td::Binomial b(10, td::probs(tensor_of({0.5}, {1})));
  EXPECT_THROW_MSG(b.log_prob(tensor_of({11}, {1})), c10::ValueError,
                   "Binomial: value must be within the support integer_interval(0, 10), got 11 at index [0]");
  EXPECT_THROW_MSG(b.log_prob(tensor_of({2.5}, {1})), c10::ValueError,
                   "Binomial: value must be within the support integer_interval(0, 10), got 2.5");
  EXPECT_THROW_MSG(b.log_prob(tensor_of({-1}, {1})), c10::ValueError,
                   "Binomial: value must be within the support integer_interval(0, 10), got -1");
  EXPECT_NO_THROW(td::Binomial(2.5, td::probs(1.5), /*validate_args=*/false));
}

TEST(Binomial, ExactlyOneOfProbsOrLogits) {
  at::Tensor p = tensor_of({0.5}, {1});
  EXPECT_THROW_MSG(td::Binomial(4, td::ProbsOrLogits::from_optional("Binomial", p, p)), c10::ValueError,
                   "Binomial: exactly one of probs or logits must be specified, got both");
  EXPECT_THROW_MSG(td::Binomial(4, td::ProbsOrLogits::from_optional("Binomial", c10::nullopt, c10::nullopt)),
                   c10::ValueError, "Binomial: exactly one of probs or logits must be specified, got neither");
  EXPECT_THROW_MSG(td::Binomial(4, td::probs(at::Tensor())), c10::ValueError,
                   "Binomial: exactly one of probs or logits must be specified, got neither (probs is an undefined "
                   "tensor)");
  td::Binomial b(4, td::ProbsOrLogits::from_optional("Binomial", c10::nullopt, tensor_of({0.0}, {1})));
  EXPECT_TRUE(all_close(b.probs(), p));
}

TEST(Binomial, MethodsTorchLacksAreNotImplemented) {
  td::Binomial b(3, td::probs(0.5));
  EXPECT_FALSE(b.has_rsample());
  EXPECT_THROW_MSG(b.rsample(), c10::NotImplementedError, "Binomial does not implement rsample");
  EXPECT_THROW_MSG(b.cdf(at::zeros({})), c10::NotImplementedError, "Binomial does not implement cdf");
  EXPECT_THROW_MSG(b.icdf(at::zeros({})), c10::NotImplementedError, "Binomial does not implement icdf");
}

}  // namespace
