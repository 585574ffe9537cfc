#!/usr/bin/env bash
# `npm run bench` (C-ECHO) and `npm run bench:store` (C-STORE): benchmarks against real peers.
# Not part of `npm test`; numbers are machine-dependent. Other arguments go to the script,
# e.g. `npm run bench -- --echoes 5000 --rounds 5`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SCRIPT=bench-echo.ts
if [[ ${1:-} == --script ]]; then SCRIPT=$2; shift 2; fi
# "Ours" runs from build output (node_modules/@dicom-router/* -> libs/*/dist), as it ships.
if [[ ! -f services/dicom-gateway/dist/main.js ]]; then
  echo "build output is missing: run \`npm run build\` first" >&2
  exit 1
fi
TS_NODE_PROJECT=tests/tsconfig.json TS_NODE_TRANSPILE_ONLY=true exec node -r ts-node/register "tests/bench/$SCRIPT" "$@"
