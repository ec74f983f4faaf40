#!/usr/bin/env bash
# Installs what is missing, builds the library and runs the estimator demo:
# REINFORCE, its baselines and Gumbel-softmax against the exact gradient
# on a small discrete problem (bias, variance, objective reached, time per
# step). Writes estimators_curves.csv and estimators_curves.svg into the
# current directory.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
(
  cd "$repo"
  bash scripts/install_deps.sh
  bash scripts/configure.sh
  cmake --build build -j"$(nproc)" --target estimators
)
"$repo/build/examples/estimators"
