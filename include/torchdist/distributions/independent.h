#pragma once
/// \file
/// Independent: reinterprets batch dimensions of a distribution as event
/// dimensions.

#include "torchdist/core/distribution.h"

namespace torchdist {

/// Treats the rightmost `reinterpreted_batch_ndims` batch dimensions of
/// `base` as event dimensions: `log_prob` and `entropy` sum over them. The
/// usual way to turn a batch of univariate distributions into one
/// multivariate distribution with a diagonal covariance.
///
/// Example:
/// \code
///   td::Independent mvn(td::Normal(at::zeros({3}), at::ones({3})), 1);
///   mvn.batch_shape();   // []
///   mvn.event_shape();   // [3]
///   mvn.log_prob(at::zeros({3}));  // sum of the three normal log-densities
/// \endcode
class Independent : public Family<Independent> {
 public:
  Independent(DistributionPtr base, int64_t reinterpreted_batch_ndims,
              c10::optional<bool> validate_args = c10::nullopt);
  /// Takes any concrete distribution by value.
  template <class D, std::enable_if_t<is_distribution_v<D>, int> = 0>
  Independent(D&& base, int64_t reinterpreted_batch_ndims, c10::optional<bool> validate_args = c10::nullopt)
      : Independent(share(std::forward<D>(base)), reinterpreted_batch_ndims, validate_args) {}

  std::string name() const override { return "Independent"; }
  const DistributionPtr& base_dist() const { return base_; }
  int64_t reinterpreted_batch_ndims() const { return ndims_; }

  bool has_rsample() const override { return base_->has_rsample(); }
  bool has_enumerate_support() const override { return ndims_ == 0 && base_->has_enumerate_support(); }
  ConstraintPtr support() const override;

  at::Tensor sample(at::IntArrayRef sample_shape = {},
                    c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor rsample(at::IntArrayRef sample_shape = {},
                     c10::optional<at::Generator> generator = c10::nullopt) const override;
  at::Tensor log_prob(const at::Tensor& value) const override;
  at::Tensor entropy() const override;
  at::Tensor mean() const override { return base_->mean(); }
  at::Tensor mode() const override { return base_->mode(); }
  at::Tensor variance() const override { return base_->variance(); }
  at::Tensor enumerate_support(bool expand = true) const override;

 protected:
  /// Expands the base to `batch_shape` plus the reinterpreted dimensions.
  void expand_params(at::IntArrayRef batch_shape) override;

 private:
  DistributionPtr base_;
  int64_t ndims_;
};

}  // namespace torchdist
