//! Apple arm64 variadic calls (issue 14 item 2, docs/variadic.md): "variadic arguments are always
//! passed on the stack" in 8-byte slots, after the fixed arguments, which keep the ordinary rules
//! (Apple, "Writing ARM64 code for Apple platforms", "Pass arguments to functions correctly").
//! Every variadic argument is its promoted C type in its slot (C11 6.5.2.2p6; the emitter stores
//! `CallPlan::c_type`). The trampoline V8 calls is not variadic: the entry side is unchanged.

use ffast_abi_darwin::classify;
use ffast_core::{CallPlan, Loc, Loc::*, Signature, Type};

fn plan(params: &[&str], result: &str) -> CallPlan {
    classify(&Signature::parse(params, result).unwrap())
}

fn c_locs(p: &CallPlan) -> Vec<Loc> {
    p.args.iter().map(|a| a.c).collect()
}

fn slots(from: u32, n: u32) -> Vec<Loc> {
    (0..n).map(|k| Stack(from + 8 * k)).collect()
}

#[test]
fn printf_like_every_variadic_argument_takes_an_8_byte_stack_slot() {
    let p = plan(
        &[
            "string", "...", "i32", "f64", "i8", "pointer", "f32", "u16", "bool", "i64", "string",
        ],
        "i32",
    );
    assert_eq!(p.variadic, Some(1));
    assert_eq!(p.args[0].c, Gpr(0));
    assert_eq!(c_locs(&p)[1..], slots(0, 9)[..]);
    assert_eq!(p.c_stack_bytes, 72);
    // No variadic argument consumes a register.
    assert_eq!(p.vector_regs(), 0);
}

#[test]
fn each_slot_holds_the_promoted_type() {
    use Type::*;
    let p = plan(
        &[
            "string", "...", "i8", "u8", "i16", "u16", "bool", "i32", "u32", "f32", "f64", "i64",
            "u64", "pointer", "string", "buffer",
        ],
        "void",
    );
    let want = [
        String, I32, I32, I32, I32, I32, I32, U32, F64, F64, I64, U64, Pointer, String, Buffer,
    ];
    for (i, w) in want.iter().enumerate() {
        assert_eq!(p.c_type(i), *w, "argument {i}");
    }
    // The JS-side (entry) type stays what was named: V8 converts to it.
    assert_eq!(p.args[1].ty, I8);
    assert_eq!(p.args[8].ty, F32);
}

#[test]
fn the_entry_side_is_the_ordinary_one() {
    let p = plan(&["string", "...", "i32", "f64"], "i32");
    assert_eq!(p.fast, Ok(()));
    let entry: Vec<Option<Loc>> = p.args.iter().map(|a| a.entry).collect();
    assert_eq!(entry, vec![Some(Gpr(1)), Some(Gpr(2)), Some(Fpr(0))]);
    assert_eq!(c_locs(&p), vec![Gpr(0), Stack(0), Stack(8)]);
}

#[test]
fn variadic_slots_start_8_byte_aligned_after_packed_fixed_stack_arguments() {
    let mut params = vec!["i64"; 8];
    params.extend(["i8", "...", "i8", "f32", "i16"]);
    let p = plan(&params, "void");
    // x0..x7, then the fixed i8 packed at 0, then 8-byte slots from 8.
    assert_eq!(p.args[8].c, Stack(0));
    assert_eq!(c_locs(&p)[9..], slots(8, 3)[..]);
    assert_eq!(p.c_stack_bytes, 32);
}

#[test]
fn fixed_floats_keep_their_registers() {
    let p = plan(&["f64", "f32", "...", "f64", "f32", "i32"], "f64");
    assert_eq!(
        c_locs(&p),
        vec![Fpr(0), Fpr(1), Stack(0), Stack(8), Stack(16)]
    );
    assert_eq!(p.vector_regs(), 2);
    assert_eq!(p.c_type(1), Type::F32, "a fixed float is not promoted");
    assert_eq!(p.c_type(3), Type::F64);
}

#[test]
fn fixed_aggregates_keep_their_rules_and_count_in_declared_positions() {
    let p = plan(&["struct{a:f64,b:f64}", "i32", "...", "f64"], "void");
    // The HFA in v0/v1 through the area, i32 in x0, the variadic double on the stack.
    assert_eq!(
        p.area_args.iter().map(|a| a.c).collect::<Vec<_>>(),
        vec![Fpr(0), Fpr(1)]
    );
    assert_eq!(c_locs(&p), vec![Gpr(0), Stack(0)]);
    assert_eq!(
        p.variadic,
        Some(1),
        "the first variadic argument's index in args"
    );
}

#[test]
fn no_variadic_arguments_places_the_fixed_ones_as_usual() {
    let v = plan(&["string", "i32", "..."], "i32");
    let f = plan(&["string", "i32"], "i32");
    assert_eq!(c_locs(&v), c_locs(&f));
    assert_eq!(v.c_stack_bytes, f.c_stack_bytes);
    assert_eq!((v.variadic, f.variadic), (Some(2), None));
    let only = plan(&["...", "i32", "f64"], "void");
    assert_eq!(c_locs(&only), slots(0, 2));
}

#[test]
fn many_variadic_arguments_are_not_fast_past_v8s_limit_but_are_placed() {
    let mut params = vec!["string", "..."];
    params.extend(vec!["f64"; 20]);
    let p = plan(&params, "i32");
    assert!(
        p.fast.is_err(),
        "21 JS arguments: beyond what V8 passes on macOS arm64"
    );
    assert_eq!(c_locs(&p)[1..], slots(0, 20)[..]);
    assert_eq!(p.c_stack_bytes, 160);
}
