#!/usr/bin/env bash
# Makes sure podman has a local debian:bookworm-slim, the base the Dockerfile
# names. No container registry is reachable here, only Debian's mirror, so
# when the image is missing it is made with debootstrap (minbase) and
# imported; the root file system is kept as a tarball in a cache directory
# outside the repository, so later runs, and a machine whose image store was
# wiped, only re-import it. The result is configured like Debian's own slim
# image (deb822 sources with updates and security, no docs but copyright
# files, no apt lists) so that `apt-get update && apt-get install` in the
# Dockerfile's build stage behaves as it would against the registry image.
#
# Usage: tests/container/base-image.sh
# Environment: MSG_CONTAINER_CACHE (default /var/cache/msg-container),
#              MSG_DEBIAN_MIRROR (default http://deb.debian.org/debian).
# Needs root, podman and debootstrap. Prints the image name on success.
set -euo pipefail

image=debian:bookworm-slim
cache=${MSG_CONTAINER_CACHE:-/var/cache/msg-container}
mirror=${MSG_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${mirror%/debian}/debian-security
arch=$(dpkg --print-architecture)
tarball="$cache/debian-bookworm-minbase-$arch.tar"

fail() {
  echo "base-image: $*" >&2
  exit 1
}

if podman image exists "$image"; then
  echo "$image"
  exit 0
fi

# Writes the files Debian's slim image carries on top of a minbase system.
slim_config() {
  local root="$1"
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/en*
EOF
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  # What the dpkg excludes above would have kept out had they been in place
  # during debootstrap.
  find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "${root:?}"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/lintian/*
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'en*' ! -name locale.alias \
    -exec rm -rf {} +
  # The container engine provides these per container; stale copies from the
  # host that ran debootstrap must not end up in the image.
  rm -rf "${root:?}"/dev/* "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin \
    "$root"/var/log/*.log "$root"/tmp/* "$root"/etc/hostname
  : >"$root/etc/resolv.conf"
  : >"$root/etc/machine-id"
}

if [[ ! -s "$tarball" ]]; then
  [[ $(id -u) -eq 0 ]] || fail "debootstrap needs root"
  command -v debootstrap >/dev/null || fail "debootstrap is not installed"
  mkdir -p "$cache"
  rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
  trap 'rm -rf "$rootfs" "$tarball.partial"' EXIT
  echo "base-image: debootstrap bookworm from $mirror (one time; cached in $cache)" >&2
  if ! debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1; then
    tail -n 30 "$cache/debootstrap.log" >&2
    fail "debootstrap failed (log: $cache/debootstrap.log)"
  fi
  slim_config "$rootfs"
  tar --numeric-owner --sort=name --xattrs -C "$rootfs" -cf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
fi

podman import --quiet --change 'CMD ["bash"]' "$tarball" "$image" >/dev/null \
  || fail "podman import of $tarball failed"
echo "$image"
