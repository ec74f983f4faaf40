// KL divergences between univariate continuous distributions of different
// families whose p has an unbounded support (Exponential, Gamma, Gumbel,
// Laplace, Normal, Pareto), for torch 1.13's finite pairs. The +inf pairs
// and the group's entry point are in kl_cross_continuous.cpp.
//
// Each rule is KL(p || q) = -H(p) + E_p[-log q(x)], with the
// cross-entropies of kl_cross_continuous_helpers.h.

#include <cmath>

#include "../formulas/kl_formulas.h"
#include "../kernels/formula_eval.h"
#include "kl_cross_continuous_helpers.h"
#include "kl_rules.h"
#include "torchdist/distributions/exponential.h"
#include "torchdist/distributions/gamma.h"
#include "torchdist/distributions/gumbel.h"
#include "torchdist/distributions/laplace.h"
#include "torchdist/distributions/normal.h"
#include "torchdist/distributions/pareto.h"

namespace torchdist {
namespace detail {
namespace {

constexpr double kEulerGamma = 0.57721566490153286061;
constexpr double kPi = 3.14159265358979323846;

// ---------------------------------------------------------------------------
// p = Exponential(lambda): H = 1 - log(lambda), E[x] = 1 / lambda,
// Var = 1 / lambda^2, E[log x] = -gamma - log(lambda),
// E[exp(-x / beta)] = 1 / (1 + 1 / (lambda beta)).

// -H(p) + lgamma(k) - k log r - (k - 1) E[log x] + r E[x]
//   = k log(lambda / r) + r / lambda + lgamma(k) + (k - 1) gamma - 1.
// (formulas/kl_formulas.h: ExponentialGammaKl.)
at::Tensor kl_exponential_gamma(const Exponential& p, const Gamma& q) {
  return kernels::evaluate<formulas::ExponentialGammaKl>(p.rate(), q.concentration(), q.rate());
}

// -H(p) + log(beta) + E[z] + E[exp(-z)], z = (x - mu) / beta:
//   E[z] = (1 / lambda - mu) / beta,
//   log E[exp(-z)] = mu / beta - log1p(1 / (lambda beta)).
at::Tensor kl_exponential_gumbel(const Exponential& p, const Gumbel& q) {
  const at::Tensor& lambda = p.rate();
  const at::Tensor& mu = q.loc();
  const at::Tensor& beta = q.scale();
  const at::Tensor mean_z = (lambda.reciprocal() - mu) / beta;
  const at::Tensor log_mean_exp = mu / beta - at::log1p((lambda * beta).reciprocal());
  return -p.entropy() + gumbel_cross_entropy(mean_z, log_mean_exp, q);
}

// -H(p) + log(sigma) + log(2 pi) / 2 + (1 / lambda^2 + (1 / lambda - mu)^2) / (2 sigma^2).
at::Tensor kl_exponential_normal(const Exponential& p, const Normal& q) {
  return -p.entropy() + normal_cross_entropy(p.mean(), p.variance(), q);
}

// ---------------------------------------------------------------------------
// p = Gamma(k, r): H = k - log r + lgamma(k) + (1 - k) digamma(k),
// E[x] = k / r, Var = k / r^2, E[exp(-x / beta)] = (1 + 1 / (r beta))^-k.

// -H(p) - log(rate) + rate k / r.
at::Tensor kl_gamma_exponential(const Gamma& p, const Exponential& q) {
  return -p.entropy() + exponential_cross_entropy(p.mean(), q);
}

// -H(p) + log(beta) + E[z] + E[exp(-z)], z = (x - mu) / beta:
//   E[z] = (k / r - mu) / beta,
//   log E[exp(-z)] = mu / beta - k log1p(1 / (r beta)).
// torch's (1 + 1 / (r beta))^-k rounds 1 + 1 / (r beta) first, an error of
// k eps for large r beta, and overflows with exp(mu / beta) separately.
at::Tensor kl_gamma_gumbel(const Gamma& p, const Gumbel& q) {
  const at::Tensor& mu = q.loc();
  const at::Tensor& beta = q.scale();
  const at::Tensor mean_z = (p.mean() - mu) / beta;
  const at::Tensor log_mean_exp = mu / beta - p.concentration() * at::log1p((p.rate() * beta).reciprocal());
  return -p.entropy() + gumbel_cross_entropy(mean_z, log_mean_exp, q);
}

// -H(p) + log(sigma) + log(2 pi) / 2 + (k / r^2 + (k / r - mu)^2) / (2 sigma^2).
at::Tensor kl_gamma_normal(const Gamma& p, const Normal& q) {
  return -p.entropy() + normal_cross_entropy(p.mean(), p.variance(), q);
}

// ---------------------------------------------------------------------------
// p = Gumbel(m, b): H = log b + 1 + gamma, E[x] = m + b gamma,
// Var = (pi b)^2 / 6.

// -H(p) + log(sigma) + log(2 pi) / 2 + ((pi b)^2 / 6 + (m + b gamma - mu)^2) / (2 sigma^2).
// The variance term is (pi b / sigma)^2 / 12, as torch 1.13 has it.
at::Tensor kl_gumbel_normal(const Gumbel& p, const Normal& q) {
  const at::Tensor& b = p.scale();
  return -p.entropy() + normal_cross_entropy(p.loc() + kEulerGamma * b, (kPi * b).pow(2) / 6, q);
}

// ---------------------------------------------------------------------------
// p = Laplace(m, b): H = 1 + log(2 b), E[x] = m, Var = 2 b^2.

// -H(p) + log(sigma) + log(2 pi) / 2 + (2 b^2 + (m - mu)^2) / (2 sigma^2).
at::Tensor kl_laplace_normal(const Laplace& p, const Normal& q) {
  return -p.entropy() + normal_cross_entropy(p.loc(), 2 * p.scale().pow(2), q);
}

// ---------------------------------------------------------------------------
// p = Normal(m, s): H = log(s) + (1 + log(2 pi)) / 2.

// -H(p) + log(beta) + E[z] + E[exp(-z)], z = (x - mu) / beta:
//   E[z] = (m - mu) / beta, log E[exp(-z)] = (mu - m) / beta + s^2 / (2 beta^2)
// (the normal moment generating function at -1 / beta).
at::Tensor kl_normal_gumbel(const Normal& p, const Gumbel& q) {
  const at::Tensor z = (p.loc() - q.loc()) / q.scale();
  return -p.entropy() + gumbel_cross_entropy(z, (p.scale() / q.scale()).pow(2) / 2 - z, q);
}

// -H(p) + log(2 b) + E|x - l| / b for q = Laplace(l, b), with d = m - l:
//   E|x - l| = s sqrt(2 / pi) exp(-d^2 / (2 s^2)) + d erf(d / (s sqrt 2))
// (the mean of a folded normal). torch 1.13 has the same formula.
at::Tensor kl_normal_laplace(const Normal& p, const Laplace& q) {
  constexpr double kSqrt2OverPi = 0.79788456080286535588;
  constexpr double kSqrtHalf = 0.70710678118654752440;
  const at::Tensor& s = p.scale();
  const at::Tensor d = p.loc() - q.loc();
  const at::Tensor u = d / s;
  const at::Tensor mean_abs = kSqrt2OverPi * s * at::exp(-u.pow(2) / 2) + d * at::erf(kSqrtHalf * u);
  return -p.entropy() + at::log(2 * q.scale()) + mean_abs / q.scale();
}

// ---------------------------------------------------------------------------
// p = Pareto(x_m, alpha): H = log(x_m / alpha) + 1 + 1 / alpha,
// E[log x] = log(x_m) + 1 / alpha, E[x] = alpha x_m / (alpha - 1) (alpha > 1),
// Var = x_m^2 alpha / ((alpha - 1)^2 (alpha - 2)) (alpha > 2). Where a
// moment is infinite, so is the divergence; the formula is then evaluated on
// a stand-in alpha so that its gradient stays finite.

at::Tensor pareto_mean(const Pareto& p, const at::Tensor& alpha) { return alpha * p.scale() / (alpha - 1); }

// -H(p) - log(rate) + rate E[x]; +inf where alpha <= 1.
at::Tensor kl_pareto_exponential(const Pareto& p, const Exponential& q) {
  const at::Tensor heavy = p.alpha() <= 1;
  const at::Tensor alpha = stand_in_where(heavy, 2.0, p.alpha());
  return infinite_where(heavy, -p.entropy() + exponential_cross_entropy(pareto_mean(p, alpha), q));
}

// -H(p) + lgamma(k) - k log r - (k - 1) E[log x] + r E[x]; +inf where alpha <= 1.
at::Tensor kl_pareto_gamma(const Pareto& p, const Gamma& q) {
  const at::Tensor heavy = p.alpha() <= 1;
  const at::Tensor alpha = stand_in_where(heavy, 2.0, p.alpha());
  const at::Tensor mean_log = at::log(p.scale()) + p.alpha().reciprocal();
  return infinite_where(heavy, -p.entropy() + gamma_cross_entropy(pareto_mean(p, alpha), mean_log, q));
}

// -H(p) + log(sigma) + log(2 pi) / 2 + (Var + (E[x] - mu)^2) / (2 sigma^2);
// +inf where alpha <= 2.
at::Tensor kl_pareto_normal(const Pareto& p, const Normal& q) {
  const at::Tensor heavy = p.alpha() <= 2;
  const at::Tensor alpha = stand_in_where(heavy, 3.0, p.alpha());
  const at::Tensor variance = p.scale().pow(2) * alpha / ((alpha - 1).pow(2) * (alpha - 2));
  return infinite_where(heavy, -p.entropy() + normal_cross_entropy(pareto_mean(p, alpha), variance, q));
}

}  // namespace

void add_cross_continuous_unbounded_kl_rules(std::vector<KlRule>& rules) {
  rules.push_back(make_kl_rule<Exponential, Gamma>(kl_exponential_gamma));
  rules.push_back(make_kl_rule<Exponential, Gumbel>(kl_exponential_gumbel));
  rules.push_back(make_kl_rule<Exponential, Normal>(kl_exponential_normal));

  rules.push_back(make_kl_rule<Gamma, Exponential>(kl_gamma_exponential));
  rules.push_back(make_kl_rule<Gamma, Gumbel>(kl_gamma_gumbel));
  rules.push_back(make_kl_rule<Gamma, Normal>(kl_gamma_normal));

  rules.push_back(make_kl_rule<Gumbel, Normal>(kl_gumbel_normal));
  rules.push_back(make_kl_rule<Laplace, Normal>(kl_laplace_normal));

  rules.push_back(make_kl_rule<Normal, Gumbel>(kl_normal_gumbel));
  rules.push_back(make_kl_rule<Normal, Laplace>(kl_normal_laplace));

  rules.push_back(make_kl_rule<Pareto, Exponential>(kl_pareto_exponential));
  rules.push_back(make_kl_rule<Pareto, Gamma>(kl_pareto_gamma));
  rules.push_back(make_kl_rule<Pareto, Normal>(kl_pareto_normal));
}

}  // namespace detail
}  // namespace torchdist
