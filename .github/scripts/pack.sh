#!/usr/bin/env bash
# Packs a compiled ctlstore with README.md and LICENSE (and, for Linux, deploy/systemd/ as systemd/:
# the unit files, the environment file example and their install guide) into
# DIR/ctlstore-<version>-<target>.tar.gz (a .zip for Windows targets), the files at the archive's
# root, and prints the archive's path.
#
#   .github/scripts/pack.sh 0.1.0 x86_64-unknown-linux-gnu dist   # packs dist/ctlstore
set -euo pipefail

version="${1:?usage: pack.sh <version> <target> <dir>}"
target="${2:?usage: pack.sh <version> <target> <dir>}"
dir="$(cd "${3:?usage: pack.sh <version> <target> <dir>}" && pwd)"
root="$(cd "$(dirname "$0")/../.." && pwd)"

case "$target" in
  *-windows-*) executable=ctlstore.exe archive="ctlstore-$version-$target.zip" ;;
  *) executable=ctlstore archive="ctlstore-$version-$target.tar.gz" ;;
esac
[ -f "$dir/$executable" ] || { echo "pack: $dir/$executable is missing" >&2; exit 1; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp "$dir/$executable" "$root/README.md" "$root/LICENSE" "$stage/"
chmod 755 "$stage/$executable"
files=("$executable" README.md LICENSE)
case "$target" in
  *-linux-*)
    cp -R "$root/deploy/systemd" "$stage/systemd"
    files+=(systemd)
    ;;
esac
rm -f "$dir/$archive"
case "$archive" in
  *.zip)
    if command -v 7z >/dev/null 2>&1; then
      (cd "$stage" && 7z a -tzip -bso0 -bsp0 "$dir/$archive" "${files[@]}")
    else
      (cd "$stage" && zip -q -r "$dir/$archive" "${files[@]}")
    fi
    ;;
  *) COPYFILE_DISABLE=1 tar -czf "$dir/$archive" -C "$stage" "${files[@]}" ;;
esac
echo "$dir/$archive"
