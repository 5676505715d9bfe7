//! AAPCS64 (Linux) variadic calls (issue 14 item 2, docs/variadic.md): variadic arguments are
//! passed exactly as fixed ones (AAPCS64's argument-passing rules make no difference between named
//! and variadic arguments; its appendix on variable argument lists has va_start save x0-x7 and
//! v0-v7, so no count is passed), with C's default argument promotions (C11 6.5.2.2p6:
//! `CallPlan::c_type`). Only Apple's convention puts them on the stack (ffast-abi-darwin).

use ffast_abi_aapcs64::classify;
use ffast_core::{CallPlan, Loc, Signature, Type};

fn plan(params: &[&str], result: &str) -> CallPlan {
    classify(&Signature::parse(params, result).unwrap())
}

fn locs(p: &CallPlan) -> Vec<(Option<Loc>, Loc)> {
    p.args.iter().map(|a| (a.entry, a.c)).collect()
}

#[test]
fn variadic_arguments_are_placed_as_fixed_ones() {
    let shapes: [&[&str]; 4] = [
        &["i32", "f64", "f64", "f64"],
        &["string", "i32", "string", "f64", "i8"],
        &[
            "buffer", "usize", "string", "i64", "f32", "i8", "f64", "f64", "f64", "f64", "f64",
            "f64", "f64", "f64", "i32", "i32", "i32", "i32", "i32", "i32",
        ],
        &["f64", "f32", "i32", "f32"],
    ];
    for fixed_n in [0, 1, 3] {
        for shape in shapes {
            let mut v: Vec<&str> = shape[..fixed_n].to_vec();
            v.push("...");
            v.extend_from_slice(&shape[fixed_n..]);
            let pv = plan(&v, "i32");
            let pf = plan(shape, "i32");
            assert_eq!(locs(&pv), locs(&pf), "{v:?}");
            assert_eq!(pv.c_stack_bytes, pf.c_stack_bytes, "{v:?}");
            assert_eq!(pv.variadic, Some(fixed_n));
        }
    }
}

#[test]
fn promoted_types() {
    let p = plan(
        &[
            "string", "...", "i8", "u16", "bool", "f32", "f64", "u32", "i64",
        ],
        "void",
    );
    let want = [
        Type::String,
        Type::I32,
        Type::I32,
        Type::I32,
        Type::F64,
        Type::F64,
        Type::U32,
        Type::I64,
    ];
    for (i, w) in want.iter().enumerate() {
        assert_eq!(p.c_type(i), *w, "argument {i}");
    }
}
