#!/usr/bin/env bash
# ffast vs every peer FFI, one run:  npm run bench:peers [-- --quick] [-- --rows=noop,i32_2 --peers=ffast,koffi --runs=3 --samples=5]
# (from bench/ or ffast-node/), or: bash bench/peers/run.sh [--quick] ...
# Installs what it needs (bench/peers/setup.sh: .cache/node, .cache/peers, target/bench), then runs
# bench/peers/run.mjs on Node 26 → bench/results/<host>.{json,md,svg} (--quick: <host>-quick.*).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/bench/peers/setup.sh"
exec "$ROOT/.cache/node/x64-26/bin/node" "$ROOT/bench/peers/run.mjs" "$@"
