#!/usr/bin/env bash
# Build what the benchmark needs and run bench/node/bench.js.
# Usage: bench/node/run.sh [--node=PATH | --line=20|22|24|26] [--all-lines] [bench.js args: --rows=… --impls=… --json=out.json …]
#   default Node: the newest available line (.cache/node/x64-26 > 24 > 22 > system node).
#   --all-lines: run on every available line; with --json=X.json writes X-node<major>.json per line.
# ffast itself is not built here (bash ffast-node/build.sh); the harness skips it while it is not built.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NODE="" ALL=0 JSON="" PASS=()
for a in "$@"; do
  case "$a" in
    --node=*) NODE="${a#--node=}" ;;
    --line=*) l="${a#--line=}"; if [ "$l" = 20 ]; then NODE="$(command -v node)"; else NODE="$ROOT/.cache/node/x64-$l/bin/node"; fi ;;
    --all-lines) ALL=1 ;;
    --json=*) JSON="${a#--json=}" ;;
    *) PASS+=("$a") ;;
  esac
done
available() {
  for m in 26 24 22; do [ -x "$ROOT/.cache/node/x64-$m/bin/node" ] && echo "$ROOT/.cache/node/x64-$m/bin/node"; done
  command -v node >/dev/null && readlink -f "$(command -v node)"
  return 0
}
mapfile -t AVAIL < <(available)
if [ "$ALL" = 1 ]; then NODES=("${AVAIL[@]}"); elif [ -n "$NODE" ]; then NODES=("$NODE"); else NODES=("${AVAIL[0]}"); fi
[ -x "${NODES[0]:-}" ] || { echo "no node binary found" >&2; exit 2; }

bash "$ROOT/bench/build.sh" "${NODES[@]}"
rc=0
for n in "${NODES[@]}"; do
  major="$("$n" -p 'process.versions.node.split(".")[0]')"
  args=("${PASS[@]}")
  if [ -n "$JSON" ]; then
    if [ "$ALL" = 1 ]; then args+=("--json=${JSON%.json}-node$major.json"); else args+=("--json=$JSON"); fi
  fi
  echo "=== Node $("$n" -v) ($n)"
  "$n" "$ROOT/bench/node/bench.js" "${args[@]}" || rc=$?
done
exit $rc
