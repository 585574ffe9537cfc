#!/usr/bin/env bash
# Builds the two local base images the Dockerfile starts from, for machines that cannot pull
# node:20-bookworm-slim from a registry:
#   localhost/dicom-router/node-build:20    Debian bookworm (minbase) + Node.js + npm   (build stages)
#   localhost/dicom-router/node-runtime:20  Debian bookworm (minbase) + Node.js only    (runtime stages)
# Debian comes from debootstrap (packages from the Debian mirror); Node.js and npm are copied from
# this machine's installation (NODE_BIN, NPM_DIR), so the images run exactly the Node.js the tests ran.
# Where a registry is reachable, skip this script and pass BUILD_BASE/RUNTIME_BASE=node:20-bookworm-slim
# to docker/build-images.sh instead.
set -euo pipefail

: "${BUILD_BASE_TAG:=localhost/dicom-router/node-build:20}"
: "${RUNTIME_BASE_TAG:=localhost/dicom-router/node-runtime:20}"
: "${DEBIAN_SUITE:=bookworm}"
: "${DEBIAN_MIRROR:=http://deb.debian.org/debian}"
: "${NODE_BIN:=$(readlink -f "$(command -v node)")}"
: "${NPM_DIR:=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")}"
PODMAN=(podman --storage-driver vfs)

for tool in debootstrap podman tar; do
  command -v "$tool" >/dev/null || { echo "build-base-images: $tool is required (apt-get install debootstrap podman)" >&2; exit 1; }
done
[[ -x $NODE_BIN ]] || { echo "build-base-images: no node binary at $NODE_BIN" >&2; exit 1; }
[[ -f $NPM_DIR/bin/npm-cli.js ]] || { echo "build-base-images: no npm under $NPM_DIR" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dicom-router-base.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ROOTFS=$WORK/rootfs

echo "debootstrap $DEBIAN_SUITE (minbase) from $DEBIAN_MIRROR"
debootstrap --variant=minbase --include=ca-certificates "$DEBIAN_SUITE" "$ROOTFS" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
  { tail -n 30 "$WORK/debootstrap.log" >&2; exit 1; }

# What an image never needs at run time: package caches and lists, documentation, locales.
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/log/* \
  "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* "$ROOTFS"/usr/share/locale/*

install -D -m 0755 "$NODE_BIN" "$ROOTFS/usr/local/bin/node"
"$ROOTFS/usr/local/bin/node" --version >/dev/null

# import NAME ROOTFS: one layer, with the environment a node image is expected to have.
import_rootfs() {
  local tag=$1 dir=$2
  tar --numeric-owner -C "$dir" -cf "$WORK/rootfs.tar" .
  "${PODMAN[@]}" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["node"]' \
    "$WORK/rootfs.tar" "$tag" >/dev/null
  rm -f "$WORK/rootfs.tar"
  echo "$tag: $("${PODMAN[@]}" image inspect --format '{{.Size}}' "$tag") bytes"
}

import_rootfs "$RUNTIME_BASE_TAG" "$ROOTFS"

mkdir -p "$ROOTFS/usr/local/lib/node_modules"
cp -a "$NPM_DIR" "$ROOTFS/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
import_rootfs "$BUILD_BASE_TAG" "$ROOTFS"
