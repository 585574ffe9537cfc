#!/bin/sh
# assemble-runtime.sh OUT SERVICE...
# Run inside the build stage, in a workspace that is compiled and pruned to production dependencies.
# Lays out OUT/common (package.json, node_modules, each built library) and OUT/services/<name>
# (each service's package.json and dist), keeping the workspace layout that node_modules links expect.
set -eu
out=$1
shift
common=$out/common
mkdir -p "$common/libs" "$common/docker"
cp package.json "$common/"
cp -a node_modules "$common/"
# Small entry points beside the services: container health check, helm test C-ECHO, migration Job.
cp docker/healthcheck.js docker/dicom-echo.js docker/migrate.js "$common/docker/"
for lib in libs/*/; do
  lib=${lib%/}
  # A library that no built service references has no dist: it stays out of the image.
  [ -d "$lib/dist" ] || continue
  mkdir -p "$common/$lib"
  cp "$lib/package.json" "$common/$lib/"
  cp -a "$lib/dist" "$common/$lib/"
  # Files read at run time from beside dist/ (the demo production of libs/config).
  if [ -d "$lib/productions" ]; then cp -a "$lib/productions" "$common/$lib/"; fi
done
for service in "$@"; do
  [ -f "services/$service/dist/main.js" ] || { echo "assemble-runtime: services/$service/dist/main.js was not built" >&2; exit 1; }
  mkdir -p "$out/services/$service"
  cp "services/$service/package.json" "$out/services/$service/"
  cp -a "services/$service/dist" "$out/services/$service/"
done
# Type declarations and build state are for compilers, not for the runtime.
find "$out" \( -name '*.d.ts' -o -name '*.d.ts.map' -o -name '*.tsbuildinfo' \) -type f -delete
# Workspace links to packages outside the image (services, libraries not built) would dangle.
find "$common/node_modules/@dicom-router" -xtype l -delete
