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
//!   stack, eightbyte by eightbyte, at an offset that is a multiple of its own alignment (at
//!   least 8, and *not* capped at 16: a 32-aligned struct starts at a multiple of 32, a 64- or
//!   4096-aligned one at a multiple of that; GCC's `ix86_function_arg_boundary` returns the
//!   type's alignment uncapped on x86-64, `docs/abi-stack-alignment.md`), and the registers it
//!   skipped stay free for later arguments. The stack must then be aligned at the call to at
//!   least that alignment (psABI §3.2.2: "the end of the input argument area shall be aligned on
//!   a 16 (32 or 64, if __m256 or __m512 is passed on stack) byte boundary"), which
//!   [`CallPlan::stack_align`] tells the emitter.
//! - Aggregate results: INTEGER eightbytes come back in rax then rdx, SSE ones in xmm0 then
//!   xmm1, each sequence on its own (`{f64, i64}` → xmm0, rax). A MEMORY result is written by
//!   the callee to a buffer whose address the caller passes as a hidden first argument in rdi
//!   (so the visible integer arguments start at rsi); rax returns that address.
//!
//! The entry side (V8's fast call into the trampoline, `docs/v8-fast-api.md` §6) is the same
//! convention applied to `(receiver, js args…)`: the receiver takes rdi, so INTEGER-class JS
//! arguments start at rsi while SSE-class ones still start at xmm0.

pub mod aggregate;

use aggregate::{AggClass, Eightbyte};
use ffast_core::{
    AreaArg, AreaRet, AreaSrc, ArgPlan, CallPlan, Isa, Loc, Param, RetPlan, Signature, StackSlots,
    Type, ValueClass,
};

/// rdi, rsi, rdx, rcx, r8, r9 (hardware numbers).
pub const INT_ARG_REGS: [u8; 6] = [7, 6, 2, 1, 8, 9];
/// xmm0–xmm7.
pub const SSE_ARG_REGS: u8 = 8;
pub const RAX: u8 = 0;
pub const RDX: u8 = 2;
pub const XMM0: u8 = 0;

/// Assigns locations in argument order, as a caller following the psABI does.
#[derive(Clone)]
struct Allocator {
    next_int: usize,
    next_sse: u8,
    stack: u32,
    /// The largest alignment of a stack argument so far (16 at least: §3.2.2).
    stack_align: u32,
}

impl Allocator {
    fn new(int_regs_taken: usize) -> Self {
        Allocator {
            next_int: int_regs_taken,
            next_sse: 0,
            stack: 0,
            stack_align: 16,
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
        // goes to the stack at an offset that is a multiple of its alignment (at least 8), with
        // no upper cap: gcc places a 32-aligned struct at offset 32 after seven integers, a
        // 64-aligned one at 64 (`docs/abi-stack-alignment.md`: rounding to at most 16 put it at 16 and
        // shifted every later stack argument). The caller's stack is then aligned to that much
        // at the call (§3.2.2), so offsets are alignments of the addresses too.
        let align = (agg.align as u32).max(8);
        let at = self.stack.next_multiple_of(align);
        self.stack_align = self.stack_align.max(align);
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
    // Variadic arguments are classified and placed exactly as fixed ones (§3.2.3 makes no
    // difference), as their promoted C type, which keeps its class; the caller's extra duty,
    // %al, is the emitters' (CallPlan::vector_regs, docs/variadic.md §2.1).
    let variadic = sig.variadic_arg();
    for (i, p) in sig.declared().enumerate() {
        match p {
            Param::Scalar(n, ty) => {
                let c_ty = if variadic.is_some_and(|v| n >= v) {
                    ty.promoted()
                } else {
                    ty
                };
                args.push(ArgPlan {
                    ty,
                    entry: Some(entry.place(ty.class())),
                    c: c.place(c_ty.class()),
                });
            }
            Param::Aggregate(agg) => c.place_aggregate(agg, i, &mut area_args),
        }
    }
    // The options pointer would be one more INTEGER-class argument after the JS ones.
    let options = entry.clone().place(ValueClass::Int {
        size: 8,
        signed: false,
    });
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
        options: Some(options),
        c_stack_bytes: c.stack,
        stack_align: c.stack_align,
        // §3.2.3: "The size of each argument gets rounded up to eightbytes."
        stack_slots: StackSlots::EightByte,
        fast: Ok(()),
        variadic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ffast_testkit::{area_args as area, area_rets as rets};
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

    #[test]
    fn float_only_register_signatures_need_no_trampoline() {
        ffast_testkit::tables::check_target_is_entry(&plan);
    }

    fn locs(p: &CallPlan) -> Vec<(Option<Loc>, Loc)> {
        p.args.iter().map(|a| (a.entry, a.c)).collect()
    }

    #[test]
    fn stack_arguments_take_eightbyte_slots() {
        let p = plan(&["i8"; 8], "void");
        assert_eq!(p.stack_slots, StackSlots::EightByte);
        assert_eq!((p.args[6].c, p.args[7].c), (Stack(0), Stack(8)));
    }

    #[test]
    fn the_x64_emitter_refuses_naturally_packed_stack_arguments() {
        // Its stores into the outgoing area are 8 bytes wide: a plan packing stack arguments
        // by size (no x64 ABI does) would be emitted wrongly, so it is refused.
        use ffast_core::trampoline;
        let mut p = plan(&["i8"; 8], "i32");
        let t = ffast_testkit::golden::targets(false);
        assert!(trampoline::fast(&p, &t).is_ok());
        assert!(trampoline::invoker(&p, 0x1000, 0x6000).is_ok());
        assert!(trampoline::callback_entry(&p, 0x1000, 0x2000).is_ok());
        p.stack_slots = StackSlots::Natural;
        let unsupported = |r: Result<Vec<u8>, ffast_core::Error>| matches!(r, Err(ffast_core::Error::Unsupported(m)) if m.contains("Natural"));
        assert!(unsupported(trampoline::fast(&p, &t)));
        assert!(unsupported(trampoline::invoker(&p, 0x1000, 0x6000)));
        assert!(unsupported(trampoline::callback_entry(&p, 0x1000, 0x2000)));
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
        // (f64 a, i32 b, f64 c): a in xmm0, b in esi/edi, c in xmm1 — the case docs/v8-fast-api.md §6 gives.
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
    fn options_pointer_follows_the_js_arguments_in_the_integer_sequence() {
        // docs/v8-fast-api.md §8: the next integer-class C argument after the last JS argument.
        assert_eq!(plan(&["buffer", "usize"], "u32").options, Some(Gpr(RCX)));
        assert_eq!(plan(&["f64", "buffer"], "void").options, Some(Gpr(RDX)));
        assert_eq!(plan(&["i32"; 4], "void").options, Some(Gpr(R9)));
        // Registers exhausted: the next stack slot, after the JS arguments' ones (which
        // entry_stack_bytes keeps counting without it).
        let p = plan(&["i32"; 5], "void");
        assert_eq!((p.options, p.entry_stack_bytes), (Some(Stack(0)), 0));
        let p = plan(&["i64"; 7], "void");
        assert_eq!((p.options, p.entry_stack_bytes), (Some(Stack(16)), 16));
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

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn aggregate_arguments_of_issue_4_in_registers() {
        let table: [(&str, Vec<(String, Loc)>); 14] = [
            ("struct{a:i32,b:i32}", vec![(s("u64@0"), Gpr(RDI))]),
            ("struct{a:f32,b:f32}", vec![(s("f64@0"), Fpr(0))]),
            (
                "struct{a:f64,b:f64}",
                vec![(s("f64@0"), Fpr(0)), (s("f64@8"), Fpr(1))],
            ),
            (
                "struct{a:i64,b:f64}",
                vec![(s("u64@0"), Gpr(RDI)), (s("f64@8"), Fpr(0))],
            ),
            ("struct{a:i32,b:f32}", vec![(s("u64@0"), Gpr(RDI))]),
            ("struct{a:u8,b:u8,c:u8}", vec![(s("u64@0"), Gpr(RDI))]),
            (
                "struct{a:f32,b:f32,c:f32}",
                vec![(s("f64@0"), Fpr(0)), (s("f64@8"), Fpr(1))],
            ),
            ("struct{b:[u8;1]}", vec![(s("u64@0"), Gpr(RDI))]),
            ("struct{b:[u8;2]}", vec![(s("u64@0"), Gpr(RDI))]),
            ("struct{b:[u8;4]}", vec![(s("u64@0"), Gpr(RDI))]),
            ("struct{b:[u8;8]}", vec![(s("u64@0"), Gpr(RDI))]),
            (
                "struct{b:[u8;16]}",
                vec![(s("u64@0"), Gpr(RDI)), (s("u64@8"), Gpr(RSI))],
            ),
            (
                "struct{p:struct{x:f32,y:f32},z:f64}",
                vec![(s("f64@0"), Fpr(0)), (s("f64@8"), Fpr(1))],
            ),
            ("union{i:i32,f:f32}", vec![(s("u64@0"), Gpr(RDI))]),
        ];
        for (text, want) in table {
            let p = plan(&[text], "void");
            assert_eq!(area(&p), want, "{text}");
            assert_eq!(p.c_stack_bytes, 0, "{text}");
            assert!(p.args.is_empty() && p.area_ret.is_empty());
        }
    }

    #[test]
    fn memory_class_arguments_are_copied_to_the_stack_by_eightbytes() {
        for (text, eightbytes) in [
            ("struct{a:f64,b:f64,c:f64}", 3u32),
            ("struct{b:[u8;17]}", 3),
            ("struct{b:[u8;32]}", 4),
            ("struct{b:[u8;64]}", 8),
            // Packed below natural alignment: MEMORY even at 7 bytes.
            ("struct<1>{a:u8,b:i32,c:u16}", 1),
        ] {
            let p = plan(&["i32", text, "f64"], "void");
            let want: Vec<(String, Loc)> = (0..eightbytes)
                .map(|i| (format!("u64@{}", 8 * i), Stack(8 * i)))
                .collect();
            assert_eq!(area(&p), want, "{text}");
            // The scalars around it keep their registers.
            assert_eq!(
                locs(&p),
                vec![(Some(Gpr(RSI)), Gpr(RDI)), (Some(Fpr(0)), Fpr(0))]
            );
            assert_eq!(p.c_stack_bytes, 8 * eightbytes);
        }
    }

    #[test]
    fn an_aggregate_takes_registers_only_if_all_its_eightbytes_fit() {
        // After six integers: INTEGER structs go to the stack, SSE ones still find xmm.
        let p = plan(
            &[
                "i64",
                "i64",
                "i64",
                "i64",
                "i64",
                "i64",
                "struct{a:i32,b:i32}",
                "i32",
            ],
            "void",
        );
        assert_eq!(area(&p), vec![(s("u64@0"), Stack(0))]);
        assert_eq!(p.args[6].c, Stack(8));
        let p = plan(
            &[
                "i64",
                "i64",
                "i64",
                "i64",
                "i64",
                "i64",
                "struct{a:f64,b:f64}",
            ],
            "void",
        );
        assert_eq!(area(&p), vec![(s("f64@0"), Fpr(0)), (s("f64@8"), Fpr(1))]);
        // Five integers leave r9 alone: a two-register struct goes whole to the stack and the
        // next integer still takes r9 (§3.2.3).
        let p = plan(
            &[
                "i64",
                "i64",
                "i64",
                "i64",
                "i64",
                "struct{a:i64,b:i64}",
                "i64",
            ],
            "void",
        );
        assert_eq!(
            area(&p),
            vec![(s("u64@0"), Stack(0)), (s("u64@8"), Stack(8))]
        );
        assert_eq!(p.args[5].c, Gpr(R9));
        // {i64,f64} needs one of each: with r9 free it fits.
        let p = plan(
            &["i64", "i64", "i64", "i64", "i64", "struct{a:i64,b:f64}"],
            "void",
        );
        assert_eq!(area(&p), vec![(s("u64@0"), Gpr(R9)), (s("f64@8"), Fpr(0))]);
        // Nine doubles, then a struct: the ninth double is the first stack slot.
        let mut nine = vec!["f64"; 9];
        nine.push("struct{a:f64,b:f64}");
        let p = plan(&nine, "void");
        assert_eq!(p.args[8].c, Stack(0));
        assert_eq!(
            area(&p),
            vec![(s("u64@0"), Stack(8)), (s("u64@8"), Stack(16))]
        );
        // Seven doubles: one xmm left, not enough; the double after the struct takes xmm7.
        let mut seven = vec!["f64"; 7];
        seven.extend(["struct{a:f64,b:f64}", "f64"]);
        let p = plan(&seven, "void");
        assert_eq!(
            area(&p),
            vec![(s("u64@0"), Stack(0)), (s("u64@8"), Stack(8))]
        );
        assert_eq!(p.args[7].c, Fpr(7));
    }

    #[test]
    fn a_16_aligned_aggregate_gets_a_16_aligned_stack_slot() {
        let mut params = vec!["i64"; 7];
        params.push("struct{a:f64@16,b:f64,c:f64}");
        params.push("i64");
        let p = plan(&params, "void");
        assert_eq!(p.args[6].c, Stack(0));
        let slots: Vec<Loc> = p.area_args.iter().map(|a| a.c).collect();
        // 32 bytes (24 of data, padded to its alignment): four eightbytes from offset 16.
        assert_eq!(slots, vec![Stack(16), Stack(24), Stack(32), Stack(40)]);
        assert_eq!(p.args[7].c, Stack(48));
        assert_eq!(p.c_stack_bytes, 56);
        assert_eq!(p.stack_align, 16);
    }

    /// (params before, aggregate, its first stack offset, the trailing i64's location,
    /// c_stack_bytes, stack_align).
    type OverAligned = (&'static [&'static str], &'static str, u32, Loc, u32, u32);

    #[test]
    fn over_aligned_aggregates_take_stack_slots_at_their_own_alignment() {
        // Issue 15 finding 12: gcc 12 (`ix86_function_arg_boundary`, uncapped on x86-64) puts
        // a 32-aligned struct at offset 32, a 64-aligned one at 64, …; every one checked with
        // `gcc -O2 -S` (docs/abi-stack-alignment.md). (params before, aggregate, first stack
        // offset of the aggregate, location of a trailing i64, c_stack_bytes, stack_align).
        const SEVEN: &[&str] = &["i64"; 7];
        let table: [OverAligned; 7] = [
            (SEVEN, "struct{x:f64@32}", 32, Stack(64), 72, 32),
            (SEVEN, "struct{x:f64@64}", 64, Stack(128), 136, 64),
            (SEVEN, "struct{x:u8@128}", 128, Stack(256), 264, 128),
            (SEVEN, "struct{x:u8@4096}", 4096, Stack(8192), 8200, 4096),
            // `double get_x2(struct { double v[6]; }, A32)`: 48 bytes at 0, then 64.
            (&[], "struct{x:f64@32}", 64, Gpr(RDI), 96, 32),
            // Nothing before it on the stack: offset 0 is a multiple of anything.
            (&["i64"; 6], "struct{x:f64@32}", 0, Stack(32), 40, 32),
            // 16 keeps its 16, and the stack alignment stays the usual 16.
            (SEVEN, "struct{x:f64@16,y:f64,z:f64}", 16, Stack(48), 56, 16),
        ];
        for (i, (before, text, at, trailing, bytes, align)) in table.into_iter().enumerate() {
            let mut params: Vec<&str> = before.to_vec();
            if i == 4 {
                params.push("struct{v:[f64;6]}");
            }
            params.push(text);
            params.push("i64");
            let p = plan(&params, "f64");
            let agg = params.len() - 2;
            let first = p
                .area_args
                .iter()
                .find(|a| a.param == Some(agg))
                .map(|a| a.c);
            assert_eq!(first, Some(Stack(at)), "{params:?}");
            let eightbytes = p.area_args.iter().filter(|a| a.param == Some(agg)).count();
            let size = Signature::parse(&[text], "void").unwrap().agg_params[0]
                .agg
                .size;
            assert_eq!(eightbytes, size / 8, "{params:?}: whole eightbytes");
            assert_eq!(p.args.last().unwrap().c, trailing, "{params:?}");
            assert_eq!(
                (p.c_stack_bytes, p.stack_align),
                (bytes, align),
                "{params:?}"
            );
        }
    }

    #[test]
    fn aggregate_results_in_registers() {
        let table: [(&str, Vec<(Loc, String)>); 9] = [
            ("struct{a:i32,b:i32}", vec![(Gpr(RAX), s("u64@0"))]),
            ("struct{a:f32,b:f32}", vec![(Fpr(0), s("f64@0"))]),
            (
                "struct{a:f64,b:f64}",
                vec![(Fpr(0), s("f64@0")), (Fpr(1), s("f64@8"))],
            ),
            (
                "struct{a:i64,b:f64}",
                vec![(Gpr(RAX), s("u64@0")), (Fpr(0), s("f64@8"))],
            ),
            // Each class has its own sequence: {f64, i64} → xmm0, rax.
            (
                "struct{a:f64,b:i64}",
                vec![(Fpr(0), s("f64@0")), (Gpr(RAX), s("u64@8"))],
            ),
            (
                "struct{a:i64,b:i64}",
                vec![(Gpr(RAX), s("u64@0")), (Gpr(RDX), s("u64@8"))],
            ),
            ("struct{a:u8,b:u8,c:u8}", vec![(Gpr(RAX), s("u64@0"))]),
            (
                "struct{a:f32,b:f32,c:f32}",
                vec![(Fpr(0), s("f64@0")), (Fpr(1), s("f64@8"))],
            ),
            (
                "union{f:[f32;4],d:[f64;2]}",
                vec![(Fpr(0), s("f64@0")), (Fpr(1), s("f64@8"))],
            ),
        ];
        for (text, want) in table {
            let p = plan(&["i32"], text);
            assert_eq!(rets(&p), want, "{text}");
            assert!(p.area_args.is_empty(), "{text}");
            assert_eq!(
                p.ret,
                RetPlan {
                    ty: Type::Void,
                    c: None
                }
            );
            assert_eq!(locs(&p), vec![(Some(Gpr(RSI)), Gpr(RDI))]);
            // The result region follows no argument region: it starts the area.
            assert_eq!(p.area_size, 16);
        }
    }

    #[test]
    fn memory_results_take_a_hidden_pointer_in_rdi() {
        for text in [
            "struct{a:f64,b:f64,c:f64}",
            "struct{b:[u8;17]}",
            "struct{b:[u8;64]}",
            "struct<1>{a:u8,b:i32,c:u16}",
        ] {
            let p = plan(&["i32", "struct{a:i32,b:i32}", "i64"], text);
            // The argument struct's region is first (offset 0), the result's next (16).
            assert_eq!(
                area(&p),
                vec![(s("&16"), Gpr(RDI)), (s("u64@0"), Gpr(RDX))],
                "{text}"
            );
            // The integer registers shift by one on the C side only.
            assert_eq!(
                locs(&p),
                vec![(Some(Gpr(RSI)), Gpr(RSI)), (Some(Gpr(RDX)), Gpr(RCX))]
            );
            assert!(p.area_ret.is_empty());
        }
        // With six integers, the sixth goes to the stack.
        let p = plan(&["i64"; 6], "struct{a:f64,b:f64,c:f64}");
        assert_eq!(p.args[4].c, Gpr(R9));
        assert_eq!(p.args[5].c, Stack(0));
    }
}
