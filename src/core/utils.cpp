#include "torchdist/core/utils.h"

#include "broadcast_shapes.h"

#include <sstream>

#include <ATen/ExpandUtils.h>
#include <c10/core/DefaultDtype.h>

#include <limits>

namespace torchdist {

at::Tensor ScalarOrTensor::to_tensor(const at::TensorOptions& options) const {
  if (!is_scalar_) return tensor_;
  return at::scalar_tensor(value_, options);
}

namespace {

template <class Get>
std::vector<at::Tensor> broadcast_values(size_t count, const Get& get) {
  // One pass to find the common dtype and device of the tensor arguments.
  bool any_tensor = false;
  at::ScalarType dtype = at::ScalarType::Undefined;
  at::Device device = at::kCPU;
  for (size_t i = 0; i < count; ++i) {
    const ScalarOrTensor& v = get(i);
    if (v.is_scalar()) continue;
    TORCH_CHECK_VALUE(v.tensor().defined(), "broadcast_all: got an undefined tensor");
    dtype = any_tensor ? at::promote_types(dtype, v.tensor().scalar_type()) : v.tensor().scalar_type();
    if (!any_tensor) device = v.tensor().device();
    any_tensor = true;
  }
  if (!any_tensor || !at::isFloatingType(dtype)) dtype = c10::get_default_dtype_as_scalartype();
  const at::TensorOptions options = at::TensorOptions().dtype(dtype).device(device);

  std::vector<at::Tensor> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    at::Tensor t = get(i).to_tensor(options);
    out.push_back(t.scalar_type() == dtype ? t : t.to(dtype));
  }
  bool same_shape = true;
  for (const at::Tensor& t : out) same_shape = same_shape && t.sizes() == out.front().sizes();
  return same_shape ? out : at::broadcast_tensors(out);
}

}  // namespace

std::vector<at::Tensor> broadcast_all(std::initializer_list<ScalarOrTensor> values) {
  return broadcast_values(values.size(), [&](size_t i) -> const ScalarOrTensor& { return values.begin()[i]; });
}

c10::optional<at::DimVector> detail::broadcast_shapes(at::IntArrayRef a, at::IntArrayRef b) {
  try {
    return at::infer_size_dimvector(a, b);
  } catch (const c10::Error&) {
    return c10::nullopt;
  }
}

std::vector<int64_t> broadcast_shape(const char* owner, c10::ArrayRef<NamedParam> params) {
  at::DimVector shape;
  bool broadcasts = true;
  for (const NamedParam& p : params) {
    if (p.value.is_scalar() || !p.value.tensor().defined()) continue;
    if (shape.empty()) {  // the first tensor, or 0-dim ones so far: nothing to check yet
      shape.assign(p.value.tensor().sizes().begin(), p.value.tensor().sizes().end());
      continue;
    }
    c10::optional<at::DimVector> next = detail::broadcast_shapes(shape, p.value.tensor().sizes());
    if (!next) {
      broadcasts = false;
      break;
    }
    shape = std::move(*next);
  }
  if (!broadcasts) {
    std::ostringstream os;
    size_t i = 0;
    for (const NamedParam& p : params) {
      os << (i == 0 ? "" : (i + 1 == params.size() ? " and " : ", ")) << p.name << " of shape "
         << (p.value.is_scalar() || !p.value.tensor().defined() ? at::IntArrayRef() : p.value.tensor().sizes());
      ++i;
    }
    TORCH_CHECK_VALUE(false, owner, ": parameters ", os.str(), " do not broadcast");
  }
  for (const NamedParam& p : params) {
    TORCH_CHECK_VALUE(p.value.is_scalar() || p.value.tensor().defined(), owner, ": ", p.name,
                      " must be a defined tensor");
  }
  return std::vector<int64_t>(shape.begin(), shape.end());
}

std::vector<at::Tensor> broadcast_all(const char* distribution, c10::ArrayRef<NamedParam> params) {
  broadcast_shape(distribution, params);
  return broadcast_values(params.size(), [&](size_t i) -> const ScalarOrTensor& { return params.begin()[i].value; });
}

double finfo_eps(at::ScalarType dtype) {
  switch (dtype) {
    case at::kDouble: return std::numeric_limits<double>::epsilon();
    case at::kFloat: return std::numeric_limits<float>::epsilon();
    case at::kHalf: return 0.0009765625;     // 2^-10
    case at::kBFloat16: return 0.0078125;    // 2^-7
    default: TORCH_CHECK_VALUE(false, "finfo_eps: expected a floating dtype, got ", dtype);
  }
}

double finfo_tiny(at::ScalarType dtype) {
  switch (dtype) {
    case at::kDouble: return std::numeric_limits<double>::min();
    case at::kFloat: return std::numeric_limits<float>::min();
    case at::kHalf: return 6.103515625e-05;  // 2^-14
    case at::kBFloat16: return std::numeric_limits<float>::min();
    default: TORCH_CHECK_VALUE(false, "finfo_tiny: expected a floating dtype, got ", dtype);
  }
}

double finfo_lowest(at::ScalarType dtype) {
  switch (dtype) {
    case at::kDouble: return std::numeric_limits<double>::lowest();
    case at::kFloat: return std::numeric_limits<float>::lowest();
    case at::kHalf: return -65504.0;
    case at::kBFloat16: return -3.38953138925153547590e38;  // -(2 - 2^-7) * 2^127
    default: TORCH_CHECK_VALUE(false, "finfo_lowest: expected a floating dtype, got ", dtype);
  }
}

at::Tensor log1p_exp(const at::Tensor& l) {
  // logaddexp(l, 0) = max(l, 0) + log1p(exp(-|l|)), exact for every l, with
  // gradient sigmoid(l) and a correct second derivative everywhere (a
  // relu-based split has second derivative 0 instead of 1/4 at l = 0).
  return at::logaddexp(l, at::zeros({}, l.options()));
}

at::Tensor clamp_probs(const at::Tensor& probs) {
  const double eps = finfo_eps(probs.scalar_type());
  return probs.clamp(eps, 1 - eps);
}

at::Tensor logits_to_probs(const at::Tensor& logits, bool is_binary) {
  return is_binary ? at::sigmoid(logits) : at::softmax(logits, -1);
}

at::Tensor probs_to_logits(const at::Tensor& probs, bool is_binary) {
  // at::logit(p, eps) is log(p') - log1p(-p') of the clamped p' (gradient
  // 0 outside [eps, 1 - eps], like the clamp) in one kernel instead of five.
  if (is_binary) return at::logit(probs, finfo_eps(probs.scalar_type()));
  return at::log(clamp_probs(probs));
}

at::Tensor sum_rightmost(const at::Tensor& x, int64_t dims) {
  if (dims <= 0) return x;
  std::vector<int64_t> axes;
  for (int64_t d = 1; d <= dims; ++d) axes.push_back(-d);
  return x.sum(axes);
}

std::vector<int64_t> concat_shapes(at::IntArrayRef a, at::IntArrayRef b) {
  std::vector<int64_t> out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace torchdist
