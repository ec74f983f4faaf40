#include "torchdist/distributions/one_hot_categorical_straight_through.h"

namespace torchdist {

OneHotCategoricalStraightThrough::OneHotCategoricalStraightThrough(ProbsOrLogits param,
                                                                   c10::optional<bool> validate_args)
    : Family(std::move(param), validate_args, "OneHotCategoricalStraightThrough") {}

at::Tensor OneHotCategoricalStraightThrough::rsample(at::IntArrayRef sample_shape,
                                                     c10::optional<at::Generator> generator) const {
  at::Tensor samples = sample(sample_shape, std::move(generator));
  const at::Tensor& p = probs();
  // Zero in value, the identity in gradient.
  return samples + (p - p.detach());
}

}  // namespace torchdist
