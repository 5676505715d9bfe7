//! Variadic signatures (issue 14 item 2, docs/variadic.md): `'...'` among the parameter texts
//! marks where the variadic arguments start; the types after it are one call's shape. C's
//! default argument promotions (C11 6.5.2.2p6: the integer promotions, float -> double) are
//! what `Type::promoted` gives.

use ffast_core::signature::MAX_PARAMS;
use ffast_core::{Error, Signature, Type};

fn parse(params: &[&str], result: &str) -> Result<Signature, Error> {
    Signature::parse(params, result)
}

#[test]
fn the_marker_splits_fixed_from_variadic_and_round_trips() {
    let s = parse(&["const char*", "...", "int", "float", "char"], "int").unwrap();
    // JS passes every argument, fixed and variadic, as named: the marker is no argument.
    assert_eq!(s.params, vec![Type::String, Type::I32, Type::F32, Type::I8]);
    assert_eq!(s.variadic, Some(1));
    assert_eq!(s.declared_len(), 4);
    assert_eq!(s.param_texts(), vec!["string", "...", "i32", "f32", "i8"]);
    assert_eq!(s.result, Type::I32);
    // A shape and the same types declared as fixed parameters are different signatures.
    let fixed = parse(&["const char*", "int", "float", "char"], "int").unwrap();
    assert_eq!(fixed.variadic, None);
    assert_ne!(s, fixed);
}

#[test]
fn a_definition_ends_with_the_marker_and_has_no_variadic_arguments_yet() {
    let s = parse(&["string", "..."], "int").unwrap();
    assert_eq!(
        (s.params.clone(), s.variadic),
        (vec![Type::String], Some(1))
    );
    assert_eq!(s.param_texts(), vec!["string", "..."]);
    let s = parse(&["..."], "int").unwrap();
    assert_eq!((s.params.len(), s.variadic), (0, Some(0)));
    let s = parse(&["...", "f64", "f64"], "f64").unwrap();
    assert_eq!(
        (s.params.clone(), s.variadic),
        (vec![Type::F64, Type::F64], Some(0))
    );
}

#[test]
fn aggregates_may_come_before_the_marker_not_after() {
    let s = parse(&["struct{x:f64,y:f64}", "i32", "...", "f64"], "void").unwrap();
    assert_eq!(s.variadic, Some(2), "counted in declared parameters");
    assert_eq!(s.params, vec![Type::I32, Type::F64]);
    assert_eq!(s.agg_params.len(), 1);
    assert_eq!(s.agg_params[0].index, 0);
    for after in ["struct{a:i32}", "union{a:i32,b:f32}"] {
        let e = parse(&["i32", "...", after], "void").unwrap_err();
        assert_eq!(e.code(), "ERR_FFAST_UNSUPPORTED", "{after}: {e}");
        assert!(e.message().contains("parameter 2"), "{e}");
    }
    let e = parse(&["i32", "...", "[i32;2]"], "void").unwrap_err();
    assert_eq!(e.code(), "ERR_FFAST_TYPE", "{e}");
}

#[test]
fn marker_errors() {
    let e = parse(&["i32", "...", "..."], "void").unwrap_err();
    assert_eq!(e.code(), "ERR_FFAST_DEFINITION", "{e}");
    assert!(e.message().contains("'...'"), "{e}");
    let e = parse(&["...", "void"], "void").unwrap_err();
    assert_eq!(e.code(), "ERR_FFAST_TYPE", "{e}");
    // The marker is not a result type.
    let e = parse(&["i32"], "...").unwrap_err();
    assert_eq!(e.code(), "ERR_FFAST_TYPE", "{e}");
    // The parameter limit counts arguments, not the marker.
    let mut at_limit = vec!["i32"; MAX_PARAMS];
    at_limit.insert(1, "...");
    assert_eq!(parse(&at_limit, "void").unwrap().params.len(), MAX_PARAMS);
    at_limit.push("i32");
    assert_eq!(
        parse(&at_limit, "void").unwrap_err().code(),
        "ERR_FFAST_DEFINITION"
    );
}

#[test]
fn default_argument_promotions() {
    use Type::*;
    let table = [
        (Bool, I32),
        (I8, I32),
        (U8, I32),
        (I16, I32),
        (U16, I32),
        (I32, I32),
        (U32, U32),
        (I64, I64),
        (U64, U64),
        (ISize, ISize),
        (USize, USize),
        (F32, F64),
        (F64, F64),
        (Pointer, Pointer),
        (String, String),
        (Buffer, Buffer),
    ];
    for (t, p) in table {
        assert_eq!(t.promoted(), p, "{t}");
    }
}
