#pragma once
/// \file
/// Kullback-Leibler divergence between two distributions, dispatched on both
/// arguments' run-time types through an extensible registry of analytic
/// rules (torch.distributions.kl).

#include <ATen/ATen.h>


#include <functional>
#include <string>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <vector>

#include "torchdist/core/distribution.h"

namespace torchdist {

/// KL(p || q) = E_p[log p(x) - log q(x)], shape: the broadcast of both batch
/// shapes. Differentiable in both distributions' parameters.
///
/// The rule is the most specific registered pair `(P, Q)` with `p` an
/// instance of `P` and `q` of `Q`, compared first on `P`, then on `Q`
/// (torch's order): a `Chi2` against a `Chi2` uses the `Gamma`-`Gamma` rule
/// unless a `Chi2`-`Chi2` rule is registered. Pairs whose supports make the
/// divergence infinite (a `Normal` against an `Exponential`) return +inf.
///
/// Throws `c10::NotImplementedError` naming both families when no rule
/// applies, and `c10::ValueError` when the event shapes differ or the batch
/// shapes do not broadcast.
///
/// Example:
/// \code
///   td::Normal p(at::zeros({3}), at::ones({3}));
///   td::Normal q(at::ones({3}), 2.0);
///   at::Tensor kl = td::kl_divergence(p, q);  // shape [3]
/// \endcode
at::Tensor kl_divergence(const Distribution& p, const Distribution& q);

namespace detail {

/// Run-time facts about one distribution type, enough to match instances
/// and to order rules by specificity without naming the type.
struct KlTypeTag {
  std::type_index index;
  std::string name;
  bool (*is_instance)(const Distribution&);
  /// Throws `const T*`; with `catches` it tests derived-to-base conversion
  /// between two erased types (a handler for `const B*` catches a thrown
  /// `const D*` exactly when `D` publicly derives from `B`).
  void (*throw_pointer)();
  bool (*catches)(void (*thrower)());
};

/// "torchdist::Normal" -> "Normal".
std::string short_type_name(const char* mangled);

template <class T>
KlTypeTag kl_type_tag() {
  static_assert(std::is_base_of<Distribution, T>::value, "register_kl: T must derive from td::Distribution");
  return KlTypeTag{std::type_index(typeid(T)), short_type_name(typeid(T).name()),
                   [](const Distribution& d) { return dynamic_cast<const T*>(&d) != nullptr; },
                   [] { throw static_cast<const T*>(nullptr); },
                   [](void (*thrower)()) {
                     try {
                       thrower();
                     } catch (const T*) {
                       return true;
                     } catch (...) {
                     }
                     return false;
                   }};
}

using KlFunction = std::function<at::Tensor(const Distribution&, const Distribution&)>;

/// One registered pair and its function.
struct KlRule {
  KlTypeTag p, q;
  KlFunction fn;
};

/// Wraps a function of the concrete types; the registry only calls it with
/// instances of `P` and `Q`.
template <class P, class Q, class F>
KlRule make_kl_rule(F fn) {
  return KlRule{kl_type_tag<P>(), kl_type_tag<Q>(), [fn](const Distribution& p, const Distribution& q) {
                  return fn(static_cast<const P&>(p), static_cast<const Q&>(q));
                }};
}

/// Adds (or replaces, for the same pair of types) a rule and clears the
/// dispatch cache. Thread-safe.
void add_kl_rule(KlRule rule);

}  // namespace detail

/// Registers `fn(const P&, const Q&) -> at::Tensor` as the KL divergence for
/// the pair `(P, Q)` and their subclasses, replacing a rule registered for
/// exactly that pair. Thread-safe; later calls to `kl_divergence` see it.
///
/// Example:
/// \code
///   td::register_kl<MyNormal, td::Normal>([](const MyNormal& p, const td::Normal& q) {
///     return my_formula(p, q);
///   });
/// \endcode
template <class P, class Q, class F>
void register_kl(F fn) {
  detail::add_kl_rule(detail::make_kl_rule<P, Q>(std::move(fn)));
}

/// The registered pairs as (P, Q) type names without the namespace, in
/// registration order: {"Normal", "Normal"}, {"Normal", "Beta"}, ...
std::vector<std::pair<std::string, std::string>> registered_kl_pairs();

}  // namespace torchdist
