#pragma once
/// \file
/// The Kumaraswamy distribution on [0, 1].

#include "torchdist/core/distribution.h"
#include "torchdist/core/utils.h"
#include "torchdist/distributions/transformed_distribution.h"

namespace torchdist {

/// log p(x | a, b) = log a + log b + (a - 1) log x + (b - 1) log(1 - x^a)
/// on [0, 1], -inf outside, with 0 log 0 = 0 (so p(0) = b when a = 1 and
/// p(1) = a when b = 1). log(1 - x^a) is evaluated from t = a log x as
/// log(-expm1(t)) or log1p(-exp(t)), whichever is accurate (Maechler 2012),
/// so that it keeps full relative accuracy near both ends of (0, 1).
at::Tensor kumaraswamy_log_prob(const at::Tensor& x, const at::Tensor& concentration1,
                                const at::Tensor& concentration0);

/// P(X <= x) = 1 - (1 - x^a)^b, with x clamped into [0, 1] first (0 below,
/// 1 above), evaluated as -expm1(b log(1 - x^a)) with the accurate
/// log(1 - x^a) of `kumaraswamy_log_prob`: relative accuracy at both ends.
at::Tensor kumaraswamy_cdf(const at::Tensor& x, const at::Tensor& concentration1, const at::Tensor& concentration0);

/// The Kumaraswamy distribution with shapes `concentration1` a > 0 and
/// `concentration0` b > 0, density
///   p(x) = a b x^(a-1) (1 - x^a)^(b-1),  0 <= x <= 1,
/// a Beta-like law whose cdf and quantile have closed forms.
///
/// Built, as in torch, as a `TransformedDistribution` of Uniform(0, 1)
/// through [PowerTransform(1/b), AffineTransform(1, -1), PowerTransform(1/a)]:
/// a uniform u maps to y = (1 - u^(1/b))^(1/a). The methods evaluate that
/// same map and its density in closed form rather than by chaining the
/// transforms, whose intermediate u = (1 - y^a)^b underflows to 0 (and
/// 1 - y^a rounds to 1) for many points inside (0, 1), making the chained
/// log_prob -inf or NaN there; samples evaluate the same map as
/// exp(log(1 - exp(log(u) / b)) / a), which does not round 1 - u^(1/b) to 0
/// for large b.
///
/// - mean b B(1 + 1/a, b), computed as
///   b exp(lgamma(1 + 1/a) + lgamma(b) - lgamma(1 + 1/a + b));
///   variance b B(1 + 2/a, b) - mean^2;
/// - mode ((a - 1) / (a b - 1))^(1/a) where a >= 1, b >= 1 and not
///   a = b = 1; NaN elsewhere (torch 2.x's log-space formula is wrong,
///   pytorch/pytorch#173912, and returns NaN or wrong values);
/// - entropy (1 - 1/b) + (1 - 1/a) H_b - log(a b), where
///   H_b = digamma(b + 1) + Euler's gamma is the b-th harmonic number;
/// - cdf 1 - (1 - x^a)^b, icdf (1 - (1 - p)^(1/b))^(1/a).
///
/// Parameters broadcast together and must be positive.
///
/// Example:
/// \code
///   td::Kumaraswamy d(at::tensor({0.5, 2.0, 5.0}), 3.0);
///   at::Tensor x = d.rsample({10});  // [10, 3] in [0, 1], differentiable in a and b
///   at::Tensor lp = d.log_prob(x);   // [10, 3]
///   at::Tensor q = d.icdf(at::full({3}, 0.9));
/// \endcode
class Kumaraswamy : public Family<Kumaraswamy, TransformedDistribution> {
 public:
  /// Throws `c10::ValueError` "Kumaraswamy: concentration1 must satisfy
  /// positive(), got ..." (likewise for concentration0) when validating.
  Kumaraswamy(ScalarOrTensor concentration1, ScalarOrTensor concentration0,
              c10::optional<bool> validate_args = c10::nullopt);

  std::string name() const override { return "Kumaraswamy"; }
  /// The first shape parameter a (often alpha), the exponent of x.
  const at::Tensor& concentration1() const { return concentration1_; }
  /// The second shape parameter b (often beta), the exponent of 1 - x^a.
  const at::Tensor& concentration0() const { return concentration0_; }

  /// `unit_interval()`.
  ConstraintPtr support() const override { return constraints::unit_interval(); }

  at::Tensor sample(at::IntArrayRef sample_shape = {},
                    c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override;
  at::Tensor mode() const override;
  at::Tensor variance() const override;

 protected:
  ParamList params() const override {
    return {{"concentration1", &concentration1_, constraints::positive()},
            {"concentration0", &concentration0_, constraints::positive()}};
  }

 private:
  // The parameters broadcast together, which the base and the transforms
  // need before this object's members exist.
  struct Params {
    at::Tensor concentration1, concentration0;
  };
  Kumaraswamy(const Params& params, c10::optional<bool> validate_args);
  static Params broadcast(const ScalarOrTensor& concentration1, const ScalarOrTensor& concentration0);
  static DistributionPtr make_base(const Params& params);
  static std::vector<TransformPtr> make_transforms(const Params& params);

  at::Tensor concentration1_, concentration0_;
};

}  // namespace torchdist
