#!/usr/bin/env bash
# Run the ffast Node test suite under every Node line: the system node (v20) and
# .cache/node/x64-{22,24,26}/bin/node (fetched by scripts/node-matrix.sh). A missing Node binary is an error unless
# FFAST_ALLOW_MISSING_NODE=1 (then it is skipped with a loud message).
# Prints one summary line per Node; exits non-zero if any run failed or a Node was missing.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
cd "$REPO" || exit 2

# explicit file list: works the same on Node 20 (directory discovery) and 22+ (globs)
shopt -s nullglob
FILES=(ffast-node/test/*.test.js ffast-node/test/*.test.mjs)
if [ ${#FILES[@]} -eq 0 ]; then echo "run-matrix: no test files found" >&2; exit 2; fi

# FFAST_TEST_NODES="tag:path …" overrides the list (scripts/arm64.sh passes the arm64 Nodes);
# FFAST_TEST_ARGS adds node flags (e.g. --experimental-test-isolation=none under qemu).
# FFAST_TEST_PER_FILE=1 starts one `node --test` per file: with isolation=none each file still
# gets a process of its own, as the default isolation gives, while the runner itself spawns
# nothing (an emulated node cannot start itself without binfmt_misc; docs/arm64-qemu.md).
if [ -n "${FFAST_TEST_NODES:-}" ]; then
  read -r -a NODES <<< "$FFAST_TEST_NODES"
else
  NODES=("system:$(command -v node || true)")
  for v in 22 24 26; do NODES+=("$v:$REPO/.cache/node/x64-$v/bin/node"); done
fi
read -r -a EXTRA <<< "${FFAST_TEST_ARGS:-}"
# NODE_EXEC_WRAPPER (e.g. qemu-aarch64-static, without binfmt_misc) starts each node binary.
read -r -a WRAP <<< "${NODE_EXEC_WRAPPER:-}"

LOGDIR="${FFAST_TEST_LOGDIR:-$REPO/target/test-logs}"
mkdir -p "$LOGDIR"
# FFAST_TEST_JOBS=N runs up to N Node lines at the same time (CI sets it to the core count):
# each line is one `node --test` process tree, mostly single-threaded (one file at a time on 2
# cores; always under qemu), so two lines side by side take about as long as one. Every line
# keeps its own log; the fixtures tolerate concurrent builders (_helpers.js buildLibrary renames
# a private file into place).
JOBS="${FFAST_TEST_JOBS:-1}"

# run_line <index> <tag:path>: one Node line; writes its summary and counts to $LOGDIR/.line-<index>
run_line() {
  local idx=$1 entry=$2 tag bin ver log t0 rc f pass fail tests out
  tag="${entry%%:*}"; bin="${entry#*:}"
  out="$LOGDIR/.line-$idx"
  if [ -z "$bin" ] || [ ! -x "$bin" ]; then
    if [ "${FFAST_ALLOW_MISSING_NODE:-0}" = "1" ]; then
      echo "!!!!!!!! run-matrix: Node '$tag' NOT FOUND at '${bin:-<none>}' -- SKIPPED (FFAST_ALLOW_MISSING_NODE=1) !!!!!!!!" >&2
      printf '%s\t0\t0\t0\n' "node $tag: SKIPPED (missing binary ${bin:-<none>})" >"$out"
    else
      echo "run-matrix: Node '$tag' not found at '${bin:-<none>}' (set FFAST_ALLOW_MISSING_NODE=1 to skip)" >&2
      printf '%s\t1\t0\t0\n' "node $tag: MISSING (${bin:-<none>})" >"$out"
    fi
    return
  fi
  ver="$("${WRAP[@]}" "$bin" --version)"
  log="$LOGDIR/node-$ver.log"
  echo "=== $ver ($bin) -> $log"
  t0=$SECONDS
  if [ "${FFAST_TEST_PER_FILE:-0}" = 1 ]; then
    : >"$log"
    rc=0
    for f in "${FILES[@]}"; do
      echo "### $f" >>"$log"
      "${WRAP[@]}" "$bin" --test --test-reporter=spec "${EXTRA[@]}" "$f" >>"$log" 2>&1 || rc=$?
    done
  else
    "${WRAP[@]}" "$bin" --test --test-reporter=spec "${EXTRA[@]}" "${FILES[@]}" >"$log" 2>&1
    rc=$?
  fi
  # The run's summary lines (one per `node --test`; summed when each file ran on its own).
  count() { grep -aE "^(ℹ|#) $1 [0-9]+\$" "$log" | awk '{ n += $NF; c++ } END { if (c) print n }'; }
  pass="$(count pass)"
  fail="$(count fail)"
  tests="$(count tests)"
  if [ $rc -ne 0 ]; then
    [ -n "$fail" ] && [ "$fail" != 0 ] || fail=$(( ${fail:-0} + 1 ))
    {
      echo "--- failures on $ver:"
      grep -aE -A12 '^✖|^not ok' "$log" | head -150
    } >"$out.failures"
    printf '%s\t1\t%s\t%s\n' "node $ver: FAIL (exit $rc; tests ${tests:-?}, pass ${pass:-?}, fail ${fail:-?}; $((SECONDS - t0)) s) log: $log" "${pass:-0}" "${fail:-0}" >"$out"
  else
    printf '%s\t0\t%s\t0\n' "node $ver: ok (tests ${tests:-?}, pass ${pass:-?}, fail ${fail:-0}; $((SECONDS - t0)) s)" "${pass:-0}" >"$out"
  fi
}

rm -f "$LOGDIR"/.line-*
running=0
for i in "${!NODES[@]}"; do
  if [ "$JOBS" -le 1 ]; then
    run_line "$i" "${NODES[$i]}"
  else
    run_line "$i" "${NODES[$i]}" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then wait -n || true; running=$((running - 1)); fi
  fi
done
wait
status=0
summary=()
total_pass=0
total_fail=0
for i in "${!NODES[@]}"; do
  out="$LOGDIR/.line-$i"
  [ -e "$out.failures" ] && cat "$out.failures"
  IFS=$'\t' read -r line bad p f <"$out"
  summary+=("$line")
  [ "$bad" = 0 ] || status=1
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
done
rm -f "$LOGDIR"/.line-*
echo
echo "==== ffast test matrix ===="
for s in "${summary[@]}"; do echo "$s"; done
echo "node: $total_pass passed, $total_fail failed"
exit $status
