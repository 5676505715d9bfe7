#!/usr/bin/env bash
# Phase sweep: is a hot row's ffast / fast-API ratio a property of the two call paths, or of where
# the benchmark loop's instruction count happens to fall? For k = 0..P-1, k one-byte NOPs are put
# in front of BOTH sides' code (the fast-API addon rebuilt with -DFASTAPI_NOPS=k, ffast with
# FFAST_BENCH_NOPS=k) and the row is measured as in bench.js; k = 0 is the normal benchmark cell.
# Usage: bash bench/node/phase.sh [--line=20|22|24|26] [--rows=i32_8,...] [--phases=8] [--runs=2]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NODE="$ROOT/.cache/node/x64-22/bin/node" PASS=() PHASES=8
for a in "$@"; do
  case "$a" in
    --phases=*) PHASES="${a#--phases=}"; PASS+=("$a") ;;
    --line=*) l="${a#--line=}"; if [ "$l" = 20 ]; then NODE="$(command -v node)"; else NODE="$ROOT/.cache/node/x64-$l/bin/node"; fi ;;
    *) PASS+=("$a") ;;
  esac
done
NODE="$(readlink -f "$NODE")"
[ -x "$NODE" ] || { echo "no node binary at $NODE" >&2; exit 2; }
[ -f "$ROOT/ffast-node/ffast.node" ] || { echo "build ffast first: bash ffast-node/build.sh" >&2; exit 2; }
FASTAPI_PHASES="$PHASES" bash "$ROOT/bench/build.sh" "$NODE"
exec "$NODE" "$ROOT/bench/node/phase.js" "${PASS[@]}"
