#!/usr/bin/env bash
# Build the benchmark's native parts:
#   target/bench/libbenchlib.so        (bench/native/benchlib.c)
#   target/bench/napi.node             (bench/baselines/napi.c, one build for all lines, NAPI_VERSION=8)
#   target/bench/fastapi-node<M>.node  (bench/baselines/fastapi.cc, one build per Node line)
# Usage: bench/build.sh [node-binary...]   (default: every available Node line: system node + .cache/node/x64-*)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/target/bench"
mkdir -p "$OUT"

default_nodes() {
  command -v node >/dev/null && readlink -f "$(command -v node)"
  for m in 22 24 26; do
    [ -x "$ROOT/.cache/node/x64-$m/bin/node" ] && echo "$ROOT/.cache/node/x64-$m/bin/node"
  done
  return 0
}
if [ $# -gt 0 ]; then NODES=("$@"); else mapfile -t NODES < <(default_nodes); fi

newer() { # newer OUT SRC... : true if OUT is missing or older than any SRC
  local out=$1; shift
  [ -e "$out" ] || return 0
  for s in "$@"; do [ "$s" -nt "$out" ] && return 0; done
  return 1
}

if newer "$OUT/libbenchlib.so" "$ROOT/bench/native/benchlib.c" "$ROOT/bench/native/benchlib.h"; then
  echo "build: libbenchlib.so"
  gcc -O2 -fPIC -shared -o "$OUT/libbenchlib.so" "$ROOT/bench/native/benchlib.c"
fi

# N-API headers are ABI-stable: use the first available include dir.
NAPI_INC=""
for n in "${NODES[@]}" /usr/bin/node; do
  inc="$(dirname "$(dirname "$(readlink -f "$n")")")/include/node"
  [ -f "$inc/node_api.h" ] && { NAPI_INC="$inc"; break; }
done
# Both addons open the whole-task rows' libraries (sqlite3, zlib, libcrypto) at run time
# (bench/baselines/syslibs.h): no -l for them, no -dev headers needed; -ldl for dlopen.
if newer "$OUT/napi.node" "$ROOT/bench/baselines/napi.c" "$ROOT/bench/baselines/syslibs.h" "$OUT/libbenchlib.so"; then
  echo "build: napi.node (headers $NAPI_INC)"
  gcc -O2 -fPIC -shared -DNAPI_VERSION=8 -I"$NAPI_INC" "$ROOT/bench/baselines/napi.c" \
    -L"$OUT" -lbenchlib -ldl -Wl,-rpath,'$ORIGIN' -o "$OUT/napi.node"
fi

# fastapi OUT INC RPATH [g++ flags...]: one build of the fast-API addon.
fastapi() {
  local o=$1 inc=$2 rpath=$3; shift 3
  if newer "$o" "$ROOT/bench/baselines/fastapi.cc" "$ROOT/bench/baselines/syslibs.h" "$OUT/libbenchlib.so" "$inc/v8-version.h"; then
    echo "build: ${o#"$OUT/"} (headers $inc${*:+, $*})"
    g++ -std=gnu++20 -O2 -fPIC -shared "$@" -I"$inc" "$ROOT/bench/baselines/fastapi.cc" \
      -L"$OUT" -lbenchlib -ldl -Wl,-rpath,"$rpath" -o "$o"
  fi
}

# FASTAPI_PHASES=P (bench/node/phase.sh): also target/bench/phase/fastapi-node<M>-nops<k>.node,
# k = 1..P-1, the addon with k NOPs at the start of every fast target (k = 0 is the normal build).
for n in "${NODES[@]}"; do
  n="$(readlink -f "$n")"
  major="$("$n" -p 'process.versions.node.split(".")[0]')"
  inc="$(dirname "$(dirname "$n")")/include/node"
  [ -f "$inc/v8-version.h" ] || { echo "build: no headers at $inc for $n" >&2; exit 1; }
  fastapi "$OUT/fastapi-node$major.node" "$inc" '$ORIGIN'
  for ((k = 1; k < ${FASTAPI_PHASES:-1}; k++)); do
    mkdir -p "$OUT/phase"
    fastapi "$OUT/phase/fastapi-node$major-nops$k.node" "$inc" '$ORIGIN/..' "-DFASTAPI_NOPS=$k"
  done
done
