#!/usr/bin/env bash
# The rehearsal stage: a rolling update, an HPA-like scale-down and a
# slow-client flood with real processes (3 msg-server on one PostgreSQL behind
# HAProxy), using the numbers of the rendered k8s/base. rehearsal.py says what
# is rehearsed and how.
#
# Usage: tests/k8s/rehearsal/run.sh
# Environment: MSG_BUILD_DIR    a built meson build dir of this repository; when
#                               unset, build-k8s-ops is set up and built here.
#              MSG_TEST_PG_URI  the PostgreSQL 15 to use; when unset a private
#                               cluster is started (scripts/pg-cluster) and stopped.
# Needs haproxy, kubectl (kustomize), python3 with python3-yaml, and (without
# MSG_TEST_PG_URI) postgresql-15 and root. Takes about 2.5 minutes, most of it
# the manifests' own waits (health checks, minReadySeconds, preStop sleeps).
# Prints one line per check and ends with "N passed, N failed"; exits non-zero
# when any check fails.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/msg-k8s-rehearsal.XXXXXX")
chmod 755 "$work"
pg_dir=""
cleanup() {
  [[ -n "$pg_dir" ]] && "$root/scripts/pg-cluster" stop "$pg_dir" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -z "${MSG_BUILD_DIR:-}" ]]; then
  MSG_BUILD_DIR="$root/build-k8s-ops"
  [[ -f "$MSG_BUILD_DIR/build.ninja" ]] || meson setup "$MSG_BUILD_DIR" "$root" >/dev/null || exit 1
  ninja -j2 -C "$MSG_BUILD_DIR" >/dev/null || { echo "rehearsal: build failed" >&2; exit 1; }
fi
export MSG_BUILD_DIR
# No __pycache__ left in the tree by the helper modules.
export PYTHONDONTWRITEBYTECODE=1

pg_uri=${MSG_TEST_PG_URI:-}
if [[ -z "$pg_uri" ]]; then
  pg_dir="$work/pg"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  if ! pg_uri=$("$root/scripts/pg-cluster" start "$pg_dir" "$port"); then
    echo "FAIL - starting PostgreSQL"
    tail -n 20 "$pg_dir/server.log" 2>/dev/null
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

"$here/rehearsal.py" "$work" "$pg_uri" 2>&1 | tee "$work/out" | grep -v '^rehearsal: '
rc=${PIPESTATUS[0]}
passed=$(grep -c '^ok   - ' "$work/out")
failed=$(grep -c '^FAIL - ' "$work/out")
if [[ $rc -ne 0 && $failed -eq 0 ]]; then
  failed=1
  echo "FAIL - rehearsal.py exited $rc"
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
