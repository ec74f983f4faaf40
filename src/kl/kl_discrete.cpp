// KL rules between discrete distributions of different families.
#include <ATen/ATen.h>

#include "kl_helpers.h"
#include "kl_rules.h"
#include "kl_same_family_helpers.h"
#include "torchdist/distributions/bernoulli.h"
#include "torchdist/distributions/binomial.h"
#include "torchdist/distributions/poisson.h"

namespace torchdist {
namespace detail {

namespace {

using same_family_kl::binary_view;
using same_family_kl::BinaryView;
using same_family_kl::kl_term;
using same_family_kl::safe_log;
using same_family_kl::scalar_like;

// Over p's support {0, 1}: KL = (1 - p) log(1 - p) + p log p - p log l + l
// (log q(0) = -l, log q(1) = log l - l), i.e. (1 - p) log(1 - p) + p plus
// the term p log(p / l) - p + l. Exact at p = 0 and at l = 0 (0 for p = 0,
// +inf for p > 0), where torch's p * log(l) gives NaN at p = l = 0.
at::Tensor kl_bernoulli_poisson(const Bernoulli& p, const Poisson& q) {
  const BinaryView a = binary_view(p.probs(), p.logits());
  const at::Tensor& rate = q.rate();
  const at::Tensor zero = scalar_like(a.q, 0.0);
  const at::Tensor none = at::isneginf(a.log_q);
  const at::Tensor q_log_q = at::where(none, zero, a.q * at::where(none, zero, a.log_q));
  return q_log_q + a.p + kl_term(a.p, rate, a.log_p, safe_log(rate));
}

// A Poisson with a positive rate puts mass on every count, beyond q's
// support {0, 1} or {0, ..., n}: +inf. A zero rate is a point mass at 0, of
// KL -n log(1 - q) (n = 1 for the Bernoulli); torch returns +inf there too.
at::Tensor kl_poisson_point_mass_or_infinity(const Poisson& p, const at::Tensor& total_count, const BinaryView& b) {
  const at::Tensor zero = scalar_like(b.log_q, 0.0);
  const at::Tensor none = total_count == 0;  // n log(1 - q) with n = 0 is 0 even at q = 1
  const at::Tensor at_zero = -at::where(none, zero, total_count) * at::where(none, zero, b.log_q);
  return infinite_where(p.rate() != 0, at::where(p.rate() == 0, at_zero, zero));
}

at::Tensor kl_poisson_bernoulli(const Poisson& p, const Bernoulli& q) {
  const BinaryView b = binary_view(q.probs(), q.logits());
  return kl_poisson_point_mass_or_infinity(p, at::ones({}, b.log_q.options()), b);
}

at::Tensor kl_poisson_binomial(const Poisson& p, const Binomial& q) {
  return kl_poisson_point_mass_or_infinity(p, q.total_count(), binary_view(q.probs(), q.logits()));
}

}  // namespace

void add_discrete_kl_rules(std::vector<KlRule>& rules) {
  rules.push_back(make_kl_rule<Bernoulli, Poisson>(kl_bernoulli_poisson));
  rules.push_back(make_kl_rule<Poisson, Bernoulli>(kl_poisson_bernoulli));
  rules.push_back(make_kl_rule<Poisson, Binomial>(kl_poisson_binomial));
}

}  // namespace detail
}  // namespace torchdist
