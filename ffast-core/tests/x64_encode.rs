//! The x86-64 assembler checked against an independent decoder (iced-x86): every method, every
//! register, a spread of displacements and immediates. Each encoding must decode as exactly one
//! instruction consuming all the bytes, and format to text built here from register names.

use ffast_core::encode::x64::*;
use iced_x86::{
    Decoder, DecoderOptions, Formatter, Instruction, IntelFormatter, MemorySizeOptions, NumberBase,
    OpKind,
};

// ---- oracle -----------------------------------------------------------------------------------

const Q: [&str; 16] = [
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
    "r14", "r15",
];
const D: [&str; 16] = [
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d",
    "r13d", "r14d", "r15d",
];
const W: [&str; 16] = [
    "ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w",
    "r14w", "r15w",
];
const B: [&str; 16] = [
    "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b",
    "r13b", "r14b", "r15b",
];

fn q(r: Gpr) -> &'static str {
    Q[r.num() as usize]
}
fn d(r: Gpr) -> &'static str {
    D[r.num() as usize]
}
fn w(r: Gpr) -> &'static str {
    W[r.num() as usize]
}
fn b(r: Gpr) -> &'static str {
    B[r.num() as usize]
}
fn x(r: Xmm) -> String {
    format!("xmm{}", r.0)
}

const DISPS: [i32; 11] = [
    0,
    8,
    -8,
    127,
    128,
    -128,
    -129,
    0x1234_5678,
    -0x1234_5678,
    i32::MAX,
    i32::MIN,
];
const IMM32S: [i32; 10] = [
    0,
    1,
    -1,
    127,
    128,
    -128,
    -129,
    0x1234_5678,
    i32::MAX,
    i32::MIN,
];

fn xmms() -> impl Iterator<Item = Xmm> {
    (0..16).map(Xmm)
}

fn mems() -> impl Iterator<Item = Mem> {
    Gpr::ALL
        .into_iter()
        .flat_map(|base| DISPS.into_iter().map(move |disp| Mem::new(base, disp)))
}

/// `[base+disp]` as iced prints it in decimal: no `+0`, negative displacements as `-n`.
fn m(mem: Mem) -> String {
    match mem.disp {
        0 => format!("[{}]", q(mem.base)),
        n if n < 0 => format!("[{}-{}]", q(mem.base), -(n as i64)),
        n => format!("[{}+{}]", q(mem.base), n),
    }
}

/// Displacement size the encoder should pick, as iced reports it (disp32 is reported as 8 in
/// 64-bit mode because it is sign-extended to 64 bits).
fn expected_displ_size(mem: Mem) -> u32 {
    let no_disp_possible = !matches!(mem.base, Gpr::Rbp | Gpr::R13);
    if mem.disp == 0 && no_disp_possible {
        0
    } else if i8::try_from(mem.disp).is_ok() {
        1
    } else {
        8
    }
}

fn formatter() -> IntelFormatter {
    let mut f = IntelFormatter::new();
    let o = f.options_mut();
    o.set_number_base(NumberBase::Decimal);
    o.set_signed_immediate_operands(true);
    o.set_memory_size_options(MemorySizeOptions::Always);
    f
}

fn asm(f: impl FnOnce(&mut Asm)) -> Vec<u8> {
    let mut a = Asm::new();
    f(&mut a);
    a.finish().expect("finish")
}

/// Decode `bytes` as exactly one instruction (at ip 0) and return it with its text.
fn decode_one(bytes: &[u8]) -> (Instruction, String) {
    let mut dec = Decoder::with_ip(64, bytes, 0, DecoderOptions::NONE);
    let ins = dec.decode();
    assert!(!ins.is_invalid(), "{bytes:02x?} does not decode");
    assert_eq!(
        ins.len(),
        bytes.len(),
        "{bytes:02x?} is not exactly one instruction"
    );
    let mut s = String::new();
    formatter().format(&ins, &mut s);
    (ins, s)
}

/// Encode one instruction with `f` and check it decodes to `expected`.
fn check(f: impl FnOnce(&mut Asm), expected: &str) -> Instruction {
    let bytes = asm(f);
    let (ins, text) = decode_one(&bytes);
    assert_eq!(text, expected, "bytes {bytes:02x?}");
    // A bare REX (0x40) is only needed to reach spl/bpl/sil/dil: it must appear for every 8-bit
    // register operand (whatever the register) and never elsewhere.
    let rex = bytes
        .iter()
        .copied()
        .find(|b| ![0x66, 0xf2, 0xf3].contains(b));
    let rex = rex.filter(|b| b & 0xf0 == 0x40);
    let has_r8 = text.split([' ', ',']).any(|t| B.contains(&t));
    if has_r8 {
        assert!(
            rex.is_some(),
            "{expected}: 8-bit register without REX: {bytes:02x?}"
        );
    }
    if rex == Some(0x40) {
        assert!(has_r8, "{expected}: redundant REX: {bytes:02x?}");
    }
    ins
}

/// Like [`check`], for a form with a memory operand: also checks the displacement size chosen.
fn check_mem(f: impl FnOnce(&mut Asm), mem: Mem, expected: &str) {
    let ins = check(f, expected);
    assert_eq!(
        ins.memory_displ_size(),
        expected_displ_size(mem),
        "{expected}"
    );
    assert_eq!(
        ins.memory_displacement64(),
        mem.disp as i64 as u64,
        "{expected}"
    );
}

fn pairs() -> impl Iterator<Item = (Gpr, Gpr)> {
    Gpr::ALL
        .into_iter()
        .flat_map(|a| Gpr::ALL.into_iter().map(move |b| (a, b)))
}

// ---- golden bytes -----------------------------------------------------------------------------

#[test]
fn golden_bytes() {
    assert_eq!(
        asm(|a| a.mov_r64_r64(Gpr::Rdi, Gpr::Rsi)),
        [0x48, 0x89, 0xf7]
    );
    assert_eq!(
        asm(|a| a.movsx_r32_r8(Gpr::Rdi, Gpr::Rsi)),
        [0x40, 0x0f, 0xbe, 0xfe]
    );
    assert_eq!(
        asm(|a| a.movzx_r32_r8(Gpr::Rax, Gpr::Rax)),
        [0x40, 0x0f, 0xb6, 0xc0]
    );
    assert_eq!(asm(|a| a.ret()), [0xc3]);
    assert_eq!(
        asm(|a| a.mov_r64_imm64(Gpr::Rax, 0x1122_3344_5566_7788)),
        [0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]
    );
    assert_eq!(
        asm(|a| a.mov_r64_imm64(Gpr::R11, 0)),
        [0x49, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(asm(|a| a.jmp_r64(Gpr::Rax)), [0xff, 0xe0]);
    assert_eq!(asm(|a| a.call_r64(Gpr::R11)), [0x41, 0xff, 0xd3]);
    assert_eq!(
        asm(|a| a.cvtsi2sd_x_r64(Xmm(0), Gpr::Rax)),
        [0xf2, 0x48, 0x0f, 0x2a, 0xc0]
    );
    assert_eq!(
        asm(|a| a.movq_x_r64(Xmm(0), Gpr::Rax)),
        [0x66, 0x48, 0x0f, 0x6e, 0xc0]
    );
    assert_eq!(
        asm(|a| a.movq_r64_x(Gpr::R9, Xmm(9))),
        [0x66, 0x4d, 0x0f, 0x7e, 0xc9]
    );
    assert_eq!(
        asm(|a| a.movsd_x_m(Xmm(8), Mem::new(Gpr::R12, 0))),
        [0xf2, 0x45, 0x0f, 0x10, 0x04, 0x24]
    );
    assert_eq!(
        asm(|a| a.mov_m16_r16(Mem::new(Gpr::R8, 0), Gpr::R9)),
        [0x66, 0x45, 0x89, 0x08]
    );
    assert_eq!(
        asm(|a| a.mov_r64_m64(Gpr::Rax, Mem::new(Gpr::Rbp, 0))),
        [0x48, 0x8b, 0x45, 0x00]
    );
    assert_eq!(
        asm(|a| a.mov_r64_m64(Gpr::Rax, Mem::new(Gpr::Rsp, 8))),
        [0x48, 0x8b, 0x44, 0x24, 0x08]
    );
    assert_eq!(
        asm(|a| a.mov_r64_m64(Gpr::Rax, Mem::new(Gpr::Rbx, 128))),
        [0x48, 0x8b, 0x83, 0x80, 0, 0, 0]
    );
    assert_eq!(
        asm(|a| a.mov_m8_r8(Mem::new(Gpr::Rax, 0), Gpr::Rcx)),
        [0x40, 0x88, 0x08]
    );
    assert_eq!(asm(|a| a.mov_r32_r32(Gpr::Rax, Gpr::Rcx)), [0x89, 0xc8]);
    assert_eq!(asm(|a| a.xor_r32_r32(Gpr::Rax, Gpr::Rax)), [0x31, 0xc0]);
    assert_eq!(asm(|a| a.push_r64(Gpr::Rbp)), [0x55]);
    assert_eq!(asm(|a| a.pop_r64(Gpr::R15)), [0x41, 0x5f]);
    assert_eq!(
        asm(|a| a.sub_r64_imm32(Gpr::Rsp, 8)),
        [0x48, 0x83, 0xec, 0x08]
    );
    assert_eq!(
        asm(|a| a.add_r64_imm32(Gpr::Rsp, 128)),
        [0x48, 0x81, 0xc4, 0x80, 0, 0, 0]
    );
    assert_eq!(asm(|a| a.movaps_x_x(Xmm(1), Xmm(2))), [0x0f, 0x28, 0xca]);
    assert_eq!(asm(|a| a.leave()), [0xc9]);
    assert_eq!(asm(|a| a.ud2()), [0x0f, 0x0b]);
    assert_eq!(asm(|a| a.int3()), [0xcc]);
}

// ---- integer moves ----------------------------------------------------------------------------

#[test]
fn mov_reg_reg() {
    for (a, b) in pairs() {
        check(|s| s.mov_r64_r64(a, b), &format!("mov {},{}", q(a), q(b)));
        check(|s| s.mov_r32_r32(a, b), &format!("mov {},{}", d(a), d(b)));
    }
}

#[test]
fn mov_imm() {
    let imm64s = [
        0u64,
        1,
        0x7fff_ffff,
        0x8000_0000,
        0x1234_5678_9abc_def0,
        1 << 63,
        u64::MAX,
    ];
    let imm32s = [0u32, 1, 0x7fff_ffff, 0x8000_0000, 0x1234_5678, u32::MAX];
    for r in Gpr::ALL {
        for imm in imm64s {
            let bytes = asm(|s| s.mov_r64_imm64(r, imm));
            assert_eq!(bytes.len(), 10, "movabs must always be 10 bytes");
            assert_eq!(&bytes[2..], imm.to_le_bytes(), "imm64 at a fixed offset");
            let (_, text) = decode_one(&bytes);
            assert_eq!(text, format!("mov {},{}", q(r), imm as i64));
        }
        for imm in imm32s {
            check(
                |s| s.mov_r32_imm32(r, imm),
                &format!("mov {},{}", d(r), imm as i32),
            );
        }
    }
}

#[test]
fn mov_mem() {
    for r in Gpr::ALL {
        for mem in mems() {
            let mm = m(mem);
            check_mem(
                |s| s.mov_r64_m64(r, mem),
                mem,
                &format!("mov {},qword ptr {mm}", q(r)),
            );
            check_mem(
                |s| s.mov_m64_r64(mem, r),
                mem,
                &format!("mov qword ptr {mm},{}", q(r)),
            );
            check_mem(
                |s| s.mov_r32_m32(r, mem),
                mem,
                &format!("mov {},dword ptr {mm}", d(r)),
            );
            check_mem(
                |s| s.mov_m32_r32(mem, r),
                mem,
                &format!("mov dword ptr {mm},{}", d(r)),
            );
            check_mem(
                |s| s.mov_m16_r16(mem, r),
                mem,
                &format!("mov word ptr {mm},{}", w(r)),
            );
            check_mem(
                |s| s.mov_m8_r8(mem, r),
                mem,
                &format!("mov byte ptr {mm},{}", b(r)),
            );
        }
    }
}

#[test]
fn mov_mem_imm() {
    for mem in mems() {
        for imm in IMM32S {
            check_mem(
                |s| s.mov_m64_imm32(mem, imm),
                mem,
                &format!("mov qword ptr {},{imm}", m(mem)),
            );
        }
    }
}

// ---- extensions -------------------------------------------------------------------------------

#[test]
fn extensions_reg() {
    for (a, r) in pairs() {
        check(
            |s| s.movsx_r32_r8(a, r),
            &format!("movsx {},{}", d(a), b(r)),
        );
        check(
            |s| s.movsx_r32_r16(a, r),
            &format!("movsx {},{}", d(a), w(r)),
        );
        check(
            |s| s.movzx_r32_r8(a, r),
            &format!("movzx {},{}", d(a), b(r)),
        );
        check(
            |s| s.movzx_r32_r16(a, r),
            &format!("movzx {},{}", d(a), w(r)),
        );
        check(
            |s| s.movsxd_r64_r32(a, r),
            &format!("movsxd {},{}", q(a), d(r)),
        );
    }
}

#[test]
fn extensions_mem() {
    for r in Gpr::ALL {
        for mem in mems() {
            let mm = m(mem);
            check_mem(
                |s| s.movsx_r32_m8(r, mem),
                mem,
                &format!("movsx {},byte ptr {mm}", d(r)),
            );
            check_mem(
                |s| s.movsx_r32_m16(r, mem),
                mem,
                &format!("movsx {},word ptr {mm}", d(r)),
            );
            check_mem(
                |s| s.movzx_r32_m8(r, mem),
                mem,
                &format!("movzx {},byte ptr {mm}", d(r)),
            );
            check_mem(
                |s| s.movzx_r32_m16(r, mem),
                mem,
                &format!("movzx {},word ptr {mm}", d(r)),
            );
            check_mem(
                |s| s.movsxd_r64_m32(r, mem),
                mem,
                &format!("movsxd {},dword ptr {mm}", q(r)),
            );
        }
    }
}

// ---- address and arithmetic -------------------------------------------------------------------

#[test]
fn lea() {
    for r in Gpr::ALL {
        for mem in mems() {
            check_mem(
                |s| s.lea_r64_m(r, mem),
                mem,
                &format!("lea {},{}", q(r), m(mem)),
            );
        }
    }
}

#[test]
fn arith_imm() {
    type F = fn(&mut Asm, Gpr, i32);
    let forms: [(&str, F); 4] = [
        ("add", Asm::add_r64_imm32),
        ("sub", Asm::sub_r64_imm32),
        ("and", Asm::and_r64_imm32),
        ("cmp", Asm::cmp_r64_imm32),
    ];
    for (mnemonic, f) in forms {
        for r in Gpr::ALL {
            for imm in IMM32S {
                let ins = check(|s| f(s, r, imm), &format!("{mnemonic} {},{imm}", q(r)));
                let want = if i8::try_from(imm).is_ok() {
                    OpKind::Immediate8to64
                } else {
                    OpKind::Immediate32to64
                };
                assert_eq!(
                    ins.op1_kind(),
                    want,
                    "{mnemonic} {} {imm}: immediate form",
                    q(r)
                );
            }
        }
    }
}

#[test]
fn arith_reg() {
    for (a, b) in pairs() {
        check(|s| s.add_r64_r64(a, b), &format!("add {},{}", q(a), q(b)));
        check(|s| s.cmp_r64_r64(a, b), &format!("cmp {},{}", q(a), q(b)));
        check(|s| s.test_r64_r64(a, b), &format!("test {},{}", q(a), q(b)));
        check(|s| s.xor_r32_r32(a, b), &format!("xor {},{}", d(a), d(b)));
    }
}

// ---- stack and control flow -------------------------------------------------------------------

#[test]
fn stack_and_indirect() {
    for r in Gpr::ALL {
        check(|s| s.push_r64(r), &format!("push {}", q(r)));
        check(|s| s.pop_r64(r), &format!("pop {}", q(r)));
        check(|s| s.call_r64(r), &format!("call {}", q(r)));
        check(|s| s.jmp_r64(r), &format!("jmp {}", q(r)));
    }
}

#[test]
fn no_operand() {
    check(|s| s.leave(), "leave");
    check(|s| s.ret(), "ret");
    check(|s| s.ud2(), "ud2");
    check(|s| s.int3(), "int3");
}

// ---- SSE --------------------------------------------------------------------------------------

#[test]
fn sse_mem() {
    for v in xmms() {
        for mem in mems() {
            let (xv, mm) = (x(v), m(mem));
            check_mem(
                |s| s.movsd_x_m(v, mem),
                mem,
                &format!("movsd {xv},qword ptr {mm}"),
            );
            check_mem(
                |s| s.movsd_m_x(mem, v),
                mem,
                &format!("movsd qword ptr {mm},{xv}"),
            );
            check_mem(
                |s| s.movss_x_m(v, mem),
                mem,
                &format!("movss {xv},dword ptr {mm}"),
            );
            check_mem(
                |s| s.movss_m_x(mem, v),
                mem,
                &format!("movss dword ptr {mm},{xv}"),
            );
        }
    }
}

#[test]
fn sse_xmm_xmm() {
    for a in xmms() {
        for b in xmms() {
            check(|s| s.movaps_x_x(a, b), &format!("movaps {},{}", x(a), x(b)));
            check(
                |s| s.cvtss2sd_x_x(a, b),
                &format!("cvtss2sd {},{}", x(a), x(b)),
            );
            check(
                |s| s.cvtsd2ss_x_x(a, b),
                &format!("cvtsd2ss {},{}", x(a), x(b)),
            );
        }
    }
}

#[test]
fn sse_xmm_gpr() {
    for v in xmms() {
        for r in Gpr::ALL {
            check(
                |s| s.cvtsi2sd_x_r64(v, r),
                &format!("cvtsi2sd {},{}", x(v), q(r)),
            );
            check(|s| s.movq_x_r64(v, r), &format!("movq {},{}", x(v), q(r)));
            check(|s| s.movq_r64_x(r, v), &format!("movq {},{}", q(r), x(v)));
        }
    }
}

// ---- labels -----------------------------------------------------------------------------------

const CONDS: [(Cond, &str); 16] = [
    (Cond::O, "jo"),
    (Cond::No, "jno"),
    (Cond::B, "jb"),
    (Cond::Ae, "jae"),
    (Cond::E, "je"),
    (Cond::Ne, "jne"),
    (Cond::Be, "jbe"),
    (Cond::A, "ja"),
    (Cond::S, "js"),
    (Cond::Ns, "jns"),
    (Cond::P, "jp"),
    (Cond::Np, "jnp"),
    (Cond::L, "jl"),
    (Cond::Ge, "jge"),
    (Cond::Le, "jle"),
    (Cond::G, "jg"),
];

/// Decode the whole buffer; returns (offset, instruction, text) for each instruction.
fn decode_all(code: &[u8]) -> Vec<(u64, Instruction, String)> {
    let mut dec = Decoder::with_ip(64, code, 0, DecoderOptions::NONE);
    let mut f = formatter();
    let mut out = Vec::new();
    while dec.can_decode() {
        let ins = dec.decode();
        assert!(!ins.is_invalid(), "invalid instruction at {}", ins.ip());
        let mut s = String::new();
        f.format(&ins, &mut s);
        out.push((ins.ip(), ins, s));
    }
    out
}

#[test]
fn forward_and_backward_jumps() {
    let mut a = Asm::new();
    let top = a.new_label();
    let fwd = a.new_label();
    let mid = a.new_label();
    a.bind(top); // 0
    a.jmp_label(fwd); // 0..5
    a.int3(); // 5
    a.bind(mid); // 6
    a.jcc_label(Cond::Ne, fwd); // 6..12
    a.jcc_label(Cond::E, top); // 12..18
    a.jmp_label(mid); // 18..23
    let here = a.new_label();
    a.bind(here); // 23
    a.jmp_label(here); // 23..28: jump to itself, rel32 = -5
    a.int3(); // 28
    a.bind(fwd); // 29
    a.ret();
    let code = a.finish().unwrap();
    let got: Vec<(u64, String)> = decode_all(&code)
        .into_iter()
        .map(|(ip, _, s)| (ip, s))
        .collect();
    let want: Vec<(u64, String)> = [
        (0, "jmp 29"),
        (5, "int3"),
        (6, "jne 29"),
        (12, "je 0"),
        (18, "jmp 6"),
        (23, "jmp 23"),
        (28, "int3"),
        (29, "ret"),
    ]
    .into_iter()
    .map(|(ip, s)| (ip, s.to_string()))
    .collect();
    assert_eq!(got, want);
    assert_eq!(&code[24..28], (-5i32).to_le_bytes());
}

#[test]
fn every_condition_both_directions() {
    for (cc, mnemonic) in CONDS {
        let mut a = Asm::new();
        let back = a.new_label();
        let fwd = a.new_label();
        a.bind(back);
        a.int3();
        a.jcc_label(cc, back);
        a.jcc_label(cc, fwd);
        // Force the rel32 form to matter: put the target beyond i8 range.
        a.bytes(&[0x90; 300]);
        a.bind(fwd);
        a.ret();
        let code = a.finish().unwrap();
        let ins = decode_all(&code);
        assert_eq!(ins[1].1.len(), 6, "jcc is always rel32");
        assert_eq!(ins[1].2, format!("{mnemonic} 0"));
        assert_eq!(ins[2].2, format!("{mnemonic} {}", 1 + 6 + 6 + 300));
        assert_eq!(ins[1].1.near_branch_target(), 0);
        assert_eq!(ins[2].1.near_branch_target(), 313);
        assert_eq!(ins.last().unwrap().2, "ret");
    }
}

#[test]
fn jmp_is_always_rel32() {
    let mut a = Asm::new();
    let l = a.new_label();
    a.jmp_label(l);
    a.bind(l);
    let code = a.finish().unwrap();
    assert_eq!(code, [0xe9, 0, 0, 0, 0]);
}

#[test]
fn labels_are_distinct() {
    let mut a = Asm::new();
    let l1 = a.new_label();
    let l2 = a.new_label();
    assert_ne!(l1, l2);
}

#[test]
fn unbound_label_is_an_error() {
    let mut a = Asm::new();
    let l = a.new_label();
    let _unused_unbound = a.new_label(); // never referenced: not an error
    a.jmp_label(l);
    a.ret();
    match a.finish() {
        Err(ffast_core::Error::Encode(_)) => {}
        other => panic!("expected Error::Encode, got {other:?}"),
    }
}

#[test]
fn unreferenced_unbound_label_is_fine() {
    let mut a = Asm::new();
    let _ = a.new_label();
    a.ret();
    assert_eq!(a.finish().unwrap(), [0xc3]);
}

#[test]
#[should_panic(expected = "bound twice")]
fn binding_twice_panics() {
    let mut a = Asm::new();
    let l = a.new_label();
    a.bind(l);
    a.ret();
    a.bind(l);
}

#[test]
fn len_and_bytes() {
    let mut a = Asm::new();
    assert!(a.is_empty());
    a.ret();
    a.bytes(&[1, 2, 3]);
    assert_eq!(a.len(), 4);
    assert!(!a.is_empty());
    assert_eq!(a.finish().unwrap(), [0xc3, 1, 2, 3]);
}
