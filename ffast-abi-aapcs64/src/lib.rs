//! AAPCS64 classification for scalar signatures on Linux AArch64:
//! `classify(&Signature) -> CallPlan`.
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
//!
//! The entry side (V8's fast call into the trampoline, `v8-fast-api.md` §7.2) is the same
//! convention applied to `(receiver, js args…)`: the receiver takes x0, so integral JS arguments
//! start at x1 while floating-point ones still start at v0.
//!
//! The register sequences and the [`Allocator`] are public because macOS arm64
//! (`ffast-abi-darwin`) keeps them as they are and only changes where stack arguments go: it
//! plugs its own [`StackRule`] into the same allocator.

pub mod aggregate;

use ffast_core::{ArgPlan, CallPlan, Isa, Loc, RetPlan, Signature, Type, ValueClass};

/// Argument registers of each class: x0–x7 and v0–v7 (C.1, C.9).
pub const ARG_REGS: u8 = 8;
/// x0: first integral argument, integral result, and the receiver on the entry side.
pub const X0: u8 = 0;
/// v0: first floating-point argument and floating-point result.
pub const V0: u8 = 0;
/// Where V8 passes the JS receiver: C argument 0 of the fast call (`v8-fast-api.md` §7.2).
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

/// Where an argument that found no register goes: the one rule the platforms disagree on.
pub trait StackRule {
    /// Byte offset (from `Stack(0)`) of the next stack argument of type `ty`.
    fn place(&mut self, ty: Type) -> u32;
    /// Bytes of stack arguments so far, rounded up to a multiple of 8.
    fn bytes(&self) -> u32;
}

/// AAPCS64's stack rule: one 8-byte slot per argument, in argument order (C.16, C.17).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Slots {
    nsaa: u32,
}

impl StackRule for Slots {
    fn place(&mut self, _ty: Type) -> u32 {
        // C.5 / C.16: a scalar narrower than 8 bytes is given a size of 8, as if copied into
        // the low bits of a 64-bit register; C.17 copies it to the NSAA, which then advances.
        let at = self.nsaa;
        self.nsaa += 8;
        at
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
    let args = sig
        .params
        .iter()
        .map(|&ty| ArgPlan {
            ty,
            entry: Some(entry.place(ty)),
            c: c.place(ty),
        })
        .collect();
    CallPlan {
        isa: Isa::Arm64,
        abi: "aapcs64",
        args,
        ret: ret_plan(sig.result),
        area_args: Vec::new(),
        area_ret: Vec::new(),
        area_size: sig.area_size,
        receiver: RECEIVER,
        entry_stack_bytes: entry.stack.bytes(),
        c_stack_bytes: c.stack.bytes(),
        stack_align: STACK_ALIGN,
        fast: Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Loc::*;

    fn plan(params: &[&str], result: &str) -> CallPlan {
        classify(&Signature::parse(params, result).unwrap())
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
}
