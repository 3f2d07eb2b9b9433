# Sourced by .ci/run: what the container end-to-end tests (`pyts-build manylinux`)
# need on a fresh machine. Owned by the container work; .ci/run only calls it.
#
# Contract with .ci/run:
#   CONTAINER_PACKAGES   Debian packages it installs together with the rest
#   ci_setup_containers  called once after the packages are installed, with
#                        `set -e` in force; it exports for the tests:
#     CONTAINERS_CONF, CONTAINERS_STORAGE_CONF  podman's configuration (project-local)
#     PYTS_CONTAINERS_DIR                       the folder holding both (.containers/ in the checkout)
#     PYTS_STANDIN_IMAGE                        the local build image (glibc 2.31, python3.9, gcc)
#     PYTS_CROSS_STANDIN_IMAGE                  the local cross build image (x86-64 Debian bookworm with
#                                               Debian's rustc + cargo, the arm64 std and the aarch64 gcc)
#     PYTS_EMULATED_STANDIN_IMAGE               an arm64 image (Debian bookworm with python3, Debian's
#                                               rustc + cargo, gcc) that runs under qemu (--emulate)
#
# It can also be run by hand (as root): `bash .ci/containers.sh` installs the
# packages, does the setup and prints
# the `export` lines to paste into a shell (`eval "$(bash .ci/containers.sh)"`).
#
# Why all this (measured on this kind of machine, see shared/notes/ENVIRONMENT.md):
# no Docker daemon runs and no image registry is reachable, but rootful podman
# runs real containers given runc (crun fails on this cgroup layout), the cgroupfs
# manager, a file events logger and modest default ulimits. Everything goes into
# a folder of the checkout (nothing global changes; the image store is in
# ~/.cache/pyts-build so a fresh clone reuses the image), and a Debian bullseye root
# made by debootstrap stands in for a manylinux image: glibc 2.31, python3.9, gcc.

# Debian packages for a rootful podman that runs real containers here, and
# qemu-user-static for the arm64 image (--emulate).
CONTAINER_PACKAGES=(podman runc uidmap fuse-overlayfs slirp4netns debootstrap qemu-user-static)

# Bump when the image recipe below changes: a cached image with another recipe
# is rebuilt.
PYTS_STANDIN_RECIPE=1
PYTS_STANDIN_PACKAGES="gcc libc6-dev python3-dev python3-pip python3-venv"

# The cross stand-in: like rust-cross's manylinux2014-cross:aarch64 (the image
# maturin-action uses for `--target aarch64-unknown-linux-gnu`), a build root of
# the host's architecture holding a cross toolchain, here Debian's own: rustc-web
# and cargo-web for `--rust image`, gcc-aarch64-linux-gnu + libc6-dev-arm64-cross
# to link, and the arm64 standard library. No Python: the target's Python is
# described on the host. Bookworm because its rustc-web ships the foreign std
# packages. Like rust-cross's images it sets CARGO_BUILD_TARGET; unlike them no
# linker variable, so the build finds aarch64-linux-gnu-gcc on the container's PATH.
# libstd-rust-web-dev:arm64 holds only rlibs, but installing it pulls in the
# arm64 rustc_driver with arm64 LLVM, ICU and libc (~330 MB nothing runs): it
# is unpacked instead (recipe 1 installed it: 1.97 GB). Measured here: the image
# builds in 1.5 min on the bookworm root (~4 min from nothing, with debootstrap),
# 1.58 GB; later runs find it by its recipe label (under a second).
PYTS_CROSS_STANDIN_RECIPE=3
PYTS_CROSS_STANDIN_PACKAGES="rustc-web cargo-web gcc-aarch64-linux-gnu libc6-dev-arm64-cross"

# The emulated stand-in: pypa's manylinux2014_aarch64 is to cibuildwheel what
# this is to `--emulate`: an arm64 build root with a Python, run on this x86-64
# machine under qemu-aarch64 through binfmt_misc. Debian's own rustc and cargo
# (for `--rust image`), gcc to link. Measured here: debootstrap --arch=arm64
# (its second stage runs emulated) 2.7 min, then the packages 3.3 min (159 MB,
# installed emulated), an image of 1.16 GB; cached by its recipe label after that.
PYTS_EMULATED_STANDIN_RECIPE=1
PYTS_EMULATED_STANDIN_PACKAGES="python3 rustc-web cargo-web gcc libc6-dev"

# The Debian mirror apt is configured with (deb822 .sources or one-line .list),
# so debootstrap fetches from the same place as apt-get; deb.debian.org if none.
_pyts_debian_mirror() {
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    # URIs: lines; the main archive ends in /debian (not -security, not ports)
    uri=$(awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i}' "$f" | grep -E '/debian/?$' | head -n 1 || true)
    [[ -n $uri ]] && { echo "${uri%/}"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' "$f" |
      grep -E '/debian/?$' | head -n 1 || true)
    [[ -n $uri ]] && { echo "${uri%/}"; return; }
  done
  echo "http://deb.debian.org/debian"
}

_pyts_write_podman_conf() {
  local dir=$1 store=$2 runroot=$3
  mkdir -p "$dir" "$store" "$runroot"
  # Self-ignoring folder: never committed, whatever .gitignore says.
  [[ -f $dir/.gitignore ]] || echo '*' >"$dir/.gitignore"
  cat >"$dir/containers.conf" <<EOF
# Written by .ci/containers.sh for the pyts-build container tests.
[containers]
# Higher defaults are refused on this kind of machine.
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
# crun fails on this cgroup layout; runc works.
runtime = "runc"
cgroup_manager = "cgroupfs"
# No systemd journal here.
events_logger = "file"
# Per-boot state next to runroot (on tmpfs when /run is writable), so a reboot
# is noticed and this podman never shares state with a system-wide one.
tmp_dir = "$runroot/libpod"
EOF
  cat >"$dir/storage.conf" <<EOF
# Written by .ci/containers.sh for the pyts-build container tests.
[storage]
driver = "overlay"
graphroot = "$store"
runroot = "$runroot"
EOF
}

# True when IMAGE ($1) exists and was built from recipe $2 (default: the stand-in's).
_pyts_image_current() {
  local label
  label=$(podman image inspect --format '{{index .Labels "org.pyts-build.recipe"}}' "$1" 2>/dev/null) || return 1
  [[ $label == "${2:-$PYTS_STANDIN_RECIPE}" ]]
}

# A minbase Debian root of suite $2 imported as image $3 (once), debootstrapped
# under $1; $4: a foreign Debian architecture (its second stage runs under qemu).
_pyts_debian_base() {
  local dir=$1 suite=$2 base=$3 arch=${4:-} mirror root
  podman image exists "$base" && return 0
  mirror=$(_pyts_debian_mirror)
  root="$dir/$suite${arch:+-$arch}-root"  # on the same disk as the checkout, removed after import
  rm -rf "$root"
  echo "== debootstrap $suite${arch:+ for $arch} from $mirror"
  debootstrap --variant=minbase ${arch:+--arch="$arch"} "$suite" "$root" "$mirror"
  tar -C "$root" -c . | podman import ${arch:+--arch "$arch"} - "$base"
  rm -rf "$root"
}

# Build image $1 from the Containerfile on stdin in context folder $3, labelled
# with its recipe $2 (what _pyts_image_current checks); $4: a foreign platform
# (the build's RUN steps then run under qemu).
_pyts_recipe_image() {
  local image=$1 recipe=$2 ctx=$3 platform=${4:-}
  mkdir -p "$ctx"
  { cat; echo "LABEL org.pyts-build.recipe=\"$recipe\""; } >"$ctx/Containerfile"
  echo "== podman build $image${platform:+ ($platform, under qemu)}"
  # host network for apt only: no CNI configuration needed for the build.
  podman build ${platform:+--platform "$platform"} --network host -t "$image" -f "$ctx/Containerfile" "$ctx"
}

# qemu-aarch64 in binfmt_misc (the kernel runs arm64 programs through it), with
# the F flag so it works inside containers; qemu-user-static's own entry.
_pyts_register_qemu_aarch64() {
  local bm=/proc/sys/fs/binfmt_misc
  # registered but disabled (a test that disables it ended early): enable it again
  [[ -e $bm/qemu-aarch64 ]] && { echo 1 >"$bm/qemu-aarch64"; return 0; }
  [[ -e $bm/register ]] || mount -t binfmt_misc binfmt_misc "$bm"
  echo "== registering qemu-aarch64 with binfmt_misc"
  cat /usr/lib/binfmt.d/qemu-aarch64.conf >"$bm/register"
}

_pyts_build_emulated_standin() {
  local dir=$1 image=$2 base=localhost/pyts-build-bookworm-root:arm64
  _pyts_register_qemu_aarch64
  if _pyts_image_current "$image" "$PYTS_EMULATED_STANDIN_RECIPE"; then
    echo "== emulated stand-in image $image: cached"
    return 0
  fi
  _pyts_debian_base "$dir" bookworm "$base" arm64
  _pyts_recipe_image "$image" "$PYTS_EMULATED_STANDIN_RECIPE" "$dir/emulated-standin-context" linux/arm64 <<EOF
# A stand-in for quay.io/pypa/manylinux2014_aarch64 under emulation: arm64
# Debian bookworm with python3, Debian's rustc and cargo, gcc.
FROM $base
RUN apt-get update \\
 && apt-get install -y --no-install-recommends $PYTS_EMULATED_STANDIN_PACKAGES \\
 && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/*
EOF
}

_pyts_build_cross_standin() {
  local dir=$1 image=$2 base=localhost/pyts-build-bookworm-root:latest
  if _pyts_image_current "$image" "$PYTS_CROSS_STANDIN_RECIPE"; then
    echo "== cross stand-in image $image: cached"
    return 0
  fi
  _pyts_debian_base "$dir" bookworm "$base"
  _pyts_recipe_image "$image" "$PYTS_CROSS_STANDIN_RECIPE" "$dir/cross-standin-context" <<EOF
# A stand-in for a cross build image (rust-cross/manylinux2014-cross:aarch64):
# x86-64 Debian bookworm with Debian's rustc and cargo, the aarch64 standard
# library and the aarch64 gcc and C library to link against.
FROM $base
RUN dpkg --add-architecture arm64 \\
 && apt-get update \\
 && apt-get install -y --no-install-recommends $PYTS_CROSS_STANDIN_PACKAGES \\
 && cd /tmp && apt-get download libstd-rust-web-dev:arm64 \\
 && dpkg -x libstd-rust-web-dev_*_arm64.deb / && rm -f /tmp/*.deb \\
 && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/*
ENV CARGO_BUILD_TARGET=aarch64-unknown-linux-gnu
EOF
}

_pyts_build_standin() {
  local dir=$1 image=$2 base=localhost/pyts-build-bullseye-root:latest
  if _pyts_image_current "$image"; then
    echo "== stand-in image $image: cached"
    return 0
  fi
  _pyts_debian_base "$dir" bullseye "$base"
  _pyts_recipe_image "$image" "$PYTS_STANDIN_RECIPE" "$dir/standin-context" <<EOF
# A stand-in for a manylinux build image: Debian bullseye (glibc 2.31),
# CPython 3.9 as python3.9 on PATH, gcc for crates that compile C.
FROM $base
RUN apt-get update \\
 && apt-get install -y --no-install-recommends $PYTS_STANDIN_PACKAGES \\
 && rm -rf /var/lib/apt/lists/*
EOF
}

ci_setup_containers() {
  local repo dir store runroot
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  # The configuration lives in the checkout; the image store in the user's
  # cache, so a fresh clone (CI) finds the stand-in image already built.
  dir=${PYTS_CONTAINERS_DIR:-$repo/.containers}
  store=${PYTS_CONTAINERS_STORE:-${XDG_CACHE_HOME:-$HOME/.cache}/pyts-build/containers-storage}
  # runroot holds per-boot state (locks, mounts): on tmpfs when we may write
  # there. Named after the store, so every checkout using it agrees.
  if [[ -w /run ]]; then
    runroot=/run/pyts-build-containers/$(printf '%s' "$store" | sha256sum | cut -c1-12)
  else
    runroot=$store-run
  fi
  _pyts_write_podman_conf "$dir" "$store" "$runroot"
  export PYTS_CONTAINERS_DIR=$dir
  export CONTAINERS_CONF=$dir/containers.conf
  export CONTAINERS_STORAGE_CONF=$dir/storage.conf
  export PYTS_STANDIN_IMAGE=${PYTS_STANDIN_IMAGE:-localhost/pyts-build-standin:bullseye}
  export PYTS_CROSS_STANDIN_IMAGE=${PYTS_CROSS_STANDIN_IMAGE:-localhost/pyts-build-cross-standin:aarch64}
  export PYTS_EMULATED_STANDIN_IMAGE=${PYTS_EMULATED_STANDIN_IMAGE:-localhost/pyts-build-emulated-standin:aarch64}
  # Write the variables where the tests find them without the environment.
  cat >"$dir/env.sh" <<EOF
export PYTS_CONTAINERS_DIR='$dir'
export CONTAINERS_CONF='$CONTAINERS_CONF'
export CONTAINERS_STORAGE_CONF='$CONTAINERS_STORAGE_CONF'
export PYTS_STANDIN_IMAGE='$PYTS_STANDIN_IMAGE'
export PYTS_CROSS_STANDIN_IMAGE='$PYTS_CROSS_STANDIN_IMAGE'
export PYTS_EMULATED_STANDIN_IMAGE='$PYTS_EMULATED_STANDIN_IMAGE'
EOF
  echo "== $(podman --version), configuration in $dir, images in $store"
  _pyts_build_standin "$dir" "$PYTS_STANDIN_IMAGE"
  _pyts_build_cross_standin "$dir" "$PYTS_CROSS_STANDIN_IMAGE"
  _pyts_build_emulated_standin "$dir" "$PYTS_EMULATED_STANDIN_IMAGE"
  # Prove the engine runs a container before any test relies on it.
  podman run --rm --network none "$PYTS_STANDIN_IMAGE" python3.9 -c 'import sys; print("container ok:", sys.version.split()[0])'
}

# Install what is missing of CONTAINER_PACKAGES (for the direct run; .ci/run
# installs them together with its own list).
_pyts_install_container_packages() {
  local missing=() p
  for p in "${CONTAINER_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "== apt-get install ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# Run directly (not sourced): install, set up, then print the exports for the caller.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  _pyts_install_container_packages >&2
  ci_setup_containers >&2
  cat "$PYTS_CONTAINERS_DIR/env.sh"
fi
