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

// KL = p log(p / p') + (1 - p) log((1 - p) / (1 - p')), the two outcomes'
// terms. Exact at p in {0, 1} (0 log 0 = 0), +inf where p' puts no mass on
// an outcome p can take. torch takes the logs from the logits, which for
// given probs are those of probs clamped to [eps, 1 - eps]: off by ~eps at
// probs 0 and 1, and badly below eps (KL(0.5 || 1e-20) = 17.33 instead of
// 22.33).
at::Tensor kl_bernoulli_bernoulli(const Bernoulli& p, const Bernoulli& q) {
  return bernoulli_kl(binary_view(p.probs(), p.logits()), binary_view(q.probs(), q.logits()));
}

// Same total_count n: n times the Bernoulli divergence of one trial. Where
// p's count exceeds q's, p puts mass on counts q cannot reach: +inf, except
// where p's success probability is 0 (all mass at 0, KL = -n_q log(1 - p'),
// which torch reports as +inf too). Where q's count exceeds p's, torch
// raises (the divergence then has no closed form), and so do we.
at::Tensor kl_binomial_binomial(const Binomial& p, const Binomial& q) {
  const at::Tensor& n_p = p.total_count();
  const at::Tensor& n_q = q.total_count();
  const at::Tensor enough = (n_p >= n_q).expand(at::infer_size(n_p.sizes(), n_q.sizes()));
  TORCH_CHECK_NOT_IMPLEMENTED(enough.all().item<bool>(),
                              "kl_divergence(Binomial, Binomial) is not implemented where q.total_count > "
                              "p.total_count, as in torch; p.total_count: ",
                              describe_violation(n_p.expand(enough.sizes()), enough, 0),
                              ", q.total_count: ", describe_violation(n_q.expand(enough.sizes()), enough, 0));
  const BinaryView a = binary_view(p.probs(), p.logits());
  const BinaryView b = binary_view(q.probs(), q.logits());
  const at::Tensor zero = scalar_like(a.p, 0.0);
  // n times a term that may be +inf: 0 where n = 0 (no trials, KL 0).
  auto times = [&](const at::Tensor& n, const at::Tensor& value) {
    const at::Tensor none = n == 0;
    return at::where(none, zero, at::where(none, zero, n) * at::where(none, zero, value));
  };
  const at::Tensor same_count = times(n_p, bernoulli_kl(a, b));
  const at::Tensor all_at_zero = times(n_q, -b.log_q);
  const at::Tensor beyond = n_p > n_q;
  const at::Tensor at_zero = at::isneginf(a.log_p);
  return infinite_where(beyond.logical_and(at_zero.logical_not()), at::where(beyond, all_at_zero, same_count));
}

// The number of failures before the first success: its log-likelihood ratio
// at k is log(p / p') + k log((1 - p) / (1 - p')), and E[k] = (1 - p) / p, so
// KL is the Bernoulli divergence divided by p.
at::Tensor kl_geometric_geometric(const Geometric& p, const Geometric& q) {
  const BinaryView a = binary_view(p.probs(), p.logits());
  return bernoulli_kl(a, binary_view(q.probs(), q.logits())) / a.p;
}

// KL = sum_k p_k log(p_k / q_k), with the log-probabilities taken exactly for
// either parameterization (torch uses the clamped log(probs) of given
// probs: a probability below eps counts as eps). Terms with p_k = 0 are 0;
// q_k = 0 < p_k gives +inf. A q_k that underflows to 0 from a finite logit
// (logits -1e4, a common mask) keeps its finite term, where torch gives +inf.
at::Tensor categorical_kl(const at::Tensor& probs_p, const at::Tensor& logits_p, const at::Tensor& probs_q,
                          const at::Tensor& logits_q, const char* family) {
  TORCH_CHECK_VALUE(probs_p.size(-1) == probs_q.size(-1), "kl_divergence(", family, ", ", family,
                    "): the numbers of categories differ, ", probs_p.size(-1), " and ", probs_q.size(-1));
  return kl_term(probs_p, probs_q, categorical_log_probs(probs_p, logits_p), categorical_log_probs(probs_q, logits_q))
      .sum(-1);
}

at::Tensor kl_categorical_categorical(const Categorical& p, const Categorical& q) {
  return categorical_kl(p.probs(), p.logits(), q.probs(), q.logits(), "Categorical");
}

// A one-hot vector carries the same information as its index.
at::Tensor kl_onehotcategorical_onehotcategorical(const OneHotCategorical& p, const OneHotCategorical& q) {
  return categorical_kl(p.probs(), p.logits(), q.probs(), q.logits(), "OneHotCategorical");
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
