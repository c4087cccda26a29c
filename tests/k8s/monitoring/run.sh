#!/usr/bin/env bash
# The monitoring stage: proves k8s/components/monitoring as far as one machine
# can. The rules and the dashboard are taken from the component as kustomize
# renders it (extract.py), never from a copy.
#
#   1. promtool checks the rules; check_rules.py checks that every alert has a
#      summary, a description, a runbook_url naming a section of
#      k8s/runbook.md, and a unit test that fires and one that stays quiet;
#   2. promtool runs the unit tests (rules.test.yaml);
#   3. negative tests: the unit tests fail on rules with a changed `for:` or
#      threshold, and check_rules.py fails on a missing quiet test and on a
#      runbook without the alert's section;
#   4. check_wiring.py on every rendered overlay: the ServiceMonitor selects
#      Service msg-server on a port it names, the dashboard ConfigMap has the
#      Grafana sidecar's label (with a negative test);
#   5. live.py: msg-server, Prometheus and Alertmanager on loopback (see there).
#
# Usage: tests/k8s/monitoring/run.sh
# Environment: MSG_BUILD_DIR  a built meson build dir of this repository; when
#                             unset, build-k8s-ops is set up and built here.
# Needs kubectl (kustomize), prometheus, prometheus-alertmanager, promtool,
# python3 with python3-yaml. Takes 40 s to 70 s. Prints one line per check and
# ends with "N passed, N failed"; exits non-zero when any check fails.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/msg-k8s-monitoring.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

if [[ -z "${MSG_BUILD_DIR:-}" ]]; then
  MSG_BUILD_DIR="$root/build-k8s-ops"
  [[ -f "$MSG_BUILD_DIR/build.ninja" ]] || meson setup "$MSG_BUILD_DIR" "$root" >/dev/null || exit 1
  ninja -j2 -C "$MSG_BUILD_DIR" >/dev/null || { echo "monitoring: build failed" >&2; exit 1; }
fi
export MSG_BUILD_DIR
# No __pycache__ left in the tree by the helper modules.
export PYTHONDONTWRITEBYTECODE=1

passed=0
failed=0
# check NAME COMMAND...: one check; the command's output is shown on failure.
check() {
  local name="$1"
  shift
  if "$@" >"$work/check.out" 2>&1; then
    passed=$((passed + 1))
    echo "ok   - $name"
  else
    failed=$((failed + 1))
    echo "FAIL - $name"
    tail -n 25 "$work/check.out" | sed 's/^/       /'
  fi
}
# check_fails NAME COMMAND...: a negative test; passes when the command fails.
check_fails() {
  local name="$1"
  shift
  if "$@" >"$work/check.out" 2>&1; then
    failed=$((failed + 1))
    echo "FAIL - $name (it passed)"
  else
    passed=$((passed + 1))
    echo "ok   - $name"
  fi
}

# mutate IN OUT OLD NEW: OUT is IN with OLD replaced once; fails when OLD is absent.
mutate() {
  python3 - "$@" <<'PY'
import sys
src, dst, old, new = sys.argv[1:]
text = open(src).read()
if old not in text:
    sys.exit("mutate: %r not found in %s" % (old, src))
open(dst, "w").write(text.replace(old, new, 1))
PY
}

unit="$work/unit"
mkdir -p "$unit"
cp "$here/rules.test.yaml" "$unit/rules.test.yaml"
check "rules extracted from PrometheusRule msg-server" "$here/extract.py" rules "$unit/rules.yaml"
check "promtool check rules" promtool check rules "$unit/rules.yaml"
check "every alert: summary, description, runbook section, a firing and a quiet test" \
  "$here/check_rules.py" "$unit/rules.yaml" "$here/rules.test.yaml" "$root/k8s/runbook.md"
check "promtool test rules (rules.test.yaml)" promtool test rules "$unit/rules.test.yaml"

# Negative tests: the unit tests must catch a weakened rule.
neg="$work/neg"
mkdir -p "$neg"
cp "$here/rules.test.yaml" "$neg/rules.test.yaml"
if mutate "$unit/rules.yaml" "$neg/rules.yaml" "for: 2m" "for: 30m"; then
  check_fails "negative: unit tests fail when MsgServerDown waits 30m" promtool test rules "$neg/rules.test.yaml"
else
  check "negative: mutation of MsgServerDown applies" false
fi
if mutate "$unit/rules.yaml" "$neg/rules.yaml" "> 0.05" "> 0.5"; then
  check_fails "negative: unit tests fail when the 5xx threshold is 50 %" promtool test rules "$neg/rules.test.yaml"
else
  check "negative: mutation of MsgServerHighErrorRatio applies" false
fi
python3 - "$here/rules.test.yaml" "$neg/no-quiet.test.yaml" <<'PY'
import sys, yaml
t = yaml.safe_load(open(sys.argv[1]))
t["tests"] = [x for x in t["tests"] if x["name"] != "MsgServerRestarting stays quiet for one restart and for other containers"]
yaml.safe_dump(t, open(sys.argv[2], "w"))
PY
check_fails "negative: check_rules.py fails on a missing quiet test" \
  "$here/check_rules.py" "$unit/rules.yaml" "$neg/no-quiet.test.yaml" "$root/k8s/runbook.md"
grep -v '^## MsgServerDbPoolSaturated' "$root/k8s/runbook.md" >"$neg/runbook.md"
check_fails "negative: check_rules.py fails on a runbook without the alert's section" \
  "$here/check_rules.py" "$unit/rules.yaml" "$here/rules.test.yaml" "$neg/runbook.md"

# The component in each overlay: the ServiceMonitor finds the Service, the
# dashboard ConfigMap has the sidecar's label.
for overlay in "$root"/k8s/overlays/*/; do
  name=$(basename "$overlay")
  if kubectl kustomize "$overlay" >"$work/$name.yaml" 2>"$work/check.out"; then
    check "$name overlay: ServiceMonitor selects Service msg-server on its port; dashboard labelled" \
      "$here/check_wiring.py" "$work/$name.yaml"
  else
    check "$name overlay renders" false
  fi
done
python3 - "$work/aws.yaml" "$neg/wrong-port.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
for d in docs:
    if d["kind"] == "Service" and d["metadata"]["name"] == "msg-server":
        for port in d["spec"]["ports"]:
            port["name"] = "web"
yaml.safe_dump_all(docs, open(sys.argv[2], "w"))
PY
check_fails "negative: check_wiring.py fails when the Service's port is not named http" \
  "$here/check_wiring.py" "$neg/wrong-port.yaml"

# The live run, with every alert's `for:` cut to 5 s so that the down alert
# fires within seconds; its own lines are counted here.
live="$work/live"
mkdir -p "$live"
if "$here/extract.py" rules "$live/rules-live.yaml" --for 5s && "$here/extract.py" dashboard "$live/dashboard.json"; then
  "$here/live.py" "$live" >"$work/live.out" 2>&1
  rc=$?
  grep -v '^live: ' "$work/live.out"
  ok=$(grep -c '^ok   - ' "$work/live.out")
  bad=$(grep -c '^FAIL - ' "$work/live.out")
  passed=$((passed + ok))
  failed=$((failed + bad))
  if [[ $rc -ne 0 && $bad -eq 0 ]]; then
    failed=$((failed + 1))
    echo "FAIL - live.py exited $rc"
    tail -n 25 "$work/live.out" | sed 's/^/       /'
  fi
else
  failed=$((failed + 1))
  echo "FAIL - extracting the rules and the dashboard for the live run"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
