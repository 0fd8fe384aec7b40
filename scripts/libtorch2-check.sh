#!/usr/bin/env bash
# Builds SemCompress against LibTorch 2.x on a Debian 12 machine without a GPU, from Debian 13's
# packages (downloaded from deb.debian.org when run, never committed). Not part of CI: a developer's
# check that the torch code still builds with the LibTorch a GPU machine has.
#
#   scripts/libtorch2-check.sh cuda [CUDA_TOOLKIT]
#       Unpacks Debian 13's CUDA LibTorch (libtorch-cuda-dev and its runtime, contrib; NCCL and Gloo
#       headers) into build/libtorch2/prefix, configures the whole project against it (CUDA toolkit:
#       CUDA_TOOLKIT, default /usr/local/cuda) and builds every target with warnings as errors: the
#       engine, the SD family, the trainer with Gloo and NCCL, semc-train and the tests. Linking
#       passes --allow-shlib-undefined: the CUDA, cuDNN, oneDNN... libraries that libtorch_cuda.so
#       itself needs are not fetched, so only our own references are resolved. Nothing is run (the
#       Debian 13 libraries need a newer glibc, and there is no GPU).
#   scripts/libtorch2-check.sh debian13
#       As root: debootstraps Debian 13 into build/libtorch2/trixie, installs
#       scripts/debian-packages.txt there (LibTorch 2.6 CPU, GCC 14, Qt 6.8, OpenCV 4.10), builds the
#       whole project from this checkout (mounted read-only) and runs the test suite, the
#       two-process Gloo training test and the SD parity tests among them.
#
# Needs curl, xz, dpkg, cmake and ninja (cuda), debootstrap and root (debian13). About 600 MB of
# packages for `cuda`, 1.5 GB for `debian13`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=${SEM_LIBTORCH2_DIR:-$root/build/libtorch2}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
mode=${1:-}
mkdir -p "$work"

# Package index of Debian 13 (trixie) for COMPONENT, cached.
index() {
  local f="$work/trixie-$1.txt"
  [ -s "$f" ] || curl -fsS "$mirror/dists/trixie/$1/binary-amd64/Packages.xz" | xz -dc > "$f"
  echo "$f"
}
# The field FIELD of package PACKAGE in COMPONENT's index.
field() {
  awk -v p="$2" -v f="$3:" '$1 == "Package:" { hit = ($2 == p) } hit && $1 == f { sub(/^[^:]*: /, ""); print; exit }' "$(index "$1")"
}
# Downloads PACKAGE of COMPONENT and unpacks it into DIR.
unpack() {
  local file
  file=$(field "$1" "$2" Filename)
  [ -n "$file" ] || { echo "libtorch2-check: $2 is not in Debian 13's $1" >&2; exit 1; }
  mkdir -p "$work/debs"
  [ -s "$work/debs/${file##*/}" ] || curl -fsS "$mirror/$file" -o "$work/debs/${file##*/}"
  dpkg -x "$work/debs/${file##*/}" "$3"
  echo "libtorch2-check: unpacked ${file##*/}"
}

case "$mode" in
cuda)
  cuda=${2:-/usr/local/cuda}
  [ -x "$cuda/bin/nvcc" ] || { echo "libtorch2-check: no CUDA toolkit at $cuda (give its directory)" >&2; exit 1; }
  prefix="$work/prefix"
  rm -rf "$prefix"
  runtime=$(field contrib libtorch-cuda-dev Depends | grep -o 'libtorch-cuda-[0-9.]*' | head -1)
  unpack contrib libtorch-cuda-dev "$prefix"
  unpack contrib "$runtime" "$prefix"
  unpack contrib libnccl-dev "$prefix"
  unpack main libgloo-dev "$prefix"
  unpack contrib libgloo-cuda-dev "$prefix"
  # TorchConfig.cmake looks for libtorch/libc10 in <prefix>/lib; Debian keeps them in the multiarch folder.
  (cd "$prefix/usr/lib" && for f in x86_64-linux-gnu/lib*.so*; do ln -sf "$f" .; done)
  export TORCH_INSTALL_PREFIX="$prefix/usr"
  cmake -S . -B "$work/build-cuda" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSEM_WARNINGS_AS_ERRORS=ON \
    "-DCMAKE_PREFIX_PATH=$prefix/usr;$prefix/usr/lib/x86_64-linux-gnu/cmake" \
    -DCUDAToolkit_ROOT="$cuda" -DCMAKE_CUDA_COMPILER="$cuda/bin/nvcc" \
    -DCMAKE_EXE_LINKER_FLAGS=-Wl,--allow-shlib-undefined -DCMAKE_SHARED_LINKER_FLAGS=-Wl,--allow-shlib-undefined \
    -Wno-dev | tee "$work/configure-cuda.log" | grep -E 'Found Torch|semc-train|nvToolsExt'
  grep -q "torch.distributed with NCCL" "$work/configure-cuda.log" \
    || { echo "libtorch2-check: the trainer was configured without NCCL" >&2; exit 1; }
  grep -q -- "-isystem $prefix/usr/include" "$work/build-cuda/compile_commands.json" \
    || { echo "libtorch2-check: the build does not use the unpacked LibTorch's headers" >&2; exit 1; }
  if ! cmake --build "$work/build-cuda" -j"$(nproc)" > "$work/build-cuda.log" 2>&1; then
    grep -E "error|FAILED" "$work/build-cuda.log" | grep -v "^/usr/bin/ld: warning" | head -40
    echo "libtorch2-check: build failed ($work/build-cuda.log)" >&2
    exit 1
  fi
  grep -E "warning:" "$work/build-cuda.log" | grep -v "^/usr/bin/ld: warning: .*not found (try using -rpath" || true
  grep -c "Linking" "$work/build-cuda.log" | sed 's/^/libtorch2-check: linked targets: /'
  echo "libtorch2-check: the whole project built against $runtime with warnings as errors"
  ;;
debian13)
  [ "$(id -u)" -eq 0 ] || { echo "libtorch2-check: debian13 needs root (debootstrap, chroot, mount)" >&2; exit 1; }
  chroot_dir="$work/trixie"
  [ -x "$chroot_dir/usr/bin/apt-get" ] \
    || debootstrap --variant=minbase --components=main,contrib trixie "$chroot_dir" "$mirror"
  mkdir -p "$chroot_dir/src"
  mounted=()  # what this run mounted, unmounted again in reverse order on exit
  cleanup() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}" 2>/dev/null || true; done
  }
  trap cleanup EXIT
  # mountAt DIR MOUNT-ARGS...: mounts unless something is mounted there already.
  mountAt() {
    local dir="$chroot_dir/$1"
    shift
    mountpoint -q "$dir" && return 0
    mount "$@" "$dir"
    mounted+=("$dir")
  }
  mountAt proc -t proc proc
  mountAt dev --bind /dev
  mountAt dev/pts --bind /dev/pts
  mountAt src --bind -o ro "$root"
  # Debian 13 has no libclang-rt-14-dev (fuzzing only); the packaging tools are not needed here.
  packages=$(grep -v '^\s*#' scripts/debian-packages.txt | sed '/^\s*$/d' \
    | grep -v -E '^(clang|libclang-rt-14-dev|dpkg-dev|desktop-file-utils|appstream|xdg-utils|libfile-mimeinfo-perl)$' | tr '\n' ' ')
  chroot "$chroot_dir" bash -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages"
  chroot "$chroot_dir" bash -c "g++ --version | head -1; dpkg-query -W libtorch-dev qt6-base-dev libopencv-dev"
  chroot "$chroot_dir" bash -c "cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSEM_WARNINGS_AS_ERRORS=ON -Wno-dev >/build-configure.log \
    && cmake --build /build -j$(nproc) && cd /build && QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j$(nproc)"
  echo "libtorch2-check: Debian 13 built the project and passed its tests"
  ;;
*)
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
