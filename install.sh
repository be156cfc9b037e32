#!/bin/sh
# Installs the `ctlstore` binary for this machine from a ctlstore release: picks the archive for
# `uname -sm`, verifies it against the release's SHA256SUMS, and only then installs it.
#
#   curl -fsSL https://github.com/ctlstore/ctlstore/releases/latest/download/install.sh | sh
#   curl -fsSL .../install.sh | sh -s -- --version 0.1.0 --dir /opt/ctlstore/bin
#
# A mirror keeps GitHub's layout under its base URL (see usage below). The latest version is read
# from the archive names in <base>/latest/download/SHA256SUMS, so no API call is made.
#
# For tests only (they stand in for what this machine reports):
#   CTLSTORE_INSTALL_UNAME_S, CTLSTORE_INSTALL_UNAME_M   instead of `uname -s` / `uname -m`
#   CTLSTORE_INSTALL_LIBC                                 glibc or musl, instead of detecting it
set -eu

DEFAULT_BASE_URL="https://github.com/ctlstore/ctlstore/releases"

say() {
  printf 'ctlstore install: %s\n' "$*" >&2
}

die() {
  say "error: $*"
  exit 1
}

usage() {
  cat <<EOF
Usage: install.sh [--version V] [--dir D] [--base-url U]

Installs ctlstore for this machine (Linux x86_64/aarch64 with glibc, macOS x86_64/arm64) after
checking the archive against the release's SHA256SUMS. Each option can also be set in the
environment; an option wins.

  --version V    CTLSTORE_VERSION           release to install, e.g. 0.1.0 (default: latest)
  --dir D        CTLSTORE_INSTALL_DIR       where ctlstore goes (default: /usr/local/bin as root,
                                            ~/.local/bin otherwise)
  --base-url U   CTLSTORE_INSTALL_BASE_URL  where releases live (default: $DEFAULT_BASE_URL)

A mirror serves, under its base URL, the release files in GitHub's layout:
  <base>/download/v<version>/SHA256SUMS   <base>/download/v<version>/<archive>
  <base>/latest/download/SHA256SUMS       (the newest release's, to find "latest")
where <archive> is ctlstore-<version>-<target>.tar.gz.
EOF
}

version="${CTLSTORE_VERSION:-latest}"
install_dir="${CTLSTORE_INSTALL_DIR:-}"
base_url="${CTLSTORE_INSTALL_BASE_URL:-$DEFAULT_BASE_URL}"

while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || die "--version needs a value"; version="$2"; shift 2 ;;
    --version=*) version="${1#*=}"; shift ;;
    --dir) [ $# -ge 2 ] || die "--dir needs a value"; install_dir="$2"; shift 2 ;;
    --dir=*) install_dir="${1#*=}"; shift ;;
    --base-url) [ $# -ge 2 ] || die "--base-url needs a value"; base_url="$2"; shift 2 ;;
    --base-url=*) base_url="${1#*=}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option: $1 (try --help)" ;;
  esac
done
base_url="${base_url%/}"
version="${version#v}"

# Deno's compiled binaries link against glibc; on musl they do not start.
detect_libc() {
  if [ -f /etc/alpine-release ]; then
    echo musl
  elif ldd --version 2>&1 | grep -qi musl; then
    echo musl
  else
    echo glibc
  fi
}

detect_target() {
  os="${CTLSTORE_INSTALL_UNAME_S:-$(uname -s)}"
  arch="${CTLSTORE_INSTALL_UNAME_M:-$(uname -m)}"
  case "$os" in
    Linux)
      libc="${CTLSTORE_INSTALL_LIBC:-$(detect_libc)}"
      if [ "$libc" = musl ]; then
        die "musl libc (Alpine) is not supported: ctlstore's binaries are built with deno compile" \
          "and need glibc. Use a glibc distribution, or the Docker image."
      fi
      case "$arch" in
        x86_64 | amd64) echo x86_64-unknown-linux-gnu ;;
        aarch64 | arm64) echo aarch64-unknown-linux-gnu ;;
        *) die "unsupported platform: $os $arch (Linux releases are x86_64 and aarch64)" ;;
      esac
      ;;
    Darwin)
      case "$arch" in
        x86_64) echo x86_64-apple-darwin ;;
        arm64 | aarch64) echo aarch64-apple-darwin ;;
        *) die "unsupported platform: $os $arch (macOS releases are x86_64 and arm64)" ;;
      esac
      ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
      die "this script installs on Linux and macOS; on Windows download" \
        "ctlstore-<version>-x86_64-pc-windows-msvc.zip from $base_url and check it against SHA256SUMS"
      ;;
    *)
      die "unsupported platform: $os $arch (releases exist for Linux x86_64/aarch64 with glibc" \
        "and macOS x86_64/arm64)"
      ;;
  esac
}

# download URL FILE: fails quietly (the caller names what was missing).
download() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "neither curl nor wget is installed"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    die "neither sha256sum nor shasum is installed: cannot verify the download"
  fi
}

# The checksum listed for a file name in a SHA256SUMS file ("<hash>  <name>" or "<hash> *<name>").
listed_sha256() {
  awk -v name="$2" '$2 == name || $2 == "*" name { print $1; exit }' "$1"
}

target="$(detect_target)"
tmp="$(mktemp -d 2>/dev/null || mktemp -d -t ctlstore-install)"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$version" = latest ]; then
  sums_url="$base_url/latest/download/SHA256SUMS"
  download "$sums_url" "$tmp/SHA256SUMS" || die "cannot download $sums_url"
  archive="$(awk -v suffix="-$target.tar.gz" '
    { name = $2; sub(/^\*/, "", name) }
    name ~ /^ctlstore-/ && substr(name, length(name) - length(suffix) + 1) == suffix { print name; exit }
  ' "$tmp/SHA256SUMS")"
  [ -n "$archive" ] || die "the latest release has no archive for $target ($sums_url)"
  version="${archive#ctlstore-}"
  version="${version%-"$target".tar.gz}"
else
  sums_url="$base_url/download/v$version/SHA256SUMS"
  download "$sums_url" "$tmp/SHA256SUMS" || die "no release $version at $sums_url"
  archive="ctlstore-$version-$target.tar.gz"
fi

expected="$(listed_sha256 "$tmp/SHA256SUMS" "$archive")"
[ -n "$expected" ] || die "release $version has no $archive ($sums_url)"

archive_url="$base_url/download/v$version/$archive"
say "downloading $archive_url"
download "$archive_url" "$tmp/$archive" || die "cannot download $archive_url"

actual="$(sha256_of "$tmp/$archive")"
if [ "$actual" != "$expected" ]; then
  die "checksum mismatch for $archive: SHA256SUMS lists $expected, the download is $actual;" \
    "nothing was installed"
fi

mkdir "$tmp/unpacked"
tar -xzf "$tmp/$archive" -C "$tmp/unpacked" || die "cannot unpack $archive"
[ -f "$tmp/unpacked/ctlstore" ] || die "$archive holds no ctlstore executable"

if [ -z "$install_dir" ]; then
  if [ "$(id -u)" = 0 ]; then
    install_dir=/usr/local/bin
  else
    install_dir="${HOME:?HOME is not set; pass --dir}/.local/bin"
  fi
fi
mkdir -p "$install_dir" || die "cannot create $install_dir"
# Copy next to the destination, then rename: a running ctlstore keeps its old file intact.
cp "$tmp/unpacked/ctlstore" "$install_dir/.ctlstore.new.$$" || die "cannot write to $install_dir"
chmod 755 "$install_dir/.ctlstore.new.$$"
mv -f "$install_dir/.ctlstore.new.$$" "$install_dir/ctlstore"

installed="$("$install_dir/ctlstore" version)" ||
  die "installed $install_dir/ctlstore, but it does not run on this machine"
say "installed ctlstore $installed ($target) to $install_dir/ctlstore"
case ":${PATH:-}:" in
  *":$install_dir:"*) ;;
  *) say "note: $install_dir is not on your PATH; add it, e.g. export PATH=\"$install_dir:\$PATH\"" ;;
esac
