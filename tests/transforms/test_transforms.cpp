// Properties every transform must have, on a table of transforms with
// points of their domains: round trips, log-det against the autograd
// Jacobian, domain/codomain membership, the inverse view, cache semantics,
// monotonicity sign.

#include <torchdist/transforms/affine.h>
#include <torchdist/distributions/gumbel.h>
#include <torchdist/distributions/normal.h>
#include <torchdist/distributions/transformed_distribution.h>
#include <torchdist/transforms/compose.h>
#include <torchdist/transforms/cumulative_distribution.h>
#include <torchdist/transforms/elementwise.h>
#include <torchdist/transforms/matrix.h>
#include <torchdist/transforms/simplex.h>
#include <torchdist/transforms/structural.h>

#include "../support/jacobian.h"
#include "../support/testing.h"

namespace td = torchdist;
using td::testing::all_close;

namespace {

struct TransformCase {
  std::string label;
  std::function<td::TransformPtr()> make;
  // Points of the domain, in double; the leftmost dimension is a batch.
  std::function<at::Tensor()> domain_points;
  // For transforms whose Jacobian is not square on whole events (matrix and
  // simplex transforms): the free coordinates of an input event, the event
  // rebuilt from them, and the free coordinates of an output event.
  std::function<at::Tensor(const at::Tensor&)> to_coords = nullptr;
  std::function<at::Tensor(const at::Tensor&)> from_coords = nullptr;
  std::function<at::Tensor(const at::Tensor&)> project = nullptr;
};

// The lower triangle (with the diagonal) of matrices, row by row, and back.
at::Tensor lower_coords(const at::Tensor& m) { return td::detail::tril_to_vec(m, 0); }
at::Tensor lower_from_coords(const at::Tensor& v, int64_t n) {
  at::Tensor idx = at::tril_indices(n, n, 0, at::TensorOptions().dtype(at::kLong));
  at::Tensor m = at::zeros({n, n}, v.options());
  m.index_put_({idx[0], idx[1]}, v);
  return m;
}

at::Tensor randn(at::IntArrayRef shape, uint64_t seed = 0) {
  return at::empty(shape, at::kDouble).normal_(0, 2, td::testing::seeded_generator(seed));
}
at::Tensor positive(at::IntArrayRef shape, uint64_t seed = 0) { return randn(shape, seed).exp(); }

std::vector<TransformCase> cases() {
  return {
      {"Exp", [] { return std::make_shared<td::ExpTransform>(); }, [] { return randn({20}); }},
      {"Abs", [] { return std::make_shared<td::AbsTransform>(); }, [] { return randn({20}); }},
      {"Power(2.5)", [] { return std::make_shared<td::PowerTransform>(2.5); }, [] { return positive({20}); }},
      {"Power(-0.7)", [] { return std::make_shared<td::PowerTransform>(-0.7); }, [] { return positive({20}); }},
      {"Sigmoid", [] { return std::make_shared<td::SigmoidTransform>(); }, [] { return randn({20}); }},
      {"Softplus", [] { return std::make_shared<td::SoftplusTransform>(); }, [] { return randn({20}); }},
      {"Tanh", [] { return std::make_shared<td::TanhTransform>(); }, [] { return randn({20}); }},
      {"Affine(scalar)", [] { return std::make_shared<td::AffineTransform>(1.5, -3.0); }, [] { return randn({20}); }},
      {"Affine(tensor)",
       [] { return std::make_shared<td::AffineTransform>(randn({4}, 1), positive({4}, 2)); },
       [] { return randn({5, 4}); }},
      {"Affine(event_dim=1)",
       [] { return std::make_shared<td::AffineTransform>(randn({3}, 1), randn({3}, 2), 1); },
       [] { return randn({5, 3}); }},
      {"Inverse(Exp)", [] { return std::make_shared<td::ExpTransform>()->inv(); }, [] { return positive({20}); }},
      {"Inverse(Tanh)", [] { return std::make_shared<td::TanhTransform>()->inv(); },
       [] { return randn({20}).tanh() * 0.99; }},
      {"Compose(Affine, Tanh)",
       [] {
         return std::make_shared<td::ComposeTransform>(std::vector<td::TransformPtr>{
             std::make_shared<td::AffineTransform>(0.5, 0.3), std::make_shared<td::TanhTransform>()});
       },
       [] { return randn({20}); }},
      {"Compose(Exp, Affine(event_dim=1))",
       [] {
         return std::make_shared<td::ComposeTransform>(std::vector<td::TransformPtr>{
             std::make_shared<td::ExpTransform>(), std::make_shared<td::AffineTransform>(randn({3}, 1), positive({3}, 2), 1)});
       },
       [] { return randn({5, 3}); }},
      {"Compose()", [] { return std::make_shared<td::ComposeTransform>(std::vector<td::TransformPtr>{}); },
       [] { return randn({4}); }},
      {"Independent(Exp, 1)",
       [] { return std::make_shared<td::IndependentTransform>(std::make_shared<td::ExpTransform>(), 1); },
       [] { return randn({5, 3}); }},
      {"Reshape([6] -> [2, 3])",
       [] { return std::make_shared<td::ReshapeTransform>(std::vector<int64_t>{6}, std::vector<int64_t>{2, 3}); },
       [] { return randn({5, 6}); }},
      {"Cat(Exp, Sigmoid; dim=-1, lengths 2, 1)",
       [] {
         return std::make_shared<td::CatTransform>(
             std::vector<td::TransformPtr>{std::make_shared<td::ExpTransform>(), std::make_shared<td::SigmoidTransform>()},
             -1, std::vector<int64_t>{2, 1});
       },
       [] { return randn({5, 3}); }},
      {"Stack(Exp, Tanh; dim=1)",
       [] {
         return std::make_shared<td::StackTransform>(
             std::vector<td::TransformPtr>{std::make_shared<td::ExpTransform>(), std::make_shared<td::TanhTransform>()}, 1);
       },
       [] { return randn({4, 2}); }},
      {"CumulativeDistribution(Normal)",
       [] {
         return std::make_shared<td::CumulativeDistributionTransform>(
             td::Normal(td::testing::tensor_of({0, 1, -1}, {3}), td::testing::tensor_of({1, 2, 0.5}, {3})));
       },
       [] { return randn({5, 3}); }},
      {"CumulativeDistribution(Gumbel)",
       [] { return std::make_shared<td::CumulativeDistributionTransform>(td::Gumbel(0.5, 2.0)); },
       [] { return randn({20}); }},
      {"Softmax", [] { return std::make_shared<td::SoftmaxTransform>(); }, [] { return randn({5, 4}); }},
      {"StickBreaking", [] { return std::make_shared<td::StickBreakingTransform>(); }, [] { return randn({5, 3}); },
       nullptr, nullptr, [](const at::Tensor& y) { return y.narrow(-1, 0, y.size(-1) - 1); }},
      {"LowerCholesky", [] { return std::make_shared<td::LowerCholeskyTransform>(); }, [] { return randn({4, 3, 3}); },
       lower_coords, [](const at::Tensor& v) { return lower_from_coords(v, 3); }, lower_coords},
      {"PositiveDefinite", [] { return std::make_shared<td::PositiveDefiniteTransform>(); },
       [] { return randn({4, 3, 3}) * 0.5; }, lower_coords, [](const at::Tensor& v) { return lower_from_coords(v, 3); },
       lower_coords},
      {"CorrCholesky", [] { return std::make_shared<td::CorrCholeskyTransform>(); }, [] { return randn({4, 6}) * 0.5; },
       nullptr, nullptr, [](const at::Tensor& y) { return td::detail::tril_to_vec(y, -1); }},
  };
}

int64_t event_dim_of(const td::Transform& t) { return t.domain()->event_dim(); }

TEST(Transforms, DomainAndCodomainHold) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.label);
    auto t = c.make();
    at::Tensor x = c.domain_points();
    EXPECT_TRUE(t->domain()->check(x).all().item<bool>());
    EXPECT_TRUE(t->codomain()->check(t->forward(x)).all().item<bool>());
    EXPECT_EQ(t->forward(x).sizes(), at::IntArrayRef(t->forward_shape(x.sizes())));
    EXPECT_EQ(t->inverse_shape(t->forward_shape(x.sizes())), x.sizes().vec());
  }
}

TEST(Transforms, InverseUndoesForward) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.label);
    auto t = c.make();
    if (!t->bijective()) continue;
    at::Tensor x = c.domain_points();
    at::Tensor y = t->forward(x);
    EXPECT_TRUE(all_close(t->inverse(y), x, 1e-9, 1e-9));
    EXPECT_TRUE(all_close(t->inv()->forward(y), x, 1e-9, 1e-9));
    EXPECT_TRUE(all_close(t->inv()->inverse(x), y, 1e-9, 1e-9));
  }
}

TEST(Transforms, LogAbsDetJacobianMatchesAutograd) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.label);
    auto t = c.make();
    at::Tensor x = c.domain_points();
    at::Tensor ladj;
    try {
      ladj = t->log_abs_det_jacobian(x, t->forward(x));
    } catch (const c10::NotImplementedError&) {
      EXPECT_FALSE(t->bijective()) << "a bijective transform must have a log-det";
      continue;
    }
    const int64_t ed = event_dim_of(*t);
    EXPECT_EQ(ladj.sizes(), x.sizes().slice(0, x.dim() - ed));
    // Jacobian of each event (the rightmost `ed` dims of x) in its free
    // coordinates.
    at::Tensor ladj_flat = ladj.reshape({-1});
    const int64_t n_events = ladj_flat.numel();
    std::vector<int64_t> event_shape = x.sizes().slice(x.dim() - ed).vec();
    std::vector<int64_t> events_shape = {n_events};
    events_shape.insert(events_shape.end(), event_shape.begin(), event_shape.end());
    at::Tensor events = x.reshape(events_shape);
    at::Tensor y_events = t->forward(x);
    const std::vector<int64_t> y_event_shape = y_events.sizes().slice(y_events.dim() - t->codomain()->event_dim()).vec();
    auto to_coords = c.to_coords ? c.to_coords : [](const at::Tensor& e) { return e.reshape({-1}); };
    auto from_coords = c.from_coords ? c.from_coords : [&](const at::Tensor& v) { return v.reshape(event_shape); };
    auto project = c.project ? c.project : [](const at::Tensor& e) { return e.reshape({-1}); };
    for (int64_t i = 0; i < n_events; ++i) {
      // Transforms with tensor parameters depend on the position; evaluate
      // the whole batch with event i replaced, and pick event i's outputs.
      auto f = [&](const at::Tensor& coords) {
        std::vector<at::Tensor> parts = {events.narrow(0, 0, i), from_coords(coords).unsqueeze(0),
                                         events.narrow(0, i + 1, n_events - i - 1)};
        at::Tensor y = t->forward(at::cat(parts).reshape(x.sizes()));
        std::vector<int64_t> shape = {n_events};
        shape.insert(shape.end(), y_event_shape.begin(), y_event_shape.end());
        return project(y.reshape(shape)[i]);
      };
      const double expected = td::testing::log_abs_det(td::testing::jacobian(f, to_coords(events[i])));
      EXPECT_NEAR(ladj_flat[i].item<double>(), expected, 1e-8 * (1 + std::abs(expected))) << "event " << i;
    }
  }
}

TEST(Transforms, CacheReturnsTheSameTensor) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.label);
    at::Tensor x = c.domain_points();
    auto cached = c.make()->with_cache(1);
    EXPECT_EQ(cached->cache_size(), 1);
    at::Tensor y = cached->forward(x);
    EXPECT_TRUE(cached->inverse(y).is_same(x)) << "inverse of the cached y must be x itself";
    EXPECT_TRUE(cached->forward(x).is_same(y));
    EXPECT_TRUE(cached->inv()->forward(y).is_same(x)) << "the inverse view shares the cache";
    auto uncached = c.make()->with_cache(0);
    if (c.label == "Compose()") continue;  // the identity returns x itself
    EXPECT_FALSE(uncached->forward(x).is_same(uncached->forward(x)));
  }
}

TEST(Transforms, InverseOfInverseIsTheTransform) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.label);
    auto t = c.make();
    EXPECT_TRUE(t->inv()->inv()->equals(*t));
    if (!std::dynamic_pointer_cast<const td::InverseTransform>(t)) {
      EXPECT_EQ(t->inv()->inv().get(), t.get()) << "inv().inv() is the transform itself";
    }
    EXPECT_TRUE(t->inv()->equals(*t->inv()));
    EXPECT_EQ(t->inv()->domain()->name(), t->codomain()->name());
    at::Tensor x = c.domain_points();
    if (!t->bijective()) continue;
    at::Tensor y = t->forward(x);
    EXPECT_TRUE(all_close(t->inv()->log_abs_det_jacobian(y, x), -t->log_abs_det_jacobian(x, y), 1e-12, 1e-12));
  }
}

TEST(Transforms, SignMatchesMonotonicity) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.label);
    auto t = c.make();
    int sign = 0;
    try {
      sign = t->sign();
    } catch (const c10::NotImplementedError&) {
      continue;
    } catch (const c10::ValueError&) {
      continue;  // mixed signs
    }
    at::Tensor x = c.domain_points();
    at::Tensor dx = t->forward(x * 1.01 + (x == 0).to(at::kDouble) * 1e-3) - t->forward(x);
    EXPECT_TRUE((dx * sign * (x.sign() + (x == 0).to(at::kDouble)) >= 0).all().item<bool>());
  }
}

TEST(Transforms, NoNanForFiniteInputs) {
  at::Tensor extreme = td::testing::tensor_of({-1e4, -100, -40, 0, 40, 100, 1e4}, {7});
  for (td::TransformPtr t : std::vector<td::TransformPtr>{std::make_shared<td::SigmoidTransform>(),
                                                          std::make_shared<td::TanhTransform>(),
                                                          std::make_shared<td::SoftplusTransform>()}) {
    SCOPED_TRACE(t->name());
    for (auto dtype : {at::kFloat, at::kDouble}) {
      at::Tensor x = extreme.to(dtype);
      at::Tensor y = t->forward(x);
      EXPECT_FALSE(t->log_abs_det_jacobian(x, y).isnan().any().item<bool>());
      EXPECT_FALSE(t->inverse(y).isnan().any().item<bool>());
      EXPECT_TRUE(t->codomain()->check(y).all().item<bool>());
    }
  }
}

TEST(Transforms, NamesAndErrors) {
  EXPECT_EQ(td::AffineTransform(1.0, 2.0).name(), "AffineTransform(loc=1, scale=2, event_dim=0)");
  EXPECT_EQ(td::ExpTransform().inv()->name(), "InverseTransform(ExpTransform())");
  EXPECT_THROW_MSG(td::AbsTransform().sign(), c10::NotImplementedError, "AbsTransform() does not implement sign");
  EXPECT_THROW_MSG(td::AbsTransform().log_abs_det_jacobian(at::ones({1}), at::ones({1})), c10::NotImplementedError,
                   "AbsTransform() does not implement log_abs_det_jacobian");
  EXPECT_THROW_MSG(td::ExpTransform(2), c10::ValueError, "cache_size must be 0 or 1, got 2");
  EXPECT_THROW_MSG(td::AffineTransform(0.0, td::testing::tensor_of({1, -1}, {2})).sign(), c10::ValueError,
                   "sign is not defined when scale's sign varies");
  EXPECT_EQ(td::AffineTransform(0.0, -2.0).sign(), -1);
  // Shapes that cannot broadcast are caught when the transform is built, not
  // by ATen's size error at the first call.
  EXPECT_THROW_MSG(td::AffineTransform(at::zeros({3}), at::ones({2})), c10::ValueError,
                   "AffineTransform: parameters loc of shape [3] and scale of shape [2] do not broadcast");
  EXPECT_TRUE(td::AffineTransform(1.0, 2.0).equals(td::AffineTransform(1.0, 2.0)));
  EXPECT_FALSE(td::AffineTransform(1.0, 2.0).equals(td::AffineTransform(1.0, 3.0)));
  EXPECT_FALSE(td::ExpTransform().equals(td::TanhTransform()));
}

TEST(Transforms, ComposeTracksEventDims) {
  auto elementwise_then_vector = td::ComposeTransform({std::make_shared<td::ExpTransform>(),
                                                       std::make_shared<td::AffineTransform>(0.0, 2.0, 1)});
  EXPECT_EQ(elementwise_then_vector.domain()->event_dim(), 1);
  EXPECT_EQ(elementwise_then_vector.codomain()->event_dim(), 1);
  auto reshape_then_elementwise = td::ComposeTransform(
      {std::make_shared<td::ReshapeTransform>(std::vector<int64_t>{4}, std::vector<int64_t>{2, 2}),
       std::make_shared<td::ExpTransform>()});
  EXPECT_EQ(reshape_then_elementwise.domain()->event_dim(), 1);
  EXPECT_EQ(reshape_then_elementwise.codomain()->event_dim(), 2);
  at::Tensor x = at::randn({3, 4}, at::kDouble);
  EXPECT_TRUE(all_close(reshape_then_elementwise.log_abs_det_jacobian(x, reshape_then_elementwise(x)), x.sum(-1)));
  EXPECT_EQ(td::ComposeTransform({std::make_shared<td::AffineTransform>(0.0, -1.0),
                                  std::make_shared<td::TanhTransform>()})
                .sign(),
            -1);
}

TEST(Transforms, CachedComposeCachesItsParts) {
  auto compose = td::ComposeTransform({std::make_shared<td::ExpTransform>(), std::make_shared<td::TanhTransform>()})
                     .with_cache(1);
  at::Tensor x = at::randn({4}, at::kDouble);
  at::Tensor y = compose->forward(x);
  EXPECT_TRUE(compose->inverse(y).is_same(x));
  for (const auto& part : std::dynamic_pointer_cast<const td::ComposeTransform>(compose)->parts()) {
    EXPECT_EQ(part->cache_size(), 1);
  }
}

TEST(Transforms, StructuralErrors) {
  EXPECT_THROW_MSG(td::ReshapeTransform({6}, {4}), c10::ValueError, "have different numbers of elements");
  EXPECT_THROW_MSG(td::ReshapeTransform({6}, {2, 3}).forward(at::zeros({5, 4})), c10::ValueError,
                   "input shape [5, 4] does not end in [6]");
  td::CatTransform cat({std::make_shared<td::ExpTransform>()}, 0, {2});
  EXPECT_THROW_MSG(cat.forward(at::zeros({3})), c10::ValueError, "expected size 2 along dim 0, got shape [3]");
  EXPECT_THROW_MSG(cat.forward(at::zeros({2})).sizes(); cat.forward(at::zeros({})), c10::ValueError, "out of range");
  td::StackTransform stack({std::make_shared<td::ExpTransform>()}, 0);
  EXPECT_THROW_MSG(stack.forward(at::zeros({2})), c10::ValueError, "expected size 1 along dim 0");
  EXPECT_THROW_MSG(td::IndependentTransform(std::make_shared<td::ExpTransform>(), -1), c10::ValueError,
                   "reinterpreted_batch_ndims must be >= 0");
  EXPECT_THROW_MSG(td::CatTransform({}), c10::ValueError, "CatTransform: expected at least one transform");
}

TEST(Transforms, CumulativeDistributionNeedsAUnivariateDistribution) {
  EXPECT_THROW_MSG(td::CumulativeDistributionTransform(td::DistributionPtr()), c10::ValueError,
                   "distribution must not be null");
  td::CumulativeDistributionTransform t(td::Normal(0.0, 1.0));
  EXPECT_EQ(t.name(), "CumulativeDistributionTransform(Normal)");
  EXPECT_NEAR(t.forward(at::zeros({1}, at::kDouble)).item<double>(), 0.5, 1e-15);
}

TEST(Transforms, StickBreakingInverseKeepsATinyRemainder) {
  // The last piece holds 1e-12 of the stick: 1 - cumsum would leave ~1e-4
  // relative error in the inverse; summing from the end is exact.
  at::Tensor y = td::testing::tensor_of({0.5, 0.5 - 1e-12, 1e-12}, {3});
  // x_i = log y_i - log(what is left after piece i) + log(K - i).
  at::Tensor expected = td::testing::tensor_of({std::log(2.0), std::log(0.5 - 1e-12) - std::log(1e-12)}, {2});
  EXPECT_TRUE(all_close(td::StickBreakingTransform().inverse(y), expected, 1e-12, 0));
}

TEST(Transforms, PowerLogDetSurvivesUnderflow) {
  at::Tensor x = td::testing::tensor_of({1e-200}, {1});
  td::PowerTransform t(3.0);  // x^3 underflows to 0
  EXPECT_NEAR(t.log_abs_det_jacobian(x, t.forward(x)).item<double>(), std::log(3.0) + 2 * std::log(1e-200), 1e-9);
}

TEST(Transforms, FloatInputsKeepTheirDtype) {
  at::Tensor x = at::randn({3});
  EXPECT_EQ(td::AffineTransform(1.0, 2.0).forward(x).scalar_type(), at::kFloat);
  EXPECT_EQ(td::AffineTransform(1.0, 2.0).log_abs_det_jacobian(x, x).scalar_type(), at::kFloat);
  EXPECT_EQ(td::PowerTransform(2.0).forward(x.abs()).scalar_type(), at::kFloat);
}

TEST(Transforms, FloatInputsKeepTheirDtype0Dim) {
  // A 0-dim float x (a scalar distribution's single sample) must not be
  // promoted by number parameters either.
  at::Tensor x = at::zeros({}, at::kFloat);
  td::AffineTransform t(1.0, 2.0);
  EXPECT_EQ(t.forward(x).scalar_type(), at::kFloat);
  EXPECT_EQ(t.inverse(x).scalar_type(), at::kFloat);
  EXPECT_EQ(t.log_abs_det_jacobian(x, x).scalar_type(), at::kFloat);
  EXPECT_FLOAT_EQ(t.log_abs_det_jacobian(x, x).item<float>(), std::log(2.0f));
}

// Out-of-domain inputs are errors while validation is on (the default).
TEST(Transforms, InputsOutsideTheDomainAreRejected) {
  at::Tensor negative = td::testing::tensor_of({1, -1, 2}, {3});
  EXPECT_THROW_MSG(td::ExpTransform().inverse(negative), c10::ValueError,
                   "ExpTransform(): the argument of inverse must satisfy positive(), got -1 at index [1]");
  EXPECT_THROW_MSG(td::ExpTransform().inv()->forward(negative), c10::ValueError,
                   "InverseTransform(ExpTransform()): the argument of forward must satisfy positive()");
  EXPECT_THROW_MSG(td::PowerTransform(0.5).forward(negative), c10::ValueError,
                   "the argument of forward must satisfy positive()");
  EXPECT_THROW_MSG(td::SigmoidTransform().inverse(td::testing::tensor_of({0.5, 1.5}, {2})), c10::ValueError,
                   "SigmoidTransform(): the argument of inverse must satisfy unit_interval(), got 1.5 at index [1]");
  EXPECT_THROW_MSG(td::TanhTransform().inverse(td::testing::tensor_of({-2.0})), c10::ValueError,
                   "TanhTransform(): the argument of inverse must satisfy interval(-1, 1)");
  EXPECT_THROW_MSG(td::StickBreakingTransform().inverse(td::testing::tensor_of({0.5, 0.6}, {2})), c10::ValueError,
                   "the argument of inverse must satisfy simplex()");
  // NaN is outside real().
  EXPECT_THROW_MSG(td::AffineTransform(0.0, 2.0).forward(td::testing::tensor_of({NAN})), c10::ValueError,
                   "the argument of forward must satisfy real()");
  // A composition checks its own (co)domain: the first part's domain and
  // the last part's codomain.
  td::ComposeTransform scale_then_exp(
      {std::make_shared<td::AffineTransform>(0.0, 2.0), std::make_shared<td::ExpTransform>()});
  EXPECT_THROW_MSG(scale_then_exp.inverse(negative), c10::ValueError, "the argument of inverse must satisfy positive()");
  // Too few dimensions for the event.
  EXPECT_THROW_MSG(td::LowerCholeskyTransform().forward(at::zeros({3}, at::kDouble)), c10::ValueError,
                   "LowerCholeskyTransform(): the argument of forward must have at least 2 dimensions");
  EXPECT_THROW_MSG(td::CorrCholeskyTransform().inverse(at::eye(3, at::kDouble)[0]), c10::ValueError,
                   "must have at least 2 dimensions");
}

TEST(Transforms, InputChecksFollowTheGlobalValidationFlag) {
  at::Tensor negative = td::testing::tensor_of({-1.0});
  td::set_default_validate_args(false);
  at::Tensor x = td::ExpTransform().inverse(negative);
  td::set_default_validate_args(true);
  EXPECT_TRUE(x.isnan().all().item<bool>());
}

TEST(Transforms, DistributionsWithoutValidationDoNotCheckTheirTransforms) {
  // A TransformedDistribution validates values against its own support
  // under its own flag; with validate_args=false the transforms see the
  // raw value (log of a negative number is NaN, as in torch).
  td::TransformedDistribution log_normal(td::Normal(0.0, 1.0, /*validate_args=*/false),
                                         {std::make_shared<td::ExpTransform>()}, /*validate_args=*/false);
  EXPECT_TRUE(log_normal.log_prob(td::testing::tensor_of({-1.0})).isnan().all().item<bool>());
  td::TransformedDistribution checked(td::Normal(0.0, 1.0), {std::make_shared<td::ExpTransform>()});
  EXPECT_THROW_MSG(checked.log_prob(td::testing::tensor_of({-1.0})), c10::ValueError,
                   "TransformedDistribution: value must be within the support positive()");
}

}  // namespace
