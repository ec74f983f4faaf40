#pragma once
// Internal: draws from an at::Generator on the CPU as ATen's own samplers
// do, under the generator's lock (several threads may share one).

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/Generator.h>
#include <c10/util/Optional.h>

#include <mutex>

namespace torchdist {
namespace detail {
namespace kernels {

/// f(CPUGeneratorImpl*) with `generator` (the default CPU generator when
/// none) locked; returns what f returns. Example:
///
///   uint64_t key = with_cpu_generator(generator, [](at::CPUGeneratorImpl* g) { return g->random64(); });
template <class F>
auto with_cpu_generator(const c10::optional<at::Generator>& generator, F f) {
  auto* gen = at::get_generator_or_default<at::CPUGeneratorImpl>(generator, at::detail::getDefaultCPUGenerator());
  std::lock_guard<std::mutex> lock(gen->mutex_);
  return f(gen);
}

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
