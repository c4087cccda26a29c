#!/bin/sh
# Copies civetweb.c and civetweb.h from Debian's unpacked source and applies
# our patches to the copies, leaving the cached source untouched.
#   apply-patches.sh OUTDIR CIVETWEB_C CIVETWEB_H PATCH...
# Writes OUTDIR/civetweb.c and OUTDIR/civetweb.h; fails when a patch does
# not apply exactly (a new Debian revision that changed the same lines).
set -eu
out=$1 c_file=$2 h_file=$3
shift 3
work=$(mktemp -d "$out/.civetweb-patch.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/include"
cp "$c_file" "$work/src/civetweb.c"
cp "$h_file" "$work/include/civetweb.h"
for p in "$@"; do
  if ! patch --quiet --force --strip=1 --directory="$work" --no-backup-if-mismatch \
      --reject-file=- --fuzz=0 <"$p"; then
    echo "civetweb: $p does not apply to $c_file" >&2
    exit 1
  fi
done
mv "$work/src/civetweb.c" "$out/civetweb.c"
mv "$work/include/civetweb.h" "$out/civetweb.h"
