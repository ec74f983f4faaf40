#!/usr/bin/env bash
# Installs what is missing, builds the library and runs the example: a
# softmax policy trained with REINFORCE on a multi-armed bandit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/configure.sh
cmake --build build -j"$(nproc)" --target reinforce_bandit
./build/examples/reinforce_bandit
