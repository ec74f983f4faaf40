#pragma once
/// \file
/// `biject_to(constraint)` and `transform_to(constraint)`: transforms from
/// unconstrained space onto a constrained one, for optimizing constrained
/// parameters with unconstrained optimizers (and for variational families
/// over constrained supports).

#include <functional>
#include <mutex>
#include <typeindex>
#include <unordered_map>

#include "torchdist/core/constraints.h"
#include "torchdist/transforms/transform.h"

namespace torchdist {

/// A map from constraint types to transform factories.
///
/// Lookup is by the dynamic type of the constraint (as torch dispatches on
/// the constraint's class); factories receive the constraint itself so that
/// they can read its bounds. Users extend a registry for their own
/// constraint types with `add<MyConstraint>(factory)`; a later `add` for the
/// same type replaces the earlier one.
///
/// Example:
/// \code
///   td::biject_to_registry().add<MyPositiveOrdered>([](const MyPositiveOrdered& c) {
///     return td::TransformPtr(std::make_shared<MyOrderedTransform>());
///   });
/// \endcode
class ConstraintRegistry {
 public:
  using Factory = std::function<TransformPtr(const Constraint&)>;

  /// `name` ("biject_to") is used in the error for an unregistered type.
  explicit ConstraintRegistry(std::string name) : name_(std::move(name)) {}

  /// Registers `factory` for constraints whose dynamic type is `C`.
  template <class C>
  void add(std::function<TransformPtr(const C&)> factory) {
    add(std::type_index(typeid(C)),
        [f = std::move(factory)](const Constraint& c) { return f(static_cast<const C&>(c)); });
  }
  void add(std::type_index type, Factory factory);

  /// The transform for `constraint`; throws `c10::NotImplementedError`
  /// naming the registry and the constraint when its type has no factory.
  TransformPtr operator()(const ConstraintPtr& constraint) const;

 private:
  std::string name_;
  mutable std::mutex mutex_;
  std::unordered_map<std::type_index, Factory> factories_;
};

/// The registry of bijections: `biject_to(c)` is a bijective transform from
/// the reals (of the right event shape) onto `c`, so its log-det is usable
/// in densities (e.g. for HMC on constrained parameters).
ConstraintRegistry& biject_to_registry();
/// The registry of (not necessarily injective) transforms onto a
/// constraint, e.g. Softmax onto the simplex; cheaper and better
/// conditioned for optimization.
ConstraintRegistry& transform_to_registry();

/// A bijective transform from unconstrained space onto `constraint`.
///
/// Registered: real, real_vector and independent(...), positive,
/// nonnegative, greater_than(_eq), less_than, interval, half_open_interval,
/// unit_interval, simplex (StickBreaking), corr_cholesky, cat and stack.
///
/// Example (optimize a scale in unconstrained space):
/// \code
///   auto to_scale = td::biject_to(td::constraints::positive());
///   at::Tensor raw = at::zeros({}).set_requires_grad(true);
///   at::Tensor scale = to_scale->forward(raw);  // exp(raw) > 0
/// \endcode
TransformPtr biject_to(const ConstraintPtr& constraint);

/// A transform onto `constraint`, not necessarily injective. Everything
/// `biject_to` has, with simplex mapped by Softmax, plus lower_cholesky
/// (LowerCholeskyTransform) and positive_definite / positive_semidefinite
/// (PositiveDefiniteTransform).
///
/// Example:
/// \code
///   at::Tensor probs = td::transform_to(td::constraints::simplex())->forward(logits);
/// \endcode
TransformPtr transform_to(const ConstraintPtr& constraint);

}  // namespace torchdist
