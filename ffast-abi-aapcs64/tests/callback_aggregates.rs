//! AAPCS64 (Linux) twin of ffast-abi-sysv64/tests/callback_aggregates.rs, run under qemu:
//! callback entry trampolines with structs by value (docs/callbacks.md §3–§5), called from
//! Rust as C functions; the shared cases are ffast_testkit::callback_aggregates, this file
//! says where AAPCS64 puts their arguments and results and adds the x8 result.
#![cfg(all(target_arch = "aarch64", target_os = "linux"))]

use ffast_abi_aapcs64::classify;
use ffast_testkit::callback_aggregates::{self as cases, bytes, make, II, L3};

// registers_between_scalars_and_a_register_result: II in one x register between two ints; LD
// (not an HFA) returned in x0 + x1.
// mixed_and_float_aggregates_in_registers_and_past_them: Fff is an HFA in s0-s2, LD (not an
// HFA) in x0 + x1, the five integers in x2-x6; the second LD needs two x registers with only x7
// left: on the stack. The result Fff in s0-s2.
ffast_testkit::shared_callback_aggregate_tests!(classify);

#[test]
fn an_hfa_result_and_a_copy_by_reference_after_seven_integers() {
    // Dddd is an HFA: returned in d0-d3, no x8 block. The seven integers take x0-x6; L3 is
    // larger than 16 bytes and not an HFA, so the caller copies it and passes the copy's
    // address in x7 (B.4); the f32 goes in s0.
    cases::seven_integers_a_24_byte_struct_and_a_32_byte_result(classify);
}

#[test]
fn a_memory_result_through_x8() {
    // A 24-byte result is written through the block whose address the caller passes in x8.
    let want = L3 {
        a: -3,
        b: 1 << 50,
        c: 77,
    };
    let cb = make(
        classify,
        &["struct{a:i32,b:i32}"],
        "struct{a:i64,b:i64,c:i64}",
        &[8],
        bytes(&want),
    );
    // SAFETY: the entry is a C function of this signature.
    let f: extern "C" fn(II) -> L3 = unsafe { std::mem::transmute(cb.code) };
    assert_eq!(f(II { a: 1, b: 2 }), want);
    assert_eq!(cb.seen(), vec![(vec![], vec![bytes(&II { a: 1, b: 2 })])]);
}
