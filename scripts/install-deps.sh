#!/usr/bin/env bash
# Installs the Debian 12 packages the project builds and tests with, and only the missing ones.
# The package list and its reasons live in ../shared/DEPENDENCIES.md; keep the two in step.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libfmt-dev nlohmann-json3-dev
  libimgui-dev libglfw3-dev libgl-dev libstb-dev libgl1-mesa-dri
  fonts-wqy-microhei fonts-dejavu-core
  xvfb xauth
)

# `install-deps.sh fuzz`: clang and its libFuzzer runtime, only for make fuzz.
if [ "${1:-}" = fuzz ]; then
  packages=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
