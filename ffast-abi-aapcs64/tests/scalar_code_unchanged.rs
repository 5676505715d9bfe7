//! Aggregate support must leave scalar-only signatures exactly as they were: the arm64 fast
//! trampoline and invoker bytes of a few representative signatures (tail call, float/int mix,
//! stack arguments, helpers, result conversion, narrow types) hash to the values the same
//! code produced at commit 75e802b, before aggregates existed (same targets, FNV-1a 64).

use ffast_abi_aapcs64::classify;
use ffast_core::trampoline::{self, FastTargets};
use ffast_core::Signature;

fn fnv(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in b {
        h ^= x as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[test]
fn scalar_trampolines_are_byte_identical_to_before_aggregates() {
    let golden: [(&[&str], &str, u64, u64); 7] = [
        (
            &["i32", "i32"],
            "i32",
            0xbc0d26dfaf4d8e94,
            0x52b0b5e32f35bfd3,
        ),
        (
            &["f64", "i32", "f64"],
            "f64",
            0x3258eac15a880683,
            0x444af696054ddbfa,
        ),
        (&["i64"; 8], "i64", 0x34cbefbe3e8ac8db, 0x2e78746138c4b32a),
        (
            &["string", "buffer", "usize"],
            "u32",
            0x843c6e5d15948685,
            0x60ce5282c310c5ac,
        ),
        (&[], "u64", 0xd097064f97d83871, 0x3c7c85abf90ea6aa),
        (&["f64"; 10], "f64", 0x23b8a53e3022f3b9, 0x6dda9d0cab8a2a0b),
        (
            &["i8", "u16"],
            "bool",
            0x5573b0e0eb920253,
            0x52b0b5e32f35bfd3,
        ),
    ];
    let t = FastTargets {
        target: 0x1111_2222_3333,
        wide_slot: 0x4444_5555_6666,
        str_in: 0x7777_8888_9999,
        str_free: 0xaaaa_bbbb_cccc,
        buf_addr: 0xdddd_eeee_ffff,
        // No aggregate, so never used; any value must give the same bytes.
        area: 0x1234_5678_9ab0,
    };
    for (params, result, fast, invoker) in golden {
        let plan = classify(&Signature::parse(params, result).unwrap());
        let f = trampoline::fast(&plan, &t).unwrap();
        let i = trampoline::invoker(&plan, t.target, t.area).unwrap();
        assert_eq!(
            (fnv(&f), fnv(&i)),
            (fast, invoker),
            "{params:?} -> {result}"
        );
    }
}
