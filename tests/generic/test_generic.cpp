// Properties every distribution must have, checked on every family's
// examples (tests/generic/examples/*.cpp): shapes, support membership,
// detached sample / attached rsample, expand, moment consistency, the
// cdf/icdf/log_prob relations, enumerate_support, and support validation.

#include <ATen/core/grad_mode.h>

#include "../support/testing.h"
#include "examples.h"

namespace td = torchdist;
using td::testing::all_close;
using td::testing::Example;
using td::testing::example_registry;

namespace {

std::vector<int64_t> cat(at::IntArrayRef a, at::IntArrayRef b) { return td::concat_shapes(a, b); }

// Calls `f`, returning an undefined tensor when the family does not
// implement the method (c10::NotImplementedError).
template <class F>
at::Tensor optional_method(F&& f) {
  try {
    return f();
  } catch (const c10::NotImplementedError&) {
    return at::Tensor();
  }
}

TEST(Generic, RegistryIsPopulated) { EXPECT_GE(example_registry().size(), 4u); }

TEST(Generic, SampleShapesDtypesAndSupport) {
  for (const Example& ex : example_registry()) {
    SCOPED_TRACE(ex.label);
    auto d = ex.make();
    for (std::vector<int64_t> shape : {std::vector<int64_t>{}, {4}, {2, 3}}) {
      at::Tensor s = d->sample(shape, td::testing::seeded_generator(1));
      EXPECT_EQ(s.sizes(), at::IntArrayRef(d->extended_shape(shape)));
      EXPECT_FALSE(s.requires_grad()) << "sample must never carry a gradient";
      EXPECT_TRUE(d->support()->check(s).all().item<bool>()) << "sample outside " << d->support()->name();
      at::Tensor lp = d->log_prob(s);
      EXPECT_EQ(lp.sizes(), at::IntArrayRef(cat(shape, d->batch_shape())));
      EXPECT_TRUE(at::isfinite(lp).all().item<bool>()) << "log_prob of a sample is not finite";
    }
  }
}

TEST(Generic, RsampleIsAttachedAndInSupport) {
  for (const Example& ex : example_registry()) {
    SCOPED_TRACE(ex.label);
    auto d = ex.make();
    if (!d->has_rsample()) {
      EXPECT_THROW(d->rsample(), c10::NotImplementedError);
      continue;
    }
    at::Tensor r = d->rsample({5}, td::testing::seeded_generator(2));
    EXPECT_EQ(r.sizes(), at::IntArrayRef(d->extended_shape({5})));
    EXPECT_TRUE(r.requires_grad()) << "rsample must be differentiable in the parameters";
    EXPECT_TRUE(d->support()->check(r.detach()).all().item<bool>());
  }
}

TEST(Generic, SameSeedSameSamples) {
  for (const Example& ex : example_registry()) {
    SCOPED_TRACE(ex.label);
    auto d = ex.make();
    at::Tensor a = d->sample({3}, td::testing::seeded_generator(5));
    at::Tensor b = d->sample({3}, td::testing::seeded_generator(5));
    EXPECT_TRUE(at::equal(a, b));
  }
}

TEST(Generic, ExpandKeepsTheDistribution) {
  for (const Example& ex : example_registry()) {
    SCOPED_TRACE(ex.label);
    auto d = ex.make();
    std::vector<int64_t> new_batch = cat({2}, d->batch_shape());
    auto e = d->expand_shared(new_batch);
    EXPECT_EQ(e->batch_shape(), at::IntArrayRef(new_batch));
    EXPECT_EQ(e->event_shape(), d->event_shape());
    EXPECT_EQ(e->validate_args(), d->validate_args());
    at::Tensor x = d->sample({}, td::testing::seeded_generator(3));
    // atol 1e-10: a log density that sums terms of order 1e5 (Dirichlet at
    // concentration 1e4) carries their last-ulp rounding, which depends on
    // how the kernels group the elements into vectors.
    EXPECT_TRUE(all_close(e->log_prob(x), d->log_prob(x).expand(new_batch), 1e-12, 1e-10));
    EXPECT_EQ(e->sample({3}).sizes(), at::IntArrayRef(e->extended_shape({3})));
  }
}

TEST(Generic, MomentShapesAndConsistency) {
  for (const Example& ex : example_registry()) {
    SCOPED_TRACE(ex.label);
    auto d = ex.make();
    const std::vector<int64_t> full = d->extended_shape();
    at::Tensor mean = optional_method([&] { return d->mean(); });
    at::Tensor var = optional_method([&] { return d->variance(); });
    at::Tensor mode = optional_method([&] { return d->mode(); });
    at::Tensor entropy = optional_method([&] { return d->entropy(); });
    if (mean.defined()) {
      EXPECT_EQ(mean.sizes(), at::IntArrayRef(full));
    }
    if (mode.defined()) {
      EXPECT_EQ(mode.sizes(), at::IntArrayRef(full));
    }
    if (var.defined()) {
      EXPECT_EQ(var.sizes(), at::IntArrayRef(full));
      EXPECT_TRUE(all_close(d->stddev().pow(2), var, 1e-10, 1e-12));
    }
    if (entropy.defined()) {
      EXPECT_EQ(entropy.sizes(), d->batch_shape());
      EXPECT_TRUE(all_close(d->perplexity(), entropy.exp(), 1e-10, 0));
    }
  }
}

TEST(Generic, SampleMeanMatchesMean) {
  // |mean_hat - mean| <= 6 standard errors per element: false-failure rate
  // about 2e-9 per element under the CLT (n = 20000).
  const int64_t n = 20000;
  for (const Example& ex : example_registry()) {
    SCOPED_TRACE(ex.label);
    auto d = ex.make();
    at::Tensor mean = optional_method([&] { return d->mean(); });
    at::Tensor var = optional_method([&] { return d->variance(); });
    if (!mean.defined() || !var.defined()) continue;
    at::NoGradGuard no_grad;
    at::Tensor s = d->sample({n}, td::testing::seeded_generator(11)).to(at::kDouble);
    at::Tensor bound = 6 * (var.to(at::kDouble) / n).sqrt() + 1e-12;
    at::Tensor ok = ((s.mean(0) - mean.to(at::kDouble)).abs() <= bound).logical_or(mean.isinf()).logical_or(mean.isnan());
    EXPECT_TRUE(ok.all().item<bool>()) << "sample mean " << s.mean(0) << " vs mean " << mean;
  }
}

TEST(Generic, CdfIcdfAndDensityAreConsistent) {
  for (const Example& ex : example_registry()) {
    SCOPED_TRACE(ex.label);
    auto d = ex.make();
    if (d->support()->is_discrete()) continue;
    at::Tensor x = d->sample({4}, td::testing::seeded_generator(7)).to(at::kDouble);
    at::Tensor cdf = optional_method([&] { return d->cdf(x); });
    if (!cdf.defined()) continue;
    EXPECT_TRUE((cdf >= 0).logical_and(cdf <= 1).all().item<bool>());
    at::Tensor icdf = optional_method([&] { return d->icdf(cdf); });
    if (icdf.defined()) {
      EXPECT_TRUE(all_close(icdf, x.expand_as(icdf), 1e-6, 1e-8)) << "icdf(cdf(x)) != x";
    }
    // d cdf / dx == exp(log_prob(x)).
    at::Tensor xg = x.detach().clone().set_requires_grad(true);
    d->cdf(xg).sum().backward();
    at::Tensor grad = xg.grad();
    EXPECT_TRUE(all_close(grad, d->log_prob(x).exp().detach(), 1e-6, 1e-10)) << "d cdf/dx != density";
  }
}

TEST(Generic, EnumerateSupportCoversTheMass) {
  for (const Example& ex : example_registry()) {
    SCOPED_TRACE(ex.label);
    auto d = ex.make();
    if (!d->has_enumerate_support()) {
      EXPECT_THROW(d->enumerate_support(), c10::NotImplementedError);
      continue;
    }
    // Some families enumerate only homogeneous batches (Binomial with one
    // total_count); they say so with NotImplementedError.
    at::Tensor values = optional_method([&] { return d->enumerate_support(/*expand=*/true); });
    if (!values.defined()) continue;
    ASSERT_GE(values.dim(), 1);
    EXPECT_EQ(values.sizes().slice(1), at::IntArrayRef(d->extended_shape()));
    at::Tensor compact = d->enumerate_support(/*expand=*/false);
    std::vector<int64_t> ones(d->batch_shape().size(), 1);
    EXPECT_EQ(compact.sizes(), at::IntArrayRef(cat(cat({values.size(0)}, ones), d->event_shape())));
    at::Tensor total = d->log_prob(values).exp().sum(0);
    EXPECT_TRUE(all_close(total, at::ones_like(total), 1e-9, 1e-9)) << "mass over the support != 1";
  }
}

TEST(Generic, ValuesOutsideTheSupportAreRejected) {
  for (const Example& ex : example_registry()) {
    SCOPED_TRACE(ex.label);
    if (!ex.invalid_value) continue;
    auto d = ex.make();
    ASSERT_TRUE(d->validate_args());
    EXPECT_THROW_MSG(d->log_prob(ex.invalid_value()), c10::ValueError,
                     d->name() + ": value must be within the support " + d->support()->name());
  }
}

}  // namespace
