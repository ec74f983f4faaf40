// The KL registry's behaviour seen through the same-family rules: missing
// pairs, mismatched shapes, user rules for subclasses, re-registration, and
// dispatch of a subclass (Chi2) to its base's rule (Gamma). The rules'
// values are tested in test_kl_same_family_{continuous,discrete}.cpp.

#include <c10/util/Exception.h>
#include <torchdist/distributions/chi2.h>
#include <torchdist/distributions/gamma.h>
#include <torchdist/distributions/normal.h>
#include <torchdist/distributions/one_hot_categorical.h>
#include <torchdist/distributions/student_t.h>

#include <algorithm>
#include <boost/math/special_functions/digamma.hpp>
#include <cmath>
#include <string>

#include "kl_testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace kl_test {
// A user's subclass of a built-in family.
struct MyNormal : td::Normal {
  using td::Normal::Normal;
  std::string name() const override { return "MyNormal"; }
};
}  // namespace kl_test

namespace {

using kl_test::MyNormal;

TEST(KlRegistry, PairWithoutRuleThrowsNotImplementedNamingBothFamilies) {
  td::StudentT p(3.0, 0.0, 1.0);
  td::Normal q(0.0, 1.0);
  EXPECT_THROW_MSG(td::kl_divergence(p, q), c10::NotImplementedError, "kl_divergence(StudentT, Normal)");
}

TEST(KlRegistry, DifferentEventShapesThrowValueError) {
  td::OneHotCategorical p(td::probs(at::ones({3}, at::kDouble)));
  td::OneHotCategorical q(td::probs(at::ones({4}, at::kDouble)));
  EXPECT_THROW_MSG(td::kl_divergence(p, q), c10::ValueError, "event shapes differ");
}

TEST(KlRegistry, NonBroadcastableBatchShapesThrowValueError) {
  td::Normal p(at::zeros({3}, at::kDouble), 1.0);
  td::Normal q(at::zeros({4}, at::kDouble), 1.0);
  EXPECT_THROW_MSG(td::kl_divergence(p, q), c10::ValueError, "do not broadcast");
}

TEST(KlRegistry, UserRuleForSubclassIsPreferredAndReplaceable) {
  at::Tensor loc_p = tensor_of({0.3, -1}), scale_p = tensor_of({1.2, 0.5});
  at::Tensor loc_q = tensor_of({0, 2}), scale_q = tensor_of({0.7, 3});
  MyNormal mp(loc_p, scale_p), mq(loc_q, scale_q);
  td::Normal np(loc_p, scale_p), nq(loc_q, scale_q);
  const at::Tensor normal_kl = td::kl_divergence(np, nq);

  // Before any user rule, subclasses use Normal-Normal.
  EXPECT_TRUE(all_close(td::kl_divergence(mp, mq), normal_kl, 0, 0));

  td::register_kl<MyNormal, MyNormal>(
      [](const MyNormal& p, const MyNormal&) { return at::full(p.batch_shape(), 42.0, at::kDouble); });
  EXPECT_TRUE(all_close(td::kl_divergence(mp, mq), at::full({2}, 42.0, at::kDouble), 0, 0));
  // No (MyNormal, Normal) or (Normal, MyNormal) rule: Normal-Normal applies.
  EXPECT_TRUE(all_close(td::kl_divergence(mp, nq), normal_kl, 0, 0));
  EXPECT_TRUE(all_close(td::kl_divergence(np, mq), normal_kl, 0, 0));

  // Registering the same pair again replaces the rule (and the cached dispatch).
  td::register_kl<MyNormal, MyNormal>(
      [](const MyNormal& p, const MyNormal&) { return at::full(p.batch_shape(), 7.0, at::kDouble); });
  EXPECT_TRUE(all_close(td::kl_divergence(mp, mq), at::full({2}, 7.0, at::kDouble), 0, 0));
  auto pairs = td::registered_kl_pairs();
  const auto mine = std::make_pair(std::string("kl_test::MyNormal"), std::string("kl_test::MyNormal"));
  EXPECT_EQ(std::count(pairs.begin(), pairs.end(), mine), 1);
  EXPECT_EQ(std::count(pairs.begin(), pairs.end(), std::make_pair(std::string("Normal"), std::string("Normal"))), 1);
}

// Chi2(k) is Gamma(k / 2, 1 / 2) and derives from Gamma: with no Chi2 rule,
// every pair among them uses Gamma-Gamma.
TEST(KlRegistry, Chi2DispatchesToGammaGamma) {
  at::Tensor df_p = tensor_of({1, 3.5, 10}), df_q = tensor_of({2, 3, 0.5});
  td::Chi2 cp(df_p), cq(df_q);
  td::Gamma gp(df_p / 2, 0.5), gq(df_q / 2, 0.5);
  const at::Tensor expected = td::kl_divergence(gp, gq);
  EXPECT_TRUE(all_close(td::kl_divergence(cp, cq), expected, 0, 0));
  EXPECT_TRUE(all_close(td::kl_divergence(cp, gq), expected, 0, 0));
  EXPECT_TRUE(all_close(td::kl_divergence(gp, cq), expected, 0, 0));
  // With equal rates the Gamma pair reduces to
  // lgamma(k_q / 2) - lgamma(k_p / 2) + (k_p - k_q) / 2 psi(k_p / 2).
  const std::vector<double> kp = {1, 3.5, 10}, kq = {2, 3, 0.5};
  for (size_t i = 0; i < kp.size(); ++i) {
    const double ref =
        std::lgamma(kq[i] / 2) - std::lgamma(kp[i] / 2) + (kp[i] - kq[i]) / 2 * boost::math::digamma(kp[i] / 2);
    EXPECT_NEAR(expected[i].item<double>(), ref, 1e-12 * std::abs(ref)) << i;
  }
  td::testing::expect_kl_to_self_is_zero(cp, 1e-300);
  td::testing::expect_kl_matches_monte_carlo(cp, cq, 200000, 3);
}

}  // namespace
