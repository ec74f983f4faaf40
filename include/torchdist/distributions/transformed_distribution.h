#pragma once
/// \file
/// TransformedDistribution: a base distribution pushed through a sequence
/// of transforms, with log_prob by change of variables.

#include <initializer_list>
#include <vector>

#include "torchdist/core/distribution.h"
#include "torchdist/transforms/transform.h"

namespace torchdist {

/// A list of transforms, accepted in the forms users write:
/// `std::vector<std::shared_ptr<td::Transform>>{...}`, a vector of
/// `TransformPtr`, a braced list `{t1, t2}`, or a single transform.
class TransformList {
 public:
  TransformList(std::vector<TransformPtr> transforms) : transforms_(std::move(transforms)) {}  // NOLINT
  TransformList(const std::vector<std::shared_ptr<Transform>>& transforms)                      // NOLINT
      : transforms_(transforms.begin(), transforms.end()) {}
  TransformList(std::initializer_list<TransformPtr> transforms) : transforms_(transforms) {}
  TransformList(TransformPtr transform) : transforms_{std::move(transform)} {}  // NOLINT
  const std::vector<TransformPtr>& get() const { return transforms_; }

 private:
  std::vector<TransformPtr> transforms_;
};

/// The distribution of y = f_n(... f_1(x)) for x from `base`:
///   log p(y) = log p_base(x) - sum_i log|det J_{f_i}|.
/// Samples are transformed base samples; `rsample` is pathwise when the
/// base has it. `cdf`/`icdf` are defined for monotone elementwise
/// transforms (those with a `sign`).
///
/// If the transforms act on more event dimensions than the base has (a
/// StickBreaking transform on a batch of Normals, say), the extra batch
/// dimensions of the base are reinterpreted as event dimensions.
///
/// Example (a log-normal, and a small normalizing flow):
/// \code
///   td::TransformedDistribution log_normal(td::Normal(0.0, 1.0),
///       std::vector<std::shared_ptr<td::Transform>>{std::make_shared<td::ExpTransform>()});
///   td::TransformedDistribution flow(td::Normal(at::zeros({2}), at::ones({2})),
///       {std::make_shared<td::AffineTransform>(shift, scale), std::make_shared<td::TanhTransform>()});
///   at::Tensor y = flow.rsample({64});
///   at::Tensor lp = flow.log_prob(y);
/// \endcode
class TransformedDistribution : public Family<TransformedDistribution> {
 public:
  TransformedDistribution(DistributionPtr base, TransformList transforms,
                          c10::optional<bool> validate_args = c10::nullopt);
  /// Takes any concrete distribution by value.
  template <class D, std::enable_if_t<is_distribution_v<D>, int> = 0>
  TransformedDistribution(D&& base, TransformList transforms, c10::optional<bool> validate_args = c10::nullopt)
      : TransformedDistribution(share(std::forward<D>(base)), std::move(transforms), validate_args) {}

  std::string name() const override { return "TransformedDistribution"; }
  /// The base distribution (wrapped in Independent when the transforms
  /// needed more event dimensions).
  const DistributionPtr& base_dist() const { return base_; }
  const std::vector<TransformPtr>& transforms() const { return transforms_; }

  bool has_rsample() const override { return base_->has_rsample(); }
  ConstraintPtr support() const override;

  at::Tensor sample(at::IntArrayRef sample_shape = {},
                    c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& value) const override;

 protected:
  /// Expands the base (to the shape the transforms map onto
  /// `batch_shape + event_shape`) and any parameters a derived family
  /// declares; the transforms keep their parameters, which broadcast.
  void expand_params(at::IntArrayRef batch_shape) override;
  /// Maps a cdf value of the base to this distribution's (and a probability
  /// of this distribution to the base's): u where the transforms increase,
  /// 1 - u where they decrease, element by element (the product of the
  /// transforms' `signs()`, which may differ across elements).
  at::Tensor monotonize(const at::Tensor& u) const;
  /// Throws NotImplementedError naming this distribution unless cdf/icdf
  /// can be pushed through the transforms.
  void check_monotone(const char* method) const;
  /// Applies the transforms to a base sample.
  at::Tensor push_forward(at::Tensor x) const;

 private:
  // Used by expand: the parts are already consistent.
  struct Parts {
    DistributionPtr base;
    std::vector<TransformPtr> transforms;
    std::vector<int64_t> batch_shape, event_shape;
  };
  TransformedDistribution(Parts parts, c10::optional<bool> validate_args);
  static Parts build(DistributionPtr base, std::vector<TransformPtr> transforms);

  DistributionPtr base_;
  std::vector<TransformPtr> transforms_;
};

}  // namespace torchdist
