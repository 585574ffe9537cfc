#!/usr/bin/env bash
# `npm run bench`: benchmarks against real peers. Not part of `npm test`; numbers are machine-dependent.
# Extra arguments go to bench-echo.ts, e.g. `npm run bench -- --echoes 5000 --rounds 5`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# The gateway and DicomClient rows need build output; they show n/a until `npm run build` succeeded.
TS_NODE_PROJECT=tests/tsconfig.json TS_NODE_TRANSPILE_ONLY=true exec node -r ts-node/register tests/bench/bench-echo.ts "$@"
