#!/usr/bin/env bash
# The ABI check: the built libmsg.so against the committed baseline
# libmsg/abi/libmsg.abi, with libabigail (Debian: abigail-tools).
#
# The rule: a release may add functions, nothing else. abidiff runs with
# --no-added-syms, so an added function is allowed and any other reported
# change fails: a function or variable removed or changed, a public type that
# changed (a member removed, added or moved, a size that changed: pages hand
# out arrays of msg_message, so its size is part of the ABI), the soname.
# When a change is meant, regenerate the baseline (libmsg/abi/README.md) and,
# when it breaks programs built against the old one, bump the soname.
#
# Checks (one line each): the gate on the real library, then the gate's own
# tests: a throwaway library in three versions (a member removed, a function
# removed: caught; a function added: allowed), the real library's dump with a
# member of msg_message removed, and two copies of libmsg's tree built with a
# real break (a member inserted into msg_message; msg_version() hidden).
#
# Environment: MSG_BUILD_DIR, a built meson build of this tree with
# default_library shared or both; unset: builds build-abi here.
# Ends with "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
baseline="$src/libmsg/abi/libmsg.abi"
work=$(mktemp -d "${TMPDIR:-/tmp}/msg-abi.XXXXXX")
trap 'rm -rf "$work"' EXIT
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

# The gate: 0 when NEW keeps OLD's ABI (additions allowed), else 1 with
# abidiff's report in $work/$3.report. abidiff's exit status is a bit set:
# 1 error, 2 usage, 4 a change, 8 an incompatible change; every bit fails.
abi_gate() {
  local old="$1" new="$2" name="$3" status
  abidiff --no-added-syms "$old" "$new" >"$work/$name.report" 2>&1
  status=$?
  echo "abidiff exit status $status" >>"$work/$name.report"
  return $((status != 0))
}

# Prints the report of a gate that failed when it should not have.
show() {
  sed 's/^/    /' "$work/$1.report"
}

for tool in abidw abidiff cc; do
  command -v "$tool" >/dev/null || {
    failure "tool $tool is installed (abigail-tools, gcc)"
    finish
  }
done

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

# 1. The real library against the baseline.
# Without debug information abidw sees only symbols, and every type change
# would pass unseen: a dump without msg_message is refused.
if ! "$src/libmsg/abi/dump" "$build" >"$work/current.abi" 2>"$work/dump.err"; then
  cat "$work/dump.err"
  failure "abidw dumps $build/libmsg/libmsg.so"
  finish
elif ! grep -q "<class-decl name='msg_message'" "$work/current.abi"; then
  failure "abidw dumps $build/libmsg/libmsg.so with its types (no debug information: build with -g)"
  finish
else
  pass "abidw dumps $build/libmsg/libmsg.so with its types"
fi
if abi_gate "$baseline" "$work/current.abi" real; then
  pass "libmsg.so keeps the ABI of libmsg/abi/libmsg.abi"
  added=$(abidiff "$baseline" "$work/current.abi" | grep -c "^  \[A\]")
  [[ $added -gt 0 ]] && echo "     note: $added function(s) added; record them: libmsg/abi/README.md"
else
  failure "libmsg.so keeps the ABI of libmsg/abi/libmsg.abi"
  show real
fi

# 2. The gate's own tests, on a throwaway library "point" in three versions.
mkdir -p "$work/pair"
make_point() {
  local version="$1" struct="$2" extra="$3" dir="$work/pair/v$1"
  mkdir -p "$dir/include"
  cat >"$dir/include/point.h" <<C
struct point { $struct };
int point_sum(const struct point *p);
$extra
C
  cat >"$dir/point.c" <<C
#include "point.h"
int point_sum(const struct point *p) { return p->x + p->y; }
C
  [[ -n "$extra" ]] && echo 'int point_max(const struct point *p) { return p->x > p->y ? p->x : p->y; }' >>"$dir/point.c"
  cc -g -O0 -shared -fPIC -I"$dir/include" -Wl,-soname,libpoint.so.1 -o "$dir/libpoint.so" "$dir/point.c" &&
    abidw --headers-dir "$dir/include" --drop-private-types --no-corpus-path --no-comp-dir-path \
      --no-show-locs --out-file "$work/pair/v$version.abi" "$dir/libpoint.so"
}
if make_point 1 'int x; int y; int z;' '' && make_point 2 'int x; int y;' '' &&
  make_point 3 'int x; int y; int z;' 'int point_max(const struct point *p);'; then
  if abi_gate "$work/pair/v1.abi" "$work/pair/v2.abi" member-removed; then
    failure "negative: a struct member removed is caught"
  elif grep -q "data member deletion" "$work/member-removed.report"; then
    pass "negative: a struct member removed is caught"
  else
    failure "negative: a struct member removed is caught (for another reason)"
    show member-removed
  fi
  if abi_gate "$work/pair/v3.abi" "$work/pair/v1.abi" function-removed; then
    failure "negative: a function removed is caught"
  elif grep -q "1 Removed function" "$work/function-removed.report"; then
    pass "negative: a function removed is caught"
  else
    failure "negative: a function removed is caught (for another reason)"
    show function-removed
  fi
  if abi_gate "$work/pair/v1.abi" "$work/pair/v3.abi" function-added; then
    pass "a function added is allowed"
  else
    failure "a function added is allowed"
    show function-added
  fi
else
  failure "build the throwaway libpoint versions"
fi

# 3. The real library's dump with the last member of msg_message removed, as
# a build of msg.h without it would give.
if python3 - "$work/current.abi" "$work/broken.abi" <<'PY'; then
import sys
import xml.etree.ElementTree as ET
tree = ET.parse(sys.argv[1])
for decl in tree.iter("class-decl"):
    members = decl.findall("data-member")
    if decl.get("name") == "msg_message" and members:
        decl.remove(members[-1])
        decl.set("size-in-bits", members[-1].get("layout-offset-in-bits"))
        break
else:
    sys.exit("no msg_message with members in the dump")
tree.write(sys.argv[2])
PY
  if abi_gate "$work/current.abi" "$work/broken.abi" real-broken; then
    failure "negative: a member removed from msg_message is caught"
  elif grep -q "data member deletion" "$work/real-broken.report"; then
    pass "negative: a member removed from msg_message is caught"
  else
    failure "negative: a member removed from msg_message is caught (for another reason)"
    show real-broken
  fi
else
  failure "negative: a member removed from msg_message is caught (no dump to edit)"
fi

# 4. Real incompatible changes, built: a copy of the library's tree with a
# member inserted into msg_message (every later member moves), and one where
# msg_version() is no longer exported. Each must fail the gate against the
# baseline; the copies build in seconds (library only, with -g).
broken_build() {
  local name="$1" copy="$work/tree-$1"
  shift
  mkdir -p "$copy"
  cp -r "$src/meson.build" "$src/meson_options.txt" "$src/libmsg" "$src/examples" "$copy/"
  "$@" "$copy" &&
    meson setup "$work/build-$name" "$copy" -Dbuildtype=debugoptimized -Dtests=false \
      -Dserver=disabled -Dbench=disabled >"$work/build-$name.log" 2>&1 &&
    ninja -C "$work/build-$name" >>"$work/build-$name.log" 2>&1 &&
    "$src/libmsg/abi/dump" "$work/build-$name" >"$work/$name.abi"
}
# shellcheck disable=SC2317  # called by name from the table below
insert_member() {
  sed -i 's|^  int64_t account_id;          /\* 1 .. MSG_ACCOUNT_ID_MAX \*/$|  int inserted;\n&|' \
    "$1/libmsg/include/msg/msg.h" && grep -q '^  int inserted;$' "$1/libmsg/include/msg/msg.h"
}
# shellcheck disable=SC2317  # called by name from the table below
hide_function() {
  sed -i 's|^MSG_EXTERN const char \*msg_version(void)|const char *msg_version(void)|' \
    "$1/libmsg/src/version.c" "$1/libmsg/include/msg/msg.h" &&
    ! grep -q 'MSG_EXTERN const char \*msg_version' "$1/libmsg/src/version.c" "$1/libmsg/include/msg/msg.h"
}
while read -r name edit expect what; do
  if ! broken_build "$name" "$edit"; then
    tail -n 20 "$work/build-$name.log" 2>/dev/null
    failure "negative: $what is caught (the broken copy did not build)"
  elif abi_gate "$baseline" "$work/$name.abi" "$name"; then
    failure "negative: $what is caught"
  elif grep -q "$expect" "$work/$name.report"; then
    pass "negative: $what is caught"
  else
    failure "negative: $what is caught (for another reason)"
    show "$name"
  fi
done <<'CASES'
member-inserted insert_member data.member.insertion a member inserted into msg_message (built)
version-hidden hide_function Removed.function msg_version() no longer exported (built)
CASES

finish
