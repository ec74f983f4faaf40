#pragma once
/// \file
/// A lazily computed, cached tensor for derived parameters (probs from
/// logits, say), so that constructing a distribution does no work a caller
/// may never need.

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <memory>
#include <mutex>

namespace torchdist {
namespace detail {

/// Computes a tensor on first use and keeps it; safe to read from several
/// threads. Copies start empty, because a copy is usually about to get new
/// parameters (`expand`); the cost is one recomputation.
class LazyTensor {
 public:
  LazyTensor() = default;
  LazyTensor(const LazyTensor&) : LazyTensor() {}
  LazyTensor& operator=(const LazyTensor&) {
    state_ = std::make_shared<State>();
    return *this;
  }
  LazyTensor(LazyTensor&&) noexcept = default;
  LazyTensor& operator=(LazyTensor&&) noexcept = default;

  /// Sets the value now (for the parameter the user gave).
  void set(at::Tensor value) {
    state_ = std::make_shared<State>();
    std::call_once(state_->once, [&] { state_->value = std::move(value); });
  }

  /// Returns the cached value, computing it with `compute()` on first use.
  /// Gradient recording is on while computing, as in torch's lazy_property:
  /// the first use may happen inside `sample()`, under a no-grad guard, and
  /// the cached value must still carry the graph to the parameters.
  template <class F>
  const at::Tensor& get(F&& compute) const {
    std::call_once(state_->once, [&] {
      at::AutoGradMode enable_grad(true);
      state_->value = compute();
    });
    return state_->value;
  }

 private:
  struct State {
    std::once_flag once;
    at::Tensor value;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace detail
}  // namespace torchdist
