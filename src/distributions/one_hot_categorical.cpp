#include "torchdist/distributions/one_hot_categorical.h"

#include <ATen/core/grad_mode.h>

#include <vector>

namespace torchdist {
namespace {

// The parameter checks run here first so that their messages name
// OneHotCategorical (or a derived family); the inner Categorical never validates.
Categorical make_categorical(const ProbsOrLogits& param, const char* distribution) {
  at::Tensor t = detail::categorical_param(param, distribution);
  ProbsOrLogits checked = param.is_probs() ? ProbsOrLogits(Probs{t}) : ProbsOrLogits(Logits{t});
  return Categorical(std::move(checked), /*validate_args=*/false);
}

// one_hot(indices, k) in `options`' dtype: zeros with one scatter, where
// at::one_hot builds an int64 tensor to convert afterwards.
at::Tensor one_hot_as(const at::Tensor& indices, int64_t k, const at::TensorOptions& options) {
  std::vector<int64_t> shape = indices.sizes().vec();
  shape.push_back(k);
  return at::zeros(shape, options).scatter_(-1, indices.unsqueeze(-1), 1.0);
}

}  // namespace

OneHotCategorical::OneHotCategorical(ProbsOrLogits param, c10::optional<bool> validate_args)
    : OneHotCategorical(make_categorical(param, "OneHotCategorical"), validate_args) {}

OneHotCategorical::OneHotCategorical(ProbsOrLogits param, c10::optional<bool> validate_args, const char* distribution)
    : OneHotCategorical(make_categorical(param, distribution), validate_args, distribution) {}

OneHotCategorical::OneHotCategorical(Categorical categorical, c10::optional<bool> validate_args,
                                     const char* distribution)
    : Family(categorical.batch_shape(), {categorical.num_events()}, validate_args),
      categorical_(std::move(categorical)) {
  // Inside this constructor name() is OneHotCategorical's even for a derived
  // family, hence the explicit name instead of validate_params().
  if (this->validate_args()) {
    for (const Param& p : params()) detail::check_param(distribution, p.name, *p.value, p.constraint, p.allow_infinite);
  }
}

at::Tensor OneHotCategorical::sample(at::IntArrayRef sample_shape, c10::optional<at::Generator> generator) const {
  at::Tensor indices = categorical_.sample(sample_shape, std::move(generator));
  at::NoGradGuard no_grad;
  return one_hot_as(indices, categorical_.num_events(), categorical_.param().given().options());
}

at::Tensor OneHotCategorical::log_prob(const at::Tensor& value) const {
  if (validate_args()) check_sample(value);
  // argmax has no kernel for bool.
  at::Tensor v = value.scalar_type() == at::kBool ? value.to(at::kByte) : value;
  return categorical_.log_prob(v.argmax(-1));
}

at::Tensor OneHotCategorical::mode() const {
  const at::Tensor& p = probs();
  return one_hot_as(p.argmax(-1), categorical_.num_events(), p.options());
}

at::Tensor OneHotCategorical::variance() const {
  const at::Tensor& p = probs();
  return p * (1 - p);
}

at::Tensor OneHotCategorical::enumerate_support(bool expand) const {
  const int64_t n = categorical_.num_events();
  std::vector<int64_t> shape(batch_shape().size() + 2, 1);
  shape.front() = n;
  shape.back() = n;
  at::Tensor values = at::eye(n, categorical_.param().given().options()).view(shape);
  if (!expand) return values;
  return values.expand(concat_shapes(concat_shapes({n}, batch_shape()), {n}));
}

void OneHotCategorical::expand_params(at::IntArrayRef batch_shape) {
  categorical_ = categorical_.expand(batch_shape);
  set_batch_shape(batch_shape);
}

}  // namespace torchdist
