#pragma once
// Internal: Dirichlet(c)'s log_prob and entropy, per coordinate as formulas
// (number.h), summed over the event by the caller. Both run in double: the
// row sums cancel (lgamma(c_0) - sum lgamma(c_i) is a few units from terms
// of order c log c, 1e5 at c = 1e4), which float cannot resolve, so the
// caller passes double arguments and keeps the sum in double.

#include <cstddef>

#include "number.h"

namespace torchdist {
namespace formulas {

/// (c - 1) log x - lgamma(c), the coordinate's share of the log density;
/// the first term is 0 on the face x = 0 (its limit there is the caller's
/// business), with log(1) standing in so that neither the value nor the
/// gradient sees 0 * inf.
struct DirichletLogProbTerm {
  static constexpr size_t arity = 2;
  template <class N>
  static N eval(const N& x, const N& c) {
    const auto on_face = x == 0.0;
    return where(on_face, 0.0, (c - 1.0) * log(where(on_face, 1.0, x))) - lgamma(c);
  }
};

/// lgamma(x), for the normalizer lgamma(c_0) of the log density: on the
/// same path as the terms' lgamma(c_i), so that one category (c_0 = c_1)
/// gives exactly 0.
struct LogGamma {
  static constexpr size_t arity = 1;
  template <class N>
  static N eval(const N& x) {
    return lgamma(x);
  }
};

/// lgamma(c) - (c - 1) digamma(c), the coordinate's share of the entropy;
/// the entropy is the sum of the terms minus the term of c_0 and
/// (k - 1) digamma(c_0).
/// Its gradient (trigamma) comes by reverse mode through the composition.
struct DirichletEntropyTerm {
  static constexpr size_t arity = 1;
  static constexpr bool vector_backward = false;
  template <class N>
  static N eval(const N& c) {
    return lgamma(c) - (c - 1.0) * digamma(c);
  }
};

}  // namespace formulas
}  // namespace torchdist
