#pragma once
/// \file
/// The concrete constraint classes behind the factory functions in
/// constraints.h. Code that dispatches on the kind of a constraint (the
/// `biject_to` / `transform_to` registries, user extensions) uses these
/// types and their accessors; everything else uses the factories.

#include <vector>

#include "torchdist/core/constraints.h"
#include "torchdist/core/lazy.h"

namespace torchdist {
namespace constraints {

/// A bound of GreaterThan, LessThan or Interval: a tensor, or a number that
/// becomes a 0-dim double tensor only when a mask is computed (building a
/// constraint from numbers, as `support()` does on every call, creates no
/// tensor; validation scans compare against the number). Implicit from
/// either, so each constraint has one constructor for both.
class Bound {
 public:
  Bound(at::Tensor value);  // NOLINT: implicit by design
  Bound(double value);      // NOLINT: implicit by design
  /// The bound as a tensor (created on first use for a number).
  const at::Tensor& tensor() const;
  /// The bound as a number, when it has one element on the CPU.
  const c10::optional<double>& scalar() const { return scalar_; }

 private:
  c10::optional<double> scalar_;
  at::Tensor given_;                // the bound given as a tensor
  detail::LazyTensor from_scalar_;  // the bound given as a number, as a tensor on first use
};

/// real() (event_dim 0) and real_vector() (event_dim 1): not NaN.
class Real final : public Constraint {
 public:
  explicit Real(int64_t event_dim) : event_dim_(event_dim) {}
  at::Tensor check(const at::Tensor& value) const override;
  c10::optional<bool> all_satisfied(const at::Tensor& value) const override;
  std::string name() const override;
  int64_t event_dim() const override { return event_dim_; }

 private:
  int64_t event_dim_;
};

/// boolean(): exactly 0 or 1.
class Boolean final : public Constraint {
 public:
  at::Tensor check(const at::Tensor& value) const override;
  c10::optional<bool> all_satisfied(const at::Tensor& value) const override;
  std::string name() const override { return "boolean()"; }
  bool is_discrete() const override { return true; }
};

/// greater_than(lb) (x > lb) and greater_than_eq(lb) (x >= lb); positive()
/// and nonnegative() are instances with lb = 0.
class GreaterThan final : public Constraint {
 public:
  /// `fixed_name` names the parameter-free instances ("positive()").
  GreaterThan(Bound lower_bound, bool inclusive, std::string fixed_name = "");
  at::Tensor check(const at::Tensor& value) const override;
  c10::optional<bool> all_satisfied(const at::Tensor& value) const override;
  std::string name() const override;
  const at::Tensor& lower_bound() const { return lower_bound_.tensor(); }
  bool inclusive() const { return inclusive_; }

 private:
  Bound lower_bound_;
  bool inclusive_;
  std::string fixed_name_;
};

/// less_than(ub): x < ub.
class LessThan final : public Constraint {
 public:
  explicit LessThan(Bound upper_bound) : upper_bound_(std::move(upper_bound)) {}
  at::Tensor check(const at::Tensor& value) const override;
  c10::optional<bool> all_satisfied(const at::Tensor& value) const override;
  std::string name() const override;
  const at::Tensor& upper_bound() const { return upper_bound_.tensor(); }

 private:
  Bound upper_bound_;
};

/// interval(lb, ub) (closed), half_open_interval(lb, ub) ([lb, ub)) and
/// integer_interval(lb, ub) (integers in [lb, ub]); unit_interval() is
/// interval(0, 1).
class Interval final : public Constraint {
 public:
  Interval(Bound lower_bound, Bound upper_bound, bool half_open, bool integer, std::string fixed_name = "");
  at::Tensor check(const at::Tensor& value) const override;
  c10::optional<bool> all_satisfied(const at::Tensor& value) const override;
  std::string name() const override;
  bool is_discrete() const override { return integer_; }
  const at::Tensor& lower_bound() const { return lower_bound_.tensor(); }
  const at::Tensor& upper_bound() const { return upper_bound_.tensor(); }
  bool half_open() const { return half_open_; }

 private:
  Bound lower_bound_, upper_bound_;
  bool half_open_, integer_;
  std::string fixed_name_;
};

/// nonnegative_integer() and positive_integer(): integers >= lower_bound.
class IntegerGreaterThanEq final : public Constraint {
 public:
  IntegerGreaterThanEq(int64_t lower_bound, std::string name) : lower_bound_(lower_bound), name_(std::move(name)) {}
  at::Tensor check(const at::Tensor& value) const override;
  c10::optional<bool> all_satisfied(const at::Tensor& value) const override;
  std::string name() const override { return name_; }
  bool is_discrete() const override { return true; }
  int64_t lower_bound() const { return lower_bound_; }

 private:
  int64_t lower_bound_;
  std::string name_;
};

/// simplex(): nonnegative vectors summing to one.
class Simplex final : public Constraint {
 public:
  at::Tensor check(const at::Tensor& value) const override;
  std::string name() const override { return "simplex()"; }
  int64_t event_dim() const override { return 1; }
};

/// one_hot(): vectors of zeros with a single one.
class OneHot final : public Constraint {
 public:
  at::Tensor check(const at::Tensor& value) const override;
  std::string name() const override { return "one_hot()"; }
  bool is_discrete() const override { return true; }
  int64_t event_dim() const override { return 1; }
};

/// independent(base, n): `base` with n more event dimensions.
class IndependentConstraint final : public Constraint {
 public:
  IndependentConstraint(ConstraintPtr base, int64_t reinterpreted_batch_ndims);
  at::Tensor check(const at::Tensor& value) const override;
  c10::optional<bool> all_satisfied(const at::Tensor& value) const override;
  std::string name() const override;
  bool is_discrete() const override { return base_->is_discrete(); }
  int64_t event_dim() const override { return base_->event_dim() + ndims_; }
  bool is_dependent() const override { return base_->is_dependent(); }
  const ConstraintPtr& base() const { return base_; }
  int64_t reinterpreted_batch_ndims() const { return ndims_; }

 private:
  ConstraintPtr base_;
  int64_t ndims_;
};

/// lower_triangular() and lower_cholesky() (positive diagonal).
class LowerTriangular final : public Constraint {
 public:
  explicit LowerTriangular(bool positive_diagonal) : positive_diagonal_(positive_diagonal) {}
  at::Tensor check(const at::Tensor& value) const override;
  c10::optional<bool> all_satisfied(const at::Tensor& value) const override;
  std::string name() const override { return positive_diagonal_ ? "lower_cholesky()" : "lower_triangular()"; }
  int64_t event_dim() const override { return 2; }
  bool positive_diagonal() const { return positive_diagonal_; }

 private:
  bool positive_diagonal_;
};

/// corr_cholesky(): lower Cholesky factors with unit-norm rows.
class CorrCholesky final : public Constraint {
 public:
  at::Tensor check(const at::Tensor& value) const override;
  std::string name() const override { return "corr_cholesky()"; }
  int64_t event_dim() const override { return 2; }
};

/// square(): matrices with as many rows as columns.
class Square final : public Constraint {
 public:
  at::Tensor check(const at::Tensor& value) const override;
  std::string name() const override { return "square()"; }
  int64_t event_dim() const override { return 2; }
};

/// symmetric(), positive_semidefinite() and positive_definite().
class SymmetricMatrix final : public Constraint {
 public:
  enum class Kind { kSymmetric, kPositiveSemidefinite, kPositiveDefinite };
  explicit SymmetricMatrix(Kind kind) : kind_(kind) {}
  at::Tensor check(const at::Tensor& value) const override;
  c10::optional<bool> all_satisfied(const at::Tensor& value) const override;
  std::string name() const override;
  int64_t event_dim() const override { return 2; }
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

/// multinomial(n): nonnegative integer vectors summing to at most n.
class Multinomial final : public Constraint {
 public:
  explicit Multinomial(int64_t upper_bound) : upper_bound_(upper_bound) {}
  at::Tensor check(const at::Tensor& value) const override;
  std::string name() const override { return "multinomial(" + std::to_string(upper_bound_) + ")"; }
  bool is_discrete() const override { return true; }
  int64_t event_dim() const override { return 1; }
  int64_t upper_bound() const { return upper_bound_; }

 private:
  int64_t upper_bound_;
};

/// cat(parts, dim, lengths): parts[i] on consecutive slices along dim.
class Cat final : public Constraint {
 public:
  Cat(std::vector<ConstraintPtr> parts, int64_t dim, std::vector<int64_t> lengths);
  at::Tensor check(const at::Tensor& value) const override;
  std::string name() const override;
  bool is_discrete() const override;
  int64_t event_dim() const override;
  const std::vector<ConstraintPtr>& parts() const { return parts_; }
  int64_t dim() const { return dim_; }
  const std::vector<int64_t>& lengths() const { return lengths_; }

 private:
  std::vector<ConstraintPtr> parts_;
  int64_t dim_;
  std::vector<int64_t> lengths_;
};

/// stack(parts, dim): parts[i] on value.select(dim, i).
class Stack final : public Constraint {
 public:
  Stack(std::vector<ConstraintPtr> parts, int64_t dim);
  at::Tensor check(const at::Tensor& value) const override;
  std::string name() const override;
  bool is_discrete() const override;
  int64_t event_dim() const override;
  const std::vector<ConstraintPtr>& parts() const { return parts_; }
  int64_t dim() const { return dim_; }

 private:
  std::vector<ConstraintPtr> parts_;
  int64_t dim_;
};

/// dependent(): a placeholder whose check throws.
class Dependent final : public Constraint {
 public:
  Dependent(bool is_discrete, int64_t event_dim) : is_discrete_(is_discrete), event_dim_(event_dim) {}
  at::Tensor check(const at::Tensor& value) const override;
  std::string name() const override { return "dependent()"; }
  bool is_discrete() const override { return is_discrete_; }
  int64_t event_dim() const override { return event_dim_; }
  bool is_dependent() const override { return true; }

 private:
  bool is_discrete_;
  int64_t event_dim_;
};

}  // namespace constraints
}  // namespace torchdist
