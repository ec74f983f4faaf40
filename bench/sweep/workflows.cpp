#include "workflows.h"

#include <torchdist/torchdist.h>

#include <c10/util/Exception.h>

#include <memory>
#include <utility>

namespace torchdist {
namespace sweep {
namespace {

// A policy-gradient (REINFORCE) step with an entropy bonus: logits [256, 16]
// (requires grad), reward [256].
void rl_step(const at::Tensor& logits, const at::Tensor& reward) {
  Categorical d(torchdist::logits(logits));
  const at::Tensor a = d.sample();
  const at::Tensor loss = -(d.log_prob(a) * reward).mean() - 0.01 * d.entropy().mean();
  loss.backward();
}

// The KL term of a discrete VAE against a uniform prior: logits [64, 32, 10]
// (requires grad); the prior's zeros are made inside the step.
void discrete_vae_kl(const at::Tensor& logits) {
  OneHotCategorical q(torchdist::logits(logits));
  OneHotCategorical prior(torchdist::logits(at::zeros({10}, logits.options().requires_grad(false))));
  kl_divergence(q, prior).sum().backward();
}

// A Gaussian VAE's loss terms: mu and log_sigma [128, 32] (require grad);
// the reparameterized sample's log-density ratio plus the analytic KL.
void gaussian_vae_elbo(const at::Tensor& mu, const at::Tensor& log_sigma) {
  Normal q(mu, log_sigma.exp());
  const at::Tensor z = q.rsample();
  const at::TensorOptions scalar = mu.options().requires_grad(false);
  Normal p(at::zeros({}, scalar), at::ones({}, scalar));
  Normal standard(at::zeros_like(mu, scalar), at::ones_like(mu, scalar));
  const at::Tensor loss = (q.log_prob(z) - p.log_prob(z)).sum() + kl_divergence(q, standard).sum();
  loss.backward();
}

// The negative log-likelihood of a 1-d Gaussian mixture: mix_logits, locs,
// log_scales [8] (require grad), x [1024].
void mixture_nll(const at::Tensor& mix_logits, const at::Tensor& locs, const at::Tensor& log_scales,
                 const at::Tensor& x) {
  MixtureSameFamily m(Categorical(logits(mix_logits)), Normal(locs, log_scales.exp()));
  (-m.log_prob(x).mean()).backward();
}

// A normalizing flow's log-likelihood: a standard Normal through an affine
// and an exp transform; loc, log_scale [8] (require grad), y [512, 8].
void flow_log_prob(const at::Tensor& loc, const at::Tensor& log_scale, const at::Tensor& y) {
  const at::TensorOptions options = loc.options().requires_grad(false);
  Independent base(Normal(at::zeros({8}, options), at::ones({8}, options)), 1);
  TransformedDistribution flow(std::move(base), {std::make_shared<AffineTransform>(loc, log_scale.exp(), 1),
                                                 std::make_shared<ExpTransform>()});
  (-flow.log_prob(y).mean()).backward();
}

}  // namespace

std::function<void()> make_workflow(const std::string& name, std::map<std::string, at::Tensor> in) {
  auto leaf = [&](const char* key) { return in.at(key).requires_grad_(true); };
  if (name == "rl_step") {
    return [logits = leaf("logits"), reward = in.at("reward")] { rl_step(logits, reward); };
  }
  if (name == "discrete_vae_kl") return [logits = leaf("logits")] { discrete_vae_kl(logits); };
  if (name == "gaussian_vae_elbo") {
    return [mu = leaf("mu"), log_sigma = leaf("log_sigma")] { gaussian_vae_elbo(mu, log_sigma); };
  }
  if (name == "mixture_nll") {
    return [w = leaf("mix_logits"), locs = leaf("locs"), s = leaf("log_scales"), x = in.at("x")] {
      mixture_nll(w, locs, s, x);
    };
  }
  if (name == "flow_log_prob") {
    return [loc = leaf("loc"), s = leaf("log_scale"), y = in.at("y")] { flow_log_prob(loc, s, y); };
  }
  TORCH_CHECK_VALUE(false, "td_sweep: unknown workflow ", name);
}

}  // namespace sweep
}  // namespace torchdist
