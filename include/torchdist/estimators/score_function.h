#pragma once
/// \file
/// Score-function (REINFORCE, likelihood-ratio) surrogate losses and
/// baselines.

#include <ATen/ATen.h>

namespace torchdist {

/// A surrogate loss for the score-function estimator of the gradient of
/// E_{x ~ p_theta}[cost(x)]:
///
///   L = mean( cost + (cost - baseline).detach() * (exp(lp - lp.detach()) - 1) ),
///
/// with lp = `log_prob` = log p_theta(x) of the (detached) samples x. The
/// weight exp(lp - lp.detach()) - 1 is exactly 0 in the forward pass and
/// has gradient d lp (the DiCE "magic box" of Foerster et al. 2018), so
///   - the value of L is the mean cost, and
///   - its gradient is the REINFORCE estimate mean((cost - b) d log p) plus
///     mean(d cost) for a cost that depends on theta directly (pathwise
///     part); the second-order derivatives are those of the DiCE objective.
/// The estimate is unbiased for any `baseline` that does not depend on the
/// sample it is subtracted from: a constant, a running average of earlier
/// costs (`MovingAverageBaseline`) or the mean of the other samples
/// (`leave_one_out_baseline`).
///
/// `log_prob` and `cost` must have the same shape (one entry per sample;
/// sum log_prob over event dimensions first); `baseline`, if given,
/// broadcasts with them and is detached. Throws `c10::ValueError` otherwise.
///
/// Example (REINFORCE for a policy):
/// \code
///   td::Categorical pi(td::logits(policy_logits));
///   at::Tensor actions = pi.sample({64});
///   at::Tensor loss = td::score_function_surrogate(pi.log_prob(actions), cost_of(actions));
///   loss.backward();  // policy gradient; loss.item() is the mean cost
/// \endcode
at::Tensor score_function_surrogate(const at::Tensor& log_prob, const at::Tensor& cost,
                                    const at::Tensor& baseline = at::Tensor());

/// The leave-one-out baseline along the sample dimension `dim`:
///   b_i = (sum_j cost_j - cost_i) / (n - 1),
/// the mean cost of the other n - 1 samples, which is independent of sample
/// i and so keeps the estimate unbiased (Kool et al. 2019, "Buy 4 REINFORCE
/// samples, get a baseline for free!"). Detached. Needs n >= 2 samples along
/// `dim` (`c10::ValueError` otherwise).
///
/// Example:
/// \code
///   at::Tensor b = td::leave_one_out_baseline(at::tensor({1.0, 2.0, 6.0}));  // [4, 3.5, 1.5]
/// \endcode
at::Tensor leave_one_out_baseline(const at::Tensor& cost, int64_t dim = 0);

/// REINFORCE with the leave-one-out baseline (RLOO): `score_function_surrogate`
/// with `leave_one_out_baseline(cost, dim)`. The gradient it gives equals
/// n / (n - 1) times that of subtracting the sample mean, an unbiased
/// estimate whose variance is usually far lower than plain REINFORCE's.
///
/// Example:
/// \code
///   at::Tensor x = dist.sample({8});                  // 8 samples along dim 0
///   at::Tensor loss = td::rloo_surrogate(dist.log_prob(x), cost_of(x));
/// \endcode
at::Tensor rloo_surrogate(const at::Tensor& log_prob, const at::Tensor& cost, int64_t dim = 0);

/// An exponential moving average of past mean costs, the classic REINFORCE
/// baseline (Williams 1992): after each step, b <- decay * b + (1 - decay) *
/// mean(cost), starting from the first step's mean cost. It uses only earlier
/// samples, so the estimate stays unbiased; `surrogate` subtracts the current
/// value and then updates it.
///
/// Example:
/// \code
///   td::MovingAverageBaseline baseline(0.9);
///   for (int step = 0; step < 1000; ++step) {
///     at::Tensor x = dist.sample({8});
///     at::Tensor loss = baseline.surrogate(dist.log_prob(x), cost_of(x));
///     loss.backward();  // ... optimizer step
///   }
/// \endcode
class MovingAverageBaseline {
 public:
  /// `decay` in [0, 1); throws `c10::ValueError` otherwise.
  explicit MovingAverageBaseline(double decay = 0.9);

  double decay() const { return decay_; }
  /// The current baseline: a 0-dim tensor, or an undefined tensor before
  /// the first update (then `surrogate` uses no baseline).
  const at::Tensor& value() const { return value_; }
  /// Folds the mean of `cost` (detached) into the average.
  void update(const at::Tensor& cost);
  /// `score_function_surrogate(log_prob, cost, value())`, then `update(cost)`.
  at::Tensor surrogate(const at::Tensor& log_prob, const at::Tensor& cost);

 private:
  double decay_;
  at::Tensor value_;
};

}  // namespace torchdist
