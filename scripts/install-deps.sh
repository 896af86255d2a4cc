#!/usr/bin/env bash
# Installs the Debian 12 packages the project builds and tests with, and only the missing ones.
# This list is the project's whole dependency list, each package with what it is for; a new dependency
# is added here, with its reason.
set -euo pipefail

packages=(
  build-essential cmake pkg-config           # the C++20 compiler and the build
  libgtest-dev libgmock-dev                  # the tests (GoogleTest)
  libbenchmark-dev                           # make bench (Google Benchmark)
  libcli11-dev                               # ipcsim's and ipcviz's command lines
  libfmt-dev                                 # formatting (libstdc++ 12 has no <format>)
  nlohmann-json3-dev                         # ipcsim run --json
  libimgui-dev libglfw3-dev libgl-dev        # the window: Dear ImGui over GLFW and OpenGL
  libstb-dev                                 # PNG screenshots (stbi_write_png)
  libdw-dev                                  # ipcsim record: the C line of a traced program (elfutils libdw unwinds its stack)
  gettext                                    # msgfmt: compiles po/zh_CN/*.po, the Chinese message catalog
  libgl1-mesa-dri                            # software OpenGL (llvmpipe) for the headless window tests
  fonts-wqy-microhei fonts-dejavu-core       # the window's fonts: Chinese glyphs, and Latin text
  xvfb xauth                                 # a headless X server for the window tests (xvfb-run needs xauth)
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
