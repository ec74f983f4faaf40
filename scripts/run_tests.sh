#!/usr/bin/env bash
# Installs what is missing, builds the library and every test, runs the
# suite with ctest, then installs the library into a scratch prefix and
# builds and runs a consumer project against it (find_package(torchdist)).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/configure.sh
cmake --build build -j"$(nproc)"
(cd build && ctest --output-on-failure -j"$(nproc)")

prefix="$PWD/build/install"
rm -rf "$prefix" build/consumer
cmake --install build --prefix "$prefix" > /dev/null
cmake -S tests/consumer -B build/consumer -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix"
cmake --build build/consumer -j"$(nproc)"
./build/consumer/consumer
