#!/usr/bin/env bash
# The main job: build ffast and run the Node benchmark on the bundled C library — ffast hot
# and cold against a hand-written V8 fast-API addon and a hand-written N-API addon, side by
# side, on the newest Node line (pass --all-lines for 20/22/24/26).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/node-matrix.sh
bash ffast-node/build.sh
bash bench/node/run.sh "$@"
