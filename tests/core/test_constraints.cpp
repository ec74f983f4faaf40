// Constraints: membership on hand-picked points inside, on and outside the
// boundaries, names, event dims and discreteness.

#include <torchdist/core/constraints.h>

#include <cmath>
#include <limits>

#include "../support/testing.h"

namespace td = torchdist;
namespace c = torchdist::constraints;
using td::testing::tensor_of;

namespace {

std::vector<bool> check(const td::ConstraintPtr& con, const at::Tensor& v) {
  at::Tensor ok = con->check(v).flatten();
  std::vector<bool> out;
  for (int64_t i = 0; i < ok.numel(); ++i) out.push_back(ok[i].item<bool>());
  return out;
}

using B = std::vector<bool>;

TEST(Constraints, ScalarConstraintsOnBoundaries) {
  at::Tensor v = tensor_of({-1, 0, 0.5, 1, 2, NAN, INFINITY}, {7});
  EXPECT_EQ(check(c::real(), v), B({true, true, true, true, true, false, true}));
  EXPECT_EQ(check(c::positive(), v), B({false, false, true, true, true, false, true}));
  EXPECT_EQ(check(c::nonnegative(), v), B({false, true, true, true, true, false, true}));
  EXPECT_EQ(check(c::unit_interval(), v), B({false, true, true, true, false, false, false}));
  EXPECT_EQ(check(c::boolean(), v), B({false, true, false, true, false, false, false}));
  EXPECT_EQ(check(c::greater_than(0.5), v), B({false, false, false, true, true, false, true}));
  EXPECT_EQ(check(c::greater_than_eq(0.5), v), B({false, false, true, true, true, false, true}));
  EXPECT_EQ(check(c::less_than(0.5), v), B({true, true, false, false, false, false, false}));
  EXPECT_EQ(check(c::interval(0, 1), v), B({false, true, true, true, false, false, false}));
  EXPECT_EQ(check(c::half_open_interval(0, 1), v), B({false, true, true, false, false, false, false}));
  EXPECT_EQ(check(c::integer_interval(0, 1), v), B({false, true, false, true, false, false, false}));
  EXPECT_EQ(check(c::nonnegative_integer(), v), B({false, true, false, true, true, false, false}));
  EXPECT_EQ(check(c::positive_integer(), v), B({false, false, false, true, true, false, false}));
}

TEST(Constraints, IntegerDtypesAreIntegers) {
  at::Tensor v = at::tensor({-1, 0, 3}, at::kLong);
  EXPECT_EQ(check(c::nonnegative_integer(), v), B({false, true, true}));
  EXPECT_EQ(check(c::integer_interval(0, 2), v), B({false, true, false}));
}

TEST(Constraints, TensorBoundsBroadcast) {
  auto con = c::interval(tensor_of({0, 1}, {2}), tensor_of({1, 3}, {2}));
  EXPECT_EQ(check(con, tensor_of({0.5, 0.5}, {2})), B({true, false}));
  EXPECT_EQ(con->check(at::zeros({4, 2}, at::kDouble)).sizes(), at::IntArrayRef({4, 2}));
  EXPECT_EQ(con->name(), "interval(tensor of shape [2], tensor of shape [2])");
  // Float values against double bounds are compared in the value's dtype.
  EXPECT_EQ(check(c::greater_than(tensor_of({0.25})), at::tensor({0.2f, 0.3f})), B({false, true}));
}

TEST(Constraints, EventConstraintsReduceTheEventDimension) {
  at::Tensor v = tensor_of({0.2, 0.8, 0.5, 0.6, 1, 0, -0.5, 1.5}, {4, 2});
  EXPECT_EQ(check(c::simplex(), v), B({true, false, true, false}));
  EXPECT_EQ(check(c::one_hot(), v), B({false, false, true, false}));
  EXPECT_EQ(check(c::real_vector(), tensor_of({1, NAN, 2, 3}, {2, 2})), B({false, true}));
  auto ind = c::independent(c::positive(), 1);
  EXPECT_EQ(ind->event_dim(), 1);
  EXPECT_EQ(check(ind, tensor_of({1, 2, 3, -1}, {2, 2})), B({true, false}));
  EXPECT_EQ(ind->name(), "independent(positive(), 1)");
  EXPECT_EQ(c::independent(c::simplex(), 2)->event_dim(), 3);
}

TEST(Constraints, NamesDiscretenessAndEventDims) {
  EXPECT_EQ(c::positive()->name(), "positive()");
  EXPECT_EQ(c::greater_than(2.5)->name(), "greater_than(2.5)");
  EXPECT_EQ(c::integer_interval(0, 10)->name(), "integer_interval(0, 10)");
  EXPECT_EQ(c::unit_interval()->name(), "unit_interval()");
  EXPECT_TRUE(c::boolean()->is_discrete());
  EXPECT_TRUE(c::integer_interval(0, 3)->is_discrete());
  EXPECT_TRUE(c::one_hot()->is_discrete());
  EXPECT_FALSE(c::interval(0, 3)->is_discrete());
  EXPECT_EQ(c::simplex()->event_dim(), 1);
  EXPECT_EQ(c::real()->event_dim(), 0);
}

TEST(Constraints, DependentCannotBeChecked) {
  auto dep = c::dependent();
  EXPECT_TRUE(dep->is_dependent());
  EXPECT_THROW_MSG(dep->check(at::zeros({1})), c10::ValueError, "dependent(): cannot determine validity");
  EXPECT_THROW_MSG(c::independent(c::real(), -1), c10::ValueError, "reinterpreted_batch_ndims must be >= 0");
}

}  // namespace

namespace {

TEST(Constraints, MatrixConstraints) {
  at::Tensor lower = tensor_of({2, 0, 1, 3}, {2, 2});
  at::Tensor upper = tensor_of({2, 1, 0, 3}, {2, 2});
  at::Tensor neg_diag = tensor_of({-2, 0, 1, 3}, {2, 2});
  at::Tensor batch = at::stack({lower, upper, neg_diag});
  EXPECT_EQ(check(c::lower_triangular(), batch), B({true, false, true}));
  EXPECT_EQ(check(c::lower_cholesky(), batch), B({true, false, false}));
  EXPECT_EQ(c::lower_cholesky()->event_dim(), 2);

  // A correlation Cholesky factor: rows of unit norm, positive diagonal.
  const double s = std::sqrt(0.5);
  at::Tensor corr = tensor_of({1, 0, s, s}, {2, 2});
  EXPECT_EQ(check(c::corr_cholesky(), at::stack({corr, lower})), B({true, false}));

  at::Tensor sym = tensor_of({2, 1, 1, 2}, {2, 2});        // eigenvalues 1, 3
  at::Tensor psd = tensor_of({1, 1, 1, 1}, {2, 2});        // eigenvalues 0, 2
  at::Tensor indefinite = tensor_of({1, 2, 2, 1}, {2, 2});  // eigenvalues -1, 3
  at::Tensor mats = at::stack({sym, psd, indefinite, upper});
  EXPECT_EQ(check(c::symmetric(), mats), B({true, true, true, false}));
  EXPECT_EQ(check(c::positive_semidefinite(), mats), B({true, true, false, false}));
  EXPECT_EQ(check(c::positive_definite(), mats), B({true, false, false, false}));
  EXPECT_EQ(check(c::square(), at::zeros({3, 2, 2})), B({true, true, true}));
  EXPECT_EQ(check(c::square(), at::zeros({3, 2, 4})), B({false, false, false}));
  EXPECT_EQ(c::positive_definite()->name(), "positive_definite()");
}

TEST(Constraints, MultinomialCatAndStack) {
  auto m = c::multinomial(3);
  EXPECT_TRUE(m->is_discrete());
  EXPECT_EQ(check(m, tensor_of({1, 2, 0, 2, 2, 0, -1, 1, 1, 0.5, 1, 1}, {4, 3})), B({true, false, false, false}));

  // cat: the first two entries positive, the last one in the unit interval.
  auto cat = c::cat({c::positive(), c::unit_interval()}, -1, {2, 1});
  EXPECT_EQ(check(cat, tensor_of({1, 2, 0.5}, {3})), B({true, true, true}));
  EXPECT_EQ(check(cat, tensor_of({1, -2, 1.5}, {3})), B({true, false, false}));
  EXPECT_EQ(cat->name(), "cat([positive(), unit_interval()], dim=-1)");

  auto stack = c::stack({c::positive(), c::real()}, 0);
  EXPECT_EQ(check(stack, tensor_of({1, -1, -1, NAN}, {2, 2})), B({true, false, true, false}));
  EXPECT_THROW_MSG(stack->check(at::zeros({3, 2})), c10::ValueError, "stack: expected size 2 along dim 0");
  EXPECT_THROW_MSG(c::cat({c::real()}, 0, {1, 2}), c10::ValueError, "cat: got 1 constraints but 2 lengths");
}

}  // namespace

namespace {

// all_satisfied (one scan, no mask) agrees with check(v).all() on every
// single element and on the whole tensor, for each dtype the scan reads.
TEST(Constraints, ScansAgreeWithTheMasks) {
  const std::vector<td::ConstraintPtr> constraints = {
      c::real(),          c::positive(),        c::nonnegative(),         c::unit_interval(),
      c::boolean(),       c::greater_than(0.5), c::greater_than_eq(0.5),  c::less_than(0.5),
      c::interval(0, 1),  c::half_open_interval(0, 1), c::integer_interval(0, 1), c::nonnegative_integer(),
      c::positive_integer(), c::independent(c::positive(), 1), c::real_vector()};
  const at::Tensor values = tensor_of({-1, 0, 0.5, 1, 2, NAN, INFINITY, -INFINITY, 1e-300, 0.25}, {10});
  for (at::ScalarType dtype : {at::kFloat, at::kDouble, at::kLong, at::kInt, at::kBool}) {
    at::Tensor v = at::isFloatingType(dtype) ? values.to(dtype) : values.nan_to_num(0, 5, -5).to(dtype);
    for (const auto& con : constraints) {
      SCOPED_TRACE(con->name() + " " + std::string(c10::toString(dtype)));
      for (int64_t i = 0; i <= v.numel(); ++i) {
        // Each element alone (as a [1] tensor), then the whole tensor.
        const at::Tensor x = i < v.numel() ? v.narrow(0, i, 1).contiguous() : v;
        const c10::optional<bool> scanned = con->all_satisfied(x);
        ASSERT_TRUE(scanned.has_value()) << "no scan for " << x;
        EXPECT_EQ(*scanned, con->check(x).all().item<bool>()) << x;
      }
    }
  }
}

// The matrix scans of lower_triangular() and lower_cholesky() agree with
// their masks on each single defect (a nonzero, NaN or inf above the
// diagonal, a NaN below it, a zero, negative or NaN diagonal entry), on
// valid batches, and on non-square matrices.
TEST(Constraints, TriangularScansAgreeWithTheMasks) {
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    for (const auto& con : {c::lower_triangular(), c::lower_cholesky()}) {
      SCOPED_TRACE(con->name() + " " + std::string(c10::toString(dtype)));
      const at::Tensor valid = at::tril(at::rand({4, 3, 3}, at::kDouble).add(0.5)).to(dtype);
      auto expect_agree = [&](const at::Tensor& x) {
        const c10::optional<bool> scanned = con->all_satisfied(x);
        ASSERT_TRUE(scanned.has_value());
        EXPECT_EQ(*scanned, con->check(x).all().item<bool>()) << x;
      };
      expect_agree(valid);
      for (int64_t i = 0; i < 3; ++i) {
        for (int64_t j = 0; j < 3; ++j) {
          for (double bad : {1.0, -1.0, 0.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
            at::Tensor x = valid.clone();
            x[2][i][j] = bad;
            expect_agree(x);
          }
        }
      }
      expect_agree(at::tril(at::rand({2, 4, 3}, at::kDouble).add(0.5)).to(dtype));
      expect_agree(at::tril(at::rand({2, 3, 4}, at::kDouble).add(0.5)).to(dtype));
      expect_agree(at::empty({0, 3, 3}, dtype));
    }
  }
  // A broadcast (stride-0) batch is not contiguous: the mask decides.
  EXPECT_FALSE(c::lower_cholesky()->all_satisfied(at::eye(3, at::kDouble).expand({2, 3, 3})).has_value());
}

// The symmetric-matrix scans agree with their masks: each single defect in
// the upper triangle (a difference just within and just beyond 1e-6, NaN,
// one infinity, matched infinities), and definiteness on valid and
// indefinite batches.
TEST(Constraints, SymmetricScansAgreeWithTheMasks) {
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    for (const auto& con : {c::symmetric(), c::positive_definite(), c::positive_semidefinite()}) {
      SCOPED_TRACE(con->name() + " " + std::string(c10::toString(dtype)));
      const at::Tensor a = at::rand({4, 3, 3}, at::kDouble);
      const at::Tensor valid = (a.matmul(a.transpose(-2, -1)) + at::eye(3, at::kDouble)).to(dtype);
      auto expect_agree = [&](const at::Tensor& x) {
        const c10::optional<bool> scanned = con->all_satisfied(x);
        ASSERT_TRUE(scanned.has_value());
        EXPECT_EQ(*scanned, con->check(x).all().item<bool>()) << x;
      };
      expect_agree(valid);
      // (eigvalsh, on both paths of positive_semidefinite(), takes finite matrices only.)
      const bool finite_only = con->name() == c::positive_semidefinite()->name();
      for (double bad : {5e-7, 2e-6, 1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
        if (finite_only && !std::isfinite(bad)) continue;
        at::Tensor x = valid.clone();
        x[1][0][2] = x[1][0][2].item<double>() + bad;
        expect_agree(x);
      }
      at::Tensor both_inf = valid.clone();
      both_inf[1][0][2] = std::numeric_limits<double>::infinity();
      both_inf[1][2][0] = std::numeric_limits<double>::infinity();
      if (!finite_only) expect_agree(both_inf);
      expect_agree(valid - 3 * at::eye(3, at::kDouble).to(dtype));  // symmetric, indefinite
      expect_agree(at::empty({0, 2, 2}, dtype));
    }
  }
  EXPECT_FALSE(c::positive_definite()->all_satisfied(at::rand({2, 3})).has_value());  // not square
}

TEST(Constraints, ScansLeaveOtherLayoutsToTheMasks) {
  const at::Tensor transposed = at::rand({3, 4}).t();
  EXPECT_FALSE(c::positive()->all_satisfied(transposed).has_value());
  EXPECT_FALSE(c::real()->all_satisfied(at::ones({2}, at::kHalf)).has_value());
  // Tensor bounds, matrix constraints and simplex have no scan.
  EXPECT_FALSE(c::greater_than(at::zeros({3}))->all_satisfied(at::ones({3})).has_value());
  EXPECT_FALSE(c::simplex()->all_satisfied(at::full({2}, 0.5)).has_value());
  // A real_vector scan needs the event dimension.
  EXPECT_FALSE(c::real_vector()->all_satisfied(at::ones({})).has_value());
}

}  // namespace
