#!/usr/bin/env bash
# `npm run bench`: benchmarks against real peers. Not part of `npm test`; numbers are machine-dependent.
# Extra arguments go to bench-echo.ts, e.g. `npm run bench -- --echoes 5000 --rounds 5`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# "Ours" runs from build output (node_modules/@dicom-router/* -> libs/*/dist), as it ships.
if [[ ! -f libs/dicom-network/dist/index.js ]]; then
  echo "libs/dicom-network/dist is missing: run \`npm run build\` first" >&2
  exit 1
fi
TS_NODE_PROJECT=tests/tsconfig.json TS_NODE_TRANSPILE_ONLY=true exec node -r ts-node/register tests/bench/bench-echo.ts "$@"
