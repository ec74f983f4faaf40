#include "torchdist/core/constraints.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
#include <type_traits>
#include <utility>

#include "torchdist/core/constraint_types.h"
#include "torchdist/core/utils.h"

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

// Flattens the two matrix dimensions and reduces them with all().
at::Tensor all_of_matrix(const at::Tensor& ok) { return ok.flatten(-2).all(-1); }

std::string join_parts(const char* kind, const std::vector<ConstraintPtr>& parts, int64_t dim) {
  std::string out = std::string(kind) + "([";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i]->name();
  return out + "], dim=" + std::to_string(dim) + ")";
}

void check_parts(const char* kind, const std::vector<ConstraintPtr>& parts) {
  TORCH_CHECK_VALUE(!parts.empty(), kind, ": expected at least one constraint");
  for (const ConstraintPtr& p : parts) TORCH_CHECK_VALUE(p != nullptr, kind, ": null constraint");
}

bool any_discrete(const std::vector<ConstraintPtr>& parts) {
  return std::any_of(parts.begin(), parts.end(), [](const ConstraintPtr& p) { return p->is_discrete(); });
}

int64_t max_event_dim(const std::vector<ConstraintPtr>& parts) {
  int64_t d = 0;
  for (const ConstraintPtr& p : parts) d = std::max(d, p->event_dim());
  return d;
}

void check_dim(const char* kind, int64_t dim, const at::Tensor& v) {
  TORCH_CHECK_VALUE(-v.dim() <= dim && dim < v.dim(), kind, ": dim ", dim, " out of range for shape ", v.sizes());
}

// Whether pred(element) holds for every element of a contiguous CPU tensor
// of a common dtype, or nullopt for other layouts and dtypes. `pred` gets
// the element in its own type; float and double bounds are compared in the
// value's dtype, as `check` does.
template <class Pred>
c10::optional<bool> all_elements(const at::Tensor& v, const Pred& pred) {
  if (!v.defined() || !v.device().is_cpu() || v.layout() != at::kStrided || !v.is_contiguous()) {
    return c10::nullopt;
  }
  auto scan = [&](auto tag) {
    using T = decltype(tag);
    const T* p = v.data_ptr<T>();
    const int64_t n = v.numel();
    // Blocks without an early exit inside, so that the compiler vectorizes
    // them (a per-element exit or a bool accumulator keeps it scalar).
    constexpr int64_t kBlock = 256;
    int64_t i = 0;
    for (; i + kBlock <= n; i += kBlock) {
      unsigned ok = 1;
      for (int64_t k = 0; k < kBlock; ++k) ok &= static_cast<unsigned>(pred(p[i + k]));
      if (!ok) return false;
    }
    for (; i < n; ++i) {
      if (!pred(p[i])) return false;
    }
    return true;
  };
  switch (v.scalar_type()) {
    case at::kFloat: return scan(float{});
    case at::kDouble: return scan(double{});
    case at::kLong: return scan(int64_t{});
    case at::kInt: return scan(int32_t{});
    case at::kBool: return scan(bool{});
    default: return c10::nullopt;
  }
}

// Whether ok(matrix, rows, cols) holds for every matrix of a contiguous
// float or double CPU batch (`matrix` points at its first element, row
// major), or nullopt for other layouts and dtypes.
template <class Ok>
c10::optional<bool> all_matrices(const at::Tensor& v, const Ok& ok) {
  if (!v.defined() || v.dim() < 2 || !v.device().is_cpu() || v.layout() != at::kStrided || !v.is_contiguous() ||
      (v.scalar_type() != at::kFloat && v.scalar_type() != at::kDouble)) {
    return c10::nullopt;
  }
  const int64_t rows = v.size(-2), cols = v.size(-1), size = rows * cols;
  const int64_t matrices = size == 0 ? 0 : v.numel() / size;
  auto scan = [&](auto tag) {
    using T = decltype(tag);
    const T* p = v.data_ptr<T>();
    for (int64_t m = 0; m < matrices; ++m, p += size) {
      if (!ok(p, rows, cols)) return false;
    }
    return true;
  };
  return v.scalar_type() == at::kDouble ? scan(double{}) : scan(float{});
}

// x == floor(x) and finite, as is_integer.
template <class T>
bool is_integral_value(T x) {
  if constexpr (std::is_floating_point<T>::value) {
    return std::isfinite(x) && x == std::floor(x);
  } else {
    return true;
  }
}

// x compared with a bound in the value's dtype (floating) or in double.
template <class T>
auto in_value_type(T, double bound) {
  if constexpr (std::is_floating_point<T>::value) {
    return static_cast<T>(bound);
  } else {
    return bound;
  }
}

}  // namespace

// ------------------------------------------------------------ elementwise

at::Tensor Real::check(const at::Tensor& v) const {
  at::Tensor ok = v == v;  // false exactly for NaN
  return event_dim_ == 0 ? ok : ok.flatten(-event_dim_).all(-1);
}
c10::optional<bool> Real::all_satisfied(const at::Tensor& v) const {
  if (v.dim() < event_dim_) return c10::nullopt;
  return all_elements(v, [](auto x) { return x == x; });
}

std::string Real::name() const { return event_dim_ == 0 ? "real()" : "real_vector()"; }

at::Tensor Boolean::check(const at::Tensor& v) const { return (v == 0).logical_or(v == 1); }

c10::optional<bool> Boolean::all_satisfied(const at::Tensor& v) const {
  return all_elements(v, [](auto x) { return x == 0 || x == 1; });
}

Bound::Bound(at::Tensor value) {
  if (value.defined() && value.numel() == 1 && value.device().is_cpu()) scalar_ = value.item<double>();
  given_ = std::move(value);
}

Bound::Bound(double value) : scalar_(value) {}

const at::Tensor& Bound::tensor() const {
  if (!scalar_ || given_.defined()) return given_;
  return from_scalar_.get([&] { return as_bound(*scalar_); });
}

GreaterThan::GreaterThan(Bound lower_bound, bool inclusive, std::string fixed_name)
    : lower_bound_(std::move(lower_bound)), inclusive_(inclusive), fixed_name_(std::move(fixed_name)) {}

at::Tensor GreaterThan::check(const at::Tensor& v) const {
  at::Tensor lb = bound_like(lower_bound(), v);
  return inclusive_ ? v >= lb : v > lb;
}

c10::optional<bool> GreaterThan::all_satisfied(const at::Tensor& v) const {
  if (!lower_bound_.scalar()) return c10::nullopt;
  const double lb = *lower_bound_.scalar();
  if (inclusive_) return all_elements(v, [lb](auto x) { return x >= in_value_type(x, lb); });
  return all_elements(v, [lb](auto x) { return x > in_value_type(x, lb); });
}

// Names are built on demand: formatting a bound reads tensor values, and
// support() is called on hot paths.
std::string GreaterThan::name() const {
  if (!fixed_name_.empty()) return fixed_name_;
  return (inclusive_ ? "greater_than_eq(" : "greater_than(") + format_bound(lower_bound()) + ")";
}

at::Tensor LessThan::check(const at::Tensor& v) const { return v < bound_like(upper_bound(), v); }

c10::optional<bool> LessThan::all_satisfied(const at::Tensor& v) const {
  if (!upper_bound_.scalar()) return c10::nullopt;
  const double ub = *upper_bound_.scalar();
  return all_elements(v, [ub](auto x) { return x < in_value_type(x, ub); });
}

std::string LessThan::name() const { return "less_than(" + format_bound(upper_bound()) + ")"; }

Interval::Interval(Bound lower_bound, Bound upper_bound, bool half_open, bool integer, std::string fixed_name)
    : lower_bound_(std::move(lower_bound)),
      upper_bound_(std::move(upper_bound)),
      half_open_(half_open),
      integer_(integer),
      fixed_name_(std::move(fixed_name)) {}

at::Tensor Interval::check(const at::Tensor& v) const {
  at::Tensor ok = v >= bound_like(lower_bound(), v);
  at::Tensor ub = bound_like(upper_bound(), v);
  ok = ok.logical_and(half_open_ ? v < ub : v <= ub);
  return integer_ ? ok.logical_and(is_integer(v)) : ok;
}

c10::optional<bool> Interval::all_satisfied(const at::Tensor& v) const {
  if (!lower_bound_.scalar() || !upper_bound_.scalar()) return c10::nullopt;
  const double lb = *lower_bound_.scalar(), ub = *upper_bound_.scalar();
  const bool half_open = half_open_, integer = integer_;
  return all_elements(v, [=](auto x) {
    const bool above = x >= in_value_type(x, lb);
    const bool below = half_open ? x < in_value_type(x, ub) : x <= in_value_type(x, ub);
    return above && below && (!integer || is_integral_value(x));
  });
}

std::string Interval::name() const {
  if (!fixed_name_.empty()) return fixed_name_;
  const char* kind = integer_ ? "integer_interval(" : half_open_ ? "half_open_interval(" : "interval(";
  return kind + format_bound(lower_bound()) + ", " + format_bound(upper_bound()) + ")";
}

at::Tensor IntegerGreaterThanEq::check(const at::Tensor& v) const {
  return is_integer(v).logical_and(v >= lower_bound_);
}

c10::optional<bool> IntegerGreaterThanEq::all_satisfied(const at::Tensor& v) const {
  const double lb = static_cast<double>(lower_bound_);
  return all_elements(v, [lb](auto x) { return is_integral_value(x) && static_cast<double>(x) >= lb; });
}

// ------------------------------------------------------------ vectors

at::Tensor Simplex::check(const at::Tensor& v) const {
  // Same tolerance as torch: 1e-6 on the sum, whatever the dtype.
  return (v >= 0).all(-1).logical_and((v.sum(-1) - 1).abs() < 1e-6);
}

at::Tensor OneHot::check(const at::Tensor& v) const {
  at::Tensor is_boolean = (v == 0).logical_or(v == 1);
  return is_boolean.all(-1).logical_and(v.sum(-1) == 1);
}

at::Tensor Multinomial::check(const at::Tensor& v) const {
  return is_integer(v).logical_and(v >= 0).all(-1).logical_and(v.sum(-1) <= upper_bound_);
}

IndependentConstraint::IndependentConstraint(ConstraintPtr base, int64_t reinterpreted_batch_ndims)
    : base_(std::move(base)), ndims_(reinterpreted_batch_ndims) {
  TORCH_CHECK_VALUE(base_ != nullptr, "independent: base constraint must not be null");
  TORCH_CHECK_VALUE(ndims_ >= 0, "independent: reinterpreted_batch_ndims must be >= 0, got ", ndims_);
}

c10::optional<bool> IndependentConstraint::all_satisfied(const at::Tensor& v) const {
  // Every element valid <=> every event valid, once the value has the dims.
  if (v.dim() < event_dim()) return c10::nullopt;
  return base_->all_satisfied(v);
}

at::Tensor IndependentConstraint::check(const at::Tensor& v) const {
  at::Tensor ok = base_->check(v);
  TORCH_CHECK_VALUE(ok.dim() >= ndims_, "independent: expected value.dim() >= ", event_dim(), ", got shape ",
                    v.sizes());
  return ndims_ == 0 ? ok : ok.flatten(-ndims_).all(-1);
}

std::string IndependentConstraint::name() const {
  return "independent(" + base_->name() + ", " + std::to_string(ndims_) + ")";
}

// ------------------------------------------------------------ matrices

at::Tensor LowerTriangular::check(const at::Tensor& v) const {
  at::Tensor ok = all_of_matrix(v.tril() == v);
  if (!positive_diagonal_) return ok;
  return ok.logical_and((v.diagonal(0, -2, -1) > 0).all(-1));
}

// One scan of each matrix: zeros above the diagonal, no NaN below it (as
// tril(v) == v), and a positive diagonal where asked; float and double
// contiguous CPU matrices only.
c10::optional<bool> LowerTriangular::all_satisfied(const at::Tensor& v) const {
  return all_matrices(v, [this](const auto* p, int64_t rows, int64_t cols) {
    unsigned ok = 1;  // no early exit: the loops vectorize
    for (int64_t i = 0; i < rows; ++i) {
      const auto* row = p + i * cols;
      for (int64_t j = 0; j < cols; ++j) ok &= static_cast<unsigned>(j > i ? row[j] == 0 : row[j] == row[j]);
      if (positive_diagonal_ && i < cols) ok &= static_cast<unsigned>(row[i] > 0);
    }
    return ok != 0;
  });
}

at::Tensor CorrCholesky::check(const at::Tensor& v) const {
  // Rows of a correlation Cholesky factor have unit norm; allow a few ulps.
  // Integer matrices are checked in the default floating dtype.
  const at::Tensor f = at::isFloatingType(v.scalar_type()) ? v.detach()
                                                           : v.detach().to(c10::get_default_dtype_as_scalartype());
  const double tol = 10 * finfo_eps(f.scalar_type());
  at::Tensor row_norm = at::linalg_vector_norm(f, 2, {-1});
  at::Tensor unit_rows = ((row_norm - 1).abs() <= tol).all(-1);
  return lower_cholesky()->check(v).logical_and(unit_rows);
}

at::Tensor Square::check(const at::Tensor& v) const {
  TORCH_CHECK_VALUE(v.dim() >= 2, "square(): expected a matrix, got shape ", v.sizes());
  return at::full(v.sizes().slice(0, v.dim() - 2), v.size(-2) == v.size(-1), v.options().dtype(at::kBool));
}

// Symmetry by one scan of each matrix's upper triangle against its lower
// one (as isclose(v, v^T, rtol 0, atol 1e-6): equal, infinities included,
// or within 1e-6; NaN fails), then the definiteness test of `check` on the
// whole batch; float and double contiguous CPU matrices only.
c10::optional<bool> SymmetricMatrix::all_satisfied(const at::Tensor& v) const {
  if (v.dim() >= 2 && v.size(-2) != v.size(-1)) return c10::nullopt;
  const c10::optional<bool> symmetric = all_matrices(v, [](const auto* p, int64_t n, int64_t) {
    using T = std::remove_const_t<std::remove_reference_t<decltype(*p)>>;
    unsigned ok = 1;
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t j = i; j < n; ++j) {
        const T a = p[i * n + j], b = p[j * n + i];
        ok &= static_cast<unsigned>(a == b || std::abs(a - b) <= static_cast<T>(1e-6));
      }
    }
    return ok != 0;
  });
  if (!symmetric || !*symmetric) return symmetric;
  switch (kind_) {
    case Kind::kSymmetric:
      return true;
    case Kind::kPositiveSemidefinite:
      return (at::linalg_eigvalsh(v) >= 0).all().item<bool>();
    case Kind::kPositiveDefinite:
      return (std::get<1>(at::linalg_cholesky_ex(v)) == 0).all().item<bool>();
  }
  return c10::nullopt;
}

at::Tensor SymmetricMatrix::check(const at::Tensor& v) const {
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

std::string SymmetricMatrix::name() const {
  switch (kind_) {
    case Kind::kSymmetric: return "symmetric()";
    case Kind::kPositiveSemidefinite: return "positive_semidefinite()";
    case Kind::kPositiveDefinite: return "positive_definite()";
  }
  return "";
}

// ------------------------------------------------------------ composites

Cat::Cat(std::vector<ConstraintPtr> parts, int64_t dim, std::vector<int64_t> lengths)
    : parts_(std::move(parts)), dim_(dim), lengths_(std::move(lengths)) {
  check_parts("cat", parts_);
  if (lengths_.empty()) lengths_.assign(parts_.size(), 1);
  TORCH_CHECK_VALUE(lengths_.size() == parts_.size(), "cat: got ", parts_.size(), " constraints but ",
                    lengths_.size(), " lengths");
}

at::Tensor Cat::check(const at::Tensor& v) const {
  check_dim("cat", dim_, v);
  const int64_t total = std::accumulate(lengths_.begin(), lengths_.end(), int64_t{0});
  TORCH_CHECK_VALUE(v.size(dim_) == total, "cat: expected size ", total, " along dim ", dim_, ", got shape ",
                    v.sizes());
  std::vector<at::Tensor> checks;
  int64_t start = 0;
  for (size_t i = 0; i < parts_.size(); ++i) {
    checks.push_back(parts_[i]->check(v.narrow(dim_, start, lengths_[i])));
    start += lengths_[i];
  }
  return at::cat(checks, dim_);
}

std::string Cat::name() const { return join_parts("cat", parts_, dim_); }
bool Cat::is_discrete() const { return any_discrete(parts_); }
int64_t Cat::event_dim() const { return max_event_dim(parts_); }

Stack::Stack(std::vector<ConstraintPtr> parts, int64_t dim) : parts_(std::move(parts)), dim_(dim) {
  check_parts("stack", parts_);
}

at::Tensor Stack::check(const at::Tensor& v) const {
  check_dim("stack", dim_, v);
  TORCH_CHECK_VALUE(v.size(dim_) == static_cast<int64_t>(parts_.size()), "stack: expected size ", parts_.size(),
                    " along dim ", dim_, ", got shape ", v.sizes());
  std::vector<at::Tensor> checks;
  for (size_t i = 0; i < parts_.size(); ++i) checks.push_back(parts_[i]->check(v.select(dim_, i)));
  return at::stack(checks, dim_);
}

std::string Stack::name() const { return join_parts("stack", parts_, dim_); }
bool Stack::is_discrete() const { return any_discrete(parts_); }
int64_t Stack::event_dim() const { return max_event_dim(parts_); }

at::Tensor Dependent::check(const at::Tensor&) const {
  TORCH_CHECK_VALUE(false, "dependent(): cannot determine validity of a dependent constraint");
}

// ------------------------------------------------------------ factories

// Parameter-free constraints are immutable singletons: validation runs in
// every constructor and must not allocate a new object each time.
#define TORCHDIST_SINGLETON(expr)                  \
  static const ConstraintPtr instance = (expr);    \
  return instance

ConstraintPtr real() { TORCHDIST_SINGLETON(std::make_shared<Real>(0)); }
ConstraintPtr real_vector() { TORCHDIST_SINGLETON(std::make_shared<Real>(1)); }
ConstraintPtr boolean() { TORCHDIST_SINGLETON(std::make_shared<Boolean>()); }
ConstraintPtr positive() { TORCHDIST_SINGLETON(std::make_shared<GreaterThan>(0.0, false, "positive()")); }
ConstraintPtr nonnegative() {
  TORCHDIST_SINGLETON(std::make_shared<GreaterThan>(0.0, true, "nonnegative()"));
}
ConstraintPtr unit_interval() {
  TORCHDIST_SINGLETON(std::make_shared<Interval>(0.0, 1.0, false, false, "unit_interval()"));
}
ConstraintPtr nonnegative_integer() {
  TORCHDIST_SINGLETON(std::make_shared<IntegerGreaterThanEq>(0, "nonnegative_integer()"));
}
ConstraintPtr positive_integer() {
  TORCHDIST_SINGLETON(std::make_shared<IntegerGreaterThanEq>(1, "positive_integer()"));
}
ConstraintPtr simplex() { TORCHDIST_SINGLETON(std::make_shared<Simplex>()); }
ConstraintPtr one_hot() { TORCHDIST_SINGLETON(std::make_shared<OneHot>()); }
ConstraintPtr lower_triangular() { TORCHDIST_SINGLETON(std::make_shared<LowerTriangular>(false)); }
ConstraintPtr lower_cholesky() { TORCHDIST_SINGLETON(std::make_shared<LowerTriangular>(true)); }
ConstraintPtr corr_cholesky() { TORCHDIST_SINGLETON(std::make_shared<CorrCholesky>()); }
ConstraintPtr square() { TORCHDIST_SINGLETON(std::make_shared<Square>()); }
ConstraintPtr symmetric() {
  TORCHDIST_SINGLETON(std::make_shared<SymmetricMatrix>(SymmetricMatrix::Kind::kSymmetric));
}
ConstraintPtr positive_semidefinite() {
  TORCHDIST_SINGLETON(std::make_shared<SymmetricMatrix>(SymmetricMatrix::Kind::kPositiveSemidefinite));
}
ConstraintPtr positive_definite() {
  TORCHDIST_SINGLETON(std::make_shared<SymmetricMatrix>(SymmetricMatrix::Kind::kPositiveDefinite));
}
#undef TORCHDIST_SINGLETON

ConstraintPtr greater_than(at::Tensor lb) { return std::make_shared<GreaterThan>(std::move(lb), false); }
ConstraintPtr greater_than(double lb) { return std::make_shared<GreaterThan>(lb, false); }
ConstraintPtr greater_than_eq(at::Tensor lb) { return std::make_shared<GreaterThan>(std::move(lb), true); }
ConstraintPtr greater_than_eq(double lb) { return std::make_shared<GreaterThan>(lb, true); }
ConstraintPtr less_than(at::Tensor ub) { return std::make_shared<LessThan>(std::move(ub)); }
ConstraintPtr less_than(double ub) { return std::make_shared<LessThan>(ub); }

ConstraintPtr interval(at::Tensor lb, at::Tensor ub) {
  return std::make_shared<Interval>(std::move(lb), std::move(ub), false, false);
}
ConstraintPtr interval(double lb, double ub) { return std::make_shared<Interval>(lb, ub, false, false); }
ConstraintPtr half_open_interval(at::Tensor lb, at::Tensor ub) {
  return std::make_shared<Interval>(std::move(lb), std::move(ub), true, false);
}
ConstraintPtr half_open_interval(double lb, double ub) { return std::make_shared<Interval>(lb, ub, true, false); }
ConstraintPtr integer_interval(at::Tensor lb, at::Tensor ub) {
  return std::make_shared<Interval>(std::move(lb), std::move(ub), false, true);
}
ConstraintPtr integer_interval(double lb, double ub) { return std::make_shared<Interval>(lb, ub, false, true); }

ConstraintPtr multinomial(int64_t upper_bound) { return std::make_shared<Multinomial>(upper_bound); }
ConstraintPtr cat(std::vector<ConstraintPtr> parts, int64_t dim, std::vector<int64_t> lengths) {
  return std::make_shared<Cat>(std::move(parts), dim, std::move(lengths));
}
ConstraintPtr stack(std::vector<ConstraintPtr> parts, int64_t dim) {
  return std::make_shared<Stack>(std::move(parts), dim);
}
ConstraintPtr independent(ConstraintPtr base, int64_t reinterpreted_batch_ndims) {
  return std::make_shared<IndependentConstraint>(std::move(base), reinterpreted_batch_ndims);
}
ConstraintPtr dependent(bool is_discrete, int64_t event_dim) {
  return std::make_shared<Dependent>(is_discrete, event_dim);
}

}  // namespace constraints
namespace detail {
c10::optional<bool> has_no_infinities(const at::Tensor& value) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  return constraints::all_elements(value, [](auto x) { return !(x == kInf || x == -kInf); });
}
}  // namespace detail

}  // namespace torchdist
