#pragma once
// Internal, for the kernel files compiled with AVX2 + FMA only (the *_avx2.cpp
// files, built with CPU_CAPABILITY=AVX2 so that at::vec::Vectorized is the
// AVX2 implementation with Sleef's vectorized log, exp, lgamma, ...).
//
// `elementwise_loop` runs a lambda over vectors of the output in one pass,
// split across threads with at::parallel_for.

#include <ATen/Parallel.h>
#include <ATen/cpu/vec/vec.h>

#include <algorithm>
#include <array>
#include <type_traits>
#include <utility>

#include "elementwise.h"

#if !defined(CPU_CAPABILITY_AVX2)
#error "vectorized_loop.h is for the AVX2 kernel files"
#endif

namespace torchdist {
namespace detail {
namespace kernels {
namespace avx2 {

template <typename T>
using Vec = at::vec::Vectorized<T>;

/// Reads vectors of Compute from an operand stored as Storage, for output
/// positions i .. i + count (count <= the vector width).
template <typename Compute, typename Storage = Compute>
class Reader {
 public:
  Reader(const Operand& operand, int64_t numel)
      : data_(static_cast<const Storage*>(operand.data)),
        operand_(operand),
        full_(operand.period == numel) {}

  /// Whether load_whole serves this operand: it is one value or lines up
  /// with the output element for element.
  bool direct() const { return operand_.period == 1 || full_; }

  /// The vector at output positions i .. i + width, for a direct() operand
  /// and a whole vector (the main loop's case: no remainder arithmetic).
  Vec<Compute> load_whole(int64_t i) const {
    if (operand_.period == 1) return Vec<Compute>(static_cast<Compute>(data_[0]));
    if constexpr (std::is_same<Compute, Storage>::value) {
      return Vec<Compute>::loadu(data_ + i);
    } else {
      static_assert(std::is_same<Compute, double>::value && std::is_same<Storage, float>::value);
      return Vec<double>(_mm256_cvtps_pd(_mm_loadu_ps(data_ + i)));
    }
  }

  Vec<Compute> load(int64_t i, int64_t count) const {
    if (operand_.period == 1) return Vec<Compute>(static_cast<Compute>(data_[0]));
    if (operand_.repeat > 1) return load_repeated(i, count);
    const int64_t j = full_ ? i : i % operand_.period;
    if constexpr (std::is_same<Compute, Storage>::value) {
      if (j + count <= operand_.period) return Vec<Compute>::loadu(data_ + j, count);
    } else if constexpr (std::is_same<Compute, double>::value && std::is_same<Storage, float>::value) {
      // Floats widened four at a time (Beta computes in double).
      if (count == 4 && j + 4 <= operand_.period) return Vec<double>(_mm256_cvtps_pd(_mm_loadu_ps(data_ + j)));
    }
    Compute buffer[Vec<Compute>::size()] = {};
    for (int64_t k = 0; k < count; ++k) buffer[k] = static_cast<Compute>(data_[(j + k) % operand_.period]);
    return Vec<Compute>::loadu(buffer, count);
  }

 private:
  // Positions i .. i + count of an operand whose elements repeat: one
  // broadcast value when they fall in one run, else element by element.
  Vec<Compute> load_repeated(int64_t i, int64_t count) const {
    const int64_t repeat = operand_.repeat;
    if (i / repeat == (i + count - 1) / repeat) return Vec<Compute>(static_cast<Compute>(data_[operand_.index(i)]));
    Compute buffer[Vec<Compute>::size()] = {};
    for (int64_t k = 0; k < count; ++k) buffer[k] = static_cast<Compute>(data_[operand_.index(i + k)]);
    return Vec<Compute>::loadu(buffer, count);
  }

  const Storage* data_;
  Operand operand_;
  bool full_;
};

template <typename Compute, typename Storage, size_t... I>
std::array<Reader<Compute, Storage>, sizeof...(I)> make_readers(const ElementwisePlan& plan,
                                                                 std::index_sequence<I...>) {
  return {Reader<Compute, Storage>(plan.operands[I], plan.numel)...};
}

template <typename Compute, typename Storage>
void store(const Vec<Compute>& v, Storage* out, int64_t count) {
  if constexpr (std::is_same<Compute, Storage>::value) {
    v.store(out, count);
  } else {
    if constexpr (std::is_same<Compute, double>::value && std::is_same<Storage, float>::value) {
      if (count == 4) return _mm_storeu_ps(out, _mm256_cvtpd_ps(__m256d(v)));
    }
    Compute buffer[Vec<Compute>::size()];
    v.store(buffer);
    for (int64_t k = 0; k < count; ++k) out[k] = static_cast<Storage>(buffer[k]);
  }
}

/// Calls `f(std::array<Vec<Compute>, NIn>)` -> std::array<Vec<Compute>, NOut>
/// for every vector of the plan's output (inputs stored as Storage, converted
/// on load) and stores result k to outputs[k] (skipped when null). Lanes past
/// the end of the output are computed on zeros and never stored.
template <typename Compute, typename Storage, size_t NIn, size_t NOut, class F>
void elementwise_loop(const ElementwisePlan& plan, const std::array<Storage*, NOut>& outputs, F f) {
  TORCH_INTERNAL_ASSERT(plan.operands.size() == NIn);
  const std::array<Reader<Compute, Storage>, NIn> readers =
      make_readers<Compute, Storage>(plan, std::make_index_sequence<NIn>());
  constexpr int64_t kWidth = Vec<Compute>::size();
  const bool direct = std::all_of(readers.begin(), readers.end(), [](const auto& r) { return r.direct(); });
  at::parallel_for(0, plan.numel, at::internal::GRAIN_SIZE, [&](int64_t begin, int64_t end) {
    std::array<Vec<Compute>, NIn> args;
    int64_t i = begin;
    if (direct) {  // whole vectors with constant width: half the time of the general loop below
      for (; i + kWidth <= end; i += kWidth) {
        for (size_t k = 0; k < NIn; ++k) args[k] = readers[k].load_whole(i);
        const std::array<Vec<Compute>, NOut> results = f(args);
        for (size_t k = 0; k < NOut; ++k) {
          if (outputs[k] != nullptr) store(results[k], outputs[k] + i, kWidth);
        }
      }
    }
    for (; i < end; i += kWidth) {
      const int64_t count = std::min<int64_t>(kWidth, end - i);
      for (size_t k = 0; k < NIn; ++k) args[k] = readers[k].load(i, count);
      const std::array<Vec<Compute>, NOut> results = f(args);
      for (size_t k = 0; k < NOut; ++k) {
        if (outputs[k] != nullptr) store(results[k], outputs[k] + i, count);
      }
    }
  });
}

/// Runs Body<T>::run(plan, args...) with T the plan's dtype (float or double).
template <template <typename> class Body, typename... A>
void dispatch(const ElementwisePlan& plan, A... args) {
  if (plan.dtype == at::kDouble) {
    Body<double>::run(plan, args...);
  } else {
    TORCH_INTERNAL_ASSERT(plan.dtype == at::kFloat);
    Body<float>::run(plan, args...);
  }
}

/// 0 where `mask` lanes are set, `x` elsewhere.
template <typename T>
Vec<T> zero_where(const Vec<T>& mask, const Vec<T>& x) {
  return Vec<T>::blendv(x, Vec<T>(T(0)), mask);
}

}  // namespace avx2
}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
