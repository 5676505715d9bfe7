//! SysV x86-64 variadic calls (issue 14 item 2, docs/variadic.md): variadic arguments are passed
//! exactly as fixed ones, with C's default argument promotions (C11 6.5.2.2p6: `CallPlan::c_type`);
//! the caller of a function with an ellipsis sets %al to an upper bound (0-8) of the vector
//! registers used (psABI 3.2.3; the callee's va_start prologue reads it, 3.5.7), and every
//! trampoline sets it (`CallPlan::vector_regs`), so a variadic callee declared with fixed
//! parameters is called right too.

use ffast_abi_sysv64::classify;
use ffast_core::{CallPlan, Loc, Signature, Type};

fn plan(params: &[&str], result: &str) -> CallPlan {
    classify(&Signature::parse(params, result).unwrap())
}

fn locs(p: &CallPlan) -> Vec<(Option<Loc>, Loc)> {
    p.args.iter().map(|a| (a.entry, a.c)).collect()
}

#[test]
fn variadic_arguments_are_placed_as_fixed_ones() {
    let shapes: [&[&str]; 5] = [
        &["i32", "f64", "f64", "f64"],
        &["string", "i32", "string", "f64"],
        &[
            "buffer", "usize", "string", "i64", "f32", "i8", "f64", "f64", "f64", "f64", "f64",
            "f64", "f64", "f64", "i32", "i32", "i32",
        ],
        &["f64", "f32", "i32", "f32"],
        &["pointer"],
    ];
    for fixed_n in [0, 1, 2] {
        for shape in shapes {
            if shape.len() < fixed_n {
                continue;
            }
            let mut v: Vec<&str> = shape[..fixed_n].to_vec();
            v.push("...");
            v.extend_from_slice(&shape[fixed_n..]);
            let pv = plan(&v, "i32");
            let pf = plan(shape, "i32");
            assert_eq!(locs(&pv), locs(&pf), "{v:?}");
            assert_eq!(pv.c_stack_bytes, pf.c_stack_bytes, "{v:?}");
            assert_eq!(pv.variadic, Some(fixed_n));
            assert_eq!(pf.variadic, None);
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
    // A fixed float is a float.
    assert_eq!(plan(&["f32", "...", "f32"], "void").c_type(0), Type::F32);
}

#[test]
fn vector_registers_used_for_al() {
    let cases: [(&[&str], u8); 9] = [
        (&[], 0),
        (&["i32", "i64", "string", "pointer"], 0),
        (&["i32", "...", "f64", "f64", "f64"], 3),
        (&["f64", "f32", "...", "i32"], 2),
        (
            &[
                "string", "...", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64",
                "f64",
            ],
            8,
        ),
        (
            &[
                "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64",
            ],
            8,
        ),
        (&["struct{x:f64,y:f64}", "...", "f64"], 3),
        (&["struct{x:i64,y:f64}", "f32"], 2),
        (&["struct{v:[f64;4]}", "f64"], 1),
    ];
    for (params, want) in cases {
        assert_eq!(plan(params, "void").vector_regs(), want, "{params:?}");
    }
}
