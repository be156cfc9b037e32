#!/usr/bin/env bash
# Writes DIR/SHA256SUMS ("<sha256>  <name>" per file, sorted by name) over every other file in
# DIR (GNU sha256sum, as on the Linux runner), then checks it: the list install.sh and users
# verify downloads against.
#
#   .github/scripts/checksums.sh dist
set -euo pipefail

cd "${1:?usage: checksums.sh <dir>}"
rm -f SHA256SUMS
files=()
for file in *; do
  [ -f "$file" ] && files+=("$file")
done
[ ${#files[@]} -gt 0 ] || { echo "checksums: no files in $PWD" >&2; exit 1; }
sha256sum -- "${files[@]}" >SHA256SUMS
sha256sum --check --quiet SHA256SUMS
cat SHA256SUMS
