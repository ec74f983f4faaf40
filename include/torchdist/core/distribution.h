#pragma once
/// \file
/// The abstract base of every distribution: shapes, validation, and the
/// defaults that families do not need to write (`sample` from `rsample`,
/// `stddev` from `variance`, `perplexity` from `entropy`).

#include <ATen/ATen.h>

#include <c10/util/Optional.h>
#include <c10/util/SmallVector.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "torchdist/core/constraints.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// Sets whether distributions validate their arguments when the constructor
/// is not told (the `validate_args` argument left as `c10::nullopt`).
/// The default is `true`, as in torch.
///
/// Example:
/// \code
///   td::set_default_validate_args(false);  // e.g. in an inner training loop
/// \endcode
void set_default_validate_args(bool value);
/// The current global default for `validate_args`.
bool default_validate_args();

/// A probability distribution over tensors, batched.
///
/// A distribution has a `batch_shape` (independent, not necessarily
/// identically distributed copies) and an `event_shape` (the shape of one
/// draw). `sample(sample_shape)` returns `sample_shape + batch_shape +
/// event_shape`; `log_prob(value)` returns the broadcast batch shape of
/// `value`, without the event dimensions.
///
/// Methods a family does not define throw `c10::NotImplementedError`.
/// Concrete families are cheap value types; hold them behind
/// `std::shared_ptr<td::Distribution>` to use them polymorphically.
///
/// Example:
/// \code
///   std::shared_ptr<td::Distribution> d = std::make_shared<td::Normal>(0.0, 1.0);
///   at::Tensor x = d->sample({1000});
///   at::Tensor lp = d->log_prob(x);  // shape [1000]
/// \endcode
class Distribution {
 public:
  virtual ~Distribution() = default;

  /// The family's name, as used in error messages: "Normal".
  virtual std::string name() const = 0;

  at::IntArrayRef batch_shape() const { return batch_shape_; }
  at::IntArrayRef event_shape() const { return event_shape_; }
  /// Whether this distribution checks its parameters and `log_prob` values.
  bool validate_args() const { return validate_args_; }

  /// Whether `rsample` is implemented (pathwise gradients).
  virtual bool has_rsample() const { return false; }
  /// Whether `enumerate_support` is implemented.
  virtual bool has_enumerate_support() const { return false; }
  /// The set the samples live in.
  virtual ConstraintPtr support() const = 0;

  /// One parameter as a family declares it (see `params()`): its name, the
  /// member that holds it, its constraint, and how many of its rightmost
  /// dimensions are not batch dimensions. Parameters must also be finite
  /// unless `allow_infinite` (logits: -inf is a probability of 0). A
  /// parameter given as probs or logits also names the other form
  /// (`derived_name`), which `arg_constraints()` lists too.
  struct Param {
    const char* name;
    const at::Tensor* value;
    ConstraintPtr constraint;
    int64_t event_dim = 0;
    bool allow_infinite = false;
    const char* derived_name = nullptr;
    ConstraintPtr derived_constraint = nullptr;
  };
  using ParamList = c10::SmallVector<Param, 4>;

  /// A parameter's name and the constraint its values satisfy.
  struct ArgConstraint {
    std::string name;
    ConstraintPtr constraint;
  };
  /// The family's parameters and their constraints, with torch's names and
  /// in the order of torch's `arg_constraints` dict: both `probs` and
  /// `logits` for the families that take either, none for composites
  /// (`Independent`, `TransformedDistribution`, ...). Pair it with
  /// `td::biject_to` to map unconstrained tensors onto valid parameters.
  ///
  /// Example:
  /// \code
  ///   td::Gamma g(2.0, 3.0);
  ///   for (const auto& a : g.arg_constraints()) {
  ///     at::Tensor p = td::biject_to(a.constraint)->forward(at::randn({4}));  // valid a.name values
  ///   }
  /// \endcode
  virtual std::vector<ArgConstraint> arg_constraints() const;

  /// Draws samples of shape `sample_shape + batch_shape + event_shape` that
  /// carry no gradient. By default `rsample` under a no-grad guard.
  virtual at::Tensor sample(at::IntArrayRef sample_shape = {},
                            c10::optional<at::Generator> generator = c10::nullopt) const;
  /// Draws reparameterized samples, differentiable in the parameters.
  virtual at::Tensor rsample(at::IntArrayRef sample_shape = {},
                             c10::optional<at::Generator> generator = c10::nullopt) const;

  /// Log of the density (or mass) at `value`.
  virtual at::Tensor log_prob(const at::Tensor& value) const = 0;
  /// Cumulative distribution function.
  virtual at::Tensor cdf(const at::Tensor& value) const;
  /// Inverse cumulative distribution function.
  virtual at::Tensor icdf(const at::Tensor& value) const;
  /// Differential (or Shannon) entropy in nats, shape `batch_shape`.
  virtual at::Tensor entropy() const;
  virtual at::Tensor mean() const;
  virtual at::Tensor mode() const;
  virtual at::Tensor variance() const;
  /// Square root of `variance()` unless the family knows better.
  virtual at::Tensor stddev() const;
  /// exp(entropy()).
  virtual at::Tensor perplexity() const;
  /// All values in the (finite, discrete) support, along a new leftmost
  /// dimension; expanded over the batch when `expand`, else with singleton
  /// batch dimensions.
  virtual at::Tensor enumerate_support(bool expand = true) const;

  /// A new distribution with parameters expanded to `batch_shape`; the
  /// concrete families also offer `expand` returning their own type.
  virtual std::shared_ptr<Distribution> expand_shared(at::IntArrayRef batch_shape) const = 0;

  /// `sample_shape + batch_shape + event_shape`.
  std::vector<int64_t> extended_shape(at::IntArrayRef sample_shape = {}) const;

 protected:
  Distribution(at::IntArrayRef batch_shape, at::IntArrayRef event_shape,
               c10::optional<bool> validate_args);

  /// The family's declaration of its tensor parameters. The base builds
  /// `arg_constraints()`, `expand` (see `td::Family`) and the validation
  /// from it; families with none (composites) keep the default, empty list.
  virtual ParamList params() const { return {}; }
  /// Broadcasts `values` (one per declared parameter, in order; all with
  /// `event_dim` 0) to a common shape and dtype, stores them in the declared
  /// members, sets `batch_shape` to their shape and, when `validate_args()`,
  /// validates them: the whole constructor of most families.
  void init_params(std::initializer_list<ScalarOrTensor> values);
  /// Checks every declared parameter against its constraint (`check_params`).
  void validate_params() const;
  /// Expands every declared parameter to `batch_shape` (plus its own event
  /// dimensions) and sets `batch_shape`: what `expand` does to a copy.
  /// Families with other batched state extend it.
  virtual void expand_params(at::IntArrayRef batch_shape);

  /// One parameter and the constraint it must satisfy, for the checks that
  /// a family runs itself (`check_params`).
  struct ParamCheck {
    const char* name;
    const at::Tensor& value;
    ConstraintPtr constraint;
    bool allow_infinite = false;
  };
  /// Throws `c10::ValueError` "<Family>: <arg> must satisfy <constraint>,
  /// got ..." for the first parameter that violates its constraint, and
  /// "<Family>: <arg> must be finite, got ..." for one that is +-inf where
  /// that is not allowed (torch lets +-inf through, and NaN follows).
  void check_params(std::initializer_list<ParamCheck> params) const;
  /// Checks that `value` broadcasts with `batch_shape + event_shape` and lies
  /// in `support()`; families call it first thing in `log_prob` (and `cdf`)
  /// when `validate_args()`.
  void check_sample(const at::Tensor& value) const;
  /// Checks that an `icdf` argument is a probability in [0, 1]; `method`
  /// names the caller in the message.
  void check_probability(const at::Tensor& value, const char* method) const;
  /// Throws `c10::ValueError` unless the leading `value_batch_dims`
  /// dimensions of `value` broadcast with `batch_shape` from the right;
  /// `what` names the value in the message.
  void check_batch_broadcast(const at::Tensor& value, int64_t value_batch_dims, const char* what) const;
  /// Throws `c10::NotImplementedError` "<Family> does not implement <method>".
  [[noreturn]] void not_implemented(const char* method) const;

  /// For `expand`: the new batch shape (the parameters are the caller's job).
  void set_batch_shape(at::IntArrayRef batch_shape) {
    batch_shape_.assign(batch_shape.begin(), batch_shape.end());
  }

 private:
  std::vector<int64_t> batch_shape_;
  std::vector<int64_t> event_shape_;
  bool validate_args_;
};

/// The base of every concrete family (curiously recurring: `class Normal :
/// public Family<Normal, ExponentialFamily>`): it gives the family `expand`
/// returning its own type and `expand_shared`, both built from the
/// family's `params()` declaration and its `expand_params`.
///
/// Example:
/// \code
///   td::Normal n(at::zeros({1, 3}), 1.0);
///   td::Normal wide = n.expand({4, 3});  // a Normal, parameters expanded without a copy
/// \endcode
template <class Derived, class Base = Distribution>
class Family : public Base {
 public:
  /// This distribution with its parameters expanded to `batch_shape` (no copy).
  Derived expand(at::IntArrayRef batch_shape) const {
    Derived out(static_cast<const Derived&>(*this));
    static_cast<Family&>(out).expand_params(batch_shape);
    return out;
  }
  std::shared_ptr<Distribution> expand_shared(at::IntArrayRef batch_shape) const override {
    return std::make_shared<Derived>(expand(batch_shape));
  }

 protected:
  using Base::Base;
};

/// How composite distributions hold their parts.
using DistributionPtr = std::shared_ptr<const Distribution>;

/// True for concrete distribution types, so that composites can take a
/// distribution by value: `td::Independent(td::Normal(loc, scale), 1)`.
template <class D>
constexpr bool is_distribution_v = std::is_base_of<Distribution, std::decay_t<D>>::value;

/// Moves or copies a distribution value into shared ownership.
template <class D, std::enable_if_t<is_distribution_v<D>, int> = 0>
DistributionPtr share(D&& d) {
  return std::make_shared<std::decay_t<D>>(std::forward<D>(d));
}

namespace detail {
/// Throws `c10::ValueError` "<distribution>: <arg> must satisfy
/// <constraint>, got ..." unless `value` satisfies `constraint`, and
/// "<distribution>: <arg> must be finite, got ..." for +-inf unless
/// `allow_infinite`. The families validate through
/// `Distribution::check_params`; this form is for code that must validate
/// before the distribution object exists (derived families that build their
/// base in the constructor's initializer list) and for transforms, whose
/// inputs may be infinite.
void check_param(const std::string& distribution, const char* arg, const at::Tensor& value,
                 const ConstraintPtr& constraint, bool allow_infinite = false);

/// Describes where `ok` is false: "-1 at index [2] (1 of 3 elements
/// invalid)". Used by the validation messages.
std::string describe_violation(const at::Tensor& value, const at::Tensor& ok, int64_t event_dim);
}  // namespace detail

}  // namespace torchdist
