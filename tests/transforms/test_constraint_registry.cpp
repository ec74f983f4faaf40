// biject_to / transform_to: every registered constraint maps random
// unconstrained inputs into the constraint, with a finite log-det, and
// biject_to's transforms invert; unregistered types fail clearly; users can
// register their own constraint types.

#include <torchdist/core/constraint_types.h>
#include <torchdist/transforms/constraint_registry.h>
#include <torchdist/transforms/elementwise.h>

#include "../support/testing.h"

namespace td = torchdist;
namespace c = torchdist::constraints;
using td::testing::all_close;

namespace {

struct RegistryCase {
  td::ConstraintPtr constraint;
  std::vector<int64_t> unconstrained_shape;
};

at::Tensor unconstrained(at::IntArrayRef shape, uint64_t seed) {
  // Wide spread (sd 3) so that the tails of each transform get exercised.
  return at::empty(shape, at::kDouble).normal_(0, 3, td::testing::seeded_generator(seed));
}

std::vector<RegistryCase> bijective_cases() {
  return {
      {c::real(), {50}},
      {c::real_vector(), {50, 3}},
      {c::independent(c::positive(), 1), {50, 3}},
      {c::independent(c::interval(-1.0, 2.0), 2), {10, 3, 2}},
      {c::positive(), {50}},
      {c::nonnegative(), {50}},
      {c::greater_than(2.5), {50}},
      {c::greater_than_eq(at::tensor({-1.0, 0.0, 4.0}, at::kDouble)), {50, 3}},
      {c::less_than(-1.0), {50}},
      {c::interval(-2.0, 3.0), {50}},
      {c::half_open_interval(-2.0, 3.0), {50}},
      {c::unit_interval(), {50}},
      {c::interval(at::zeros({3}, at::kDouble), at::tensor({1.0, 2.0, 3.0}, at::kDouble)), {50, 3}},
      {c::simplex(), {50, 3}},
      {c::corr_cholesky(), {20, 6}},
      {c::cat({c::positive(), c::real(), c::unit_interval()}, -1, {2, 1, 1}), {50, 4}},
      {c::stack({c::positive(), c::unit_interval()}, -1), {50, 2}},
  };
}

TEST(ConstraintRegistry, BijectToMapsIntoTheConstraintAndInverts) {
  uint64_t seed = 0;
  for (const auto& rc : bijective_cases()) {
    SCOPED_TRACE(rc.constraint->name());
    td::TransformPtr t = td::biject_to(rc.constraint);
    EXPECT_TRUE(t->bijective()) << t->name();
    at::Tensor x = unconstrained(rc.unconstrained_shape, ++seed);
    at::Tensor y = t->forward(x);
    EXPECT_TRUE(rc.constraint->check(y).all().item<bool>()) << t->name();
    at::Tensor ladj = t->log_abs_det_jacobian(x, y);
    EXPECT_TRUE(at::isfinite(ladj).all().item<bool>()) << t->name();
    // Round trip where the forward map is well conditioned (|x| <= 3: away
    // from saturation of sigmoid/tanh, where the inverse loses digits).
    at::Tensor x_mid = x.clamp(-3, 3);
    EXPECT_TRUE(all_close(t->inverse(t->forward(x_mid)), x_mid, 1e-6, 1e-6)) << t->name();
  }
}

TEST(ConstraintRegistry, TransformToCoversTheNonInjectiveCases) {
  std::vector<RegistryCase> cases = bijective_cases();
  cases.push_back({c::lower_cholesky(), {10, 3, 3}});
  cases.push_back({c::positive_definite(), {10, 3, 3}});
  cases.push_back({c::positive_semidefinite(), {10, 3, 3}});
  uint64_t seed = 100;
  for (const auto& rc : cases) {
    SCOPED_TRACE(rc.constraint->name());
    td::TransformPtr t = td::transform_to(rc.constraint);
    at::Tensor x = unconstrained(rc.unconstrained_shape, ++seed) / (rc.constraint->event_dim() == 2 ? 3 : 1);
    at::Tensor y = t->forward(x);
    EXPECT_TRUE(rc.constraint->check(y).all().item<bool>()) << t->name();
  }
  EXPECT_EQ(td::transform_to(c::simplex())->name(), "SoftmaxTransform()");
  EXPECT_EQ(td::biject_to(c::simplex())->name(), "StickBreakingTransform()");
}

TEST(ConstraintRegistry, SimpleCasesUseTheSimplestTransform) {
  EXPECT_EQ(td::biject_to(c::positive())->name(), "ExpTransform()");
  EXPECT_EQ(td::biject_to(c::unit_interval())->name(), "SigmoidTransform()");
  EXPECT_EQ(td::biject_to(c::real())->name(), "ComposeTransform([])");
  EXPECT_EQ(td::biject_to(c::greater_than(1.0))->name(),
            "ComposeTransform([ExpTransform(), AffineTransform(loc=1, scale=1, event_dim=0)])");
}

TEST(ConstraintRegistry, UnregisteredConstraintsFailClearly) {
  EXPECT_THROW_MSG(td::biject_to(c::boolean()), c10::NotImplementedError,
                   "biject_to: no transform is registered for boolean()");
  EXPECT_THROW_MSG(td::biject_to(c::lower_cholesky()), c10::NotImplementedError,
                   "biject_to: no transform is registered for lower_cholesky()");
  EXPECT_THROW_MSG(td::transform_to(c::integer_interval(0, 3)), c10::NotImplementedError,
                   "no transform onto the discrete integer_interval(0, 3)");
  EXPECT_THROW_MSG(td::transform_to(c::symmetric()), c10::NotImplementedError,
                   "transform_to: no transform is registered for symmetric()");
  EXPECT_THROW_MSG(td::biject_to(nullptr), c10::ValueError, "biject_to: constraint must not be null");
}

// A user constraint: strictly increasing vectors.
class Ordered final : public td::Constraint {
 public:
  at::Tensor check(const at::Tensor& v) const override {
    return (v.narrow(-1, 1, v.size(-1) - 1) > v.narrow(-1, 0, v.size(-1) - 1)).all(-1);
  }
  std::string name() const override { return "ordered()"; }
  int64_t event_dim() const override { return 1; }
};

// Its bijection: y_0 = x_0, y_i = y_{i-1} + exp(x_i) (Jacobian triangular).
class OrderedTransform final : public td::TransformBase<OrderedTransform> {
 public:
  std::string name() const override { return "OrderedTransform()"; }
  td::ConstraintPtr domain() const override { return c::real_vector(); }
  td::ConstraintPtr codomain() const override { return std::make_shared<Ordered>(); }
  bool bijective() const override { return true; }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const override {
    return x.narrow(-1, 1, x.size(-1) - 1).sum(-1);
  }

 protected:
  at::Tensor call(const at::Tensor& x) const override {
    return at::cat({x.narrow(-1, 0, 1), x.narrow(-1, 1, x.size(-1) - 1).exp()}, -1).cumsum(-1);
  }
  at::Tensor inverse_call(const at::Tensor& y) const override {
    at::Tensor diffs = y.narrow(-1, 1, y.size(-1) - 1) - y.narrow(-1, 0, y.size(-1) - 1);
    return at::cat({y.narrow(-1, 0, 1), diffs.log()}, -1);
  }
};

TEST(ConstraintRegistry, UsersCanRegisterTheirOwnConstraints) {
  EXPECT_THROW(td::biject_to(std::make_shared<Ordered>()), c10::NotImplementedError);
  td::biject_to_registry().add<Ordered>(
      [](const Ordered&) -> td::TransformPtr { return std::make_shared<OrderedTransform>(); });
  td::TransformPtr t = td::biject_to(std::make_shared<Ordered>());
  at::Tensor x = unconstrained({10, 4}, 7);
  at::Tensor y = t->forward(x);
  EXPECT_TRUE(Ordered().check(y).all().item<bool>());
  EXPECT_TRUE(all_close(t->inverse(y), x, 1e-9, 1e-9));
  // Registered inside containers too: independent(ordered, 1).
  auto nested = td::biject_to(c::independent(std::make_shared<Ordered>(), 1));
  EXPECT_TRUE(c::independent(std::make_shared<Ordered>(), 1)->check(nested->forward(unconstrained({2, 3, 4}, 8))).all().item<bool>());
}

TEST(ConstraintRegistry, ConstrainedOptimizationConverges) {
  // Fit the scale of a zero-mean normal by gradient ascent on the
  // log-likelihood in unconstrained space: the optimum is the RMS of the data.
  at::Tensor data = td::testing::tensor_of({-2.0, 1.0, 0.5, 3.0, -1.5}, {5});
  const double rms = data.pow(2).mean().sqrt().item<double>();
  auto to_scale = td::biject_to(c::positive());
  at::Tensor raw = at::zeros({}, at::kDouble).set_requires_grad(true);
  for (int step = 0; step < 300; ++step) {
    at::Tensor scale = to_scale->forward(raw);
    at::Tensor nll = (data.pow(2) / (2 * scale.pow(2)) + scale.log()).sum();
    nll.backward();
    {
      at::NoGradGuard no_grad;
      raw.sub_(0.05 * raw.grad());
      raw.grad().zero_();
    }
  }
  EXPECT_NEAR(to_scale->forward(raw).item<double>(), rms, 1e-6);
}

}  // namespace
