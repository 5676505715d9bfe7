//! Aggregate support must leave scalar-only signatures exactly as they were: each ABI crate
//! pins the FNV-1a 64 hashes of the fast trampoline and invoker its backend produced for these
//! representative signatures (tail call, float/int mix, stack arguments, helpers, result
//! conversion, narrow types) at commit 75e802b, before aggregates existed.

use ffast_core::trampoline::{self, FastTargets};
use ffast_core::{CallPlan, Signature};

/// The signatures, in the order of the hashes each ABI crate pins.
pub const SIGNATURES: [(&[&str], &str); 7] = [
    (&["i32", "i32"], "i32"),
    (&["f64", "i32", "f64"], "f64"),
    (&["i64"; 8], "i64"),
    (&["string", "buffer", "usize"], "u32"),
    (&[], "u64"),
    (&["f64"; 10], "f64"),
    (&["i8", "u16"], "bool"),
];

fn fnv(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in b {
        h ^= x as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn targets(fallback: bool) -> FastTargets {
    FastTargets {
        target: 0x1111_2222_3333,
        wide_slot: 0x4444_5555_6666,
        str_in: 0x7777_8888_9999,
        str_free: 0xaaaa_bbbb_cccc,
        str_release: 0x9999_aaaa_bbbb,
        buf_addr: 0xdddd_eeee_ffff,
        // No aggregate, so never used; any value must give the same bytes.
        area: 0x1234_5678_9ab0,
        fallback,
    }
}

/// The fallback flag changes the fast trampoline of the signatures with a buffer and of
/// no other.
pub fn fallback_changes_only_buffers(classify: fn(&Signature) -> CallPlan) {
    for (params, result) in SIGNATURES {
        let plan = classify(&Signature::parse(params, result).unwrap());
        let with = trampoline::fast(&plan, &targets(true)).unwrap();
        let without = trampoline::fast(&plan, &targets(false)).unwrap();
        assert_eq!(
            with != without,
            params.contains(&"buffer"),
            "{params:?} -> {result}"
        );
    }
}

/// The `str_release` helper appears in the fast trampoline of a signature exactly when it
/// has a `string` result and a `string` argument: every other trampoline is the same
/// whatever its address (so byte-identical to before it existed).
pub fn str_release_changes_only_string_results(classify: fn(&Signature) -> CallPlan) {
    let more: [(&[&str], &str); 8] = [
        (&["string"], "usize"),
        (&["string", "string"], "i32"),
        (&["string", "f64", "string"], "i64"),
        (&[], "string"),
        (&["i32", "pointer"], "string"),
        (&["string"], "string"),
        (&["string", "i32"], "string"),
        (
            &[
                "i64", "i64", "i64", "i64", "i64", "i64", "i64", "i64", "string", "string",
            ],
            "string",
        ),
    ];
    for (params, result) in SIGNATURES.into_iter().chain(more) {
        let plan = classify(&Signature::parse(params, result).unwrap());
        let mut t = targets(false);
        let a = trampoline::fast(&plan, &t).unwrap();
        t.str_release = 0x0102_0304_0506;
        let b = trampoline::fast(&plan, &t).unwrap();
        assert_eq!(
            a != b,
            result == "string" && params.contains(&"string"),
            "{params:?} -> {result}"
        );
    }
}

/// Assert `classify`'s plans give code hashing to `golden[i] = (fast, invoker)`.
pub fn check(classify: fn(&Signature) -> CallPlan, golden: [(u64, u64); 7]) {
    let t = targets(false);
    for ((params, result), want) in SIGNATURES.into_iter().zip(golden) {
        let plan = classify(&Signature::parse(params, result).unwrap());
        let f = trampoline::fast(&plan, &t).unwrap();
        let i = trampoline::invoker(&plan, t.target, t.area).unwrap();
        assert_eq!((fnv(&f), fnv(&i)), want, "{params:?} -> {result}");
    }
}
