// The fused log_prob kernels against the ATen formulas they replace: values
// and gradients (first and second order) in float and double, for every
// broadcasting pattern the fast path takes (same shape, a single element,
// parameters repeated over sample dimensions, expanded views), tails shorter
// than a vector, edge values (ends of the support, zero counts, huge logits,
// NaN) and several threads. The families' log_prob must give the same
// numbers whichever path runs.

#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>

#include <ATen/Parallel.h>

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <torchdist/torchdist.h>

#include "../../src/kernels/elementwise.h"
#include "../../src/kernels/fused.h"
#include "../../src/kl/kl_rules.h"
#include "../support/testing.h"

namespace td = torchdist;
namespace tk = torchdist::detail::kernels;
using td::testing::all_close;

namespace {

// The entry points with the families' formulas as their references, as the families call them.
at::Tensor fused_normal_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale) {
  return tk::fused_normal_log_prob(x, loc, scale, &td::normal_log_prob);
}
at::Tensor fused_bernoulli_log_prob(const at::Tensor& value, const at::Tensor& logits) {
  return tk::fused_bernoulli_log_prob(value, logits, &td::bernoulli_log_prob);
}
at::Tensor fused_gamma_log_prob(const at::Tensor& x, const at::Tensor& concentration, const at::Tensor& rate) {
  return tk::fused_gamma_log_prob(x, concentration, rate, &td::gamma_log_prob);
}
at::Tensor fused_poisson_log_prob(const at::Tensor& value, const at::Tensor& rate) {
  return tk::fused_poisson_log_prob(value, rate, &td::poisson_log_prob);
}
at::Tensor fused_beta_log_prob(const at::Tensor& x, const at::Tensor& a, const at::Tensor& b) {
  return tk::fused_beta_log_prob(x, a, b, &td::beta_log_prob);
}
at::Tensor fused_normal_normal_kl(const at::Tensor& loc_p, const at::Tensor& scale_p, const at::Tensor& loc_q,
                                  const at::Tensor& scale_q) {
  return tk::fused_normal_normal_kl(loc_p, scale_p, loc_q, scale_q, &td::detail::normal_normal_kl_formula);
}

using Inputs = std::vector<at::Tensor>;
using LogProb = std::function<at::Tensor(const Inputs&)>;

// The fast path and the reference must agree to a few ulps of the result.
double rtol_for(at::ScalarType dtype) { return dtype == at::kFloat ? 2e-5 : 1e-12; }
double atol_for(at::ScalarType dtype) { return dtype == at::kFloat ? 2e-5 : 1e-12; }

class FusedKernels : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tk::fused_kernels_enabled()) GTEST_SKIP() << "built without the AVX2 kernels or no AVX2 on this CPU";
  }
  void TearDown() override { tk::set_fused_kernels_enabled(true); }
};

// Runs `f` with the fused kernels on or off.
at::Tensor with_kernels(bool on, const std::function<at::Tensor()>& f) {
  const bool previous = tk::set_fused_kernels_enabled(on);
  at::Tensor out = f();
  tk::set_fused_kernels_enabled(previous);
  return out;
}

std::vector<at::Tensor> leaves(const Inputs& inputs, const std::vector<bool>& differentiable) {
  std::vector<at::Tensor> out;
  for (size_t i = 0; i < inputs.size(); ++i) out.push_back(inputs[i].detach().requires_grad_(differentiable[i]));
  return out;
}

// The defined tensors of `parts`, flattened into one.
at::Tensor flatten(const std::vector<at::Tensor>& parts) {
  std::vector<at::Tensor> flat;
  for (const at::Tensor& t : parts) {
    if (t.defined()) flat.push_back(t.reshape(-1));
  }
  return at::cat(flat);
}

// Values, gradients of sum(w * log_prob) and the gradient of
// sum(d/dparam) (second order) agree between the two paths.
void expect_paths_agree(const std::string& what, const LogProb& log_prob, const Inputs& inputs,
                        const std::vector<bool>& differentiable) {
  SCOPED_TRACE(what);
  const at::ScalarType dtype = inputs[0].scalar_type();
  const double rtol = rtol_for(dtype), atol = atol_for(dtype);
  const at::Tensor fused = with_kernels(true, [&] { return log_prob(inputs); });
  const at::Tensor reference = with_kernels(false, [&] { return log_prob(inputs); });
  ASSERT_EQ(fused.sizes(), reference.sizes());
  ASSERT_EQ(fused.scalar_type(), reference.scalar_type());
  EXPECT_TRUE(all_close(fused, reference, rtol, atol)) << "values";

  const at::Tensor weights = at::rand(reference.sizes(), td::testing::seeded_generator(5), reference.options());
  auto gradients = [&](bool on, bool second_order) {
    return with_kernels(on, [&] {
      std::vector<at::Tensor> xs = leaves(inputs, differentiable), wrt;
      for (size_t i = 0; i < xs.size(); ++i) {
        if (differentiable[i]) wrt.push_back(xs[i]);
      }
      const at::Tensor out = (log_prob(xs) * weights).sum();
      const auto first = torch::autograd::grad({out}, wrt, {}, /*retain_graph=*/true, second_order);
      if (!second_order) return flatten(first);
      at::Tensor total = at::zeros({}, out.options());
      for (const at::Tensor& g : first) total = total + g.sum();
      return flatten(torch::autograd::grad({total}, wrt, {}, false, false, /*allow_unused=*/true));
    });
  };
  EXPECT_TRUE(all_close(gradients(true, false), gradients(false, false), rtol, atol)) << "gradients";
  EXPECT_TRUE(all_close(gradients(true, true), gradients(false, true), rtol, atol)) << "second order";
}

at::TensorOptions opts(at::ScalarType dtype) { return at::TensorOptions().dtype(dtype); }

at::Tensor uniform(at::IntArrayRef shape, double lo, double hi, uint64_t seed, at::ScalarType dtype) {
  return at::empty(shape, opts(dtype)).uniform_(lo, hi, td::testing::seeded_generator(seed));
}
at::Tensor gaussian(at::IntArrayRef shape, double sd, uint64_t seed, at::ScalarType dtype) {
  return at::empty(shape, opts(dtype)).normal_(0, sd, td::testing::seeded_generator(seed));
}

// The broadcasting patterns the fast path takes, for a value and two
// parameters: (value shape, parameter shape), parameters made by `param`.
struct Pattern {
  std::string name;
  std::vector<int64_t> value_shape, param_shape;
  bool expanded = false;  // parameters as an expand() of a single element
};
const std::vector<Pattern>& patterns() {
  static const std::vector<Pattern> all = {
      {"same shape", {1003}, {1003}},
      {"scalar parameters", {37}, {}},
      {"parameters repeated over samples", {5, 3, 7}, {3, 7}},
      {"value repeated over parameters", {7}, {4, 7}},
      {"expanded parameters", {2, 9}, {2, 9}, true},
      {"value a column against parameters", {11, 1}, {9}},
      {"parameters a column", {4, 9}, {4, 1}},
      {"tail shorter than a vector", {3}, {3}},
  };
  return all;
}

at::Tensor shaped(const at::Tensor& full_param, const Pattern& p) {
  return p.expanded ? full_param.reshape(-1).slice(0, 0, 1).reshape({}).expand(p.param_shape) : full_param;
}

// A value of the pattern's shape and two parameters (a, b) drawn by `draw`.
template <class Draw>
void for_each_case(const Draw& draw, const std::function<void(const std::string&, const Inputs&)>& check) {
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    for (const Pattern& p : patterns()) {
      const Inputs in = draw(p, dtype);
      check(p.name + (dtype == at::kFloat ? " float" : " double"), in);
    }
  }
}

TEST_F(FusedKernels, NormalMatchesTheFormula) {
  auto draw = [](const Pattern& p, at::ScalarType dtype) {
    return Inputs{gaussian(p.value_shape, 2.0, 1, dtype), shaped(gaussian(p.param_shape, 1.0, 2, dtype), p),
                  shaped(uniform(p.param_shape, 0.2, 3.0, 3, dtype), p)};
  };
  for_each_case(draw, [](const std::string& name, const Inputs& in) {
    ASSERT_TRUE(fused_normal_log_prob(in[0], in[1], in[2]).defined()) << name;
    expect_paths_agree(name, [](const Inputs& x) { return td::Normal(x[1], x[2]).log_prob(x[0]); }, in,
                       {true, true, true});
    EXPECT_TRUE(all_close(fused_normal_log_prob(in[0], in[1], in[2]), td::normal_log_prob(in[0], in[1], in[2]),
                          rtol_for(in[0].scalar_type()), atol_for(in[0].scalar_type())))
        << name;
  });
}

TEST_F(FusedKernels, BernoulliLogitsMatchTheFormula) {
  auto draw = [](const Pattern& p, at::ScalarType dtype) {
    at::Tensor value = uniform(p.value_shape, 0, 1, 4, dtype).lt(0.5).to(dtype);
    // Logits up to +-60 reach the saturated ends of softplus and sigmoid.
    return Inputs{value, shaped(gaussian(p.param_shape, 20.0, 5, dtype), p)};
  };
  for_each_case(draw, [](const std::string& name, const Inputs& in) {
    ASSERT_TRUE(fused_bernoulli_log_prob(in[0], in[1]).defined()) << name;
    expect_paths_agree(name, [](const Inputs& x) { return td::Bernoulli(td::logits(x[1])).log_prob(x[0]); }, in,
                       {false, true});
    // The value's gradient (a relaxed value) is fused too.
    expect_paths_agree(name + " value grad", [](const Inputs& x) { return td::bernoulli_log_prob(x[0], x[1]); },
                       in, {true, true});
  });
  // Given probs, the gradient reaches them through the (clamped) logits.
  const at::Tensor probs = uniform({11}, 0.01, 0.99, 6, at::kDouble);
  const at::Tensor value = uniform({4, 11}, 0, 1, 7, at::kDouble).lt(0.3).to(at::kDouble);
  expect_paths_agree("probs", [](const Inputs& x) { return td::Bernoulli(td::probs(x[1])).log_prob(x[0]); },
                     {value, probs}, {false, true});
}

TEST_F(FusedKernels, GammaMatchesTheFormula) {
  auto draw = [](const Pattern& p, at::ScalarType dtype) {
    return Inputs{uniform(p.value_shape, 0.01, 8.0, 8, dtype), shaped(uniform(p.param_shape, 0.1, 6.0, 9, dtype), p),
                  shaped(uniform(p.param_shape, 0.2, 3.0, 10, dtype), p)};
  };
  for_each_case(draw, [](const std::string& name, const Inputs& in) {
    ASSERT_TRUE(fused_gamma_log_prob(in[0], in[1], in[2]).defined()) << name;
    expect_paths_agree(name, [](const Inputs& x) { return td::Gamma(x[1], x[2]).log_prob(x[0]); }, in,
                       {true, true, true});
  });
  // x = 0: the exponential case (concentration 1) is finite, the rest are +-inf.
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    const at::Tensor c = at::tensor({1.0, 0.5, 2.0}, opts(dtype)), r = at::tensor({2.0, 1.0, 3.0}, opts(dtype));
    const at::Tensor x = at::zeros({3}, opts(dtype));
    const at::Tensor fused = fused_gamma_log_prob(x, c, r);
    EXPECT_TRUE(all_close(fused, td::gamma_log_prob(x, c, r))) << fused;
  }
}

TEST_F(FusedKernels, PoissonMatchesTheFormula) {
  auto draw = [](const Pattern& p, at::ScalarType dtype) {
    at::Tensor rate = shaped(uniform(p.param_shape, 0.1, 30.0, 11, dtype), p);
    at::Tensor value = at::floor(uniform(p.value_shape, 0, 40, 12, dtype));
    return Inputs{value, rate};
  };
  for_each_case(draw, [](const std::string& name, const Inputs& in) {
    ASSERT_TRUE(fused_poisson_log_prob(in[0], in[1]).defined()) << name;
    expect_paths_agree(name, [](const Inputs& x) { return td::Poisson(x[1]).log_prob(x[0]); }, in, {false, true});
    // A count's gradient comes from the reference inside the fused function.
    expect_paths_agree(name + " value grad", [](const Inputs& x) { return td::poisson_log_prob(x[0], x[1]); },
                       in, {true, true});
  });
  // Counts past the log-factorial table, mixed with small ones in one
  // vector, and (formula only) non-integers take lgamma.
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    const at::Tensor k = at::tensor({0.0, 3.0, 255.0, 256.0, 300.0, 1e4, 7.0, 1.0, 2.5, 12.0, 255.5}, opts(dtype));
    const at::Tensor rate = uniform({11}, 0.5, 300.0, 19, dtype);
    EXPECT_TRUE(all_close(fused_poisson_log_prob(k, rate), td::poisson_log_prob(k, rate), rtol_for(dtype),
                          atol_for(dtype)));
    const at::Tensor small = k.narrow(0, 0, 3);  // one vector, all in the table
    EXPECT_TRUE(all_close(fused_poisson_log_prob(small, rate.narrow(0, 0, 3)),
                          td::poisson_log_prob(small, rate.narrow(0, 0, 3)), rtol_for(dtype), atol_for(dtype)));
  }
  // Rate 0: log_prob is 0 at k = 0 and -inf above; the rate gradient at k = 0 is -1.
  const Inputs zero_rate{at::tensor({0.0, 0.0, 3.0}), at::tensor({0.0, 2.0, 0.0})};
  expect_paths_agree("zero rate", [](const Inputs& x) { return td::poisson_log_prob(x[0], x[1]); },
                     {zero_rate[0], at::tensor({0.0, 2.0, 1.0})}, {false, true});
  EXPECT_TRUE(all_close(fused_poisson_log_prob(zero_rate[0], zero_rate[1]),
                        td::poisson_log_prob(zero_rate[0], zero_rate[1])));
}

TEST_F(FusedKernels, BetaMatchesTheFormula) {
  auto draw = [](const Pattern& p, at::ScalarType dtype) {
    return Inputs{uniform(p.value_shape, 0.001, 0.999, 13, dtype),
                  shaped(uniform(p.param_shape, 0.05, 40.0, 14, dtype), p),
                  shaped(uniform(p.param_shape, 0.05, 40.0, 15, dtype), p)};
  };
  for_each_case(draw, [](const std::string& name, const Inputs& in) {
    ASSERT_TRUE(fused_beta_log_prob(in[0], in[1], in[2]).defined()) << name;
    expect_paths_agree(name, [](const Inputs& x) { return td::Beta(x[1], x[2]).log_prob(x[0]); }, in,
                       {true, true, true});
  });
  // The ends of the support: the limit by the sign of the exponent, in both dtypes.
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    const at::Tensor x = at::tensor({0.0, 0.0, 0.0, 1.0, 1.0, 1.0}, opts(dtype));
    const at::Tensor a = at::tensor({0.5, 1.0, 2.0, 3.0, 3.0, 3.0}, opts(dtype));
    const at::Tensor b = at::tensor({2.0, 2.0, 2.0, 0.5, 1.0, 2.0}, opts(dtype));
    EXPECT_TRUE(all_close(fused_beta_log_prob(x, a, b), td::beta_log_prob(x, a, b)));
  }
  // Float storage leaves its fast double math for Sleef's where x is outside
  // [0, 1] (unvalidated input; NaN as the formula) or a concentration is
  // outside [2^-400, 2^20]; tiny x keep log1p(-x) = -x.
  const at::Tensor x = at::tensor({-0.5f, 1.5f, 1e-30f, 0.5f, 0.25f, 1e-30f, 0.75f, 0.5f});
  const at::Tensor a = at::tensor({2.0f, 2.0f, 1.0f, 3e6f, 1e-40f, 1.0f, 2.0f, 1e30f});
  const at::Tensor b = at::tensor({2.0f, 2.0f, 1e7f, 2.0f, 3.0f, 5.0f, 3e7f, 1e30f});
  // All eight: four with an x outside, then four within whose concentrations
  // (but the subnormal) leave the fast log B; then those four alone.
  for (int64_t n : {8, 4}) {
    const at::Tensor xs = x.narrow(0, 8 - n, n), as = a.narrow(0, 8 - n, n), bs = b.narrow(0, 8 - n, n);
    EXPECT_TRUE(all_close(fused_beta_log_prob(xs, as, bs), td::beta_log_prob(xs, as, bs))) << n;
  }
  // Beta(1, 1) is the uniform density: 0 exactly, as the formula gives.
  const at::Tensor uniform_x = at::rand({37});
  EXPECT_EQ(fused_beta_log_prob(uniform_x, at::ones({37}), at::ones({37})).abs().max().item<float>(), 0.0f);
}

TEST_F(FusedKernels, NormalNormalKlMatchesTheFormula) {
  // Scales within 5% of each other exercise the series branch of
  // e^x - 1 - x, the rest expm1(x) - x.
  auto draw = [](const Pattern& p, at::ScalarType dtype) {
    const at::Tensor scale_q = uniform(p.value_shape, 0.3, 3.0, 21, dtype);
    const at::Tensor ratio = at::where(uniform(p.value_shape, 0, 1, 22, dtype) < 0.5,
                                       uniform(p.value_shape, 0.95, 1.05, 23, dtype),
                                       uniform(p.value_shape, 0.2, 5.0, 24, dtype));
    return Inputs{gaussian(p.value_shape, 1.0, 25, dtype), scale_q * ratio,
                  shaped(gaussian(p.param_shape, 1.0, 26, dtype), p),
                  shaped(uniform(p.param_shape, 0.3, 3.0, 27, dtype), p)};
  };
  for_each_case(draw, [](const std::string& name, const Inputs& in) {
    ASSERT_TRUE(fused_normal_normal_kl(in[0], in[1], in[2], in[3]).defined()) << name;
    expect_paths_agree(
        name, [](const Inputs& x) { return td::kl_divergence(td::Normal(x[0], x[1]), td::Normal(x[2], x[3])); }, in,
        {true, true, true, true});
  });
  // p = q exactly: 0 with zero gradient, in both dtypes.
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    const at::Tensor m = gaussian({10}, 1.0, 28, dtype), s = uniform({10}, 0.5, 2.0, 29, dtype);
    EXPECT_TRUE(all_close(fused_normal_normal_kl(m, s, m, s), at::zeros({10}, opts(dtype)), 0, 0));
  }
}

// The inverse-CDF sampler draws each category with its probability: a
// chi-square test per row at a fixed seed (false-failure rate 1e-4 per row),
// categories without mass never drawn, unnormalized rows normalized.
TEST_F(FusedKernels, CategoricalSamplesFollowTheProbabilities) {
  const std::vector<std::vector<double>> rows = {
      {0.1, 0.0, 0.2, 0.7}, {0.25, 0.25, 0.25, 0.25}, {0.0, 0.0, 1.0, 0.0}, {2.0, 1.0, 1.0, 0.0}, {1e-3, 0.0, 0.0, 0.999}};
  const int64_t n = 100000;
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    std::vector<double> flat;
    for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
    const at::Tensor probs = td::testing::tensor_of(flat, {static_cast<int64_t>(rows.size()), 4}).to(dtype);
    const at::Tensor samples =
        tk::fused_categorical_sample(probs, {n}, td::testing::seeded_generator(dtype == at::kFloat ? 31 : 32));
    ASSERT_TRUE(samples.defined());
    ASSERT_EQ(samples.sizes(), at::IntArrayRef({n, static_cast<int64_t>(rows.size())}));
    for (size_t r = 0; r < rows.size(); ++r) {
      const at::Tensor counts = at::bincount(samples.select(1, static_cast<int64_t>(r)), {}, 4);
      std::vector<int64_t> observed(4);
      double total = 0;
      for (double w : rows[r]) total += w;
      std::vector<double> expected;
      for (int64_t k = 0; k < 4; ++k) {
        observed[k] = counts[k].item<int64_t>();
        expected.push_back(rows[r][k] / total);
        if (rows[r][k] == 0) {
          EXPECT_EQ(observed[k], 0) << "row " << r << " category " << k;
        }
      }
      EXPECT_GT(td::testing::chi_square_test(observed, expected), 1e-4) << "row " << r;
    }
  }
  // Through the family, with the shape of sample_shape + batch_shape.
  const at::Tensor logits = gaussian({3, 5}, 1.0, 33, at::kFloat);
  const td::Categorical d(td::logits(logits));
  const at::Tensor fused = d.sample({2, 4}, td::testing::seeded_generator(34));
  const at::Tensor reference = with_kernels(false, [&] { return d.sample({2, 4}, td::testing::seeded_generator(34)); });
  EXPECT_EQ(fused.sizes(), reference.sizes());
  EXPECT_EQ(fused.scalar_type(), reference.scalar_type());
  // Rows that are not distributions are left to at::multinomial's error.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(tk::fused_categorical_sample(at::tensor({0.5, nan}), {3}, c10::nullopt).defined());
  EXPECT_FALSE(tk::fused_categorical_sample(at::tensor({0.5, -0.1}), {3}, c10::nullopt).defined());
  EXPECT_FALSE(tk::fused_categorical_sample(at::zeros({2}), {3}, c10::nullopt).defined());
}

TEST_F(FusedKernels, CategoricalLogProbReadsTheLogits) {
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    const at::Tensor logits = at::log_softmax(gaussian({3, 5}, 2.0, 35, dtype), -1);
    const at::Tensor value = at::randint(0, 5, {4, 3}, td::testing::seeded_generator(36), at::kLong);
    const at::Tensor fused = tk::fused_category_gather(value, logits, &td::categorical_log_prob);
    ASSERT_TRUE(fused.defined());
    EXPECT_TRUE(all_close(fused, td::categorical_log_prob(value, logits), 0, 0));
    // The family gives the same numbers on both paths.
    const td::Categorical d(td::logits(logits));
    EXPECT_TRUE(all_close(d.log_prob(value), with_kernels(false, [&] { return d.log_prob(value); }), 0, 0));
    // With a gradient: the scatter sums the values that read each logit
    // (4 samples of each row), first and second order as the reference's.
    const at::Tensor leaf = logits.detach().requires_grad_();
    const at::Tensor weights = gaussian({4, 3}, 1.0, 37, dtype);
    const at::Tensor node = tk::fused_category_gather(value, leaf, &td::categorical_log_prob);
    ASSERT_TRUE(node.defined());
    const at::Tensor g_fused = torch::autograd::grad({(node * weights).sum()}, {leaf}, {}, true, true)[0];
    const at::Tensor g_ref =
        torch::autograd::grad({(td::categorical_log_prob(value, leaf) * weights).sum()}, {leaf}, {}, true, true)[0];
    EXPECT_TRUE(all_close(g_fused, g_ref, 0, 0));
    // With create_graph the backward is the reference's (a gather's: no
    // dependence on the logits left to record).
    EXPECT_EQ(g_fused.requires_grad(), g_ref.requires_grad());
    // A value that does not end in the batch shape, or out of range, is the reference's.
    EXPECT_FALSE(
        tk::fused_category_gather(value.select(0, 0).unsqueeze(-1), logits, &td::categorical_log_prob).defined());
    EXPECT_FALSE(tk::fused_category_gather(at::full({3}, 5, at::kLong), logits, &td::categorical_log_prob).defined());
    EXPECT_FALSE(tk::fused_category_gather(at::full({3}, -1, at::kLong), leaf, &td::categorical_log_prob).defined());
  }
}

// Against at::log_softmax, computed in double: rows of every length modulo
// the vector width, large and tiny logits, masked (-inf) entries, and rows
// of NaN or all -inf, which must come out as ATen's do.
TEST_F(FusedKernels, LogSoftmaxMatchesAten) {
  for (int64_t k : {1, 3, 8, 13, 64, 77, 1000}) {
    at::Tensor x = at::randn({37, k}, at::kFloat) * 20;
    if (k > 2) {
      x[0][1] = -std::numeric_limits<float>::infinity();
      x[1][2] = 1e30f;
      x[2].fill_(-1e30f);
      x[3][0] = std::nanf("");
      x[4].fill_(-std::numeric_limits<float>::infinity());
    }
    const at::Tensor fused = tk::fused_log_softmax(x);
    ASSERT_TRUE(fused.defined());
    const at::Tensor exact = at::log_softmax(x.to(at::kDouble), -1);
    EXPECT_TRUE(all_close(fused.to(at::kDouble), exact, 1e-6, 1e-6)) << k;
    EXPECT_TRUE(all_close(fused, at::log_softmax(x, -1), 1e-6, 1e-6)) << k;
  }
  // Declines what it does not cover.
  EXPECT_FALSE(tk::fused_log_softmax(at::randn({4, 5}, at::kDouble)).defined());
  EXPECT_FALSE(tk::fused_log_softmax(at::randn({5, 4}).t()).defined());
  // With autograd: the gradient (and the second derivative) of at::log_softmax.
  const at::Tensor x = (at::randn({6, 7}) * 5).requires_grad_();
  const at::Tensor w = at::randn({6, 7});
  const at::Tensor fused = tk::fused_log_softmax(x);
  ASSERT_TRUE(fused.defined());
  ASSERT_TRUE(fused.requires_grad());
  const auto g_fused = torch::autograd::grad({(fused * w).sum()}, {x}, {}, true, true)[0];
  const auto g_aten = torch::autograd::grad({(at::log_softmax(x, -1) * w).sum()}, {x}, {}, true, true)[0];
  EXPECT_TRUE(all_close(g_fused, g_aten, 1e-5, 1e-6));
  const auto gg_fused = torch::autograd::grad({(g_fused * g_fused).sum()}, {x})[0];
  const auto gg_aten = torch::autograd::grad({(g_aten * g_aten).sum()}, {x})[0];
  EXPECT_TRUE(all_close(gg_fused, gg_aten, 1e-4, 1e-5));
  // Without create_graph the backward is the kernel's: rows of every length
  // around the vector width, with an impossible category (-inf).
  for (int64_t k : {1, 7, 8, 9, 16, 77}) {
    at::Tensor logits = at::randn({5, k}) * 5;
    if (k > 2) logits[1][1] = -std::numeric_limits<float>::infinity();
    const at::Tensor leaf = logits.requires_grad_();
    const at::Tensor weights = at::randn({5, k});
    const auto kernel = torch::autograd::grad({(tk::fused_log_softmax(leaf) * weights).sum()}, {leaf})[0];
    const auto aten = torch::autograd::grad({(at::log_softmax(leaf, -1) * weights).sum()}, {leaf})[0];
    EXPECT_TRUE(all_close(kernel, aten, 1e-5, 1e-6)) << k;
  }
}

// logsumexp over the last dimension: values (edge rows included) and
// first and second derivatives against at::logsumexp.
TEST_F(FusedKernels, LogSumExpIsAtenLogSumExp) {
  for (int64_t k : {1, 3, 8, 13, 77}) {
    at::Tensor x = at::randn({9, k}) * 20;
    if (k > 2) {
      x[0][1] = -std::numeric_limits<float>::infinity();
      x[1].fill_(-std::numeric_limits<float>::infinity());
      x[2][0] = std::numeric_limits<float>::infinity();
      x[3][1] = std::nanf("");
    }
    const at::Tensor fused = tk::fused_logsumexp(x);
    ASSERT_TRUE(fused.defined());
    EXPECT_TRUE(all_close(fused.to(at::kDouble), at::logsumexp(x.to(at::kDouble), -1), 1e-6, 1e-6)) << k;
  }
  const at::Tensor x = (at::randn({6, 5}) * 5).requires_grad_();
  const at::Tensor w = at::randn({6});
  const auto g_fused = torch::autograd::grad({(tk::fused_logsumexp(x) * w).sum()}, {x}, {}, true, true)[0];
  const auto g_aten = torch::autograd::grad({(at::logsumexp(x, -1) * w).sum()}, {x}, {}, true, true)[0];
  EXPECT_TRUE(all_close(g_fused, g_aten, 1e-5, 1e-6));
  const auto gg_fused = torch::autograd::grad({(g_fused * g_fused).sum()}, {x})[0];
  const auto gg_aten = torch::autograd::grad({(g_aten * g_aten).sum()}, {x})[0];
  EXPECT_TRUE(all_close(gg_fused, gg_aten, 1e-4, 1e-5));
  EXPECT_FALSE(tk::fused_logsumexp(at::randn({4, 5}, at::kDouble)).defined());
  EXPECT_FALSE(tk::fused_logsumexp(at::randn({5, 4}).t()).defined());
}

// One logit per row 10 to 16 above the others, at every position of the
// vector lanes and the tail: the sum of exp is 1 plus many terms of 1e-5 to
// 1e-7, whose low bits a float sum loses (ATen's float kernel is 1.3e-6 off
// at the dominant entry). The kernel adds four terms per lane in float
// before widening, at most 2 * 2^-24 = 1.2e-7 of the sum, so log(sum) and
// the dominant entry are within 1.2e-7 (1.13e-7 measured); atol 1.5e-7
// leaves room for the exp's 3e-9, and summing eight terms in float (1.65e-7
// measured) fails it. rtol: two roundings of the float output.
TEST_F(FusedKernels, LogSoftmaxSumsSmallTermsBesideADominantOne) {
  for (int64_t k : {1000, 1003}) {
    const int64_t rows = 256;
    at::Tensor x = at::rand({rows, k}, td::testing::seeded_generator(41), at::kFloat) * -6 - 10;
    for (int64_t r = 0; r < rows; ++r) x[r][(r * 37) % k] = 0;
    const at::Tensor fused = tk::fused_log_softmax(x);
    ASSERT_TRUE(fused.defined());
    EXPECT_TRUE(all_close(fused, at::log_softmax(x.to(at::kDouble), -1), 0x1p-23, 1.5e-7)) << k;
  }
}

// The kernel says whether its result holds a NaN (a NaN logit, or +inf or
// an all -inf row), also when threads split the rows, and Categorical then
// reports the same error as the reference path, whose validation scans.
TEST_F(FusedKernels, LogSoftmaxReportsNan) {
  const float inf = std::numeric_limits<float>::infinity();
  auto has_nan = [](const at::Tensor& x) {
    bool nan = true;
    EXPECT_TRUE(tk::fused_log_softmax(x, &nan).defined());
    return nan;
  };
  at::Tensor x = at::randn({5, 13}, at::kFloat);
  x[0][1] = -inf;
  x[1][2] = 1e30f;
  EXPECT_FALSE(has_nan(x));
  for (float bad : {std::nanf(""), inf}) {
    at::Tensor y = x.clone();
    y[3][12] = bad;
    EXPECT_TRUE(has_nan(y)) << bad;
  }
  EXPECT_TRUE(has_nan(at::full({2, 9}, -inf)));
  const int previous = at::get_num_threads();
  at::set_num_threads(2);
  at::Tensor many = at::randn({3 * at::internal::GRAIN_SIZE / 8, 8});
  EXPECT_FALSE(has_nan(many));
  many[-1][7] = std::nanf("");
  EXPECT_TRUE(has_nan(many));
  at::set_num_threads(previous);

  at::Tensor logits = at::randn({4, 1000});
  logits[2][500] = std::nanf("");
  // The message shows the normalized logits, whose NaNs ATen writes as
  // "-nan" (x86's default NaN) and the kernel as "nan" (its input's NaN).
  auto message = [&] {
    try {
      td::Categorical d(td::logits(logits));
    } catch (const c10::ValueError& e) {
      std::string what = e.what_without_backtrace();
      for (size_t at = what.find("-nan"); at != std::string::npos; at = what.find("-nan", at)) what.erase(at, 1);
      return what;
    }
    return std::string("no error");
  };
  const std::string fused = message();
  EXPECT_NE(fused.find("Categorical: logits must satisfy real_vector(), got ["), std::string::npos) << fused;
  tk::set_fused_kernels_enabled(false);
  EXPECT_EQ(fused, message());
}

TEST_F(FusedKernels, NanPropagatesLikeTheFormula) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const at::Tensor x = at::tensor({nan, 0.5, 0.5}), p1 = at::tensor({1.0, nan, 1.0}), p2 = at::tensor({1.0, 1.0, nan});
  EXPECT_TRUE(all_close(fused_normal_log_prob(x, p1, p2), td::normal_log_prob(x, p1, p2)));
  EXPECT_TRUE(all_close(fused_gamma_log_prob(x, p1, p2), td::gamma_log_prob(x, p1, p2)));
  EXPECT_TRUE(all_close(fused_beta_log_prob(x, p1, p2), td::beta_log_prob(x, p1, p2)));
  EXPECT_TRUE(all_close(fused_poisson_log_prob(x, p1), td::poisson_log_prob(x, p1)));
  EXPECT_TRUE(all_close(fused_bernoulli_log_prob(x, p1), td::bernoulli_log_prob(x, p1)));
}

TEST_F(FusedKernels, ThreadsSplitRepeatedOperandsCorrectly) {
  // Several chunks per thread, each starting mid-period of the parameters.
  const int previous = at::get_num_threads();
  at::set_num_threads(2);
  const int64_t samples = 3 * at::internal::GRAIN_SIZE / 7 + 5;
  const at::Tensor x = gaussian({samples, 7}, 2.0, 16, at::kFloat);
  const at::Tensor loc = gaussian({7}, 1.0, 17, at::kFloat), scale = uniform({7}, 0.5, 2.0, 18, at::kFloat);
  EXPECT_TRUE(all_close(fused_normal_log_prob(x, loc, scale), td::normal_log_prob(x, loc, scale), 2e-5, 2e-5));
  // A value repeated element by element (a column against 7 components):
  // chunks start mid-run.
  const at::Tensor column = gaussian({samples, 1}, 2.0, 19, at::kFloat);
  EXPECT_TRUE(
      all_close(fused_normal_log_prob(column, loc, scale), td::normal_log_prob(column, loc, scale), 2e-5, 2e-5));
  at::set_num_threads(previous);
}

// Each operand's (period, repeat): output element i reads (i / repeat) % period.
TEST_F(FusedKernels, PlansReadRepeatedOperands) {
  auto layout = [](const Inputs& in) {
    const auto plan = tk::plan_elementwise(in);
    std::vector<std::pair<int64_t, int64_t>> out;
    if (plan) {
      for (const tk::Operand& o : plan->operands) out.emplace_back(o.period, o.repeat);
    }
    return out;
  };
  using Layout = std::vector<std::pair<int64_t, int64_t>>;
  const at::Tensor column = at::randn({5, 1}), row = at::randn({7}), full = at::randn({5, 7});
  EXPECT_EQ(layout({column, row}), (Layout{{5, 7}, {7, 1}}));
  EXPECT_EQ(layout({full, row, at::randn({})}), (Layout{{35, 1}, {7, 1}, {1, 1}}));
  EXPECT_EQ(layout({column.expand({5, 7}), full}), (Layout{{5, 7}, {35, 1}}));
  // Repeated both ways: [1, 5, 1] against [3, 5, 2].
  EXPECT_EQ(layout({at::randn({1, 5, 1}), at::randn({3, 5, 2})}), (Layout{{5, 2}, {30, 1}}));
  // Not row-major inside the block: a column cut from a wider tensor, a
  // size-1 dimension between repeated ones.
  EXPECT_TRUE(layout({full.narrow(1, 0, 1), row}).empty());
  EXPECT_TRUE(layout({at::randn({5, 1, 7}), at::randn({5, 3, 7})}).empty());
}

TEST_F(FusedKernels, OtherInputsTakeTheFormula) {
  const at::Tensor x = at::randn({4, 3}), loc = at::zeros({3}), scale = at::ones({3});
  // Mixed dtypes, a transposed view, integer values, an empty tensor.
  EXPECT_FALSE(fused_normal_log_prob(x.to(at::kDouble), loc, scale).defined());
  EXPECT_FALSE(fused_normal_log_prob(at::randn({3, 4}).t(), loc, scale).defined());
  EXPECT_FALSE(fused_poisson_log_prob(at::zeros({3}, at::kLong), at::ones({3}, at::kLong)).defined());
  EXPECT_FALSE(fused_normal_log_prob(at::randn({0, 3}), loc, scale).defined());
  // Through the family, such inputs still give the formula's values.
  const at::Tensor xt = at::randn({3, 4}).t();
  EXPECT_TRUE(all_close(td::Normal(loc, scale).log_prob(xt), td::normal_log_prob(xt, loc, scale)));
  // Switched off, no fused result.
  tk::set_fused_kernels_enabled(false);
  EXPECT_FALSE(fused_normal_log_prob(x, loc, scale).defined());
}

}  // namespace
