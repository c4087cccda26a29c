#!/usr/bin/env bash
# Builds the msg-server image from this checkout with podman, the same way
# every time: the base comes from base-image.sh (never a registry), and the
# build arguments and all timestamps derive from the checked-out commit
# (SOURCE_DATE_EPOCH = its commit time), so two builds of one commit give
# the same image. The revision gets "-dirty" when the work tree differs from
# the commit.
#
# Usage: tests/container/build.sh [TAG [PODMAN-BUILD-OPTION...]]
#        (TAG defaults to localhost/msg-server:dev; e.g. --no-cache as option)
# Environment: MSG_SOURCE_URL  the repository URL for the source label.
# Prints the image id. The build log is kept in $TMPDIR only on failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tag=${1:-localhost/msg-server:dev}
shift || true

"$here/base-image.sh" >/dev/null

version=$(sed -n "s/^ *version: '\([^']*\)',$/\1/p" "$root/meson.build" | head -n 1)
revision=unknown
epoch=${SOURCE_DATE_EPOCH:-0}
if git -C "$root" rev-parse --verify -q HEAD >/dev/null; then
  revision=$(git -C "$root" rev-parse HEAD)
  epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct)}
  if [[ -n "$(git -C "$root" status --porcelain --untracked-files=normal)" ]]; then
    revision="$revision-dirty"
  fi
fi
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)

log=$(mktemp "${TMPDIR:-/tmp}/msg-image-build.XXXXXX")
# --isolation chroot: RUN steps need no OCI runtime (runc here cannot apply
# podman's default rlimits inside a sandbox). --layers=false: buildah 1.28
# reuses a cached layer even when a --build-arg value changed, which would
# leave the previous commit's labels on the image; without the cache every
# build is a clean one, and nothing piles up in the image store.
# --format docker: OCI image configs have no HEALTHCHECK.
# --identity-label=false: the builder's version is no part of the image.
if ! podman build --isolation chroot --network host --pull=never --format docker --layers=false \
  --identity-label=false --timestamp "$epoch" \
  --build-arg SOURCE_DATE_EPOCH="$epoch" \
  --build-arg VERSION="$version" \
  --build-arg REVISION="$revision" \
  --build-arg CREATED="$created" \
  --build-arg SOURCE_URL="${MSG_SOURCE_URL:-unknown}" \
  --file "$root/Dockerfile" --tag "$tag" "$@" "$root" >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  echo "build: podman build failed (full log: $log)" >&2
  exit 1
fi
rm -f "$log"

# The layers are already the same from build to build; normalize-image.py
# takes the builder's random ids out of the config, so the image id is too.
raw_id=$(podman image inspect --format '{{.Id}}' "$tag")
podman save --quiet --format docker-archive --output "$log.raw.tar" "$tag"
python3 "$here/normalize-image.py" "$log.raw.tar" "$log.tar" >/dev/null
podman load --quiet --input "$log.tar" >/dev/null
rm -f "$log.raw.tar" "$log.tar"
id=$(podman image inspect --format '{{.Id}}' "$tag")
if [[ "$id" != "$raw_id" ]]; then
  podman rmi "$raw_id" >/dev/null 2>&1 || true
fi
echo "$id"
