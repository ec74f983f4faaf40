"""The sweep's workflow cases in Python: a few lines of user code each, the way
a training or RL step calls torch.distributions. bench/sweep/workflows.cpp
holds the same five in C++; the two must stay line-for-line equivalent.

Each workflow is one timed call on inputs that cases.py draws (seeded,
float32) and passes in the case's "inputs". The inputs named "requires grad"
are leaves with requires_grad set once, before the first call, on both sides;
their gradients accumulate across calls (nothing zeroes them), the same on
both sides. Distributions use the default validation, which is on (set below).

rl_step (logits [256, 16], requires grad; reward [256]):
    d = Categorical(logits=logits)
    a = d.sample()
    loss = -(d.log_prob(a) * reward).mean() - 0.01 * d.entropy().mean()
    loss.backward()

discrete_vae_kl (logits [64, 32, 10], requires grad):
    prior = OneHotCategorical(logits=torch.zeros(10))      # created in the call
    kl_divergence(OneHotCategorical(logits=logits), prior).sum().backward()

gaussian_vae_elbo (mu [128, 32], log_sigma [128, 32], both require grad):
    q = Normal(mu, log_sigma.exp())
    z = q.rsample()
    p = Normal(torch.zeros(()), torch.ones(()))            # 0-dim, created in the call
    loss = (q.log_prob(z) - p.log_prob(z)).sum() \
        + kl_divergence(q, Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum()
    loss.backward()

mixture_nll (mix_logits [8], locs [8], log_scales [8], all require grad; x [1024]):
    m = MixtureSameFamily(Categorical(logits=mix_logits), Normal(locs, log_scales.exp()))
    loss = -m.log_prob(x).mean()
    loss.backward()

flow_log_prob (loc [8], log_scale [8], both require grad; y [512, 8], positive):
    base = Independent(Normal(torch.zeros(8), torch.ones(8)), 1)   # created in the call
    flow = TransformedDistribution(base, [AffineTransform(loc, log_scale.exp(), event_dim=1), ExpTransform()])
    loss = -flow.log_prob(y).mean()
    loss.backward()
"""

import torch
import torch.distributions as D

# The sweep times validation on, torch's default; setting it keeps it on
# under python3 -O too.
D.Distribution.set_default_validate_args(True)


def rl_step(logits, reward):
    d = D.Categorical(logits=logits)
    a = d.sample()
    loss = -(d.log_prob(a) * reward).mean() - 0.01 * d.entropy().mean()
    loss.backward()


def discrete_vae_kl(logits):
    prior = D.OneHotCategorical(logits=torch.zeros(10))
    D.kl_divergence(D.OneHotCategorical(logits=logits), prior).sum().backward()


def gaussian_vae_elbo(mu, log_sigma):
    q = D.Normal(mu, log_sigma.exp())
    z = q.rsample()
    p = D.Normal(torch.zeros(()), torch.ones(()))
    loss = (q.log_prob(z) - p.log_prob(z)).sum() + D.kl_divergence(
        q, D.Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum()
    loss.backward()


def mixture_nll(mix_logits, locs, log_scales, x):
    m = D.MixtureSameFamily(D.Categorical(logits=mix_logits), D.Normal(locs, log_scales.exp()))
    loss = -m.log_prob(x).mean()
    loss.backward()


def flow_log_prob(loc, log_scale, y):
    base = D.Independent(D.Normal(torch.zeros(8), torch.ones(8)), 1)
    flow = D.TransformedDistribution(base, [D.AffineTransform(loc, log_scale.exp(), event_dim=1), D.ExpTransform()])
    loss = -flow.log_prob(y).mean()
    loss.backward()


WORKFLOWS = {  # name -> (function, the inputs that require grad)
    "rl_step": (rl_step, ("logits",)),
    "discrete_vae_kl": (discrete_vae_kl, ("logits",)),
    "gaussian_vae_elbo": (gaussian_vae_elbo, ("mu", "log_sigma")),
    "mixture_nll": (mixture_nll, ("mix_logits", "locs", "log_scales")),
    "flow_log_prob": (flow_log_prob, ("loc", "log_scale")),
}


def compile_workflow(name, inputs):
    """The timed call: the workflow bound to its inputs, its leaves marked
    requires_grad once here (as the C++ side marks them when it prepares)."""
    fn, grad = WORKFLOWS[name]
    for n in grad:
        inputs[n].requires_grad_(True)
    return lambda: fn(**inputs)
