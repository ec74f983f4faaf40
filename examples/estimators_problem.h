#pragma once
// The problem the estimator demo (examples/estimators.cpp) and the
// estimator tests share: minimize the expected cost
//
//   J(theta) = E_{z ~ p_theta}[ f(z) ],   z = (z_1, ..., z_D) independent,
//   z_d ~ Categorical(softmax(theta_d)), K categories each,
//   f(z) = (sum_d value[z_d] - target)^2,  value[k] = k / (K - 1),
//
// small enough (K^D = 625 joint outcomes) to compute J and its gradient
// exactly by enumeration. f extends to relaxed (simplex-valued) z through
// value[z_d] = <y_d, value>, which is what the Gumbel-softmax estimators
// differentiate.
//
// Each estimator is a function (theta, samples, generator) -> a scalar
// surrogate whose gradient with respect to theta is the estimate.

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torchdist/estimators.h>
#include <torchdist/torchdist.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace estimators_demo {

namespace td = torchdist;

constexpr int64_t kVariables = 4;   // D
constexpr int64_t kCategories = 5;  // K
constexpr double kTarget = 2.7;

// value[k] = k / (K - 1): [0, 0.25, 0.5, 0.75, 1].
inline at::Tensor category_values() { return at::linspace(0, 1, kCategories, at::kDouble); }

// f for one-hot or relaxed y of shape [..., D, K].
inline at::Tensor cost(const at::Tensor& y) {
  at::Tensor total = (y * category_values()).sum({-1, -2});
  return (total - kTarget).pow(2);
}

// Every joint outcome as one-hot vectors: [K^D, D, K].
inline at::Tensor all_outcomes() {
  int64_t n = 1;
  for (int64_t d = 0; d < kVariables; ++d) n *= kCategories;
  at::Tensor index = at::empty({n, kVariables}, at::kLong);
  auto acc = index.accessor<int64_t, 2>();
  for (int64_t i = 0; i < n; ++i) {
    int64_t rest = i;
    for (int64_t d = 0; d < kVariables; ++d) {
      acc[i][d] = rest % kCategories;
      rest /= kCategories;
    }
  }
  return at::one_hot(index, kCategories).to(at::kDouble);
}

// J(theta), exactly, differentiable in theta ([D, K]).
inline at::Tensor exact_objective(const at::Tensor& theta) {
  static const at::Tensor outcomes = all_outcomes();
  static const at::Tensor costs = cost(outcomes);
  at::Tensor log_p = (outcomes * at::log_softmax(theta, -1)).sum({-1, -2});
  return (log_p.exp() * costs).sum();
}

// The smallest cost over all outcomes (the optimum of J).
inline double optimum() { return cost(all_outcomes()).min().item<double>(); }

using Estimator = std::function<at::Tensor(const at::Tensor& theta, int64_t samples, at::Generator& gen)>;

struct NamedEstimator {
  std::string name;
  Estimator surrogate;
};

// Plain REINFORCE: mean(f(z) d log p(z)).
inline at::Tensor reinforce(const at::Tensor& theta, int64_t samples, at::Generator& gen) {
  td::OneHotCategorical p(td::logits(theta));
  at::Tensor z = p.sample({samples}, gen);  // [S, D, K]
  return td::score_function_surrogate(p.log_prob(z).sum(-1), cost(z));
}

// REINFORCE with the leave-one-out baseline over the S samples.
inline at::Tensor rloo(const at::Tensor& theta, int64_t samples, at::Generator& gen) {
  td::OneHotCategorical p(td::logits(theta));
  at::Tensor z = p.sample({samples}, gen);
  return td::rloo_surrogate(p.log_prob(z).sum(-1), cost(z));
}

// REINFORCE with a moving-average baseline; the baseline is state carried
// from call to call (one object per run).
inline Estimator reinforce_with_moving_average(double decay = 0.9) {
  auto baseline = std::make_shared<td::MovingAverageBaseline>(decay);
  return [baseline](const at::Tensor& theta, int64_t samples, at::Generator& gen) {
    td::OneHotCategorical p(td::logits(theta));
    at::Tensor z = p.sample({samples}, gen);
    return baseline->surrogate(p.log_prob(z).sum(-1), cost(z));
  };
}

// Gumbel-softmax: the pathwise gradient of the relaxed cost, soft or
// straight-through (hard).
inline Estimator gumbel(double tau, bool hard) {
  return [tau, hard](const at::Tensor& theta, int64_t samples, at::Generator& gen) {
    at::Tensor logits = theta.expand({samples, kVariables, kCategories});
    return cost(td::gumbel_softmax(logits, tau, hard, -1, gen)).mean();
  };
}

inline at::Tensor exact(const at::Tensor& theta, int64_t, at::Generator&) { return exact_objective(theta); }

// The estimators the demo compares, freshly constructed (the moving
// average starts empty).
inline std::vector<NamedEstimator> all_estimators() {
  return {
      {"exact gradient", exact},
      {"REINFORCE", reinforce},
      {"REINFORCE + moving avg", reinforce_with_moving_average()},
      {"RLOO", rloo},
      {"Gumbel-softmax t=1", gumbel(1.0, false)},
      {"Gumbel-softmax t=0.1", gumbel(0.1, false)},
      {"ST Gumbel-softmax t=1", gumbel(1.0, true)},
      {"ST Gumbel-softmax t=0.1", gumbel(0.1, true)},
  };
}

// One gradient estimate at theta (a leaf that requires grad).
inline at::Tensor estimate_gradient(const Estimator& estimator, const at::Tensor& theta, int64_t samples,
                                    at::Generator& gen) {
  at::Tensor surrogate = estimator(theta, samples, gen);
  return torch::autograd::grad({surrogate}, {theta})[0];
}

}  // namespace estimators_demo
