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
    AggIn, AggOut, CallbackLayout, ErrnoTargets, FastRet, FastTargets, IntMove, MAX_SAFE,
    STR_SCRATCH, WIDE_NAN_BITS,
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

/// A `float` matching an ellipsis is passed as a `double` (C11 §6.5.2.2p6): load the float at
/// `[base + off]`, widen it (exactly) and store the double to the outgoing stack slot at
/// `[sp + dst]`, through d0 — only called before the register arguments are loaded.
fn widen_to_stack(a: &mut Asm, base: X, off: i32, dst: i32) {
    a.ldr_s(S(0), base, off);
    a.fcvt_d_s(D(0), S(0));
    a.str_d(D(0), SP, dst);
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

/// Right before the call: C's errno = the thread's saved value, through x16/x17 (IP0/IP1: the
/// linker's scratch registers, never arguments or results; x18 is not touched, Apple reserves
/// it). Every argument register stays as loaded.
fn errno_in(a: &mut Asm, pool: &mut Pool, e: Option<ErrnoTargets>) {
    if let Some(e) = e {
        pool.load(a, IP0, e.saved as u64);
        a.ldr_w(W(AREA.0), IP0, 0);
        pool.load(a, IP0, e.errno_addr as u64);
        a.str_w(W(AREA.0), IP0, 0);
    }
}

/// Right after the call (and the aggregate result's stores): the saved value = C's errno,
/// through x16/x17, so the result registers (x0, x1, v0-v3) are untouched.
fn errno_out(a: &mut Asm, pool: &mut Pool, e: Option<ErrnoTargets>) {
    if let Some(e) = e {
        pool.load(a, IP0, e.errno_addr as u64);
        a.ldr_w(W(AREA.0), IP0, 0);
        pool.load(a, IP0, e.saved as u64);
        a.str_w(W(AREA.0), IP0, 0);
    }
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

pub(super) fn fast(
    plan: &CallPlan,
    t: &FastTargets,
    errno: Option<ErrnoTargets>,
) -> Result<Vec<u8>, Error> {
    check_stack_align(plan)?;
    // C stack arguments need the framed path's outgoing area.
    let mut a = Asm::new();
    let mut pool = Pool::default();
    // A float passed through an ellipsis is widened to double by the framed path.
    let widens = (0..plan.args.len()).any(|i| plan.widens_float(i));
    if direct_eligible(plan) && plan.c_stack_bytes == 0 && !widens {
        fast_direct(&mut a, &mut pool, plan, t, errno)?;
    } else {
        fast_framed(&mut a, &mut pool, plan, t, errno)?;
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
    errno: Option<ErrnoTargets>,
) -> Result<(), Error> {
    // Saving errno needs the call to return here, as converting the result does.
    let convert = result_needs_conversion(plan.ret.ty) || errno.is_some();
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
    if !convert {
        pool.load(a, IP0, t.target as u64);
        a.br(IP0);
        return Ok(());
    }
    errno_in(a, pool, errno);
    pool.load(a, IP0, t.target as u64);
    a.blr(IP0);
    errno_out(a, pool, errno);
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
    errno: Option<ErrnoTargets>,
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

    // 3. Outgoing stack arguments, through IP0 (a float widened for an ellipsis through d0,
    //    which no argument occupies yet). Stored as their C type: a promoted narrow integer
    //    takes 4 bytes of Apple's 8-byte variadic slot.
    for (i, arg) in plan.args.iter().enumerate() {
        if let Loc::Stack(off) = arg.c {
            let (b, o) = value_at(i)?;
            if plan.widens_float(i) {
                widen_to_stack(a, b, o, off as i32);
                continue;
            }
            match arg.ty.class() {
                ValueClass::Int { .. } => load_int(a, arg.ty, IP0, b, o)?,
                ValueClass::Float { size: 4 } => a.ldr_w(W(IP0.0), b, o),
                _ => a.ldr_x(IP0, b, o),
            }
            store_stack(a, plan.c_type(i), off as i32, plan.stack_slots);
        }
    }
    area_stack_args(a, pool, plan, t.area);
    // 4. Register arguments, all from memory: no ordering hazards.
    for (i, arg) in plan.args.iter().enumerate() {
        let (b, o) = value_at(i)?;
        match arg.c {
            Loc::Gpr(r) => load_int(a, arg.ty, X(r), b, o)?,
            Loc::Fpr(r) => {
                load_float(a, arg.ty, r, b, o);
                if plan.widens_float(i) {
                    a.fcvt_d_s(D(r), S(r));
                }
            }
            Loc::Stack(_) => {}
        }
    }
    area_reg_args(a, pool, plan, t.area)?;
    // 5. The call (errno exchanged around it, the aggregate result stored first).
    errno_in(a, pool, errno);
    pool.load(a, IP0, t.target as u64);
    a.blr(IP0);
    area_result(a, pool, plan, t.area)?;
    errno_out(a, pool, errno);

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
/// With `errno_location`, errno is exchanged through `slots[n+1]` (see
/// [`super::invoker_errno`]): x20 (callee-saved, saved in the frame record's spare word)
/// holds the thread's errno address.
pub(super) fn invoker(
    plan: &CallPlan,
    target: usize,
    area: usize,
    errno_location: Option<usize>,
) -> Result<Vec<u8>, Error> {
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
    let errno_at = X(20); // callee-saved: the errno address across the call
    if errno_location.is_some() {
        a.str_x(errno_at, SP, 24);
    }
    if out > 0 {
        a.sub_x_x_imm(SP, SP, out);
    }
    a.mov_x_x(slots, X(0));
    if let Some(f) = errno_location {
        // Before any argument register is loaded: the call may clobber every caller-saved one.
        pool.load(&mut a, IP0, f as u64);
        a.blr(IP0);
        a.mov_x_x(errno_at, X(0));
    }
    for (i, arg) in plan.args.iter().enumerate() {
        if let Loc::Stack(off) = arg.c {
            if plan.widens_float(i) {
                widen_to_stack(&mut a, slots, 8 * i as i32, off as i32);
                continue;
            }
            a.ldr_x(IP0, slots, 8 * i as i32);
            store_stack(&mut a, plan.c_type(i), off as i32, plan.stack_slots);
        }
    }
    area_stack_args(&mut a, &mut pool, plan, area);
    for (i, arg) in plan.args.iter().enumerate() {
        match arg.c {
            Loc::Gpr(r) => a.ldr_x(X(r), slots, 8 * i as i32),
            Loc::Fpr(r) => {
                load_float(&mut a, arg.ty, r, slots, 8 * i as i32);
                if plan.widens_float(i) {
                    a.fcvt_d_s(D(r), S(r));
                }
            }
            Loc::Stack(_) => {}
        }
    }
    area_reg_args(&mut a, &mut pool, plan, area)?;
    let errno_slot = 8 * (plan.args.len() as i32 + 1);
    if errno_location.is_some() {
        a.ldr_w(W(IP0.0), slots, errno_slot);
        a.str_w(W(IP0.0), errno_at, 0);
    }
    pool.load(&mut a, IP0, target as u64);
    a.blr(IP0);
    area_result(&mut a, &mut pool, plan, area)?;
    if errno_location.is_some() {
        // x16: not a result register; the 32-bit load zero-extends into the whole slot.
        a.ldr_w(W(IP0.0), errno_at, 0);
        a.str_x(IP0, slots, errno_slot);
    }
    let res = 8 * plan.args.len() as i32;
    match plan.ret.ty.class() {
        ValueClass::None => {}
        ValueClass::Int { .. } => a.str_x(X(0), slots, res),
        ValueClass::Float { size: 4 } => a.str_s(S(0), slots, res),
        ValueClass::Float { .. } => a.str_d(D(0), slots, res),
    }
    a.mov_sp_x(FP);
    a.ldr_x(slots, SP, 16);
    if errno_location.is_some() {
        a.ldr_x(errno_at, SP, 24);
    }
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
    // Aggregates (docs/callbacks.md §4, §5): one more slot per aggregate parameter and a spill
    // block after the slots. A scalar-only plan has an empty layout: the same frame and code.
    let layout = CallbackLayout::new(plan);
    let slots = n as u32 + 1 + layout.params.len() as u32;
    let block = 8 * slots;
    let frame = align16(8 * slots + layout.block_size);
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
    callback_aggregates_in(&mut a, &layout, n, block)?;
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
    match &layout.result {
        // AAPCS64 §6.9: x8's block is written; "there is no requirement for the callee to
        // preserve the value stored in x8", so nothing is returned.
        Some(AggOut::Hidden(_)) => {}
        Some(AggOut::Regs(pieces)) => {
            for &(c, ty, off) in pieces {
                let at = (block + off) as i32;
                match (c, ty) {
                    (Loc::Gpr(r), _) => a.ldr_x(X(r), SP, at),
                    (Loc::Fpr(r), Type::F32) => a.ldr_s(S(r), SP, at),
                    (Loc::Fpr(r), _) => a.ldr_d(D(r), SP, at),
                    (c, _) => return Err(Error::Encode(format!("a result piece in {c:?}"))),
                }
            }
        }
        None => match plan.ret.ty.class() {
            ValueClass::None => {}
            ValueClass::Int { .. } => a.ldr_x(X(0), SP, res),
            ValueClass::Float { size: 4 } => a.ldr_s(S(0), SP, res),
            ValueClass::Float { .. } => a.ldr_d(D(0), SP, res),
        },
    }
    a.mov_sp_x(FP);
    a.ldp_x_post(FP, LR, SP, 16);
    a.ret();
    pool.emit(&mut a);
    a.finish()
}

/// A callback entry's aggregate parameters and result address into their slots
/// (docs/callbacks.md §5.3), before the scalar arguments are stored: x9 is the only scratch
/// register (never an argument register), so every argument register — x8 included — is
/// still intact. `block`: the spill block's offset from sp.
fn callback_aggregates_in(
    a: &mut Asm,
    layout: &CallbackLayout,
    n: usize,
    block: u32,
) -> Result<(), Error> {
    let t = X(9);
    let slot = |i: usize| 8 * i as i32;
    // The caller's stack arguments start at the frame pointer + 16 (above fp and lr).
    let incoming = |off: u32| 16 + off as i32;
    if let Some(AggOut::Hidden(c)) = &layout.result {
        match c {
            Loc::Gpr(r) => a.str_x(X(*r), SP, slot(n)),
            c => return Err(Error::Encode(format!("a hidden result pointer in {c:?}"))),
        }
    }
    for (k, p) in layout.params.iter().enumerate() {
        match p {
            AggIn::Spill(pieces) => {
                for &(c, ty, off) in pieces {
                    let at = (block + off) as i32;
                    match (c, ty) {
                        (Loc::Gpr(r), _) => a.str_x(X(r), SP, at),
                        (Loc::Fpr(r), Type::F32) => a.str_s(S(r), SP, at),
                        (Loc::Fpr(r), _) => a.str_d(D(r), SP, at),
                        (Loc::Stack(off), _) => {
                            a.ldr_x(t, FP, incoming(off));
                            a.str_x(t, SP, at);
                        }
                    }
                }
                let start = pieces.iter().map(|p| p.2).min().unwrap_or(0);
                a.add_x_x_imm(t, SP, block + start);
            }
            AggIn::Image { base } => a.add_x_x_imm(t, FP, 16 + base),
            AggIn::ByRef(Loc::Gpr(r)) => a.mov_x_x(t, X(*r)),
            AggIn::ByRef(Loc::Stack(off)) => a.ldr_x(t, FP, incoming(*off)),
            AggIn::ByRef(c) => return Err(Error::Encode(format!("a by-reference copy in {c:?}"))),
        }
        a.str_x(t, SP, slot(n + 1 + k));
    }
    if let Some(AggOut::Regs(pieces)) = &layout.result {
        let start = pieces.iter().map(|p| p.2).min().unwrap_or(0);
        a.add_x_x_imm(t, SP, block + start);
        a.str_x(t, SP, slot(n));
    }
    Ok(())
}
