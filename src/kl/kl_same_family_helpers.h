#pragma once
// Numerically careful building blocks for the same-family and discrete KL
// rules on tensors: the formulas' e^x - 1 - x, safe logs and per-category
// term (src/formulas/kl_terms.h), and exact log-probabilities of the
// categorical families whichever parameterization the user gave (the binary
// families' are in src/formulas/binary.h).

#include <ATen/ATen.h>

#include <cmath>
#include <limits>

#include "../formulas/kl_terms.h"
#include "../formulas/tensor_backend.h"
#include "kl_rules.h"
#include "torchdist/core/utils.h"

namespace torchdist {
namespace detail {
namespace same_family_kl {

inline at::Tensor scalar_like(const at::Tensor& t, double value) { return at::full({}, value, t.options()); }

// The formulas' building blocks (src/formulas/kl_terms.h) on tensors.

inline at::Tensor expm1_minus_x(const at::Tensor& x) { return formulas::expm1_minus_x(formulas::num(x)).r; }

inline at::Tensor safe_log(const at::Tensor& x) { return formulas::safe_log(formulas::num(x)).r; }

inline at::Tensor safe_log1m(const at::Tensor& x) { return formulas::safe_log1m(formulas::num(x)).r; }

inline at::Tensor kl_term(const at::Tensor& w, const at::Tensor& v, const at::Tensor& log_w, const at::Tensor& log_v,
                          const at::Tensor& d) {
  using formulas::num;
  return formulas::kl_term(num(w), num(v), num(log_w), num(log_v), num(d)).r;
}

inline at::Tensor kl_term(const at::Tensor& w, const at::Tensor& v, const at::Tensor& log_w, const at::Tensor& log_v) {
  return kl_term(w, v, log_w, log_v, log_w - log_v);
}

/// The rules between two members of the same discrete family
/// (kl_same_family_discrete.cpp), added by add_same_family_kl_rules.
void add_discrete_same_family_kl_rules(std::vector<KlRule>& rules);

}  // namespace same_family_kl
}  // namespace detail
}  // namespace torchdist
