#pragma once
// The built-in rules, grouped by file; the registry calls each group once
// when it is first used (explicit calls, not static self-registration, which
// linkers drop from static libraries).

#include <vector>

#include "torchdist/kl/registry.h"

namespace torchdist {
namespace detail {

/// Same family on both sides: Bernoulli-Bernoulli, Normal-Normal, ...
void add_same_family_kl_rules(std::vector<KlRule>& rules);
/// Discrete pairs across families: Bernoulli-Poisson, Poisson-Binomial, ...
void add_discrete_kl_rules(std::vector<KlRule>& rules);
/// Univariate continuous pairs across families, including the +inf pairs
/// whose supports differ.
void add_cross_continuous_kl_rules(std::vector<KlRule>& rules);
/// MultivariateNormal and LowRankMultivariateNormal pairs.
void add_multivariate_kl_rules(std::vector<KlRule>& rules);
/// Independent-Independent, TransformedDistribution-TransformedDistribution
/// and the ExponentialFamily-ExponentialFamily (Bregman) rule.
void add_composite_kl_rules(std::vector<KlRule>& rules);

/// The Normal-Normal KL as ATen ops (the reference of its fused kernel).
at::Tensor normal_normal_kl_formula(const at::Tensor& loc_p, const at::Tensor& scale_p, const at::Tensor& loc_q,
                                    const at::Tensor& scale_q);

}  // namespace detail
}  // namespace torchdist
