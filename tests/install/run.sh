#!/usr/bin/env bash
# Install test: what a user of an installed libmsg sees. Builds the tree in
# SOURCE_DIR (default: this checkout) into a temporary directory, installs it
# under a temporary prefix, then, using only that prefix:
#   - builds examples/quickstart.c with `cc quickstart.c $(pkg-config ...)`,
#     runs it and checks what it prints;
#   - compiles a file that includes only <msg/msg.h>, and one that includes
#     only <msg/backend.h>, with strict C11 flags (a header must stand alone);
#   - checks that exactly the public headers are installed (msg/version.h
#     among them) and that msg/version.h, msg_version(), libmsg.pc and the
#     project version agree;
#   - checks that the shared library exports only public msg_ symbols.
# tests/install/subproject.sh covers embedding libmsg as a meson subproject.
# Usage: tests/install/run.sh [SOURCE_DIR [MESON_OPTION...]], e.g.
#   tests/install/run.sh . -Dpostgres=disabled
# Exits non-zero on any failure.
set -euo pipefail

src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
shift || true
cc=${CC:-cc}
work=$(mktemp -d "${TMPDIR:-/tmp}/msg-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

fail() {
  echo "install test: $*" >&2
  exit 1
}

# Runs a step quietly, showing its log only when it fails.
step() {
  local name="$1"
  shift
  if ! "$@" >"$work/$name.log" 2>&1; then
    tail -n 60 "$work/$name.log" >&2
    fail "$name failed"
  fi
}

# The server and the test programs are not part of what a library user
# builds against; leaving them out keeps this test about the library.
step setup meson setup "$work/build" "$src" --prefix="$prefix" --libdir=lib \
  --buildtype=release -Dtests=false -Dserver=disabled "$@"
step build ninja -C "$work/build"
step install meson install -C "$work/build" --no-rebuild

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
export LD_LIBRARY_PATH="$prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
pkg-config --exists libmsg || fail "pkg-config cannot find libmsg in $PKG_CONFIG_PATH"

headers=$(cd "$prefix/include" && find . -type f | sort | tr '\n' ' ')
[[ "$headers" == "./msg/backend.h ./msg/msg.h ./msg/version.h " ]] || fail "installed headers are: $headers"

# The quickstart, built exactly as the README tells users to build it.
cp "$src/examples/quickstart.c" "$work/quickstart.c"
# shellcheck disable=SC2046 # pkg-config's output is a list of words
(cd "$work" && "$cc" quickstart.c $(pkg-config --cflags --libs libmsg) -o quickstart) \
  || fail "the quickstart does not build against the installed library"
libs=$(ldd "$work/quickstart")
grep -qF "$prefix/lib/libmsg.so" <<<"$libs" || fail "the quickstart did not load the installed libmsg"
"$work/quickstart" >"$work/quickstart.out" 2>&1 || {
  cat "$work/quickstart.out" >&2
  fail "the quickstart failed"
}
expect() {
  grep -qE -- "$1" "$work/quickstart.out" || {
    cat "$work/quickstart.out" >&2
    fail "the quickstart did not print /$1/"
  }
}
uuid='[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
[[ $(grep -cE "^created $uuid\$" "$work/quickstart.out") -eq 3 ]] \
  || fail "the quickstart did not create 3 messages"
expect '^account 42, page 1: 2 message\(s\)$'
expect '^account 42, page 2: 1 message\(s\)$'
expect '^search "COFFEE": 1 message\(s\)$'
expect '^  [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z \+15550100 -> \+15550199: Coffee at ten\?$'
expect ': \(no body\)$'

# Each public header alone, under strict flags, as a user would include it.
strict=(-std=c11 -Wall -Wextra -Werror -pedantic)
cat >"$work/only_msg.c" <<'EOF'
#include <msg/msg.h>
#include <msg/msg.h>

int main(void) {
  msg_error err = {MSG_OK, "", ""};
  msg_filter filter = MSG_FILTER_INIT;
  msg_page_request req = MSG_PAGE_REQUEST_INIT;
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  (void)filter;
  (void)req;
  (void)opts;
  return msg_status_str(err.status)[0] == 'o' ? 0 : 1;
}
EOF
cat >"$work/only_backend.c" <<'EOF'
#include <msg/backend.h>

int main(void) {
  msg_backend_module module = MSG_BACKEND_MODULE_INIT;
  msg_error err;
  (void)module;
  return msg_error_set(&err, MSG_OK, NULL, "%s", "ok");
}
EOF
for name in only_msg only_backend; do
  # shellcheck disable=SC2046 # pkg-config's output is a list of words
  "$cc" "${strict[@]}" "$work/$name.c" $(pkg-config --cflags --libs libmsg) -o "$work/$name" \
    || fail "$name.c does not compile with ${strict[*]}"
  "$work/$name" || fail "$name did not run"
done

# One version number: the installed msg/version.h, the library's
# msg_version(), libmsg.pc and the project version in meson.build agree.
project_version=$(sed -n "s/^  version: '\([0-9.]*\)',\$/\1/p" "$src/meson.build")
cat >"$work/version.c" <<'EOF'
#include <msg/msg.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  if (MSG_VERSION_NUMBER != MSG_VERSION_ENCODE(MSG_VERSION_MAJOR, MSG_VERSION_MINOR, MSG_VERSION_PATCH))
    return 1;
  if (MSG_VERSION_ENCODE(0, 9, 9) >= MSG_VERSION_ENCODE(1, 0, 0))
    return 1;
  printf("%s %s %d.%d.%d\n", MSG_VERSION_STRING, msg_version(), MSG_VERSION_MAJOR, MSG_VERSION_MINOR,
         MSG_VERSION_PATCH);
  return strcmp(MSG_VERSION_STRING, msg_version()) != 0;
}
EOF
# shellcheck disable=SC2046 # pkg-config's output is a list of words
"$cc" "${strict[@]}" "$work/version.c" $(pkg-config --cflags --libs libmsg) -o "$work/version" \
  || fail "version.c does not compile"
versions=$("$work/version") || fail "msg/version.h and msg_version() disagree: $versions"
[[ "$versions" == "$project_version $project_version $project_version" ]] \
  || fail "versions are '$versions', the project's is '$project_version'"
[[ $(pkg-config --modversion libmsg) == "$project_version" ]] || fail "libmsg.pc has another version"

# Only the public API is exported: every defined dynamic symbol is a msg_
# name that the installed headers declare (so no internal msg__ helper).
symbols=$(nm -D --defined-only "$prefix/lib/libmsg.so" | awk '$2 != "A" {print $3}')
[[ -n "$symbols" ]] || fail "libmsg.so exports nothing"
while read -r symbol; do
  if [[ ! "$symbol" =~ ^msg_[a-z] ]] || ! grep -qw -- "$symbol" "$prefix"/include/msg/*.h; then
    fail "libmsg.so exports $symbol, which is not in the public headers"
  fi
done <<<"$symbols"

echo "install test: ok ($(wc -l <<<"$symbols") exported symbols)"
