#!/usr/bin/env bash
# The benchmark sweep (bench/sweep): every family, parameterisation and
# method at a small and a large size, the KL pairs and five workflows, each
# timed with torchdist (td_sweep) and with Python's torch.distributions
# interleaved in one run; prints the report sorted by the ratio and writes it
# to build-bench/sweep.md (every case's numbers to build-bench/sweep.json).
#
# Installs what is missing, builds td_sweep in ./build-bench (Release), then
# runs bench/sweep/run_sweep.py with Debian's python3 (torch 1.13). Arguments
# go to run_sweep.py: --threads N, --filter REGEX, --sizes small,large,workflow,
# --rounds, --target-time, --quick (see its --help). Default malloc, validation
# on, float32, one thread.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install_deps.sh

build=build-bench
cmake -S . -B "$build" -DTORCHDIST_BUILD_BENCHMARKS=ON -DTORCHDIST_BUILD_TESTS=OFF \
  -DTORCHDIST_BUILD_EXAMPLES=OFF -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$build" --target td_sweep -j"$(nproc)"

/usr/bin/python3 bench/sweep/run_sweep.py --sweep-binary "$build/bench/sweep/td_sweep" \
  --json "$build/sweep.json" --markdown "$build/sweep.md" "$@"
