#!/usr/bin/env bash
# The logging stage: msg-server's JSON-log contract and the Fluent Bit
# configuration of k8s/components/logging (and logging-cloudwatch's output),
# proven on lines captured from a running msg-server (check.py says exactly
# what is and is not proven: Fluent Bit itself is not packaged for Debian 12).
#
# Usage: tests/k8s/logging/run.sh
# Environment: MSG_BUILD_DIR  a built meson build dir of this repository; when
#                             unset, build-k8s-ops is set up and built here.
# Needs kubectl (kustomize) and python3 with python3-yaml. Takes about 4 s.
# Prints one line per check and ends with "N passed, N failed"; exits
# non-zero when any check fails.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/msg-k8s-logging.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

if [[ -z "${MSG_BUILD_DIR:-}" ]]; then
  MSG_BUILD_DIR="$root/build-k8s-ops"
  [[ -f "$MSG_BUILD_DIR/build.ninja" ]] || meson setup "$MSG_BUILD_DIR" "$root" >/dev/null || exit 1
  ninja -j2 -C "$MSG_BUILD_DIR" >/dev/null || { echo "logging: build failed" >&2; exit 1; }
fi
export MSG_BUILD_DIR
# No __pycache__ left in the tree by the helper modules.
export PYTHONDONTWRITEBYTECODE=1

"$here/check.py" "$work" >"$work/out" 2>&1
rc=$?
grep -v '^logging: ' "$work/out"
passed=$(grep -c '^ok   - ' "$work/out")
failed=$(grep -c '^FAIL - ' "$work/out")
if [[ $rc -ne 0 && $failed -eq 0 ]]; then
  failed=1
  echo "FAIL - check.py exited $rc"
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
