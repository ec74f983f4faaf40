#pragma once
/// \file
/// The continuous Uniform distribution on [low, high).

#include "torchdist/core/distribution.h"
#include "torchdist/core/utils.h"

namespace torchdist {

/// log p(x | low, high) = log(1{low <= x < high}) - log(high - low): the log
/// density of Uniform(low, high), -inf outside [low, high) (the upper end is
/// excluded, as in torch).
at::Tensor uniform_log_prob(const at::Tensor& x, const at::Tensor& low, const at::Tensor& high);

/// The uniform distribution on the half-open interval [low, high), with
/// reparameterized sampling x = low + u (high - low), u ~ Uniform[0, 1).
///
/// Parameters broadcast together; `low < high` must hold elementwise (checked
/// when validating). `support()` is `interval(low, high)` built from the
/// parameter tensors, as in torch.
///
/// - mean (low + high) / 2, variance (high - low)^2 / 12,
///   stddev (high - low) / sqrt(12), entropy log(high - low);
/// - mode NaN (every point of the interval is a mode; torch returns NaN);
/// - cdf clamp((x - low) / (high - low), 0, 1), icdf low + p (high - low).
///
/// Example:
/// \code
///   td::Uniform u(at::zeros({3}), at::tensor({1.0, 2.0, 5.0}));
///   at::Tensor x = u.rsample({10});  // [10, 3], differentiable in low and high
///   at::Tensor lp = u.log_prob(x);   // [10, 3]: -log(high - low)
/// \endcode
class Uniform : public Family<Uniform> {
 public:
  /// Throws `c10::ValueError` "Uniform: low must be less than high, ..." when
  /// validating and some `low >= high` (or either is NaN).
  Uniform(ScalarOrTensor low, ScalarOrTensor high, c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Uniform"; }
  /// The lower end (included), broadcast with `high`.
  const at::Tensor& low() const { return low_; }
  /// The upper end (excluded), broadcast with `low`.
  const at::Tensor& high() const { return high_; }

  bool has_rsample() const override { return true; }
  /// `interval(low, high)`.
  ConstraintPtr support() const override;

  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override;
  /// NaN everywhere, as in torch: the density is flat, so no single mode.
  at::Tensor mode() const override;
  at::Tensor stddev() const override;
  at::Tensor variance() const override;

 protected:
  // torch's constraints: both dependent (on each other). Validation checks
  // them finite, then low < high, which no one-parameter constraint says.
  ParamList params() const override {
    return {{"low", &low_, constraints::dependent()}, {"high", &high_, constraints::dependent()}};
  }

 private:
  at::Tensor low_, high_;
};

}  // namespace torchdist
