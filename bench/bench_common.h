#pragma once
/// \file
/// Shared pieces of the benchmark suite: the sizes, the seeded inputs (built
/// once, outside every timed loop), the registration helper that runs one
/// untimed warm-up call and turns a throwing case into a skipped one ("n/a"),
/// and the byte counts that tie the memory-bound cases to their bandwidth
/// references (bandwidth.cpp).
///
/// Every case is registered twice, as `<case>/torchdist` and
/// `<case>/naive_aten` (the same math written directly with ATen ops, as a
/// user without the library would); bench/torch_distributions.py times
/// `<case>` with Python's torch.distributions, and bench/report.py joins the
/// three by `<case>`.

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <benchmark/benchmark.h>
#include <c10/util/Exception.h>

#include <cstdint>
#include <exception>
#include <string>
#include <utility>

namespace torchdist_bench {

// Sizes, shared with bench/torch_distributions.py (keep them in sync).
constexpr int64_t kN = 1000000;     // elementwise cases: 1e6 elements
constexpr int64_t kRows = 4096;     // Categorical-like cases: 4096 x 1000 logits
constexpr int64_t kCols = 1000;
constexpr int64_t kCategories = 8;  // small-object Categorical

// Bytes a memory-bound case must at least read and write (float32 = 4 B,
// int64 = 8 B); each distinct value gets a copy and a triad reference, and
// report.py matches a case to them through the "bytes" counter.
constexpr int64_t kBytes2In1Out = 3 * kN * 4;   // e.g. Bernoulli log_prob(value | logits)
constexpr int64_t kBytes3In1Out = 4 * kN * 4;   // e.g. Normal log_prob(x | loc, scale)
constexpr int64_t kBytes4In1Out = 5 * kN * 4;   // kl(Normal(loc1, scale1) || Normal(loc2, scale2))
constexpr int64_t kBytesCategoricalLogProb = kRows * kCols * 4 + kRows * 8 + kRows * 4;
constexpr int64_t kBandwidthSizes[] = {kBytes2In1Out, kBytes3In1Out, kBytesCategoricalLogProb, kBytes4In1Out};

inline at::TensorOptions f32() { return at::TensorOptions().dtype(at::kFloat); }

/// A generator seeded for one input, so that inputs do not depend on the
/// order in which cases run.
inline at::Generator seeded(uint64_t seed) { return at::detail::createCPUGenerator(seed); }

inline at::Tensor uniform(at::IntArrayRef shape, double lo, double hi, uint64_t seed) {
  return at::empty(shape, f32()).uniform_(lo, hi, seeded(seed));
}
inline at::Tensor normal(at::IntArrayRef shape, double mean, double std, uint64_t seed) {
  return at::empty(shape, f32()).normal_(mean, std, seeded(seed));
}

/// The error message of an exception without a C++ backtrace, on one line.
inline std::string short_message(const std::exception& e) {
  const auto* c10_error = dynamic_cast<const c10::Error*>(&e);
  std::string msg = c10_error != nullptr ? c10_error->what_without_backtrace() : e.what();
  auto newline = msg.find('\n');
  if (newline != std::string::npos) msg.resize(newline);
  if (msg.size() > 160) msg = msg.substr(0, 157) + "...";
  return msg;
}

/// Runs `step` (one call of the operation under test, returning its result)
/// once untimed, then in the timed loop. A case whose warm-up throws
/// c10::NotImplementedError is skipped with "n/a: <message>" (e.g. a KL rule
/// that is not registered yet); any other exception skips it with
/// "error: <message>", so one broken case never stops the suite.
/// `bytes` > 0 marks a memory-bound case: its minimum traffic is reported as
/// the "bytes" counter and as bytes_per_second.
template <class Step>
void run_case(benchmark::State& state, Step& step, int64_t bytes) {
  try {
    auto warmup = step();
    benchmark::DoNotOptimize(warmup);
  } catch (const c10::NotImplementedError& e) {
    state.SkipWithError(("n/a: " + short_message(e)).c_str());
    return;
  } catch (const std::exception& e) {
    state.SkipWithError(("error: " + short_message(e)).c_str());
    return;
  }
  for (auto _ : state) {
    auto result = step();
    benchmark::DoNotOptimize(result);
    benchmark::ClobberMemory();
  }
  if (bytes > 0) {
    state.SetBytesProcessed(state.iterations() * bytes);
    state.counters["bytes"] = static_cast<double>(bytes);
  }
}

/// Registers `<name>` (e.g. "log_prob/Normal_1e6/torchdist"). `make_step` is
/// called when the benchmark runs (not at static-initialization time): it
/// builds the inputs and returns the callable that is timed. The global
/// generator is reseeded first, so every case draws the same random stream
/// in every run.
template <class MakeStep>
void add(const std::string& name, MakeStep make_step, int64_t bytes = 0) {
  benchmark::RegisterBenchmark(name.c_str(),
                               [make_step, bytes](benchmark::State& state) {
                                 at::manual_seed(1234);
                                 auto step = make_step();
                                 run_case(state, step, bytes);
                               })
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
}

/// Registers a case's two implementations, `<name>/torchdist` and
/// `<name>/naive_aten`.
template <class MakeTd, class MakeNaive>
void add_pair(const std::string& name, MakeTd make_td, MakeNaive make_naive, int64_t bytes = 0) {
  add(name + "/torchdist", std::move(make_td), bytes);
  add(name + "/naive_aten", std::move(make_naive), bytes);
}

}  // namespace torchdist_bench
