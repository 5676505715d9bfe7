//! x86-64 assembler: only the instructions ffast's trampolines need.
//!
//! One method per mnemonic and operand form, destination first; the operand width is part of
//! the method name (`mov_r32_r32` vs `mov_r64_r64`), registers are typed (`Gpr`, `Xmm`), memory
//! operands are values (`Mem`). Every form is checked against an independent decoder in the
//! tests (iced-x86), across all registers.

/// A general-purpose register, by hardware number. The width used is given by the method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Gpr {
    Rax = 0,
    Rcx = 1,
    Rdx = 2,
    Rbx = 3,
    Rsp = 4,
    Rbp = 5,
    Rsi = 6,
    Rdi = 7,
    R8 = 8,
    R9 = 9,
    R10 = 10,
    R11 = 11,
    R12 = 12,
    R13 = 13,
    R14 = 14,
    R15 = 15,
}

impl Gpr {
    pub const ALL: [Gpr; 16] = [
        Gpr::Rax,
        Gpr::Rcx,
        Gpr::Rdx,
        Gpr::Rbx,
        Gpr::Rsp,
        Gpr::Rbp,
        Gpr::Rsi,
        Gpr::Rdi,
        Gpr::R8,
        Gpr::R9,
        Gpr::R10,
        Gpr::R11,
        Gpr::R12,
        Gpr::R13,
        Gpr::R14,
        Gpr::R15,
    ];

    /// The register with hardware number `n` (0..16).
    pub fn from_num(n: u8) -> Gpr {
        Gpr::ALL[n as usize]
    }

    pub fn num(self) -> u8 {
        self as u8
    }
}

/// An SSE register xmm0..xmm15.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Xmm(pub u8);

/// A memory operand `[base + disp]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mem {
    pub base: Gpr,
    pub disp: i32,
}

impl Mem {
    pub fn new(base: Gpr, disp: i32) -> Mem {
        Mem { base, disp }
    }
}

/// Condition codes, with their hardware numbers (the low nibble of `Jcc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Cond {
    O = 0,
    No = 1,
    B = 2,
    Ae = 3,
    E = 4,
    Ne = 5,
    Be = 6,
    A = 7,
    S = 8,
    Ns = 9,
    P = 10,
    Np = 11,
    L = 12,
    Ge = 13,
    Le = 14,
    G = 15,
}

pub use super::Label;
use super::Labels;

/// One opcode form: what goes around the ModRM byte.
#[derive(Clone, Copy)]
struct Op {
    /// Operand-size or mandatory prefix (66/F2/F3); emitted before REX.
    pfx: Option<u8>,
    /// REX.W: 64-bit operand size.
    w: bool,
    /// An 8-bit register operand: always emit REX so spl/bpl/sil/dil are encoded (not ah..bh).
    byte: bool,
    /// Opcode bytes (after prefixes and REX).
    opc: &'static [u8],
}

const fn op(opc: &'static [u8]) -> Op {
    Op {
        pfx: None,
        w: false,
        byte: false,
        opc,
    }
}

impl Op {
    const fn w(self) -> Op {
        Op { w: true, ..self }
    }
    const fn pfx(self, p: u8) -> Op {
        Op {
            pfx: Some(p),
            ..self
        }
    }
    const fn byte(self) -> Op {
        Op { byte: true, ..self }
    }
}

/// The REX prefix for REX.W and the high bits of ModRM.reg (R), SIB.index (X) and
/// ModRM.rm / SIB.base / opcode reg (B); `None` when no REX is needed and none is forced.
fn rex(w: bool, reg: u8, index: u8, base: u8, force: bool) -> Option<u8> {
    let bits =
        (u8::from(w) << 3) | ((reg >> 3) & 1) << 2 | ((index >> 3) & 1) << 1 | ((base >> 3) & 1);
    (bits != 0 || force).then_some(0x40 | bits)
}

/// Hardware number of an xmm register; panics outside xmm0..xmm15 (a caller bug).
fn xmm(x: Xmm) -> u8 {
    assert!(x.0 < 16, "xmm{} does not exist without EVEX", x.0);
    x.0
}

/// The assembler: appends encoded instructions to a byte buffer.
#[derive(Default)]
pub struct Asm {
    pub(crate) buf: Vec<u8>,
    labels: Labels,
    /// (position of a rel32 field, label it refers to)
    pub(crate) fixups: Vec<(u32, Label)>,
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

    /// Resolve label references and return the code. Errors if a referenced label was never bound.
    pub fn finish(self) -> Result<Vec<u8>, crate::Error> {
        let mut buf = self.buf;
        for (pos, l) in self.fixups {
            let target = self.labels.target(l)?;
            let rel = i64::from(target) - (i64::from(pos) + 4);
            let rel = i32::try_from(rel).map_err(|_| {
                crate::Error::Encode(format!("jump to label {} out of rel32 range", l.0))
            })?;
            let p = pos as usize;
            buf[p..p + 4].copy_from_slice(&rel.to_le_bytes());
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

    /// Append raw bytes (data embedded in code, e.g. a 64-bit literal).
    pub fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    // ---- integer moves -------------------------------------------------------------------
    /// MOV r/m64, r64 — REX.W 89 /r
    pub fn mov_r64_r64(&mut self, dst: Gpr, src: Gpr) {
        self.rr(op(&[0x89]).w(), src.num(), dst.num());
    }
    /// MOV r/m32, r32 — 89 /r (zero-extends into the upper half)
    pub fn mov_r32_r32(&mut self, dst: Gpr, src: Gpr) {
        self.rr(op(&[0x89]), src.num(), dst.num());
    }
    /// MOV r64, imm64 — REX.W B8+rd io
    pub fn mov_r64_imm64(&mut self, dst: Gpr, imm: u64) {
        self.opreg(true, 0xB8, dst.num());
        self.buf.extend_from_slice(&imm.to_le_bytes());
    }
    /// MOV r32, imm32 — B8+rd id
    pub fn mov_r32_imm32(&mut self, dst: Gpr, imm: u32) {
        self.opreg(false, 0xB8, dst.num());
        self.buf.extend_from_slice(&imm.to_le_bytes());
    }
    /// MOV r64, r/m64 — REX.W 8B /r
    pub fn mov_r64_m64(&mut self, dst: Gpr, src: Mem) {
        self.rm(op(&[0x8B]).w(), dst.num(), src);
    }
    /// MOV r/m64, r64 — REX.W 89 /r
    pub fn mov_m64_r64(&mut self, dst: Mem, src: Gpr) {
        self.rm(op(&[0x89]).w(), src.num(), dst);
    }
    /// MOV r32, r/m32 — 8B /r
    pub fn mov_r32_m32(&mut self, dst: Gpr, src: Mem) {
        self.rm(op(&[0x8B]), dst.num(), src);
    }
    /// MOV r/m32, r32 — 89 /r
    pub fn mov_m32_r32(&mut self, dst: Mem, src: Gpr) {
        self.rm(op(&[0x89]), src.num(), dst);
    }
    /// MOV r/m8, r8 — REX 88 /r (REX always emitted so spl/bpl/sil/dil are reachable)
    pub fn mov_m8_r8(&mut self, dst: Mem, src: Gpr) {
        self.rm(op(&[0x88]).byte(), src.num(), dst);
    }
    /// MOV r/m16, r16 — 66 89 /r
    pub fn mov_m16_r16(&mut self, dst: Mem, src: Gpr) {
        self.rm(op(&[0x89]).pfx(0x66), src.num(), dst);
    }
    /// MOV r/m64, imm32 (sign-extended) — REX.W C7 /0 id
    pub fn mov_m64_imm32(&mut self, dst: Mem, imm: i32) {
        self.rm(op(&[0xC7]).w(), 0, dst);
        self.buf.extend_from_slice(&imm.to_le_bytes());
    }

    // ---- extensions ----------------------------------------------------------------------
    /// MOVSX r32, r/m8 — 0F BE /r
    pub fn movsx_r32_r8(&mut self, dst: Gpr, src: Gpr) {
        self.rr(op(&[0x0F, 0xBE]).byte(), dst.num(), src.num());
    }
    /// MOVSX r32, r/m16 — 0F BF /r
    pub fn movsx_r32_r16(&mut self, dst: Gpr, src: Gpr) {
        self.rr(op(&[0x0F, 0xBF]), dst.num(), src.num());
    }
    /// MOVZX r32, r/m8 — 0F B6 /r
    pub fn movzx_r32_r8(&mut self, dst: Gpr, src: Gpr) {
        self.rr(op(&[0x0F, 0xB6]).byte(), dst.num(), src.num());
    }
    /// MOVZX r32, r/m16 — 0F B7 /r
    pub fn movzx_r32_r16(&mut self, dst: Gpr, src: Gpr) {
        self.rr(op(&[0x0F, 0xB7]), dst.num(), src.num());
    }
    /// MOVSXD r64, r/m32 — REX.W 63 /r
    pub fn movsxd_r64_r32(&mut self, dst: Gpr, src: Gpr) {
        self.rr(op(&[0x63]).w(), dst.num(), src.num());
    }
    /// MOVSX r32, m8 — 0F BE /r
    pub fn movsx_r32_m8(&mut self, dst: Gpr, src: Mem) {
        self.rm(op(&[0x0F, 0xBE]), dst.num(), src);
    }
    /// MOVSX r32, m16 — 0F BF /r
    pub fn movsx_r32_m16(&mut self, dst: Gpr, src: Mem) {
        self.rm(op(&[0x0F, 0xBF]), dst.num(), src);
    }
    /// MOVZX r32, m8 — 0F B6 /r
    pub fn movzx_r32_m8(&mut self, dst: Gpr, src: Mem) {
        self.rm(op(&[0x0F, 0xB6]), dst.num(), src);
    }
    /// MOVZX r32, m16 — 0F B7 /r
    pub fn movzx_r32_m16(&mut self, dst: Gpr, src: Mem) {
        self.rm(op(&[0x0F, 0xB7]), dst.num(), src);
    }
    /// MOVSXD r64, m32 — REX.W 63 /r
    pub fn movsxd_r64_m32(&mut self, dst: Gpr, src: Mem) {
        self.rm(op(&[0x63]).w(), dst.num(), src);
    }

    // ---- address and arithmetic ----------------------------------------------------------
    /// LEA r64, m — REX.W 8D /r
    pub fn lea_r64_m(&mut self, dst: Gpr, src: Mem) {
        self.rm(op(&[0x8D]).w(), dst.num(), src);
    }
    /// ADD r/m64, imm32 — REX.W 81 /0 id (imm8 form 83 /0 ib when it fits)
    pub fn add_r64_imm32(&mut self, dst: Gpr, imm: i32) {
        self.alu_imm(0, dst, imm);
    }
    /// SUB r/m64, imm32 — REX.W 81 /5 id (imm8 form 83 /5 ib when it fits)
    pub fn sub_r64_imm32(&mut self, dst: Gpr, imm: i32) {
        self.alu_imm(5, dst, imm);
    }
    /// ADD r/m64, r64 — REX.W 01 /r
    pub fn add_r64_r64(&mut self, dst: Gpr, src: Gpr) {
        self.rr(op(&[0x01]).w(), src.num(), dst.num());
    }
    /// CMP r/m64, r64 — REX.W 39 /r
    pub fn cmp_r64_r64(&mut self, a: Gpr, b: Gpr) {
        self.rr(op(&[0x39]).w(), b.num(), a.num());
    }
    /// AND r/m64, imm32 — REX.W 81 /4 id (imm8 form 83 /4 ib when it fits); the immediate is
    /// sign-extended, so `-32` clears the low five bits (aligning rsp down).
    pub fn and_r64_imm32(&mut self, dst: Gpr, imm: i32) {
        self.alu_imm(4, dst, imm);
    }
    /// CMP r/m64, imm32 — REX.W 81 /7 id (imm8 form 83 /7 ib when it fits)
    pub fn cmp_r64_imm32(&mut self, a: Gpr, imm: i32) {
        self.alu_imm(7, a, imm);
    }
    /// TEST r/m64, r64 — REX.W 85 /r
    pub fn test_r64_r64(&mut self, a: Gpr, b: Gpr) {
        self.rr(op(&[0x85]).w(), b.num(), a.num());
    }
    /// XOR r/m32, r32 — 31 /r (the zeroing idiom)
    pub fn xor_r32_r32(&mut self, dst: Gpr, src: Gpr) {
        self.rr(op(&[0x31]), src.num(), dst.num());
    }

    // ---- stack and control flow ----------------------------------------------------------
    /// PUSH r64 — 50+rd
    pub fn push_r64(&mut self, r: Gpr) {
        self.opreg(false, 0x50, r.num());
    }
    /// POP r64 — 58+rd
    pub fn pop_r64(&mut self, r: Gpr) {
        self.opreg(false, 0x58, r.num());
    }
    /// CALL r/m64 — FF /2
    pub fn call_r64(&mut self, r: Gpr) {
        self.rr(op(&[0xFF]), 2, r.num());
    }
    /// JMP r/m64 — FF /4
    pub fn jmp_r64(&mut self, r: Gpr) {
        self.rr(op(&[0xFF]), 4, r.num());
    }
    /// JMP rel32 — E9 cd
    pub fn jmp_label(&mut self, l: Label) {
        self.buf.push(0xE9);
        self.rel32_fixup(l);
    }
    /// Jcc rel32 — 0F 80+cc cd
    pub fn jcc_label(&mut self, cc: Cond, l: Label) {
        self.buf.extend_from_slice(&[0x0F, 0x80 | cc as u8]);
        self.rel32_fixup(l);
    }
    /// LEAVE — C9
    pub fn leave(&mut self) {
        self.buf.push(0xC9);
    }
    /// RET — C3
    pub fn ret(&mut self) {
        self.buf.push(0xC3);
    }
    /// UD2 — 0F 0B
    pub fn ud2(&mut self) {
        self.buf.extend_from_slice(&[0x0F, 0x0B]);
    }
    /// INT3 — CC
    pub fn int3(&mut self) {
        self.buf.push(0xCC);
    }

    // ---- SSE -----------------------------------------------------------------------------
    /// MOVSD xmm, m64 — F2 0F 10 /r
    pub fn movsd_x_m(&mut self, dst: Xmm, src: Mem) {
        self.rm(op(&[0x0F, 0x10]).pfx(0xF2), xmm(dst), src);
    }
    /// MOVSD m64, xmm — F2 0F 11 /r
    pub fn movsd_m_x(&mut self, dst: Mem, src: Xmm) {
        self.rm(op(&[0x0F, 0x11]).pfx(0xF2), xmm(src), dst);
    }
    /// MOVSS xmm, m32 — F3 0F 10 /r
    pub fn movss_x_m(&mut self, dst: Xmm, src: Mem) {
        self.rm(op(&[0x0F, 0x10]).pfx(0xF3), xmm(dst), src);
    }
    /// MOVSS m32, xmm — F3 0F 11 /r
    pub fn movss_m_x(&mut self, dst: Mem, src: Xmm) {
        self.rm(op(&[0x0F, 0x11]).pfx(0xF3), xmm(src), dst);
    }
    /// MOVAPS xmm, xmm — 0F 28 /r
    pub fn movaps_x_x(&mut self, dst: Xmm, src: Xmm) {
        self.rr(op(&[0x0F, 0x28]), xmm(dst), xmm(src));
    }
    /// CVTSI2SD xmm, r/m64 — F2 REX.W 0F 2A /r
    pub fn cvtsi2sd_x_r64(&mut self, dst: Xmm, src: Gpr) {
        self.rr(op(&[0x0F, 0x2A]).pfx(0xF2).w(), xmm(dst), src.num());
    }
    /// CVTSS2SD xmm, xmm — F3 0F 5A /r
    pub fn cvtss2sd_x_x(&mut self, dst: Xmm, src: Xmm) {
        self.rr(op(&[0x0F, 0x5A]).pfx(0xF3), xmm(dst), xmm(src));
    }
    /// CVTSD2SS xmm, xmm — F2 0F 5A /r
    pub fn cvtsd2ss_x_x(&mut self, dst: Xmm, src: Xmm) {
        self.rr(op(&[0x0F, 0x5A]).pfx(0xF2), xmm(dst), xmm(src));
    }
    /// MOVQ xmm, r64 — 66 REX.W 0F 6E /r
    pub fn movq_x_r64(&mut self, dst: Xmm, src: Gpr) {
        self.rr(op(&[0x0F, 0x6E]).pfx(0x66).w(), xmm(dst), src.num());
    }
    /// MOVQ r64, xmm — 66 REX.W 0F 7E /r
    pub fn movq_r64_x(&mut self, dst: Gpr, src: Xmm) {
        self.rr(op(&[0x0F, 0x7E]).pfx(0x66).w(), xmm(src), dst.num());
    }

    // ---- encoding helpers ----------------------------------------------------------------
    fn pos(&self) -> u32 {
        u32::try_from(self.buf.len()).expect("code larger than 4 GiB")
    }

    /// Prefix, REX and opcode of `o`, for ModRM.reg = `reg` and rm/base = `base`.
    fn head(&mut self, o: Op, reg: u8, base: u8) {
        if let Some(p) = o.pfx {
            self.buf.push(p);
        }
        if let Some(r) = rex(o.w, reg, 0, base, o.byte) {
            self.buf.push(r);
        }
        self.buf.extend_from_slice(o.opc);
    }

    /// ModRM for a register operand: mod = 11.
    fn modrm_reg(&mut self, reg: u8, rm: u8) {
        self.buf.push(0xC0 | (reg & 7) << 3 | (rm & 7));
    }

    /// ModRM (+ SIB) (+ disp8/disp32) for `[base + disp]`.
    fn modrm_mem(&mut self, reg: u8, m: Mem) {
        let base = m.base.num() & 7;
        // rbp/r13 with mod = 00 would mean RIP-relative / disp32-only: use a disp8 of 0.
        let md = if m.disp == 0 && base != 5 {
            0b00
        } else if i8::try_from(m.disp).is_ok() {
            0b01
        } else {
            0b10
        };
        self.buf.push(md << 6 | (reg & 7) << 3 | base);
        if base == 4 {
            // rsp/r12: rm = 100 means "SIB follows"; SIB = no index, base = rsp/r12.
            self.buf.push(0x24);
        }
        match md {
            0b01 => self.buf.push(m.disp as u8),
            0b10 => self.buf.extend_from_slice(&m.disp.to_le_bytes()),
            _ => {}
        }
    }

    /// `o` with register operands: ModRM.reg = `reg`, ModRM.rm = `rm`.
    fn rr(&mut self, o: Op, reg: u8, rm: u8) {
        self.head(o, reg, rm);
        self.modrm_reg(reg, rm);
    }

    /// `o` with a memory operand: ModRM.reg = `reg`, ModRM.rm = `m`.
    fn rm(&mut self, o: Op, reg: u8, m: Mem) {
        self.head(o, reg, m.base.num());
        self.modrm_mem(reg, m);
    }

    /// Opcode with the register in its low three bits (`op+rd`), REX.B for r8..r15.
    fn opreg(&mut self, w: bool, opc: u8, r: u8) {
        if let Some(x) = rex(w, 0, 0, r, false) {
            self.buf.push(x);
        }
        self.buf.push(opc | (r & 7));
    }

    /// Group-1 ALU op `/ext` on a 64-bit register with an immediate: 83 /ext ib or 81 /ext id.
    fn alu_imm(&mut self, ext: u8, r: Gpr, imm: i32) {
        match i8::try_from(imm) {
            Ok(b) => {
                self.rr(op(&[0x83]).w(), ext, r.num());
                self.buf.push(b as u8);
            }
            Err(_) => {
                self.rr(op(&[0x81]).w(), ext, r.num());
                self.buf.extend_from_slice(&imm.to_le_bytes());
            }
        }
    }

    /// A rel32 field referring to `l`, patched by [`Asm::finish`].
    fn rel32_fixup(&mut self, l: Label) {
        let pos = self.pos();
        self.fixups.push((pos, l));
        self.buf.extend_from_slice(&[0; 4]);
    }
}
