#!/usr/bin/env bash
# Installs what is missing, builds the benchmark suite in ./build-bench
# (Release, no tests or examples), runs it (Google Benchmark: 5 repetitions,
# medians), runs the same cases with Python's torch.distributions when
# python3 can import torch, and prints one table: torchdist, naive ATen,
# torch.distributions, the ratios, and a memory-bandwidth reference for the
# memory-bound cases. Also writes build-bench/results.md (the table in markdown).
#
# Single-threaded, float32, CPU. Environment:
#   TORCHDIST_BENCH_THREADS=N   threads for ATen and torch (default 1)
#   TORCHDIST_BENCH_FILTER=RE   only the cases whose names match RE
#   TORCHDIST_BENCH_MIN_TIME=S  seconds per repetition, at least (default 0.2)
#   TORCHDIST_BENCH_MALLOC=system  keep glibc's malloc thresholds (by default both
#                               drivers keep freed memory: see bench/main.cpp)
set -euo pipefail
cd "$(dirname "$0")/.."

# python3-torch (Debian, same LibTorch version) for the torch.distributions column.
bash scripts/install_deps.sh python3-torch

build=build-bench
cmake -S . -B "$build" -DTORCHDIST_BUILD_BENCHMARKS=ON -DTORCHDIST_BUILD_TESTS=OFF \
  -DTORCHDIST_BUILD_EXAMPLES=OFF -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$build" --target torchdist_bench -j"$(nproc)"

export TORCHDIST_BENCH_THREADS="${TORCHDIST_BENCH_THREADS:-1}"
min_time="${TORCHDIST_BENCH_MIN_TIME:-0.2}"
filter="${TORCHDIST_BENCH_FILTER:-}"

cpp_args=(--benchmark_repetitions=5 --benchmark_report_aggregates_only=true
          --benchmark_min_time="$min_time"
          --benchmark_out="$build/torchdist_bench.json" --benchmark_out_format=json)
# The bandwidth references always run: the memory-bound cases are read against them.
if [ -n "$filter" ]; then cpp_args+=(--benchmark_filter="($filter)|^bandwidth/"); fi
echo "== torchdist_bench (C++: torchdist and naive ATen), $TORCHDIST_BENCH_THREADS thread(s)"
"$build/bench/torchdist_bench" "${cpp_args[@]}"

# torch.distributions, with the first interpreter that has torch (a pyenv or
# virtualenv python3 first in PATH may lack the Debian python3-torch).
python_json="$build/torch_distributions.json"
rm -f "$python_json"
report_args=()
py=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" > /dev/null && "$candidate" -c "import torch" 2> /dev/null; then
    py="$candidate"
    break
  fi
done
if [ -n "$py" ]; then
  echo "== torch.distributions (Python, $py)"
  py_args=(--threads "$TORCHDIST_BENCH_THREADS" --repetitions 5 --min-time "$min_time")
  if [ -n "$filter" ]; then py_args+=(--filter "$filter"); fi
  "$py" bench/torch_distributions.py "${py_args[@]}" > "$python_json"
  report_args+=(--python "$python_json"
                --python-header "$("$py" -c 'import sys, torch; print(f"torch.distributions, torch {torch.__version__}, Python {sys.version.split()[0]}")')")
else
  echo "== python3 cannot import torch: the torch.distributions column is skipped"
fi

echo
python3 bench/report.py "$build/torchdist_bench.json" "${report_args[@]}" --markdown "$build/results.md"
