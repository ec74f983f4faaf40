#pragma once
/// \file
/// A lazily computed, cached tensor for derived parameters (probs from
/// logits, say), so that constructing a distribution does no work a caller
/// may never need.

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <atomic>
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

  /// Returns the cached value, computing it with `compute()` on first use.
  /// Gradient recording is on while computing, as in torch's lazy_property:
  /// the first use may happen inside `sample()`, under a no-grad guard, and
  /// the cached value must still carry the graph to the parameters.
  template <class F>
  const at::Tensor& get(F&& compute) const {
    // Double-checked with an atomic flag and a mutex rather than
    // std::call_once, which in libstdc++ takes a global mutex and builds a
    // std::function on every call: most of a small distribution's latency.
    if (!state_->ready.load(std::memory_order_acquire)) {
      std::lock_guard<std::mutex> lock(state_->mutex);
      if (!state_->ready.load(std::memory_order_relaxed)) {
        at::AutoGradMode enable_grad(true);
        state_->value = compute();
        state_->ready.store(true, std::memory_order_release);
      }
    }
    return state_->value;
  }

 private:
  struct State {
    std::atomic<bool> ready{false};
    std::mutex mutex;
    at::Tensor value;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace detail
}  // namespace torchdist
