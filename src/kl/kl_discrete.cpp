// KL rules between discrete distributions of different families.
#include <ATen/ATen.h>

#include "../formulas/kl_formulas.h"
#include "../kernels/formula_eval.h"
#include "kl_rules.h"
#include "torchdist/distributions/bernoulli.h"
#include "torchdist/distributions/binomial.h"
#include "torchdist/distributions/poisson.h"

namespace torchdist {
namespace detail {

namespace {

// The rules are formulas of the binary parameter as given
// (src/formulas/kl_formulas.h: BernoulliPoissonKl, PoissonBinomialKl).

at::Tensor kl_bernoulli_poisson(const Bernoulli& p, const Poisson& q) {
  return kernels::evaluate_by_form<formulas::BernoulliPoissonKl>(!p.param().is_probs(), p.param().given(),
                                                                q.rate());
}

at::Tensor kl_poisson_bernoulli(const Poisson& p, const Bernoulli& q) {
  const at::Tensor& given = q.param().given();
  return kernels::evaluate_by_form<formulas::PoissonBinomialKl>(!q.param().is_probs(), p.rate(),
                                                               at::ones({}, given.options()), given);
}

at::Tensor kl_poisson_binomial(const Poisson& p, const Binomial& q) {
  return kernels::evaluate_by_form<formulas::PoissonBinomialKl>(!q.param().is_probs(), p.rate(),
                                                               q.total_count(), q.param().given());
}

}  // namespace

void add_discrete_kl_rules(std::vector<KlRule>& rules) {
  rules.push_back(make_kl_rule<Bernoulli, Poisson>(kl_bernoulli_poisson));
  rules.push_back(make_kl_rule<Poisson, Bernoulli>(kl_poisson_bernoulli));
  rules.push_back(make_kl_rule<Poisson, Binomial>(kl_poisson_binomial));
}

}  // namespace detail
}  // namespace torchdist
