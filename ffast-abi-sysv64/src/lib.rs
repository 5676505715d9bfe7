//! System V AMD64 psABI classification: `classify(&Signature) -> CallPlan`.
//!
//! Pure logic, no code emission and no knowledge of Node. Rules implemented (psABI 1.0, §3.2.3
//! "Parameter Passing"):
//! - INTEGER-class arguments (all integers, bool, pointers) take the next of
//!   rdi, rsi, rdx, rcx, r8, r9; SSE-class arguments (float, double) take the next of xmm0–xmm7.
//!   The two sequences advance independently.
//! - Arguments that find no register go to the stack in argument order, one 8-byte slot each
//!   (scalars are at most 8 bytes), the first at the lowest address (`Stack(0)`).
//! - INTEGER results come back in rax, SSE results in xmm0.
//! - Aggregates by value ([`aggregate`] classifies them): a struct whose eightbytes are all
//!   INTEGER/SSE takes one register per eightbyte from the same two sequences, but only if all
//!   of them fit; otherwise, and for MEMORY-class aggregates, the whole object is copied to the
//!   stack, eightbyte by eightbyte, at its alignment (8, or 16 for 16-aligned types: GCC's
//!   `ix86_function_arg_boundary`), and the registers it skipped stay free for later arguments.
//! - Aggregate results: INTEGER eightbytes come back in rax then rdx, SSE ones in xmm0 then
//!   xmm1, each sequence on its own (`{f64, i64}` → xmm0, rax). A MEMORY result is written by
//!   the callee to a buffer whose address the caller passes as a hidden first argument in rdi
//!   (so the visible integer arguments start at rsi); rax returns that address.
//!
//! The entry side (V8's fast call into the trampoline, `v8-fast-api.md` §7.1) is the same
//! convention applied to `(receiver, js args…)`: the receiver takes rdi, so INTEGER-class JS
//! arguments start at rsi while SSE-class ones still start at xmm0.

pub mod aggregate;

use aggregate::{AggClass, Eightbyte};
use ffast_core::{
    AreaArg, AreaRet, AreaSrc, ArgPlan, CallPlan, Isa, Loc, Param, RetPlan, Signature, Type,
    ValueClass,
};

/// rdi, rsi, rdx, rcx, r8, r9 (hardware numbers).
pub const INT_ARG_REGS: [u8; 6] = [7, 6, 2, 1, 8, 9];
/// xmm0–xmm7.
pub const SSE_ARG_REGS: u8 = 8;
pub const RAX: u8 = 0;
pub const RDX: u8 = 2;
pub const XMM0: u8 = 0;

/// Assigns locations in argument order, as a caller following the psABI does.
struct Allocator {
    next_int: usize,
    next_sse: u8,
    stack: u32,
}

impl Allocator {
    fn new(int_regs_taken: usize) -> Self {
        Allocator {
            next_int: int_regs_taken,
            next_sse: 0,
            stack: 0,
        }
    }

    fn place(&mut self, class: ValueClass) -> Loc {
        match class {
            ValueClass::Float { .. } if self.next_sse < SSE_ARG_REGS => {
                self.next_sse += 1;
                Loc::Fpr(self.next_sse - 1)
            }
            ValueClass::Int { .. } if self.next_int < INT_ARG_REGS.len() => {
                self.next_int += 1;
                Loc::Gpr(INT_ARG_REGS[self.next_int - 1])
            }
            // §3.2.3: "arguments are pushed on the stack in reversed (right-to-left) order",
            // i.e. the first stack argument sits at the lowest address; each eightbyte-aligned.
            _ => {
                let at = self.stack;
                self.stack += 8;
                Loc::Stack(at)
            }
        }
    }

    /// Place an aggregate argument whose area region starts at `offset`.
    fn place_aggregate(
        &mut self,
        agg: &ffast_core::Aggregate,
        param: usize,
        out: &mut Vec<AreaArg>,
    ) {
        let mut push = |src, c| {
            out.push(AreaArg {
                param: Some(param),
                src,
                c,
            })
        };
        if let AggClass::Regs(classes) = aggregate::classify(&agg.ty) {
            let free_int = INT_ARG_REGS.len() - self.next_int;
            let free_sse = (SSE_ARG_REGS - self.next_sse) as usize;
            if aggregate::fits(&classes, free_int, free_sse) {
                for (i, class) in classes.iter().enumerate() {
                    let offset = agg.offset + 8 * i as u32;
                    let (ty, class) = match class {
                        Eightbyte::Integer => (
                            Type::U64,
                            ValueClass::Int {
                                size: 8,
                                signed: false,
                            },
                        ),
                        Eightbyte::Sse => (Type::F64, ValueClass::Float { size: 8 }),
                    };
                    push(AreaSrc::Load { offset, ty }, self.place(class));
                }
                return;
            }
        }
        // §3.2.3: MEMORY class, or not enough registers for every eightbyte: the whole object
        // goes to the stack, its slot aligned to 8 or, for a 16-aligned type, 16 (the stack
        // is 16-aligned at the call, so Stack offsets are alignments too).
        let at = self
            .stack
            .next_multiple_of(if agg.align >= 16 { 16 } else { 8 });
        let eightbytes = agg.size.div_ceil(8) as u32;
        for i in 0..eightbytes {
            push(
                AreaSrc::Load {
                    offset: agg.offset + 8 * i,
                    ty: Type::U64,
                },
                Loc::Stack(at + 8 * i),
            );
        }
        self.stack = at + 8 * eightbytes;
    }
}

/// Where an aggregate result's registers go: the INTEGER eightbytes in rax then rdx, the SSE
/// ones in xmm0 then xmm1 (§3.2.3 "Returning of Values"). `None` for a MEMORY result.
fn result_registers(agg: &ffast_core::Aggregate) -> Option<Vec<AreaRet>> {
    let AggClass::Regs(classes) = aggregate::classify(&agg.ty) else {
        return None;
    };
    let (mut int, mut sse) = ([RAX, RDX].into_iter(), 0u8..2);
    Some(
        classes
            .iter()
            .enumerate()
            .map(|(i, class)| {
                let (c, ty) = match class {
                    Eightbyte::Integer => {
                        (Loc::Gpr(int.next().expect("two eightbytes")), Type::U64)
                    }
                    Eightbyte::Sse => (Loc::Fpr(sse.next().expect("two eightbytes")), Type::F64),
                };
                AreaRet {
                    c,
                    offset: agg.offset + 8 * i as u32,
                    ty,
                }
            })
            .collect(),
    )
}

/// Classify a signature for a C function called with the SysV convention, and for the V8
/// fast-call entry that forwards to it.
pub fn classify(sig: &Signature) -> CallPlan {
    let mut area_args = Vec::new();
    // An aggregate result returned in memory: its address is a hidden first argument.
    let area_ret = match &sig.agg_result {
        Some(agg) => result_registers(agg).unwrap_or_else(|| {
            area_args.push(AreaArg {
                param: None,
                src: AreaSrc::Addr { offset: agg.offset },
                c: Loc::Gpr(INT_ARG_REGS[0]),
            });
            Vec::new()
        }),
        None => Vec::new(),
    };
    let mut c = Allocator::new(area_args.len());
    // The receiver occupies the first INTEGER register on the entry side.
    let mut entry = Allocator::new(1);
    let mut args = Vec::with_capacity(sig.params.len());
    for (i, p) in sig.declared().enumerate() {
        match p {
            Param::Scalar(_, ty) => {
                let class = ty.class();
                args.push(ArgPlan {
                    ty,
                    entry: Some(entry.place(class)),
                    c: c.place(class),
                });
            }
            Param::Aggregate(agg) => c.place_aggregate(agg, i, &mut area_args),
        }
    }
    let ret_loc = match sig.result.class() {
        ValueClass::None => None,
        ValueClass::Int { .. } => Some(Loc::Gpr(RAX)),
        ValueClass::Float { .. } => Some(Loc::Fpr(XMM0)),
    };
    CallPlan {
        isa: Isa::X64,
        abi: "sysv64",
        args,
        ret: RetPlan {
            ty: sig.result,
            c: ret_loc,
        },
        area_args,
        area_ret,
        area_size: sig.area_size,
        receiver: Loc::Gpr(INT_ARG_REGS[0]),
        entry_stack_bytes: entry.stack,
        c_stack_bytes: c.stack,
        stack_align: 16,
        fast: Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ffast_core::Type;
    use Loc::*;

    const RDI: u8 = 7;
    const RSI: u8 = 6;
    const RDX: u8 = 2;
    const RCX: u8 = 1;
    const R8: u8 = 8;
    const R9: u8 = 9;

    fn plan(params: &[&str], result: &str) -> CallPlan {
        classify(&Signature::parse(params, result).unwrap())
    }

    fn locs(p: &CallPlan) -> Vec<(Option<Loc>, Loc)> {
        p.args.iter().map(|a| (a.entry, a.c)).collect()
    }

    #[test]
    fn two_ints_shift_by_the_receiver() {
        let p = plan(&["i32", "i32"], "i32");
        assert_eq!(
            locs(&p),
            vec![(Some(Gpr(RSI)), Gpr(RDI)), (Some(Gpr(RDX)), Gpr(RSI))]
        );
        assert_eq!(p.receiver, Gpr(RDI));
        assert_eq!(
            p.ret,
            RetPlan {
                ty: Type::I32,
                c: Some(Gpr(RAX))
            }
        );
        assert!(p.registers_only());
    }

    #[test]
    fn floats_do_not_shift_and_interleave_independently() {
        // (f64 a, i32 b, f64 c): a in xmm0, b in esi/edi, c in xmm1 — §7.1 proof case.
        let p = plan(&["f64", "i32", "f64"], "f64");
        assert_eq!(
            locs(&p),
            vec![
                (Some(Fpr(0)), Fpr(0)),
                (Some(Gpr(RSI)), Gpr(RDI)),
                (Some(Fpr(1)), Fpr(1))
            ]
        );
        assert_eq!(p.ret.c, Some(Fpr(XMM0)));
    }

    #[test]
    fn sixth_int_is_on_the_entry_stack_but_in_r9_for_c() {
        let p = plan(&["i64"; 6], "void");
        let l = locs(&p);
        assert_eq!(l[0], (Some(Gpr(RSI)), Gpr(RDI)));
        assert_eq!(l[4], (Some(Gpr(R9)), Gpr(R8)));
        assert_eq!(l[5], (Some(Stack(0)), Gpr(R9)));
        assert_eq!((p.entry_stack_bytes, p.c_stack_bytes), (8, 0));
        assert_eq!(p.ret.c, None);
    }

    #[test]
    fn eight_ints_spill_in_argument_order() {
        let p = plan(&["i32"; 8], "i32");
        let l = locs(&p);
        assert_eq!(l[5], (Some(Stack(0)), Gpr(R9)));
        assert_eq!(l[6], (Some(Stack(8)), Stack(0)));
        assert_eq!(l[7], (Some(Stack(16)), Stack(8)));
        assert_eq!((p.entry_stack_bytes, p.c_stack_bytes), (24, 16));
    }

    #[test]
    fn nine_doubles_put_the_ninth_on_the_stack_on_both_sides() {
        let p = plan(&["f64"; 9], "f64");
        let l = locs(&p);
        for (i, a) in l.iter().take(8).enumerate() {
            assert_eq!(*a, (Some(Fpr(i as u8)), Fpr(i as u8)));
        }
        assert_eq!(l[8], (Some(Stack(0)), Stack(0)));
    }

    #[test]
    fn stack_slots_interleave_classes_by_argument_order() {
        // 9 doubles then 7 ints: the 9th double and the 7th int share the stack in order.
        let mut params = vec!["f64"; 9];
        params.extend(["i32"; 7]);
        let p = plan(&params, "void");
        let l = locs(&p);
        assert_eq!(l[8], (Some(Stack(0)), Stack(0)));
        assert_eq!(l[9], (Some(Gpr(RSI)), Gpr(RDI)));
        assert_eq!(l[14], (Some(Stack(8)), Gpr(R9)));
        assert_eq!(l[15], (Some(Stack(16)), Stack(8)));
    }

    #[test]
    fn pointers_strings_buffers_bools_are_integer_class() {
        let p = plan(&["pointer", "string", "buffer", "bool", "u8"], "pointer");
        assert_eq!(
            p.args.iter().map(|a| a.c).collect::<Vec<_>>(),
            vec![Gpr(RDI), Gpr(RSI), Gpr(RDX), Gpr(RCX), Gpr(R8)]
        );
        assert_eq!(p.ret.c, Some(Gpr(RAX)));
    }

    #[test]
    fn f32_is_sse_class() {
        let p = plan(&["f32", "i8", "f32"], "f32");
        assert_eq!(locs(&p)[2], (Some(Fpr(1)), Fpr(1)));
        assert_eq!(p.ret.c, Some(Fpr(XMM0)));
    }

    #[test]
    fn thirty_two_mixed_args() {
        let params: Vec<&str> = (0..32)
            .map(|i| if i % 3 == 0 { "f64" } else { "i64" })
            .collect();
        let p = plan(&params, "i64");
        // 11 doubles (8 in xmm, 3 on stack), 21 ints (6 in regs for C, 5 for entry).
        assert_eq!(p.c_stack_bytes, (3 + 15) * 8);
        assert_eq!(p.entry_stack_bytes, (3 + 16) * 8);
        let stack_c: Vec<u32> = p
            .args
            .iter()
            .filter_map(|a| if let Stack(o) = a.c { Some(o) } else { None })
            .collect();
        assert_eq!(stack_c, (0..18).map(|i| i * 8).collect::<Vec<_>>());
    }
}
