#!/usr/bin/env bash
# The container test: proves the image the Dockerfile describes. It builds
# the image with podman (build.sh, which first makes the debian:bookworm-slim
# base with debootstrap when it is missing), checks what the image is (size,
# user, files, labels, healthcheck), then runs it read-only, the way
# production would, twice: once on SQLite in a named volume, once on the test
# PostgreSQL. Each run creates, lists and searches messages over HTTP, runs
# the image's HEALTHCHECK, checks the process is not root, and stops the
# container with its STOPSIGNAL, which must end in a clean exit 0.
#
# Usage: tests/container/run.sh
# Environment: MSG_TEST_PG_URI  the PostgreSQL to use; when unset a private
#                               cluster is started (scripts/pg-cluster).
# Needs root, podman, runc, debootstrap and python3. Prints one line per
# assertion and a summary; exits non-zero when any assertion fails. Whatever
# it created (containers, volumes, a cluster) is removed on exit.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
image=localhost/msg-server:test
size_limit=30000000 # bytes, uncompressed: the issue's "under 30 MB"
uid=65532
run_id="msg-ct-$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/msg-container.XXXXXX")

containers=()
volumes=()
pg_dir=""
cleanup() {
  local c v
  for c in "${containers[@]}"; do
    podman rm --force --volumes --time 0 "$c" >/dev/null 2>&1
  done
  for v in "${volumes[@]}"; do
    podman volume rm --force "$v" >/dev/null 2>&1
  done
  if [[ -n "$pg_dir" ]]; then
    "$root/scripts/pg-cluster" stop "$pg_dir/pg" >/dev/null 2>&1
    rm -rf "$pg_dir"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
# check NAME COMMAND...: one assertion; its output is shown only on failure.
check() {
  local name="$1"
  shift
  if "$@" >"$work/check.out" 2>&1; then
    passed=$((passed + 1))
    echo "ok   - $name"
    return 0
  fi
  failed=$((failed + 1))
  echo "FAIL - $name"
  tail -n 25 "$work/check.out" | sed 's/^/       /'
  return 1
}

summary() {
  echo "container test: $passed assertions passed, $failed failed"
  [[ $failed -eq 0 ]]
}

free_port() {
  local p=$((20000 + RANDOM % 20000))
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

# The flags every run uses: those of the issue, plus the container's name and
# its listen address (the host network is shared, so never the default 8080).
# --read-only-tmpfs=false: no tmpfs on /tmp, /var/tmp or /run either, as with
# `docker run --read-only`, so the volume really is the only writable place.
# A short drain delay keeps the stop quick; the drain itself still runs.
start_container() {
  local name="$1" port="$2"
  shift 2
  containers+=("$name")
  podman --runtime runc run --detach --name "$name" \
    --network host --read-only --read-only-tmpfs=false \
    --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
    --env MSG_LISTEN="127.0.0.1:$port" --env MSG_DRAIN_DELAY_MS=500 \
    --volume "$work/api-keys:/etc/msg-server/api-keys:ro" \
    "$@" "$image" >"$work/$name.id" 2>"$work/$name.start"
}

# start_healthy NAME PORT [podman run options...]
start_healthy() {
  local name="$1" port="$2"
  start_container "$@" || { cat "$work/$name.start"; return 1; }
  wait_healthy "$name" "http://127.0.0.1:$port"
}

wait_healthy() {
  local name="$1" base="$2" i
  for ((i = 0; i < 100; i++)); do
    if python3 "$here/api_check.py" status "$base" /healthz 200 2>/dev/null; then
      return 0
    fi
    if [[ $(podman inspect --format '{{.State.Running}}' "$name" 2>/dev/null) != true ]]; then
      echo "the container stopped:"
      podman logs "$name" 2>&1 | tail -n 20
      return 1
    fi
    sleep 0.2
  done
  echo "no 200 from $base/healthz within 20 s"
  podman logs "$name" 2>&1 | tail -n 20
  return 1
}

# Every id (real, effective, saved, file system) of the server process.
runs_as_nonroot() {
  local pid
  pid=$(podman inspect --format '{{.State.Pid}}' "$1") || return 1
  awk -v want="$uid" '/^(Uid|Gid):/ { for (i = 2; i <= 5; i++) if ($i != want) bad = 1; print }
    END { exit bad }' "/proc/$pid/status"
}

healthcheck_passes() {
  podman healthcheck run "$1" 2>&1 | grep -v 'systemd connection'
  [[ ${PIPESTATUS[0]} -eq 0 ]]
}

# podman stop sends the image's STOPSIGNAL and waits; a server that does not
# exit in time is killed, which shows as 137, not 0.
stops_cleanly() {
  local name="$1" code
  podman stop --time 30 "$name" >/dev/null || return 1
  code=$(podman inspect --format '{{.State.ExitCode}}' "$name") || return 1
  echo "exit code $code"
  podman logs "$name" 2>&1 | tail -n 5
  [[ "$code" == 0 ]]
}

owned_by_uid() {
  local owner
  owner=$(stat -c %u "$1") || return 1
  echo "$1 is owned by $owner"
  [[ "$owner" == "$uid" ]]
}

# create, list and search over HTTP; LABEL names the backend in the output.
api_round_trip() {
  local label="$1" base="$2" account="$3" sender="$4" word="$5" id
  if ! id=$(python3 "$here/api_check.py" create "$base" "$account" "$sender" \
    "container check $word on $label" 2>"$work/create.err"); then
    failed=$((failed + 1))
    echo "FAIL - $label: POST /v1/accounts/$account/messages answers 201"
    sed 's/^/       /' "$work/create.err"
    return 1
  fi
  passed=$((passed + 1))
  echo "ok   - $label: POST /v1/accounts/$account/messages answers 201"
  check "$label: GET /v1/accounts/$account/messages lists the message" \
    python3 "$here/api_check.py" list "$base" "$account" "$id"
  check "$label: GET /v1/messages?sender_number=...&q=... finds it" \
    python3 "$here/api_check.py" search "$base" "$sender" "$word" "$id"
  echo "$id" >"$work/last-id"
}

word=$(LC_ALL=C tr -dc '[:lower:]' </dev/urandom | head -c 10)
sender="+1555$(printf '%07d' $((RANDOM * 32768 + RANDOM)) | tail -c 8)"
account=$((RANDOM * 32768 + RANDOM + 1))

# --- the image -------------------------------------------------------------
echo "building $image (a first build on a machine runs debootstrap; minutes)"
if ! check "image builds with podman build --isolation chroot" "$here/build.sh" "$image"; then
  summary
  exit 1
fi

podman image inspect "$image" >"$work/inspect.json" 2>/dev/null
size=$(podman image inspect --format '{{.Size}}' "$image")
check "image is under 30 MB uncompressed ($((size / 1000)) kB)" test "$size" -lt "$size_limit"
check "image config: user 65532, 0.0.0.0:8080, EXPOSE 8080, SIGTERM, exec-form healthcheck, OCI labels" \
  python3 - "$work/inspect.json" <<'PY'
import json, sys
img = json.load(open(sys.argv[1]))[0]
cfg = img["Config"]
env = dict(e.split("=", 1) for e in cfg.get("Env", []))
problems = []
def want(cond, what):
    if not cond:
        problems.append(what)
want(cfg.get("User") == "65532:65532", "User is %r" % cfg.get("User"))
want(env.get("MSG_LISTEN") == "0.0.0.0:8080", "MSG_LISTEN is %r" % env.get("MSG_LISTEN"))
want("8080/tcp" in (cfg.get("ExposedPorts") or {}), "8080/tcp not exposed")
want(cfg.get("StopSignal") in ("SIGTERM", "15"), "StopSignal is %r" % cfg.get("StopSignal"))
test = (img.get("Healthcheck") or cfg.get("Healthcheck") or {}).get("Test") or []
want(test[:1] == ["CMD"], "healthcheck is %r (want exec form)" % test)
want(list(cfg.get("Volumes") or {}) == ["/var/lib/msg"], "volumes are %r" % cfg.get("Volumes"))
labels = cfg.get("Labels") or {}
for key in ("source", "version", "revision", "licenses", "created"):
    want(labels.get("org.opencontainers.image." + key), "label %s missing" % key)
if problems:
    print("\n".join(problems))
    sys.exit(1)
PY

containers+=("$run_id-files")
podman create --name "$run_id-files" "$image" >/dev/null 2>&1
podman export "$run_id-files" >"$work/rootfs.tar" 2>/dev/null
check "image has no setuid/setgid file, no shell, package manager or compiler; only the volume is 65532's" \
  python3 - "$work/rootfs.tar" <<'PY'
import sys, tarfile
problems = []
names = set()
with tarfile.open(sys.argv[1]) as t:
    for m in t.getmembers():
        name = "/" + m.name.lstrip("./")
        names.add(name)
        if m.mode & 0o6000:
            problems.append("setuid/setgid: %s %o" % (name, m.mode))
        if name.rstrip("/") == "/var/lib/msg":
            if m.uid != 65532 or not m.isdir():
                problems.append("/var/lib/msg is not a directory of 65532")
        elif m.uid != 0 or m.gid != 0:
            problems.append("not root's: %s (%d:%d)" % (name, m.uid, m.gid))
        elif m.mode & 0o002 and not (m.isdir() and m.mode & 0o1000) and not m.issym():
            problems.append("world-writable: %s" % name)
for tool in ("sh", "bash", "dash", "busybox", "apt", "apt-get", "dpkg", "cc", "gcc", "ld"):
    for d in ("/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/", "/usr/local/bin/"):
        if d + tool in names:
            problems.append("carries " + d + tool)
for needed in ("/usr/bin/msg-server", "/etc/passwd", "/etc/ssl/certs/ca-certificates.crt",
               "/usr/share/doc/msg-server/runtime-packages.txt"):
    if needed not in names:
        problems.append("lacks " + needed)
if problems:
    print("\n".join(problems))
    sys.exit(1)
PY
check "image records the Debian package versions it carries" \
  python3 - "$work/rootfs.tar" <<'PY'
import re, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    names = {m.name.lstrip("./"): m for m in t.getmembers()}
    text = t.extractfile(names["usr/share/doc/msg-server/runtime-packages.txt"]).read().decode()
print(text)
sys.exit(0 if re.search(r"^libpq5:\S+ \d", text, re.M) else 1)
PY
check "image records its civetweb (Debian source 1.15+dfsg with our patch, linked statically)" \
  python3 - "$work/rootfs.tar" <<'PY'
import re, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    names = {m.name.lstrip("./"): m for m in t.getmembers()}
    text = t.extractfile(names["usr/share/doc/msg-server/civetweb.txt"]).read().decode()
    print(text)
    shared = [n for n in names if "libcivetweb" in n]
    ok = (re.match(r"^civetweb 1\.15\+dfsg-\S+ \(Debian source package\) with "
                   r"server/civetweb/strict-http\.patch", text)
          and "usr/share/doc/civetweb/copyright" in names and not shared)
print("shared civetweb libraries:", shared)
sys.exit(0 if ok else 1)
PY

# --- API keys ----------------------------------------------------------------
# An operator key made by the image itself; the file is mounted read-only
# where MSG_API_KEYS_FILE points, as a Kubernetes Secret would be.
make_key() {
  podman --runtime runc run --rm --network none \
    --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$image" keygen --account '*' --label container-test \
    >"$work/keygen.out" || return 1
  MSG_TEST_TOKEN=$(sed -n 1p "$work/keygen.out")
  sed -n 2p "$work/keygen.out" >"$work/api-keys"
  chmod 644 "$work/api-keys"
  export MSG_TEST_TOKEN
  [[ "$MSG_TEST_TOKEN" == msg_* ]] && grep -q '^sha256:[0-9a-f]\{64\} \* container-test$' "$work/api-keys"
}
check "msg-server keygen runs in the image and prints a token and its keys-file line" make_key

# Without a keys file the image's defaults (apikey auth) refuse to start.
refuses_without_keys() {
  local code
  podman --runtime runc run --rm --network host --read-only \
    --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$image" >"$work/nokeys.out" 2>&1
  code=$?
  cat "$work/nokeys.out"
  [[ $code -eq 2 ]] && grep -q "api-keys" "$work/nokeys.out"
}
check "without a mounted keys file the server refuses to start (exit 2)" refuses_without_keys

# --- SQLite in a named volume ------------------------------------------------
volume="$run_id-data"
volumes+=("$volume")
podman volume create "$volume" >/dev/null
port=$(free_port)
base="http://127.0.0.1:$port"
name="$run_id-sqlite"
if check "sqlite: starts read-only as non-root with the volume and answers /healthz" \
  start_healthy "$name" "$port" --volume "$volume:/var/lib/msg"; then
  check "sqlite: the process runs as uid/gid $uid" runs_as_nonroot "$name"
  check "sqlite: the image HEALTHCHECK (msg-server --healthcheck) passes" healthcheck_passes "$name"
  check "sqlite: GET /readyz answers 200" python3 "$here/api_check.py" status "$base" /readyz 200
  check "sqlite: /v1 without a key answers 401" env MSG_TEST_TOKEN= \
    python3 "$here/api_check.py" status "$base" /v1/messages 401
  check "sqlite: a header line civetweb 1.15 would drop (obs-fold) is refused: the patched civetweb" \
    python3 "$here/api_check.py" framing "$base"
  api_round_trip sqlite "$base" "$account" "$sender" "$word"
  mountpoint=$(podman volume inspect --format '{{.Mountpoint}}' "$volume")
  check "sqlite: the database file is in the volume, owned by $uid" owned_by_uid "$mountpoint/msg.db"
  check "sqlite: SIGTERM (podman stop) ends in a clean exit 0" stops_cleanly "$name"

  name="$run_id-sqlite-again"
  if check "sqlite: a new container on the same volume starts" \
    start_healthy "$name" "$port" --volume "$volume:/var/lib/msg"; then
    if [[ -s "$work/last-id" ]]; then
      check "sqlite: the message survived the restart" \
        python3 "$here/api_check.py" list "$base" "$account" "$(cat "$work/last-id")"
    fi
    check "sqlite: second container stops cleanly too" stops_cleanly "$name"
  fi
fi
rm -f "$work/last-id"

# --- PostgreSQL ----------------------------------------------------------------
pg_uri=${MSG_TEST_PG_URI:-}
if [[ -z "$pg_uri" ]]; then
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/msg-container-pg.XXXXXX")
  chmod 755 "$pg_dir"
  if ! pg_uri=$("$root/scripts/pg-cluster" start "$pg_dir/pg"); then
    pg_uri=""
  fi
fi
if check "postgresql: a test database is available" test -n "$pg_uri"; then
  port=$(free_port)
  base="http://127.0.0.1:$port"
  name="$run_id-pg"
  if check "postgresql: starts read-only as non-root and answers /healthz" \
    start_healthy "$name" "$port" --env MSG_DATABASE_URL="$pg_uri"; then
    check "postgresql: the process runs as uid/gid $uid" runs_as_nonroot "$name"
    check "postgresql: GET /readyz answers 200 (the database answers)" \
      python3 "$here/api_check.py" status "$base" /readyz 200
    api_round_trip postgresql "$base" "$account" "$sender" "$word"
    check "postgresql: SIGTERM (podman stop) ends in a clean exit 0" stops_cleanly "$name"
  fi

  # libpq resolves host names through glibc's NSS ("files dns"), which a
  # scratch image has only if nsswitch.conf and the hosts file are right.
  if [[ "$pg_uri" == *@127.0.0.1:* ]]; then
    port=$(free_port)
    base="http://127.0.0.1:$port"
    name="$run_id-pg-name"
    if check "postgresql: starts with the database given by host name (localhost)" \
      start_healthy "$name" "$port" --env MSG_DATABASE_URL="${pg_uri/@127.0.0.1:/@localhost:}"; then
      check "postgresql: by host name, GET /readyz answers 200" \
        python3 "$here/api_check.py" status "$base" /readyz 200
    fi
  fi
fi

summary
