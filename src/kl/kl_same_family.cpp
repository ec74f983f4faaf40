// KL rules between two members of the same continuous family; the discrete
// families are in kl_same_family_discrete.cpp. Where the textbook formula
// cancels when p is close to q, the rules are rearranged so that the
// result keeps its relative precision (see expm1_minus_x).
#include <ATen/ATen.h>

#include "../formulas/kl_formulas.h"
#include "../kernels/formula_eval.h"
#include "../kernels/fused.h"
#include "kl_helpers.h"
#include "kl_rules.h"
#include "kl_same_family_helpers.h"
#include "torchdist/distributions/beta.h"
#include "torchdist/distributions/cauchy.h"
#include "torchdist/distributions/continuous_bernoulli.h"
#include "torchdist/distributions/dirichlet.h"
#include "torchdist/distributions/exponential.h"
#include "torchdist/distributions/gamma.h"
#include "torchdist/distributions/gumbel.h"
#include "torchdist/distributions/half_normal.h"
#include "torchdist/distributions/laplace.h"
#include "torchdist/distributions/normal.h"
#include "torchdist/distributions/pareto.h"
#include "torchdist/distributions/uniform.h"

namespace torchdist {
namespace detail {

namespace {

using same_family_kl::expm1_minus_x;
using same_family_kl::log_ratio;

}  // namespace

// KL = 1/2 (r^2 - 1 - log r^2 + ((mu_p - mu_q) / s_q)^2), r = s_p / s_q.
// With x = log r^2, r^2 - 1 - log r^2 = e^x - 1 - x: torch's
// r^2 + t - 1 - log r^2 cancels to ~eps absolute when p is near q (e.g.
// s_p = s_q (1 + 1e-8) gives KL ~1e-16 with O(1) relative error); this
// form keeps every digit. kl_normal_normal runs the fused kernel of the
// same formula (src/kernels/kl_avx2.cpp) where it applies.
at::Tensor normal_normal_kl_formula(const at::Tensor& loc_p, const at::Tensor& scale_p, const at::Tensor& loc_q,
                                    const at::Tensor& scale_q) {
  const at::Tensor x = 2 * log_ratio(scale_p, scale_q);
  const at::Tensor z = (loc_p - loc_q) / scale_q;
  return 0.5 * (expm1_minus_x(x) + z * z);
}

namespace {

at::Tensor kl_normal_normal(const Normal& p, const Normal& q) {
  const at::Tensor fused =
      kernels::fused_normal_normal_kl(p.loc(), p.scale(), q.loc(), q.scale(), &normal_normal_kl_formula);
  return fused.defined() ? fused : normal_normal_kl_formula(p.loc(), p.scale(), q.loc(), q.scale());
}

// The elementwise rules are formulas (src/formulas/kl_formulas.h, where
// each is derived), run by kernels::evaluate.
at::Tensor kl_halfnormal_halfnormal(const HalfNormal& p, const HalfNormal& q) {
  return kernels::evaluate<formulas::HalfNormalKl>(p.scale(), q.scale());
}

at::Tensor kl_exponential_exponential(const Exponential& p, const Exponential& q) {
  return kernels::evaluate<formulas::ExponentialKl>(p.rate(), q.rate());
}

at::Tensor kl_gamma_gamma(const Gamma& p, const Gamma& q) {
  return kernels::evaluate<formulas::GammaKl>(p.concentration(), p.rate(), q.concentration(), q.rate());
}

// KL = log B(a_q, b_q) - log B(a_p, b_p) + (a_p - a_q) psi(a_p)
//      + (b_p - b_q) psi(b_p) + (a_q - a_p + b_q - b_p) psi(a_p + b_p),
// from E_p[log x] = psi(a_p) - psi(a_p + b_p) and likewise for log(1 - x).
at::Tensor kl_beta_beta(const Beta& p, const Beta& q) {
  const at::Tensor& a_p = p.concentration1();
  const at::Tensor& b_p = p.concentration0();
  const at::Tensor& a_q = q.concentration1();
  const at::Tensor& b_q = q.concentration0();
  const at::Tensor s_p = a_p + b_p;
  const at::Tensor s_q = a_q + b_q;
  const at::Tensor log_beta_ratio =
      at::lgamma(a_q) + at::lgamma(b_q) - at::lgamma(s_q) - at::lgamma(a_p) - at::lgamma(b_p) + at::lgamma(s_p);
  return log_beta_ratio + (a_p - a_q) * at::digamma(a_p) + (b_p - b_q) * at::digamma(b_p) +
         (s_q - s_p) * at::digamma(s_p);
}

// The Dirichlet generalization of the Beta pair, with a_0 = sum_i a_i:
// KL = lgamma(a_0p) - lgamma(a_0q) - sum_i (lgamma(a_ip) - lgamma(a_iq))
//      + sum_i (a_ip - a_iq) (psi(a_ip) - psi(a_0p)).
at::Tensor kl_dirichlet_dirichlet(const Dirichlet& p, const Dirichlet& q) {
  const at::Tensor& a_p = p.concentration();
  const at::Tensor& a_q = q.concentration();
  const at::Tensor s_p = a_p.sum(-1);
  const at::Tensor s_q = a_q.sum(-1);
  const at::Tensor expected_log = at::digamma(a_p) - at::digamma(s_p).unsqueeze(-1);
  return at::lgamma(s_p) - at::lgamma(s_q) + ((a_p - a_q) * expected_log - at::lgamma(a_p) + at::lgamma(a_q)).sum(-1);
}

at::Tensor kl_cauchy_cauchy(const Cauchy& p, const Cauchy& q) {
  return kernels::evaluate<formulas::CauchyKl>(p.loc(), p.scale(), q.loc(), q.scale());
}

at::Tensor kl_gumbel_gumbel(const Gumbel& p, const Gumbel& q) {
  return kernels::evaluate<formulas::GumbelKl>(p.loc(), p.scale(), q.loc(), q.scale());
}

at::Tensor kl_laplace_laplace(const Laplace& p, const Laplace& q) {
  return kernels::evaluate<formulas::LaplaceKl>(p.loc(), p.scale(), q.loc(), q.scale());
}

at::Tensor kl_pareto_pareto(const Pareto& p, const Pareto& q) {
  return kernels::evaluate<formulas::ParetoKl>(p.scale(), p.alpha(), q.scale(), q.alpha());
}

at::Tensor kl_uniform_uniform(const Uniform& p, const Uniform& q) {
  return kernels::evaluate<formulas::UniformKl>(p.low(), p.high(), q.low(), q.high());
}

// log f(x) = x l + log(1 - lambda) + log C(lambda) with l the logits, so
// KL = E_p[x] (l_p - l_q) + log(1 - lambda_p) - log(1 - lambda_q)
//      + log C(lambda_p) - log C(lambda_q).
// log(1 - lambda) is taken as log_sigmoid(-l), the term log_prob uses (more
// precise than torch's log1p(-probs) for lambda near 1, otherwise equal).
at::Tensor kl_continuous_bernoulli_continuous_bernoulli(const ContinuousBernoulli& p, const ContinuousBernoulli& q) {
  const at::Tensor log_norm_p = continuous_bernoulli_log_normalizer(p.probs(), p.lims());
  const at::Tensor log_norm_q = continuous_bernoulli_log_normalizer(q.probs(), q.lims());
  return p.mean() * (p.logits() - q.logits()) + at::log_sigmoid(-p.logits()) - at::log_sigmoid(-q.logits()) +
         log_norm_p - log_norm_q;
}

}  // namespace

void add_same_family_kl_rules(std::vector<KlRule>& rules) {
  rules.push_back(make_kl_rule<Beta, Beta>(kl_beta_beta));
  rules.push_back(make_kl_rule<Cauchy, Cauchy>(kl_cauchy_cauchy));
  rules.push_back(make_kl_rule<ContinuousBernoulli, ContinuousBernoulli>(kl_continuous_bernoulli_continuous_bernoulli));
  rules.push_back(make_kl_rule<Dirichlet, Dirichlet>(kl_dirichlet_dirichlet));
  rules.push_back(make_kl_rule<Exponential, Exponential>(kl_exponential_exponential));
  rules.push_back(make_kl_rule<Gamma, Gamma>(kl_gamma_gamma));
  rules.push_back(make_kl_rule<Gumbel, Gumbel>(kl_gumbel_gumbel));
  rules.push_back(make_kl_rule<HalfNormal, HalfNormal>(kl_halfnormal_halfnormal));
  rules.push_back(make_kl_rule<Laplace, Laplace>(kl_laplace_laplace));
  rules.push_back(make_kl_rule<Normal, Normal>(kl_normal_normal));
  rules.push_back(make_kl_rule<Pareto, Pareto>(kl_pareto_pareto));
  rules.push_back(make_kl_rule<Uniform, Uniform>(kl_uniform_uniform));
  same_family_kl::add_discrete_same_family_kl_rules(rules);
}

}  // namespace detail
}  // namespace torchdist
