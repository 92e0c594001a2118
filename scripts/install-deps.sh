#!/usr/bin/env bash
# Installs every build and test dependency from Debian's packages (run as root, or via sudo).
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libopenmpi-dev openmpi-bin libboost-mpi-dev libboost-serialization-dev
  libhdf5-openmpi-dev hdf5-tools
  libtorch-dev
  libzip-dev nlohmann-json3-dev libeigen3-dev
  libavformat-dev libavcodec-dev libavutil-dev libswresample-dev
  libcli11-dev libspdlog-dev libfmt-dev libyaml-cpp-dev libutf8proc-dev libxxhash-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev
  python3 python3-numpy python3-h5py python3-torch
  python3-matplotlib libjs-d3 chromium fonts-dejavu-core
  slurm-wlm munge
)
export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
