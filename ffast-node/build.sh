#!/usr/bin/env bash
# Build the native addon and place it where index.js looks for it.
#   bash ffast-node/build.sh            release build for this machine
#   PROFILE=debug bash ffast-node/build.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
profile=${PROFILE:-release}
cd "$root"
if [ "$profile" = release ]; then cargo build --release -p ffast-node; else cargo build -p ffast-node; fi
# Copied beside, then renamed into place: a process that has the old addon mapped keeps its
# file (overwriting it in place gives such a process SIGBUS).
cp -f "$root/target/$profile/libffast_node.so" "$here/.ffast.node.$$"
mv -f "$here/.ffast.node.$$" "$here/ffast.node"
echo "ffast: built $here/ffast.node ($profile)"
