#!/usr/bin/env bash
# The contract test: server/openapi.json says exactly what the wire does.
# Starts two msg-server on SQLite in memory, on free loopback ports (port 0):
# one without auth, with short limits so that each can be hit quickly, and
# one with --auth apikey and a key for account 42. scenario.mjs sends a
# scenario over every operation and checks each response's status, media
# type, body and headers against the description with Ajv (JSON Schema
# 2020-12; tools/contract, pinned by its lock file), then the checker's
# negative tests. One line per check; ends with "N passed, N failed".
#
# Environment: MSG_BUILD_DIR, a built meson build of this tree (unset:
# builds build-abi here, as tests/abi/run.sh does). Needs node and npm
# (Debian: nodejs, npm).
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/msg-contract.XXXXXX")
pids=()
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
passed=0
failed=0
pass() {
  echo "ok   $1"
  passed=$((passed + 1))
}
failure() {
  echo "FAIL $1"
  failed=$((failed + 1))
}
finish() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 && $passed -gt 0 ]]
  exit
}

build=${MSG_BUILD_DIR:-}
if [[ -z "$build" ]]; then
  build="$src/build-abi"
  if ! { [[ -d "$build" ]] || meson setup "$build" "$src" >"$work/setup.log" 2>&1; } ||
    ! ninja -C "$build" -j2 >"$work/build.log" 2>&1; then
    tail -n 40 "$work"/*.log
    failure "build $build"
    finish
  fi
fi
server="$build/server/msg-server"
[[ -x "$server" ]] || { failure "$server is built"; finish; }

if (cd "$src/tools/contract" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error) \
  >"$work/npm.log" 2>&1; then
  pass "Ajv installed from tools/contract/package-lock.json"
else
  cat "$work/npm.log"
  failure "Ajv installed from tools/contract/package-lock.json"
  finish
fi

# Starts msg-server with the given flags; sets $port and $pid once its
# "listening" log line names the port.
start() {
  local name="$1" i
  shift
  "$server" --listen 127.0.0.1:0 --database sqlite::memory: "$@" >"$work/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for ((i = 0; i < 100; i++)); do
    port=$(sed -n 's/.*"message":"listening".*"port":\([0-9]*\).*/\1/p' "$work/$name.log")
    [[ -n "$port" ]] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$work/$name.log"
  return 1
}

# The limits are small so that 413, 408 and 431 take little time to reach;
# the drain delay is long so that the scenario's last steps meet a draining
# server that still answers.
if start open --request-timeout-ms 400 --max-body-bytes 4096 --drain-delay-ms 30000; then
  open_port=$port open_pid=$pid
  pass "msg-server (no auth) listens on 127.0.0.1:$open_port"
else
  failure "msg-server (no auth) starts"
  finish
fi
"$server" keygen --account 42 --label contract >"$work/keygen.out" 2>/dev/null
token=$(sed -n 1p "$work/keygen.out")
sed -n 2p "$work/keygen.out" >"$work/api-keys"
if start auth --auth apikey --api-keys "$work/api-keys"; then
  auth_port=$port
  pass "msg-server (--auth apikey) listens on 127.0.0.1:$auth_port"
else
  failure "msg-server (--auth apikey) starts"
  finish
fi

MSG_CONTRACT_OPENAPI="$src/server/openapi.json" MSG_CONTRACT_PORT=$open_port \
  MSG_CONTRACT_PID=$open_pid MSG_CONTRACT_AUTH_PORT=$auth_port MSG_CONTRACT_TOKEN=$token \
  node "$src/tests/contract/scenario.mjs" >"$work/scenario.out" 2>&1
status=$?
cat "$work/scenario.out"
ok=$(grep -c '^ok ' "$work/scenario.out")
bad=$(grep -c '^FAIL ' "$work/scenario.out")
passed=$((passed + ok))
failed=$((failed + bad))
if [[ $status -ne 0 && $bad -eq 0 ]]; then
  failure "scenario.mjs ran to the end (exit status $status)"
fi
finish
