#!/usr/bin/env bash
# Installs what is missing, builds the library and every test, runs the
# suite with ctest, then installs the library into a scratch prefix, moves
# it, and builds and runs a consumer project against the moved copy
# (find_package(torchdist)).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/configure.sh
cmake --build build -j"$(nproc)"
(cd build && ctest --output-on-failure -j"$(nproc)")

# The package must be relocatable: install it, move the tree elsewhere, and
# build the consumer against the moved copy only.
prefix="$PWD/build/install"
moved="$PWD/build/install-moved"
rm -rf "$prefix" "$moved" build/consumer
cmake --install build --prefix "$prefix" > /dev/null
mv "$prefix" "$moved"
if grep -rnE "$PWD|/usr/lib" "$moved" --include='*Targets*.cmake'; then
  echo "the exported CMake targets name absolute paths of the build machine" >&2
  exit 1
fi
cmake -S tests/consumer -B build/consumer -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$moved"
cmake --build build/consumer -j"$(nproc)"
./build/consumer/consumer
