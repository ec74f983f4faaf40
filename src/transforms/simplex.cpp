#include "torchdist/transforms/simplex.h"

#include "torchdist/core/utils.h"

namespace torchdist {
namespace {

// log(K - i) for i = 1..K-1 where K - 1 = n: the offsets that send x = 0 to
// the centre of the simplex.
at::Tensor log_offsets(int64_t n, const at::TensorOptions& options) {
  return at::arange(n, 0, -1, options).log();
}

void check_vector(const at::Tensor& v, const char* what) {
  TORCH_CHECK_VALUE(v.dim() >= 1, "StickBreakingTransform: ", what, " must be at least 1-D, got shape ", v.sizes());
}

}  // namespace

at::Tensor StickBreakingTransform::call(const at::Tensor& x) const {
  check_vector(x, "input");
  const at::ScalarType t = x.scalar_type();
  at::Tensor z = at::sigmoid(x - log_offsets(x.size(-1), x.options())).clamp(finfo_tiny(t), 1.0 - finfo_eps(t));
  at::Tensor remaining = (1 - z).cumprod(-1);
  // y_i = z_i * remaining_{i-1}, with remaining_0 = 1 and z_K = 1.
  at::Tensor ones = at::ones_like(z.narrow(-1, 0, 1));
  return at::cat({z, ones}, -1) * at::cat({ones, remaining}, -1);
}

at::Tensor StickBreakingTransform::inverse_call(const at::Tensor& y) const {
  check_vector(y, "value");
  TORCH_CHECK_VALUE(y.size(-1) >= 1, "StickBreakingTransform: value must have a nonempty last dimension");
  const int64_t n = y.size(-1) - 1;
  at::Tensor head = y.narrow(-1, 0, n);
  // What is left of the stick after piece i: the sum of the later pieces,
  // summed from the end (1 - cumsum loses all digits of a tiny remainder),
  // and kept positive.
  at::Tensor left = y.flip(-1).cumsum(-1).flip(-1).narrow(-1, 1, n).clamp_min(finfo_tiny(y.scalar_type()));
  return head.log() - left.log() + log_offsets(n, y.options());
}

at::Tensor StickBreakingTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const {
  at::Tensor shifted = x - log_offsets(x.size(-1), x.options());
  return (-shifted + at::log_sigmoid(shifted) + y.narrow(-1, 0, x.size(-1)).log()).sum(-1);
}

std::vector<int64_t> StickBreakingTransform::forward_shape(at::IntArrayRef shape) const {
  TORCH_CHECK_VALUE(!shape.empty(), "StickBreakingTransform: input must be at least 1-D");
  std::vector<int64_t> out = shape.vec();
  out.back() += 1;
  return out;
}

std::vector<int64_t> StickBreakingTransform::inverse_shape(at::IntArrayRef shape) const {
  TORCH_CHECK_VALUE(!shape.empty() && shape.back() >= 1, "StickBreakingTransform: value must be at least 1-D");
  std::vector<int64_t> out = shape.vec();
  out.back() -= 1;
  return out;
}

}  // namespace torchdist
