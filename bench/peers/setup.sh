#!/usr/bin/env bash
# Everything the peer benchmark needs, idempotent, nothing global:
#   .cache/node/x64-26            Node 26 (node:ffi needs it; every Node peer runs on it)       scripts/node-matrix.sh
#   ffast-node/ffast.node         ffast (built once if missing)                                  ffast-node/build.sh
#   target/bench/{libbenchlib.so,napi.node,fastapi-node26.node}  the baselines                   bench/build.sh
#   target/bench/libpeerbench.so  benchlib.c + peers/native/peerlib.c (struct, callback rows)
#   target/bench/libdecl1000.so   1,000 generated symbols (declare row)
#   target/bench/cfloor           the C floor (function-pointer loop)
#   .cache/peers/node_modules     the peers, pinned in bench/peers/package.json (npm install --prefix)
#   .cache/peers/status.json      how ffi-napi was built (or why it could not be)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
CACHE="$ROOT/.cache/peers"
OUT="$ROOT/target/bench"
N26="$ROOT/.cache/node/x64-26/bin/node"
mkdir -p "$CACHE" "$OUT"

FFAST_NODE_LINES=26 bash scripts/node-matrix.sh
[ -f ffast-node/ffast.node ] || bash ffast-node/build.sh
bash bench/build.sh "$N26"

newer() { local out=$1; shift; [ -e "$out" ] || return 0; for s in "$@"; do [ "$s" -nt "$out" ] && return 0; done; return 1; }
if newer "$OUT/libpeerbench.so" bench/native/benchlib.c bench/native/benchlib.h bench/peers/native/peerlib.c; then
  echo "setup: libpeerbench.so"
  gcc -O2 -fPIC -shared -o "$OUT/libpeerbench.so" bench/native/benchlib.c bench/peers/native/peerlib.c
fi
if newer "$OUT/libdecl1000.so" bench/peers/native/gen-decl.sh; then
  echo "setup: libdecl1000.so"
  bash bench/peers/native/gen-decl.sh "$OUT/libdecl1000.so"
fi
if newer "$OUT/cfloor" bench/peers/native/cfloor.c; then
  echo "setup: cfloor"
  gcc -O2 -o "$OUT/cfloor" bench/peers/native/cfloor.c -ldl
fi

# ---- peers ------------------------------------------------------------------------------------
if ! cmp -s bench/peers/package.json "$CACHE/package.json" || [ ! -d "$CACHE/node_modules/koffi" ]; then
  echo "setup: npm install of the peers into $CACHE"
  cp bench/peers/package.json "$CACHE/package.json"
  rm -f "$CACHE/status.json"
  # --ignore-scripts: ffi-napi's install script would test its 2021 prebuild (which aborts at exit:
  # uv_close assertion) and then run a source build that fails without the flags below.
  (cd "$CACHE" && npm install --prefix "$CACHE" --no-audit --no-fund --no-package-lock --ignore-scripts --loglevel=error 2>&1 | grep -v 'Unknown user config' || true)
  # bun's postinstall links the platform binary (shipped in @oven/bun-linux-x64)
  "$CACHE/node_modules/.bin/bun" --version >/dev/null 2>&1 || (cd "$CACHE/node_modules/bun" && "$N26" install.js)
fi

# ffi-napi / ref-napi: source build against Node 26's headers (no network: --nodedir).
# Without flags, current Node headers break the build twice:
#   1. ffi.cc defines NAPI_EXPERIMENTAL, so napi_add_finalizer wants a node_api_basic_finalize
#      (const env): "invalid conversion from 'napi_finalize' ... to 'node_api_basic_finalize'"
#      → -DNODE_API_EXPERIMENTAL_NOGC_ENV_OPT_OUT
#   2. Node 26's common.gypi compiles with -std=gnu++20, where node-addon-api 3.2.1's
#      `TypedThreadSafeFunction<ContextType, DataType, CallJs>()` constructor is ill-formed
#      ("expected unqualified-id before ')' token") → -std=gnu++17 (later flag wins)
if [ ! -f "$CACHE/status.json" ]; then
  NG="$CACHE/node_modules/node-gyp/bin/node-gyp.js"
  FLAGS="-std=gnu++17 -DNODE_API_EXPERIMENTAL_NOGC_ENV_OPT_OUT"
  plain_err=""
  # Record what happens without the flags (the exact error), then build with them.
  if ! (cd "$CACHE/node_modules/ffi-napi" && PATH="$(dirname "$N26"):$PATH" "$N26" "$NG" rebuild --nodedir="$ROOT/.cache/node/x64-26" -j 2 >"$CACHE/ffi-napi-plain.log" 2>&1); then
    plain_err="$(grep -m3 -E ' error|error:' "$CACHE/ffi-napi-plain.log" | sed 's/"/\\"/g' | tr '\n' ' ' | cut -c1-600)"
  fi
  ok=1
  for p in ref-napi ffi-napi; do
    echo "setup: node-gyp rebuild $p (CXXFLAGS=$FLAGS, Node 26 headers)"
    if ! (cd "$CACHE/node_modules/$p" && CXXFLAGS="$FLAGS" PATH="$(dirname "$N26"):$PATH" "$N26" "$NG" rebuild --nodedir="$ROOT/.cache/node/x64-26" -j 2 >"$CACHE/$p-build.log" 2>&1); then
      ok=0; echo "setup: $p build failed, see $CACHE/$p-build.log" >&2
    fi
  done
  if [ $ok = 1 ] && "$N26" -e "const ffi=require('$CACHE/node_modules/ffi-napi'); const l=ffi.Library('$OUT/libpeerbench.so',{i32_2:['int32',['int32','int32']]}); if (l.i32_2(2,3)!==5) process.exit(1)"; then
    status="built from source with CXXFLAGS=\\\"$FLAGS\\\" against Node 26 headers (node-gyp --nodedir)"
  else
    ok=0; status="source build failed: $(grep -m3 -E ' error|error:' "$CACHE/ffi-napi-build.log" 2>/dev/null | sed 's/"/\\"/g' | tr '\n' ' ' | cut -c1-600)"
  fi
  printf '{"ffi-napi":{"ok":%s,"status":"%s","plainBuildError":"%s"}}\n' "$([ $ok = 1 ] && echo true || echo false)" "$status" "$plain_err" > "$CACHE/status.json"
  cat "$CACHE/status.json"
fi
