# The msg-server image. Two stages: `build` installs Debian's build packages,
# builds libmsg and msg-server with meson, runs the unit tests and stages the
# runtime file system (tools/dockerfile/stage-rootfs.sh); the final image is
# FROM scratch and carries only that: the program, the shared libraries it
# loads, CA certificates, a passwd entry for the nonroot user 65532 and the
# volume directory. No shell, no package manager, no compiler.
#
# Build (see docs/container.md; tests/container/build.sh passes these
# arguments from the checked-out commit so that a rebuild is reproducible):
#   podman build --format docker --timestamp "$SOURCE_DATE_EPOCH" \
#     --build-arg SOURCE_DATE_EPOCH=... --build-arg VERSION=... \
#     --build-arg REVISION=... --build-arg CREATED=... -t msg-server .

FROM debian:bookworm-slim AS build

ARG SOURCE_DATE_EPOCH=0
ARG DEBIAN_FRONTEND=noninteractive
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# Package versions are not pinned: Debian's mirror keeps only the current
# version of each package, so a pin breaks the build at the next point
# release. The versions used are recorded in the image instead
# (/usr/share/doc/msg-server/*-packages.txt, and civetweb.txt for the
# civetweb source). civetweb is not installed as a package: msg-server is
# built from Debian's civetweb source package with our patch, exactly as
# outside the image (server/civetweb/); scripts/civetweb-source fetches it
# (a deb-src entry, apt-get source, dpkg-source -x).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential meson ninja-build pkg-config python3 check ca-certificates \
      libsqlite3-dev libpq-dev libcjson-dev libssl-dev libunistring-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY scripts/civetweb-source scripts/
RUN scripts/civetweb-source >/dev/null \
 && rm -rf /var/lib/apt/lists/*
COPY . .

# Fixed paths and SOURCE_DATE_EPOCH keep the binaries the same from one build
# of a commit to the next.
RUN meson setup /build /src --prefix=/usr --buildtype=release --werror \
      -Dpostgres=enabled -Dserver=enabled -Dtests=true \
      -Dcivetweb_source="$(scripts/civetweb-source)" \
 && ninja -C /build \
 && meson test -C /build --suite unit --print-errorlogs \
 && meson install -C /build --no-rebuild --strip --quiet \
 && ldconfig \
 && tools/dockerfile/stage-rootfs.sh /usr/bin/msg-server /rootfs \
 && echo "civetweb $(cat "$(scripts/civetweb-source)/.msg-civetweb-source") (Debian source package)" \
      "with server/civetweb/strict-http.patch, linked statically" \
      >/rootfs/usr/share/doc/msg-server/civetweb.txt \
 && install -D -m 0644 "$(scripts/civetweb-source)/debian/copyright" \
      /rootfs/usr/share/doc/civetweb/copyright

FROM scratch

ARG VERSION=0.0.0
ARG REVISION=unknown
ARG CREATED=1970-01-01T00:00:00Z
ARG SOURCE_URL=unknown

LABEL org.opencontainers.image.title="msg-server" \
      org.opencontainers.image.description="HTTP message store for accounts (libmsg): SQLite or PostgreSQL" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="scratch"

COPY --from=build /rootfs/ /

# The SQLite file (and its WAL) lives in the volume; SQLite's own temporary
# files go there too, so the root file system can stay read-only even where
# the engine mounts no tmpfs on /tmp. API keys are on by default: mount the
# keys file (a Kubernetes Secret) at MSG_API_KEYS_FILE; without one the
# server refuses to start rather than serve every account to anyone.
ENV MSG_LISTEN=0.0.0.0:8080 \
    MSG_AUTH=apikey \
    MSG_API_KEYS_FILE=/etc/msg-server/api-keys \
    MSG_DATABASE_URL=sqlite:/var/lib/msg/msg.db \
    SQLITE_TMPDIR=/var/lib/msg \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt

USER 65532:65532
WORKDIR /var/lib/msg
VOLUME ["/var/lib/msg"]
EXPOSE 8080
STOPSIGNAL SIGTERM

# msg-server probes GET /healthz on MSG_LISTEN itself: no shell, no curl.
# The server is up within a second, so three missed probes (90 s) are grace
# enough without a --start-period.
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["/usr/bin/msg-server", "--healthcheck"]

ENTRYPOINT ["/usr/bin/msg-server"]
