#!/usr/bin/env bash
# The replication stage: read replicas, failover with and without
# synchronous replication, and PgBouncer in transaction mode, each on real
# PostgreSQL 15 servers this script starts (scripts/pg-cluster) on free
# loopback ports in a temporary directory, and stops at the end, pass or
# fail. The checks themselves are in replication.py; see README.md here.
#
#   MSG_BUILD_DIR=build tests/replication/run.sh
#
# MSG_BUILD_DIR: a built meson build directory of this repository; when
# unset, build-repl is set up and built. MSG_TEST_PG_URI is not used: the
# stage needs primaries and standbys of its own to crash and promote.
# Needs (Debian): postgresql-15, pgbouncer, python3. Run as root (the
# servers run as the postgres user) or as postgres.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${MSG_BUILD_DIR:-}
if [[ -z "$build" ]]; then
  build="$root/build-repl"
  if [[ ! -d "$build" ]]; then
    meson setup "$build" "$root" >/dev/null || { echo "replication: meson setup failed"; echo "0 passed, 1 failed"; exit 1; }
  fi
  ninja -C "$build" -j2 >/dev/null || { echo "replication: the build failed"; echo "0 passed, 1 failed"; exit 1; }
fi
build=$(realpath -- "$build")
for f in "$build/server/msg-server" "$build/tests/conformance/conformance"; do
  [[ -x "$f" ]] || { echo "replication: $f is missing (build the tree first)"; echo "0 passed, 1 failed"; exit 1; }
done
command -v pgbouncer >/dev/null || { echo "replication: pgbouncer is not installed (apt-get install pgbouncer)"; echo "0 passed, 1 failed"; exit 1; }

work=$(mktemp -d /tmp/msg-replication.XXXXXX)
# The postgres user must reach the clusters' directories inside.
chmod 755 "$work"

# Whatever replication.py left running (it stops everything itself; this is
# for when it was killed): msg-servers by their pid files, PgBouncers, then
# the clusters.
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  local f d
  for f in "$work"/msg-server-*.pid; do
    [[ -f "$f" ]] && kill "$(cat "$f")" 2>/dev/null
  done
  for d in "$work"/*/; do
    [[ -f "$d/pgbouncer.ini" ]] && "$root/scripts/pg-cluster" bouncer-stop "$d" >/dev/null 2>&1
    [[ -f "$d/data/PG_VERSION" ]] && "$root/scripts/pg-cluster" crash "$d" >/dev/null 2>&1
  done
  rm -rf "$work"
}
trap cleanup EXIT

# The whole stage is bounded; replication.py unwinds on SIGTERM.
timeout --kill-after=20 "${MSG_REPLICATION_TIMEOUT:-300}" \
  python3 "$root/tests/replication/replication.py" "$build" "$work"
rc=$?
if ((rc == 124 || rc == 137)); then
  echo "replication: timed out after ${MSG_REPLICATION_TIMEOUT:-300} s"
  echo "0 passed, 1 failed"
fi
exit "$rc"
