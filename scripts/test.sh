#!/usr/bin/env bash
# All the tests: Rust (unit, encoder oracle, trampolines against a C fixture), lints, then the
# Node suite on every Node line of the matrix (20 = the machine's node; 22/24/26 from npm),
# all loading the same addon build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/node-matrix.sh
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test"
cargo test --workspace
echo "== addon"
bash ffast-node/build.sh
echo "== node tests (Node 20, 22, 24, 26)"
bash ffast-node/test/run-matrix.sh
