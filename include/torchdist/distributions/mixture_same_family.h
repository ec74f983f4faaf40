#pragma once
/// \file
/// MixtureSameFamily: a finite mixture whose components are the batch of one
/// distribution, selected by a Categorical.

#include <memory>
#include <type_traits>
#include <utility>

#include "torchdist/core/distribution.h"
#include "torchdist/distributions/categorical.h"

namespace torchdist {

/// A (batch of) finite mixture(s) of K components of one family:
///   p(x) = sum_k w_k p_k(x),
/// where the weights w come from `mixture_distribution`, a Categorical over
/// K categories, and the components p_k are the rightmost batch dimension
/// (of size K) of `component_distribution`.
///
/// Shapes: the component distribution has batch_shape `B_c + [K]` and
/// event_shape `E`; the mixture has batch_shape `B_m`, which must broadcast
/// with `B_c` (dimensions 1 or equal, counting from the right, as torch
/// checks). The mixture has batch_shape `broadcast(B_m, B_c)` (that is
/// `B_c` whenever `B_m` broadcasts to it, torch's batch_shape) and
/// event_shape `E`.
///
/// - `log_prob(x) = logsumexp_k(log p_k(x) + log w_k)`;
/// - `cdf(x) = sum_k w_k F_k(x)` (when the components have a cdf);
/// - `mean = sum_k w_k mu_k`;
/// - `variance = sum_k w_k sigma_k^2 + sum_k w_k (mu_k - mean)^2` (the law
///   of total variance, elementwise over the event);
/// - `sample` draws a component index from the mixture and a sample from
///   every component, and keeps the selected one (no gradient; there is no
///   `rsample`, as in torch).
///
/// The support is the component's support, checked for a value against
/// every component (torch 2.x's `MixtureSameFamilyConstraint`), so that
/// supports with batched bounds (Uniform components) broadcast correctly;
/// its name is `mixture_same_family(<component support>)`.
///
/// Example (a one-dimensional Gaussian mixture, and a batch of three
/// two-dimensional ones):
/// \code
///   td::MixtureSameFamily gmm(td::Categorical(td::logits(at::zeros({5}))),
///                             td::Normal(at::randn({5}), at::rand({5}) + 0.1));
///   at::Tensor x = gmm.sample({1000});   // [1000]
///   at::Tensor lp = gmm.log_prob(x);     // [1000]
///
///   td::MixtureSameFamily gmm2(td::Categorical(td::probs(at::rand({3, 5}))),
///                              td::Independent(td::Normal(at::randn({3, 5, 2}), at::ones({3, 5, 2})), 1));
///   gmm2.batch_shape();  // [3]
///   gmm2.event_shape();  // [2]
/// \endcode
class MixtureSameFamily : public Family<MixtureSameFamily> {
 public:
  /// The mixing Categorical (K categories) and the component distribution
  /// (batch_shape `B_c + [K]`), both shared. Throws `c10::ValueError` when
  /// either is null or the shapes do not fit together.
  ///
  /// Example:
  /// \code
  ///   auto mix = std::make_shared<td::Categorical>(td::probs(at::tensor({0.3, 0.7})));
  ///   td::DistributionPtr comp = std::make_shared<td::Normal>(at::tensor({-1.0, 1.0}), 0.5);
  ///   td::MixtureSameFamily m(mix, comp);
  /// \endcode
  MixtureSameFamily(std::shared_ptr<const Categorical> mixture_distribution, DistributionPtr component_distribution,
                    c10::optional<bool> validate_args = c10::nullopt);
  /// Takes the mixture by value and the component shared.
  MixtureSameFamily(Categorical mixture_distribution, DistributionPtr component_distribution,
                    c10::optional<bool> validate_args = c10::nullopt)
      : MixtureSameFamily(std::make_shared<const Categorical>(std::move(mixture_distribution)),
                          std::move(component_distribution), validate_args) {}
  /// Takes the mixture and any concrete component distribution by value:
  /// `td::MixtureSameFamily(td::Categorical(td::logits(w)), td::Normal(loc, scale))`.
  template <class D, std::enable_if_t<is_distribution_v<D>, int> = 0>
  MixtureSameFamily(Categorical mixture_distribution, D&& component_distribution,
                    c10::optional<bool> validate_args = c10::nullopt)
      : MixtureSameFamily(std::make_shared<const Categorical>(std::move(mixture_distribution)),
                          share(std::forward<D>(component_distribution)), validate_args) {}
  /// Takes the mixture shared and any concrete component by value.
  template <class D, std::enable_if_t<is_distribution_v<D>, int> = 0>
  MixtureSameFamily(std::shared_ptr<const Categorical> mixture_distribution, D&& component_distribution,
                    c10::optional<bool> validate_args = c10::nullopt)
      : MixtureSameFamily(std::move(mixture_distribution), share(std::forward<D>(component_distribution)),
                          validate_args) {}

  /// "MixtureSameFamily", as used in error messages.
  std::string name() const override { return "MixtureSameFamily"; }
  /// The Categorical that selects a component, as given.
  ///
  /// Example:
  /// \code
  ///   at::Tensor w = m.mixture_distribution()->probs();  // [..., K]
  /// \endcode
  const std::shared_ptr<const Categorical>& mixture_distribution() const { return mixture_; }
  /// The component distribution, as given (batch_shape `B_c + [K]`).
  ///
  /// Example:
  /// \code
  ///   at::Tensor mu = m.component_distribution()->mean();  // [..., K, E...]
  /// \endcode
  const DistributionPtr& component_distribution() const { return component_; }
  /// The number of components K.
  ///
  /// Example:
  /// \code
  ///   gmm.num_components();  // 5
  /// \endcode
  int64_t num_components() const { return num_components_; }

  /// False: no pathwise gradient through the discrete choice, as in torch
  /// (`rsample` throws `c10::NotImplementedError`).
  bool has_rsample() const override { return false; }
  /// The component's support, checked against every component:
  /// `mixture_same_family(<component support>)`.
  ///
  /// Example:
  /// \code
  ///   gmm.support()->check(at::tensor({0.5, NAN}));  // [true, false]
  /// \endcode
  ConstraintPtr support() const override;

  /// Draws `sample_shape + batch_shape + event_shape` samples without
  /// gradient: a component index per draw from the mixture, then the value
  /// of that component (`generator` is used by both draws).
  ///
  /// Example:
  /// \code
  ///   at::Tensor x = gmm.sample({100}, gen);  // [100]
  /// \endcode
  at::Tensor sample(at::IntArrayRef sample_shape = {},
                    c10::optional<at::Generator> generator = c10::nullopt) const override;
  /// logsumexp_k(log p_k(value) + log w_k); shape: the broadcast of
  /// `value`'s batch dimensions with `batch_shape`. Checks `value` against
  /// the shapes and the support when `validate_args()`.
  ///
  /// Example:
  /// \code
  ///   at::Tensor lp = gmm.log_prob(at::linspace(-3, 3, 7));  // [7]
  /// \endcode
  at::Tensor log_prob(const at::Tensor& value) const override;
  /// sum_k w_k F_k(value). Throws `c10::NotImplementedError` naming the
  /// component when the component has no cdf.
  ///
  /// Example:
  /// \code
  ///   at::Tensor F = gmm.cdf(at::tensor({0.0}));  // P(X <= 0)
  /// \endcode
  at::Tensor cdf(const at::Tensor& value) const override;
  /// sum_k w_k mu_k, shape `batch_shape + event_shape`.
  ///
  /// Example:
  /// \code
  ///   at::Tensor mu = gmm2.mean();  // [3, 2]
  /// \endcode
  at::Tensor mean() const override;
  /// The law of total variance, elementwise over the event:
  ///   sum_k w_k sigma_k^2 + sum_k w_k (mu_k - mean)^2.
  ///
  /// Example:
  /// \code
  ///   at::Tensor var = gmm2.variance();  // [3, 2]
  /// \endcode
  at::Tensor variance() const override;

 protected:
  /// `expand`: the mixture to `batch_shape`, the components to
  /// `batch_shape + [K]` (`gmm.expand({4})` has batch_shape [4]).
  void expand_params(at::IntArrayRef batch_shape) override;

 private:
  // `x` with a singleton component dimension before its event dimensions.
  at::Tensor pad(const at::Tensor& x) const { return x.unsqueeze(-1 - event_ndims_); }
  // Mixture weights shaped to broadcast with the components' moments:
  // `B_m + [K] + [1] * event_ndims`.
  at::Tensor padded_weights() const;

  std::shared_ptr<const Categorical> mixture_;
  DistributionPtr component_;
  int64_t num_components_;
  int64_t event_ndims_;
};

}  // namespace torchdist
