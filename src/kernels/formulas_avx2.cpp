// The vector kernels of the formulas listed in formula_kernels.h: each
// formula's template evaluated on AVX2 vectors (vec_backend_avx2.h) for the
// value, and on dual vectors (formulas/dual.h) for the gradient.

#include <array>
#include <atomic>
#include <utility>

#include "../formulas/dual.h"
#include "formula_kernels.h"
#include "vec_backend_avx2.h"
#include "vectorized_loop.h"

namespace torchdist {
namespace detail {
namespace kernels {
namespace {

using avx2::dispatch;
using avx2::elementwise_loop;
using avx2::Vec;

// Whether x[0..n) holds no inf or NaN (x - x is 0 exactly for the others).
template <typename T>
bool all_finite(const T* x, int64_t n) {
  std::atomic<bool> finite{true};
  at::parallel_for(0, n, at::internal::GRAIN_SIZE, [&](int64_t begin, int64_t end) {
    Vec<T> ok(T(0));
    int64_t i = begin;
    for (; i + Vec<T>::size() <= end; i += Vec<T>::size()) {
      const Vec<T> v = Vec<T>::loadu(x + i);
      ok = ok + (v - v);
    }
    T rest = 0;
    for (; i < end; ++i) rest += x[i] - x[i];
    if (ok.zero_mask() != (1 << Vec<T>::size()) - 1 || rest != 0) finite.store(false, std::memory_order_relaxed);
  });
  return finite.load();
}

template <class F>
struct FormulaLoops {
  static constexpr size_t A = F::arity;

  template <typename T>
  struct Forward {
    static void run(const ElementwisePlan& plan, void* out) {
      // Stored as T, computed as C (double for a float_in_double formula).
      using C = std::conditional_t<FloatInDouble<F>::value, double, T>;
      elementwise_loop<C, T, A, 1>(plan, {static_cast<T*>(out)}, [](const std::array<Vec<C>, A>& args) {
        return std::array<Vec<C>, 1>{formulas::apply<F>(args.data()).r};
      });
    }
  };

  template <typename T>
  struct Backward {
    static void run(const ElementwisePlan& plan, void* const* grads, bool* finite) {
      using C = std::conditional_t<FloatInDouble<F>::value, double, T>;  // as in Forward
      std::array<T*, A> outputs;
      size_t wanted = 0, last = 0;
      for (size_t k = 0; k < A; ++k) {
        outputs[k] = static_cast<T*>(grads[k]);
        if (outputs[k] != nullptr) ++wanted, last = k;
      }
      if (A > 1 && wanted == 1) {
        // One gradient wanted (a KL against a fixed prior, a log_prob's
        // parameters but not its value): one direction, not A.
        elementwise_loop<C, T, A + 1, 1>(plan, {outputs[last]}, [last](const std::array<Vec<C>, A + 1>& args) {
          return std::array<Vec<C>, 1>{args[0] * formulas::partial_derivative<F>(args.data() + 1, last)};
        });
      } else {
        elementwise_loop<C, T, A + 1, A>(plan, outputs, [](const std::array<Vec<C>, A + 1>& args) {
          const formulas::Dual<Vec<C>, A> f = formulas::value_and_gradient<F>(args.data() + 1);
          std::array<Vec<C>, A> g;
          for (size_t k = 0; k < A; ++k) g[k] = args[0] * f.d[k];
          return g;
        });
      }
      *finite = true;
      for (size_t k = 0; k < A; ++k) {
        if (outputs[k] != nullptr && !all_finite(outputs[k], plan.numel)) *finite = false;
      }
    }
  };

  static void forward(const ElementwisePlan& plan, void* out) { dispatch<Forward>(plan, out); }
  static bool backward(const ElementwisePlan& plan, void* const* grads) {
    bool finite = true;
    dispatch<Backward>(plan, grads, &finite);
    return finite;
  }

  static const VectorKernels* kernels() {
    if constexpr (HasVectorBackward<F>::value) {
      static const VectorKernels k{&forward, &backward};
      return &k;
    } else {
      static const VectorKernels k{&forward, nullptr};
      return &k;
    }
  }
};

}  // namespace

#define TORCHDIST_DEFINE_VECTOR_KERNELS(F) \
  template <>                              \
  const VectorKernels* vector_kernels<F>() { return FormulaLoops<F>::kernels(); }
TORCHDIST_VECTOR_FORMULAS(TORCHDIST_DEFINE_VECTOR_KERNELS)
#undef TORCHDIST_DEFINE_VECTOR_KERNELS

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
