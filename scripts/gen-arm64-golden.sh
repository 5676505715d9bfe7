#!/usr/bin/env bash
# Regenerate ffast-core/tests/arm64_golden.txt: golden AArch64 encodings from the GNU assembler.
#
# The case table below is the single source of truth: each case pairs GNU as source text with the
# ffast arm64 encoder calls that must produce the same bytes. The golden file keeps both, plus
# the bytes as assembled by aarch64-linux-gnu-as, one case per line:
#
#   <gnu as source>\t<hex words>\t<encoder calls>
#
# Several statements/calls are separated by "; ". Labels are written L0, L1, ... (renamed per
# case before assembling), `bind(L0)` binds one, `skip(N)` stands for N zero bytes (`.skip N`),
# and in the hex column `0*N` stands for N consecutive zero words. The test
# (ffast-core/tests/arm64_encode.rs) replays the calls and compares bytes, without binutils.
#
# Needs: apt-get install -y --no-install-recommends binutils-aarch64-linux-gnu
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/ffast-core/tests/arm64_golden.txt}
AS=${AS:-aarch64-linux-gnu-as}
NM=${NM:-aarch64-linux-gnu-nm}
OBJCOPY=${OBJCOPY:-aarch64-linux-gnu-objcopy}
for t in "$AS" "$NM" "$OBJCOPY"; do
  command -v "$t" >/dev/null || { echo "missing $t (apt-get install binutils-aarch64-linux-gnu)" >&2; exit 1; }
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
CASES=$TMP/cases.tsv
: >"$CASES"

# c <gnu as source> <encoder calls>
c() { printf '%s\t%s\n' "$1" "$2" >>"$CASES"; }

# Register spreads: low, 15/16 (the IP0/IP1 boundary), 29/30 (FP/LR); 31 where legal.
REGS="0 1 15 16 29 30"
XZ="x0 x1 x15 x16 x29 x30 xzr" # 31 as the zero register
XS="x0 x1 x15 x16 x29 x30 sp"  # 31 as the stack pointer
WZ="w0 w1 w15 w16 w29 w30 wzr"
DS="d0 d1 d15 d16 d29 d30 d31"
SS="s0 s1 s15 s16 s29 s30 s31"
CONDS="eq ne hs lo mi pl vs vc hi ls ge lt gt le al"

# ---- moves ----------------------------------------------------------------------------------
for d in $XZ; do for s in $XZ; do
  [ "$d" = xzr ] && continue
  c "orr $d, xzr, $s" "mov_x_x($d, $s)"
done; done
for d in $WZ; do for s in $WZ; do
  [ "$d" = wzr ] && continue
  c "orr $d, wzr, $s" "mov_w_w($d, $s)"
done; done
for r in $REGS; do
  c "add sp, x$r, #0" "mov_sp_x(x$r)"
  c "add x$r, sp, #0" "mov_x_sp(x$r)"
done
for op in movz movk; do
  for r in $REGS; do for sh in 0 16 32 48; do
    c "$op x$r, #0x1234, lsl #$sh" "${op}_x(x$r, 0x1234, $sh)"
  done; done
  for imm in 0 1 0x7fff 0x8000 0xffff; do for sh in 0 16 32 48; do
    c "$op x9, #$imm, lsl #$sh" "${op}_x(x9, $imm, $sh)"
  done; done
done
for r in 0 16 30; do
  for v in 0x0 0x1 0xffffffffffffffff 0x0123456789abcdef 0x8000000000000000 0xffff0000ffff0000 0x00000000deadbeef; do
    c "$(printf 'movz x%s, #%#x; movk x%s, #%#x, lsl #16; movk x%s, #%#x, lsl #32; movk x%s, #%#x, lsl #48' \
      "$r" $((v & 0xffff)) "$r" $(((v >> 16) & 0xffff)) "$r" $(((v >> 32) & 0xffff)) "$r" $(((v >> 48) & 0xffff)))" \
      "mov_x_imm64(x$r, $v)"
  done
done

# ---- extensions -----------------------------------------------------------------------------
for op in sxtb sxth uxtb uxth; do
  for d in $REGS; do for s in $REGS; do
    c "$op w$d, w$s" "${op}_w_w(w$d, w$s)"
  done; done
done
for d in $REGS; do for s in $REGS; do
  c "sxtw x$d, w$s" "sxtw_x_w(x$d, w$s)"
done; done

# ---- arithmetic -----------------------------------------------------------------------------
# asimm <imm>: the ADD/SUB immediate as written for as: #imm or #imm>>12, lsl #12
asimm() { if (($1 < 4096)); then echo "#$1"; else echo "#$(($1 >> 12)), lsl #12"; fi; }
IMMS="0 1 16 4095 4096 8192 65536 16773120"
for op in add sub; do
  for d in $XS; do for s in $XS; do
    c "$op $d, $s, #16" "${op}_x_x_imm($d, $s, 16)"
  done; done
  for imm in $IMMS; do
    c "$op sp, sp, $(asimm "$imm")" "${op}_x_x_imm(sp, sp, $imm)"
    c "$op x29, x16, $(asimm "$imm")" "${op}_x_x_imm(x29, x16, $imm)"
  done
done
for d in x0 x15 x30; do for a in $XZ; do for b in $XZ; do
  c "add $d, $a, $b" "add_x_x_x($d, $a, $b)"
done; done; done
for a in $XZ; do for b in $XZ; do
  c "cmp $a, $b" "cmp_x_x($a, $b)"
done; done
for a in $XS; do for imm in $IMMS; do
  c "cmp $a, $(asimm "$imm")" "cmp_x_imm($a, $imm)"
done; done

# ---- loads and stores -----------------------------------------------------------------------
# ls <method> <access size> <register names> <scaled mnemonic> <unscaled mnemonic>
ls() {
  local m=$1 sz=$2 regs=$3 scaled=$4 unscaled=$5 rt base off mn
  pick() { # sets mn for offset $1
    if (($1 >= 0 && $1 % sz == 0 && $1 / sz <= 4095)); then mn=$scaled; else mn=$unscaled; fi
  }
  for rt in $regs; do for base in $XS; do
    for off in "$sz" -8; do
      pick "$off"
      c "$mn $rt, [$base, #$off]" "$m($rt, $base, $off)"
    done
  done; done
  # offsets at the edges of both forms
  for off in 0 1 2 4 8 -1 -256 255 256 $((sz * 4095)) $((sz * 4094)) -255 -9; do
    pick "$off"
    for rb in "1 sp" "30 x29"; do
      set -- $rb
      rt=$(echo "$regs" | cut -d' ' -f$(($1 == 1 ? 2 : 6)))
      c "$mn $rt, [$2, #$off]" "$m($rt, $2, $off)"
    done
  done
}
ls ldr_x 8 "$XZ" ldr ldur
ls str_x 8 "$XZ" str stur
ls ldr_w 4 "$WZ" ldr ldur
ls str_w 4 "$WZ" str stur
ls ldrb_w 1 "$WZ" ldrb ldurb
ls ldrh_w 2 "$WZ" ldrh ldurh
ls ldrsb_w 1 "$WZ" ldrsb ldursb
ls ldrsh_w 2 "$WZ" ldrsh ldursh
ls strb_w 1 "$WZ" strb sturb
ls strh_w 2 "$WZ" strh sturh
ls ldr_d 8 "$DS" ldr ldur
ls str_d 8 "$DS" str stur
ls ldr_s 4 "$SS" ldr ldur
ls str_s 4 "$SS" str stur

# ---- pairs ----------------------------------------------------------------------------------
PAIRS_X="x29,x30 x0,x1 x1,x0 x15,x16 x30,x29 xzr,x1 x19,x20"
PAIRS_D="d8,d9 d0,d1 d1,d0 d15,d16 d30,d31 d31,d29"
POFFS="-512 -504 -16 -8 0 8 16 496 504"
for p in $PAIRS_X; do
  a=${p%,*} b=${p#*,}
  for base in $XS; do
    [ "$base" = "$a" ] || [ "$base" = "$b" ] && continue # writeback base must differ
    c "stp $a, $b, [$base, #-16]!" "stp_x_pre($a, $b, $base, -16)"
    c "ldp $a, $b, [$base], #16" "ldp_x_post($a, $b, $base, 16)"
    c "stp $a, $b, [$base, #16]" "stp_x($a, $b, $base, 16)"
    c "ldp $a, $b, [$base, #-16]" "ldp_x($a, $b, $base, -16)"
  done
done
for p in $PAIRS_D; do
  a=${p%,*} b=${p#*,}
  for base in $XS; do
    c "stp $a, $b, [$base, #16]" "stp_d($a, $b, $base, 16)"
    c "ldp $a, $b, [$base, #-16]" "ldp_d($a, $b, $base, -16)"
  done
done
for off in $POFFS; do
  c "stp x29, x30, [sp, #$off]!" "stp_x_pre(x29, x30, sp, $off)"
  c "ldp x29, x30, [sp], #$off" "ldp_x_post(x29, x30, sp, $off)"
  c "stp x19, x20, [x29, #$off]" "stp_x(x19, x20, x29, $off)"
  c "ldp x19, x20, [x29, #$off]" "ldp_x(x19, x20, x29, $off)"
  c "stp d8, d9, [sp, #$off]" "stp_d(d8, d9, sp, $off)"
  c "ldp d8, d9, [sp, #$off]" "ldp_d(d8, d9, sp, $off)"
done

# ---- control flow ---------------------------------------------------------------------------
for r in 0 1 8 15 16 17 29 30; do
  c "br x$r" "br(x$r)"
  c "blr x$r" "blr(x$r)"
done
c "ret" "ret()"
c "nop" "nop()"
for imm in 0 1 0x1234 0x8000 0xf000 0xffff; do c "brk #$imm" "brk($imm)"; done

# Label blocks. Forward, backward, self, several references, and both edges of each range:
# imm19 reaches -1048576..=1048572 bytes, ADR -1048576..=1048575, imm26 beyond both.
c "L0: b L0" "bind(L0); b_label(L0)"
c "b L0; nop; L0: nop" "b_label(L0); nop(); bind(L0); nop()"
c "L0: nop; nop; b L0" "bind(L0); nop(); nop(); b_label(L0)"
c "b L0; .skip 2097152; L0: nop" "b_label(L0); skip(2097152); bind(L0); nop()"
c "L0: .skip 2097152; b L0" "bind(L0); skip(2097152); b_label(L0)"
for cc in $CONDS; do
  c "b.$cc L0; nop; L0: nop" "bcond_label($cc, L0); nop(); bind(L0); nop()"
  c "L0: nop; b.$cc L0" "bind(L0); nop(); bcond_label($cc, L0)"
done
c "b.ne L0; .skip 1048568; L0: nop" "bcond_label(ne, L0); skip(1048568); bind(L0); nop()"
c "L0: .skip 1048576; b.ge L0" "bind(L0); skip(1048576); bcond_label(ge, L0)"
c "L0: b.eq L0" "bind(L0); bcond_label(eq, L0)"
for op in cbz cbnz; do
  for r in x0 x1 x15 x16 x29 x30 xzr; do
    c "$op $r, L0; nop; L0: nop" "${op}_x_label($r, L0); nop(); bind(L0); nop()"
    c "L0: nop; $op $r, L0" "bind(L0); nop(); ${op}_x_label($r, L0)"
  done
  c "$op x3, L0; .skip 1048568; L0: nop" "${op}_x_label(x3, L0); skip(1048568); bind(L0); nop()"
  c "L0: .skip 1048576; $op x3, L0" "bind(L0); skip(1048576); ${op}_x_label(x3, L0)"
done
for r in x0 x1 x15 x16 x29 x30 xzr; do
  c "ldr $r, L0; nop; L0: .quad 0x1122334455667788" \
    "ldr_x_label($r, L0); nop(); bind(L0); u64_data(0x1122334455667788)"
  c "L0: .quad 0xfedcba9876543210; ldr $r, L0" \
    "bind(L0); u64_data(0xfedcba9876543210); ldr_x_label($r, L0)"
  c "adr $r, L0; .byte 1; L0: .byte 2, 3, 4" "adr_x_label($r, L0); bytes(1); bind(L0); bytes(2, 3, 4)"
  c ".byte 1; L0: .byte 2, 3, 4; adr $r, L0" "bytes(1); bind(L0); bytes(2, 3, 4); adr_x_label($r, L0)"
done
c "ldr x16, L0; .skip 1048568; L0: .quad 0" "ldr_x_label(x16, L0); skip(1048568); bind(L0); u64_data(0)"
c "L0: .skip 1048576; ldr x16, L0" "bind(L0); skip(1048576); ldr_x_label(x16, L0)"
c "L0: adr x0, L0" "bind(L0); adr_x_label(x0, L0)"
c "adr x0, L0; .skip 1048571; L0: .byte 9" "adr_x_label(x0, L0); skip(1048571); bind(L0); bytes(9)"
c "L0: .skip 1048576; adr x0, L0" "bind(L0); skip(1048576); adr_x_label(x0, L0)"
c ".byte 7, 7, 7; L0: .skip 1048573; adr x1, L0" "bytes(7, 7, 7); bind(L0); skip(1048573); adr_x_label(x1, L0)"
# A trampoline-shaped block: several labels, each referenced before and after binding.
c "L2: stp x29, x30, [sp, #-16]!; add x29, sp, #0; cbz x0, L1; ldr x16, L0; blr x16; b.ne L2; L1: adr x1, L0; ldp x29, x30, [sp], #16; cbnz x1, L2; b L1; ret; L0: .quad 0x00007fff12345678" \
  "bind(L2); stp_x_pre(x29, x30, sp, -16); mov_x_sp(x29); cbz_x_label(x0, L1); ldr_x_label(x16, L0); blr(x16); bcond_label(ne, L2); bind(L1); adr_x_label(x1, L0); ldp_x_post(x29, x30, sp, 16); cbnz_x_label(x1, L2); b_label(L1); ret(); bind(L0); u64_data(0x00007fff12345678)"

# ---- data -----------------------------------------------------------------------------------
c ".quad 0x0123456789abcdef" "u64_data(0x0123456789abcdef)"
c ".quad 0xffffffffffffffff" "u64_data(0xffffffffffffffff)"
c ".byte 0xde, 0xad, 0xbe, 0xef" "bytes(0xde, 0xad, 0xbe, 0xef)"

# ---- floating point -------------------------------------------------------------------------
for op in scvtf ucvtf fmov; do
  for d in $DS; do for x in $XZ; do
    c "$op $d, $x" "${op}_d_x($d, $x)"
  done; done
done
for x in $XZ; do for d in $DS; do
  c "fmov $x, $d" "fmov_x_d($x, $d)"
done; done
for a in 0 1 15 16 29 30 31; do for b in 0 1 15 16 29 30 31; do
  c "fcvt d$a, s$b" "fcvt_d_s(d$a, s$b)"
  c "fcvt s$a, d$b" "fcvt_s_d(s$a, d$b)"
  c "fmov d$a, d$b" "fmov_d_d(d$a, d$b)"
  c "fmov s$a, s$b" "fmov_s_s(s$a, s$b)"
done; done

# ---- assemble -------------------------------------------------------------------------------
# One source file: each case is preceded by a symbol case_<n>; its labels become .Lc<n>_L<k>.
awk -F'\t' '{ s = $1; gsub(/L[0-9]+/, ".Lc" NR "_&", s); printf "case_%d:\n%s\n", NR, s }
  END { print "case_end:" }' "$CASES" >"$TMP/all.s"
"$AS" --fatal-warnings -o "$TMP/all.o" "$TMP/all.s"
"$OBJCOPY" -O binary -j .text "$TMP/all.o" "$TMP/all.bin"
"$NM" -n "$TMP/all.o" | while read -r addr _ name; do
  case $name in case_*) printf '%s\t%s\n' "$((16#$addr))" "${name#case_}" ;; esac
done >"$TMP/offsets"
od -An -v -w4 -tx4 --endian=little "$TMP/all.bin" | tr -d ' ' >"$TMP/words"

{
  echo "# AArch64 golden encodings from GNU as ($("$AS" --version | head -n1))."
  echo "# Generated by scripts/gen-arm64-golden.sh; do not edit by hand."
  echo "# <gnu as source>	<little-endian instruction words; 0*N = N zero words>	<ffast encoder calls>"
  awk -F'\t' '
    FILENAME == ARGV[1] { off[$2] = $1; next }
    FILENAME == ARGV[2] { w[FNR - 1] = $1; next }
    {
      nx = (FNR == n) ? "end" : FNR + 1
      if (off[FNR] % 4 || off[nx] % 4) {
        print "case " FNR " is not a whole number of words: " $1 > "/dev/stderr"; exit 1
      }
      hex = ""; z = 0
      for (i = off[FNR] / 4; i < off[nx] / 4; i++) {
        if (w[i] == "00000000") { z++; continue }
        hex = flush(hex, z); z = 0
        hex = hex (hex == "" ? "" : " ") w[i]
      }
      hex = flush(hex, z)
      printf "%s\t%s\t%s\n", $1, hex, $2
    }
    function flush(h, z,   k) {
      if (z == 0) return h
      if (z >= 4) return h (h == "" ? "" : " ") "0*" z
      for (k = 0; k < z; k++) h = h (h == "" ? "" : " ") "00000000"
      return h
    }' "$TMP/offsets" "$TMP/words" n="$(wc -l <"$CASES")" "$CASES"
} >"$OUT"
echo "wrote $(grep -vc '^#' "$OUT") cases to $OUT"
