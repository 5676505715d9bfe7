#!/usr/bin/env bash
# All the tests: Rust (unit, encoder oracles, trampolines against a C fixture), lints, the Node
# suite on every Node line of the matrix (20 = the machine's node; 22/24/26 from npm) all
# loading the same addon build; then linux-arm64 under qemu (scripts/arm64.sh) and a type-checked
# macOS arm64 build. FFAST_SKIP_ARM64=1 skips the two arm64 steps (quick local runs).
# Ends with the wall time of each step.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# Node lines run side by side, as many as there are cores (run-matrix.sh FFAST_TEST_JOBS): each
# line's runner uses about one core, so on 2 cores the x64 and the qemu lines take about half as long.
export FFAST_TEST_JOBS="${FFAST_TEST_JOBS:-$(nproc)}"
times=()
step() { # step <title> <command…>: run it under a heading and remember how long it took
  local title=$1 t=$SECONDS
  shift
  echo "== $title"
  "$@"
  times+=("$(printf '%6d s  %s' $((SECONDS - t)) "$title")")
}
step "Node lines 22/24/26 (x64, npm)" bash scripts/node-matrix.sh
step "cargo fmt --check" cargo fmt --all -- --check
step "ffast-node module layers (no import cycle, scripts/layers.js)" node scripts/layers.js
step "JS layers (no require() cycle in ffast-node/lib)" node scripts/js-layers.js
step "cargo clippy" cargo clippy --workspace --all-targets -- -D warnings
step "cargo test" cargo test --workspace
step "addon" bash ffast-node/build.sh
step "TypeScript declarations (tsc --noEmit on test/types, into npm's cache)" \
  npx --yes -p typescript@5 tsc -p ffast-node/test/types
step "node tests (Node 20, 22, 24, 26)" bash ffast-node/test/run-matrix.sh
if [ "${FFAST_SKIP_ARM64:-0}" != 1 ]; then
  darwin() {
    rustup target list --installed | grep -q aarch64-apple-darwin || rustup target add aarch64-apple-darwin
    cargo check --target aarch64-apple-darwin --workspace
  }
  step "macOS arm64: cargo check (the build cannot rot; no macOS runner here)" darwin
  step "linux arm64 under qemu (scripts/arm64.sh)" bash scripts/arm64.sh
fi
echo "== time per step"
printf '%s\n' "${times[@]}"
