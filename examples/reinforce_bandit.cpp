// A softmax policy learns to play a 10-armed bandit with REINFORCE.
//
// The bandit is generated here (arm means drawn from N(0, 1) at a fixed
// seed; rewards are N(mean, 1)). The policy is Categorical(logits = theta);
// the score-function estimator of the gradient of the expected reward is
//   grad E[r] = E[(r - b) grad log pi(a)],
// with b a moving-average baseline that lowers the variance without adding
// bias. Run it: ./build/examples/reinforce_bandit

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/grad_mode.h>
#include <torchdist/torchdist.h>

#include <cstdio>

namespace td = torchdist;

int main() {
  const int64_t arms = 10, pulls_per_step = 64, steps = 300;
  const double learning_rate = 0.5, baseline_decay = 0.9;
  at::Generator gen = at::detail::createCPUGenerator(2024);

  // The environment: arm means, hidden from the agent.
  const at::Tensor arm_means = at::empty({arms}, at::kDouble).normal_(0, 1, gen);
  const int64_t best_arm = arm_means.argmax().item<int64_t>();
  const double best_mean = arm_means[best_arm].item<double>();

  at::Tensor theta = at::zeros({arms}, at::kDouble).set_requires_grad(true);
  double baseline = 0.0;

  std::printf("REINFORCE on a %lld-armed bandit (best arm %lld, mean reward %.3f)\n\n",
              static_cast<long long>(arms), static_cast<long long>(best_arm), best_mean);
  std::printf("%6s %14s %14s %12s\n", "step", "mean reward", "P(best arm)", "entropy");
  for (int64_t step = 1; step <= steps; ++step) {
    td::Categorical policy(td::logits(theta));
    at::Tensor actions = policy.sample({pulls_per_step}, gen);  // int64, no gradient
    at::Tensor rewards = arm_means.index_select(0, actions) + at::empty({pulls_per_step}, at::kDouble).normal_(0, 1, gen);

    // Score-function surrogate: its gradient is the REINFORCE estimate.
    at::Tensor advantage = rewards - baseline;
    at::Tensor loss = -(policy.log_prob(actions) * advantage).mean();
    loss.backward();
    {
      at::NoGradGuard no_grad;
      theta.sub_(learning_rate * theta.grad());
      theta.grad().zero_();
    }
    const double mean_reward = rewards.mean().item<double>();
    baseline = baseline_decay * baseline + (1 - baseline_decay) * mean_reward;

    if (step == 1 || step % 30 == 0) {
      at::NoGradGuard no_grad;
      td::Categorical now(td::logits(theta));
      std::printf("%6lld %14.3f %14.3f %12.3f\n", static_cast<long long>(step), mean_reward,
                  now.probs()[best_arm].item<double>(), now.entropy().item<double>());
    }
  }

  at::NoGradGuard no_grad;
  td::Categorical final_policy(td::logits(theta));
  const at::Tensor probs = final_policy.probs();
  std::printf("\n%5s %12s %14s\n", "arm", "true mean", "final P(arm)");
  for (int64_t k = 0; k < arms; ++k) {
    std::printf("%5lld %12.3f %14.3f%s\n", static_cast<long long>(k), arm_means[k].item<double>(),
                probs[k].item<double>(), k == best_arm ? "   <- best" : "");
  }
  const double expected = (probs * arm_means).sum().item<double>();
  std::printf("\nexpected reward of the final policy: %.3f (best possible %.3f)\n", expected, best_mean);
  return 0;
}
