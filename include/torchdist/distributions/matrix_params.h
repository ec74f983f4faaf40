#pragma once
/// \file
/// The `td::scale_tril(...)` / `td::covariance_matrix(...)` /
/// `td::precision_matrix(...)` tags that say how a matrix-parameterized
/// distribution (MultivariateNormal, Wishart) receives its scale matrix.

#include <ATen/ATen.h>

#include <c10/util/Optional.h>

namespace torchdist {

/// Tag for a lower-triangular factor L with a positive diagonal, the
/// covariance being L L^T. Build it with `td::scale_tril(L)`.
struct ScaleTril {
  at::Tensor value;
};
/// Tag for a symmetric positive-definite covariance matrix. Build it with
/// `td::covariance_matrix(S)`.
struct CovarianceMatrix {
  at::Tensor value;
};
/// Tag for a symmetric positive-definite precision (inverse covariance)
/// matrix. Build it with `td::precision_matrix(P)`.
struct PrecisionMatrix {
  at::Tensor value;
};

/// Parameterize by the Cholesky factor of the covariance:
/// `td::MultivariateNormal(loc, td::scale_tril(L))`. The most efficient
/// form: every computation works from this factor.
inline ScaleTril scale_tril(at::Tensor L) { return ScaleTril{std::move(L)}; }
/// Parameterize by the covariance matrix:
/// `td::MultivariateNormal(loc, td::covariance_matrix(S))`.
inline CovarianceMatrix covariance_matrix(at::Tensor S) { return CovarianceMatrix{std::move(S)}; }
/// Parameterize by the precision matrix:
/// `td::Wishart(5.0, td::precision_matrix(P))`.
inline PrecisionMatrix precision_matrix(at::Tensor P) { return PrecisionMatrix{std::move(P)}; }

/// Exactly one of scale_tril, covariance_matrix or precision_matrix, as
/// MultivariateNormal and Wishart take it.
///
/// Built implicitly from a tag, or at run time from three optionals with
/// `from_optional` (the Python form
/// `MultivariateNormal(loc, covariance_matrix=None, precision_matrix=P)`),
/// which checks that exactly one is given.
///
/// Example:
/// \code
///   td::MatrixParam m = td::covariance_matrix(at::eye(2));
///   m.kind() == td::MatrixParam::Kind::kCovarianceMatrix;  // true
///   m.arg_name();                                          // "covariance_matrix"
/// \endcode
class MatrixParam {
 public:
  enum class Kind { kScaleTril, kCovarianceMatrix, kPrecisionMatrix };

  MatrixParam(ScaleTril p) : value_(std::move(p.value)), kind_(Kind::kScaleTril) {}                // NOLINT: implicit
  MatrixParam(CovarianceMatrix p) : value_(std::move(p.value)), kind_(Kind::kCovarianceMatrix) {}  // NOLINT: implicit
  MatrixParam(PrecisionMatrix p) : value_(std::move(p.value)), kind_(Kind::kPrecisionMatrix) {}    // NOLINT: implicit

  /// Checks that exactly one of the three is a defined tensor;
  /// `distribution` names the caller in the `c10::ValueError` message.
  static MatrixParam from_optional(const char* distribution, const c10::optional<at::Tensor>& covariance_matrix,
                                   const c10::optional<at::Tensor>& precision_matrix,
                                   const c10::optional<at::Tensor>& scale_tril) {
    const bool has_cov = covariance_matrix.has_value() && covariance_matrix->defined();
    const bool has_prec = precision_matrix.has_value() && precision_matrix->defined();
    const bool has_tril = scale_tril.has_value() && scale_tril->defined();
    const int given = static_cast<int>(has_cov) + static_cast<int>(has_prec) + static_cast<int>(has_tril);
    TORCH_CHECK_VALUE(given == 1, distribution,
                      ": exactly one of covariance_matrix, precision_matrix or scale_tril must be specified, got ",
                      given == 0 ? "none" : std::to_string(given));
    if (has_cov) return CovarianceMatrix{*covariance_matrix};
    if (has_prec) return PrecisionMatrix{*precision_matrix};
    return ScaleTril{*scale_tril};
  }

  Kind kind() const { return kind_; }
  /// The matrix as given.
  const at::Tensor& value() const { return value_; }
  /// "scale_tril", "covariance_matrix" or "precision_matrix", for messages.
  const char* arg_name() const { return arg_name(kind_); }
  /// The parameter name of a form: "scale_tril", "covariance_matrix" or
  /// "precision_matrix".
  static const char* arg_name(Kind kind) {
    switch (kind) {
      case Kind::kScaleTril: return "scale_tril";
      case Kind::kCovarianceMatrix: return "covariance_matrix";
      case Kind::kPrecisionMatrix: return "precision_matrix";
    }
    return "";
  }

 private:
  at::Tensor value_;
  Kind kind_;
};

}  // namespace torchdist
