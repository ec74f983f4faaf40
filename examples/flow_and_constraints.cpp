// Two uses of transforms, as shown in the README:
//  1. a small normalizing flow, y = tanh(shift + exp(log_scale) * x) with
//     x ~ N(0, I), fitted by maximum likelihood to data it generates itself;
//  2. a constrained parameter (a scale) optimized in unconstrained space
//     through biject_to(positive()).

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/grad_mode.h>
#include <torchdist/torchdist.h>

#include <cstdio>

namespace td = torchdist;

int main() {
  at::Generator gen = at::detail::createCPUGenerator(7);

  // ---- 1. A flow fitted to data from a known flow of the same form.
  const at::Tensor true_shift = at::tensor({0.5, -0.3}, at::kDouble);
  const at::Tensor true_scale = at::tensor({0.4, 1.2}, at::kDouble);
  at::Tensor data = at::tanh(true_shift + true_scale * at::empty({2000, 2}, at::kDouble).normal_(0, 1, gen));

  at::Tensor shift = at::zeros({2}, at::kDouble).set_requires_grad(true);
  at::Tensor log_scale = at::zeros({2}, at::kDouble).set_requires_grad(true);
  std::printf("Fitting a 2-D flow tanh(shift + scale * x) by maximum likelihood\n");
  std::printf("%6s %12s %20s %20s\n", "step", "nll", "shift", "scale");
  for (int step = 0; step <= 400; ++step) {
    td::TransformedDistribution flow(
        td::Normal(at::zeros({2}, at::kDouble), at::ones({2}, at::kDouble)),
        {std::make_shared<td::AffineTransform>(shift, log_scale.exp()), std::make_shared<td::TanhTransform>()});
    at::Tensor nll = -flow.log_prob(data).sum(-1).mean();
    nll.backward();
    {
      at::NoGradGuard no_grad;
      shift.sub_(0.1 * shift.grad());
      log_scale.sub_(0.1 * log_scale.grad());
      shift.grad().zero_();
      log_scale.grad().zero_();
    }
    if (step % 100 == 0) {
      at::Tensor s = log_scale.exp();
      std::printf("%6d %12.4f      [%6.3f, %6.3f]      [%6.3f, %6.3f]\n", step, nll.item<double>(),
                  shift[0].item<double>(), shift[1].item<double>(), s[0].item<double>(), s[1].item<double>());
    }
  }
  std::printf("true: shift [%6.3f, %6.3f], scale [%6.3f, %6.3f]\n\n", true_shift[0].item<double>(),
              true_shift[1].item<double>(), true_scale[0].item<double>(), true_scale[1].item<double>());

  // ---- 2. A positive scale, optimized through biject_to(positive()).
  at::Tensor obs = at::empty({500}, at::kDouble).normal_(0, 2.5, gen);
  auto to_positive = td::biject_to(td::constraints::positive());
  at::Tensor raw = at::zeros({}, at::kDouble).set_requires_grad(true);
  for (int step = 0; step < 300; ++step) {
    at::Tensor scale = to_positive->forward(raw);
    at::Tensor loss = -td::Normal(0.0, scale).log_prob(obs).mean();
    loss.backward();
    {
      at::NoGradGuard no_grad;
      raw.sub_(0.2 * raw.grad());
      raw.grad().zero_();
    }
  }
  std::printf("Scale fitted through %s: %.4f (maximum-likelihood value %.4f)\n", to_positive->name().c_str(),
              to_positive->forward(raw).item<double>(), obs.pow(2).mean().sqrt().item<double>());
  return 0;
}
