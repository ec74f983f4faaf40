#pragma once
/// \file
/// The LogisticNormal distribution on the probability simplex.

#include "torchdist/core/distribution.h"
#include "torchdist/core/utils.h"
#include "torchdist/distributions/transformed_distribution.h"

namespace torchdist {

/// The logistic-normal distribution on the K-simplex: K - 1 independent
/// normals X_i ~ Normal(loc_i, scale_i^2) (the last dimension of the
/// parameters) pushed through `StickBreakingTransform`. Built, as in torch,
/// as a `TransformedDistribution` of `Normal(loc, scale)`, whose last batch
/// dimension becomes the event dimension; event_shape is [K] where the
/// parameters' last dimension is K - 1. Scalar parameters are treated as
/// shape [1] (K = 2), as in torch.
///
/// The map back from y is x_i = log(y_i / (1 - y_1 - ... - y_i)) + log(K - i),
/// i = 1..K-1 (the offsets make x = 0 the uniform point), and the density of
/// y, over its first K - 1 coordinates, is
///   log p(y) = sum_i log N(x_i | loc_i, scale_i) - sum_{i=1..K} log y_i.
///
/// As in torch, only what `TransformedDistribution` gives is defined:
/// `sample`, `rsample` (pathwise in loc and scale), `log_prob`; mean,
/// variance, mode, entropy, cdf and icdf throw `c10::NotImplementedError`.
///
/// Example:
/// \code
///   td::LogisticNormal d(at::zeros({3}), at::ones({3}));  // on the 4-simplex
///   at::Tensor y = d.rsample({10});  // [10, 4], rows sum to 1
///   at::Tensor lp = d.log_prob(y);   // [10]
/// \endcode
class LogisticNormal : public Family<LogisticNormal, TransformedDistribution> {
 public:
  /// Throws `c10::ValueError` "LogisticNormal: scale must satisfy
  /// positive(), got ..." (or "loc must satisfy real()" for NaN) when
  /// validating.
  LogisticNormal(ScalarOrTensor loc, ScalarOrTensor scale, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "LogisticNormal"; }
  /// The means of the K - 1 normals, shape batch_shape + [K - 1].
  const at::Tensor& loc() const { return loc_; }
  /// The standard deviations of the K - 1 normals, shape batch_shape + [K - 1].
  const at::Tensor& scale() const { return scale_; }

  /// `simplex()`.
  ConstraintPtr support() const override { return constraints::simplex(); }

  /// Throws `c10::NotImplementedError` "LogisticNormal does not implement
  /// cdf": a simplex-valued variable has no (univariate) cdf.
  at::Tensor cdf(const at::Tensor& value) const override;
  /// Throws `c10::NotImplementedError` "LogisticNormal does not implement icdf".
  at::Tensor icdf(const at::Tensor& value) const override;

 protected:
  // The last dimension of both is the event's (K - 1 of the K coordinates).
  ParamList params() const override {
    return {{"loc", &loc_, constraints::real(), 1}, {"scale", &scale_, constraints::positive(), 1}};
  }

 private:
  // Builds from the broadcast parameters {loc, scale} (at least one-
  // dimensional): the base needs them before this object's members exist.
  struct Broadcast {};
  LogisticNormal(Broadcast, std::vector<at::Tensor> params, c10::optional<bool> validate_args);
  static std::vector<at::Tensor> broadcast(const ScalarOrTensor& loc, const ScalarOrTensor& scale);

  at::Tensor loc_, scale_;
};

}  // namespace torchdist
