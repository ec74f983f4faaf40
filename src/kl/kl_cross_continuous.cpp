// KL divergences between univariate continuous distributions of different
// families (torch 1.13's pairs): the pairs whose p lives on a bounded
// interval (Beta, ContinuousBernoulli, Uniform), the +inf pairs whose
// supports differ, and the group's entry point. The pairs whose p has an
// unbounded support are in kl_cross_continuous_unbounded.cpp.
//
// Each finite rule is written as KL(p || q) = -H(p) + E_p[-log q(x)], with
// the cross-entropies of kl_cross_continuous_helpers.h.

#include "../formulas/kl_formulas.h"
#include "../kernels/formula_eval.h"
#include "kl_cross_continuous_helpers.h"
#include "kl_rules.h"
#include "torchdist/distributions/beta.h"
#include "torchdist/distributions/continuous_bernoulli.h"
#include "torchdist/distributions/exponential.h"
#include "torchdist/distributions/gamma.h"
#include "torchdist/distributions/gumbel.h"
#include "torchdist/distributions/laplace.h"
#include "torchdist/distributions/normal.h"
#include "torchdist/distributions/pareto.h"
#include "torchdist/distributions/uniform.h"

namespace torchdist {
namespace detail {
namespace {

// ---------------------------------------------------------------------------
// Pairs whose supports differ: p puts mass where q has none, KL = +inf. The
// result has the broadcast batch shape of both sides (torch returns p's).

// One parameter of each family, for the shape and dtype of the result.
const at::Tensor& any_parameter(const Beta& d) { return d.concentration1(); }
const at::Tensor& any_parameter(const ContinuousBernoulli& d) { return d.probs(); }
const at::Tensor& any_parameter(const Exponential& d) { return d.rate(); }
const at::Tensor& any_parameter(const Gamma& d) { return d.concentration(); }
const at::Tensor& any_parameter(const Gumbel& d) { return d.loc(); }
const at::Tensor& any_parameter(const Laplace& d) { return d.loc(); }
const at::Tensor& any_parameter(const Normal& d) { return d.loc(); }
const at::Tensor& any_parameter(const Pareto& d) { return d.scale(); }
const at::Tensor& any_parameter(const Uniform& d) { return d.low(); }

// +inf: a real-line p (Gumbel, Laplace, Normal) against a q on a half-line or
// an interval; a half-line p (Exponential, Gamma on (0, inf), Pareto on
// [x_m, inf)) against a q on [0, 1], an interval or [x_m, inf) with x_m > 0;
// a unit-interval p (Beta, ContinuousBernoulli) against Pareto, which has no
// mass on (0, x_m).
template <class P, class Q>
at::Tensor kl_disjoint_supports(const P& p, const Q& q) {
  return infinite_broadcast(any_parameter(p), any_parameter(q));
}

// E_p[log q(x)] for q = ContinuousBernoulli(lambda), from E_p[x]:
//   log q(x) = log C(lambda) + x log(lambda) + (1 - x) log(1 - lambda),
// with log(lambda) = log_sigmoid(logits), log(1 - lambda) = log_sigmoid(-logits),
// as q.log_prob computes it (binary cross-entropy with logits).
at::Tensor continuous_bernoulli_mean_log_prob(const at::Tensor& mean, const ContinuousBernoulli& q) {
  const at::Tensor& logits = q.logits();
  return mean * at::log_sigmoid(logits) + (1 - mean) * at::log_sigmoid(-logits) +
         continuous_bernoulli_log_normalizer(q.probs(), q.lims());
}

// ---------------------------------------------------------------------------
// p = Beta(a, b): E[x] = a / (a + b), Var = a b / ((a + b)^2 (a + b + 1)),
// E[log x] = digamma(a) - digamma(a + b).

// -H(p) - E_p[log CB(x | lambda)].
at::Tensor kl_beta_continuous_bernoulli(const Beta& p, const ContinuousBernoulli& q) {
  return -p.entropy() - continuous_bernoulli_mean_log_prob(p.mean(), q);
}

// -H(p) - log(rate) + rate E[x].
at::Tensor kl_beta_exponential(const Beta& p, const Exponential& q) {
  return -p.entropy() + exponential_cross_entropy(p.mean(), q);
}

// -H(p) + lgamma(k) - k log r - (k - 1) E[log x] + r E[x].
at::Tensor kl_beta_gamma(const Beta& p, const Gamma& q) {
  const at::Tensor& a = p.concentration1();
  const at::Tensor mean_log = at::digamma(a) - at::digamma(a + p.concentration0());
  return -p.entropy() + gamma_cross_entropy(p.mean(), mean_log, q);
}

// -H(p) + log(sigma) + log(2 pi) / 2 + (Var + (E[x] - mu)^2) / (2 sigma^2).
at::Tensor kl_beta_normal(const Beta& p, const Normal& q) {
  return -p.entropy() + normal_cross_entropy(p.mean(), p.variance(), q);
}

// -H(p) + log(high - low) where [low, high] covers [0, 1], else +inf.
at::Tensor kl_beta_uniform(const Beta& p, const Uniform& q) {
  const at::Tensor uncovered = (q.low() > 0).logical_or(q.high() < 1);
  return infinite_where(uncovered, -p.entropy() + at::log(q.high() - q.low()));
}

// ---------------------------------------------------------------------------
// p = ContinuousBernoulli(lambda): its mean, variance and entropy.

// -H(p) - log(rate) + rate E[x].
at::Tensor kl_continuous_bernoulli_exponential(const ContinuousBernoulli& p, const Exponential& q) {
  return -p.entropy() + exponential_cross_entropy(p.mean(), q);
}

// -H(p) + log(sigma) + log(2 pi) / 2 + (Var + (E[x] - mu)^2) / (2 sigma^2).
at::Tensor kl_continuous_bernoulli_normal(const ContinuousBernoulli& p, const Normal& q) {
  return -p.entropy() + normal_cross_entropy(p.mean(), p.variance(), q);
}

// -H(p) + log(high - low) where [low, high] covers [0, 1], else +inf.
// torch marks low >= 0 or high <= 1 infinite, so Uniform(0, 1) itself
// (and every interval sharing an end with [0, 1]) gives +inf there; the
// divergence is finite whenever low <= 0 and high >= 1.
at::Tensor kl_continuous_bernoulli_uniform(const ContinuousBernoulli& p, const Uniform& q) {
  const at::Tensor uncovered = (q.low() > 0).logical_or(q.high() < 1);
  return infinite_where(uncovered, -p.entropy() + at::log(q.high() - q.low()));
}

// ---------------------------------------------------------------------------
// p = Uniform(lo, hi), w = hi - lo: H(p) = log w, E[x] = (lo + hi) / 2,
// Var = w^2 / 12, E[log x] = formulas::uniform_mean_log(lo, hi, w) (lo >= 0).

at::Tensor uniform_midpoint(const Uniform& p) { return (p.low() + p.high()) / 2; }

// formulas/kl_formulas.h: UniformBetaKl (+inf where [lo, hi] leaves [0, 1];
// torch's x log x differences are NaN at lo = 0 or hi = 1 and lose
// precision for narrow intervals).
at::Tensor kl_uniform_beta(const Uniform& p, const Beta& q) {
  return kernels::evaluate<formulas::UniformBetaKl>(p.low(), p.high(), q.concentration1(), q.concentration0());
}

// -log w - E_p[log CB(x | lambda)]; +inf where [lo, hi] leaves [0, 1]
// (torch also marks lo = 0 or hi = 1 infinite, wrongly: Uniform(0, 1) is
// absolutely continuous with respect to every ContinuousBernoulli).
at::Tensor kl_uniform_continuous_bernoulli(const Uniform& p, const ContinuousBernoulli& q) {
  const at::Tensor outside = (p.low() < 0).logical_or(p.high() > 1);
  return infinite_where(outside, -p.entropy() - continuous_bernoulli_mean_log_prob(uniform_midpoint(p), q));
}

// -log w - log(rate) + rate E[x]; +inf where lo < 0.
at::Tensor kl_uniform_exponential(const Uniform& p, const Exponential& q) {
  return infinite_where(p.low() < 0, -p.entropy() + exponential_cross_entropy(uniform_midpoint(p), q));
}

// formulas/kl_formulas.h: UniformGammaKl (+inf where lo < 0; torch's value
// is NaN at lo = 0).
at::Tensor kl_uniform_gamma(const Uniform& p, const Gamma& q) {
  return kernels::evaluate<formulas::UniformGammaKl>(p.low(), p.high(), q.concentration(), q.rate());
}

// -log w + log(beta) + E[z] + E[exp(-z)], z = (x - mu) / beta:
//   E[z] = ((lo + hi) / 2 - mu) / beta,
//   E[exp(-z)] = (beta / w) (exp(-(lo - mu) / beta) - exp(-(hi - mu) / beta))
//              = exp((mu - lo) / beta) (1 - exp(-v)) / v,  v = w / beta,
// taken in log space with -expm1(-v) / v: torch's difference of exponentials
// over w cancels catastrophically for narrow intervals.
at::Tensor kl_uniform_gumbel(const Uniform& p, const Gumbel& q) {
  const at::Tensor& mu = q.loc();
  const at::Tensor& beta = q.scale();
  const at::Tensor v = (p.high() - p.low()) / beta;
  const at::Tensor mean_z = (uniform_midpoint(p) - mu) / beta;
  const at::Tensor log_mean_exp = (mu - p.low()) / beta + at::log(-at::expm1(-v) / v);
  return -p.entropy() + gumbel_cross_entropy(mean_z, log_mean_exp, q);
}

// -log w + log(sigma) + log(2 pi) / 2 + (w^2 / 12 + (E[x] - mu)^2) / (2 sigma^2).
at::Tensor kl_uniform_normal(const Uniform& p, const Normal& q) {
  const at::Tensor w = p.high() - p.low();
  return -at::log(w) + normal_cross_entropy(uniform_midpoint(p), w.pow(2) / 12, q);
}

// formulas/kl_formulas.h: UniformParetoKl (+inf where lo < x_m; torch's
// x_m^alpha under- or overflows for large alpha).
at::Tensor kl_uniform_pareto(const Uniform& p, const Pareto& q) {
  return kernels::evaluate<formulas::UniformParetoKl>(p.low(), p.high(), q.scale(), q.alpha());
}

}  // namespace

void add_cross_continuous_kl_rules(std::vector<KlRule>& rules) {
  rules.push_back(make_kl_rule<Beta, ContinuousBernoulli>(kl_beta_continuous_bernoulli));
  rules.push_back(make_kl_rule<Beta, Exponential>(kl_beta_exponential));
  rules.push_back(make_kl_rule<Beta, Gamma>(kl_beta_gamma));
  rules.push_back(make_kl_rule<Beta, Normal>(kl_beta_normal));
  rules.push_back(make_kl_rule<Beta, Pareto>(kl_disjoint_supports<Beta, Pareto>));
  rules.push_back(make_kl_rule<Beta, Uniform>(kl_beta_uniform));

  rules.push_back(make_kl_rule<ContinuousBernoulli, Exponential>(kl_continuous_bernoulli_exponential));
  rules.push_back(make_kl_rule<ContinuousBernoulli, Normal>(kl_continuous_bernoulli_normal));
  rules.push_back(make_kl_rule<ContinuousBernoulli, Pareto>(kl_disjoint_supports<ContinuousBernoulli, Pareto>));
  rules.push_back(make_kl_rule<ContinuousBernoulli, Uniform>(kl_continuous_bernoulli_uniform));

  rules.push_back(make_kl_rule<Exponential, Beta>(kl_disjoint_supports<Exponential, Beta>));
  rules.push_back(
      make_kl_rule<Exponential, ContinuousBernoulli>(kl_disjoint_supports<Exponential, ContinuousBernoulli>));
  rules.push_back(make_kl_rule<Exponential, Pareto>(kl_disjoint_supports<Exponential, Pareto>));
  rules.push_back(make_kl_rule<Exponential, Uniform>(kl_disjoint_supports<Exponential, Uniform>));

  rules.push_back(make_kl_rule<Gamma, Beta>(kl_disjoint_supports<Gamma, Beta>));
  rules.push_back(make_kl_rule<Gamma, ContinuousBernoulli>(kl_disjoint_supports<Gamma, ContinuousBernoulli>));
  rules.push_back(make_kl_rule<Gamma, Pareto>(kl_disjoint_supports<Gamma, Pareto>));
  rules.push_back(make_kl_rule<Gamma, Uniform>(kl_disjoint_supports<Gamma, Uniform>));

  rules.push_back(make_kl_rule<Gumbel, Beta>(kl_disjoint_supports<Gumbel, Beta>));
  rules.push_back(make_kl_rule<Gumbel, ContinuousBernoulli>(kl_disjoint_supports<Gumbel, ContinuousBernoulli>));
  rules.push_back(make_kl_rule<Gumbel, Exponential>(kl_disjoint_supports<Gumbel, Exponential>));
  rules.push_back(make_kl_rule<Gumbel, Gamma>(kl_disjoint_supports<Gumbel, Gamma>));
  rules.push_back(make_kl_rule<Gumbel, Pareto>(kl_disjoint_supports<Gumbel, Pareto>));
  rules.push_back(make_kl_rule<Gumbel, Uniform>(kl_disjoint_supports<Gumbel, Uniform>));

  rules.push_back(make_kl_rule<Laplace, Beta>(kl_disjoint_supports<Laplace, Beta>));
  rules.push_back(make_kl_rule<Laplace, ContinuousBernoulli>(kl_disjoint_supports<Laplace, ContinuousBernoulli>));
  rules.push_back(make_kl_rule<Laplace, Exponential>(kl_disjoint_supports<Laplace, Exponential>));
  rules.push_back(make_kl_rule<Laplace, Gamma>(kl_disjoint_supports<Laplace, Gamma>));
  rules.push_back(make_kl_rule<Laplace, Pareto>(kl_disjoint_supports<Laplace, Pareto>));
  rules.push_back(make_kl_rule<Laplace, Uniform>(kl_disjoint_supports<Laplace, Uniform>));

  rules.push_back(make_kl_rule<Normal, Beta>(kl_disjoint_supports<Normal, Beta>));
  rules.push_back(make_kl_rule<Normal, ContinuousBernoulli>(kl_disjoint_supports<Normal, ContinuousBernoulli>));
  rules.push_back(make_kl_rule<Normal, Exponential>(kl_disjoint_supports<Normal, Exponential>));
  rules.push_back(make_kl_rule<Normal, Gamma>(kl_disjoint_supports<Normal, Gamma>));
  rules.push_back(make_kl_rule<Normal, Pareto>(kl_disjoint_supports<Normal, Pareto>));
  rules.push_back(make_kl_rule<Normal, Uniform>(kl_disjoint_supports<Normal, Uniform>));

  rules.push_back(make_kl_rule<Pareto, Beta>(kl_disjoint_supports<Pareto, Beta>));
  rules.push_back(make_kl_rule<Pareto, ContinuousBernoulli>(kl_disjoint_supports<Pareto, ContinuousBernoulli>));
  rules.push_back(make_kl_rule<Pareto, Uniform>(kl_disjoint_supports<Pareto, Uniform>));

  rules.push_back(make_kl_rule<Uniform, Beta>(kl_uniform_beta));
  rules.push_back(make_kl_rule<Uniform, ContinuousBernoulli>(kl_uniform_continuous_bernoulli));
  rules.push_back(make_kl_rule<Uniform, Exponential>(kl_uniform_exponential));
  rules.push_back(make_kl_rule<Uniform, Gamma>(kl_uniform_gamma));
  rules.push_back(make_kl_rule<Uniform, Gumbel>(kl_uniform_gumbel));
  rules.push_back(make_kl_rule<Uniform, Normal>(kl_uniform_normal));
  rules.push_back(make_kl_rule<Uniform, Pareto>(kl_uniform_pareto));

  // Exponential, Gamma, Gumbel, Laplace, Normal and Pareto against finite q.
  add_cross_continuous_unbounded_kl_rules(rules);
}

}  // namespace detail
}  // namespace torchdist
