#pragma once
/// \file
/// Constraints: predicates on tensors that describe where a parameter or a
/// sample may live. The same objects serve argument validation and
/// `Distribution::support()`.

#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <vector>

namespace torchdist {

/// A region of the space a tensor lives in, such as `positive()` or
/// `simplex()`.
///
/// `check(value)` returns a boolean tensor with one entry per event: the
/// shape of `value` with the rightmost `event_dim()` dimensions removed.
///
/// Example:
/// \code
///   auto c = td::constraints::positive();
///   c->check(at::tensor({1.0, -1.0}));  // [true, false]
///   c->name();                          // "positive()"
/// \endcode
class Constraint {
 public:
  virtual ~Constraint() = default;
  /// Elementwise (per event) membership test.
  virtual at::Tensor check(const at::Tensor& value) const = 0;
  /// A readable name, used in error messages: "interval(0, 1)".
  virtual std::string name() const = 0;
  /// Whether the constrained space is discrete (integer-valued).
  virtual bool is_discrete() const { return false; }
  /// Number of rightmost dimensions that together form one event.
  virtual int64_t event_dim() const { return 0; }
  /// True for `dependent()`, whose validity cannot be checked on its own.
  virtual bool is_dependent() const { return false; }
  /// Whether every element of `value` satisfies the constraint, decided by
  /// one scan over memory without building a mask; nullopt where the
  /// constraint or the value's layout has no such scan (the caller then
  /// reduces `check(value)`). Validation calls it first, so a valid value
  /// costs one pass and no temporaries.
  virtual c10::optional<bool> all_satisfied(const at::Tensor& value) const {
    (void)value;
    return c10::nullopt;
  }
};

using ConstraintPtr = std::shared_ptr<const Constraint>;

namespace constraints {

/// Any real number that is not NaN (infinities allowed, as in torch).
ConstraintPtr real();
/// Real vectors: `real()` with `event_dim() == 1`.
ConstraintPtr real_vector();
/// Exactly 0 or 1.
ConstraintPtr boolean();
/// x > 0.
ConstraintPtr positive();
/// x >= 0.
ConstraintPtr nonnegative();
/// 0 <= x <= 1.
ConstraintPtr unit_interval();
/// x > lower_bound. Bounds may be tensors that broadcast with the value.
ConstraintPtr greater_than(at::Tensor lower_bound);
ConstraintPtr greater_than(double lower_bound);
/// x >= lower_bound.
ConstraintPtr greater_than_eq(at::Tensor lower_bound);
ConstraintPtr greater_than_eq(double lower_bound);
/// x < upper_bound.
ConstraintPtr less_than(at::Tensor upper_bound);
ConstraintPtr less_than(double upper_bound);
/// lower_bound <= x <= upper_bound.
ConstraintPtr interval(at::Tensor lower_bound, at::Tensor upper_bound);
ConstraintPtr interval(double lower_bound, double upper_bound);
/// lower_bound <= x < upper_bound.
ConstraintPtr half_open_interval(at::Tensor lower_bound, at::Tensor upper_bound);
ConstraintPtr half_open_interval(double lower_bound, double upper_bound);
/// Integers in [lower_bound, upper_bound].
ConstraintPtr integer_interval(at::Tensor lower_bound, at::Tensor upper_bound);
ConstraintPtr integer_interval(double lower_bound, double upper_bound);
/// Integers >= 0.
ConstraintPtr nonnegative_integer();
/// Integers >= 1.
ConstraintPtr positive_integer();
/// Vectors with nonnegative entries that sum to one (event_dim 1).
ConstraintPtr simplex();
/// One-hot vectors: entries in {0, 1} that sum to one (event_dim 1).
ConstraintPtr one_hot();
/// Reinterprets `reinterpreted_batch_ndims` batch dimensions of `base` as
/// event dimensions: an event is valid when all its entries are.
ConstraintPtr independent(ConstraintPtr base, int64_t reinterpreted_batch_ndims);
/// Lower-triangular matrices (event_dim 2).
ConstraintPtr lower_triangular();
/// Lower-triangular matrices with a positive diagonal (event_dim 2).
ConstraintPtr lower_cholesky();
/// Lower Cholesky factors of correlation matrices: lower_cholesky() with
/// rows of unit Euclidean norm (event_dim 2).
ConstraintPtr corr_cholesky();
/// Square matrices (event_dim 2).
ConstraintPtr square();
/// Symmetric matrices, to an absolute tolerance of 1e-6 (event_dim 2).
ConstraintPtr symmetric();
/// Symmetric positive-semidefinite matrices (event_dim 2).
ConstraintPtr positive_semidefinite();
/// Symmetric positive-definite matrices: a Cholesky factorization exists
/// (event_dim 2).
ConstraintPtr positive_definite();
/// Nonnegative integer vectors whose sum is at most `upper_bound`
/// (event_dim 1), the support of Multinomial.
ConstraintPtr multinomial(int64_t upper_bound);
/// Applies `parts[i]` to consecutive slices of `lengths[i]` entries along
/// `dim` (lengths default to 1 each), like `at::cat` of constrained tensors.
ConstraintPtr cat(std::vector<ConstraintPtr> parts, int64_t dim = 0, std::vector<int64_t> lengths = {});
/// Applies `parts[i]` to `value.select(dim, i)`, like `at::stack` of
/// constrained tensors.
ConstraintPtr stack(std::vector<ConstraintPtr> parts, int64_t dim = 0);
/// A placeholder for a constraint that depends on other parameters; its
/// `check` throws.
ConstraintPtr dependent(bool is_discrete = false, int64_t event_dim = 0);

}  // namespace constraints

namespace detail {
/// Whether no element of `value` is +-inf (NaN counts as finite here), by a
/// vectorized scan of a contiguous CPU tensor; `c10::nullopt` where that
/// scan does not apply (the caller then checks with ATen ops).
c10::optional<bool> has_no_infinities(const at::Tensor& value);
}  // namespace detail
}  // namespace torchdist
