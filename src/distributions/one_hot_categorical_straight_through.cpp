#include "torchdist/distributions/one_hot_categorical_straight_through.h"

namespace torchdist {

OneHotCategoricalStraightThrough::OneHotCategoricalStraightThrough(ProbsOrLogits param,
                                                                   c10::optional<bool> validate_args)
    : OneHotCategorical(std::move(param), validate_args, "OneHotCategoricalStraightThrough") {}

at::Tensor OneHotCategoricalStraightThrough::rsample(at::IntArrayRef sample_shape,
                                                     c10::optional<at::Generator> generator) const {
  at::Tensor samples = sample(sample_shape, std::move(generator));
  const at::Tensor& p = probs();
  // Zero in value, the identity in gradient.
  return samples + (p - p.detach());
}

OneHotCategoricalStraightThrough OneHotCategoricalStraightThrough::expand(at::IntArrayRef batch_shape) const {
  OneHotCategoricalStraightThrough out(*this);
  // The base's expand does the work; assigning its result to our base
  // subobject keeps the derived type.
  static_cast<OneHotCategorical&>(out) = OneHotCategorical::expand(batch_shape);
  return out;
}

}  // namespace torchdist
