#!/usr/bin/env bash
# Builds the library and the tests with AddressSanitizer and
# UndefinedBehaviorSanitizer (in build-sanitize/) and runs them with ctest.
#
#   bash scripts/run_sanitizers.sh                      # every test
#   bash scripts/run_sanitizers.sh test_generic test_fused_kernels   # these only
#
# Any sanitizer report fails the run: UBSan halts on its first finding, and
# ASan on any memory error. Leak detection is off: LibTorch's own static
# registries are still held at exit. LibTorch itself is not instrumented;
# torchdist's code (kernels included) is.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh

build=build-sanitize
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# -O1: instrumented code at -O3 takes twice as long to compile and finds
# nothing more. ccache, where installed, makes a rerun cheap.
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
    -DTORCHDIST_BUILD_EXAMPLES=OFF "${launcher[@]}" \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
fi

export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
if [ "$#" -eq 0 ]; then
  cmake --build "$build" -j"$(nproc)"
  (cd "$build" && ctest --output-on-failure -j"$(nproc)")
else
  cmake --build "$build" -j"$(nproc)" --target "$@"
  regex="^($(IFS='|'; echo "$*"))\$"
  (cd "$build" && ctest --output-on-failure -j"$(nproc)" -R "$regex")
fi
