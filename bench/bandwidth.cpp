// Memory-bandwidth references: plain loops (std::copy and a STREAM-style
// triad a = b + s * c, compiled -O3) over exactly the bytes a memory-bound
// case has to move, so that each case can be read as a fraction of what the
// machine allows. They split the range over at::get_num_threads() threads
// (at::parallel_for runs the loop inline when that is 1), so the reference
// follows TORCHDIST_BENCH_THREADS like the cases do.

#include <ATen/Parallel.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "bench_common.h"

namespace tb = torchdist_bench;

namespace {

constexpr int64_t kGrain = 1 << 16;

// copy: reads bytes/2 and writes bytes/2.
struct Copy {
  explicit Copy(int64_t bytes) : n(bytes / 8), src(n, 1.5f), dst(n, 0.0f) {}
  const float* operator()() {
    const float* s = src.data();
    float* d = dst.data();
    at::parallel_for(0, n, kGrain, [&](int64_t begin, int64_t end) { std::copy(s + begin, s + end, d + begin); });
    return d;
  }
  int64_t n;
  std::vector<float> src, dst;
};

// triad: reads 2 arrays of bytes/3 and writes one.
struct Triad {
  explicit Triad(int64_t bytes) : n(bytes / 12), a(n, 0.0f), b(n, 1.5f), c(n, 2.5f) {}
  const float* operator()() {
    float* __restrict__ pa = a.data();
    const float* __restrict__ pb = b.data();
    const float* __restrict__ pc = c.data();
    const float s = scalar;
    at::parallel_for(0, n, kGrain, [=](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) pa[i] = pb[i] + s * pc[i];
    });
    return pa;
  }
  int64_t n;
  float scalar = 3.0f;
  std::vector<float> a, b, c;
};

[[maybe_unused]] const bool registered = [] {
  for (int64_t bytes : tb::kBandwidthSizes) {
    const std::string suffix = "/" + std::to_string(bytes) + "B";
    // shared_ptr: the step must be copyable; buffers are allocated and
    // touched once per run, outside the timed loop.
    tb::add("bandwidth/copy" + suffix, [bytes] {
      auto k = std::make_shared<Copy>(bytes);
      return [k] { return (*k)(); };
    }, bytes);
    tb::add("bandwidth/triad" + suffix, [bytes] {
      auto k = std::make_shared<Triad>(bytes);
      return [k] { return (*k)(); };
    }, bytes);
  }
  return true;
}();

}  // namespace
