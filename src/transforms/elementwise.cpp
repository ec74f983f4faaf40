#include "torchdist/transforms/elementwise.h"

#include <cmath>
#include <sstream>

#include "torchdist/core/utils.h"

namespace torchdist {

at::Tensor ExpTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const { return x; }

PowerTransform::PowerTransform(at::Tensor exponent, int cache_size)
    : TransformBase(cache_size), exponent_(std::move(exponent)) {
  TORCH_CHECK_VALUE(exponent_.defined(), "PowerTransform: exponent must be a defined tensor");
}
PowerTransform::PowerTransform(double exponent, int cache_size)
    : PowerTransform(at::scalar_tensor(exponent, at::kDouble), cache_size) {}

std::string PowerTransform::name() const {
  std::ostringstream os;
  os << "PowerTransform(exponent=";
  if (exponent_.numel() == 1) {
    os << exponent_.item<double>();
  } else {
    os << "tensor of shape " << exponent_.sizes();
  }
  os << ")";
  return os.str();
}

int PowerTransform::sign() const {
  at::Tensor s = exponent_.sign();
  const double first = s.flatten()[0].item<double>();
  TORCH_CHECK_VALUE((s == first).all().item<bool>(), name(), ": sign is not defined when the exponent's sign varies");
  return static_cast<int>(first);
}

at::Tensor PowerTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const {
  // log|e| + (e - 1) log x: finite even where x^e under- or overflows.
  (void)y;
  return exponent_.abs().log() + (exponent_ - 1) * x.log();
}

std::vector<int64_t> PowerTransform::forward_shape(at::IntArrayRef shape) const {
  return at::infer_size(shape, exponent_.sizes());
}

bool PowerTransform::equals(const Transform& other) const {
  auto* o = dynamic_cast<const PowerTransform*>(&other);
  return o != nullptr && exponent_.sizes() == o->exponent_.sizes() && at::equal(exponent_, o->exponent_.to(exponent_.scalar_type()));
}

// Sigmoid's output is kept inside [tiny, 1 - eps]: sigmoid(x) rounds to 0 or
// 1 for |x| beyond ~17 (float) or ~37 (double), and the inverse of an exact
// 0 or 1 is infinite.
at::Tensor SigmoidTransform::call(const at::Tensor& x) const {
  const at::ScalarType t = x.scalar_type();
  return at::sigmoid(x).clamp(finfo_tiny(t), 1.0 - finfo_eps(t));
}

at::Tensor SigmoidTransform::inverse_call(const at::Tensor& y) const {
  const at::ScalarType t = y.scalar_type();
  at::Tensor yc = y.clamp(finfo_tiny(t), 1.0 - finfo_eps(t));
  return yc.log() - (-yc).log1p();
}

at::Tensor SigmoidTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const {
  return -at::softplus(-x) - at::softplus(x);
}

// softplus(x) underflows to 0 below about -745 (double) or -104 (float);
// keeping it at the smallest normal number keeps y in the codomain and the
// inverse finite.
at::Tensor SoftplusTransform::call(const at::Tensor& x) const {
  return at::softplus(x).clamp_min(finfo_tiny(x.scalar_type()));
}

at::Tensor SoftplusTransform::inverse_call(const at::Tensor& y) const {
  // log(exp(y) - 1) = y + log(1 - exp(-y)): no overflow for large y.
  return y + (-(-y).expm1()).log();
}

at::Tensor SoftplusTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const {
  return -at::softplus(-x);
}

at::Tensor TanhTransform::inverse_call(const at::Tensor& y) const {
  const double eps = finfo_eps(y.scalar_type());
  return at::atanh(y.clamp(-1.0 + eps, 1.0 - eps));
}

at::Tensor TanhTransform::log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const {
  return 2.0 * (std::log(2.0) - x - at::softplus(-2.0 * x));
}

}  // namespace torchdist
