//! x86-64 emission of the three trampoline kinds (see the module above) from a CallPlan.
//!
//! Register numbers come from the plan; this file only chooses instructions. Scratch
//! registers are rax, rcx, rdx, r11 — caller-saved in SysV and never used here for arguments
//! after they are loaded — and r10, which holds the area's address while aggregate values are
//! moved (caller-saved, never an argument: it is only the static chain of nested functions).

use super::{
    align16, direct_eligible, entry_loc, needs_helper, result_needs_conversion, sign_extends_to_64,
    AggIn, AggOut, CallbackLayout, ErrnoTargets, FastRet, FastTargets, IntMove, MAX_SAFE,
    STR_SCRATCH, WIDE_NAN_BITS,
};
use crate::encode::x64::{Asm, Cond, Gpr, Mem, Xmm};
use crate::{AreaSrc, CallPlan, Error, Loc, StackSlots, Type, ValueClass};

/// Holds the area's address while aggregate values move.
const AREA: Gpr = Gpr::R10;

fn area_mem(offset: u32) -> Mem {
    Mem::new(AREA, offset as i32)
}

/// Aggregate arguments bound for the C stack, copied eightbyte by eightbyte through rax
/// (`out` addresses the outgoing argument area). Runs before the register arguments are
/// loaded, as rax is not an argument register.
fn area_stack_args(a: &mut Asm, plan: &CallPlan, area: usize, out: Gpr) {
    if !plan.area_args.iter().any(|x| matches!(x.c, Loc::Stack(_))) {
        return;
    }
    a.mov_r64_imm64(AREA, area as u64);
    for x in &plan.area_args {
        if let Loc::Stack(off) = x.c {
            match x.src {
                AreaSrc::Load { offset, .. } => a.mov_r64_m64(Gpr::Rax, area_mem(offset)),
                AreaSrc::Addr { offset } => a.lea_r64_m(Gpr::Rax, area_mem(offset)),
            }
            a.mov_m64_r64(Mem::new(out, off as i32), Gpr::Rax);
        }
    }
}

/// Aggregate arguments bound for registers: whole eightbytes into general registers and xmm
/// registers, or an area address (a hidden result pointer).
fn area_reg_args(a: &mut Asm, plan: &CallPlan, area: usize) -> Result<(), Error> {
    if !plan.area_args.iter().any(|x| !matches!(x.c, Loc::Stack(_))) {
        return Ok(());
    }
    a.mov_r64_imm64(AREA, area as u64);
    for x in &plan.area_args {
        match (x.c, x.src) {
            (Loc::Gpr(r), AreaSrc::Load { offset, .. }) => a.mov_r64_m64(gpr(r), area_mem(offset)),
            (Loc::Gpr(r), AreaSrc::Addr { offset }) => a.lea_r64_m(gpr(r), area_mem(offset)),
            (Loc::Fpr(x), AreaSrc::Load { offset, ty }) => {
                load_float(a, ty, Xmm(x), area_mem(offset))
            }
            (Loc::Stack(_), _) => {}
            (c, src) => return Err(Error::Encode(format!("area argument {src:?} -> {c:?}"))),
        }
    }
    Ok(())
}

/// Right after the call: store an aggregate result's registers into the area (before anything
/// can clobber rdx or xmm1).
fn area_result(a: &mut Asm, plan: &CallPlan, area: usize) -> Result<(), Error> {
    if plan.area_ret.is_empty() {
        return Ok(());
    }
    a.mov_r64_imm64(AREA, area as u64);
    for r in &plan.area_ret {
        match (r.c, r.ty) {
            (Loc::Gpr(g), _) => a.mov_m64_r64(area_mem(r.offset), gpr(g)),
            (Loc::Fpr(x), Type::F32) => a.movss_m_x(area_mem(r.offset), Xmm(x)),
            (Loc::Fpr(x), _) => a.movsd_m_x(area_mem(r.offset), Xmm(x)),
            (c, _) => return Err(Error::Encode(format!("aggregate result in {c:?}"))),
        }
    }
    Ok(())
}

/// Load an integer-class argument of C type `ty` from memory into `dst`, extended to 32 bits
/// as the C ABI's callers do (§3.2.3 leaves the upper bits of narrow values unspecified, but
/// clang-compiled callees rely on sign/zero extension to 32 bits, so ffast always extends).
fn load_int(a: &mut Asm, ty: Type, dst: Gpr, src: Mem) -> Result<(), Error> {
    match IntMove::of(ty, "load_int")? {
        IntMove::Sx8 => a.movsx_r32_m8(dst, src),
        IntMove::Zx8 => a.movzx_r32_m8(dst, src),
        IntMove::Sx16 => a.movsx_r32_m16(dst, src),
        IntMove::Zx16 => a.movzx_r32_m16(dst, src),
        IntMove::W32 => a.mov_r32_m32(dst, src),
        IntMove::X64 => a.mov_r64_m64(dst, src),
    }
    Ok(())
}

/// Register-to-register form of [`load_int`].
fn move_int(a: &mut Asm, ty: Type, dst: Gpr, src: Gpr) -> Result<(), Error> {
    match IntMove::of(ty, "move_int")? {
        IntMove::Sx8 => a.movsx_r32_r8(dst, src),
        IntMove::Zx8 => a.movzx_r32_r8(dst, src),
        IntMove::Sx16 => a.movsx_r32_r16(dst, src),
        IntMove::Zx16 => a.movzx_r32_r16(dst, src),
        IntMove::W32 => a.mov_r32_r32(dst, src),
        IntMove::X64 => a.mov_r64_r64(dst, src),
    }
    Ok(())
}

fn load_float(a: &mut Asm, ty: Type, dst: Xmm, src: Mem) {
    if ty == Type::F32 {
        a.movss_x_m(dst, src)
    } else {
        a.movsd_x_m(dst, src)
    }
}

/// A `float` matching an ellipsis is passed as a `double` (C11 §6.5.2.2p6): load the float at
/// `src`, widen it (exactly) and store the double to the stack slot `dst`, through xmm0 — only
/// called before the register arguments are loaded.
fn widen_to_stack(a: &mut Asm, src: Mem, dst: Mem) {
    a.movss_x_m(Xmm(0), src);
    a.cvtss2sd_x_x(Xmm(0), Xmm(0));
    a.movsd_m_x(dst, Xmm(0));
}

/// Round rsp down to the plan's stack alignment when it exceeds the 16 bytes every frame here
/// keeps anyway: an over-aligned aggregate on the stack (32, 64, … bytes) sits at an offset
/// that is a multiple of its alignment, and psABI §3.2.2 asks the end of the argument area to
/// be aligned that much (`docs/abi-stack-alignment.md`). Only frames that restore rsp from rbp
/// use this.
fn align_outgoing(a: &mut Asm, plan: &CallPlan) {
    if plan.stack_align > 16 {
        a.and_r64_imm32(Gpr::Rsp, -(plan.stack_align as i32));
    }
}

/// Stack arguments take whole 8-byte slots on x86-64 (psABI §3.2.3), and every store here is 8
/// bytes wide: a plan packing them by natural size would have neighbours overwritten, so it is
/// refused.
fn check_stack_slots(plan: &CallPlan) -> Result<(), Error> {
    if plan.stack_slots != StackSlots::EightByte {
        return Err(Error::Unsupported(format!(
            "x64: stack arguments laid out as {:?}",
            plan.stack_slots
        )));
    }
    Ok(())
}

fn gpr(n: u8) -> Gpr {
    Gpr::from_num(n)
}

/// Call (or, `tail`, jump to) the C target through r11 with %al set to the number of vector
/// registers the plan passes arguments in. A callee with an ellipsis reads %al in its `va_start`
/// prologue and saves xmm0-7 only when it is non-zero (psABI §3.2.3, §3.5.7), so every call of a
/// C target sets it — the target may be variadic though declared with fixed parameters, and
/// whatever rax held before (a target's address: `mov rax, target; jmp rax` left its low byte)
/// would be read as the count. The exact count is a valid upper bound; non-variadic callees
/// ignore al. r11 is caller-saved and never carries an argument (§3.2.3: it is scratch).
fn call_target(a: &mut Asm, plan: &CallPlan, target: usize, tail: bool) {
    a.mov_r64_imm64(Gpr::R11, target as u64);
    match plan.vector_regs() {
        0 => a.xor_r32_r32(Gpr::Rax, Gpr::Rax),
        n => a.mov_r32_imm32(Gpr::Rax, n as u32),
    }
    if tail {
        a.jmp_r64(Gpr::R11);
    } else {
        a.call_r64(Gpr::R11);
    }
}

/// Right before the call: C's errno = the thread's saved value. Through r10 and r11 only
/// (caller-saved, never arguments, free once the arguments are loaded), so every argument
/// register stays as loaded.
fn errno_in(a: &mut Asm, e: Option<ErrnoTargets>) {
    if let Some(e) = e {
        a.mov_r64_imm64(Gpr::R11, e.saved as u64);
        a.mov_r32_m32(Gpr::R10, Mem::new(Gpr::R11, 0));
        a.mov_r64_imm64(Gpr::R11, e.errno_addr as u64);
        a.mov_m32_r32(Mem::new(Gpr::R11, 0), Gpr::R10);
    }
}

/// Right after the call (and the aggregate result's stores): the saved value = C's errno,
/// through r10 and r11, so the result registers (rax, rdx, xmm0, xmm1) are untouched and no
/// call can run before errno is read.
fn errno_out(a: &mut Asm, e: Option<ErrnoTargets>) {
    if let Some(e) = e {
        a.mov_r64_imm64(Gpr::R11, e.errno_addr as u64);
        a.mov_r32_m32(Gpr::R10, Mem::new(Gpr::R11, 0));
        a.mov_r64_imm64(Gpr::R11, e.saved as u64);
        a.mov_m32_r32(Mem::new(Gpr::R11, 0), Gpr::R10);
    }
}

/// Convert the C result (rax / xmm0) to its fast-call representation, then run `epilogue`
/// (which must end in `ret`) on every exit path.
fn convert_result(
    a: &mut Asm,
    ty: Type,
    wide_slot: usize,
    epilogue: &dyn Fn(&mut Asm),
) -> Result<(), Error> {
    match (FastRet::of(ty), ty) {
        (FastRet::Void | FastRet::F64, _) => {}
        // A narrow C result leaves the upper bits of eax unspecified (§3.2.3).
        (FastRet::Bool | FastRet::I32 | FastRet::U32, _) if IntMove::is_narrow(ty) => {
            move_int(a, ty, Gpr::Rax, Gpr::Rax)?
        }
        (FastRet::Bool | FastRet::I32 | FastRet::U32, _) => {}
        (FastRet::WideSigned | FastRet::WideUnsigned, _) => {
            let unsafe_int = a.new_label();
            a.mov_r64_imm64(Gpr::Rcx, MAX_SAFE);
            if FastRet::of(ty) == FastRet::WideSigned {
                // -MAX_SAFE <= v <= MAX_SAFE  ⇔  (v + MAX_SAFE) as u64 <= 2·MAX_SAFE
                a.add_r64_r64(Gpr::Rcx, Gpr::Rax);
                a.mov_r64_imm64(Gpr::Rdx, 2 * MAX_SAFE);
                a.cmp_r64_r64(Gpr::Rcx, Gpr::Rdx);
            } else {
                a.cmp_r64_r64(Gpr::Rax, Gpr::Rcx);
            }
            a.jcc_label(Cond::A, unsafe_int);
            a.cvtsi2sd_x_r64(Xmm(0), Gpr::Rax);
            epilogue(a);
            a.bind(unsafe_int);
            a.mov_r64_imm64(Gpr::Rcx, wide_slot as u64);
            a.mov_m64_r64(Mem::new(Gpr::Rcx, 0), Gpr::Rax);
            a.mov_r64_imm64(Gpr::Rax, WIDE_NAN_BITS);
            a.movq_x_r64(Xmm(0), Gpr::Rax);
        }
    }
    epilogue(a);
    Ok(())
}

pub(super) fn fast(
    plan: &CallPlan,
    t: &FastTargets,
    errno: Option<ErrnoTargets>,
) -> Result<Vec<u8>, Error> {
    check_stack_slots(plan)?;
    let mut a = Asm::new();
    // An over-aligned stack needs the framed path's realignment, and a float passed through an
    // ellipsis (widened to double) the framed path's conversion.
    let widens = (0..plan.args.len()).any(|i| plan.widens_float(i));
    if direct_eligible(plan) && plan.stack_align <= 16 && !widens {
        fast_direct(&mut a, plan, t, errno)?;
    } else {
        fast_framed(&mut a, plan, t, errno)?;
    }
    a.finish()
}

/// The direct shape (see the module above): no spills. The integer registers shift down by one
/// (the receiver's register is free), stack arguments are moved, and the target is tail-called
/// — or called, when the result needs converting.
fn fast_direct(
    a: &mut Asm,
    plan: &CallPlan,
    t: &FastTargets,
    errno: Option<ErrnoTargets>,
) -> Result<(), Error> {
    // Saving errno needs the call to return here, as converting the result does.
    let convert = result_needs_conversion(plan.ret.ty) || errno.is_some();
    // A sibling call: with no result to convert, the C stack arguments are written over V8's
    // (the callee owns its incoming argument area, psABI §3.2.2) and the target is tail-called.
    // C never needs more stack than V8 passed: it has one more integer register, and both sides
    // allocate float registers alike.
    let in_place = !convert && plan.c_stack_bytes <= plan.entry_stack_bytes;
    // Otherwise: entry rsp ≡ 8 (mod 16) with the return address at [rsp]; a frame of 16k + 8
    // bytes realigns it for a call, and the stack arguments then start at rsp + frame + 8.
    let frame = if in_place {
        0
    } else if plan.c_stack_bytes > 0 {
        align16(plan.c_stack_bytes) + 8
    } else {
        8
    } as i32;
    if frame > 0 {
        a.sub_r64_imm32(Gpr::Rsp, frame);
    }
    let base = frame + 8;
    let out_base = if in_place { 8 } else { 0 };
    // In argument order each integer destination is the previous integer's source, so no
    // value is overwritten before it is read. Floating-point arguments keep their registers.
    for arg in &plan.args {
        match (entry_loc(arg)?, arg.c) {
            (Loc::Gpr(s), Loc::Gpr(d)) => move_int(a, arg.ty, gpr(d), gpr(s))?,
            (Loc::Stack(off), Loc::Gpr(d)) => {
                load_int(a, arg.ty, gpr(d), Mem::new(Gpr::Rsp, base + off as i32))?
            }
            (Loc::Fpr(s), Loc::Fpr(d)) if s == d => {}
            (_, Loc::Stack(_)) => {}
            (e, c) => return Err(Error::Encode(format!("direct trampoline: {e:?} -> {c:?}"))),
        }
    }
    // Stack arguments after the registers (which may read V8's slots), in ascending order: a C
    // argument's slot is never above its V8 slot, so each store lands on a slot already read.
    // A C stack argument never comes from an entry register (see above).
    for arg in &plan.args {
        if let Loc::Stack(off) = arg.c {
            let src = match entry_loc(arg)? {
                Loc::Stack(e) => Mem::new(Gpr::Rsp, base + e as i32),
                e => return Err(Error::Encode(format!("C stack argument from {e:?}"))),
            };
            match arg.ty.class() {
                ValueClass::Int { .. } => load_int(a, arg.ty, Gpr::Rax, src)?,
                ValueClass::Float { size: 4 } => a.mov_r32_m32(Gpr::Rax, src),
                _ => a.mov_r64_m64(Gpr::Rax, src),
            }
            a.mov_m64_r64(Mem::new(Gpr::Rsp, out_base + off as i32), Gpr::Rax);
        }
    }
    if frame == 0 {
        call_target(a, plan, t.target, true);
        return Ok(());
    }
    errno_in(a, errno);
    call_target(a, plan, t.target, false);
    errno_out(a, errno);
    convert_result(a, plan.ret.ty, t.wide_slot, &|a| {
        a.add_r64_imm32(Gpr::Rsp, frame);
        a.ret();
    })
}

/// The general case: a frame holding every argument that arrived in a register, helper
/// conversions (strings, buffers), the outgoing stack arguments and string scratch space.
///
/// ```text
///   [rbp+16+off]            entry stack arguments
///   [rbp+8]                 return address
///   [rbp]                   saved rbp
///   [rbp-8(i+1)]            spill slot of argument i (i = n: the options pointer, when the
///                           trampoline may give up and it arrived in a register)
///   [rbp-spill-8/-16]       saved rax / xmm0 around the string frees
///   [rbp-…]                 STR_SCRATCH bytes per string argument
///   [rsp+off]               outgoing C stack arguments
/// ```
fn fast_framed(
    a: &mut Asm,
    plan: &CallPlan,
    t: &FastTargets,
    errno: Option<ErrnoTargets>,
) -> Result<(), Error> {
    // With a fallback, the options pointer gets spill slot n (when it arrives in a register).
    let options = super::fallback_options(plan, t)?;
    let n = plan.args.len() as u32;
    let spill = 8 * (n + options.is_some() as u32);
    let strings = super::string_args(plan);
    let save_rax = -(spill as i32) - 8;
    let save_xmm = -(spill as i32) - 16;
    let scratch_at = |k: usize| -(spill as i32) - 16 - (STR_SCRATCH as i32) * (k as i32 + 1);
    let frame =
        align16(align16(plan.c_stack_bytes) + spill + 16 + STR_SCRATCH * strings.len() as u32);
    if frame > i32::MAX as u32 {
        return Err(Error::Unsupported("trampoline frame too large".into()));
    }
    let slot = |i: usize| Mem::new(Gpr::Rbp, -8 * (i as i32 + 1));

    a.push_r64(Gpr::Rbp);
    a.mov_r64_r64(Gpr::Rbp, Gpr::Rsp);
    a.sub_r64_imm32(Gpr::Rsp, frame as i32);
    // Everything in the frame is addressed from rbp except the outgoing arguments, so rsp may
    // be rounded down further (`leave` restores it).
    align_outgoing(a, plan);

    // 1. Save every register argument before any call clobbers it.
    for (i, arg) in plan.args.iter().enumerate() {
        match entry_loc(arg)? {
            Loc::Gpr(r) => a.mov_m64_r64(slot(i), gpr(r)),
            Loc::Fpr(x) => a.movsd_m_x(slot(i), Xmm(x)),
            Loc::Stack(_) => {}
        }
    }
    let options_at = match options {
        Some(Loc::Gpr(r)) => {
            a.mov_m64_r64(slot(n as usize), gpr(r));
            Some(slot(n as usize))
        }
        Some(Loc::Stack(off)) => Some(Mem::new(Gpr::Rbp, 16 + off as i32)),
        _ => None,
    };
    let give_up = a.new_label();
    // Where argument i's entry value is now.
    let source = |i: usize| -> Result<Mem, Error> {
        Ok(match entry_loc(&plan.args[i])? {
            Loc::Stack(off) => Mem::new(Gpr::Rbp, 16 + off as i32),
            _ => slot(i),
        })
    };

    // 2. Helper conversions; each result replaces the argument in its spill slot. String k
    //    (in argument order) owns scratch k.
    let scratch_of = |i: usize| strings.iter().position(|&s| s == i).unwrap_or(0);
    for i in super::helper_order(plan, options.is_some()) {
        match plan.args[i].ty {
            Type::String => {
                a.mov_r64_m64(Gpr::Rdi, source(i)?);
                a.lea_r64_m(Gpr::Rsi, Mem::new(Gpr::Rbp, scratch_at(scratch_of(i))));
                a.mov_r32_imm32(Gpr::Rdx, STR_SCRATCH);
                a.mov_r64_imm64(Gpr::Rax, t.str_in as u64);
                a.call_r64(Gpr::Rax);
                a.mov_m64_r64(slot(i), Gpr::Rax);
            }
            _ => {
                a.mov_r64_m64(Gpr::Rdi, source(i)?);
                a.mov_r64_imm64(Gpr::Rax, t.buf_addr as u64);
                a.call_r64(Gpr::Rax);
                if options.is_some() {
                    // BUF_FALLBACK (all ones): this call belongs to V8's slow path.
                    a.cmp_r64_imm32(Gpr::Rax, -1);
                    a.jcc_label(Cond::E, give_up);
                }
                a.mov_m64_r64(slot(i), Gpr::Rax);
            }
        }
    }
    let value_at = |i: usize| -> Result<Mem, Error> {
        if needs_helper(plan.args[i].ty) {
            Ok(slot(i))
        } else {
            source(i)
        }
    };

    // 3. Outgoing stack arguments (one 8-byte slot each, §3.2.3), through rax (a float
    //    widened for an ellipsis through xmm0, which no argument occupies yet).
    for (i, arg) in plan.args.iter().enumerate() {
        if let Loc::Stack(off) = arg.c {
            let dst = Mem::new(Gpr::Rsp, off as i32);
            if plan.widens_float(i) {
                widen_to_stack(a, value_at(i)?, dst);
                continue;
            }
            match arg.ty.class() {
                ValueClass::Int { .. } => load_int(a, arg.ty, Gpr::Rax, value_at(i)?)?,
                ValueClass::Float { size: 4 } => a.mov_r32_m32(Gpr::Rax, value_at(i)?),
                _ => a.mov_r64_m64(Gpr::Rax, value_at(i)?),
            }
            a.mov_m64_r64(dst, Gpr::Rax);
        }
    }
    area_stack_args(a, plan, t.area, Gpr::Rsp);
    // 4. Register arguments, all loaded from memory: no ordering hazards.
    for (i, arg) in plan.args.iter().enumerate() {
        match arg.c {
            Loc::Gpr(r) => load_int(a, arg.ty, gpr(r), value_at(i)?)?,
            Loc::Fpr(x) => {
                load_float(a, arg.ty, Xmm(x), value_at(i)?);
                if plan.widens_float(i) {
                    a.cvtss2sd_x_x(Xmm(x), Xmm(x));
                }
            }
            Loc::Stack(_) => {}
        }
    }
    area_reg_args(a, plan, t.area)?;
    // 5. The call (errno exchanged around it, the aggregate result stored first).
    errno_in(a, errno);
    call_target(a, plan, t.target, false);
    area_result(a, plan, t.area)?;
    errno_out(a, errno);

    // 6. Release string copies that did not fit their scratch (rare: long or non-ASCII text).
    //    A string result may point into a copy: str_release moves it out of each copy before
    //    that copy ends (the result stays in rax, chained through the calls).
    if !strings.is_empty() && plan.ret.ty == Type::String {
        for (k, &i) in strings.iter().enumerate() {
            a.mov_r64_r64(Gpr::Rdi, Gpr::Rax);
            a.mov_r64_m64(Gpr::Rsi, slot(i));
            a.lea_r64_m(Gpr::Rdx, Mem::new(Gpr::Rbp, scratch_at(k)));
            a.mov_r64_imm64(Gpr::Rax, t.str_release as u64);
            a.call_r64(Gpr::Rax);
        }
    } else if !strings.is_empty() {
        a.mov_m64_r64(Mem::new(Gpr::Rbp, save_rax), Gpr::Rax);
        a.movsd_m_x(Mem::new(Gpr::Rbp, save_xmm), Xmm(0));
        for (k, &i) in strings.iter().enumerate() {
            let skip = a.new_label();
            a.mov_r64_m64(Gpr::Rdi, slot(i));
            a.lea_r64_m(Gpr::Rsi, Mem::new(Gpr::Rbp, scratch_at(k)));
            a.cmp_r64_r64(Gpr::Rdi, Gpr::Rsi);
            a.jcc_label(Cond::E, skip);
            a.mov_r64_imm64(Gpr::Rax, t.str_free as u64);
            a.call_r64(Gpr::Rax);
            a.bind(skip);
        }
        a.mov_r64_m64(Gpr::Rax, Mem::new(Gpr::Rbp, save_rax));
        a.movsd_x_m(Xmm(0), Mem::new(Gpr::Rbp, save_xmm));
    }
    // 7. Result, epilogue.
    convert_result(a, plan.ret.ty, t.wide_slot, &|a| {
        a.leave();
        a.ret();
    })?;
    // 8. Giving up (before C and before any string copy): options->fallback = true, and
    //    return; V8 ignores the result and calls the slow path.
    if let Some(at) = options_at {
        a.bind(give_up);
        a.mov_r64_m64(Gpr::Rcx, at);
        a.mov_r32_imm32(Gpr::Rdx, 1);
        a.mov_m8_r8(Mem::new(Gpr::Rcx, 0), Gpr::Rdx);
        a.leave();
        a.ret();
    }
    Ok(())
}

/// `extern "C" fn(slots: *mut u64)`: argument i from slots[i] (integers already extended to
/// 64 bits, floats as their bit patterns), raw result to slots[n].
/// With `errno_location`, errno is exchanged through `slots[n+1]` (see
/// [`super::invoker_errno`]): r12 (callee-saved, pushed) holds the thread's errno address.
pub(super) fn invoker(
    plan: &CallPlan,
    target: usize,
    area: usize,
    errno_location: Option<usize>,
) -> Result<Vec<u8>, Error> {
    check_stack_slots(plan)?;
    let mut a = Asm::new();
    let out = align16(plan.c_stack_bytes);
    let slot = |i: usize| Mem::new(Gpr::Rbx, 8 * i as i32);
    a.push_r64(Gpr::Rbp);
    a.mov_r64_r64(Gpr::Rbp, Gpr::Rsp);
    a.push_r64(Gpr::Rbx); // callee-saved: holds `slots` across the call
    if errno_location.is_some() {
        a.push_r64(Gpr::R12); // callee-saved: holds the errno address across the call
        if out > 0 {
            a.sub_r64_imm32(Gpr::Rsp, out as i32); // rsp ≡ 0 mod 16 after three pushes
        }
    } else {
        a.sub_r64_imm32(Gpr::Rsp, out as i32 + 8); // keeps rsp ≡ 0 mod 16 at the call
    }
    align_outgoing(&mut a, plan); // the epilogue restores rsp from rbp
    a.mov_r64_r64(Gpr::Rbx, Gpr::Rdi);
    if let Some(f) = errno_location {
        // Before any argument register is loaded: the call may clobber every caller-saved one.
        a.mov_r64_imm64(Gpr::Rax, f as u64);
        a.call_r64(Gpr::Rax);
        a.mov_r64_r64(Gpr::R12, Gpr::Rax);
    }
    for (i, arg) in plan.args.iter().enumerate() {
        if let Loc::Stack(off) = arg.c {
            if plan.widens_float(i) {
                widen_to_stack(&mut a, slot(i), Mem::new(Gpr::Rsp, off as i32));
                continue;
            }
            a.mov_r64_m64(Gpr::Rax, slot(i));
            a.mov_m64_r64(Mem::new(Gpr::Rsp, off as i32), Gpr::Rax);
        }
    }
    area_stack_args(&mut a, plan, area, Gpr::Rsp);
    for (i, arg) in plan.args.iter().enumerate() {
        match arg.c {
            Loc::Gpr(r) => a.mov_r64_m64(gpr(r), slot(i)),
            Loc::Fpr(x) => {
                load_float(&mut a, arg.ty, Xmm(x), slot(i));
                if plan.widens_float(i) {
                    a.cvtss2sd_x_x(Xmm(x), Xmm(x));
                }
            }
            Loc::Stack(_) => {}
        }
    }
    area_reg_args(&mut a, plan, area)?;
    let errno_slot = slot(plan.args.len() + 1);
    if errno_location.is_some() {
        a.mov_r32_m32(Gpr::R10, errno_slot);
        a.mov_m32_r32(Mem::new(Gpr::R12, 0), Gpr::R10);
    }
    call_target(&mut a, plan, target, false);
    area_result(&mut a, plan, area)?;
    if errno_location.is_some() {
        // r10, r11: neither holds a result register.
        a.mov_r32_m32(Gpr::R10, Mem::new(Gpr::R12, 0));
        a.mov_m64_r64(errno_slot, Gpr::R10);
    }
    let res = slot(plan.args.len());
    match plan.ret.ty.class() {
        ValueClass::None => {}
        ValueClass::Int { .. } => a.mov_m64_r64(res, Gpr::Rax),
        ValueClass::Float { size: 4 } => a.movss_m_x(res, Xmm(0)),
        ValueClass::Float { .. } => a.movsd_m_x(res, Xmm(0)),
    }
    if errno_location.is_some() {
        a.lea_r64_m(Gpr::Rsp, Mem::new(Gpr::Rbp, -16));
        a.pop_r64(Gpr::R12);
    } else {
        a.lea_r64_m(Gpr::Rsp, Mem::new(Gpr::Rbp, -8));
    }
    a.pop_r64(Gpr::Rbx);
    a.pop_r64(Gpr::Rbp);
    a.ret();
    a.finish()
}

/// `f(a0) → callback(a0, data)`: rdi is untouched, rsi gets `data`, then a tail jump.
pub(super) fn slow_stub(callback: usize, data: usize) -> Result<Vec<u8>, Error> {
    let mut a = Asm::new();
    a.mov_r64_imm64(Gpr::Rsi, data as u64);
    a.mov_r64_imm64(Gpr::Rax, callback as u64);
    a.jmp_r64(Gpr::Rax);
    a.finish()
}

/// Widen the integer in `r` (already extended to 32 bits by `load_int`/`move_int`) to 64 bits
/// for a signed type; a 32-bit register write has already zeroed the upper half otherwise.
fn sign_extend_64(a: &mut Asm, ty: Type, r: Gpr) {
    if sign_extends_to_64(ty) {
        a.movsxd_r64_r32(r, r);
    }
}

/// See [`super::callback_entry`]. Frame:
///
/// ```text
///   [rbp+16+off]   incoming C stack arguments (one 8-byte slot each, psABI §3.2.3)
///   [rbp+8]        return address
///   [rbp]          saved rbp
///   [rsp+8i]       slot i (i <= n; slot n receives the result)
/// ```
///
/// After `push rbp` the stack is 16-byte aligned (entry rsp ≡ 8 mod 16, §3.2.2), and the frame
/// is a multiple of 16, so it stays aligned at the call to `dispatch`. Narrow integer
/// arguments arrive with unspecified upper bits (§3.2.3): they are extended from their C size.
pub(super) fn callback_entry(
    plan: &CallPlan,
    ctx: usize,
    dispatch: usize,
) -> Result<Vec<u8>, Error> {
    check_stack_slots(plan)?;
    let n = plan.args.len();
    // Aggregates (docs/callbacks.md §4, §5): one more slot per aggregate parameter and a spill
    // block after the slots. A scalar-only plan has an empty layout: the same frame and code.
    let layout = CallbackLayout::new(plan);
    let slots = n as u32 + 1 + layout.params.len() as u32;
    let block = 8 * slots as i32;
    let frame = align16(8 * slots + layout.block_size);
    let slot = |i: usize| Mem::new(Gpr::Rsp, 8 * i as i32);
    let mut a = Asm::new();
    a.push_r64(Gpr::Rbp);
    a.mov_r64_r64(Gpr::Rbp, Gpr::Rsp);
    a.sub_r64_imm32(Gpr::Rsp, frame as i32);
    callback_aggregates_in(&mut a, &layout, n, block)?;
    for (i, arg) in plan.args.iter().enumerate() {
        match (arg.c, arg.ty.class()) {
            (Loc::Gpr(r), _) => {
                move_int(&mut a, arg.ty, Gpr::Rax, gpr(r))?;
                sign_extend_64(&mut a, arg.ty, Gpr::Rax);
                a.mov_m64_r64(slot(i), Gpr::Rax);
            }
            (Loc::Fpr(x), _) => a.movsd_m_x(slot(i), Xmm(x)),
            (Loc::Stack(off), ValueClass::Int { .. }) => {
                load_int(
                    &mut a,
                    arg.ty,
                    Gpr::Rax,
                    Mem::new(Gpr::Rbp, 16 + off as i32),
                )?;
                sign_extend_64(&mut a, arg.ty, Gpr::Rax);
                a.mov_m64_r64(slot(i), Gpr::Rax);
            }
            (Loc::Stack(off), _) => {
                a.mov_r64_m64(Gpr::Rax, Mem::new(Gpr::Rbp, 16 + off as i32));
                a.mov_m64_r64(slot(i), Gpr::Rax);
            }
        }
    }
    a.mov_r64_imm64(Gpr::Rdi, ctx as u64);
    a.mov_r64_r64(Gpr::Rsi, Gpr::Rsp);
    a.mov_r64_imm64(Gpr::Rax, dispatch as u64);
    a.call_r64(Gpr::Rax);
    match &layout.result {
        Some(out) => callback_aggregate_out(&mut a, out, n, block)?,
        None => match plan.ret.ty.class() {
            ValueClass::None => {}
            ValueClass::Int { .. } => a.mov_r64_m64(Gpr::Rax, slot(n)),
            ValueClass::Float { size: 4 } => a.movss_x_m(Xmm(0), slot(n)),
            ValueClass::Float { .. } => a.movsd_x_m(Xmm(0), slot(n)),
        },
    }
    a.leave();
    a.ret();
    a.finish()
}

/// A callback entry's aggregate parameters and result address into their slots
/// (docs/callbacks.md §5.3), before the scalar arguments are stored: rax is the only scratch
/// register (never an argument register), so every argument register is still intact.
/// `block`: the spill block's offset from rsp.
fn callback_aggregates_in(
    a: &mut Asm,
    layout: &CallbackLayout,
    n: usize,
    block: i32,
) -> Result<(), Error> {
    let slot = |i: usize| Mem::new(Gpr::Rsp, 8 * i as i32);
    let at = |off: u32| Mem::new(Gpr::Rsp, block + off as i32);
    // The caller's stack arguments start above the return address and the saved rbp.
    let incoming = |off: u32| Mem::new(Gpr::Rbp, 16 + off as i32);
    for (k, p) in layout.params.iter().enumerate() {
        match p {
            AggIn::Spill(pieces) => {
                for &(c, ty, off) in pieces {
                    store_piece(a, c, ty, at(off))?;
                }
                let start = pieces.iter().map(|p| p.2).min().unwrap_or(0);
                a.lea_r64_m(Gpr::Rax, at(start));
            }
            AggIn::Image { base } => a.lea_r64_m(Gpr::Rax, incoming(*base)),
            AggIn::ByRef(Loc::Gpr(r)) => a.mov_r64_r64(Gpr::Rax, gpr(*r)),
            AggIn::ByRef(Loc::Stack(off)) => a.mov_r64_m64(Gpr::Rax, incoming(*off)),
            AggIn::ByRef(c) => return Err(Error::Encode(format!("a by-reference copy in {c:?}"))),
        }
        a.mov_m64_r64(slot(n + 1 + k), Gpr::Rax);
    }
    match &layout.result {
        // SysV: the hidden pointer arrives in rdi; stored before anything clobbers it.
        Some(AggOut::Hidden(Loc::Gpr(r))) => a.mov_m64_r64(slot(n), gpr(*r)),
        Some(AggOut::Hidden(c)) => {
            return Err(Error::Encode(format!("a hidden result pointer in {c:?}")))
        }
        Some(AggOut::Regs(pieces)) => {
            let start = pieces.iter().map(|p| p.2).min().unwrap_or(0);
            a.lea_r64_m(Gpr::Rax, at(start));
            a.mov_m64_r64(slot(n), Gpr::Rax);
        }
        None => {}
    }
    Ok(())
}

/// One piece of a spilled aggregate: a whole eightbyte from a general register or the caller's
/// stack, or an xmm register's double or float.
fn store_piece(a: &mut Asm, c: Loc, ty: Type, dst: Mem) -> Result<(), Error> {
    match (c, ty) {
        (Loc::Gpr(r), _) => a.mov_m64_r64(dst, gpr(r)),
        (Loc::Fpr(x), Type::F32) => a.movss_m_x(dst, Xmm(x)),
        (Loc::Fpr(x), _) => a.movsd_m_x(dst, Xmm(x)),
        (Loc::Stack(off), _) => {
            a.mov_r64_m64(Gpr::Rax, Mem::new(Gpr::Rbp, 16 + off as i32));
            a.mov_m64_r64(dst, Gpr::Rax);
        }
    }
    Ok(())
}

/// After the dispatch: a register result is loaded from its block region; a result written
/// through the hidden pointer returns that pointer in rax (psABI §3.2.3: "on return %rax will
/// contain the address that has been passed in by the caller in %rdi").
fn callback_aggregate_out(a: &mut Asm, out: &AggOut, n: usize, block: i32) -> Result<(), Error> {
    match out {
        AggOut::Hidden(_) => a.mov_r64_m64(Gpr::Rax, Mem::new(Gpr::Rsp, 8 * n as i32)),
        AggOut::Regs(pieces) => {
            for &(c, ty, off) in pieces {
                let src = Mem::new(Gpr::Rsp, block + off as i32);
                match (c, ty) {
                    (Loc::Gpr(r), _) => a.mov_r64_m64(gpr(r), src),
                    (Loc::Fpr(x), Type::F32) => a.movss_x_m(Xmm(x), src),
                    (Loc::Fpr(x), _) => a.movsd_x_m(Xmm(x), src),
                    (c, _) => return Err(Error::Encode(format!("a result piece in {c:?}"))),
                }
            }
        }
    }
    Ok(())
}
