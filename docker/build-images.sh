#!/usr/bin/env bash
# Builds one image per service target of docker/Dockerfile, without a Docker engine:
#   docker/build-images.sh                      every service target
#   docker/build-images.sh dicom-gateway        only the ones named
# Environment: IMAGE_REPOSITORY (default localhost/dicom-router), IMAGE_TAG (default the root
# package.json version), CONTEXT (default the repository root), BUILD_BASE / RUNTIME_BASE (default the
# local base images, built first by docker/base/build-base-images.sh when missing).
# Prints each image's build time and size.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONTEXT=${CONTEXT:-$ROOT}
DOCKERFILE=$ROOT/docker/Dockerfile
IMAGE_REPOSITORY=${IMAGE_REPOSITORY:-localhost/dicom-router}
IMAGE_TAG=${IMAGE_TAG:-$(node -p "require('$ROOT/package.json').version")}
BUILD_BASE=${BUILD_BASE:-localhost/dicom-router/node-build:20}
RUNTIME_BASE=${RUNTIME_BASE:-localhost/dicom-router/node-runtime:20}
# vfs and chroot isolation: no overlay mounts, no user namespaces, no Docker engine needed.
PODMAN=(podman --storage-driver vfs)

command -v podman >/dev/null || { echo "build-images: podman is required (apt-get install podman)" >&2; exit 1; }

# Every `FROM runtime AS <service>` stage is a service target.
mapfile -t ALL < <(sed -n 's/^FROM runtime AS \([a-z0-9-]*\).*/\1/p' "$DOCKERFILE")
SERVICES=("${@:-${ALL[@]}}")
for service in "${SERVICES[@]}"; do
  [[ " ${ALL[*]} " == *" $service "* ]] || { echo "build-images: no target '$service' in docker/Dockerfile (targets: ${ALL[*]})" >&2; exit 1; }
done

# missing_local_base IMAGE: a base image of ours (localhost/dicom-router/...) that is not built yet.
missing_local_base() { [[ $1 == localhost/dicom-router/* ]] && ! "${PODMAN[@]}" image exists "$1"; }
if missing_local_base "$BUILD_BASE" || missing_local_base "$RUNTIME_BASE"; then
  echo "== local base images missing: building them"
  BUILD_BASE_TAG=$BUILD_BASE RUNTIME_BASE_TAG=$RUNTIME_BASE "$ROOT/docker/base/build-base-images.sh"
fi

SECRET=()
# Builds behind a TLS-inspecting proxy need its CA to reach the npm registry; pass the bundle node uses.
if [[ -n ${NODE_EXTRA_CA_CERTS:-} && -s $NODE_EXTRA_CA_CERTS ]]; then
  SECRET=(--secret "id=ca-bundle,src=$NODE_EXTRA_CA_CERTS")
fi

for service in "${SERVICES[@]}"; do
  image=$IMAGE_REPOSITORY/$service:$IMAGE_TAG
  echo "== $image"
  started=$(date +%s)
  # --format docker keeps HEALTHCHECK (the OCI image format has no field for it). SERVICES is the same
  # for every target, so the build stage is built once and reused from the layer cache.
  "${PODMAN[@]}" build --isolation chroot --format docker --layers \
    -f "$DOCKERFILE" --ignorefile "$ROOT/docker/Dockerfile.dockerignore" \
    --build-arg "BUILD_BASE=$BUILD_BASE" --build-arg "RUNTIME_BASE=$RUNTIME_BASE" \
    --build-arg "SERVICES=${ALL[*]}" \
    "${SECRET[@]}" --target "$service" -t "$image" "$CONTEXT"
  size=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$image")
  printf '== %s: built in %d s, %d MB\n' "$image" $(($(date +%s) - started)) $((size / 1000000))
done
