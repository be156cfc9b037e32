#!/usr/bin/env bash
# Release smoke test of a ctlstore executable: `version` and `--version` print the expected
# version; `ctlstore up` on an empty temporary directory answers the README walkthrough (a family,
# a table and a writer, one row written through the executive and read back over the sidecar);
# the first SIGTERM stops it with exit status 0 (on Windows, which has no SIGTERM, it is killed).
#
#   .github/scripts/smoke.sh 0.1.0 dist/ctlstore
#   .github/scripts/smoke.sh 0.1.0 deno run --allow-read ... main.ts
#
# CTLSTORE_SMOKE_EXECUTIVE and CTLSTORE_SMOKE_SIDECAR set the addresses `up` binds
# (default 127.0.0.1:3000 and 127.0.0.1:1331).
set -euo pipefail

expected="${1:?usage: smoke.sh <version> <ctlstore command...>}"
shift
[ $# -gt 0 ] || { echo "usage: smoke.sh <version> <ctlstore command...>" >&2; exit 2; }
executive="${CTLSTORE_SMOKE_EXECUTIVE:-127.0.0.1:3000}"
sidecar="${CTLSTORE_SMOKE_SIDECAR:-127.0.0.1:1331}"

fail() {
  echo "smoke: FAIL: $*" >&2
  exit 1
}

for flag in version --version; do
  printed="$("$@" "$flag" | tr -d '\r')"
  [ "$printed" = "$expected" ] || fail "ctlstore $flag printed '$printed', expected '$expected'"
done
echo "smoke: ctlstore version is $expected"

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$@" up -data-dir "$work/data" -executive-bind "$executive" -sidecar-bind "$sidecar" \
  -console-bind "" >"$work/up.log" 2>&1 &
pid=$!
waited=0
until grep -q "ctlstore is up" "$work/up.log"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$work/up.log" >&2
    pid=""
    fail "ctlstore up exited before it was up"
  fi
  if [ "$waited" -ge 600 ]; then
    cat "$work/up.log" >&2
    fail "ctlstore up was not up after 60 s"
  fi
  sleep 0.1
  waited=$((waited + 1))
done
echo "smoke: ctlstore up is up (executive $executive, sidecar $sidecar)"

post() {
  curl --silent --show-error --fail-with-body --write-out '\n' -X POST "$@"
}
post "http://$executive/families/demo"
post "http://$executive/families/demo/tables/users" \
  -d '{"fields":[["id","integer"],["name","string"],["avatar","bytestring"]],"keyFields":["id"]}'
post "http://$executive/writers/demo-writer" -d demo-secret
answer="$(post "http://$executive/families/demo/mutations" \
  -H 'ctlstore-writer: demo-writer' -H 'ctlstore-secret: demo-secret' \
  -d '{"mutations":[{"table":"users","values":{"id":1,"name":"ada","avatar":"3q2+7w=="}}]}')"
seq="$(printf '%s' "$answer" | sed -n 's/^{"seq":\([0-9][0-9]*\)}$/\1/p')"
[ -n "$seq" ] || fail "the mutation answered '$answer', expected {\"seq\":N}"
row="$(post "http://$sidecar/get-row-by-key/demo/users" -H "X-Ctlstore-Min-Seq: $seq" \
  -d '{"key":[{"value":1}]}')"
[ "$row" = '{"avatar":"3q2+7w==","id":1,"name":"ada"}' ] ||
  fail "the sidecar answered '$row' for the row written at seq $seq"
echo "smoke: the walkthrough's row came back at seq $seq"

kill "$pid"
status=0
wait "$pid" || status=$?
pid=""
case "$(uname -s)" in
  MINGW* | MSYS* | CYGWIN*) ;;
  *)
    if [ "$status" -ne 0 ]; then
      cat "$work/up.log" >&2
      fail "ctlstore up exited with status $status after SIGTERM, expected 0"
    fi
    ;;
esac
echo "smoke: passed"
