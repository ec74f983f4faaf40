// KL rules for the composite distributions (Independent,
// TransformedDistribution), which delegate to the KL of their parts, and
// the general rule for two members of one exponential family.
#include <ATen/ATen.h>

#include <algorithm>
#include <string>
#include <vector>

#include "kl_rules.h"
#include "torchdist/core/exponential_family.h"
#include "torchdist/core/utils.h"
#include "torchdist/distributions/independent.h"
#include "torchdist/distributions/transformed_distribution.h"

namespace torchdist {
namespace detail {
namespace {

// Sums the dimensions of `kl` to the right of the broadcast batch shape of
// p and q.
at::Tensor sum_to_batch(const at::Tensor& kl, const Distribution& p, const Distribution& q) {
  const auto batch_dims = static_cast<int64_t>(std::max(p.batch_shape().size(), q.batch_shape().size()));
  return sum_rightmost(kl, std::max<int64_t>(0, kl.dim() - batch_dims));
}

// The log density of Independent(P, n) is the sum of the base's log
// densities over the n reinterpreted dimensions, so is the log ratio, and
// KL(p || q) = sum over those dimensions of KL(p.base || q.base). As torch,
// only for equal n (for different n the event shapes would match only by
// reinterpreting different base dimensions).
at::Tensor kl_independent_independent(const Independent& p, const Independent& q) {
  TORCH_CHECK_NOT_IMPLEMENTED(p.reinterpreted_batch_ndims() == q.reinterpreted_batch_ndims(), "kl_divergence(",
                              p.name(), ", ", q.name(), "): the reinterpreted_batch_ndims differ, ",
                              p.reinterpreted_batch_ndims(), " and ", q.reinterpreted_batch_ndims(), " (bases ",
                              p.base_dist()->name(), " and ", q.base_dist()->name(), ")");
  return sum_rightmost(kl_divergence(*p.base_dist(), *q.base_dist()), p.reinterpreted_batch_ndims());
}

std::string transform_names(const std::vector<TransformPtr>& transforms) {
  std::string out = "[";
  for (size_t i = 0; i < transforms.size(); ++i) out += (i ? ", " : "") + transforms[i]->name();
  return out + "]";
}

bool same_transforms(const std::vector<TransformPtr>& a, const std::vector<TransformPtr>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i]->equals(*b[i])) return false;
  }
  return true;
}

// Y = f(X) with one bijection f for both: log p_Y(y) - log q_Y(y) =
// log p_X(x) - log q_X(x) at x = f^-1(y) (the Jacobian terms cancel), so
// KL(p_Y || q_Y) = KL(p_X || q_X). The base distribution already carries as
// event dimensions the dimensions the transforms act on (it is wrapped in
// Independent), so its KL has the broadcast batch shape and the final sum
// is over nothing for the library's transforms; it is kept for transforms
// whose shapes do not follow that rule. As torch, the transforms are not
// required to be bijective: for an AbsTransform on a base symmetric about
// 0 (HalfCauchy) the result is still exact.
at::Tensor kl_transformed_transformed(const TransformedDistribution& p, const TransformedDistribution& q) {
  TORCH_CHECK_NOT_IMPLEMENTED(same_transforms(p.transforms(), q.transforms()), "kl_divergence(", p.name(), ", ",
                              q.name(), "): defined only for equal transforms, got ",
                              transform_names(p.transforms()), " and ", transform_names(q.transforms()));
  TORCH_CHECK_NOT_IMPLEMENTED(p.event_shape().equals(q.event_shape()), "kl_divergence(", p.name(), ", ", q.name(),
                              "): the event shapes differ, ", p.event_shape(), " and ", q.event_shape());
  return sum_to_batch(kl_divergence(*p.base_dist(), *q.base_dist()), p, q);
}

}  // namespace

void add_composite_kl_rules(std::vector<KlRule>& rules) {
  rules.push_back(make_kl_rule<Independent, Independent>(kl_independent_independent));
  rules.push_back(make_kl_rule<TransformedDistribution, TransformedDistribution>(kl_transformed_transformed));
  // The Bregman divergence of the log normalizer (see exponential_family_kl):
  // the rule for two members of one exponential family without a closer
  // rule (Wishart), NotImplementedError for two different families.
  rules.push_back(make_kl_rule<ExponentialFamily, ExponentialFamily>(exponential_family_kl));
}

}  // namespace detail
}  // namespace torchdist
