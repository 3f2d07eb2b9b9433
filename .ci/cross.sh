# Sourced by .ci/run: what the cross-compilation tests (`wheel --target`,
# `--test-command` under qemu) need on a fresh Debian 12 machine. Owned by the
# cross-compilation work; .ci/run only calls it.
#
# Contract with .ci/run:
#   ci_setup_cross   called once, with `set -e` in force, after the common
#                    packages; installs what is missing (foreign dpkg
#                    architectures, Debian's cross-capable rustc with the
#                    arm64/armhf standard libraries, the cross linkers, qemu) and
#                    unpacks an aarch64 CPython 3.11 into the user's cache. It
#                    writes the variables the tests read to .cross/env.sh:
#     PYTS_CROSS_RUSTC          a rustc that has the foreign standard libraries
#     PYTS_CROSS_TARGETS        the triples it can build for (space separated)
#     PYTS_CROSS_AARCH64_ROOT   a folder holding an aarch64 python3.11 (usr/bin/python3.11)
#
# Run directly (as root): `bash .ci/cross.sh` does the same and prints the
# export lines.
#
# Why (measured on this kind of machine, shared/notes/ENVIRONMENT.md "Added
# 2026-12-06"): rustup cannot download targets here, but Debian's rustc-web
# ships each architecture's std as libstd-rust-web-dev:<arch>, and rustup's
# cargo drives that rustc with RUSTC=/usr/bin/rustc. Debian's python3.11:arm64
# cannot be installed beside the amd64 one, so its packages are unpacked.

CROSS_ARCHES=(arm64 armhf)
CROSS_PACKAGES=(
  rustc-web cargo-web
  libstd-rust-web-dev:arm64 libstd-rust-web-dev:armhf
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
  qemu-user-static
)
# The aarch64 CPython and the libraries its interpreter and stdlib modules load.
CROSS_PYTHON_DEBS=(
  python3.11-minimal libpython3.11-minimal libpython3.11-stdlib
  libc6 libgcc-s1 libexpat1 zlib1g libffi8 libssl3 libbz2-1.0 liblzma5 libcrypt1
  libuuid1 libsqlite3-0 libncursesw6 libtinfo6 libreadline8 libdb5.3 libnsl2 libtirpc3
  libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2 libkeyutils1 libstdc++6
)
# (rustc-web recommends rust-web-llvm, i.e. LLVM 22: its llvm-mc and llvm-lipo check
# the Mach-O universal writer in test/wheel/macho-fat.test.ts.)
# Bump when the list above changes: an unpacked root of another recipe is redone.
CROSS_ROOT_RECIPE=1

_pyts_cross_install() {
  local a p added=0 missing=()
  for a in "${CROSS_ARCHES[@]}"; do
    if ! dpkg --print-foreign-architectures | grep -qx "$a"; then
      dpkg --add-architecture "$a"
      added=1
    fi
  done
  for p in "${CROSS_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
  done
  ((added || ${#missing[@]})) || return 0
  echo "== apt-get install ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# Unpack the arm64 python3.11 packages into $1 (once per recipe).
_pyts_cross_python_root() {
  local root=$1 debs p
  if [[ -f $root/.recipe && $(cat "$root/.recipe") == "$CROSS_ROOT_RECIPE" && -x $root/usr/bin/python3.11 ]]; then
    echo "== aarch64 python3.11 in $root: cached"
    return 0
  fi
  rm -rf "$root" "$root.debs"
  debs=$root.debs
  mkdir -p "$debs"
  (cd "$debs" && apt-get download "${CROSS_PYTHON_DEBS[@]/%/:arm64}")
  mkdir -p "$root.tmp"
  for p in "$debs"/*.deb; do dpkg -x "$p" "$root.tmp"; done
  echo "$CROSS_ROOT_RECIPE" >"$root.tmp/.recipe"
  rm -rf "$debs"
  mv "$root.tmp" "$root"
}

ci_setup_cross() {
  local repo dir root
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  dir=${PYTS_CROSS_DIR:-$repo/.cross}
  root=${XDG_CACHE_HOME:-$HOME/.cache}/pyts-build/cross/python3.11-arm64
  _pyts_cross_install
  mkdir -p "$dir" "$(dirname "$root")"
  [[ -f $dir/.gitignore ]] || echo '*' >"$dir/.gitignore"
  _pyts_cross_python_root "$root"
  cat >"$dir/env.sh" <<EOF
export PYTS_CROSS_RUSTC='/usr/bin/rustc'
export PYTS_CROSS_TARGETS='aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf'
export PYTS_CROSS_AARCH64_ROOT='$root'
EOF
  # Prove the pieces work before a test relies on them.
  /usr/bin/rustc --print sysroot >/dev/null
  ls /usr/lib/rustlib/aarch64-unknown-linux-gnu/lib >/dev/null
  qemu-aarch64-static -L "$root" "$root/usr/bin/python3.11" -c 'import sysconfig; print("aarch64 python ok:", sysconfig.get_config_var("EXT_SUFFIX"))'
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  ci_setup_cross >&2
  cat "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.cross/env.sh"
fi
