#include "torchdist/distributions/chi2.h"

namespace torchdist {

// `df` goes through broadcast_all on its own first, so that a number becomes
// a tensor of the default dtype (as Gamma(0.5 * df, 0.5) would give) and the
// validation message can show the user's df rather than df / 2.
Chi2::Chi2(ScalarOrTensor df, c10::optional<bool> validate_args)
    : Chi2(Unchecked{}, broadcast_all({std::move(df)})[0], validate_args) {}

Chi2::Chi2(Unchecked, const at::Tensor& df, c10::optional<bool> validate_args)
    : Family(Unchecked{}, df * 0.5, 0.5, validate_args) {
  if (this->validate_args()) check_params({{"df", df, constraints::positive()}});
}

}  // namespace torchdist
