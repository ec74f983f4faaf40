#!/usr/bin/env bash
# Installs the Debian 12 packages that torchdist needs to build, test and
# run its examples. Does nothing when they are all present; safe to re-run.
set -euo pipefail

PACKAGES=(build-essential cmake libtorch-dev libboost-math-dev libgtest-dev libbenchmark-dev libsleef-dev
  nlohmann-json3-dev python3-torch python3-scipy python3-mpmath "$@")

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "Installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
