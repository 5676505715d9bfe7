//! Generated trampolines executed directly from Rust against a C fixture. Fast trampolines are
//! called the way V8's optimizing compiler calls them: receiver first, JS arguments in their
//! fast-call representation; invokers the way the slow path calls them: an array of slots.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

use ffast_abi_sysv64::classify;
use ffast_core::testkit::{invoke, Built, Fixture, OneByte, RECV};
use ffast_core::trampoline::WIDE_NAN_BITS;
use ffast_core::{fast_fn, Signature};
use std::path::Path;
use std::sync::OnceLock;

fn fixture() -> &'static Fixture {
    static LIB: OnceLock<Fixture> = OnceLock::new();
    LIB.get_or_init(|| {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixture.c");
        Fixture::load(
            &src,
            Path::new(env!("CARGO_TARGET_TMPDIR")),
            "libtramp_fixture.so",
        )
    })
}

fn build(params: &[&str], result: &str, target: &str) -> Built {
    ffast_core::testkit::build(
        &classify(&Signature::parse(params, result).unwrap()),
        fixture().sym(target),
    )
}

#[test]
fn two_ints_tail_call() {
    let b = build(&["i32", "i32"], "i32", "add_i32");
    let f = fast_fn!(b, fn(i32, i32) -> i32);
    assert_eq!(f(RECV, 2, 3), 5);
    assert_eq!(f(RECV, i32::MAX, 1), i32::MIN);
    let mut s = [(-7i64) as u64, 4, 0];
    invoke(&b, &mut s);
    assert_eq!(s[2] as u32 as i32, -3);
}

#[test]
fn mixed_float_and_int_keep_their_classes() {
    let b = build(&["f64", "i32", "f64"], "f64", "fma_f64");
    let f = fast_fn!(b, fn(f64, i32, f64) -> f64);
    assert_eq!(f(RECV, 1.5, 3, 0.25), 2.25);
    let mut s = [1.5f64.to_bits(), 3, 0.25f64.to_bits(), 0];
    invoke(&b, &mut s);
    assert_eq!(f64::from_bits(s[3]), 2.25);
}

#[test]
fn f32_result_widens_exactly() {
    let b = build(&["f32", "f32"], "f32", "add_f32");
    let f = fast_fn!(b, fn(f32, f32) -> f64);
    assert_eq!(f(RECV, 0.1, 0.2), (0.1f32 + 0.2f32) as f64);
}

#[test]
fn narrow_args_are_extended_to_32_bits() {
    // V8 hands over int32/uint32 with unspecified upper bits: pass garbage there.
    for (ty, input, want) in [
        ("i8", 0xdead_beef_0000_0080u64, 0xffff_ff80u64),
        ("u8", 0xdead_beef_ffff_ff80, 0x80),
        ("i16", 0xdead_beef_0000_8001, 0xffff_8001),
        ("u16", 0xdead_beef_ffff_8001, 0x8001),
        ("bool", 0xdead_beef_ffff_ff01, 1),
    ] {
        let b = build(&[ty], "u64", "raw_rdi");
        let f = fast_fn!(b, fn(u64) -> f64);
        // The whole rdi comes back: its low 32 bits must be the C-extended value.
        let r = f(RECV, input);
        assert_eq!((r as u64) & 0xffff_ffff, want, "{ty}");
    }
}

#[test]
fn narrow_results_are_extended() {
    let b = build(&[], "i8", "dirty_i8");
    assert_eq!(fast_fn!(b, fn() -> i32)(RECV), -128);
    let b = build(&[], "u16", "dirty_u16");
    assert_eq!(fast_fn!(b, fn() -> u32)(RECV), 0x8001);
    let b = build(&[], "bool", "dirty_bool");
    assert_eq!(fast_fn!(b, fn() -> u32)(RECV), 1);
}

#[test]
fn wide_results_are_exact_numbers_or_nan_plus_slot() {
    let b = build(&[], "u64", "u64_max");
    let r = fast_fn!(b, fn() -> f64)(RECV);
    assert_eq!(r.to_bits(), WIDE_NAN_BITS);
    assert_eq!(*b.wide, u64::MAX);
    let b = build(&[], "i64", "i64_min");
    assert!(fast_fn!(b, fn() -> f64)(RECV).is_nan());
    assert_eq!(*b.wide as i64, i64::MIN);
    let b = build(&[], "i64", "neg_two53");
    assert_eq!(fast_fn!(b, fn() -> f64)(RECV), -9007199254740991.0);
    let b = build(&[], "u64", "two53");
    assert!(
        fast_fn!(b, fn() -> f64)(RECV).is_nan(),
        "2^53 is not a safe integer"
    );
    assert_eq!(*b.wide, 1 << 53);
}

#[test]
fn pointers_above_4g_round_trip() {
    let b = build(&["pointer"], "pointer", "ptr_id");
    let f = fast_fn!(b, fn(u64) -> f64);
    assert_eq!(f(RECV, 0x7fff_1234_5678), 0x7fff_1234_5678u64 as f64);
}

#[test]
fn eight_ints_use_the_stack_on_both_sides() {
    let b = build(&["i64"; 8], "i64", "wsum_i64_8");
    let f = fast_fn!(b, fn(i64, i64, i64, i64, i64, i64, i64, i64) -> f64);
    let want: i64 = (1..=8).map(|i| i * (100 + i)).sum();
    assert_eq!(f(RECV, 101, 102, 103, 104, 105, 106, 107, 108), want as f64);
    let mut s: Vec<u64> = (101..=108).map(|v| v as u64).chain([0]).collect();
    invoke(&b, &mut s);
    assert_eq!(s[8] as i64, want);
}

#[test]
fn ten_doubles_spill_two() {
    let b = build(&["f64"; 10], "f64", "wsum_f64_10");
    let f = fast_fn!(
        b,
        fn(f64, f64, f64, f64, f64, f64, f64, f64, f64, f64) -> f64
    );
    let args: Vec<f64> = (1..=10).map(|i| i as f64 + 0.5).collect();
    let want: f64 = args
        .iter()
        .enumerate()
        .map(|(i, a)| a * (i + 1) as f64)
        .sum();
    assert_eq!(
        f(
            RECV, args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8],
            args[9]
        ),
        want
    );
}

#[test]
fn nine_doubles_then_seven_mixed_ints() {
    let params = [
        "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "i8", "u16", "i32", "i64",
        "u8", "i16", "i32",
    ];
    let b = build(&params, "f64", "mixed_16");
    let f = fast_fn!(
        b,
        fn(f64, f64, f64, f64, f64, f64, f64, f64, f64, i32, u32, i32, i64, u32, i32, i32) -> f64
    );
    let d: Vec<f64> = (0..9).map(|i| i as f64 * 0.25 + 1.0).collect();
    // Narrow values with garbage above their width, as V8's int32 would carry them.
    let (i0, i1, i2, i3, i4, i5, i6) = (
        0x1ff_i32,
        0x1_ffffu32,
        -5i32,
        -(1i64 << 40),
        0x1ffu32,
        0x1_8000i32,
        7i32,
    );
    let want = d
        .iter()
        .enumerate()
        .map(|(i, v)| v * (i + 1) as f64)
        .sum::<f64>()
        + 10.0 * (i0 as i8) as f64
        + 11.0 * (i1 as u16) as f64
        + 12.0 * i2 as f64
        + 13.0 * i3 as f64
        + 14.0 * (i4 as u8) as f64
        + 15.0 * (i5 as i16) as f64
        + 16.0 * i6 as f64;
    assert_eq!(
        f(RECV, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], i0, i1, i2, i3, i4, i5, i6),
        want
    );
}

#[test]
fn strings_go_through_the_helper_and_scratch_or_heap() {
    let b = build(&["string"], "usize", "c_strlen");
    let f = fast_fn!(b, fn(*const OneByte) -> f64);
    for n in [0usize, 5, 255, 256, 4000] {
        let text = vec![b'x'; n];
        let s = OneByte {
            data: text.as_ptr(),
            len: n as u32,
        };
        assert_eq!(f(RECV, &s), n as f64, "length {n}");
    }
}

#[test]
fn buffers_go_through_the_helper() {
    let b = build(&["buffer", "usize"], "u32", "sum_bytes");
    let f = fast_fn!(b, fn(*const u64, u64) -> u32);
    let data: Vec<u8> = (1..=64).collect();
    let local = data.as_ptr() as u64;
    assert_eq!(f(RECV, &local, 64), (1..=64).sum::<u32>());
}

#[test]
fn stack_is_aligned_at_every_call() {
    // Simple (tail call), simple with result conversion, and framed trampolines.
    for params in [vec![], vec!["i64"; 7], vec!["string"]] {
        for result in ["u64", "i8"] {
            let b = build(&params, result, "rsp_mod16");
            let ok = match params.len() {
                0 if result == "u64" => fast_fn!(b, fn() -> f64)(RECV) == 8.0,
                0 => fast_fn!(b, fn() -> i32)(RECV) == 8,
                1 => {
                    let s = OneByte {
                        data: b"x".as_ptr(),
                        len: 1,
                    };
                    let f = fast_fn!(b, fn(*const OneByte) -> f64);
                    let g = fast_fn!(b, fn(*const OneByte) -> i32);
                    if result == "u64" {
                        f(RECV, &s) == 8.0
                    } else {
                        g(RECV, &s) == 8
                    }
                }
                _ => {
                    let f = fast_fn!(b, fn(i64, i64, i64, i64, i64, i64, i64) -> f64);
                    let g = fast_fn!(b, fn(i64, i64, i64, i64, i64, i64, i64) -> i32);
                    if result == "u64" {
                        f(RECV, 0, 0, 0, 0, 0, 0, 0) == 8.0
                    } else {
                        g(RECV, 0, 0, 0, 0, 0, 0, 0) == 8
                    }
                }
            };
            assert!(ok, "misaligned stack with params {params:?} -> {result}");
        }
    }
}

#[test]
fn eight_int32_reuse_the_callers_argument_area() {
    // No result conversion: the trampoline rewrites V8's stack slots and tail-calls.
    let b = build(&["i32"; 8], "i32", "wsum_i32_8");
    let f = fast_fn!(b, fn(i32, i32, i32, i32, i32, i32, i32, i32) -> i32);
    let want: i32 = (1..=8).map(|i| i * (10 - i)).sum();
    assert_eq!(f(RECV, 9, 8, 7, 6, 5, 4, 3, 2), want);
    // And again with other values: the rewritten slots must not leak into the next call.
    assert_eq!(
        f(RECV, -1, -2, -3, -4, -5, -6, -7, -8),
        -(1..=8).map(|i| i * i).sum::<i32>()
    );
}
