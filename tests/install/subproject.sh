#!/usr/bin/env bash
# Subproject test: what a meson project that embeds libmsg sees. Makes a
# throwaway parent project in a temporary directory with this tree as
# subprojects/libmsg (a symlink), and checks that
#   - the parent builds a program against dependency('libmsg') (found through
#     libmsg's meson.override_dependency) and the program runs;
#   - only the library is built: no msg-server, tests, bench or examples,
#     and civetweb's source is not needed (its option points nowhere);
#   - the parent's default_library holds: with static the program carries
#     libmsg inside, with shared it loads the subproject's libmsg.so.
# Usage: tests/install/subproject.sh [SOURCE_DIR]. Exits non-zero on failure.
set -euo pipefail

src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/msg-subproject.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() {
  echo "subproject test: $*" >&2
  exit 1
}

step() {
  local name="$1"
  shift
  if ! "$@" >"$work/$name.log" 2>&1; then
    tail -n 60 "$work/$name.log" >&2
    fail "$name failed"
  fi
}

parent="$work/parent"
mkdir -p "$parent/subprojects"
ln -s "$src" "$parent/subprojects/libmsg"
cat >"$parent/meson.build" <<'MESON'
project('embeds-libmsg', 'c', default_options: ['c_std=c11', 'warning_level=2', 'werror=true'])
libmsg_sub = subproject('libmsg')
libmsg_dep = dependency('libmsg')
executable('embedder', 'embedder.c', dependencies: libmsg_dep)
MESON
cat >"$parent/embedder.c" <<'C'
#include <msg/msg.h>
#include <stdio.h>
#include <string.h>

/* Creates a message and reads it back: the embedded library works. */
int main(void) {
  msg_store *store;
  msg_error err;
  if (msg_store_open(&store, "sqlite::memory:", NULL, &err) != MSG_OK) {
    fprintf(stderr, "open: %s\n", err.message);
    return 1;
  }
  msg_new_message in = {.account_id = 7, .sender_number = "+15550100",
                        .receiver_number = "+15550199", .body = "embedded"};
  msg_message *created = NULL, *got = NULL;
  int rc = msg_message_create(&created, NULL, store, &in, &err);
  if (rc == MSG_OK)
    rc = msg_message_get(&got, store, created->message_id, &err);
  if (rc == MSG_OK && strcmp(got->body, "embedded") == 0)
    printf("libmsg %s (header %s): read back %s\n", msg_version(), MSG_VERSION_STRING,
           got->message_id);
  else
    fprintf(stderr, "create/get: %s\n", err.message);
  msg_message_free(got);
  msg_message_free(created);
  msg_store_close(store);
  return rc == MSG_OK ? 0 : 1;
}
C

version=$(sed -n "s/^  version: '\([0-9.]*\)',\$/\1/p" "$src/meson.build")
[[ -n "$version" ]] || fail "no version in $src/meson.build"

for kind in static shared; do
  build="$work/build-$kind"
  step "setup-$kind" meson setup "$build" "$parent" -Ddefault_library="$kind" \
    -Dlibmsg:civetweb_source=/nonexistent
  step "build-$kind" ninja -C "$build"
  "$build/embedder" >"$work/run-$kind.out" 2>&1 || {
    cat "$work/run-$kind.out" >&2
    fail "$kind: the embedder failed"
  }
  grep -qE "^libmsg $version \(header $version\): read back [0-9a-f-]{36}\$" "$work/run-$kind.out" \
    || fail "$kind: the embedder printed: $(cat "$work/run-$kind.out")"

  # What the parent's build holds of libmsg: the library and nothing else.
  targets=$(meson introspect --targets "$build" | python3 -c '
import json, sys
print("\n".join(sorted(t["name"] for t in json.load(sys.stdin))))')
  for unwanted in msg-server msg-bench quickstart unit-store conformance civetweb; do
    if grep -q -- "$unwanted" <<<"$targets"; then
      fail "$kind: the subproject built $unwanted: $(tr '\n' ' ' <<<"$targets")"
    fi
  done
  tests=$(meson introspect --tests "$build" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
  [[ "$tests" == 0 ]] || fail "$kind: the subproject registered $tests tests"

  loaded=$(ldd "$build/embedder")
  if [[ $kind == static ]]; then
    ! grep -q 'libmsg\.so' <<<"$loaded" || fail "static: the embedder loads a libmsg.so"
    [[ ! -e "$build/subprojects/libmsg/libmsg/libmsg.so" ]] \
      || fail "static: a libmsg.so was built although default_library=static"
  else
    grep -qF "$build/subprojects/libmsg/libmsg/libmsg.so" <<<"$loaded" \
      || fail "shared: the embedder does not load the subproject's libmsg.so"
  fi
  echo "subproject test: default_library=$kind ok"
done
echo "subproject test: ok"
