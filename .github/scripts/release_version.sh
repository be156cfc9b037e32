#!/usr/bin/env bash
# Prints deno.json's version when the release tag names it (v<version>), and fails otherwise:
# deno.json's version is the one source of the version, so a tag cannot publish another.
#
#   .github/scripts/release_version.sh v0.1.0   # prints 0.1.0
set -euo pipefail

tag="${1:?usage: release_version.sh <tag>}"
cd "$(dirname "$0")/../.."
version="$(deno eval 'console.log(JSON.parse(Deno.readTextFileSync("deno.json")).version)')"
if [ "$tag" != "v$version" ]; then
  echo "release: tag $tag does not match deno.json's version $version (tag v$version to release it)" >&2
  exit 1
fi
echo "$version"
