//! AArch64 emission of the three trampoline kinds from a CallPlan (AAPCS64 and Apple's
//! variant: the plan says where values live and, in `stack_slots`, whether stack arguments take
//! 8-byte slots or Apple's natural sizes).
//!
//! Scratch registers: x16/x17 (IP0/IP1, free for veneers and trampolines by AAPCS64 §6.4.1),
//! x9–x11 (temporaries). x17 holds the area's address while aggregate values move. x8 is never
//! a scratch: it carries an indirect result's address (AAPCS64 §6.9). x18 is never touched
//! (reserved on Apple platforms). x19 is saved and restored by the invoker, which keeps its
//! slot pointer there across the call.
//!
//! Every frame is a multiple of 16 bytes, so SP stays 16-byte aligned at each call, as
//! AAPCS64 §6.4.5.1 requires and hardware enforces (qemu does not: tests assert it).

use super::{
    align16, direct_eligible, entry_loc, needs_helper, result_needs_conversion, sign_extends_to_64,
    FastRet, FastTargets, IntMove, MAX_SAFE, STR_SCRATCH, WIDE_NAN_BITS,
};
use crate::encode::arm64::{Asm, Cond, Label, D, S, SP, W, X};
use crate::{AreaSrc, CallPlan, Error, Loc, StackSlots, Type, ValueClass};

const IP0: X = X(16);
/// Holds (a point in) the area while aggregate values move.
const AREA: X = X(17);
const FP: X = X(29);
const LR: X = X(30);

/// 64-bit literals placed after the code, loaded with `LDR Xt, label` (±1 MiB reach).
#[derive(Default)]
struct Pool {
    entries: Vec<(Label, u64)>,
}

impl Pool {
    fn load(&mut self, a: &mut Asm, dst: X, value: u64) {
        let l = match self.entries.iter().find(|(_, v)| *v == value) {
            Some(&(l, _)) => l,
            None => {
                let l = a.new_label();
                self.entries.push((l, value));
                l
            }
        };
        a.ldr_x_label(dst, l);
    }

    fn emit(self, a: &mut Asm) {
        if self.entries.is_empty() {
            return;
        }
        // Literals are 8-byte aligned (LDR literal of an X register needs no alignment, but
        // aligned data is cheaper to load).
        while a.len() & 7 != 0 {
            a.nop();
        }
        for (l, v) in self.entries {
            a.bind(l);
            a.u64_data(v);
        }
    }
}

/// Largest frame whose offsets every load/store form used here can reach (byte loads with a
/// scaled unsigned immediate reach 4095).
const MAX_FRAME: u32 = 4080;

/// Load an integer-class value of C type `ty` from `[base + off]` into `dst`, extended to 32
/// bits for narrow types (Apple requires caller extension; AAPCS64 leaves it unspecified, so
/// extending is always correct).
fn load_int(a: &mut Asm, ty: Type, dst: X, base: X, off: i32) -> Result<(), Error> {
    let w = W(dst.0);
    match IntMove::of(ty, "load_int")? {
        IntMove::Sx8 => a.ldrsb_w(w, base, off),
        IntMove::Zx8 => a.ldrb_w(w, base, off),
        IntMove::Sx16 => a.ldrsh_w(w, base, off),
        IntMove::Zx16 => a.ldrh_w(w, base, off),
        IntMove::W32 => a.ldr_w(w, base, off),
        IntMove::X64 => a.ldr_x(dst, base, off),
    }
    Ok(())
}

/// Register-to-register form of [`load_int`].
fn move_int(a: &mut Asm, ty: Type, dst: X, src: X) -> Result<(), Error> {
    let (wd, ws) = (W(dst.0), W(src.0));
    match IntMove::of(ty, "move_int")? {
        IntMove::Sx8 => a.sxtb_w_w(wd, ws),
        IntMove::Zx8 => a.uxtb_w_w(wd, ws),
        IntMove::Sx16 => a.sxth_w_w(wd, ws),
        IntMove::Zx16 => a.uxth_w_w(wd, ws),
        IntMove::W32 => a.mov_w_w(wd, ws),
        IntMove::X64 => a.mov_x_x(dst, src),
    }
    Ok(())
}

fn load_float(a: &mut Asm, ty: Type, dst: u8, base: X, off: i32) {
    if ty == Type::F32 {
        a.ldr_s(S(dst), base, off)
    } else {
        a.ldr_d(D(dst), base, off)
    }
}

/// Store the C value held in IP0 (integers, extended) into an outgoing stack argument: a whole
/// 8-byte slot (AAPCS64), or exactly the value's size (Apple's natural packing, where the next
/// argument may follow within the same eightbyte).
fn store_stack(a: &mut Asm, ty: Type, off: i32, slots: StackSlots) {
    let w = W(IP0.0);
    match (slots, ty.size()) {
        (StackSlots::Natural, 1) => a.strb_w(w, SP, off),
        (StackSlots::Natural, 2) => a.strh_w(w, SP, off),
        (StackSlots::Natural, 4) => a.str_w(w, SP, off),
        _ => a.str_x(IP0, SP, off),
    }
}

/// Addresses the area through x17: `at(offset)` returns the immediate to use with x17, loading
/// x17 with a new base (the 16-aligned start of the offset's block, so every scaled immediate
/// stays a multiple of its access size) when the last one is out of reach.
struct AreaBase {
    area: u64,
    base: Option<u32>,
}

impl AreaBase {
    fn new(area: usize) -> Self {
        AreaBase {
            area: area as u64,
            base: None,
        }
    }

    fn at(&mut self, a: &mut Asm, pool: &mut Pool, offset: u32) -> i32 {
        match self.base {
            Some(b) if offset >= b && offset - b <= 4080 => (offset - b) as i32,
            _ => {
                let b = offset & !15;
                pool.load(a, AREA, self.area + b as u64);
                self.base = Some(b);
                (offset - b) as i32
            }
        }
    }
}

/// Aggregate arguments bound for the C stack, copied eightbyte by eightbyte through IP0 (or an
/// area address: a copy passed by reference that found no register). Runs before the target's
/// address is loaded into IP0.
fn area_stack_args(a: &mut Asm, pool: &mut Pool, plan: &CallPlan, area: usize) {
    let mut base = AreaBase::new(area);
    for x in &plan.area_args {
        if let Loc::Stack(off) = x.c {
            match x.src {
                // An f32 HFA member is stored alone: Apple packs such an HFA at 4-byte steps,
                // and the next stack argument may follow it directly.
                AreaSrc::Load {
                    offset,
                    ty: Type::F32,
                } => {
                    let o = base.at(a, pool, offset);
                    a.ldr_w(W(IP0.0), AREA, o);
                    a.str_w(W(IP0.0), SP, off as i32);
                    continue;
                }
                AreaSrc::Load { offset, .. } => {
                    let o = base.at(a, pool, offset);
                    a.ldr_x(IP0, AREA, o);
                }
                AreaSrc::Addr { offset } => {
                    let o = base.at(a, pool, offset);
                    a.add_x_x_imm(IP0, AREA, o as u32);
                }
            }
            a.str_x(IP0, SP, off as i32);
        }
    }
}

/// Aggregate arguments bound for registers: eightbytes into x registers, HFA members into v
/// registers, area addresses (copies passed by reference, the x8 result pointer).
fn area_reg_args(a: &mut Asm, pool: &mut Pool, plan: &CallPlan, area: usize) -> Result<(), Error> {
    let mut base = AreaBase::new(area);
    for x in &plan.area_args {
        match (x.c, x.src) {
            (Loc::Gpr(r), AreaSrc::Load { offset, .. }) => {
                let o = base.at(a, pool, offset);
                a.ldr_x(X(r), AREA, o);
            }
            (Loc::Gpr(r), AreaSrc::Addr { offset }) => {
                let o = base.at(a, pool, offset);
                a.add_x_x_imm(X(r), AREA, o as u32);
            }
            (Loc::Fpr(r), AreaSrc::Load { offset, ty }) => {
                let o = base.at(a, pool, offset);
                load_float(a, ty, r, AREA, o);
            }
            (Loc::Stack(_), _) => {}
            (c, src) => return Err(Error::Encode(format!("area argument {src:?} -> {c:?}"))),
        }
    }
    Ok(())
}

/// Right after the call: store an aggregate result's registers into the area.
fn area_result(a: &mut Asm, pool: &mut Pool, plan: &CallPlan, area: usize) -> Result<(), Error> {
    let mut base = AreaBase::new(area);
    for r in &plan.area_ret {
        let o = base.at(a, pool, r.offset);
        match (r.c, r.ty) {
            (Loc::Gpr(g), _) => a.str_x(X(g), AREA, o),
            (Loc::Fpr(v), Type::F32) => a.str_s(S(v), AREA, o),
            (Loc::Fpr(v), _) => a.str_d(D(v), AREA, o),
            (c, _) => return Err(Error::Encode(format!("aggregate result in {c:?}"))),
        }
    }
    Ok(())
}

/// Convert the C result (x0 / v0) to its fast-call representation and run `epilogue` on every
/// exit path.
fn convert_result(
    a: &mut Asm,
    pool: &mut Pool,
    ty: Type,
    wide_slot: usize,
    epilogue: &dyn Fn(&mut Asm),
) -> Result<(), Error> {
    match FastRet::of(ty) {
        FastRet::F64 if ty == Type::F32 => a.fcvt_d_s(D(0), S(0)),
        FastRet::Void | FastRet::F64 => {}
        // Narrow results leave the upper bits of w0 unspecified (AAPCS64 §6.8.2 C.14).
        FastRet::Bool | FastRet::I32 | FastRet::U32 if IntMove::is_narrow(ty) => {
            move_int(a, ty, X(0), X(0))?
        }
        FastRet::Bool | FastRet::I32 | FastRet::U32 => {}
        FastRet::WideSigned | FastRet::WideUnsigned => {
            let unsafe_int = a.new_label();
            pool.load(a, X(9), MAX_SAFE);
            if FastRet::of(ty) == FastRet::WideSigned {
                // -MAX_SAFE <= v <= MAX_SAFE  ⇔  (v + MAX_SAFE) as u64 <= 2·MAX_SAFE
                a.add_x_x_x(X(10), X(0), X(9));
                pool.load(a, X(11), 2 * MAX_SAFE);
                a.cmp_x_x(X(10), X(11));
                a.bcond_label(Cond::Hi, unsafe_int);
                a.scvtf_d_x(D(0), X(0));
            } else {
                a.cmp_x_x(X(0), X(9));
                a.bcond_label(Cond::Hi, unsafe_int);
                a.ucvtf_d_x(D(0), X(0));
            }
            epilogue(a);
            a.bind(unsafe_int);
            pool.load(a, X(9), wide_slot as u64);
            a.str_x(X(0), X(9), 0);
            pool.load(a, X(9), WIDE_NAN_BITS);
            a.fmov_d_x(D(0), X(9));
        }
    }
    epilogue(a);
    Ok(())
}

/// AAPCS64 never asks for more than SP's 16-byte alignment at a call (an argument's stack
/// alignment is capped at 16, docs/abi-stack-alignment.md), so the frames here never realign;
/// a plan that asked for more would be placed wrongly, so it is refused.
fn check_stack_align(plan: &CallPlan) -> Result<(), Error> {
    if plan.stack_align > 16 {
        return Err(Error::Unsupported(format!(
            "arm64: a stack alignment of {} at the call",
            plan.stack_align
        )));
    }
    Ok(())
}

pub(super) fn fast(plan: &CallPlan, t: &FastTargets) -> Result<Vec<u8>, Error> {
    check_stack_align(plan)?;
    // C stack arguments need the framed path's outgoing area.
    let mut a = Asm::new();
    let mut pool = Pool::default();
    if direct_eligible(plan) && plan.c_stack_bytes == 0 {
        fast_direct(&mut a, &mut pool, plan, t)?;
    } else {
        fast_framed(&mut a, &mut pool, plan, t)?;
    }
    pool.emit(&mut a);
    a.finish()
}

/// The direct shape (see the module above); here every C argument also lives in a register:
/// shift x1..x7 down to x0..x6, load the eighth integer from V8's stack into x7, then tail-call
/// (LR still holds V8's return address) — or call and convert the result inside a minimal
/// frame.
fn fast_direct(
    a: &mut Asm,
    pool: &mut Pool,
    plan: &CallPlan,
    t: &FastTargets,
) -> Result<(), Error> {
    let convert = result_needs_conversion(plan.ret.ty);
    // No return address is pushed on arm64: entry stack arguments start at SP, or at SP + 16
    // once the frame record is saved.
    let base = if convert {
        a.stp_x_pre(FP, LR, SP, -16);
        a.mov_x_sp(FP);
        16
    } else {
        0
    };
    // Ascending order: each destination is the previous integer's source, so nothing is
    // overwritten before it is read. FP arguments keep their registers on both sides.
    for arg in &plan.args {
        match (entry_loc(arg)?, arg.c) {
            (Loc::Gpr(s), Loc::Gpr(d)) => move_int(a, arg.ty, X(d), X(s))?,
            (Loc::Stack(off), Loc::Gpr(d)) => load_int(a, arg.ty, X(d), SP, base + off as i32)?,
            (Loc::Fpr(s), Loc::Fpr(d)) if s == d => {}
            (e, c) => return Err(Error::Encode(format!("direct trampoline: {e:?} -> {c:?}"))),
        }
    }
    pool.load(a, IP0, t.target as u64);
    if !convert {
        a.br(IP0);
        return Ok(());
    }
    a.blr(IP0);
    convert_result(a, pool, plan.ret.ty, t.wide_slot, &|a| {
        a.ldp_x_post(FP, LR, SP, 16);
        a.ret();
    })
}

/// The general case. Frame (all offsets from SP after the prologue, so every access uses a
/// positive scaled immediate):
///
/// ```text
///   [x29+16+off]              entry stack arguments
///   [x29] / [x29+8]           saved x29 / x30
///   [sp + str_at + 256k]      string scratch k
///   [sp + save]               saved x0, d0 around the string frees
///   [sp + spill + 8i]         spill slot of argument i (i = n: the options pointer, when
///                             the trampoline may give up and it arrived in a register)
///   [sp + off]                outgoing C stack arguments
/// ```
fn fast_framed(
    a: &mut Asm,
    pool: &mut Pool,
    plan: &CallPlan,
    t: &FastTargets,
) -> Result<(), Error> {
    // With a fallback, the options pointer gets spill slot n (when it arrives in a register).
    let options = super::fallback_options(plan, t)?;
    let n = plan.args.len() as u32;
    let strings = super::string_args(plan);
    let spill = align16(plan.c_stack_bytes);
    let save = spill + 8 * (n + options.is_some() as u32);
    let str_at = align16(save + 16);
    let frame = align16(str_at + STR_SCRATCH * strings.len() as u32);
    if frame > MAX_FRAME {
        return Err(Error::Unsupported(
            "trampoline frame beyond arm64 immediate reach (too many string arguments)".into(),
        ));
    }
    let slot = |i: usize| (spill + 8 * i as u32) as i32;
    let scratch = |k: usize| str_at + STR_SCRATCH * k as u32;

    a.stp_x_pre(FP, LR, SP, -16);
    a.mov_x_sp(FP);
    a.sub_x_x_imm(SP, SP, frame);

    // 1. Save every register argument before a helper call clobbers it.
    for (i, arg) in plan.args.iter().enumerate() {
        match entry_loc(arg)? {
            Loc::Gpr(r) => a.str_x(X(r), SP, slot(i)),
            Loc::Fpr(r) => a.str_d(D(r), SP, slot(i)),
            Loc::Stack(_) => {}
        }
    }
    let options_at = match options {
        Some(Loc::Gpr(r)) => {
            a.str_x(X(r), SP, slot(n as usize));
            Some((SP, slot(n as usize)))
        }
        Some(Loc::Stack(off)) => Some((FP, 16 + off as i32)),
        _ => None,
    };
    let give_up = a.new_label();
    // Where argument i's entry value is now: (base register, offset).
    let source = |i: usize| -> Result<(X, i32), Error> {
        Ok(match entry_loc(&plan.args[i])? {
            Loc::Stack(off) => (FP, 16 + off as i32),
            _ => (SP, slot(i)),
        })
    };

    // 2. Helper conversions; each result replaces the argument in its spill slot. String k
    //    (in argument order) owns scratch k.
    let scratch_of = |i: usize| strings.iter().position(|&s| s == i).unwrap_or(0);
    for i in super::helper_order(plan, options.is_some()) {
        let (b, o) = source(i)?;
        a.ldr_x(X(0), b, o);
        if plan.args[i].ty == Type::String {
            a.add_x_x_imm(X(1), SP, scratch(scratch_of(i)));
            a.movz_x(X(2), STR_SCRATCH as u16, 0);
            pool.load(a, IP0, t.str_in as u64);
            a.blr(IP0);
        } else {
            pool.load(a, IP0, t.buf_addr as u64);
            a.blr(IP0);
            if options.is_some() {
                // BUF_FALLBACK (all ones) + 1 = 0: this call belongs to V8's slow path.
                a.add_x_x_imm(X(9), X(0), 1);
                a.cbz_x_label(X(9), give_up);
            }
        }
        a.str_x(X(0), SP, slot(i));
    }
    let value_at = |i: usize| -> Result<(X, i32), Error> {
        if needs_helper(plan.args[i].ty) {
            Ok((SP, slot(i)))
        } else {
            source(i)
        }
    };

    // 3. Outgoing stack arguments, through IP0.
    for (i, arg) in plan.args.iter().enumerate() {
        if let Loc::Stack(off) = arg.c {
            let (b, o) = value_at(i)?;
            match arg.ty.class() {
                ValueClass::Int { .. } => load_int(a, arg.ty, IP0, b, o)?,
                ValueClass::Float { size: 4 } => a.ldr_w(W(IP0.0), b, o),
                _ => a.ldr_x(IP0, b, o),
            }
            store_stack(a, arg.ty, off as i32, plan.stack_slots);
        }
    }
    area_stack_args(a, pool, plan, t.area);
    // 4. Register arguments, all from memory: no ordering hazards.
    for (i, arg) in plan.args.iter().enumerate() {
        let (b, o) = value_at(i)?;
        match arg.c {
            Loc::Gpr(r) => load_int(a, arg.ty, X(r), b, o)?,
            Loc::Fpr(r) => load_float(a, arg.ty, r, b, o),
            Loc::Stack(_) => {}
        }
    }
    area_reg_args(a, pool, plan, t.area)?;
    // 5. The call.
    pool.load(a, IP0, t.target as u64);
    a.blr(IP0);
    area_result(a, pool, plan, t.area)?;

    // 6. Release string copies that did not fit their scratch. A string result may point into
    //    a copy: str_release moves it out of each copy before that copy ends (the result stays
    //    in x0, chained through the calls).
    if !strings.is_empty() && plan.ret.ty == Type::String {
        for (k, &i) in strings.iter().enumerate() {
            a.ldr_x(X(1), SP, slot(i));
            a.add_x_x_imm(X(2), SP, scratch(k));
            pool.load(a, IP0, t.str_release as u64);
            a.blr(IP0);
        }
    } else if !strings.is_empty() {
        a.str_x(X(0), SP, save as i32);
        a.str_d(D(0), SP, save as i32 + 8);
        for (k, &i) in strings.iter().enumerate() {
            let skip = a.new_label();
            a.ldr_x(X(0), SP, slot(i));
            a.add_x_x_imm(X(1), SP, scratch(k));
            a.cmp_x_x(X(0), X(1));
            a.bcond_label(Cond::Eq, skip);
            pool.load(a, IP0, t.str_free as u64);
            a.blr(IP0);
            a.bind(skip);
        }
        a.ldr_x(X(0), SP, save as i32);
        a.ldr_d(D(0), SP, save as i32 + 8);
    }
    // 7. Result, epilogue.
    let epilogue = |a: &mut Asm| {
        a.mov_sp_x(FP);
        a.ldp_x_post(FP, LR, SP, 16);
        a.ret();
    };
    convert_result(a, pool, plan.ret.ty, t.wide_slot, &epilogue)?;
    // 8. Giving up (before C and before any string copy): options->fallback = true, and
    //    return; V8 ignores the result and calls the slow path.
    if let Some((b, o)) = options_at {
        a.bind(give_up);
        a.ldr_x(X(9), b, o);
        a.movz_x(X(10), 1, 0);
        a.strb_w(W(10), X(9), 0);
        epilogue(a);
    }
    Ok(())
}

/// `extern "C" fn(slots: *mut u64)`: argument i from slots[i], raw result to slots[n].
pub(super) fn invoker(plan: &CallPlan, target: usize, area: usize) -> Result<Vec<u8>, Error> {
    check_stack_align(plan)?;
    let mut a = Asm::new();
    let mut pool = Pool::default();
    let out = align16(plan.c_stack_bytes);
    if out > MAX_FRAME || plan.args.len() * 8 + 8 > 32760 {
        return Err(Error::Unsupported(
            "invoker frame beyond arm64 immediate reach".into(),
        ));
    }
    let slots = X(19); // callee-saved: survives the call
    a.stp_x_pre(FP, LR, SP, -32);
    a.mov_x_sp(FP);
    a.str_x(slots, SP, 16);
    if out > 0 {
        a.sub_x_x_imm(SP, SP, out);
    }
    a.mov_x_x(slots, X(0));
    for (i, arg) in plan.args.iter().enumerate() {
        if let Loc::Stack(off) = arg.c {
            a.ldr_x(IP0, slots, 8 * i as i32);
            store_stack(&mut a, arg.ty, off as i32, plan.stack_slots);
        }
    }
    area_stack_args(&mut a, &mut pool, plan, area);
    for (i, arg) in plan.args.iter().enumerate() {
        match arg.c {
            Loc::Gpr(r) => a.ldr_x(X(r), slots, 8 * i as i32),
            Loc::Fpr(r) => load_float(&mut a, arg.ty, r, slots, 8 * i as i32),
            Loc::Stack(_) => {}
        }
    }
    area_reg_args(&mut a, &mut pool, plan, area)?;
    pool.load(&mut a, IP0, target as u64);
    a.blr(IP0);
    area_result(&mut a, &mut pool, plan, area)?;
    let res = 8 * plan.args.len() as i32;
    match plan.ret.ty.class() {
        ValueClass::None => {}
        ValueClass::Int { .. } => a.str_x(X(0), slots, res),
        ValueClass::Float { size: 4 } => a.str_s(S(0), slots, res),
        ValueClass::Float { .. } => a.str_d(D(0), slots, res),
    }
    a.mov_sp_x(FP);
    a.ldr_x(slots, SP, 16);
    a.ldp_x_post(FP, LR, SP, 32);
    a.ret();
    pool.emit(&mut a);
    a.finish()
}

/// `f(a0) → callback(a0, data)`: x0 is untouched, x1 gets `data`, then a tail branch.
pub(super) fn slow_stub(callback: usize, data: usize) -> Result<Vec<u8>, Error> {
    let mut a = Asm::new();
    let mut pool = Pool::default();
    pool.load(&mut a, X(1), data as u64);
    pool.load(&mut a, IP0, callback as u64);
    a.br(IP0);
    pool.emit(&mut a);
    a.finish()
}

/// See [`super::callback_entry`]. Frame (FP = x29):
///
/// ```text
///   [fp+16+off]    incoming C stack arguments (8-byte slots on AAPCS64, natural sizes on Apple)
///   [fp]           saved fp, lr
///   [sp+8i]        slot i (i <= n; slot n receives the result)
/// ```
///
/// Narrow integer arguments leave their upper bits unspecified (AAPCS64 §6.8.2 C.16 makes no
/// promise; Apple extends to 32 bits), so each is extended from its C size.
pub(super) fn callback_entry(
    plan: &CallPlan,
    ctx: usize,
    dispatch: usize,
) -> Result<Vec<u8>, Error> {
    let n = plan.args.len();
    let frame = align16(8 * (n as u32 + 1));
    if frame > MAX_FRAME || plan.c_stack_bytes + 16 > MAX_FRAME {
        return Err(Error::Unsupported(
            "callback frame beyond arm64 immediate reach".into(),
        ));
    }
    let mut a = Asm::new();
    let mut pool = Pool::default();
    let t = X(9);
    let widen = |a: &mut Asm, ty: Type| {
        if sign_extends_to_64(ty) {
            a.sxtw_x_w(t, W(t.0));
        }
    };
    a.stp_x_pre(FP, LR, SP, -16);
    a.mov_x_sp(FP);
    a.sub_x_x_imm(SP, SP, frame);
    for (i, arg) in plan.args.iter().enumerate() {
        let at = 8 * i as i32;
        match (arg.c, arg.ty.class()) {
            (Loc::Gpr(r), _) => {
                move_int(&mut a, arg.ty, t, X(r))?;
                widen(&mut a, arg.ty);
                a.str_x(t, SP, at);
            }
            (Loc::Fpr(r), _) => a.str_d(D(r), SP, at),
            (Loc::Stack(off), ValueClass::Int { .. }) => {
                load_int(&mut a, arg.ty, t, FP, 16 + off as i32)?;
                widen(&mut a, arg.ty);
                a.str_x(t, SP, at);
            }
            (Loc::Stack(off), ValueClass::Float { size: 4 }) => {
                a.ldr_w(W(t.0), FP, 16 + off as i32);
                a.str_x(t, SP, at);
            }
            (Loc::Stack(off), _) => {
                a.ldr_x(t, FP, 16 + off as i32);
                a.str_x(t, SP, at);
            }
        }
    }
    pool.load(&mut a, X(0), ctx as u64);
    a.mov_x_sp(X(1));
    pool.load(&mut a, IP0, dispatch as u64);
    a.blr(IP0);
    let res = 8 * n as i32;
    match plan.ret.ty.class() {
        ValueClass::None => {}
        ValueClass::Int { .. } => a.ldr_x(X(0), SP, res),
        ValueClass::Float { size: 4 } => a.ldr_s(S(0), SP, res),
        ValueClass::Float { .. } => a.ldr_d(D(0), SP, res),
    }
    a.mov_sp_x(FP);
    a.ldp_x_post(FP, LR, SP, 16);
    a.ret();
    pool.emit(&mut a);
    a.finish()
}
