//! AAPCS64 classification on Linux AArch64: `classify(&Signature) -> CallPlan`.
//!
//! Pure logic, no code emission and no knowledge of Node. Rules implemented ("Procedure Call
//! Standard for the Arm 64-bit Architecture", §6.8.2 "Parameter passing rules", stage C; rule
//! numbers as in the 2023Q3 release):
//! - Integral and pointer arguments (all integers, bool, pointer, string, buffer) take
//!   `x[NGRN]`, NGRN = 0..7 (C.9); floating-point arguments take `v[NSRN]`, NSRN = 0..7 (C.1).
//!   The two counters advance independently.
//! - Once a counter reaches 8 it stays there (C.3 sets NSRN to 8, C.13 sets NGRN to 8): a later
//!   argument of that class never backfills a register, it goes to the stack.
//! - Stack arguments are laid out in argument order from the NSAA (`Stack(0)`), each in an
//!   8-byte slot: scalars narrower than 8 bytes are widened to 8 (C.5 for f32, C.16 for
//!   integers), and every scalar is then 8-byte aligned (C.4 / C.14).
//! - Integral results come back in x0, floating-point results in v0 (§6.9 "Result return").
//! - Aggregates by value ([`aggregate`] classifies them; they travel through the binding's area):
//!   - an HFA of n members takes v[NSRN]..v[NSRN+n-1] if all n are free (C.2); otherwise NSRN
//!     becomes 8 (C.3) and the HFA goes to the stack, NSAA aligned to 8 (16 for a 16-aligned
//!     HFA, C.4), its size rounded up to 8 (C.3);
//!   - a composite of at most 16 bytes takes its size in double-words of consecutive x
//!     registers from x[NGRN], after NGRN is rounded up to even for a 16-aligned one (C.10), if
//!     they are all free (C.12); otherwise NGRN becomes 8 (C.13) and it goes to the stack,
//!     NSAA aligned to max(8, its alignment) (C.14), size rounded up to 8 (B.5);
//!   - a larger composite is copied by the caller and replaced by a pointer to the copy (B.4),
//!     which then travels as any pointer: ffast passes the address of the argument's area
//!     region (the callee may modify it; the wrapper rewrites it before every call);
//!   - results: an HFA in v0..v3, a composite of at most 16 bytes in x0 (and x1), a larger one
//!     in memory the caller provides, its address in x8 (§6.9), which is not an argument
//!     register and so shifts nothing.
//!
//! The entry side (V8's fast call into the trampoline, `docs/v8-fast-api.md` §6) is the same
//! convention applied to `(receiver, js args…)`: the receiver takes x0, so integral JS arguments
//! start at x1 while floating-point ones still start at v0.
//!
//! The register sequences and the [`Allocator`] are public because macOS arm64
//! (`ffast-abi-darwin`) keeps them as they are and only changes where stack arguments go: it
//! plugs its own [`StackRule`] into the same allocator.

pub mod aggregate;

use aggregate::AggPass;
use ffast_core::{
    Aggregate, AreaArg, AreaRet, AreaSrc, ArgPlan, CallPlan, Isa, Loc, Param, RetPlan, Signature,
    StackSlots, Type, ValueClass,
};

/// Argument registers of each class: x0–x7 and v0–v7 (C.1, C.9).
pub const ARG_REGS: u8 = 8;
/// x0: first integral argument, integral result, and the receiver on the entry side.
pub const X0: u8 = 0;
/// x8: the indirect result location register (§6.9: the address of memory for a result
/// larger than 16 bytes that is not an HFA).
pub const X8: u8 = 8;
/// v0: first floating-point argument and floating-point result.
pub const V0: u8 = 0;
/// Where V8 passes the JS receiver: C argument 0 of the fast call (`docs/v8-fast-api.md` §6).
pub const RECEIVER: Loc = Loc::Gpr(X0);
/// AAPCS64 §6.4.5.1: SP is 16-byte aligned at every public interface.
pub const STACK_ALIGN: u32 = 16;

/// The two register counters of stage C: NGRN (next general-purpose register number) and
/// NSRN (next SIMD and floating-point register number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Registers {
    ngrn: u8,
    nsrn: u8,
}

impl Registers {
    /// The C side: every register free (stage A sets NGRN = NSRN = 0).
    pub fn c() -> Self {
        Registers { ngrn: 0, nsrn: 0 }
    }

    /// The entry side: the receiver has taken x0, so NGRN starts at 1; NSRN is untouched.
    pub fn entry() -> Self {
        Registers { ngrn: 1, nsrn: 0 }
    }

    /// The next register of `class`, or `None` when that class is exhausted. An exhausted class
    /// stays exhausted (C.3 / C.13), so calling this in argument order never backfills.
    pub fn take(&mut self, class: ValueClass) -> Option<Loc> {
        match class {
            ValueClass::Float { .. } if self.nsrn < ARG_REGS => {
                self.nsrn += 1;
                Some(Loc::Fpr(V0 + self.nsrn - 1))
            }
            ValueClass::Int { .. } if self.ngrn < ARG_REGS => {
                self.ngrn += 1;
                Some(Loc::Gpr(X0 + self.ngrn - 1))
            }
            _ => None,
        }
    }
}

/// Where an argument that found no register goes — the rule the platforms disagree on most —
/// and the one register rule Apple drops ([`StackRule::EVEN_NGRN_FOR_16_ALIGNED`]).
pub trait StackRule {
    /// C.10: a composite of alignment 16 starts at an even NGRN. AAPCS64 (gcc 12 and clang 14
    /// for `aarch64-linux-gnu`) rounds NGRN up; Apple's arm64 convention does not (clang 14
    /// `--target=arm64-apple-macos` passes `struct { long x __attribute__((aligned(16))); }`
    /// after a `char` in x1, x2; docs/abi-stack-alignment.md).
    const EVEN_NGRN_FOR_16_ALIGNED: bool = true;
    /// What the plan tells the emitter of this rule ([`CallPlan::stack_slots`]).
    const SLOTS: StackSlots;
    /// Byte offset (from `Stack(0)`) of the next stack argument of type `ty`.
    fn place(&mut self, ty: Type) -> u32;
    /// Byte offset of a composite that is not an HFA, `size` bytes (a multiple of 8) aligned
    /// to `align` (8 or 16).
    fn place_block(&mut self, size: u32, align: u32) -> u32;
    /// Byte offset of an HFA of `count` members of `base` (`F32` / `F64`) whose type is
    /// aligned to `align`; its members then follow each other at `base`'s size.
    fn place_hfa(&mut self, base: Type, count: u32, align: u32) -> u32;
    /// Bytes of stack arguments so far, rounded up to a multiple of 8.
    fn bytes(&self) -> u32;
}

/// AAPCS64's stack rule: one 8-byte slot per argument, in argument order (C.16, C.17).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Slots {
    nsaa: u32,
}

impl StackRule for Slots {
    const SLOTS: StackSlots = StackSlots::EightByte;

    fn place(&mut self, _ty: Type) -> u32 {
        // C.5 / C.16: a scalar narrower than 8 bytes is given a size of 8, as if copied into
        // the low bits of a 64-bit register; C.17 copies it to the NSAA, which then advances.
        let at = self.nsaa;
        self.nsaa += 8;
        at
    }

    fn place_block(&mut self, size: u32, align: u32) -> u32 {
        // C.14 / C.15 (C.4 / C.6 for an HFA): NSAA aligned, then advanced by the size.
        let at = self.nsaa.next_multiple_of(align);
        self.nsaa = at + size;
        at
    }

    fn place_hfa(&mut self, base: Type, count: u32, align: u32) -> u32 {
        // C.3: the size rounded up to 8; C.4: NSAA aligned to 8, or 16 for a 16-aligned type —
        // and for a 32-aligned one: gcc 12 and clang 14 cap at 16 (docs/abi-stack-alignment.md).
        let size = (base.size() as u32 * count).next_multiple_of(8);
        self.place_block(size, if align >= 16 { 16 } else { 8 })
    }

    fn bytes(&self) -> u32 {
        self.nsaa
    }
}

/// Assigns locations in argument order, as a caller following stage C does.
#[derive(Clone, Copy, Debug)]
pub struct Allocator<S> {
    pub regs: Registers,
    pub stack: S,
}

impl<S: StackRule> Allocator<S> {
    pub fn new(regs: Registers, stack: S) -> Self {
        Allocator { regs, stack }
    }

    /// A register of the argument's class if one is left, otherwise the stack.
    pub fn place(&mut self, ty: Type) -> Loc {
        self.regs
            .take(ty.class())
            .unwrap_or_else(|| Loc::Stack(self.stack.place(ty)))
    }

    /// Place aggregate parameter `param` (see the module documentation for the rules): one
    /// [`AreaArg`] per HFA member or per double-word, or one area address.
    pub fn place_aggregate(&mut self, agg: &Aggregate, param: usize, out: &mut Vec<AreaArg>) {
        let mut push = |src, c| {
            out.push(AreaArg {
                param: Some(param),
                src,
                c,
            })
        };
        let align = agg.align as u32;
        match aggregate::classify(&agg.ty) {
            AggPass::Hfa { base, count } => {
                let step = base.size() as u32;
                let load = |i: u32| AreaSrc::Load {
                    offset: agg.offset + step * i,
                    ty: base,
                };
                // C.2: only if every member finds a register.
                if self.regs.nsrn + count <= ARG_REGS {
                    for i in 0..count as u32 {
                        let c = self.regs.take(base.class()).expect("checked above");
                        push(load(i), c);
                    }
                } else {
                    // C.3: no later float argument may use a register.
                    self.regs.nsrn = ARG_REGS;
                    let at = self.stack.place_hfa(base, count as u32, align);
                    for i in 0..count as u32 {
                        push(load(i), Loc::Stack(at + step * i));
                    }
                }
            }
            AggPass::Gprs { count } => {
                let load = |i: u32| AreaSrc::Load {
                    offset: agg.offset + 8 * i,
                    ty: Type::U64,
                };
                // C.10: a 16-aligned composite starts at an even register (not on Apple).
                if align >= 16 && S::EVEN_NGRN_FOR_16_ALIGNED {
                    self.regs.ngrn = self.regs.ngrn.next_multiple_of(2).min(ARG_REGS);
                }
                // C.12: only if all its double-words fit.
                if self.regs.ngrn + count <= ARG_REGS {
                    for i in 0..count as u32 {
                        let c = self.regs.take(ValueClass::Int {
                            size: 8,
                            signed: false,
                        });
                        push(load(i), c.expect("checked above"));
                    }
                } else {
                    // C.13, C.14: NGRN = 8, NSAA aligned to max(8, alignment), capped at 16:
                    // gcc's `aarch64_function_arg_boundary` is min(max(align, 8), 16), and
                    // gcc 12 and clang 14 put `{long@16}` at 16 and an over-aligned composite
                    // never above 16 (docs/abi-stack-alignment.md; one larger than 16 bytes
                    // goes by reference anyway, B.4).
                    self.regs.ngrn = ARG_REGS;
                    let at = self.stack.place_block(8 * count as u32, align.clamp(8, 16));
                    for i in 0..count as u32 {
                        push(load(i), Loc::Stack(at + 8 * i));
                    }
                }
            }
            AggPass::Indirect => {
                // B.4: a pointer to the copy, placed as a pointer argument (C.9 or the stack).
                let c = self.place(Type::Pointer);
                push(AreaSrc::Addr { offset: agg.offset }, c);
            }
        }
    }
}

/// Where an aggregate result goes (§6.9): the registers to store into the area after the call,
/// or, for a result in memory, the x8 argument that points at its area region.
pub fn aggregate_result(agg: &Aggregate) -> (Vec<AreaRet>, Option<AreaArg>) {
    match aggregate::classify(&agg.ty) {
        AggPass::Hfa { base, count } => {
            let step = base.size() as u32;
            let regs = (0..count)
                .map(|i| AreaRet {
                    c: Loc::Fpr(V0 + i),
                    offset: agg.offset + step * i as u32,
                    ty: base,
                })
                .collect();
            (regs, None)
        }
        AggPass::Gprs { count } => {
            let regs = (0..count)
                .map(|i| AreaRet {
                    c: Loc::Gpr(X0 + i),
                    offset: agg.offset + 8 * i as u32,
                    ty: Type::U64,
                })
                .collect();
            (regs, None)
        }
        AggPass::Indirect => (
            Vec::new(),
            Some(AreaArg {
                param: None,
                src: AreaSrc::Addr { offset: agg.offset },
                c: Loc::Gpr(X8),
            }),
        ),
    }
}

/// Where C leaves a result of type `ty` (§6.9): x0 for integral, v0 for floating-point.
pub fn ret_plan(ty: Type) -> RetPlan {
    let c = match ty.class() {
        ValueClass::None => None,
        ValueClass::Int { .. } => Some(Loc::Gpr(X0)),
        ValueClass::Float { .. } => Some(Loc::Fpr(V0)),
    };
    RetPlan { ty, c }
}

/// Classify a signature for a C function called with AAPCS64 on Linux, and for the V8 fast-call
/// entry that forwards to it.
pub fn classify(sig: &Signature) -> CallPlan {
    let mut c = Allocator::new(Registers::c(), Slots::default());
    let mut entry = Allocator::new(Registers::entry(), Slots::default());
    let mut args = Vec::with_capacity(sig.params.len());
    let mut area_args = Vec::new();
    // AAPCS64 passes variadic arguments exactly as named ones (its argument-passing rules do
    // not tell them apart; va_start saves x0-x7 and v0-v7), as their promoted C type.
    let variadic = sig.variadic_arg();
    for (i, p) in sig.declared().enumerate() {
        match p {
            Param::Scalar(n, ty) => args.push(ArgPlan {
                ty,
                entry: Some(entry.place(ty)),
                c: c.place(if variadic.is_some_and(|v| n >= v) {
                    ty.promoted()
                } else {
                    ty
                }),
            }),
            Param::Aggregate(agg) => c.place_aggregate(agg, i, &mut area_args),
        }
    }
    let (area_ret, x8) = match &sig.agg_result {
        Some(agg) => aggregate_result(agg),
        None => (Vec::new(), None),
    };
    area_args.extend(x8);
    // The options pointer would be one more integral argument after the JS ones.
    let entry_stack_bytes = entry.stack.bytes();
    let options = entry.place(Type::Pointer);
    CallPlan {
        isa: Isa::Arm64,
        abi: "aapcs64",
        args,
        ret: ret_plan(sig.result),
        area_args,
        area_ret,
        area_size: sig.area_size,
        receiver: RECEIVER,
        // Without the options pointer, which only some trampolines read.
        entry_stack_bytes,
        options: Some(options),
        c_stack_bytes: c.stack.bytes(),
        stack_align: STACK_ALIGN,
        stack_slots: Slots::SLOTS,
        fast: Ok(()),
        variadic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ffast_testkit::{area_args as area, area_rets as rets};
    use Loc::*;

    fn plan(params: &[&str], result: &str) -> CallPlan {
        classify(&Signature::parse(params, result).unwrap())
    }

    #[test]
    fn float_only_register_signatures_need_no_trampoline() {
        ffast_testkit::tables::check_target_is_entry(&plan);
    }

    fn locs(p: &CallPlan) -> Vec<(Option<Loc>, Loc)> {
        p.args.iter().map(|a| (a.entry, a.c)).collect()
    }

    fn c_stack(p: &CallPlan) -> Vec<u32> {
        p.args
            .iter()
            .filter_map(|a| if let Stack(o) = a.c { Some(o) } else { None })
            .collect()
    }

    #[test]
    fn plan_header_names_the_abi() {
        let p = plan(&[], "void");
        assert_eq!((p.isa, p.abi), (Isa::Arm64, "aapcs64"));
        assert_eq!((p.receiver, p.stack_align, p.fast), (Gpr(0), 16, Ok(())));
        assert_eq!(p.stack_slots, StackSlots::EightByte);
        assert_eq!(
            p.ret,
            RetPlan {
                ty: Type::Void,
                c: None
            }
        );
        assert!(p.registers_only());
    }

    #[test]
    fn options_pointer_follows_the_js_arguments_in_the_integer_sequence() {
        // docs/v8-fast-api.md §8: the next integral C argument after the last JS argument.
        assert_eq!(plan(&["buffer", "usize"], "u32").options, Some(Gpr(3)));
        assert_eq!(plan(&["f64", "buffer"], "void").options, Some(Gpr(2)));
        assert_eq!(plan(&["i32"; 6], "void").options, Some(Gpr(7)));
        // x7 taken: the next stack slot (entry_stack_bytes does not count it).
        let p = plan(&["i32"; 7], "void");
        assert_eq!((p.options, p.entry_stack_bytes), (Some(Stack(0)), 0));
        let p = plan(&["i64"; 9], "void");
        assert_eq!((p.options, p.entry_stack_bytes), (Some(Stack(16)), 16));
    }

    #[test]
    fn v8_stack_drop_hazard_when_both_stack_counts_are_odd() {
        // docs/v8-fast-api.md §6.1: (receiver + n ints, m doubles) on the entry side; the
        // receiver takes x0, so n ints put n - 7 on the stack and m doubles m - 8.
        let sig = |ints: usize, dbls: usize| {
            let mut p = vec!["i32"; ints];
            p.extend(std::iter::repeat_n("f64", dbls));
            plan(&p, "f64")
        };
        // The combinations measured on arm64 Node 22/24/26 (crash = true).
        for (ints, dbls, hazard) in [
            (8, 9, true),
            (10, 9, true),
            (8, 11, true),
            (12, 13, true),
            (10, 10, false),
            (9, 10, false),
            (8, 8, false),
            (7, 9, false),
            (2, 2, false),
        ] {
            assert_eq!(
                sig(ints, dbls).v8_stack_drop_hazard(false),
                hazard,
                "{ints} ints, {dbls} doubles"
            );
        }
        // f32 counts as floating-point, i64/pointer/bool as integer-class.
        let mut p = vec!["i64"; 7];
        p.extend([
            "pointer", "f32", "f32", "f32", "f32", "f32", "f32", "f32", "f32", "f32",
        ]);
        assert!(plan(&p, "void").v8_stack_drop_hazard(false));
        // The options pointer is one more integer-class stack argument once x7 is taken.
        let mut p = vec!["i32"; 7];
        p.extend(["f64"; 9]);
        let p = plan(&p, "void");
        assert_eq!(p.options, Some(Stack(8)));
        assert!(!p.v8_stack_drop_hazard(false));
        assert!(p.v8_stack_drop_hazard(true));
    }

    #[test]
    fn two_ints_shift_by_the_receiver() {
        // (recv, i32 a, i32 b): a in x1, b in x2 on entry; x0, x1 for C.
        let p = plan(&["i32", "i32"], "i32");
        assert_eq!(
            locs(&p),
            vec![(Some(Gpr(1)), Gpr(0)), (Some(Gpr(2)), Gpr(1))]
        );
        assert_eq!(p.receiver, Gpr(X0));
        assert_eq!(
            p.ret,
            RetPlan {
                ty: Type::I32,
                c: Some(Gpr(X0))
            }
        );
        assert!(p.registers_only());
    }

    #[test]
    fn floats_do_not_shift_and_interleave_independently() {
        // C.1 and C.9 keep separate counters: (f64 a, i32 b, f64 c) → v0, x1/x0, v1.
        let p = plan(&["f64", "i32", "f64"], "f64");
        assert_eq!(
            locs(&p),
            vec![
                (Some(Fpr(0)), Fpr(0)),
                (Some(Gpr(1)), Gpr(0)),
                (Some(Fpr(1)), Fpr(1))
            ]
        );
        assert_eq!(p.ret.c, Some(Fpr(V0)));
    }

    #[test]
    fn eighth_int_is_on_the_entry_stack_but_in_x7_for_c() {
        let p = plan(&["i64"; 8], "void");
        let l = locs(&p);
        assert_eq!(l[0], (Some(Gpr(1)), Gpr(0)));
        assert_eq!(l[6], (Some(Gpr(7)), Gpr(6)));
        assert_eq!(l[7], (Some(Stack(0)), Gpr(7)));
        assert_eq!((p.entry_stack_bytes, p.c_stack_bytes), (8, 0));
        assert!(!p.registers_only());
    }

    #[test]
    fn nine_ints_spill_on_both_sides() {
        let p = plan(&["i32"; 9], "i32");
        let l = locs(&p);
        assert_eq!(l[7], (Some(Stack(0)), Gpr(7)));
        assert_eq!(l[8], (Some(Stack(8)), Stack(0)));
        assert_eq!((p.entry_stack_bytes, p.c_stack_bytes), (16, 8));
    }

    #[test]
    fn nine_doubles_put_the_ninth_on_the_stack_on_both_sides() {
        let p = plan(&["f64"; 9], "f64");
        let l = locs(&p);
        for (i, a) in l.iter().take(8).enumerate() {
            assert_eq!(*a, (Some(Fpr(i as u8)), Fpr(i as u8)));
        }
        assert_eq!(l[8], (Some(Stack(0)), Stack(0)));
        assert_eq!((p.entry_stack_bytes, p.c_stack_bytes), (8, 8));
    }

    #[test]
    fn stack_slots_interleave_classes_by_argument_order() {
        // 9 doubles, then 9 ints, then a float: the ninth double, ninth int and the float share
        // the stack in argument order.
        let mut params = vec!["f64"; 9];
        params.extend(["i32"; 9]);
        params.push("f32");
        let p = plan(&params, "void");
        let l = locs(&p);
        assert_eq!(l[8], (Some(Stack(0)), Stack(0)));
        assert_eq!(l[9], (Some(Gpr(1)), Gpr(0)));
        assert_eq!(l[16], (Some(Stack(8)), Gpr(7)));
        assert_eq!(l[17], (Some(Stack(16)), Stack(8)));
        assert_eq!(l[18], (Some(Stack(24)), Stack(16)));
        assert_eq!((p.entry_stack_bytes, p.c_stack_bytes), (32, 24));
    }

    #[test]
    fn exhausted_classes_do_not_backfill() {
        // C.13: after the ninth int has gone to the stack NGRN stays 8; a double still finds v0
        // and a later int follows the ninth on the stack.
        let mut params = vec!["i64"; 9];
        params.extend(["f64", "u8"]);
        let p = plan(&params, "void");
        let l = locs(&p);
        assert_eq!(l[8].1, Stack(0));
        assert_eq!(l[9], (Some(Fpr(0)), Fpr(0)));
        assert_eq!(l[10], (Some(Stack(16)), Stack(8)));
    }

    #[test]
    fn narrow_stack_arguments_take_a_whole_slot() {
        // C.5 (f32) and C.16 (integers): size rounded up to 8, so offsets step by 8.
        let mut params = vec!["i64"; 8];
        params.extend(["i8", "u16", "bool", "i32"]);
        params.extend(["f64"; 8]);
        params.push("f32");
        let p = plan(&params, "void");
        assert_eq!(c_stack(&p), vec![0, 8, 16, 24, 32]);
        assert_eq!(p.c_stack_bytes, 40);
    }

    #[test]
    fn pointers_strings_buffers_bools_are_integer_class() {
        let p = plan(&["pointer", "string", "buffer", "bool", "u8"], "pointer");
        assert_eq!(
            p.args.iter().map(|a| a.c).collect::<Vec<_>>(),
            vec![Gpr(0), Gpr(1), Gpr(2), Gpr(3), Gpr(4)]
        );
        assert_eq!(p.args[4].entry, Some(Gpr(5)));
        assert_eq!(p.ret.c, Some(Gpr(X0)));
    }

    #[test]
    fn f32_is_fp_class() {
        let p = plan(&["f32", "i8", "f32"], "f32");
        assert_eq!(locs(&p)[2], (Some(Fpr(1)), Fpr(1)));
        assert_eq!(p.ret.c, Some(Fpr(V0)));
    }

    #[test]
    fn thirty_two_mixed_args() {
        let params: Vec<&str> = (0..32)
            .map(|i| if i % 3 == 0 { "f64" } else { "i64" })
            .collect();
        let p = plan(&params, "i64");
        // 11 doubles (8 in v, 3 on stack), 21 ints (8 in x for C, 7 for entry).
        assert_eq!(p.c_stack_bytes, (3 + 13) * 8);
        assert_eq!(p.entry_stack_bytes, (3 + 14) * 8);
        assert_eq!(c_stack(&p), (0..16).map(|i| i * 8).collect::<Vec<_>>());
        // The last argument (i = 31, an int) is the last slot on both sides.
        assert_eq!(locs(&p)[31], (Some(Stack(16 * 8)), Stack(15 * 8)));
        assert_eq!(p.ret.c, Some(Gpr(X0)));
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    /// (composite, its area loads and locations, the location of the scalar after it).
    type Case = (&'static str, Vec<(String, Loc)>, u32);

    #[test]
    fn over_aligned_composites_cap_at_16() {
        // gcc 12 and clang 14 (`aarch64-linux-gnu -O2 -S`) agree: the stack alignment of an
        // argument is min(max(8, its alignment), 16) (gcc's `aarch64_function_arg_boundary`),
        // and an over-aligned composite larger than 16 bytes that is no HFA goes by reference
        // (B.4). Each case after 8 i64 and 8 f64 and an i8 at stack offset 0, with an i8 after:
        // (composite, its stack locations, the trailing i8).
        let table: [Case; 6] = [
            (
                "struct{a:f64@32,b:f64,c:f64,d:f64}",
                (0..4)
                    .map(|i| (format!("f64@{}", 8 * i), Stack(16 + 8 * i)))
                    .collect(),
                48,
            ),
            (
                "struct{a:f64@16,b:f64}",
                vec![(s("f64@0"), Stack(16)), (s("f64@8"), Stack(24))],
                32,
            ),
            (
                "struct{a:f32@16,b:f32,c:f32,d:f32}",
                (0..4)
                    .map(|i| (format!("f32@{}", 4 * i), Stack(16 + 4 * i)))
                    .collect(),
                32,
            ),
            (
                "struct{x:i64@16}",
                vec![(s("u64@0"), Stack(16)), (s("u64@8"), Stack(24))],
                32,
            ),
            ("struct{x:f64@32}", vec![(s("&0"), Stack(8))], 16),
            ("struct{x:u8@64}", vec![(s("&0"), Stack(8))], 16),
        ];
        for (text, want, trailing) in table {
            let mut params = vec!["i64"; 8];
            params.extend(["f64"; 8]);
            params.extend(["i8", text, "i8"]);
            let p = plan(&params, "void");
            assert_eq!(p.args[16].c, Stack(0), "{text}");
            assert_eq!(area(&p), want, "{text}");
            assert_eq!(p.args[17].c, Stack(trailing), "{text}");
            assert_eq!(p.stack_align, 16, "{text}");
        }
    }

    #[test]
    fn the_arm64_emitter_refuses_a_stack_alignment_above_16() {
        // No AAPCS64 plan asks for one (above); a plan that did would be misplaced, not
        // silently emitted.
        use ffast_core::trampoline::{self, FastTargets};
        let mut p = plan(&["i32", "struct{x:f64@32}"], "i32");
        assert_eq!(p.stack_align, 16);
        let t = FastTargets {
            target: 0x1000,
            wide_slot: 0x2000,
            str_in: 0x3000,
            str_free: 0x4000,
            str_release: 0x4800,
            buf_addr: 0x5000,
            fallback: false,
            area: 0x6000,
        };
        assert!(trampoline::fast(&p, &t).is_ok());
        assert!(trampoline::invoker(&p, 0x1000, 0x6000).is_ok());
        p.stack_align = 32;
        assert!(matches!(
            trampoline::fast(&p, &t),
            Err(ffast_core::Error::Unsupported(_))
        ));
        assert!(matches!(
            trampoline::invoker(&p, 0x1000, 0x6000),
            Err(ffast_core::Error::Unsupported(_))
        ));
    }

    #[test]
    fn hfas_take_one_v_register_per_member() {
        let table: [(&str, Vec<(String, Loc)>); 6] = [
            (
                "struct{a:f32,b:f32}",
                vec![(s("f32@0"), Fpr(0)), (s("f32@4"), Fpr(1))],
            ),
            (
                "struct{a:f32,b:f32,c:f32}",
                vec![
                    (s("f32@0"), Fpr(0)),
                    (s("f32@4"), Fpr(1)),
                    (s("f32@8"), Fpr(2)),
                ],
            ),
            (
                "struct{a:f64,b:f64}",
                vec![(s("f64@0"), Fpr(0)), (s("f64@8"), Fpr(1))],
            ),
            // 24 and 32 bytes, still in registers (B.2 / C.2 ignore the size of an HFA).
            (
                "struct{a:f64,b:f64,c:f64,d:f64}",
                vec![
                    (s("f64@0"), Fpr(0)),
                    (s("f64@8"), Fpr(1)),
                    (s("f64@16"), Fpr(2)),
                    (s("f64@24"), Fpr(3)),
                ],
            ),
            (
                "struct{p:struct{x:f32,y:f32},z:[f32;2]}",
                vec![
                    (s("f32@0"), Fpr(0)),
                    (s("f32@4"), Fpr(1)),
                    (s("f32@8"), Fpr(2)),
                    (s("f32@12"), Fpr(3)),
                ],
            ),
            (
                "union{a:f32,b:[f32;2]}",
                vec![(s("f32@0"), Fpr(0)), (s("f32@4"), Fpr(1))],
            ),
        ];
        for (text, want) in table {
            let p = plan(&["i32", text], "void");
            assert_eq!(area(&p), want, "{text}");
            assert_eq!(locs(&p), vec![(Some(Gpr(1)), Gpr(0))], "{text}");
        }
    }

    #[test]
    fn composites_up_to_16_bytes_take_x_registers_larger_ones_go_by_reference() {
        let table: [(&str, Vec<(String, Loc)>); 8] = [
            ("struct{a:i32,b:i32}", vec![(s("u64@0"), Gpr(1))]),
            ("struct{a:i32,b:f32}", vec![(s("u64@0"), Gpr(1))]),
            (
                "struct{a:i64,b:f64}",
                vec![(s("u64@0"), Gpr(1)), (s("u64@8"), Gpr(2))],
            ),
            ("struct{a:u8,b:u8,c:u8}", vec![(s("u64@0"), Gpr(1))]),
            (
                "struct{b:[u8;16]}",
                vec![(s("u64@0"), Gpr(1)), (s("u64@8"), Gpr(2))],
            ),
            ("struct{b:[u8;17]}", vec![(s("&0"), Gpr(1))]),
            ("struct{b:[u8;64]}", vec![(s("&0"), Gpr(1))]),
            ("struct<1>{a:u8,b:i32,c:u16}", vec![(s("u64@0"), Gpr(1))]),
        ];
        for (text, want) in table {
            let p = plan(&["i32", text, "i32"], "void");
            assert_eq!(area(&p), want, "{text}");
            assert_eq!(p.args[1].c, Gpr(want.len() as u8 + 1), "{text}");
        }
    }

    #[test]
    fn sixteen_aligned_composites_start_at_an_even_register() {
        let p = plan(&["i32", "struct{a:i64@16,b:i64}", "i32"], "void");
        assert_eq!(area(&p), vec![(s("u64@0"), Gpr(2)), (s("u64@8"), Gpr(3))]);
        // x1 was skipped, and stays skipped: NGRN only grows.
        assert_eq!(p.args[1].c, Gpr(4));
        // At x7 it cannot fit: stack, 16-aligned, and no later integer takes x7.
        let mut params = vec!["i64"; 9];
        params[7] = "struct{a:i64@16,b:i64}";
        let p = plan(&params, "void");
        assert_eq!(
            area(&p),
            vec![(s("u64@0"), Stack(0)), (s("u64@8"), Stack(8))]
        );
        assert_eq!(p.args[7].c, Stack(16));
    }

    #[test]
    fn aggregates_that_do_not_fit_go_whole_to_the_stack_and_close_their_class() {
        // Seven doubles: an HFA of two needs two registers; NSRN becomes 8 (C.3).
        let mut params = vec!["f64"; 7];
        params.extend(["struct{a:f64,b:f64}", "f64"]);
        let p = plan(&params, "void");
        assert_eq!(
            area(&p),
            vec![(s("f64@0"), Stack(0)), (s("f64@8"), Stack(8))]
        );
        assert_eq!(p.args[7].c, Stack(16));
        // A 12-byte HFA on the stack takes 16 bytes (C.3 rounds its size up to 8).
        let mut params = vec!["f64"; 8];
        params.extend(["struct{a:f32,b:f32,c:f32}", "f32"]);
        let p = plan(&params, "void");
        assert_eq!(
            area(&p),
            vec![
                (s("f32@0"), Stack(0)),
                (s("f32@4"), Stack(4)),
                (s("f32@8"), Stack(8))
            ]
        );
        assert_eq!(p.args[8].c, Stack(16));
        // Seven integers: a two-register composite goes to the stack, NGRN becomes 8 (C.13).
        let mut params = vec!["i64"; 7];
        params.extend(["struct{a:i64,b:i64}", "i64"]);
        let p = plan(&params, "void");
        assert_eq!(
            area(&p),
            vec![(s("u64@0"), Stack(0)), (s("u64@8"), Stack(8))]
        );
        assert_eq!(p.args[7].c, Stack(16));
        // A by-reference copy after eight integers: its address is a stack argument.
        let mut params = vec!["i64"; 8];
        params.push("struct{b:[u8;32]}");
        let p = plan(&params, "void");
        assert_eq!(area(&p), vec![(s("&0"), Stack(0))]);
    }

    #[test]
    fn aggregate_results() {
        let table: [(&str, Vec<(Loc, String)>); 6] = [
            ("struct{a:i32,b:i32}", vec![(Gpr(0), s("u64@0"))]),
            (
                "struct{a:i64,b:f64}",
                vec![(Gpr(0), s("u64@0")), (Gpr(1), s("u64@8"))],
            ),
            (
                "struct{a:f32,b:f32,c:f32}",
                vec![
                    (Fpr(0), s("f32@0")),
                    (Fpr(1), s("f32@4")),
                    (Fpr(2), s("f32@8")),
                ],
            ),
            // MEMORY on x86-64, an HFA here.
            (
                "struct{a:f64,b:f64,c:f64}",
                vec![
                    (Fpr(0), s("f64@0")),
                    (Fpr(1), s("f64@8")),
                    (Fpr(2), s("f64@16")),
                ],
            ),
            (
                "struct{b:[u8;16]}",
                vec![(Gpr(0), s("u64@0")), (Gpr(1), s("u64@8"))],
            ),
            ("union{i:i32,f:f32}", vec![(Gpr(0), s("u64@0"))]),
        ];
        for (text, want) in table {
            let p = plan(&["i32"], text);
            assert_eq!(rets(&p), want, "{text}");
            assert!(p.area_args.is_empty(), "{text}");
            assert_eq!(p.ret.ty, Type::Void);
        }
        // Larger: x8 points at the result's region; the arguments do not move.
        let p = plan(&["i32", "struct{a:i32,b:i32}"], "struct{b:[u8;17]}");
        assert_eq!(area(&p), vec![(s("u64@0"), Gpr(1)), (s("&16"), Gpr(X8))]);
        assert_eq!(locs(&p), vec![(Some(Gpr(1)), Gpr(0))]);
        assert!(p.area_ret.is_empty());
    }
}
