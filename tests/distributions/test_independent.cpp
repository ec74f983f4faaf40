// Independent: shapes, log_prob/entropy summed over the reinterpreted
// dimensions (checked against the base), support, expand, errors.

#include <boost/math/distributions/normal.hpp>
#include <torchdist/distributions/independent.h>
#include <torchdist/distributions/normal.h>

#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::tensor_of;

namespace {

TEST(Independent, ShapesAndLogProbSumOverReinterpretedDims) {
  at::Tensor loc = at::randn({2, 3, 4}, at::kDouble), scale = at::rand({2, 3, 4}, at::kDouble) + 0.5;
  td::Normal base(loc, scale);
  td::Independent d(base, 2);
  EXPECT_EQ(d.batch_shape(), at::IntArrayRef({2}));
  EXPECT_EQ(d.event_shape(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(d.support()->name(), "independent(real(), 2)");
  EXPECT_EQ(d.support()->event_dim(), 2);
  at::Tensor x = d.sample({5});
  EXPECT_EQ(x.sizes(), at::IntArrayRef({5, 2, 3, 4}));
  // Reference: the sum of univariate normal log-densities from Boost.
  at::Tensor ref = at::zeros({5, 2}, at::kDouble);
  for (int64_t s = 0; s < 5; ++s) {
    for (int64_t b = 0; b < 2; ++b) {
      double total = 0;
      for (int64_t i = 0; i < 3; ++i) {
        for (int64_t j = 0; j < 4; ++j) {
          boost::math::normal_distribution<double> nd(loc[b][i][j].item<double>(), scale[b][i][j].item<double>());
          total += std::log(boost::math::pdf(nd, x[s][b][i][j].item<double>()));
        }
      }
      ref[s][b] = total;
    }
  }
  EXPECT_TRUE(all_close(d.log_prob(x), ref, 1e-10));
  EXPECT_TRUE(all_close(d.entropy(), base.entropy().sum({-1, -2}), 1e-12));
  EXPECT_TRUE(all_close(d.mean(), loc));
  EXPECT_TRUE(all_close(d.variance(), scale.pow(2)));
}

TEST(Independent, TakesDistributionsByValueOrPointer) {
  td::Independent by_value(td::Normal(at::zeros({3}), at::ones({3})), 1);
  std::shared_ptr<td::Distribution> ptr = std::make_shared<td::Normal>(at::zeros({3}), at::ones({3}));
  td::Independent by_pointer(ptr, 1);
  EXPECT_TRUE(all_close(by_value.log_prob(at::ones({3})), by_pointer.log_prob(at::ones({3}))));
  EXPECT_TRUE(by_value.has_rsample());
  EXPECT_TRUE(by_value.rsample().defined());
  td::Independent zero(td::Normal(at::zeros({3}), at::ones({3})), 0);
  EXPECT_EQ(zero.batch_shape(), at::IntArrayRef({3}));
}

TEST(Independent, ExpandKeepsTheEventShape) {
  td::Independent d(td::Normal(at::zeros({3}), at::ones({3})), 1);
  td::Independent e = d.expand({4});
  EXPECT_EQ(e.batch_shape(), at::IntArrayRef({4}));
  EXPECT_EQ(e.event_shape(), at::IntArrayRef({3}));
  EXPECT_EQ(e.base_dist()->batch_shape(), at::IntArrayRef({4, 3}));
  EXPECT_EQ(e.sample({2}).sizes(), at::IntArrayRef({2, 4, 3}));
}

TEST(Independent, Errors) {
  EXPECT_THROW_MSG(td::Independent(td::Normal(at::zeros({3}), at::ones({3})), 2), c10::ValueError,
                   "Independent: reinterpreted_batch_ndims (2) must not exceed the base distribution's batch rank "
                   "(batch_shape [3])");
  EXPECT_THROW_MSG(td::Independent(td::Normal(0.0, 1.0), -1), c10::ValueError,
                   "reinterpreted_batch_ndims must be >= 0");
  EXPECT_THROW_MSG(td::Independent(td::DistributionPtr(), 0), c10::ValueError,
                   "Independent: base distribution must not be null");
  td::Independent d(td::Normal(at::zeros({3}), at::ones({3})), 1);
  EXPECT_THROW_MSG(d.log_prob(at::zeros({2})), c10::ValueError,
                   "Independent: value of shape [2] does not end in the event shape [3]");
  EXPECT_THROW_MSG(d.enumerate_support(), c10::NotImplementedError, "cartesian product");
  EXPECT_THROW_MSG(d.cdf(at::zeros({3})), c10::NotImplementedError, "Independent does not implement cdf");
}

}  // namespace
