//! macOS arm64 classification: `classify(&Signature) -> CallPlan`.
//!
//! Apple's arm64 convention is AAPCS64 with deltas ("Writing ARM64 code for Apple platforms",
//! section "Pass arguments to functions correctly"). This crate reuses the register rules of
//! `ffast-abi-aapcs64` as they are and changes only what Apple changes:
//! - **Stack packing.** "Function arguments may consume slots on the stack that are not multiples
//!   of 8 bytes": a stack argument takes its natural size and is aligned to its natural
//!   alignment (i8 1 byte, i16 2, i32/f32 4, 64-bit values 8), in argument order. The area is
//!   rounded up to 8 bytes at the end ([`Packed`]).
//! - **Narrow arguments are extended by the caller.** Apple: "The caller of a function is
//!   responsible for signing or zero-extending any argument with fewer than 32 bits." The plan
//!   keeps the argument's own type; the emitter always sign/zero-extends narrow integers to at
//!   least 32 bits, in registers and in stack slots alike, so no flag is needed here.
//! - **x18 is reserved** for the platform ([`RESERVED_X18`]); argument passing never touches it,
//!   and the emitter must not use it as a scratch register.
//! - **Variadic arguments always go on the stack**, in 8-byte slots ([`classify_variadic`]).
//! - **Aggregates** keep AAPCS64's register rules (HFAs in v registers, composites of at most
//!   16 bytes in x registers, larger ones by reference, results in v0–v3 / x0–x1 / through
//!   x8). On the stack, a composite that is not an HFA still takes 8-byte-aligned double-words
//!   (clang passes it as an array of i64, or i128 when 16-aligned), but an HFA is packed like
//!   its members: aligned to its base type (4 for floats) and exactly `count × size` bytes
//!   (clang's `CC_AArch64_Custom_Block` drops the 8-byte minimum slot alignment on Darwin),
//!   even when the HFA is over-aligned (16 or 32: Linux rounds those to 16). And in registers, a
//!   16-aligned composite does not skip to an even x register (AAPCS64 C.10 does). Both checked
//!   with clang 14 `--target=arm64-apple-macos -S` (docs/abi-stack-alignment.md).
//!
//! On top of the C convention, V8's fast-call entry on macOS arm64 cannot pass stack arguments:
//! it refuses a fast call with more than 8 C arguments counting the receiver
//! (`docs/v8-fast-api.md` §6, "macOS arm64"). Such a plan has `fast: Err(..)` and no entry locations; the
//! slow path still calls C through the `c` side.

use ffast_abi_aapcs64::aggregate::{self, AggPass};
use ffast_abi_aapcs64::{
    aggregate_result, ret_plan, Allocator, Registers, StackRule, RECEIVER, STACK_ALIGN,
};
use ffast_core::{
    AreaArg, AreaSrc, ArgPlan, CallPlan, Isa, Loc, Param, Signature, StackSlots, Type,
};

/// x18, the platform register: Apple reserves it ("Don't use x18"). Not an argument register,
/// so the classifier never assigns it; exported for the emitter's scratch-register choice.
pub const RESERVED_X18: u8 = 18;
/// The most C arguments V8 passes to a fast call on macOS arm64, the receiver included.
pub const FAST_MAX_C_ARGS: usize = 8;
/// Why a signature is not fast-eligible on macOS arm64.
pub const NOT_FAST: &str = "macOS arm64: V8 takes fast calls with at most 8 C arguments \
     (receiver included) and no stack arguments";

/// Apple's stack rule: each argument at its natural size and alignment, in argument order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Packed {
    next: u32,
}

impl Packed {
    /// Reserve `size` bytes aligned to `align` (a power of two); returns their offset.
    pub fn reserve(&mut self, size: u32, align: u32) -> u32 {
        let at = self.next.next_multiple_of(align);
        self.next = at + size;
        at
    }
}

impl StackRule for Packed {
    // See the trait: Apple does not start a 16-aligned composite at an even x register.
    const EVEN_NGRN_FOR_16_ALIGNED: bool = false;
    const SLOTS: StackSlots = StackSlots::Natural;

    fn place(&mut self, ty: Type) -> u32 {
        // Every scalar here is naturally aligned to its size (LP64, `Type::size`).
        let size = ty.size() as u32;
        self.reserve(size, size)
    }

    fn place_block(&mut self, size: u32, align: u32) -> u32 {
        self.reserve(size, align)
    }

    fn place_hfa(&mut self, base: Type, count: u32, _align: u32) -> u32 {
        // Packed like its members (see the module documentation), over-aligned or not: clang 14
        // `--target=arm64-apple-macos` puts `struct { double a __attribute__((aligned(32)));
        // double b, c, d; }` right after a `char` stack argument at offset 8, and a 16-aligned
        // four-float HFA at offset 4 (Linux aligns both to 16; docs/abi-stack-alignment.md).
        let size = base.size() as u32;
        self.reserve(size * count, size)
    }

    fn bytes(&self) -> u32 {
        self.next.next_multiple_of(8)
    }
}

/// Classify a signature for a C function called with Apple's arm64 convention, and for the V8
/// fast-call entry that forwards to it.
///
/// Signatures carry no variadic marker yet; when they do, a variadic signature goes through
/// [`classify_variadic`] with its count of fixed parameters instead (Apple: "variadic arguments
/// are always passed on the stack").
pub fn classify(sig: &Signature) -> CallPlan {
    classify_variadic(sig, sig.declared_len())
}

/// Classify a call to a variadic C function whose first `fixed` parameters are the named ones.
///
/// Fixed parameters follow [`classify`]'s rules. Every argument after them goes on the stack,
/// one 8-byte slot each, 8-byte aligned after the (packed) fixed stack arguments, and consumes
/// no register. C's default argument promotions (float → double, narrow integers → int) are the
/// emitter's business: the slot is 8 bytes either way. A `fixed` at or past the parameter count
/// means no variadic arguments. The entry side does not change: V8 calls the trampoline, which
/// is never variadic.
pub fn classify_variadic(sig: &Signature, fixed: usize) -> CallPlan {
    let mut c = Allocator::new(Registers::c(), Packed::default());
    let mut c_locs = Vec::with_capacity(sig.params.len());
    let mut area_args = Vec::new();
    for (i, p) in sig.declared().enumerate() {
        match p {
            Param::Scalar(_, ty) if i < fixed => c_locs.push(c.place(ty)),
            Param::Scalar(..) => c_locs.push(Loc::Stack(c.stack.reserve(8, 8))),
            Param::Aggregate(agg) if i < fixed => c.place_aggregate(agg, i, &mut area_args),
            Param::Aggregate(agg) => {
                // A variadic aggregate: on the stack in 8-byte-aligned double-words, or by
                // reference when larger than 16 bytes (B.4), like a variadic scalar.
                let param = Some(i);
                if aggregate::classify(&agg.ty) == AggPass::Indirect {
                    let at = c.stack.reserve(8, 8);
                    area_args.push(AreaArg {
                        param,
                        src: AreaSrc::Addr { offset: agg.offset },
                        c: Loc::Stack(at),
                    });
                } else {
                    let words = agg.size.div_ceil(8) as u32;
                    let at = c.stack.reserve(8 * words, (agg.align as u32).clamp(8, 16));
                    for k in 0..words {
                        area_args.push(AreaArg {
                            param,
                            src: AreaSrc::Load {
                                offset: agg.offset + 8 * k,
                                ty: Type::U64,
                            },
                            c: Loc::Stack(at + 8 * k),
                        });
                    }
                }
            }
        }
    }
    let (area_ret, x8) = match &sig.agg_result {
        Some(agg) => aggregate_result(agg),
        None => (Vec::new(), None),
    };
    area_args.extend(x8);
    let (entry, options, fast) = entry_side(&sig.params);
    let args = sig
        .params
        .iter()
        .zip(c_locs)
        .zip(entry)
        .map(|((&ty, c), entry)| ArgPlan { ty, entry, c })
        .collect();
    CallPlan {
        isa: Isa::Arm64,
        abi: "darwin-arm64",
        args,
        ret: ret_plan(sig.result),
        area_args,
        area_ret,
        area_size: sig.area_size,
        receiver: RECEIVER,
        // V8 never passes stack arguments here: a plan that would need them is not fast.
        entry_stack_bytes: 0,
        options,
        c_stack_bytes: c.stack.bytes(),
        stack_align: STACK_ALIGN,
        stack_slots: Packed::SLOTS,
        fast,
    }
}

/// The fast-call entry locations, or `None` for every argument with the reason V8 refuses;
/// and where an options pointer would go, if V8 could still pass one (it counts as a C
/// argument too).
fn entry_side(params: &[Type]) -> (Vec<Option<Loc>>, Option<Loc>, Result<(), &'static str>) {
    let mut regs = Registers::entry();
    let locs: Option<Vec<Loc>> = params.iter().map(|ty| regs.take(ty.class())).collect();
    match locs {
        // Within the count limit every argument finds a register (at most 7 JS arguments of a
        // class); the register check also guards the limit should it ever change.
        Some(locs) if params.len() < FAST_MAX_C_ARGS => {
            let options = regs
                .take(Type::Pointer.class())
                .filter(|_| params.len() + 1 < FAST_MAX_C_ARGS);
            (locs.into_iter().map(Some).collect(), options, Ok(()))
        }
        _ => (vec![None; params.len()], None, Err(NOT_FAST)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ffast_core::RetPlan;
    use ffast_testkit::{area_args as area, area_rets as rets};
    use Loc::*;

    fn sig(params: &[&str], result: &str) -> Signature {
        Signature::parse(params, result).unwrap()
    }

    fn plan(params: &[&str], result: &str) -> CallPlan {
        classify(&sig(params, result))
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

    fn no_entry(p: &CallPlan) -> bool {
        p.args.iter().all(|a| a.entry.is_none()) && p.entry_stack_bytes == 0
    }

    #[test]
    fn plan_header_names_the_abi() {
        let p = plan(&[], "void");
        assert_eq!((p.isa, p.abi), (Isa::Arm64, "darwin-arm64"));
        assert_eq!((p.receiver, p.stack_align, p.fast), (Gpr(0), 16, Ok(())));
        assert_eq!(p.stack_slots, StackSlots::Natural);
        assert_eq!(
            p.ret,
            RetPlan {
                ty: Type::Void,
                c: None
            }
        );
    }

    #[test]
    fn two_ints_shift_by_the_receiver() {
        let p = plan(&["i32", "i32"], "i32");
        assert_eq!(
            locs(&p),
            vec![(Some(Gpr(1)), Gpr(0)), (Some(Gpr(2)), Gpr(1))]
        );
        assert_eq!(p.ret.c, Some(Gpr(0)));
        assert!(p.registers_only());
    }

    #[test]
    fn floats_do_not_shift_and_interleave_independently() {
        let p = plan(&["f64", "i32", "f64"], "f64");
        assert_eq!(
            locs(&p),
            vec![
                (Some(Fpr(0)), Fpr(0)),
                (Some(Gpr(1)), Gpr(0)),
                (Some(Fpr(1)), Fpr(1))
            ]
        );
        assert_eq!(p.ret.c, Some(Fpr(0)));
    }

    #[test]
    fn seven_js_args_are_fast_eight_are_not() {
        // 7 JS args + receiver = 8 C arguments: V8's limit, all in x0..x7.
        let p = plan(&["i64"; 7], "i64");
        assert_eq!(p.fast, Ok(()));
        assert_eq!(locs(&p)[6], (Some(Gpr(7)), Gpr(6)));
        // 8 JS args + receiver = 9: refused, even though C still has x7 for the eighth.
        let p = plan(&["i64"; 8], "i64");
        assert_eq!(p.fast, Err(NOT_FAST));
        assert!(no_entry(&p));
        assert_eq!(p.args[7].c, Gpr(7));
        assert_eq!(p.c_stack_bytes, 0);
    }

    #[test]
    fn options_pointer_counts_towards_the_limit() {
        // The options pointer is one more C argument: x(n+1) while the count allows it.
        assert_eq!(plan(&["buffer", "usize"], "u32").options, Some(Gpr(3)));
        assert_eq!(plan(&["i64"; 6], "i64").options, Some(Gpr(7)));
        // 7 JS args + receiver + options = 9: V8 could not pass it, though the call is fast.
        let p = plan(&["i64"; 7], "i64");
        assert_eq!((p.fast, p.options), (Ok(()), None));
        assert_eq!(plan(&["i64"; 8], "i64").options, None);
    }

    #[test]
    fn the_count_limit_holds_even_when_registers_remain() {
        // 4 ints + 4 doubles fit x1..x4 and v0..v3, but make 9 C arguments with the receiver.
        let p = plan(
            &["i32", "f64", "i32", "f64", "i32", "f64", "i32", "f64"],
            "void",
        );
        assert_eq!(p.fast, Err(NOT_FAST));
        assert!(no_entry(&p));
        assert!(p.registers_only());
        let p = plan(&["i32", "f64", "i32", "f64", "i32", "f64", "i32"], "void");
        assert_eq!(p.fast, Ok(()));
        assert_eq!(p.args[6].entry, Some(Gpr(4)));
    }

    #[test]
    fn nine_ints_spill_and_are_not_fast() {
        let p = plan(&["i32"; 9], "i32");
        assert_eq!(p.args[7].c, Gpr(7));
        assert_eq!(p.args[8].c, Stack(0));
        // One packed i32, area rounded up to 8.
        assert_eq!(p.c_stack_bytes, 8);
        assert!(no_entry(&p));
    }

    #[test]
    fn nine_doubles_put_the_ninth_on_the_stack() {
        let p = plan(&["f64"; 9], "f64");
        for (i, a) in p.args.iter().take(8).enumerate() {
            assert_eq!(a.c, Fpr(i as u8));
        }
        assert_eq!(p.args[8].c, Stack(0));
        assert_eq!(p.c_stack_bytes, 8);
        assert_eq!(p.fast, Err(NOT_FAST));
    }

    #[test]
    fn stack_arguments_pack_at_natural_size_and_alignment() {
        // x0..x7 taken, then 9 ints of mixed widths share the stack, each naturally aligned.
        let mut params = vec!["i64"; 8];
        params.extend(["i8", "i16", "i32", "i64", "u8", "u16", "i8", "u32", "bool"]);
        let p = plan(&params, "void");
        assert_eq!(c_stack(&p), vec![0, 2, 4, 8, 16, 18, 20, 24, 28]);
        // bool ends at 29; the area rounds up to 32.
        assert_eq!(p.c_stack_bytes, 32);
    }

    #[test]
    fn alignment_padding_before_wider_stack_arguments() {
        // i8 @0, then i64 pads to 8; u8 @16, then f32 (v0..v7 full) pads to 20.
        let mut params = vec!["i64"; 8];
        params.extend(["f64"; 8]);
        params.extend(["i8", "i64", "u8", "f32", "i16", "f64"]);
        let p = plan(&params, "void");
        assert_eq!(c_stack(&p), vec![0, 8, 16, 20, 24, 32]);
        assert_eq!(p.c_stack_bytes, 40);
    }

    #[test]
    fn stack_interleaves_classes_by_argument_order() {
        let mut params = vec!["f64"; 9];
        params.extend(["i32"; 9]);
        params.push("f32");
        let p = plan(&params, "void");
        assert_eq!(p.args[8].c, Stack(0));
        assert_eq!(p.args[16].c, Gpr(7));
        assert_eq!(p.args[17].c, Stack(8));
        assert_eq!(p.args[18].c, Stack(12));
        assert_eq!(p.c_stack_bytes, 16);
    }

    #[test]
    fn pointers_strings_buffers_bools_are_integer_class() {
        let p = plan(&["pointer", "string", "buffer", "bool", "u8"], "pointer");
        assert_eq!(
            p.args.iter().map(|a| a.c).collect::<Vec<_>>(),
            vec![Gpr(0), Gpr(1), Gpr(2), Gpr(3), Gpr(4)]
        );
        assert_eq!(p.args[4].entry, Some(Gpr(5)));
        assert_eq!(p.ret.c, Some(Gpr(0)));
    }

    #[test]
    fn f32_is_fp_class() {
        let p = plan(&["f32", "i8", "f32"], "f32");
        assert_eq!(locs(&p)[2], (Some(Fpr(1)), Fpr(1)));
        assert_eq!(p.ret.c, Some(Fpr(0)));
    }

    #[test]
    fn thirty_two_mixed_args() {
        // Repeating i32 / f32 / i64 / f64: 8 of each. Each class fills its 8 registers with the
        // first 16 arguments, so arguments 16..31 all spill, packed in argument order: every
        // group of four takes 4 + 4 + 8 + 8 = 24 bytes.
        let kinds = ["i32", "f32", "i64", "f64"];
        let params: Vec<&str> = (0..32).map(|i| kinds[i % 4]).collect();
        let p = plan(&params, "f64");
        assert_eq!(p.args[14].c, Gpr(7));
        assert_eq!(p.args[15].c, Fpr(7));
        let expect: Vec<u32> = (0..4)
            .flat_map(|g| [0, 4, 8, 16].map(|o| 24 * g + o))
            .collect();
        assert_eq!(c_stack(&p), expect);
        assert_eq!(p.c_stack_bytes, 96);
        assert_eq!(p.fast, Err(NOT_FAST));
        // Now 16 ints then 16 floats, halves of 4 and 8 bytes: 8 of each class spill, packed.
        let mut params = vec!["i32"; 8];
        params.extend(["i64"; 8]);
        params.extend(["f32"; 8]);
        params.extend(["f64"; 8]);
        let p = plan(&params, "void");
        let expect: Vec<u32> = [
            0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120,
        ]
        .to_vec();
        assert_eq!(c_stack(&p), expect);
        assert_eq!(p.c_stack_bytes, 128);
        // Reordered so that narrow values land on the stack: 8 i64, 8 i32, 8 f64, 8 f32.
        let mut params = vec!["i64"; 8];
        params.extend(["i32"; 8]);
        params.extend(["f64"; 8]);
        params.extend(["f32"; 8]);
        let p = plan(&params, "void");
        assert_eq!(c_stack(&p), (0..16).map(|i| i * 4).collect::<Vec<_>>());
        assert_eq!(p.c_stack_bytes, 64);
        assert!(no_entry(&p));
    }

    #[test]
    fn variadic_arguments_always_go_on_the_stack_in_8_byte_slots() {
        // printf-like (const char* fmt, ...) called with (i32, f64, i8, pointer): the variadic
        // ones skip x1 and v0 and take one 8-byte slot each.
        let s = sig(&["string", "i32", "f64", "i8", "pointer"], "i32");
        let p = classify_variadic(&s, 1);
        assert_eq!(
            p.args.iter().map(|a| a.c).collect::<Vec<_>>(),
            vec![Gpr(0), Stack(0), Stack(8), Stack(16), Stack(24)]
        );
        assert_eq!(p.c_stack_bytes, 32);
        // The trampoline itself is not variadic: its entry side is the ordinary one.
        assert_eq!(p.fast, Ok(()));
        assert_eq!(p.args[2].entry, Some(Fpr(0)));
        assert_eq!(p.args[4].entry, Some(Gpr(4)));
    }

    #[test]
    fn variadic_slots_are_8_byte_aligned_after_packed_fixed_arguments() {
        // 8 fixed i64 fill x0..x7, a fixed i8 packs at 0, a variadic i8 then aligns to 8.
        let mut params = vec!["i64"; 8];
        params.extend(["i8", "i8", "f32"]);
        let p = classify_variadic(&sig(&params, "void"), 9);
        assert_eq!(c_stack(&p), vec![0, 8, 16]);
        assert_eq!(p.c_stack_bytes, 24);
        // fixed == params.len() (or more) is the non-variadic plan.
        let s = sig(&["i8", "f32"], "void");
        assert_eq!(classify_variadic(&s, 2), classify(&s));
        assert_eq!(classify_variadic(&s, 5), classify(&s));
    }

    #[test]
    fn the_arm64_emitter_packs_by_the_plans_stack_rule() {
        // Eight integers fill x0-x7; the two i8 after them share an eightbyte at 0 and 1. The
        // emitter stores one byte each because the plan says `Natural`, whatever its `abi`
        // name: the same plan with `EightByte` gives other code (8-byte stores).
        use ffast_core::trampoline;
        let mut params = vec!["i64"; 8];
        params.extend(["i8", "i8"]);
        let mut p = plan(&params, "void");
        assert_eq!((p.args[8].c, p.args[9].c), (Stack(0), Stack(1)));
        let natural = trampoline::invoker(&p, 0x1000, 0x2000).unwrap();
        p.abi = "another name";
        assert_eq!(trampoline::invoker(&p, 0x1000, 0x2000).unwrap(), natural);
        p.stack_slots = StackSlots::EightByte;
        assert_ne!(trampoline::invoker(&p, 0x1000, 0x2000).unwrap(), natural);
    }

    #[test]
    fn x18_is_never_an_argument_register() {
        let p = plan(&["i64"; 20], "void");
        assert!(p.args.iter().all(|a| a.c != Gpr(RESERVED_X18)));
    }

    fn plan_of(params: &[&str], result: &str) -> CallPlan {
        classify(&sig(params, result))
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn aggregates_keep_the_aapcs64_register_rules() {
        for (params, result) in [
            (vec!["i32", "struct{a:f32,b:f32,c:f32}", "f64"], "void"),
            (
                vec!["struct{a:i64@16,b:i64}", "i32", "struct{b:[u8;40]}"],
                "struct{a:f64,b:f64}",
            ),
            (vec!["i8", "struct{a:i64,b:f64}"], "struct{b:[u8;17]}"),
        ] {
            let (d, l) = (
                plan_of(&params, result),
                ffast_abi_aapcs64::classify(&sig(&params, result)),
            );
            assert_eq!((area(&d), rets(&d)), (area(&l), rets(&l)), "{params:?}");
            assert_eq!(d.args, l.args, "{params:?}");
        }
    }

    #[test]
    fn an_hfa_on_the_stack_is_packed_like_its_members() {
        // Linux: the 12-byte HFA takes 16 bytes, the f32 after it is at 16. Apple: 12 bytes at
        // 4-byte alignment, the f32 right after it at 12.
        let mut params = vec!["f64"; 8];
        params.extend(["struct{a:f32,b:f32,c:f32}", "f32"]);
        let p = plan_of(&params, "void");
        assert_eq!(
            area(&p),
            vec![
                (s("f32@0"), Stack(0)),
                (s("f32@4"), Stack(4)),
                (s("f32@8"), Stack(8))
            ]
        );
        assert_eq!(p.args[8].c, Stack(12));
        assert_eq!(p.c_stack_bytes, 16);
        // After a packed f32 the next f64 HFA is aligned to 8 only.
        let mut params = vec!["f64"; 8];
        params.extend(["f32", "struct{a:f64,b:f64}"]);
        let p = plan_of(&params, "void");
        assert_eq!(p.args[8].c, Stack(0));
        assert_eq!(
            area(&p),
            vec![(s("f64@0"), Stack(8)), (s("f64@8"), Stack(16))]
        );
    }

    /// (composite, its area loads and locations, the location of the scalar after it).
    type Case = (&'static str, Vec<(String, Loc)>, u32);

    #[test]
    fn over_aligned_composites_follow_clang_for_apple() {
        // clang 14 `--target=arm64-apple-macos -O2 -S`, each case after 8 i64 and 8 f64 (every
        // register taken) and an i8 at stack offset 0, then an i8 after the composite:
        // (composite, its stack offsets, offset of the trailing i8).
        let table: [Case; 5] = [
            (
                // HFA of 4 doubles aligned to 32: at 8 (Linux: 16).
                "struct{a:f64@32,b:f64,c:f64,d:f64}",
                (0..4)
                    .map(|i| (format!("f64@{}", 8 * i), Stack(8 + 8 * i)))
                    .collect(),
                40,
            ),
            (
                "struct{a:f64@16,b:f64}",
                vec![(s("f64@0"), Stack(8)), (s("f64@8"), Stack(16))],
                24,
            ),
            (
                // HFA of 4 floats aligned to 16: at 4.
                "struct{a:f32@16,b:f32,c:f32,d:f32}",
                (0..4)
                    .map(|i| (format!("f32@{}", 4 * i), Stack(4 + 4 * i)))
                    .collect(),
                20,
            ),
            (
                // Not an HFA (padding): 16-aligned double-words.
                "struct{x:i64@16}",
                vec![(s("u64@0"), Stack(16)), (s("u64@8"), Stack(24))],
                32,
            ),
            (
                "struct{x:i32@16}",
                vec![(s("u64@0"), Stack(16)), (s("u64@8"), Stack(24))],
                32,
            ),
        ];
        for (text, want, trailing) in table {
            let mut params = vec!["i64"; 8];
            params.extend(["f64"; 8]);
            params.extend(["i8", text, "i8"]);
            let p = plan_of(&params, "void");
            assert_eq!(p.args[16].c, Stack(0), "{text}");
            assert_eq!(area(&p), want, "{text}");
            assert_eq!(p.args[17].c, Stack(trailing), "{text}");
        }
        // In registers: no even-register rounding (clang: x1, x2, then x3; Linux: x2, x3, x4).
        let p = plan_of(&["i8", "struct{x:i64@16}", "i64"], "void");
        assert_eq!(area(&p), vec![(s("u64@0"), Gpr(1)), (s("u64@8"), Gpr(2))]);
        assert_eq!(p.args[1].c, Gpr(3));
        let l = ffast_abi_aapcs64::classify(&sig(&["i8", "struct{x:i64@16}", "i64"], "void"));
        assert_eq!(area(&l), vec![(s("u64@0"), Gpr(2)), (s("u64@8"), Gpr(3))]);
        assert_eq!(l.args[1].c, Gpr(4));
    }

    #[test]
    fn other_composites_on_the_stack_take_8_byte_aligned_double_words() {
        let mut params = vec!["i64"; 8];
        params.extend(["i8", "struct{a:i32,b:i32}", "i16", "struct{a:u8,b:u8,c:u8}"]);
        let p = plan_of(&params, "void");
        assert_eq!(p.args[8].c, Stack(0));
        assert_eq!(
            area(&p),
            vec![(s("u64@0"), Stack(8)), (s("u64@16"), Stack(24))]
        );
        assert_eq!(p.args[9].c, Stack(16));
        assert_eq!(p.c_stack_bytes, 32);
        // By reference: an 8-byte pointer slot.
        let mut params = vec!["i64"; 8];
        params.extend(["i8", "struct{b:[u8;17]}"]);
        let p = plan_of(&params, "void");
        assert_eq!(area(&p), vec![(s("&0"), Stack(8))]);
    }

    #[test]
    fn variadic_aggregates_go_to_the_stack() {
        let p = classify_variadic(
            &sig(&["i32", "struct{a:f64,b:f64}", "struct{b:[u8;24]}"], "void"),
            1,
        );
        assert_eq!(
            area(&p),
            vec![
                (s("u64@0"), Stack(0)),
                (s("u64@8"), Stack(8)),
                (s("&16"), Stack(16))
            ]
        );
        assert_eq!(p.args[0].c, Gpr(0));
    }
}
