#pragma once
// Building blocks of the same-family KL rules on tensors: the formulas'
// e^x - 1 - x and log(a / b) (src/formulas/kl_terms.h) for the rules still
// written as ATen compositions; the others are formulas
// (src/formulas/kl_formulas.h).

#include <ATen/ATen.h>

#include "../formulas/kl_terms.h"
#include "../formulas/tensor_backend.h"
#include "kl_rules.h"

namespace torchdist {
namespace detail {
namespace same_family_kl {

// The formulas' building blocks (src/formulas/kl_terms.h) on tensors, for
// the rules still written as ATen compositions.

inline at::Tensor expm1_minus_x(const at::Tensor& x) { return formulas::expm1_minus_x(formulas::num(x)).r; }

inline at::Tensor log_ratio(const at::Tensor& a, const at::Tensor& b) {
  return formulas::log_ratio(formulas::num(a), formulas::num(b)).r;
}

/// The rules between two members of the same discrete family
/// (kl_same_family_discrete.cpp), added by add_same_family_kl_rules.
void add_discrete_same_family_kl_rules(std::vector<KlRule>& rules);

}  // namespace same_family_kl
}  // namespace detail
}  // namespace torchdist
