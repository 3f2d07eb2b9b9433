# Sourced by .ci/run. Debian 12's twine 4.0.2 reads metadata through pkginfo 1.8,
# which knows Metadata-Version up to 2.2 and so rejects every 2.4 wheel ("missing
# Name, Version"). pkginfo 1.12 (Debian trixie, pure Python) reads 2.4; twine
# picks it up from PYTHONPATH. It is fetched from Debian into test/.work/pkginfo
# with a private apt list, so the machine's apt configuration is not touched.
ci_fetch_pkginfo() {
  local dest="$PWD/test/.work/pkginfo"
  [[ -f "$dest/usr/lib/python3/dist-packages/pkginfo/__init__.py" ]] && return 0
  local mirror tmp
  # the same mirror apt uses (helper from .ci/containers.sh)
  mirror=$(_pyts_debian_mirror)
  tmp=$(mktemp -d)
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial"
  echo "deb ${mirror%/} trixie main" >"$tmp/sources.list"
  local o=(-o "Dir::Etc::sourcelist=$tmp/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache" -o "APT::Get::List-Cleanup=0")
  apt-get "${o[@]}" update -qq
  (cd "$tmp" && apt-get "${o[@]}" download python3-pkginfo)
  mkdir -p "$dest"
  dpkg-deb -x "$tmp"/python3-pkginfo_*.deb "$dest"
  rm -rf "$tmp"
}
