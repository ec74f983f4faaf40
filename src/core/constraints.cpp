#include "torchdist/core/constraints.h"

#include "torchdist/core/utils.h"

#include <ATen/ATen.h>

#include <sstream>
#include <utility>

namespace torchdist {
namespace constraints {
namespace {

// Bounds print as a number when they hold one value, otherwise by shape: the
// name goes into error messages, which must stay short.
std::string format_bound(const at::Tensor& bound) {
  std::ostringstream os;
  if (bound.numel() == 1) {
    os << bound.item<double>();
  } else {
    os << "tensor of shape " << bound.sizes();
  }
  return os.str();
}

at::Tensor as_bound(double b) { return at::scalar_tensor(b, at::kDouble); }

// A bound may be a double tensor while the value is float: compare in the
// value's dtype so that `check` never upcasts a large batch.
at::Tensor bound_like(const at::Tensor& bound, const at::Tensor& value) {
  if (bound.device() == value.device() && bound.scalar_type() == value.scalar_type()) return bound;
  if (!at::isFloatingType(value.scalar_type())) return bound.to(value.device());
  return bound.to(value.device(), value.scalar_type());
}

at::Tensor is_integer(const at::Tensor& v) {
  if (!at::isFloatingType(v.scalar_type())) return at::ones_like(v, v.options().dtype(at::kBool));
  return (v == v.floor()).logical_and(v.isfinite());  // inf is not an integer
}

class Real final : public Constraint {
 public:
  explicit Real(int64_t event_dim) : event_dim_(event_dim) {}
  at::Tensor check(const at::Tensor& v) const override {
    at::Tensor ok = v == v;  // false exactly for NaN
    return event_dim_ == 0 ? ok : ok.flatten(-event_dim_).all(-1);
  }
  std::string name() const override { return event_dim_ == 0 ? "real()" : "real_vector()"; }
  int64_t event_dim() const override { return event_dim_; }

 private:
  int64_t event_dim_;
};

class Boolean final : public Constraint {
 public:
  at::Tensor check(const at::Tensor& v) const override { return (v == 0).logical_or(v == 1); }
  std::string name() const override { return "boolean()"; }
  bool is_discrete() const override { return true; }
};

class GreaterThan final : public Constraint {
 public:
  // `fixed_name` names the parameter-free singletons; otherwise the name is
  // built on demand, because formatting a bound reads tensor values.
  GreaterThan(at::Tensor lb, bool inclusive, std::string fixed_name = "")
      : lb_(std::move(lb)), inclusive_(inclusive), fixed_name_(std::move(fixed_name)) {}
  at::Tensor check(const at::Tensor& v) const override {
    at::Tensor lb = bound_like(lb_, v);
    return inclusive_ ? v >= lb : v > lb;
  }
  std::string name() const override {
    if (!fixed_name_.empty()) return fixed_name_;
    return (inclusive_ ? "greater_than_eq(" : "greater_than(") + format_bound(lb_) + ")";
  }

 private:
  at::Tensor lb_;
  bool inclusive_;
  std::string fixed_name_;
};

class LessThan final : public Constraint {
 public:
  explicit LessThan(at::Tensor ub) : ub_(std::move(ub)) {}
  at::Tensor check(const at::Tensor& v) const override { return v < bound_like(ub_, v); }
  std::string name() const override { return "less_than(" + format_bound(ub_) + ")"; }

 private:
  at::Tensor ub_;
};

class Interval final : public Constraint {
 public:
  Interval(at::Tensor lb, at::Tensor ub, bool open_upper, bool integer, std::string fixed_name = "")
      : lb_(std::move(lb)), ub_(std::move(ub)), open_upper_(open_upper), integer_(integer),
        fixed_name_(std::move(fixed_name)) {}
  at::Tensor check(const at::Tensor& v) const override {
    at::Tensor ok = v >= bound_like(lb_, v);
    at::Tensor ub = bound_like(ub_, v);
    ok = ok.logical_and(open_upper_ ? v < ub : v <= ub);
    return integer_ ? ok.logical_and(is_integer(v)) : ok;
  }
  std::string name() const override {
    if (!fixed_name_.empty()) return fixed_name_;
    const char* kind = integer_ ? "integer_interval(" : open_upper_ ? "half_open_interval(" : "interval(";
    return kind + format_bound(lb_) + ", " + format_bound(ub_) + ")";
  }
  bool is_discrete() const override { return integer_; }

 private:
  at::Tensor lb_, ub_;
  bool open_upper_, integer_;
  std::string fixed_name_;
};

class IntegerGreaterThanEq final : public Constraint {
 public:
  IntegerGreaterThanEq(int64_t lb, std::string name) : lb_(lb), name_(std::move(name)) {}
  at::Tensor check(const at::Tensor& v) const override { return is_integer(v).logical_and(v >= lb_); }
  std::string name() const override { return name_; }
  bool is_discrete() const override { return true; }

 private:
  int64_t lb_;
  std::string name_;
};

class Simplex final : public Constraint {
 public:
  at::Tensor check(const at::Tensor& v) const override {
    // Same tolerance as torch: 1e-6 on the sum, whatever the dtype.
    return (v >= 0).all(-1).logical_and((v.sum(-1) - 1).abs() < 1e-6);
  }
  std::string name() const override { return "simplex()"; }
  int64_t event_dim() const override { return 1; }
};

class OneHot final : public Constraint {
 public:
  at::Tensor check(const at::Tensor& v) const override {
    at::Tensor is_boolean = (v == 0).logical_or(v == 1);
    return is_boolean.all(-1).logical_and(v.sum(-1) == 1);
  }
  std::string name() const override { return "one_hot()"; }
  bool is_discrete() const override { return true; }
  int64_t event_dim() const override { return 1; }
};

class Independent final : public Constraint {
 public:
  Independent(ConstraintPtr base, int64_t n) : base_(std::move(base)), n_(n) {
    TORCH_CHECK_VALUE(base_ != nullptr, "independent: base constraint must not be null");
    TORCH_CHECK_VALUE(n_ >= 0, "independent: reinterpreted_batch_ndims must be >= 0, got ", n_);
  }
  at::Tensor check(const at::Tensor& v) const override {
    at::Tensor ok = base_->check(v);
    TORCH_CHECK_VALUE(ok.dim() >= n_, "independent: expected value.dim() >= ", event_dim(),
                      ", got shape ", v.sizes());
    return n_ == 0 ? ok : ok.flatten(-n_).all(-1);
  }
  std::string name() const override {
    return "independent(" + base_->name() + ", " + std::to_string(n_) + ")";
  }
  bool is_discrete() const override { return base_->is_discrete(); }
  int64_t event_dim() const override { return base_->event_dim() + n_; }

 private:
  ConstraintPtr base_;
  int64_t n_;
};

// Flattens the two matrix dimensions and reduces them with all().
at::Tensor all_of_matrix(const at::Tensor& ok) { return ok.flatten(-2).all(-1); }

class LowerTriangular final : public Constraint {
 public:
  explicit LowerTriangular(bool positive_diagonal) : positive_diagonal_(positive_diagonal) {}
  at::Tensor check(const at::Tensor& v) const override {
    at::Tensor ok = all_of_matrix(v.tril() == v);
    if (!positive_diagonal_) return ok;
    return ok.logical_and((v.diagonal(0, -2, -1) > 0).all(-1));
  }
  std::string name() const override { return positive_diagonal_ ? "lower_cholesky()" : "lower_triangular()"; }
  int64_t event_dim() const override { return 2; }

 private:
  bool positive_diagonal_;
};

class CorrCholesky final : public Constraint {
 public:
  at::Tensor check(const at::Tensor& v) const override {
    // Rows of a correlation Cholesky factor have unit norm; allow a few ulps.
    const double tol = 10 * finfo_eps(v.scalar_type());
    at::Tensor row_norm = at::linalg_vector_norm(v.detach(), 2, {-1});
    at::Tensor unit_rows = ((row_norm - 1).abs() <= tol).all(-1);
    return lower_cholesky()->check(v).logical_and(unit_rows);
  }
  std::string name() const override { return "corr_cholesky()"; }
  int64_t event_dim() const override { return 2; }
};

class Square final : public Constraint {
 public:
  at::Tensor check(const at::Tensor& v) const override {
    TORCH_CHECK_VALUE(v.dim() >= 2, "square(): expected a matrix, got shape ", v.sizes());
    auto batch = v.sizes().slice(0, v.dim() - 2);
    return at::full(batch, v.size(-2) == v.size(-1), v.options().dtype(at::kBool));
  }
  std::string name() const override { return "square()"; }
  int64_t event_dim() const override { return 2; }
};

// Symmetric, PSD and PD matrices share the square-and-symmetric test.
class SymmetricMatrix final : public Constraint {
 public:
  enum class Kind { kSymmetric, kPositiveSemidefinite, kPositiveDefinite };
  explicit SymmetricMatrix(Kind kind) : kind_(kind) {}
  at::Tensor check(const at::Tensor& v) const override {
    at::Tensor ok = square()->check(v);
    if (!ok.all().item<bool>()) return ok;
    ok = ok.logical_and(all_of_matrix(at::isclose(v, v.transpose(-2, -1), /*rtol=*/0, /*atol=*/1e-6)));
    switch (kind_) {
      case Kind::kSymmetric:
        return ok;
      case Kind::kPositiveSemidefinite:
        return ok.logical_and((at::linalg_eigvalsh(v) >= 0).all(-1));
      case Kind::kPositiveDefinite:
        return ok.logical_and(std::get<1>(at::linalg_cholesky_ex(v)) == 0);
    }
    return ok;
  }
  std::string name() const override {
    switch (kind_) {
      case Kind::kSymmetric: return "symmetric()";
      case Kind::kPositiveSemidefinite: return "positive_semidefinite()";
      case Kind::kPositiveDefinite: return "positive_definite()";
    }
    return "";
  }
  int64_t event_dim() const override { return 2; }

 private:
  Kind kind_;
};

class Multinomial final : public Constraint {
 public:
  explicit Multinomial(int64_t upper_bound) : upper_bound_(upper_bound) {}
  at::Tensor check(const at::Tensor& v) const override {
    return nonnegative_integer()->check(v).all(-1).logical_and(v.sum(-1) <= upper_bound_);
  }
  std::string name() const override { return "multinomial(" + std::to_string(upper_bound_) + ")"; }
  bool is_discrete() const override { return true; }
  int64_t event_dim() const override { return 1; }

 private:
  int64_t upper_bound_;
};

// The common part of cat() and stack(): a list of constraints applied to
// pieces of the value. Its event_dim is the largest of the parts'.
class Composite : public Constraint {
 public:
  Composite(std::vector<ConstraintPtr> parts, int64_t dim) : parts_(std::move(parts)), dim_(dim) {
    TORCH_CHECK_VALUE(!parts_.empty(), "cat/stack: expected at least one constraint");
    for (const ConstraintPtr& p : parts_) TORCH_CHECK_VALUE(p != nullptr, "cat/stack: null constraint");
  }
  bool is_discrete() const override {
    for (const ConstraintPtr& p : parts_) {
      if (p->is_discrete()) return true;
    }
    return false;
  }
  int64_t event_dim() const override {
    int64_t d = 0;
    for (const ConstraintPtr& p : parts_) d = std::max(d, p->event_dim());
    return d;
  }

 protected:
  std::string join(const char* kind) const {
    std::string out = kind;
    out += "([";
    for (size_t i = 0; i < parts_.size(); ++i) out += (i ? ", " : "") + parts_[i]->name();
    return out + "], dim=" + std::to_string(dim_) + ")";
  }
  std::vector<ConstraintPtr> parts_;
  int64_t dim_;
};

class Cat final : public Composite {
 public:
  Cat(std::vector<ConstraintPtr> parts, int64_t dim, std::vector<int64_t> lengths)
      : Composite(std::move(parts), dim), lengths_(std::move(lengths)) {
    if (lengths_.empty()) lengths_.assign(parts_.size(), 1);
    TORCH_CHECK_VALUE(lengths_.size() == parts_.size(), "cat: got ", parts_.size(), " constraints but ",
                      lengths_.size(), " lengths");
  }
  at::Tensor check(const at::Tensor& v) const override {
    TORCH_CHECK_VALUE(-v.dim() <= dim_ && dim_ < v.dim(), "cat: dim ", dim_, " out of range for shape ",
                      v.sizes());
    std::vector<at::Tensor> checks;
    int64_t start = 0;
    for (size_t i = 0; i < parts_.size(); ++i) {
      checks.push_back(parts_[i]->check(v.narrow(dim_, start, lengths_[i])));
      start += lengths_[i];
    }
    return at::cat(checks, dim_);
  }
  std::string name() const override { return join("cat"); }

 private:
  std::vector<int64_t> lengths_;
};

class Stack final : public Composite {
 public:
  using Composite::Composite;
  at::Tensor check(const at::Tensor& v) const override {
    TORCH_CHECK_VALUE(-v.dim() <= dim_ && dim_ < v.dim(), "stack: dim ", dim_, " out of range for shape ",
                      v.sizes());
    TORCH_CHECK_VALUE(v.size(dim_) == static_cast<int64_t>(parts_.size()), "stack: expected size ",
                      parts_.size(), " along dim ", dim_, ", got shape ", v.sizes());
    std::vector<at::Tensor> checks;
    for (size_t i = 0; i < parts_.size(); ++i) checks.push_back(parts_[i]->check(v.select(dim_, i)));
    return at::stack(checks, dim_);
  }
  std::string name() const override { return join("stack"); }
};

class Dependent final : public Constraint {
 public:
  Dependent(bool is_discrete, int64_t event_dim) : is_discrete_(is_discrete), event_dim_(event_dim) {}
  at::Tensor check(const at::Tensor&) const override {
    TORCH_CHECK_VALUE(false, "dependent(): cannot determine validity of a dependent constraint");
  }
  std::string name() const override { return "dependent()"; }
  bool is_discrete() const override { return is_discrete_; }
  int64_t event_dim() const override { return event_dim_; }
  bool is_dependent() const override { return true; }

 private:
  bool is_discrete_;
  int64_t event_dim_;
};

}  // namespace

// Parameter-free constraints are immutable singletons: validation runs in
// every constructor and must not allocate a new object each time.
ConstraintPtr real() {
  static const ConstraintPtr c = std::make_shared<Real>(0);
  return c;
}
ConstraintPtr real_vector() {
  static const ConstraintPtr c = std::make_shared<Real>(1);
  return c;
}
ConstraintPtr boolean() {
  static const ConstraintPtr c = std::make_shared<Boolean>();
  return c;
}
ConstraintPtr positive() {
  static const ConstraintPtr c = std::make_shared<GreaterThan>(as_bound(0), false, "positive()");
  return c;
}
ConstraintPtr nonnegative() {
  static const ConstraintPtr c = std::make_shared<GreaterThan>(as_bound(0), true, "nonnegative()");
  return c;
}
ConstraintPtr unit_interval() {
  static const ConstraintPtr c =
      std::make_shared<Interval>(as_bound(0), as_bound(1), false, false, "unit_interval()");
  return c;
}
ConstraintPtr nonnegative_integer() {
  static const ConstraintPtr c = std::make_shared<IntegerGreaterThanEq>(0, "nonnegative_integer()");
  return c;
}
ConstraintPtr positive_integer() {
  static const ConstraintPtr c = std::make_shared<IntegerGreaterThanEq>(1, "positive_integer()");
  return c;
}
ConstraintPtr simplex() {
  static const ConstraintPtr c = std::make_shared<Simplex>();
  return c;
}
ConstraintPtr one_hot() {
  static const ConstraintPtr c = std::make_shared<OneHot>();
  return c;
}

ConstraintPtr greater_than(at::Tensor lb) { return std::make_shared<GreaterThan>(std::move(lb), false); }
ConstraintPtr greater_than(double lb) { return greater_than(as_bound(lb)); }

ConstraintPtr greater_than_eq(at::Tensor lb) { return std::make_shared<GreaterThan>(std::move(lb), true); }
ConstraintPtr greater_than_eq(double lb) { return greater_than_eq(as_bound(lb)); }

ConstraintPtr less_than(at::Tensor ub) { return std::make_shared<LessThan>(std::move(ub)); }
ConstraintPtr less_than(double ub) { return less_than(as_bound(ub)); }

ConstraintPtr interval(at::Tensor lb, at::Tensor ub) {
  return std::make_shared<Interval>(std::move(lb), std::move(ub), false, false);
}
ConstraintPtr interval(double lb, double ub) { return interval(as_bound(lb), as_bound(ub)); }

ConstraintPtr half_open_interval(at::Tensor lb, at::Tensor ub) {
  return std::make_shared<Interval>(std::move(lb), std::move(ub), true, false);
}
ConstraintPtr half_open_interval(double lb, double ub) {
  return half_open_interval(as_bound(lb), as_bound(ub));
}

ConstraintPtr integer_interval(at::Tensor lb, at::Tensor ub) {
  return std::make_shared<Interval>(std::move(lb), std::move(ub), false, true);
}
ConstraintPtr integer_interval(double lb, double ub) {
  return integer_interval(as_bound(lb), as_bound(ub));
}

ConstraintPtr lower_triangular() {
  static const ConstraintPtr c = std::make_shared<LowerTriangular>(false);
  return c;
}
ConstraintPtr lower_cholesky() {
  static const ConstraintPtr c = std::make_shared<LowerTriangular>(true);
  return c;
}
ConstraintPtr corr_cholesky() {
  static const ConstraintPtr c = std::make_shared<CorrCholesky>();
  return c;
}
ConstraintPtr square() {
  static const ConstraintPtr c = std::make_shared<Square>();
  return c;
}
ConstraintPtr symmetric() {
  static const ConstraintPtr c = std::make_shared<SymmetricMatrix>(SymmetricMatrix::Kind::kSymmetric);
  return c;
}
ConstraintPtr positive_semidefinite() {
  static const ConstraintPtr c =
      std::make_shared<SymmetricMatrix>(SymmetricMatrix::Kind::kPositiveSemidefinite);
  return c;
}
ConstraintPtr positive_definite() {
  static const ConstraintPtr c = std::make_shared<SymmetricMatrix>(SymmetricMatrix::Kind::kPositiveDefinite);
  return c;
}
ConstraintPtr multinomial(int64_t upper_bound) { return std::make_shared<Multinomial>(upper_bound); }
ConstraintPtr cat(std::vector<ConstraintPtr> parts, int64_t dim, std::vector<int64_t> lengths) {
  return std::make_shared<Cat>(std::move(parts), dim, std::move(lengths));
}
ConstraintPtr stack(std::vector<ConstraintPtr> parts, int64_t dim) {
  return std::make_shared<Stack>(std::move(parts), dim);
}

ConstraintPtr independent(ConstraintPtr base, int64_t reinterpreted_batch_ndims) {
  return std::make_shared<Independent>(std::move(base), reinterpreted_batch_ndims);
}

ConstraintPtr dependent(bool is_discrete, int64_t event_dim) {
  return std::make_shared<Dependent>(is_discrete, event_dim);
}

}  // namespace constraints
}  // namespace torchdist
