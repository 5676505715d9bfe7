//! Generated arm64 trampolines executed directly from Rust against a C fixture (under
//! qemu-user when cross-testing: `cargo test --target aarch64-unknown-linux-gnu`, see
//! scripts/arm64.sh). Fast trampolines are called the way V8 calls them: receiver in x0, JS
//! arguments in their fast-call representation; invokers with an array of slots.
#![cfg(all(target_arch = "aarch64", target_os = "linux"))]

use ffast_abi_aapcs64::classify;
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
            "libtramp_fixture_arm64.so",
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
    assert_eq!(
        fast_fn!(b, fn(f64, i32, f64) -> f64)(RECV, 1.5, 3, 0.25),
        2.25
    );
    let mut s = [1.5f64.to_bits(), 3, 0.25f64.to_bits(), 0];
    invoke(&b, &mut s);
    assert_eq!(f64::from_bits(s[3]), 2.25);
}

#[test]
fn f32_result_widens_exactly() {
    let b = build(&["f32", "f32"], "f32", "add_f32");
    assert_eq!(
        fast_fn!(b, fn(f32, f32) -> f64)(RECV, 0.1, 0.2),
        (0.1f32 + 0.2f32) as f64
    );
}

#[test]
fn narrow_args_are_extended_to_32_bits() {
    for (ty, input, want) in [
        ("i8", 0xdead_beef_0000_0080u64, 0xffff_ff80u64),
        ("u8", 0xdead_beef_ffff_ff80, 0x80),
        ("i16", 0xdead_beef_0000_8001, 0xffff_8001),
        ("u16", 0xdead_beef_ffff_8001, 0x8001),
        ("bool", 0xdead_beef_ffff_ff01, 1),
    ] {
        let b = build(&[ty], "u64", "raw_x0");
        let r = fast_fn!(b, fn(u64) -> f64)(RECV, input);
        assert_eq!((r as u64) & 0xffff_ffff, want, "{ty}");
    }
}

#[test]
fn narrow_results_are_extended() {
    assert_eq!(
        fast_fn!(build(&[], "i8", "dirty_i8"), fn() -> i32)(RECV),
        -128
    );
    assert_eq!(
        fast_fn!(build(&[], "u16", "dirty_u16"), fn() -> u32)(RECV),
        0x8001
    );
    assert_eq!(
        fast_fn!(build(&[], "bool", "dirty_bool"), fn() -> u32)(RECV),
        1
    );
}

#[test]
fn wide_results_are_exact_numbers_or_nan_plus_slot() {
    let b = build(&[], "u64", "u64_max");
    assert_eq!(fast_fn!(b, fn() -> f64)(RECV).to_bits(), WIDE_NAN_BITS);
    assert_eq!(*b.wide, u64::MAX);
    let b = build(&[], "i64", "i64_min");
    assert!(fast_fn!(b, fn() -> f64)(RECV).is_nan());
    assert_eq!(*b.wide as i64, i64::MIN);
    let b = build(&[], "i64", "neg_two53");
    assert_eq!(fast_fn!(b, fn() -> f64)(RECV), -9007199254740991.0);
    let b = build(&[], "u64", "two53");
    assert!(fast_fn!(b, fn() -> f64)(RECV).is_nan());
    assert_eq!(*b.wide, 1 << 53);
}

#[test]
fn pointers_above_4g_round_trip() {
    let b = build(&["pointer"], "pointer", "ptr_id");
    assert_eq!(
        fast_fn!(b, fn(u64) -> f64)(RECV, 0x7fff_1234_5678),
        0x7fff_1234_5678u64 as f64
    );
}

#[test]
fn ten_ints_use_the_stack_on_both_sides() {
    let b = build(&["i64"; 10], "i64", "wsum_i64_10");
    let f = fast_fn!(
        b,
        fn(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) -> f64
    );
    let want: i64 = (1..=10).map(|i| i * (100 + i)).sum();
    assert_eq!(
        f(RECV, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110),
        want as f64
    );
    let mut s: Vec<u64> = (101..=110).map(|v| v as u64).chain([0]).collect();
    invoke(&b, &mut s);
    assert_eq!(s[10] as i64, want);
}

#[test]
fn ten_doubles_spill_two() {
    let b = build(&["f64"; 10], "f64", "wsum_f64_10");
    let f = fast_fn!(
        b,
        fn(f64, f64, f64, f64, f64, f64, f64, f64, f64, f64) -> f64
    );
    let a: Vec<f64> = (1..=10).map(|i| i as f64 + 0.5).collect();
    let want: f64 = a.iter().enumerate().map(|(i, v)| v * (i + 1) as f64).sum();
    assert_eq!(
        f(RECV, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]),
        want
    );
}

#[test]
fn nine_doubles_then_nine_mixed_ints() {
    let params = [
        "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "i8", "u16", "i32", "i64",
        "u8", "i16", "i32", "i8", "u16",
    ];
    let b = build(&params, "f64", "mixed_18");
    let f = fast_fn!(
        b,
        fn(
            f64,
            f64,
            f64,
            f64,
            f64,
            f64,
            f64,
            f64,
            f64,
            i32,
            u32,
            i32,
            i64,
            u32,
            i32,
            i32,
            i32,
            u32,
        ) -> f64
    );
    let d: Vec<f64> = (0..9).map(|i| i as f64 * 0.25 + 1.0).collect();
    let (i0, i1, i2, i3, i4, i5, i6, i7, i8) = (
        0x1ff_i32,
        0x1_ffffu32,
        -5i32,
        -(1i64 << 40),
        0x1ffu32,
        0x1_8000i32,
        7i32,
        -129i32,
        0x2_0001u32,
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
        + 16.0 * i6 as f64
        + 17.0 * (i7 as i8) as f64
        + 18.0 * (i8 as u16) as f64;
    assert_eq!(
        f(
            RECV, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], i0, i1, i2, i3, i4, i5, i6,
            i7, i8
        ),
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
    let data: Vec<u8> = (1..=64).collect();
    let local = data.as_ptr() as u64;
    assert_eq!(
        fast_fn!(b, fn(*const u64, u64) -> u32)(RECV, &local, 64),
        (1..=64).sum::<u32>()
    );
}

#[test]
fn sp_is_16_byte_aligned_at_every_call() {
    // Tail call, call with result conversion, framed (stack args), framed with a helper.
    let s = OneByte {
        data: b"x".as_ptr(),
        len: 1,
    };
    assert_eq!(
        fast_fn!(build(&[], "i32", "sp_mod16"), fn() -> i32)(RECV),
        0
    );
    assert_eq!(
        fast_fn!(build(&[], "u64", "sp_mod16"), fn() -> f64)(RECV),
        0.0
    );
    assert_eq!(
        fast_fn!(
            build(&["i64"; 9], "u64", "sp_mod16"),
            fn(i64, i64, i64, i64, i64, i64, i64, i64, i64) -> f64
        )(RECV, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        0.0
    );
    assert_eq!(
        fast_fn!(
            build(&["string"], "i8", "sp_mod16"),
            fn(*const OneByte) -> i32
        )(RECV, &s),
        0
    );
    let b = build(&["i64"; 9], "u64", "sp_mod16");
    let mut slots = [0u64; 10];
    invoke(&b, &mut slots);
    assert_eq!(slots[9], 0);
}
