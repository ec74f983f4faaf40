// Entry point of torchdist_bench: sets the thread count (1 unless
// TORCHDIST_BENCH_THREADS says otherwise), the allocator's thresholds (see
// below) and records the settings that the comparison depends on in the
// benchmark context (the JSON "context" block), which bench/report.py prints
// as the table's header.

#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <string>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <torchdist/core/distribution.h>

namespace {

// glibc returns a freed multi-megabyte block to the OS (munmap, or trimming
// the top of the heap), so a loop that allocates the same 4 MB temporaries
// every iteration page-faults them in again each time: about 2x on the 1e6
// element cases here, in the naive ATen and the torchdist versions alike. A
// Python process rarely sees it (its fragmented heap cannot be trimmed), so
// the comparison would measure the allocator's state rather than the code.
// By default both drivers (also bench/torch_distributions.py) keep freed
// memory; TORCHDIST_BENCH_MALLOC=system keeps glibc's defaults.
std::string configure_malloc() {
  const char* env = std::getenv("TORCHDIST_BENCH_MALLOC");
  if (env != nullptr && std::strcmp(env, "system") == 0) return "system defaults (TORCHDIST_BENCH_MALLOC=system)";
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  return "glibc keeps freed memory (M_MMAP_THRESHOLD 32 MiB, M_TRIM_THRESHOLD 1 GiB; "
         "TORCHDIST_BENCH_MALLOC=system for the defaults)";
#else
  return "system defaults (not glibc)";
#endif
}

}  // namespace

int main(int argc, char** argv) {
  const std::string malloc_setting = configure_malloc();

  int threads = 1;
  if (const char* env = std::getenv("TORCHDIST_BENCH_THREADS")) {
    if (*env != '\0') threads = std::atoi(env);
  }
  if (threads < 1) threads = 1;
  at::set_num_threads(threads);

  benchmark::AddCustomContext("torch_num_threads", std::to_string(at::get_num_threads()));
  benchmark::AddCustomContext("validate_args", torchdist::default_validate_args() ? "true" : "false");
  benchmark::AddCustomContext("dtype", "float32");
  benchmark::AddCustomContext("device", "cpu");
  benchmark::AddCustomContext("malloc", malloc_setting);

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
