// Formulas written once as templates (src/formulas/) run by
// kernels::evaluate on three paths: one element in scalar code, the vector
// kernels, and the ATen composition. Every fast path must agree with the
// ATen composition of the same template: values and first derivatives, in
// float and double, on random inputs in several broadcasting patterns and
// on an edge grid (zeros, subnormals, exact integers, values close to each
// other, 1e-3..1e4, +inf) taken element by element through the scalar path
// and all at once through the vector path. Second derivatives take the ATen
// path (the node's backward is not itself differentiable) and must agree
// too. Each formula's accuracy against exact references is the
// differential suite's business (tests/differential).

#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "../../src/formulas/dirichlet.h"
#include "../../src/formulas/kl_formulas.h"
#include "../../src/formulas/normal.h"
#include "../../src/formulas/scalar_special.h"
#include "../../src/formulas/univariate.h"
#include "../../src/formulas/von_mises.h"
#include "../../src/kernels/formula_eval.h"
#include "../support/testing.h"

namespace tk = torchdist::detail::kernels;
namespace tf = torchdist::formulas;
using torchdist::testing::all_close;

namespace {

using Inputs = std::vector<at::Tensor>;
using Fn = std::function<at::Tensor(const Inputs&)>;

// A formula under test: its two entry points, the values each argument
// takes on the edge grid, and a draw of random arguments in its domain.
struct FormulaUnderTest {
  std::string name;
  Fn evaluate;   // kernels::evaluate<F>
  Fn reference;  // the ATen composition
  std::vector<std::vector<double>> edges;
  std::function<Inputs(at::IntArrayRef shape, at::ScalarType dtype, uint64_t seed)> random;
  // The tolerances times this, for a formula whose terms amplify the
  // rounding of its special functions (say why where it is set).
  double tolerance_scale = 1.0;
  // The arguments F is declared constant in (ConstantIn): the fast paths
  // leave them out of autograd, so their gradients are not compared.
  std::vector<bool> constant_in;
  // For a step function (a sampler's floor): the values may differ by this
  // much where the argument of the step lies within a rounding of a jump.
  double step = 0;
};

template <class F>
Fn evaluate_fn() {
  return [](const Inputs& in) {
    tk::Args<F> args;
    for (size_t i = 0; i < F::arity; ++i) args[i] = in[i];
    return std::apply([](const auto&... a) { return tk::evaluate<F>(a...); }, args);
  };
}

template <class F>
Fn reference_fn() {
  return [](const Inputs& in) {
    tk::Args<F> args;
    for (size_t i = 0; i < F::arity; ++i) args[i] = in[i];
    return tk::formula_reference<F>(args);
  };
}

// The arguments' kinds: each gives the edge values and the random draws.
enum class Kind { kReal, kPositive, kRate, kProbability, kLogit, kCount };

std::vector<double> edges_of(Kind kind) {
  switch (kind) {
    case Kind::kReal: return {-2.5, 0.0, 1.0, 1e3};
    // Subnormal in double and in float (1e-310 is 0 in float), tiny, exact
    // integers and 1/2, values a rounding apart, large.
    case Kind::kPositive: return {1e-310, 1e-40, 1e-3, 0.5, 1.0, 1.0 + 1e-7, 2.0, 1e4};
    case Kind::kRate: return {0.0, 1e-40, 1e-3, 0.5, 1.0, 2.0, 1e4};
    case Kind::kProbability: return {0.0, 1e-40, 1e-10, 0.25, 0.5, 0.5 + 1e-7, 1.0 - 1e-7, 1.0};
    case Kind::kLogit: return {-1e4, -30.0, -1.0, 0.0, 1e-7, 0.5, 30.0, 1e4};
    case Kind::kCount: return {0.0, 1.0, 5.0, 10.0};
  }
  return {};
}

at::Tensor draw(Kind kind, at::IntArrayRef shape, at::ScalarType dtype, at::Generator& gen) {
  const at::Tensor u = at::empty(shape, at::TensorOptions().dtype(at::kDouble)).uniform_(-3, 3, gen);
  switch (kind) {
    case Kind::kReal:
    case Kind::kLogit: return u.to(dtype);
    case Kind::kPositive:
    case Kind::kRate: return u.exp().to(dtype);
    case Kind::kProbability: return at::sigmoid(u).to(dtype);
    case Kind::kCount: return ((u + 3) * 3).floor().to(dtype);
  }
  return u;
}

template <class F>
FormulaUnderTest formula(std::string name, std::vector<Kind> kinds) {
  std::vector<std::vector<double>> edges;
  for (Kind k : kinds) edges.push_back(edges_of(k));
  std::vector<bool> constant_in;
  for (size_t i = 0; i < F::arity; ++i) constant_in.push_back(tk::ConstantIn<F>::at(i));
  return {std::move(name),
          evaluate_fn<F>(),
          reference_fn<F>(),
          std::move(edges),
          [kinds](at::IntArrayRef shape, at::ScalarType dtype, uint64_t seed) {
            at::Generator gen = torchdist::testing::seeded_generator(seed);
            Inputs in;
            for (Kind k : kinds) in.push_back(draw(k, shape, dtype, gen));
            return in;
          },
          1.0,
          std::move(constant_in)};
}

std::vector<FormulaUnderTest> formulas_under_test() {
  const Kind R = Kind::kReal, P = Kind::kPositive, Ra = Kind::kRate, Pr = Kind::kProbability, L = Kind::kLogit,
             C = Kind::kCount;
  std::vector<FormulaUnderTest> out{
      formula<tf::PoissonKl>("PoissonKl", {P, P}),
      formula<tf::HalfNormalKl>("HalfNormalKl", {P, P}),
      formula<tf::ExponentialKl>("ExponentialKl", {P, P}),
      formula<tf::LaplaceKl>("LaplaceKl", {R, P, R, P}),
      formula<tf::ParetoKl>("ParetoKl", {P, P, P, P}),
      formula<tf::CauchyKl>("CauchyKl", {R, P, R, P}),
      formula<tf::GumbelKl>("GumbelKl", {R, P, R, P}),
      formula<tf::BernoulliKlPP>("BernoulliKl<probs, probs>", {Pr, Pr}),
      formula<tf::BernoulliKlPL>("BernoulliKl<probs, logits>", {Pr, L}),
      formula<tf::BernoulliKlLP>("BernoulliKl<logits, probs>", {L, Pr}),
      formula<tf::BernoulliKlLL>("BernoulliKl<logits, logits>", {L, L}),
      formula<tf::GeometricKlPP>("GeometricKl<probs, probs>", {Pr, Pr}),
      formula<tf::GeometricKlPL>("GeometricKl<probs, logits>", {Pr, L}),
      formula<tf::GeometricKlLP>("GeometricKl<logits, probs>", {L, Pr}),
      formula<tf::GeometricKlLL>("GeometricKl<logits, logits>", {L, L}),
      formula<tf::BinomialKlPP>("BinomialKl<probs, probs>", {C, Pr, C, Pr}),
      formula<tf::BinomialKlPL>("BinomialKl<probs, logits>", {C, Pr, C, L}),
      formula<tf::BinomialKlLP>("BinomialKl<logits, probs>", {C, L, C, Pr}),
      formula<tf::BinomialKlLL>("BinomialKl<logits, logits>", {C, L, C, L}),
      formula<tf::BernoulliPoissonKl<false>>("BernoulliPoissonKl<probs>", {Pr, Ra}),
      formula<tf::BernoulliPoissonKl<true>>("BernoulliPoissonKl<logits>", {L, Ra}),
      formula<tf::PoissonBinomialKl<false>>("PoissonBinomialKl<probs>", {Ra, C, Pr}),
      formula<tf::PoissonBinomialKl<true>>("PoissonBinomialKl<logits>", {Ra, C, L}),
      formula<tf::CauchyCdf>("CauchyCdf", {R, R, P}),
      formula<tf::CauchyIcdf>("CauchyIcdf", {Pr, R, P}),
      formula<tf::HalfCauchyCdf>("HalfCauchyCdf", {Ra, P}),
      formula<tf::HalfCauchyIcdf>("HalfCauchyIcdf", {Pr, P}),
      formula<tf::LaplaceCdf>("LaplaceCdf", {R, R, P}),
      formula<tf::LaplaceIcdf>("LaplaceIcdf", {Pr, R, P}),
      formula<tf::ParetoMean>("ParetoMean", {P, P}),
      formula<tf::ParetoVariance>("ParetoVariance", {P, P}),
      formula<tf::GeometricEntropy<false>>("GeometricEntropy<probs>", {Pr}),
      formula<tf::GeometricEntropy<true>>("GeometricEntropy<logits>", {L}),
      formula<tf::NormalEntropy>("NormalEntropy", {P}),
      formula<tf::HalfNormalEntropy>("HalfNormalEntropy", {P}),
      formula<tf::LaplaceEntropy>("LaplaceEntropy", {P}),
      formula<tf::CauchyEntropy>("CauchyEntropy", {P}),
      formula<tf::HalfCauchyEntropy>("HalfCauchyEntropy", {P}),
      formula<tf::GumbelEntropy>("GumbelEntropy", {P}),
      formula<tf::ExponentialEntropy>("ExponentialEntropy", {P}),
  };
  // (a_p - a_q) digamma(a_p) and the lgamma difference cancel: with
  // concentrations 1e-3..1e4 on the grid the result carries digamma's and
  // lgamma's rounding (which differ between the kernels and ATen by a few
  // ulps) amplified up to 1e3 times, on either path; its derivative
  // carries trigamma's, where ATen's polygamma(1, x) is itself off by up
  // to 1e-11 (ScalarTrigamma.MatchesMpmath).
  FormulaUnderTest gamma = formula<tf::GammaKl>("GammaKl", {P, P, P, P});
  gamma.tolerance_scale = 1e4;
  out.push_back(gamma);
  // The same digamma and lgamma cancellations, within one Beta.
  FormulaUnderTest beta_entropy = formula<tf::BetaEntropy>("BetaEntropy", {P, P});
  beta_entropy.tolerance_scale = 1e4;
  out.push_back(beta_entropy);
  // Uniform's methods: x or p, then low < high.
  auto uniform_method = [](FormulaUnderTest f, std::vector<double> first_edges, Kind first) {
    f.edges = {std::move(first_edges), {-1.0, 0.0, 0.5}, {1.0, 2.0, 1e4}};
    f.random = [first](at::IntArrayRef shape, at::ScalarType dtype, uint64_t seed) {
      at::Generator gen = torchdist::testing::seeded_generator(seed);
      const at::Tensor low = draw(Kind::kReal, shape, dtype, gen);
      return Inputs{draw(first, shape, dtype, gen), low, low + draw(Kind::kPositive, shape, dtype, gen)};
    };
    return f;
  };
  const std::vector<double> xs{-2.0, -1.0, 0.0, 0.25, 0.5, 1.0, 2.0, 1e4};
  out.push_back(uniform_method(formula<tf::UniformCdf>("UniformCdf", {R, R, R}), xs, R));
  out.push_back(uniform_method(formula<tf::UniformLogProb>("UniformLogProb", {R, R, R}), xs, R));
  out.push_back(uniform_method(formula<tf::UniformIcdf>("UniformIcdf", {Pr, R, R}), edges_of(Pr), Pr));
  // Uniform: low, high = low + width for p and q, the intervals nested or not.
  FormulaUnderTest uniform = formula<tf::UniformKl>("UniformKl", {R, R, R, R});
  uniform.edges = {{-1.0, 0.0, 0.5}, {1.0, 2.0}, {-2.0, 0.0}, {1.0, 3.0}};
  uniform.random = [](at::IntArrayRef shape, at::ScalarType dtype, uint64_t seed) {
    at::Generator gen = torchdist::testing::seeded_generator(seed);
    const at::Tensor low_p = draw(Kind::kReal, shape, dtype, gen);
    const at::Tensor low_q = low_p - draw(Kind::kPositive, shape, dtype, gen) * 0.1;
    return Inputs{low_p, low_p + draw(Kind::kPositive, shape, dtype, gen), low_q,
                  low_q + draw(Kind::kPositive, shape, dtype, gen) * 3};
  };
  out.push_back(uniform);
  // ContinuousBernoulli: probabilities as the family passes them (clamped
  // into [eps, 1 - eps]), on both sides of the lims 0.499 and 0.501 and at
  // 1/2; logits as clamped (|eta| <= 36), on both sides of the series'
  // switch at |eta| = 0.01; values in and outside [0, 1].
  const std::vector<double> cb_probs{1.2e-7, 0.01, 0.25, 0.4989, 0.499, 0.4995, 0.5,
                                     0.5005, 0.501, 0.5011, 0.75, 1 - 1.2e-7};
  const std::vector<double> cb_eta{-36.0, -15.0, -1.0, -0.01, -0.005, 0.0, 1e-7, 0.005, 0.01, 1.0, 15.0, 36.0};
  const std::vector<double> cb_x{-0.5, 0.0, 1e-7, 0.25, 0.5, 0.75, 1.0, 1.5};
  auto cb_draw = [](const std::vector<Kind>& kinds, double eta_scale) {
    return [kinds, eta_scale](at::IntArrayRef shape, at::ScalarType dtype, uint64_t seed) {
      at::Generator gen = torchdist::testing::seeded_generator(seed);
      Inputs in;
      for (Kind k : kinds) {
        // Logits spread over the series' range and past it.
        const at::Tensor t = draw(k, shape, dtype, gen);
        in.push_back(k == Kind::kLogit ? t * eta_scale : t);
      }
      return in;
    };
  };
  auto cb = [&](FormulaUnderTest f, std::vector<std::vector<double>> edges, std::vector<Kind> kinds) {
    f.edges = std::move(edges);
    f.random = cb_draw(kinds, 0.01);
    out.push_back(f);
    f.name += " (wide logits)";
    f.random = cb_draw(kinds, 3.0);
    out.push_back(f);
  };
  cb(formula<tf::ContinuousBernoulliIcdf>("ContinuousBernoulliIcdf", {Pr, L}), {edges_of(Pr), cb_eta}, {Pr, L});
  cb(formula<tf::ContinuousBernoulliCdf>("ContinuousBernoulliCdf", {Pr, L}), {cb_x, cb_eta}, {Pr, L});
  for (FormulaUnderTest f : {formula<tf::ContinuousBernoulliLogNormalizer>("ContinuousBernoulliLogNormalizer", {Pr}),
                             formula<tf::ContinuousBernoulliMean>("ContinuousBernoulliMean", {Pr}),
                             formula<tf::ContinuousBernoulliVariance>("ContinuousBernoulliVariance", {Pr}),
                             formula<tf::ContinuousBernoulliEntropy>("ContinuousBernoulliEntropy", {Pr})}) {
    f.edges = {cb_probs};
    out.push_back(f);
  }
  FormulaUnderTest cb_log_prob = formula<tf::ContinuousBernoulliLogProb>("ContinuousBernoulliLogProb", {Pr, L, R});
  cb_log_prob.edges = {cb_x, {-30.0, -1.0, 0.0, 1.0, 30.0}, {0.6931, 1.0, 15.0}};
  out.push_back(cb_log_prob);
  // Categorical KL terms: probabilities with zeros and one, logits with
  // -inf (impossible categories), large negative, near 0 and 0.
  const std::vector<double> cat_probs{0.0, 1e-40, 1e-7, 0.25, 0.5, 1.0};
  const std::vector<double> cat_logits{-std::numeric_limits<double>::infinity(), -1e4, -36.0, -1.0, -1e-8, 0.0};
  for (FormulaUnderTest f : {formula<tf::CategoricalKlTermPP>("CategoricalKlTerm<probs, probs>", {Pr, Pr}),
                             formula<tf::CategoricalKlTermPL>("CategoricalKlTerm<probs, logits>", {Pr, L}),
                             formula<tf::CategoricalKlTermLP>("CategoricalKlTerm<logits, probs>", {L, Pr}),
                             formula<tf::CategoricalKlTermLL>("CategoricalKlTerm<logits, logits>", {L, L})}) {
    f.edges = {f.name.find("<probs,") != std::string::npos ? cat_probs : cat_logits,
               f.name.find(", probs>") != std::string::npos ? cat_probs : cat_logits};
    out.push_back(f);
  }
  // Kumaraswamy: the support's ends and beyond, shapes around 1 (where
  // the ends' limits change) and far from it.
  const std::vector<double> k_x{-0.5, 0.0, 1e-30, 1e-6, 0.3, 0.5, 0.999, 1.0 - 1e-7, 1.0, 1.5};
  const std::vector<double> k_shape{1e-3, 0.5, 1.0, 2.0, 30.0, 1e3};
  for (FormulaUnderTest f : {formula<tf::KumaraswamyLogProb>("KumaraswamyLogProb", {Pr, P, P}),
                             formula<tf::KumaraswamyCdf>("KumaraswamyCdf", {Pr, P, P}),
                             formula<tf::KumaraswamyIcdf>("KumaraswamyIcdf", {Pr, P, P}),
                             formula<tf::KumaraswamyFromUniform>("KumaraswamyFromUniform", {Pr, P, P})}) {
    f.edges = {k_x, k_shape, k_shape};
    out.push_back(f);
  }
  // The entropy's derivative carries trigamma (ATen's is off by up to
  // 1e-11, see GammaKl), amplified where its terms cancel.
  FormulaUnderTest k_entropy = formula<tf::KumaraswamyEntropy>("KumaraswamyEntropy", {P, P});
  k_entropy.edges = {k_shape, k_shape};
  k_entropy.tolerance_scale = 1e4;
  out.push_back(k_entropy);
  out.push_back(formula<tf::UniformMean>("UniformMean", {R, R}));
  out.push_back(formula<tf::UniformVariance>("UniformVariance", {R, R}));
  out.push_back(formula<tf::LaplaceLogProb>("LaplaceLogProb", {R, R, P}));
  out.push_back(formula<tf::CauchyLogProb>("CauchyLogProb", {R, R, P}));
  {
    // eps as the family passes it: the dtype's epsilon, for both dtypes
    // (the float one is the wider clamp).
    FormulaUnderTest f = formula<tf::CategoricalEntropyTermProbs>("CategoricalEntropyTermProbs", {Pr, Pr});
    f.edges = {{0.0, 1e-40, 1e-8, 1.1920928955078125e-07, 0.25, 1.0 - 1e-8, 1.0}, {1.1920928955078125e-07}};
    const auto draw = f.random;
    f.random = [draw](at::IntArrayRef shape, at::ScalarType dtype, uint64_t seed) {
      Inputs in = draw(shape, dtype, seed);
      in[1] = at::full(in[1].sizes(), 1.1920928955078125e-07, in[1].options());
      return in;
    };
    out.push_back(f);
  }
  // VonMises: concentrations on both sides of the Bessel series' switch
  // at 8 and of the variance's asymptotic series at 1000, tiny and huge;
  // angles far outside [-pi, pi].
  const std::vector<double> vm_k{1e-310, 1e-40, 1e-3, 0.5, 1.0, 2.0, 7.99, 8.0, 8.01, 30.0, 999.0, 1000.0, 1001.0, 1e4, 1e8};
  {
    FormulaUnderTest f = formula<tf::VonMisesLogProb>("VonMisesLogProb", {R, R, P});
    f.edges = {{-1e3, -3.5, 0.0, 1.0, 3.14159265, 20.0}, {-2.0, 0.0, 3.0}, vm_k};
    out.push_back(f);
  }
  for (FormulaUnderTest f : {formula<tf::VonMisesVariance>("VonMisesVariance", {P}),
                             formula<tf::VonMisesEntropy>("VonMisesEntropy", {P})}) {
    f.edges = {vm_k};
    out.push_back(f);
  }
  // Dirichlet: coordinates on the face (0) and at the vertex (1).
  {
    FormulaUnderTest f = formula<tf::DirichletLogProbTerm>("DirichletLogProbTerm", {Pr, P});
    f.edges = {{0.0, 1e-310, 1e-40, 1e-3, 0.5, 1.0}, edges_of(P)};
    out.push_back(f);
  }
  out.push_back(formula<tf::LogGamma>("LogGamma", {P}));
  // The normal quantile: both ends, each side of AS 241's switches (|p - 1/2|
  // = 0.425, sqrt(-log t) = 5 at t ~ 1.4e-11), subnormal tails.
  {
    const std::vector<double> p{0.0, 1e-310, 1e-40, 1e-12, 1.3e-11, 1.4e-11, 0.0749, 0.075, 0.0751,
                                0.25, 0.5, 0.85, 0.925, 0.9251, 1.0 - 1e-7, 1.0};
    FormulaUnderTest icdf = formula<tf::NormalIcdf>("NormalIcdf", {Pr, R, P});
    icdf.edges = {p, edges_of(R), edges_of(P)};
    out.push_back(icdf);
    FormulaUnderTest half = formula<tf::HalfNormalIcdf>("HalfNormalIcdf", {Pr, P});
    half.edges = {p, edges_of(P)};
    out.push_back(half);
    FormulaUnderTest cdf = formula<tf::NormalCdf>("NormalCdf", {R, R, P});
    cdf.edges = {{-1e4, -40.0, -8.5, -1.0, 0.0, 1e-7, 1.0, 8.5, 40.0}, {0.0, 1.0}, edges_of(P)};
    out.push_back(cdf);
  }
  // Entropies whose terms cancel for large parameters (computed in double),
  // with trigamma in the derivative: the tolerance of GammaKl.
  for (FormulaUnderTest f : {formula<tf::GammaEntropy>("GammaEntropy", {P, P}),
                             formula<tf::StudentTEntropy>("StudentTEntropy", {P, P}),
                             formula<tf::DirichletEntropyTerm>("DirichletEntropyTerm", {P})}) {
    f.tolerance_scale = 1e4;
    out.push_back(f);
  }
  // KL from a Uniform to Gamma, Pareto and Beta: intervals from 0 (where
  // r log r is held), narrow ones, ones leaving the support (+inf).
  {
    // Intervals in [0, 1] (unit) or in [0, inf).
    auto interval = [](bool unit) {
      return [unit](at::IntArrayRef shape, at::ScalarType dtype, uint64_t seed) {
        at::Generator gen = torchdist::testing::seeded_generator(seed);
        const at::Tensor low = draw(Kind::kProbability, shape, dtype, gen) * (unit ? 1 : 3);
        const at::Tensor width = unit ? draw(Kind::kProbability, shape, dtype, gen) * (1 - low)
                                      : draw(Kind::kPositive, shape, dtype, gen);
        return Inputs{low, low + width, draw(Kind::kPositive, shape, dtype, gen),
                      draw(Kind::kPositive, shape, dtype, gen)};
      };
    };
    const std::vector<double> lows{-0.5, 0.0, 1e-10, 0.25, 0.5}, highs{0.5 + 1e-7, 0.75, 1.0, 2.0};
    FormulaUnderTest gamma_kl = formula<tf::UniformGammaKl>("UniformGammaKl", {R, R, P, P});
    gamma_kl.edges = {lows, highs, edges_of(P), {1e-3, 1.0, 1e4}};
    gamma_kl.random = interval(false);
    gamma_kl.tolerance_scale = 10;
    out.push_back(gamma_kl);
    FormulaUnderTest pareto_kl = formula<tf::UniformParetoKl>("UniformParetoKl", {R, R, P, P});
    pareto_kl.edges = {lows, highs, {1e-3, 0.25, 1.0}, edges_of(P)};
    pareto_kl.random = interval(false);
    // Narrow intervals (1e-7 / x_m wide) amplify the derivative's rounding.
    pareto_kl.tolerance_scale = 10;
    out.push_back(pareto_kl);
    FormulaUnderTest beta_kl = formula<tf::UniformBetaKl>("UniformBetaKl", {R, R, P, P});
    beta_kl.edges = {lows, highs, edges_of(P), {1e-3, 1.0, 1e4}};
    beta_kl.random = interval(true);
    beta_kl.tolerance_scale = 1e4;
    out.push_back(beta_kl);
  }
  // NegativeBinomial: counts and total counts at 0 (the empty normalizer),
  // the point mass p = 0, large counts (the lgamma differences cancel).
  {
    const std::vector<double> k{0.0, 1.0, 5.0, 1e4}, r{0.0, 1e-3, 0.5, 1.0, 30.0, 1e4};
    FormulaUnderTest probs = formula<tf::NegativeBinomialLogProb<false>>("NegativeBinomialLogProb<probs>", {C, P, Pr});
    probs.edges = {k, r, {0.0, 1e-10, 0.25, 0.5, 1.0 - 1e-7}};
    probs.tolerance_scale = 10;
    out.push_back(probs);
    FormulaUnderTest logits = formula<tf::NegativeBinomialLogProb<true>>("NegativeBinomialLogProb<logits>", {C, P, L});
    logits.edges = {k, r, {-30.0, -1.0, 0.0, 1e-7, 30.0}};
    logits.tolerance_scale = 10;
    out.push_back(logits);
  }
  // Exponential, HalfNormal and Weibull: values below 0 (-inf or the
  // formula's extension), at 0 and far out; Weibull's ratio x / scale
  // subnormal or huge.
  {
    const std::vector<double> x{-1.0, 0.0, 1e-310, 1e-40, 1e-3, 0.5, 1.0, 30.0, 1e4};
    for (FormulaUnderTest f : {formula<tf::ExponentialLogProb>("ExponentialLogProb", {R, P}),
                               formula<tf::ExponentialCdf>("ExponentialCdf", {Ra, P}),
                               formula<tf::HalfNormalLogProb>("HalfNormalLogProb", {R, P})}) {
      f.edges = {x, edges_of(P)};
      out.push_back(f);
    }
    out.push_back(formula<tf::ExponentialIcdf>("ExponentialIcdf", {Pr, P}));
    FormulaUnderTest weibull = formula<tf::WeibullLogProb>("WeibullLogProb", {Ra, P, P});
    weibull.edges = {x, {1e-310, 1e-3, 1.0, 1e10}, {1e-3, 0.5, 1.0, 2.0, 30.0}};
    out.push_back(weibull);
  }
  // Geometric log_prob: counts at 0 (where k log(1 - p) is 0 even at p = 1 or
  // logits +inf).
  {
    FormulaUnderTest probs = formula<tf::GeometricLogProb<false>>("GeometricLogProb<probs>", {C, Pr});
    probs.edges = {{0.0, 1.0, 5.0, 1e4}, {1e-40, 1e-10, 0.25, 0.5, 1.0 - 1e-7, 1.0}};
    out.push_back(probs);
    FormulaUnderTest logits = formula<tf::GeometricLogProb<true>>("GeometricLogProb<logits>", {C, L});
    logits.edges = {{0.0, 1.0, 5.0, 1e4}, edges_of(L)};
    out.push_back(logits);
  }
  {
    FormulaUnderTest f = formula<tf::ExponentialGammaKl>("ExponentialGammaKl", {P, P, P});
    // The derivative in the rates, k / l - r / l^2, cancels where l ~ r
    // (at l = 1e-40 each term is 1e40).
    f.tolerance_scale = 1e4;
    out.push_back(f);
  }
  // InverseGamma moments on both sides of where they become infinite.
  for (FormulaUnderTest f : {formula<tf::InverseGammaMean>("InverseGammaMean", {P, P}),
                             formula<tf::InverseGammaVariance>("InverseGammaVariance", {P, P})}) {
    f.edges = {{0.5, 1.0, 1.0 + 1e-7, 2.0, 2.0 + 1e-7, 3.0, 30.0, 1e4}, edges_of(P)};
    out.push_back(f);
  }
  // Bernoulli variates: uniforms at 1 and next to p.
  {
    FormulaUnderTest probs = formula<tf::BernoulliFromUniform<false>>("BernoulliFromUniform<probs>", {Pr, Pr});
    probs.edges = {{1e-40, 0.25, 0.5, 0.5 + 1e-7, 1.0}, {0.0, 0.25, 0.5, 1.0}};
    out.push_back(probs);
    FormulaUnderTest logits = formula<tf::BernoulliFromUniform<true>>("BernoulliFromUniform<logits>", {Pr, L});
    logits.edges = {{1e-40, 0.25, 0.5, 0.5 + 1e-7, 1.0}, edges_of(L)};
    out.push_back(logits);
  }
  // Geometric variates: exponentials from 0 (u = 1) to the far tail,
  // probabilities up to 1, logits to +-inf.
  {
    const std::vector<double> e{0.0, 1e-300, 1e-3, 0.5, 1.0, 36.7, 708.0};
    FormulaUnderTest probs = formula<tf::GeometricFromExponential<false>>("GeometricFromExponential<probs>", {P, Pr});
    probs.edges = {e, {1e-40, 1e-10, 0.25, 0.5, 1.0 - 1e-7, 1.0}};
    probs.step = 1;
    out.push_back(probs);
    FormulaUnderTest logits = formula<tf::GeometricFromExponential<true>>("GeometricFromExponential<logits>", {P, L});
    logits.edges = {e, {-1e4, -30.0, -1.0, 0.0, 1e-7, 30.0, 1e4, std::numeric_limits<double>::infinity()}};
    logits.step = 1;
    out.push_back(logits);
  }
  {
    FormulaUnderTest f = formula<tf::CategoricalEntropyTerm>("CategoricalEntropyTerm", {L});
    f.edges = {cat_logits};
    out.push_back(f);
  }
  return out;
}

double rtol_for(at::ScalarType dtype) { return dtype == at::kFloat ? 2e-5 : 1e-12; }
// Derivatives in float: the chain rule through a formula's cancellation-free
// forms still subtracts terms (e^y - 1 from e^y), in forward and reverse
// mode alike, each rounding its own way.
double grad_rtol_for(at::ScalarType dtype) { return dtype == at::kFloat ? 1e-4 : 1e-12; }
double atol_for(at::ScalarType dtype) { return dtype == at::kFloat ? 1e-6 : 1e-13; }

// `in` as leaves: all requiring grad, or only argument `only`.
Inputs leaves(const Inputs& in, int only = -1) {
  Inputs out;
  for (size_t i = 0; i < in.size(); ++i) {
    out.push_back(in[i].detach().requires_grad_(only < 0 || static_cast<size_t>(only) == i));
  }
  return out;
}

Inputs zeros_like_all(const Inputs& xs) {
  Inputs zeros;
  for (const at::Tensor& x : xs) zeros.push_back(at::zeros_like(x).detach());
  return zeros;
}

// d sum(w * f) / d argument for every argument (or only argument `only`),
// each as a tensor of its shape (zeros where an argument does not take part).
Inputs gradient(const Fn& f, const Inputs& in, const at::Tensor& weights, bool second_order = false,
                int only = -1) {
  Inputs xs = leaves(in, only);
  const at::Tensor out = (f(xs) * weights).sum();
  if (!out.requires_grad()) return zeros_like_all(xs);  // the one argument is constant in f (ConstantIn)
  Inputs wrt = only < 0 ? xs : Inputs{xs[static_cast<size_t>(only)]};
  auto partial = torch::autograd::grad({out}, wrt, {}, /*retain_graph=*/true, second_order, /*allow_unused=*/true);
  torch::autograd::variable_list first(xs.size());
  for (size_t i = 0, k = 0; i < xs.size(); ++i) {
    if (only < 0 || static_cast<size_t>(only) == i) first[i] = partial[k++];
  }
  if (second_order) {
    at::Tensor total = at::zeros({}, out.options());
    for (const at::Tensor& g : first) {
      if (g.defined()) total = total + g.sum();
    }
    // A formula linear in its arguments (UniformMean) has constant first
    // derivatives: its second ones are 0.
    if (!total.requires_grad()) return zeros_like_all(xs);
    first = torch::autograd::grad({total}, xs, {}, false, false, /*allow_unused=*/true);
  }
  Inputs out_grads;
  for (size_t i = 0; i < xs.size(); ++i) out_grads.push_back(first[i].defined() ? first[i] : at::zeros_like(xs[i]));
  return out_grads;
}

Inputs in_double(const Inputs& in) {
  Inputs out;
  for (const at::Tensor& t : in) out.push_back(t.to(at::kDouble));
  return out;
}

// The fast path is as good as the composition it replaces: within
// rtol |truth| + atol of the truth, or no further from it than 4 times the
// composition's own error. In float the truth is the composition in double
// (a float composition carries float's cancellation too, and the two paths
// round differently); in double it is the composition itself. NaN must
// meet NaN and an infinity the same infinity. Elements outside `where`
// (broadcast to the shape) are not compared.
::testing::AssertionResult as_good(const at::Tensor& fast, const at::Tensor& reference, const at::Tensor& truth,
                                   double rtol, at::Tensor atol, const at::Tensor& where, bool finite_beats_nan = false) {
  if (fast.sizes() != reference.sizes()) {
    return ::testing::AssertionFailure() << "shape " << fast.sizes() << " != " << reference.sizes();
  }
  const at::Tensor a = fast.to(at::kDouble), r = reference.to(at::kDouble), t = truth.to(at::kDouble);
  const at::Tensor nan = a.isnan().logical_and(r.isnan());
  // An infinity equal to the composition's, or to the truth where the
  // composition in float gives NaN (inf - inf in its order of operations).
  const at::Tensor inf = a.isinf().logical_and((a == r).logical_or(a == t));
  // The composition's own error counts where it is finite (in float it may
  // overflow or give NaN where the truth and the fast path are finite).
  const at::Tensor bound = at::maximum(rtol * t.abs() + atol.to(at::kDouble), (4 * (r - t).abs()).nan_to_num(0, 0, 0));
  at::Tensor ok = ((a - t).abs() <= bound).logical_or(nan).logical_or(inf).logical_or(where.logical_not());
  if (finite_beats_nan) ok = ok.logical_or(r.isnan().logical_and(t.isnan()).logical_and(a.isfinite()));
  if (ok.all().item<bool>()) return ::testing::AssertionSuccess();
  const int64_t i = ok.logical_not().flatten().nonzero()[0].item<int64_t>();
  std::ostringstream os;
  os.precision(17);
  os << ok.logical_not().sum().item<int64_t>() << " of " << ok.numel() << " differ; first at " << i << ": fast "
     << a.flatten()[i].item<double>() << ", composition " << r.flatten()[i].item<double>() << ", truth "
     << t.flatten()[i].item<double>();
  return ::testing::AssertionFailure() << os.str();
}

// Values and first derivatives (second ones too when asked) of the fast
// paths against the ATen composition. Gradients are compared where the
// value is finite and no argument is subnormal: where the value is infinite
// (outside a support, overflow) the derivative means nothing, and reverse
// mode through the composition's where() gives NaN there (0 * inf) where
// the dual numbers give 0; at a subnormal argument the chain rule divides
// by it and overflows, so both paths return whatever their order of
// operations happens to leave (KL(Gumbel(0, 1e-310) || Gumbel(0, 1e-310)),
// whose derivative is 0, gives 3e22 and 4e23). Where reverse mode through
// the composition gives a NaN derivative at a finite value (an infinite
// side of a where() that is not taken: KL(Binomial(0, 0) ||
// Binomial(1, 1)) in q's count), a finite one from the dual numbers passes.
// With `only` >= 0, only that argument requires grad (the backward then
// computes one direction).
void expect_agree(const FormulaUnderTest& f, const Inputs& in, const std::string& what, bool second_order = false,
                  int only = -1) {
  SCOPED_TRACE(f.name + ": " + what);
  const at::ScalarType dtype = in[0].scalar_type();
  const double rtol = rtol_for(dtype) * f.tolerance_scale, atol = atol_for(dtype) * f.tolerance_scale;
  const at::Tensor fast = f.evaluate(in), reference = f.reference(in);
  ASSERT_EQ(fast.scalar_type(), reference.scalar_type());
  const bool is_float = dtype == at::kFloat;
  const at::Tensor truth = is_float ? f.reference(in_double(in)) : reference;
  const at::Tensor everywhere = at::ones({}, at::kBool);
  EXPECT_TRUE(as_good(fast, reference, truth, rtol, at::scalar_tensor(std::max(atol, f.step)), everywhere))
      << "values";
  // A derivative in float may be the difference of terms as large as the
  // value (KL(Geometric(0.25) || Geometric(logits -1e4)) is 4e4, its
  // derivative 0.02): float then leaves an absolute error of eps times the
  // value on either path.
  const at::Tensor value_scale =
      is_float ? (16 * std::numeric_limits<float>::epsilon()) * truth.abs().nan_to_num(0, 0, 0) : truth.new_zeros({});
  at::Tensor finite = truth.isfinite();
  const double smallest_normal = dtype == at::kFloat ? std::numeric_limits<float>::min()
                                                     : std::numeric_limits<double>::min();
  for (const at::Tensor& x : in) {
    const at::Tensor subnormal = (x != 0).logical_and(x.abs() < smallest_normal);
    finite = finite.logical_and(subnormal.logical_not());
  }
  const at::Tensor weights = at::rand(reference.sizes(), torchdist::testing::seeded_generator(3), reference.options());
  for (int order = 1; order <= (second_order ? 2 : 1); ++order) {
    const bool second = order == 2;
    const Inputs g_fast = gradient(f.evaluate, in, weights, second, only),
                 g_ref = gradient(f.reference, in, weights, second, only);
    const Inputs g_truth =
        is_float ? gradient(f.reference, in_double(in), weights.to(at::kDouble), second, only) : g_ref;
    for (size_t i = 0; i < in.size(); ++i) {
      if ((only >= 0 && static_cast<size_t>(only) != i) || f.constant_in[i]) continue;
      // An argument with the output's shape: compared where the value is
      // finite; a broadcast one sums over outputs: where all are finite.
      const bool same_shape = in[i].sizes() == truth.sizes();
      const at::Tensor where = same_shape ? finite : finite.all();
      const at::Tensor grad_atol = atol + (same_shape ? value_scale : value_scale.max());
      EXPECT_TRUE(as_good(g_fast[i], g_ref[i], g_truth[i], grad_rtol_for(dtype) * f.tolerance_scale, grad_atol, where,
                          /*finite_beats_nan=*/true))
          << (second ? "second" : "first") << " derivative in argument " << i;
    }
  }
}

class Formulas : public ::testing::TestWithParam<at::ScalarType> {
 protected:
  void TearDown() override { tk::set_fused_kernels_enabled(true); }
};

TEST_P(Formulas, VectorPathAgreesWithTheAtenComposition) {
  const at::ScalarType dtype = GetParam();
  if (!tk::fused_kernels_enabled()) GTEST_SKIP() << "built without the AVX2 kernels or no AVX2 on this CPU";
  for (const FormulaUnderTest& f : formulas_under_test()) {
    // Whole vectors, a tail shorter than a vector, more than one thread's grain.
    for (int64_t n : {int64_t{1000}, int64_t{37}, int64_t{3}, int64_t{70000}}) {
      expect_agree(f, f.random({n}, dtype, 11 + n), "contiguous n=" + std::to_string(n));
    }
    // Broadcasting: the second argument repeated over a leading dimension,
    // the first a single element, and an expanded (stride 0) view.
    Inputs in = f.random({5, 7}, dtype, 5);
    if (in.size() > 1) {
      in[1] = in[1][0];
      expect_agree(f, in, "broadcast [5, 7] with [7]");
    }
    in = f.random({5, 7}, dtype, 6);
    in[0] = in[0].reshape(-1)[0];
    expect_agree(f, in, "broadcast [] with [5, 7]");
    in = f.random({5, 7}, dtype, 7);
    in[0] = in[0][1].expand({5, 7});
    expect_agree(f, in, "expanded view");
    // Repeated element by element: a column against a row, and a column
    // expanded (an incoming gradient's layout).
    in = f.random({5, 7}, dtype, 9);
    in[0] = in[0].select(1, 0).contiguous().unsqueeze(1);
    if (in.size() > 1) in[1] = in[1][0];
    expect_agree(f, in, "broadcast [5, 1] with [7]");
    in = f.random({5, 7}, dtype, 10);
    in[0] = in[0].select(1, 2).contiguous().unsqueeze(1).expand({5, 7});
    expect_agree(f, in, "expanded column");
    // One argument differentiated at a time.
    for (size_t i = 0; i < f.edges.size() && f.edges.size() > 1; ++i) {
      expect_agree(f, f.random({45}, dtype, 12 + i), "only argument " + std::to_string(i) + " requires grad",
                   /*second_order=*/false, static_cast<int>(i));
    }
    // Second derivatives: the node's backward falls back to the composition.
    expect_agree(f, f.random({19}, dtype, 8), "second order", /*second_order=*/true);
  }
}

TEST_P(Formulas, OneElementPathAgreesWithTheAtenComposition) {
  const at::ScalarType dtype = GetParam();
  for (const FormulaUnderTest& f : formulas_under_test()) {
    Inputs in = f.random({}, dtype, 21);
    expect_agree(f, in, "0-dim");
    in = f.random({1}, dtype, 22);
    expect_agree(f, in, "[1]");
    in = f.random({1, 1}, dtype, 23);
    in[0] = in[0].reshape({});
    expect_agree(f, in, "[] with [1, 1]", /*second_order=*/true);
  }
}

// Every combination of the arguments' edge values all at once through the
// vector path, then (a few hundred of them, strided) one at a time through
// the scalar path.
TEST_P(Formulas, EdgeGridAgreesOnEveryPath) {
  const at::ScalarType dtype = GetParam();
  for (const FormulaUnderTest& f : formulas_under_test()) {
    std::vector<at::Tensor> axes;
    for (const auto& values : f.edges) axes.push_back(at::tensor(values, at::kDouble).to(dtype));
    const std::vector<at::Tensor> grid = at::meshgrid(axes, "ij");
    Inputs flat;
    for (const at::Tensor& g : grid) flat.push_back(g.reshape(-1).contiguous());
    expect_agree(f, flat, "edge grid, vector path");
    // The scalar path at up to ~300 points of the grid, spread over it.
    const int64_t points = flat[0].numel(), stride = std::max<int64_t>(1, points / 300);
    for (int64_t i = 0; i < points; i += stride) {
      Inputs one;
      for (const at::Tensor& t : flat) one.push_back(t[i].clone());
      std::string at_point = "edge grid, scalar path at";
      for (const at::Tensor& t : one) at_point += " " + std::to_string(t.item<double>());
      expect_agree(f, one, at_point);
    }
  }
}

// With the fast paths off, evaluate is the composition itself (the switch
// the other kernel tests use to reach the reference).
TEST_P(Formulas, SwitchedOffIsTheComposition) {
  const at::ScalarType dtype = GetParam();
  tk::set_fused_kernels_enabled(false);
  for (const FormulaUnderTest& f : formulas_under_test()) {
    for (const std::vector<int64_t>& shape : {std::vector<int64_t>{}, std::vector<int64_t>{33}}) {
      const Inputs in = f.random(shape, dtype, 31);
      const at::Tensor fast = f.evaluate(in), reference = f.reference(in);
      EXPECT_TRUE(at::equal(fast, reference)) << f.name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Dtypes, Formulas, ::testing::Values(at::kFloat, at::kDouble),
                         [](const auto& info) { return std::string(c10::toString(info.param)); });

// The scalar backend's digamma and trigamma against ATen's, with ATen's
// values at the poles.
// The compositions' own derivatives against finite differences, where the
// paths' agreement cannot tell: at logit 0, |l| has derivative 0 (the
// log_sigmoid of ATen's value form would lose sigmoid's 1/2 there).
TEST(FormulaDerivatives, LogSigmoidAndTheBinaryKlsAtLogitZero) {
  const at::Tensor l = at::tensor({-2.0, -1e-3, 0.0, 1e-3, 2.0}, at::kDouble);
  auto log_sigmoid = [](const at::Tensor& x) { return tf::log_sigmoid(tf::num(x)).r.sum(); };
  EXPECT_TRUE(torchdist::testing::all_close(torchdist::testing::autograd_grad(log_sigmoid, l), at::sigmoid(-l),
                                            1e-12, 1e-14));
  for (bool kernels : {true, false}) {
    tk::set_fused_kernels_enabled(kernels);
    const at::Tensor q = at::full({5}, 0.7, at::kDouble);
    auto kl = [&](const at::Tensor& x) { return tk::evaluate<tf::BernoulliKlLL>(x, q).sum(); };
    EXPECT_TRUE(torchdist::testing::all_close(torchdist::testing::autograd_grad(kl, l),
                                              torchdist::testing::finite_difference_grad(kl, l, 1e-6), 1e-6, 1e-9))
        << kernels;
  }
  tk::set_fused_kernels_enabled(true);
}

TEST(ScalarDigamma, MatchesAten) {
  std::vector<double> xs{1e-300, 1e-8, 0.1, 0.5, 1.0, 1.5, 2.0, 5.5, 6.0, 10.0, 123.25, 1e5, 1e15,
                         -0.5, -1.5, -2.25, -10.1, 0.0, -0.0, -1.0, -3.0,
                         std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  const at::Tensor expected = at::digamma(at::tensor(xs, at::kDouble));
  std::vector<double> got;
  for (double x : xs) got.push_back(tf::scalar_digamma(x));
  EXPECT_TRUE(all_close(at::tensor(got, at::kDouble), expected, 1e-13, 1e-15));
}

// trigamma against mpmath's psi(1, x) (30 digits, rounded), where ATen's
// polygamma(1, x) is off by up to 1e-11 relative (101.43329914989 at 0.1),
// and at the poles against ATen's +inf.
TEST(ScalarTrigamma, MatchesMpmath) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::pair<double, double>> cases{
      {1e-300, inf}, {1e-8, 10000000000000001.0}, {0.1, 101.43329915079275}, {0.5, 4.9348022005446793},
      {1.0, 1.6449340668482264}, {1.5, 0.93480220054467931}, {2.0, 0.64493406684822644},
      {5.5, 0.19934238698962766}, {6.0, 0.18132295573711533}, {10.0, 0.10516633568168575},
      {123.25, 0.008146594456080265}, {1e5, 1.0000050000166667e-5}, {1e15, 1.0000000000000005e-15},
      {-0.5, 8.9348022005446793}, {-1.5, 9.3792466449891238}, {-2.25, 19.379410511869137},
      {-10.1, 103.26156923946725}, {0.0, inf}, {-1.0, inf}, {-3.0, inf}, {inf, 0.0}};
  for (const auto& c : cases) {
    const double got = tf::scalar_trigamma(c.first);
    if (std::isinf(c.second)) {
      EXPECT_EQ(got, c.second) << "x = " << c.first;
    } else {
      EXPECT_NEAR(got, c.second, 1e-14 * std::abs(c.second)) << "x = " << c.first;
    }
  }
}

}  // namespace
