//! Generated arm64 trampolines executed directly from Rust against a C fixture (under
//! qemu-user when cross-testing: `cargo test --target aarch64-unknown-linux-gnu`, see
//! scripts/arm64.sh). Fast trampolines are called the way V8 calls them: receiver in x0, JS
//! arguments in their fast-call representation; invokers with an array of slots.
#![cfg(all(target_arch = "aarch64", target_os = "linux"))]

use ffast_abi_aapcs64::classify;
use ffast_testkit::fast_fn;
use ffast_testkit::{invoke, AbiTests, Built, OneByte, RECV};
use std::path::Path;

const ABI: AbiTests = AbiTests {
    classify,
    manifest_dir: env!("CARGO_MANIFEST_DIR"),
    tmp_dir: env!("CARGO_TARGET_TMPDIR"),
    lib_name: "libtramp_fixture_arm64.so",
};

ffast_testkit::shared_fallback_tests!(ABI);
ffast_testkit::shared_trampoline_tests!(build, "raw_x0");
ffast_testkit::shared_aggregate_tests!(build);

fn build(params: &[&str], result: &str, target: &str) -> Built {
    ABI.build(params, result, target)
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

#[test]
fn callback_entries_store_every_shape_and_return_the_result() {
    ffast_testkit::callbacks::all_shapes(
        &classify,
        Path::new(env!("CARGO_TARGET_TMPDIR")),
        "libcallback_fixture_arm64.so",
    );
}
