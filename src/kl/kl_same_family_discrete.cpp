// KL rules between two members of the same discrete family. Each is a sum of
// the terms w log(w / v) - w + v over the outcomes (kl_term), which stay
// exact at zero probabilities and keep their relative precision when p is
// close to q.
#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include "../formulas/kl_formulas.h"
#include "../kernels/formula_eval.h"
#include "kl_helpers.h"
#include "kl_rules.h"
#include "kl_same_family_helpers.h"
#include "torchdist/distributions/bernoulli.h"
#include "torchdist/distributions/binomial.h"
#include "torchdist/distributions/categorical.h"
#include "torchdist/distributions/geometric.h"
#include "torchdist/distributions/one_hot_categorical.h"
#include "torchdist/distributions/poisson.h"

namespace torchdist {
namespace detail {
namespace same_family_kl {

namespace {

// The binary families' rules are formulas of the parameters as given
// (src/formulas/kl_formulas.h: BernoulliKl, BinomialKl, GeometricKl).
bool logits_given(const ProbsLogitsParam& param) { return !param.is_probs(); }

at::Tensor kl_bernoulli_bernoulli(const Bernoulli& p, const Bernoulli& q) {
  return kernels::evaluate_by_form<formulas::BernoulliKl>(logits_given(p.param()), logits_given(q.param()),
                                                         p.param().given(), q.param().given());
}

// Where q's count exceeds p's, torch raises (the divergence then has no
// closed form), and so do we.
at::Tensor kl_binomial_binomial(const Binomial& p, const Binomial& q) {
  const at::Tensor& n_p = p.total_count();
  const at::Tensor& n_q = q.total_count();
  const at::Tensor enough = (n_p >= n_q).expand(at::infer_size(n_p.sizes(), n_q.sizes()));
  TORCH_CHECK_NOT_IMPLEMENTED(enough.all().item<bool>(),
                              "kl_divergence(Binomial, Binomial) is not implemented where q.total_count > "
                              "p.total_count, as in torch; p.total_count: ",
                              describe_violation(n_p.expand(enough.sizes()), enough, 0),
                              ", q.total_count: ", describe_violation(n_q.expand(enough.sizes()), enough, 0));
  return kernels::evaluate_by_form<formulas::BinomialKl>(logits_given(p.param()), logits_given(q.param()),
                                                        n_p, p.param().given(), n_q, q.param().given());
}

at::Tensor kl_geometric_geometric(const Geometric& p, const Geometric& q) {
  return kernels::evaluate_by_form<formulas::GeometricKl>(logits_given(p.param()), logits_given(q.param()),
                                                         p.param().given(), q.param().given());
}

// KL = sum_k p_k log(p_k / q_k): formulas::CategoricalKlTerm of the
// normalized parameters as given (one fused pass), then the row sum. Terms
// with p_k = 0 are 0; q_k = 0 < p_k gives +inf. A q_k that underflows to 0
// from a finite logit (logits -1e4, a common mask) keeps its finite term,
// where torch gives +inf.
at::Tensor categorical_kl(const ProbsLogitsParam& p, const ProbsLogitsParam& q, const char* family) {
  TORCH_CHECK_VALUE(p.given().size(-1) == q.given().size(-1), "kl_divergence(", family, ", ", family,
                    "): the numbers of categories differ, ", p.given().size(-1), " and ", q.given().size(-1));
  return kernels::evaluate_by_form<formulas::CategoricalKlTerm>(logits_given(p), logits_given(q), p.given(),
                                                                q.given())
      .sum(-1);
}

at::Tensor kl_categorical_categorical(const Categorical& p, const Categorical& q) {
  return categorical_kl(p.param(), q.param(), "Categorical");
}

// A one-hot vector carries the same information as its index.
at::Tensor kl_onehotcategorical_onehotcategorical(const OneHotCategorical& p, const OneHotCategorical& q) {
  return categorical_kl(p.param(), q.param(), "OneHotCategorical");
}

// formulas::PoissonKl: the rates' kl_term, exact at zero rates and when the
// rates are close.
at::Tensor kl_poisson_poisson(const Poisson& p, const Poisson& q) {
  return kernels::evaluate<formulas::PoissonKl>(p.rate(), q.rate());
}

}  // namespace

void add_discrete_same_family_kl_rules(std::vector<KlRule>& rules) {
  rules.push_back(make_kl_rule<Bernoulli, Bernoulli>(kl_bernoulli_bernoulli));
  rules.push_back(make_kl_rule<Binomial, Binomial>(kl_binomial_binomial));
  rules.push_back(make_kl_rule<Categorical, Categorical>(kl_categorical_categorical));
  rules.push_back(make_kl_rule<Geometric, Geometric>(kl_geometric_geometric));
  rules.push_back(make_kl_rule<OneHotCategorical, OneHotCategorical>(kl_onehotcategorical_onehotcategorical));
  rules.push_back(make_kl_rule<Poisson, Poisson>(kl_poisson_poisson));
}

}  // namespace same_family_kl
}  // namespace detail
}  // namespace torchdist
