// Built against the installed package only: the API block, written
// exactly as users will write it, plus the REINFORCE pattern from the
// PyTorch docs. Exits non-zero if anything is off.

#include <ATen/CPUGeneratorImpl.h>
#include <torchdist/torchdist.h>

#include <iostream>
#include <memory>
#include <vector>

namespace td = torchdist;

int main() {
  at::Tensor loc = at::zeros({3}), scale = at::ones({3});
  at::Tensor p = at::full({3}, 0.3), l = at::randn({4, 5});
  at::Tensor total_count = at::full({3}, 10.0);
  at::Tensor concentration1 = at::full({3}, 2.0), concentration0 = at::full({3}, 3.0);
  at::Tensor concentration = at::full({3}, 1.5), rate = at::full({3}, 2.0), df = at::full({3}, 4.0);
  at::Tensor low = at::zeros({3}), high = at::ones({3});
  at::Generator gen = at::detail::createCPUGenerator(42);

  // --- the API block from the issue, verbatim ---
  td::Normal n(loc, scale);                 // at::Tensor parameters, broadcast together
  td::Normal n0(0.0, 1.0);                  // doubles become 0-dim tensors of the default dtype
  td::Bernoulli b(td::probs(p));            // exactly one of td::probs(...) / td::logits(...)
  td::Bernoulli bl(td::logits(l));
  td::Categorical c(td::logits(l));         // unnormalized probs are normalized, as in torch
  td::Binomial bi(total_count, td::probs(p));   // total_count: at::Tensor or double, broadcast with probs
  td::Beta be(concentration1, concentration0);
  td::Gamma g(concentration, rate);
  td::Chi2 x2(df);
  td::Dirichlet d(concentration);
  td::Uniform u(low, high);
  td::Gumbel gu(loc, scale);
  td::ContinuousBernoulli cb(td::probs(p)); // optional lims argument as in torch: {0.499, 0.501}
  td::OneHotCategorical oh(td::probs(p));
  td::Normal nv(loc, scale, /*validate_args=*/false);   // every constructor ends with c10::optional<bool> validate_args
  td::set_default_validate_args(false);                 // global default, true unless changed

  at::Tensor s  = c.sample();                  // batch_shape + event_shape
  at::Tensor s2 = c.sample({100, 2});          // sample_shape first
  at::Tensor s3 = n.rsample({100}, gen);       // optional at::Generator on sample and rsample
  at::Tensor lp = c.log_prob(s);
  // --- end of the API block ---

  td::set_default_validate_args(true);
  int failures = 0;
  auto expect = [&](bool ok, const char* what) {
    if (!ok) {
      std::cerr << "FAILED: " << what << "\n";
      ++failures;
    }
  };
  expect(s.sizes() == at::IntArrayRef({4}) && s.scalar_type() == at::kLong, "Categorical sample shape/dtype");
  expect(s2.sizes() == at::IntArrayRef({100, 2, 4}), "sample_shape first");
  expect(s3.sizes() == at::IntArrayRef({100, 3}), "rsample with a generator");
  expect(lp.sizes() == at::IntArrayRef({4}), "log_prob shape");
  expect(b.sample().scalar_type() == at::kFloat, "Bernoulli samples are floating");
  expect(oh.event_shape() == at::IntArrayRef({3}), "OneHotCategorical event shape");
  expect(d.event_shape() == at::IntArrayRef({3}), "Dirichlet event shape");

  // Polymorphic use through the abstract base.
  std::vector<std::shared_ptr<td::Distribution>> all = {
      std::make_shared<td::Normal>(n0), std::make_shared<td::Bernoulli>(bl), std::make_shared<td::Binomial>(bi),
      std::make_shared<td::Beta>(be),   std::make_shared<td::Gamma>(g),      std::make_shared<td::Chi2>(x2),
      std::make_shared<td::Dirichlet>(d), std::make_shared<td::Uniform>(u), std::make_shared<td::Gumbel>(gu),
      std::make_shared<td::ContinuousBernoulli>(cb), std::make_shared<td::OneHotCategorical>(oh),
      std::make_shared<td::Categorical>(c)};
  for (const auto& dist : all) {
    at::Tensor x = dist->sample({2}, gen);
    expect(at::isfinite(dist->log_prob(x)).all().item<bool>(), dist->name().c_str());
  }

  // REINFORCE, as in the PyTorch docs.
  at::Tensor weights = at::randn({4, 3}).set_requires_grad(true);
  auto policy = [&](const at::Tensor& state) { return at::softmax(at::matmul(state, weights), -1); };
  at::Tensor state = at::randn({4});
  double reward = 1.5;
  auto m = td::Categorical(td::probs(policy(state)));
  auto a = m.sample();
  auto loss = -m.log_prob(a) * reward;
  loss.backward();
  expect(weights.grad().defined() && at::isfinite(weights.grad()).all().item<bool>(), "REINFORCE gradient");

  // Validation errors reach the consumer as c10::ValueError.
  try {
    td::Normal bad(0.0, -1.0);
    expect(false, "negative scale accepted");
  } catch (const c10::ValueError&) {
  }

  if (failures) return 1;
  std::cout << "consumer: the installed torchdist package works (" << all.size() << " families)\n";
  return 0;
}
