#!/usr/bin/env bash
# The bindings stage: libmsg from Python and from Go, against the library of
# a built tree, on in-memory SQLite and on PostgreSQL.
#
#   MSG_BUILD_DIR=build-test MSG_TEST_PG_URI=postgresql://... tests/bindings/run.sh
#
# MSG_BUILD_DIR   a built meson tree of this repository; the Go binding finds
#                 libmsg through its uninstalled pkg-config file
#                 (meson-uninstalled/), Python through LIBMSG_LIBRARY. Unset:
#                 build-bindings is set up and built here.
# MSG_TEST_PG_URI a PostgreSQL 15 the stage may create a database in; each run
#                 uses a fresh database (dropped at the end). Unset: a private
#                 cluster is started with scripts/pg-cluster (needs root).
# MSG_PYTHON      the interpreter (default /usr/bin/python3: Debian's, where
#                 python3-pytest, -setuptools, -wheel and -venv install).
#
# Checks, one line each: the pytest suite and the Go suite (go vet, gofmt,
# go test -race) with every test counted (a skip or a run of nothing fails),
# the Python suite once more under valgrind (any invalid access or leaked C
# object fails), the negative tests of that memory check (a deliberate leak
# and a double free must be caught) and of the result counter, and both
# examples. Installs nothing by apt; the Python package is installed with
# pip, offline, into a virtual environment in a temporary directory. Ends
# with "N passed, N failed"; exits non-zero on any failure.
# shellcheck disable=SC2317 # the checks are functions run through check(), which shellcheck cannot follow
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/tests/bindings"
python=${MSG_PYTHON:-/usr/bin/python3}
passed=0
failed=0

work=$(mktemp -d "${TMPDIR:-/tmp}/msg-bindings.XXXXXX") || exit 1
chmod 755 "$work"
own_cluster=""
pg_admin=""
pg_db=""
cleanup() {
  if [[ -n "$pg_db" ]]; then
    psql -X -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [[ -n "$own_cluster" ]]; then
    "$root/scripts/pg-cluster" stop "$own_cluster" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# check NAME COMMAND...: runs one check quietly; on failure prints its log.
check() {
  local name="$1"
  shift
  local log="$work/log.$((passed + failed))" start=$SECONDS
  if ("$@") >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "ok: $name ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    echo "FAILED: $name ($((SECONDS - start)) s)"
    tail -n 40 "$log" | sed 's/^/  | /'
  fi
}

# suite NAME KIND REPORT STATUS: adds a test run's results to the totals
# (results.py counts them) and prints one line for the suite, with the
# seconds since suite_start.
suite_start=$SECONDS
suite() {
  local name="$1" kind="$2" report="$3" status="$4" counts p f took=$((SECONDS - suite_start))
  counts=$("$python" "$here/results.py" "$kind" "$report" 2>"$work/results.err")
  read -r p f <<<"${counts:-0 1}"
  if [[ "$status" -ne 0 && "$f" -eq 0 ]]; then
    f=1 # the runner failed although every counted test passed (a crash, a build error)
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [[ "$f" -eq 0 ]]; then
    echo "ok: $name: $p passed ($took s)"
  else
    echo "FAILED: $name: $p passed, $f failed (exit $status, $took s)"
    sed 's/^/  | /' "$work/results.err"
    [[ -f "$report.log" ]] && tail -n 40 "$report.log" | sed 's/^/  | /'
  fi
}

finish() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]] && exit 0
  exit 1
}

# --- the library ----------------------------------------------------------

build=${MSG_BUILD_DIR:-}
if [[ -z "$build" ]]; then
  build="$root/build-bindings"
  if [[ ! -f "$build/build.ninja" ]]; then
    check "meson setup build-bindings" meson setup "$build" "$root"
  fi
  check "ninja build-bindings" ninja -C "$build" -j2
fi
build=$(cd "$build" 2>/dev/null && pwd) || { echo "FAILED: MSG_BUILD_DIR is not a directory"; failed=$((failed + 1)); finish; }
lib="$build/libmsg/libmsg.so"
pcdir="$build/meson-uninstalled"
if [[ ! -f "$lib" || ! -f "$pcdir/libmsg-uninstalled.pc" ]]; then
  echo "FAILED: $build holds no built libmsg ($lib, $pcdir/libmsg-uninstalled.pc)"
  failed=$((failed + 1))
  finish
fi
export LIBMSG_LIBRARY="$lib"
export LD_LIBRARY_PATH="$build/libmsg${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PKG_CONFIG_PATH="$pcdir"
export PYTHONDONTWRITEBYTECODE=1

# --- PostgreSQL: a fresh database for this run ------------------------------

# Our own cluster starts from a random port (pg-cluster moves up to a free
# one): other runs on this machine may be starting theirs at the default at
# the same moment, so a lost race is retried on another port.
start_cluster() {
  local try
  for try in 1 2 3; do
    own_cluster="$work/pg$try"
    if MSG_TEST_PG_URI=$("$root/scripts/pg-cluster" start "$own_cluster" $((20000 + RANDOM % 30000)) 2>"$work/pg.err"); then
      return 0
    fi
    "$root/scripts/pg-cluster" stop "$own_cluster" >/dev/null 2>&1
  done
  return 1
}
if [[ -z "${MSG_TEST_PG_URI:-}" ]]; then
  if ! start_cluster; then
    echo "FAILED: starting PostgreSQL (scripts/pg-cluster)"
    sed 's/^/  | /' "$work/pg.err"
    failed=$((failed + 1))
    finish
  fi
fi
pg_admin="$MSG_TEST_PG_URI"
name="bindings_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
if psql -X -q -v ON_ERROR_STOP=1 -d "$pg_admin" -c "CREATE DATABASE $name" >"$work/createdb.log" 2>&1; then
  pg_db="$name"
  passed=$((passed + 1))
  echo "ok: a fresh PostgreSQL database for this run"
else
  failed=$((failed + 1))
  echo "FAILED: creating a database with MSG_TEST_PG_URI"
  sed 's/^/  | /' "$work/createdb.log"
  finish
fi
# libpq lets a dbname query parameter override the URI's path.
[[ "$pg_admin" == *\?* ]] && sep='&' || sep='?'
export MSG_TEST_PG_URI="$pg_admin${sep}dbname=$pg_db"

# --- Python -----------------------------------------------------------------

venv="$work/venv"
py_install() {
  # A copy, so that the build's egg-info and build/ never land in the tree.
  cp -r "$root/bindings/python" "$work/python-src" &&
    "$python" -m venv --system-site-packages "$venv" &&
    "$venv/bin/python" -m pip install --no-build-isolation --no-index --no-deps \
      --disable-pip-version-check "$work/python-src" &&
    cd "$work" && "$venv/bin/python" -c '
import libmsg, pathlib, sys
where = pathlib.Path(libmsg.__file__).resolve()
assert sys.prefix in str(where), f"libmsg imported from {where}, not the venv"
assert (where.parent / "py.typed").is_file(), "py.typed is not installed"
print("libmsg", libmsg.__version__, "from", where, "library", libmsg.library_version())'
}
check "python: pip install ./bindings/python (offline, into a venv)" py_install
vpython="$venv/bin/python"
[[ -x "$vpython" ]] || vpython="$python"

pytest_run() { # REPORT ARGS...
  local report="$1"
  shift
  (cd "$root/bindings/python" && "$@" -m pytest -p no:cacheprovider -q -rfEs \
    --junitxml="$report" tests) >"$report.log" 2>&1
}
suite_start=$SECONDS
pytest_run "$work/pytest.xml" "$vpython"
suite "python: pytest (sqlite::memory:, PostgreSQL)" junit "$work/pytest.xml" $?

# The same suite under valgrind (Python's allocator off, so that valgrind
# sees every allocation): each C object freed exactly once, none leaked.
valgrind_run() { # XML COMMAND...
  local xml="$1"
  shift
  PYTHONMALLOC=malloc valgrind --quiet --xml=yes --xml-file="$xml" --leak-check=full \
    --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect "$@"
}
pytest_valgrind() {
  valgrind_run "$work/vg-pytest.xml" "$vpython" -m pytest -p no:cacheprovider -q \
    --junitxml="$work/pytest-vg.xml" "$root/bindings/python/tests" &&
    "$python" "$here/results.py" junit "$work/pytest-vg.xml" &&
    "$python" "$here/valgrind_report.py" "$work/vg-pytest.xml"
}
check "python: pytest under valgrind (no invalid access, no leaked C object)" pytest_valgrind

# Negative tests of that memory check: a deliberate leak and a double free
# must each make valgrind_report.py reject the report.
memory_fault_caught() { # FAULT
  local xml="$work/vg-$1.xml"
  valgrind_run "$xml" "$vpython" "$here/memory_faults.py" "$1" || true
  ! "$python" "$here/valgrind_report.py" "$xml"
}
check "negative: the memory check catches a leaked message" memory_fault_caught leak
check "negative: the memory check catches a double free" memory_fault_caught double-free

suite_start=$SECONDS
(cd "$here" && "$python" -m pytest -p no:cacheprovider -q --junitxml="$work/results.xml" \
  test_results.py) >"$work/results.xml.log" 2>&1
suite "negative: the result counter fails skips, errors and empty runs" junit "$work/results.xml" $?

uuid='[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
# example_output FILE: what every quickstart prints (the C one's lines).
example_output() {
  local out="$1"
  cat "$out"
  [[ $(grep -cE "^created $uuid\$" "$out") -eq 3 ]] &&
    grep -qE '^account 42, page 1: 2 message\(s\)$' "$out" &&
    grep -qE '^account 42, page 2: 1 message\(s\)$' "$out" &&
    grep -qE '^search "COFFEE": 1 message\(s\)$' "$out" &&
    grep -qE '^  [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z \+15550100 -> \+15550199: Coffee at ten\?$' "$out" &&
    grep -qE ': \(no body\)$' "$out" &&
    [[ $(wc -l <"$out") -eq 10 ]]
}
python_example() {
  (cd "$work" && "$vpython" "$root/examples/python/quickstart.py") >"$work/example-py.out" &&
    example_output "$work/example-py.out"
}
check "python: examples/python/quickstart.py" python_example

# --- Go ---------------------------------------------------------------------

# Everything Go writes stays in the build dir; nothing is fetched.
export GOPATH="$build/bindings-go/path" GOCACHE="$build/bindings-go/cache"
export GOFLAGS=-mod=mod GOPROXY=off GOWORK=off CGO_ENABLED=1
check "go: gofmt" bash -c "out=\$(gofmt -l '$root/bindings/go' '$root/examples/go') && echo \"\$out\" && [[ -z \"\$out\" ]]"
check "go: go vet (binding, example)" bash -c "cd '$root/bindings/go' && go vet ./... && cd '$root/examples/go' && go vet ./..."
suite_start=$SECONDS
(cd "$root/bindings/go" && go test -race -count=1 -json ./... >"$work/gotest.json" 2>"$work/gotest.json.log")
status=$?
cat "$work/gotest.json" >>"$work/gotest.json.log"
suite "go: go test -race (sqlite::memory:, PostgreSQL)" gotest "$work/gotest.json" $status

go_example() {
  (cd "$root/examples/go" && go build -o "$work/quickstart-go" .) &&
    (cd "$work" && ./quickstart-go) >"$work/example-go.out" &&
    example_output "$work/example-go.out"
}
check "go: examples/go" go_example

finish
