//! Generated trampolines executed directly from Rust against a C fixture. Fast trampolines are
//! called the way V8's optimizing compiler calls them: receiver first, JS arguments in their
//! fast-call representation; invokers the way the slow path calls them: an array of slots.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

use ffast_abi_sysv64::classify;
use ffast_testkit::fast_fn;
use ffast_testkit::{invoke, AbiTests, Built, OneByte, RECV};
use std::path::Path;

const ABI: AbiTests = AbiTests {
    classify,
    manifest_dir: env!("CARGO_MANIFEST_DIR"),
    tmp_dir: env!("CARGO_TARGET_TMPDIR"),
    lib_name: "libtramp_fixture.so",
};

ffast_testkit::shared_fallback_tests!(ABI);
ffast_testkit::shared_trampoline_tests!(build, "raw_rdi");
ffast_testkit::shared_aggregate_tests!(build);

fn build(params: &[&str], result: &str, target: &str) -> Built {
    ABI.build(params, result, target)
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

#[test]
fn callback_entries_store_every_shape_and_return_the_result() {
    ffast_testkit::callbacks::all_shapes(
        &classify,
        Path::new(env!("CARGO_TARGET_TMPDIR")),
        "libcallback_fixture_x64.so",
    );
}

/// Calls `f` from `depth` nested frames, each holding 16 more bytes of stack, so the caller's
/// rsp differs modulo 64 between depths.
#[inline(never)]
fn at_depth(depth: usize, f: &dyn Fn() -> u64) -> u64 {
    // The array lives across the recursive call (it is read after it), so each level's frame
    // holds it; it is all zeros, so it adds nothing.
    let pad = std::hint::black_box([0u8; 16]);
    let r = if depth == 0 {
        f()
    } else {
        at_depth(depth - 1, f)
    };
    r + std::hint::black_box(pad)[depth % 16] as u64
}

#[test]
fn the_stack_is_aligned_to_an_over_aligned_stack_argument() {
    // Seven integers, then a 64-aligned struct on the stack, then an integer: the fast
    // trampoline and the invoker align rsp to 64 at the call (rsp ≡ 56 mod 64 at entry), from
    // whatever depth they are called. Without an over-aligned argument, the usual 16.
    use ffast_testkit::structs::{Shape, O64};
    let mut p = vec!["i64"; 7];
    p.push(O64::TEXT);
    p.push("i64");
    let b = build(&p, "u64", "rsp_mod64");
    let f = fast_fn!(b, fn(i64, i64, i64, i64, i64, i64, i64, i64) -> f64);
    for depth in 0..8 {
        let fast = at_depth(depth, &|| f(RECV, 1, 2, 3, 4, 5, 6, 7, 8) as u64);
        assert_eq!(fast, 56, "fast trampoline at depth {depth}");
        let slow = at_depth(depth, &|| {
            let mut s = [0u64; 9];
            invoke(&b, &mut s);
            s[8]
        });
        assert_eq!(slow, 56, "invoker at depth {depth}");
    }
    let b = build(&["i64"; 9], "u64", "rsp_mod64");
    let seen: std::collections::BTreeSet<u64> = (0..8)
        .map(|depth| {
            at_depth(depth, &|| {
                let mut s = [0u64; 10];
                invoke(&b, &mut s);
                s[9]
            })
        })
        .collect();
    assert!(seen.iter().all(|m| m % 16 == 8), "{seen:?}");
}

// Callback entries with aggregates: tests/callback_aggregates.rs (they were refused before).
