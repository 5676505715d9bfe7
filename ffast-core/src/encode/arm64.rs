//! AArch64 assembler: only the instructions ffast's trampolines need.
//!
//! One method per mnemonic and operand form, destination first; the operand width is part of
//! the method name (`mov_x_x` vs `mov_w_w`), registers are typed (`X`, `W`, `D`, `S`). Every
//! instruction word is built from named field packers (`rd`, `rn`, `imm12`, ...), never from
//! hand-written bit strings. Every form is checked against the GNU assembler's output (golden
//! bytes in `tests/arm64_golden.txt`, produced by `scripts/gen-arm64-golden.sh`).
//!
//! Register number 31 is either the stack pointer or the zero register, depending on the
//! instruction; there is no separate `XZR` type. Each method says which:
//! - **SP**: the base of every load/store and load/store pair; both operands of `add_x_x_imm`,
//!   `sub_x_x_imm`, `mov_sp_x`, `mov_x_sp`; the first operand of `cmp_x_imm`.
//! - **XZR/WZR**: `mov_x_x`, `mov_w_w`, `add_x_x_x`, `cmp_x_x`, `movz_x`/`movk_x`, the
//!   extensions, the transferred register of loads/stores (`rt`), `cbz`/`cbnz`, the
//!   general-purpose operand of `scvtf`/`ucvtf`/`fmov`.

/// A 64-bit general-purpose register x0..x30; 31 is SP or XZR depending on the method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct X(pub u8);

/// A 32-bit general-purpose register w0..w30; 31 is WZR (or WSP, never used here).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct W(pub u8);

/// A 64-bit FP/SIMD register d0..d31.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct D(pub u8);

/// A 32-bit FP/SIMD register s0..s31.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct S(pub u8);

/// The stack pointer, where a method treats register 31 as SP (see the module docs).
pub const SP: X = X(31);

/// The 64-bit frame pointer (AAPCS64).
pub const FP: X = X(29);

/// The link register.
pub const LR: X = X(30);

/// Condition codes, with their hardware numbers (the `cond` field of `B.cond`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Cond {
    Eq = 0,
    Ne = 1,
    /// Unsigned higher or same (carry set, `cs`).
    Hs = 2,
    /// Unsigned lower (carry clear, `cc`).
    Lo = 3,
    Mi = 4,
    Pl = 5,
    Vs = 6,
    Vc = 7,
    Hi = 8,
    Ls = 9,
    Ge = 10,
    Lt = 11,
    Gt = 12,
    Le = 13,
    Al = 14,
}

impl Cond {
    pub const ALL: [Cond; 15] = [
        Cond::Eq,
        Cond::Ne,
        Cond::Hs,
        Cond::Lo,
        Cond::Mi,
        Cond::Pl,
        Cond::Vs,
        Cond::Vc,
        Cond::Hi,
        Cond::Ls,
        Cond::Ge,
        Cond::Lt,
        Cond::Gt,
        Cond::Le,
        Cond::Al,
    ];
}

pub use super::Label;
use super::Labels;

/// How a label reference is patched into its instruction word by [`Asm::finish`].
#[derive(Clone, Copy, Debug)]
enum Fix {
    /// `B`: imm26 word offset at bit 0, ±128 MiB.
    Imm26,
    /// `B.cond`, `CBZ`/`CBNZ`, `LDR (literal)`: imm19 word offset at bit 5, ±1 MiB.
    Imm19,
    /// `ADR`: 21-bit byte offset split into immlo (bits 29..30) and immhi (bits 5..23), ±1 MiB.
    Adr,
}

// ---- field packers --------------------------------------------------------------------------
// Each puts one named field at its place in the instruction word; an instruction is the OR of
// its opcode bits and its fields.

/// Checked 5-bit register number.
fn reg(n: u8) -> u32 {
    assert!(n < 32, "register number {n} out of range 0..=31");
    u32::from(n)
}
/// Rd / Rt: bits 0..4.
fn rd(n: u8) -> u32 {
    reg(n)
}
/// Rn: bits 5..9.
fn rn(n: u8) -> u32 {
    reg(n) << 5
}
/// Rt2 (second register of a pair): bits 10..14.
fn rt2(n: u8) -> u32 {
    reg(n) << 10
}
/// Rm: bits 16..20.
fn rm(n: u8) -> u32 {
    reg(n) << 16
}
/// imm12 of ADD/SUB (immediate) and of the unsigned-offset load/store: bits 10..21.
fn imm12(v: u32) -> u32 {
    debug_assert!(v < 1 << 12);
    v << 10
}
/// sh of ADD/SUB (immediate): bit 22, LSL #12.
fn sh12(on: bool) -> u32 {
    u32::from(on) << 22
}
/// imm9 of the unscaled load/store: bits 12..20, two's complement.
fn imm9(v: i32) -> u32 {
    debug_assert!((-256..=255).contains(&v));
    (v as u32 & 0x1FF) << 12
}
/// imm7 of the load/store pair (already divided by the scale): bits 15..21, two's complement.
fn imm7(v: i32) -> u32 {
    debug_assert!((-64..=63).contains(&v));
    (v as u32 & 0x7F) << 15
}
/// imm16 of MOVZ/MOVK and BRK: bits 5..20.
fn imm16(v: u16) -> u32 {
    u32::from(v) << 5
}
/// hw of MOVZ/MOVK (shift / 16): bits 21..22.
fn hw(shift: u8) -> u32 {
    assert!(
        shift & 15 == 0 && shift <= 48,
        "MOVZ/MOVK shift {shift} is not one of 0, 16, 32, 48"
    );
    u32::from(shift / 16) << 21
}
/// immr / imms of a bitfield move: bits 16..21 and 10..15.
fn bitfield(immr: u32, imms: u32) -> u32 {
    immr << 16 | imms << 10
}
/// cond of B.cond: bits 0..3.
fn cond(c: Cond) -> u32 {
    u32::from(c as u8)
}
/// imm19 word offset (B.cond, CBZ/CBNZ, LDR literal): bits 5..23.
fn imm19(words: i64) -> u32 {
    (words as u32 & 0x7_FFFF) << 5
}
/// imm26 word offset (B, BL): bits 0..25.
fn imm26(words: i64) -> u32 {
    words as u32 & 0x3FF_FFFF
}
/// ADR's 21-bit byte offset: immlo (bits 29..30) and immhi (bits 5..23).
fn adr_imm(bytes: i64) -> u32 {
    let v = bytes as u32;
    (v & 3) << 29 | ((v >> 2) & 0x7_FFFF) << 5
}

/// One member of the LDR/STR (immediate) family: `size 111 V 0x opc ...`.
#[derive(Clone, Copy)]
struct LdSt {
    /// log2 of the access size in bytes (the `size` field, bits 30..31).
    size: u32,
    /// SIMD&FP register (bit 26).
    v: bool,
    /// `opc` (bits 22..23): 00 store, 01 load, 11 load signed into a W register.
    opc: u32,
    /// Mnemonic for panic messages.
    name: &'static str,
}

const fn ldst(size: u32, v: bool, opc: u32, name: &'static str) -> LdSt {
    LdSt { size, v, opc, name }
}

const STRB_W: LdSt = ldst(0, false, 0b00, "strb");
const LDRB_W: LdSt = ldst(0, false, 0b01, "ldrb");
const LDRSB_W: LdSt = ldst(0, false, 0b11, "ldrsb");
const STRH_W: LdSt = ldst(1, false, 0b00, "strh");
const LDRH_W: LdSt = ldst(1, false, 0b01, "ldrh");
const LDRSH_W: LdSt = ldst(1, false, 0b11, "ldrsh");
const STR_W: LdSt = ldst(2, false, 0b00, "str (w)");
const LDR_W: LdSt = ldst(2, false, 0b01, "ldr (w)");
const STR_X: LdSt = ldst(3, false, 0b00, "str (x)");
const LDR_X: LdSt = ldst(3, false, 0b01, "ldr (x)");
const STR_S: LdSt = ldst(2, true, 0b00, "str (s)");
const LDR_S: LdSt = ldst(2, true, 0b01, "ldr (s)");
const STR_D: LdSt = ldst(3, true, 0b00, "str (d)");
const LDR_D: LdSt = ldst(3, true, 0b01, "ldr (d)");

/// Addressing mode of a load/store pair (bits 23..24).
#[derive(Clone, Copy)]
enum PairMode {
    Post = 0b01,
    Offset = 0b10,
    Pre = 0b11,
}

/// One member of the STP/LDP family: `opc 101 V mode L imm7 Rt2 Rn Rt`, always scaled by 8 here.
#[derive(Clone, Copy)]
struct Pair {
    /// `opc` (bits 30..31): 10 for X registers, 01 for D registers.
    opc: u32,
    v: bool,
    load: bool,
    name: &'static str,
}

const STP_X: Pair = Pair {
    opc: 0b10,
    v: false,
    load: false,
    name: "stp (x)",
};
const LDP_X: Pair = Pair {
    opc: 0b10,
    v: false,
    load: true,
    name: "ldp (x)",
};
const STP_D: Pair = Pair {
    opc: 0b01,
    v: true,
    load: false,
    name: "stp (d)",
};
const LDP_D: Pair = Pair {
    opc: 0b01,
    v: true,
    load: true,
    name: "ldp (d)",
};

/// The assembler: appends encoded instructions (little-endian words) to a byte buffer.
#[derive(Default)]
pub struct Asm {
    pub(crate) buf: Vec<u8>,
    labels: Labels,
    /// (position of the instruction word, label it refers to, how to patch it)
    fixups: Vec<(u32, Label, Fix)>,
}

impl Asm {
    pub fn new() -> Asm {
        Asm::default()
    }

    /// Bytes emitted so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Resolve label references and return the code. Errors if a referenced label was never
    /// bound, if a branch or literal target is out of range for its form, or if a word-scaled
    /// reference (everything but ADR) points at a target that is not 4-byte aligned relative to
    /// the instruction (a label bound after odd-sized data).
    pub fn finish(self) -> Result<Vec<u8>, crate::Error> {
        let mut buf = self.buf;
        for (pos, l, fix) in self.fixups {
            let target = self.labels.target(l)?;
            let delta = i64::from(target) - i64::from(pos);
            let field = match fix {
                Fix::Adr => {
                    if !(-(1 << 20)..1 << 20).contains(&delta) {
                        return Err(out_of_range(l, delta, "ADR (±1 MiB)"));
                    }
                    adr_imm(delta)
                }
                Fix::Imm19 | Fix::Imm26 => {
                    if delta % 4 != 0 {
                        return Err(crate::Error::Encode(format!(
                            "label {} is {delta} bytes from its branch/literal load, \
                             not a multiple of 4",
                            l.0
                        )));
                    }
                    let words = delta / 4;
                    let (bits, what) = match fix {
                        Fix::Imm19 => (19, "B.cond/CBZ/CBNZ/LDR literal (±1 MiB)"),
                        _ => (26, "B (±128 MiB)"),
                    };
                    if !(-(1 << (bits - 1))..1 << (bits - 1)).contains(&words) {
                        return Err(out_of_range(l, delta, what));
                    }
                    match fix {
                        Fix::Imm19 => imm19(words),
                        _ => imm26(words),
                    }
                }
            };
            let p = pos as usize;
            let word = u32::from_le_bytes([buf[p], buf[p + 1], buf[p + 2], buf[p + 3]]) | field;
            buf[p..p + 4].copy_from_slice(&word.to_le_bytes());
        }
        Ok(buf)
    }

    pub fn new_label(&mut self) -> Label {
        self.labels.new_label()
    }

    /// Bind `l` to the current position. Panics if `l` is already bound (a bug in the caller).
    pub fn bind(&mut self, l: Label) {
        let pos = self.pos();
        self.labels.bind(l, pos);
    }

    /// Append raw bytes (data embedded in code, e.g. a literal pool entry).
    pub fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    /// Append a 64-bit little-endian data word (`.quad`), e.g. the target of `ldr_x_label`.
    pub fn u64_data(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    // ---- moves ----------------------------------------------------------------------------
    /// MOV Xd, Xm — alias of ORR Xd, XZR, Xm (shifted register). Register 31 is **XZR** in
    /// both operands: never use this with SP (use [`Asm::mov_sp_x`] / [`Asm::mov_x_sp`]).
    pub fn mov_x_x(&mut self, dst: X, src: X) {
        self.emit(0xAA00_0000 | rm(src.0) | rn(31) | rd(dst.0));
    }
    /// MOV Wd, Wm — alias of ORR Wd, WZR, Wm (zero-extends into the upper half). 31 is WZR.
    pub fn mov_w_w(&mut self, dst: W, src: W) {
        self.emit(0x2A00_0000 | rm(src.0) | rn(31) | rd(dst.0));
    }
    /// MOV SP, Xn — alias of ADD SP, Xn, #0. `src` 31 would be SP itself.
    pub fn mov_sp_x(&mut self, src: X) {
        self.add_x_x_imm(SP, src, 0);
    }
    /// MOV Xd, SP — alias of ADD Xd, SP, #0.
    pub fn mov_x_sp(&mut self, dst: X) {
        self.add_x_x_imm(dst, SP, 0);
    }
    /// MOVZ Xd, #imm16, LSL #shift — shift is 0, 16, 32 or 48 (panics otherwise). 31 is XZR.
    pub fn movz_x(&mut self, dst: X, imm: u16, shift: u8) {
        self.emit(0xD280_0000 | hw(shift) | imm16(imm) | rd(dst.0));
    }
    /// MOVK Xd, #imm16, LSL #shift — shift is 0, 16, 32 or 48 (panics otherwise). 31 is XZR.
    pub fn movk_x(&mut self, dst: X, imm: u16, shift: u8) {
        self.emit(0xF280_0000 | hw(shift) | imm16(imm) | rd(dst.0));
    }
    /// MOVZ Xd, #imm[0:16]; MOVK Xd, #imm[16:32], LSL #16; … LSL #32; … LSL #48 — always
    /// exactly four instructions (16 bytes), whatever the value, so the shape is fixed (e.g.
    /// for patching an address in place).
    pub fn mov_x_imm64(&mut self, dst: X, imm: u64) {
        self.movz_x(dst, imm as u16, 0);
        self.movk_x(dst, (imm >> 16) as u16, 16);
        self.movk_x(dst, (imm >> 32) as u16, 32);
        self.movk_x(dst, (imm >> 48) as u16, 48);
    }

    // ---- extensions -----------------------------------------------------------------------
    /// SXTB Wd, Wn — alias of SBFM Wd, Wn, #0, #7
    pub fn sxtb_w_w(&mut self, dst: W, src: W) {
        self.emit(0x1300_0000 | bitfield(0, 7) | rn(src.0) | rd(dst.0));
    }
    /// SXTH Wd, Wn — alias of SBFM Wd, Wn, #0, #15
    pub fn sxth_w_w(&mut self, dst: W, src: W) {
        self.emit(0x1300_0000 | bitfield(0, 15) | rn(src.0) | rd(dst.0));
    }
    /// UXTB Wd, Wn — alias of UBFM Wd, Wn, #0, #7
    pub fn uxtb_w_w(&mut self, dst: W, src: W) {
        self.emit(0x5300_0000 | bitfield(0, 7) | rn(src.0) | rd(dst.0));
    }
    /// UXTH Wd, Wn — alias of UBFM Wd, Wn, #0, #15
    pub fn uxth_w_w(&mut self, dst: W, src: W) {
        self.emit(0x5300_0000 | bitfield(0, 15) | rn(src.0) | rd(dst.0));
    }
    /// SXTW Xd, Wn — alias of SBFM Xd, Xn, #0, #31 (sf = N = 1)
    pub fn sxtw_x_w(&mut self, dst: X, src: W) {
        self.emit(0x9340_0000 | bitfield(0, 31) | rn(src.0) | rd(dst.0));
    }

    // ---- arithmetic -----------------------------------------------------------------------
    /// ADD Xd|SP, Xn|SP, #imm12{, LSL #12} — 31 is SP in both operands. `imm` is either below
    /// 4096 or a multiple of 4096 below 2^24 (encoded with LSL #12); panics otherwise.
    pub fn add_x_x_imm(&mut self, dst: X, src: X, imm: u32) {
        self.emit(0x9100_0000 | add_imm(imm, "add") | rn(src.0) | rd(dst.0));
    }
    /// SUB Xd|SP, Xn|SP, #imm12{, LSL #12} — as [`Asm::add_x_x_imm`].
    pub fn sub_x_x_imm(&mut self, dst: X, src: X, imm: u32) {
        self.emit(0xD100_0000 | add_imm(imm, "sub") | rn(src.0) | rd(dst.0));
    }
    /// ADD Xd, Xn, Xm — shifted-register form, LSL #0; 31 is XZR in every operand (with SP
    /// as an operand the assembler would pick the extended-register form, not supported here).
    pub fn add_x_x_x(&mut self, dst: X, a: X, b: X) {
        self.emit(0x8B00_0000 | rm(b.0) | rn(a.0) | rd(dst.0));
    }
    /// CMP Xn, Xm — alias of SUBS XZR, Xn, Xm (shifted register); 31 is XZR.
    pub fn cmp_x_x(&mut self, a: X, b: X) {
        self.emit(0xEB00_0000 | rm(b.0) | rn(a.0) | rd(31));
    }
    /// CMP Xn|SP, #imm12{, LSL #12} — alias of SUBS XZR, Xn|SP, #imm; 31 is SP. `imm` as in
    /// [`Asm::add_x_x_imm`].
    pub fn cmp_x_imm(&mut self, a: X, imm: u32) {
        self.emit(0xF100_0000 | add_imm(imm, "cmp") | rn(a.0) | rd(31));
    }

    // ---- loads and stores -----------------------------------------------------------------
    // Base 31 is SP; the transferred register 31 is XZR/WZR. Each picks the scaled
    // unsigned-offset form (LDR …, [Xn|SP, #pimm]) when `off` is a non-negative multiple of
    // the access size with off/size <= 4095, else the unscaled form (LDUR …, [Xn|SP, #simm])
    // when -256 <= off <= 255, and panics otherwise (callers keep offsets encodable).

    /// LDR Xt, [Xn|SP, #pimm] — unsigned offset, scaled by 8; else LDUR Xt, [Xn|SP, #simm9]
    pub fn ldr_x(&mut self, rt: X, base: X, off: i32) {
        self.ldst(LDR_X, rt.0, base, off);
    }
    /// STR Xt, [Xn|SP, #pimm] — unsigned offset, scaled by 8; else STUR Xt, [Xn|SP, #simm9]
    pub fn str_x(&mut self, rt: X, base: X, off: i32) {
        self.ldst(STR_X, rt.0, base, off);
    }
    /// LDR Wt, [Xn|SP, #pimm] — unsigned offset, scaled by 4; else LDUR Wt, [Xn|SP, #simm9]
    pub fn ldr_w(&mut self, rt: W, base: X, off: i32) {
        self.ldst(LDR_W, rt.0, base, off);
    }
    /// STR Wt, [Xn|SP, #pimm] — unsigned offset, scaled by 4; else STUR Wt, [Xn|SP, #simm9]
    pub fn str_w(&mut self, rt: W, base: X, off: i32) {
        self.ldst(STR_W, rt.0, base, off);
    }
    /// LDRB Wt, [Xn|SP, #pimm] — unsigned offset (0..=4095); else LDURB Wt, [Xn|SP, #simm9]
    pub fn ldrb_w(&mut self, rt: W, base: X, off: i32) {
        self.ldst(LDRB_W, rt.0, base, off);
    }
    /// LDRH Wt, [Xn|SP, #pimm] — unsigned offset, scaled by 2; else LDURH Wt, [Xn|SP, #simm9]
    pub fn ldrh_w(&mut self, rt: W, base: X, off: i32) {
        self.ldst(LDRH_W, rt.0, base, off);
    }
    /// LDRSB Wt, [Xn|SP, #pimm] — unsigned offset (0..=4095); else LDURSB Wt, [Xn|SP, #simm9]
    pub fn ldrsb_w(&mut self, rt: W, base: X, off: i32) {
        self.ldst(LDRSB_W, rt.0, base, off);
    }
    /// LDRSH Wt, [Xn|SP, #pimm] — unsigned offset, scaled by 2; else LDURSH Wt, [Xn|SP, #simm9]
    pub fn ldrsh_w(&mut self, rt: W, base: X, off: i32) {
        self.ldst(LDRSH_W, rt.0, base, off);
    }
    /// STRB Wt, [Xn|SP, #pimm] — unsigned offset (0..=4095); else STURB Wt, [Xn|SP, #simm9]
    pub fn strb_w(&mut self, rt: W, base: X, off: i32) {
        self.ldst(STRB_W, rt.0, base, off);
    }
    /// STRH Wt, [Xn|SP, #pimm] — unsigned offset, scaled by 2; else STURH Wt, [Xn|SP, #simm9]
    pub fn strh_w(&mut self, rt: W, base: X, off: i32) {
        self.ldst(STRH_W, rt.0, base, off);
    }
    /// LDR Dt, [Xn|SP, #pimm] — unsigned offset, scaled by 8; else LDUR Dt, [Xn|SP, #simm9]
    pub fn ldr_d(&mut self, rt: D, base: X, off: i32) {
        self.ldst(LDR_D, rt.0, base, off);
    }
    /// STR Dt, [Xn|SP, #pimm] — unsigned offset, scaled by 8; else STUR Dt, [Xn|SP, #simm9]
    pub fn str_d(&mut self, rt: D, base: X, off: i32) {
        self.ldst(STR_D, rt.0, base, off);
    }
    /// LDR St, [Xn|SP, #pimm] — unsigned offset, scaled by 4; else LDUR St, [Xn|SP, #simm9]
    pub fn ldr_s(&mut self, rt: S, base: X, off: i32) {
        self.ldst(LDR_S, rt.0, base, off);
    }
    /// STR St, [Xn|SP, #pimm] — unsigned offset, scaled by 4; else STUR St, [Xn|SP, #simm9]
    pub fn str_s(&mut self, rt: S, base: X, off: i32) {
        self.ldst(STR_S, rt.0, base, off);
    }

    // ---- load/store pairs -----------------------------------------------------------------
    // Base 31 is SP; the pair registers 31 are XZR. `off` is a multiple of 8 in -512..=504
    // (imm7 scaled by 8); panics otherwise.

    /// STP Xt1, Xt2, [Xn|SP, #imm]! — pre-index, imm7 scaled by 8. Panics if `base` (not SP)
    /// is one of the stored registers (CONSTRAINED UNPREDICTABLE with writeback).
    pub fn stp_x_pre(&mut self, a: X, b: X, base: X, off: i32) {
        self.pair(STP_X, PairMode::Pre, a.0, b.0, base, off);
    }
    /// LDP Xt1, Xt2, [Xn|SP], #imm — post-index, imm7 scaled by 8. Panics if `a == b` or if
    /// `base` (not SP) is one of the loaded registers (CONSTRAINED UNPREDICTABLE).
    pub fn ldp_x_post(&mut self, a: X, b: X, base: X, off: i32) {
        self.pair(LDP_X, PairMode::Post, a.0, b.0, base, off);
    }
    /// STP Xt1, Xt2, [Xn|SP, #imm] — signed offset, imm7 scaled by 8
    pub fn stp_x(&mut self, a: X, b: X, base: X, off: i32) {
        self.pair(STP_X, PairMode::Offset, a.0, b.0, base, off);
    }
    /// LDP Xt1, Xt2, [Xn|SP, #imm] — signed offset, imm7 scaled by 8. Panics if `a == b`.
    pub fn ldp_x(&mut self, a: X, b: X, base: X, off: i32) {
        self.pair(LDP_X, PairMode::Offset, a.0, b.0, base, off);
    }
    /// STP Dt1, Dt2, [Xn|SP, #imm] — signed offset, imm7 scaled by 8
    pub fn stp_d(&mut self, a: D, b: D, base: X, off: i32) {
        self.pair(STP_D, PairMode::Offset, a.0, b.0, base, off);
    }
    /// LDP Dt1, Dt2, [Xn|SP, #imm] — signed offset, imm7 scaled by 8. Panics if `a == b`.
    pub fn ldp_d(&mut self, a: D, b: D, base: X, off: i32) {
        self.pair(LDP_D, PairMode::Offset, a.0, b.0, base, off);
    }

    // ---- control flow ---------------------------------------------------------------------
    /// BR Xn
    pub fn br(&mut self, r: X) {
        self.emit(0xD61F_0000 | rn(r.0));
    }
    /// BLR Xn
    pub fn blr(&mut self, r: X) {
        self.emit(0xD63F_0000 | rn(r.0));
    }
    /// RET — RET X30
    pub fn ret(&mut self) {
        self.emit(0xD65F_0000 | rn(LR.0));
    }
    /// B label — imm26, ±128 MiB
    pub fn b_label(&mut self, l: Label) {
        self.fixup(0x1400_0000, l, Fix::Imm26);
    }
    /// B.cond label — imm19, ±1 MiB
    pub fn bcond_label(&mut self, cc: Cond, l: Label) {
        self.fixup(0x5400_0000 | cond(cc), l, Fix::Imm19);
    }
    /// CBZ Xt, label — imm19, ±1 MiB; 31 is XZR
    pub fn cbz_x_label(&mut self, r: X, l: Label) {
        self.fixup(0xB400_0000 | rd(r.0), l, Fix::Imm19);
    }
    /// CBNZ Xt, label — imm19, ±1 MiB; 31 is XZR
    pub fn cbnz_x_label(&mut self, r: X, l: Label) {
        self.fixup(0xB500_0000 | rd(r.0), l, Fix::Imm19);
    }
    /// LDR Xt, label — load register (literal), 64-bit, imm19, ±1 MiB; 31 is XZR
    pub fn ldr_x_label(&mut self, rt: X, l: Label) {
        self.fixup(0x5800_0000 | rd(rt.0), l, Fix::Imm19);
    }
    /// ADR Xd, label — byte offset, ±1 MiB; 31 is XZR
    pub fn adr_x_label(&mut self, dst: X, l: Label) {
        self.fixup(0x1000_0000 | rd(dst.0), l, Fix::Adr);
    }
    /// BRK #imm16
    pub fn brk(&mut self, imm: u16) {
        self.emit(0xD420_0000 | imm16(imm));
    }
    /// NOP
    pub fn nop(&mut self) {
        self.emit(0xD503_201F);
    }

    // ---- floating point -------------------------------------------------------------------
    /// SCVTF Dd, Xn — signed 64-bit integer to double; 31 is XZR
    pub fn scvtf_d_x(&mut self, dst: D, src: X) {
        self.emit(0x9E62_0000 | rn(src.0) | rd(dst.0));
    }
    /// UCVTF Dd, Xn — unsigned 64-bit integer to double; 31 is XZR
    pub fn ucvtf_d_x(&mut self, dst: D, src: X) {
        self.emit(0x9E63_0000 | rn(src.0) | rd(dst.0));
    }
    /// FCVT Dd, Sn — single to double
    pub fn fcvt_d_s(&mut self, dst: D, src: S) {
        self.emit(0x1E22_C000 | rn(src.0) | rd(dst.0));
    }
    /// FCVT Sd, Dn — double to single (rounding per FPCR)
    pub fn fcvt_s_d(&mut self, dst: S, src: D) {
        self.emit(0x1E62_4000 | rn(src.0) | rd(dst.0));
    }
    /// FMOV Dd, Xn — general to FP register, bits unchanged; 31 is XZR
    pub fn fmov_d_x(&mut self, dst: D, src: X) {
        self.emit(0x9E67_0000 | rn(src.0) | rd(dst.0));
    }
    /// FMOV Xd, Dn — FP to general register, bits unchanged; 31 is XZR
    pub fn fmov_x_d(&mut self, dst: X, src: D) {
        self.emit(0x9E66_0000 | rn(src.0) | rd(dst.0));
    }
    /// FMOV Dd, Dn — register, double precision
    pub fn fmov_d_d(&mut self, dst: D, src: D) {
        self.emit(0x1E60_4000 | rn(src.0) | rd(dst.0));
    }
    /// FMOV Sd, Sn — register, single precision
    pub fn fmov_s_s(&mut self, dst: S, src: S) {
        self.emit(0x1E20_4000 | rn(src.0) | rd(dst.0));
    }

    // ---- encoding helpers -----------------------------------------------------------------
    fn pos(&self) -> u32 {
        u32::try_from(self.buf.len()).expect("code larger than 4 GiB")
    }

    fn emit(&mut self, word: u32) {
        self.buf.extend_from_slice(&word.to_le_bytes());
    }

    /// Emit `word` with its offset field left zero, patched by [`Asm::finish`].
    fn fixup(&mut self, word: u32, l: Label, fix: Fix) {
        let pos = self.pos();
        self.fixups.push((pos, l, fix));
        self.emit(word);
    }

    /// LDR/STR (immediate): unsigned scaled offset if possible, else unscaled 9-bit signed.
    fn ldst(&mut self, op: LdSt, rt: u8, base: X, off: i32) {
        let scale = 1i32 << op.size;
        // size 111 V 0x opc …: bit 24 set selects the unsigned-offset form.
        let head = op.size << 30 | 0b111 << 27 | u32::from(op.v) << 26 | op.opc << 22;
        let mode = if off >= 0 && off % scale == 0 && off / scale < 1 << 12 {
            1 << 24 | imm12((off / scale) as u32)
        } else if (-256..=255).contains(&off) {
            imm9(off)
        } else {
            panic!(
                "{}: offset {off} is neither a multiple of {scale} in 0..={} nor in -256..=255",
                op.name,
                4095 * scale
            );
        };
        self.emit(head | mode | rn(base.0) | rd(rt));
    }

    /// STP/LDP: imm7 scaled by 8.
    fn pair(&mut self, op: Pair, mode: PairMode, a: u8, b: u8, base: X, off: i32) {
        assert!(
            off % 8 == 0 && (-512..=504).contains(&off),
            "{}: offset {off} is not a multiple of 8 in -512..=504",
            op.name
        );
        if op.load {
            assert!(a != b, "{}: both destinations are register {a}", op.name);
        }
        if !op.v && !matches!(mode, PairMode::Offset) {
            assert!(
                base.0 == 31 || (base.0 != a && base.0 != b),
                "{}: writeback base x{} is also a transferred register",
                op.name,
                base.0
            );
        }
        let word = op.opc << 30
            | 0b101 << 27
            | u32::from(op.v) << 26
            | (mode as u32) << 23
            | u32::from(op.load) << 22
            | imm7(off / 8)
            | rt2(b)
            | rn(base.0)
            | rd(a);
        self.emit(word);
    }
}

/// imm12 and sh of ADD/SUB (immediate): `imm` below 4096, or a multiple of 4096 below 2^24.
fn add_imm(imm: u32, name: &str) -> u32 {
    if imm < 1 << 12 {
        imm12(imm)
    } else if imm & 0xFFF == 0 && imm < 1 << 24 {
        sh12(true) | imm12(imm >> 12)
    } else {
        panic!("{name}: immediate {imm:#x} is neither below 4096 nor a multiple of 4096 below 2^24")
    }
}

fn out_of_range(l: Label, delta: i64, what: &str) -> crate::Error {
    crate::Error::Encode(format!(
        "label {} is {delta} bytes away, out of range for {what}",
        l.0
    ))
}
