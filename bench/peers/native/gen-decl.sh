#!/usr/bin/env bash
# Generate and build target/bench/libdecl1000.so: 1,000 functions d0000 … d0999, int32_t dNNNN(int32_t a) { return a + NNNN; }
set -euo pipefail
OUT="$1"
src="$(mktemp --suffix=.c)"
{ echo '#include <stdint.h>'; for i in $(seq 0 999); do printf '__attribute__((visibility("default"))) int32_t d%04d(int32_t a) { return a + %d; }\n' "$i" "$i"; done; } > "$src"
gcc -O2 -fPIC -shared -o "$OUT" "$src"
rm -f "$src"
