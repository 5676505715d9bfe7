//! Aggregate support must leave scalar-only signatures exactly as they were: the x64 fast
//! trampoline and invoker bytes of a few representative signatures (tail call, float/int mix,
//! stack arguments, helpers, result conversion, narrow types) hash to the values the same
//! code produced at commit 75e802b, before aggregates existed (same targets, FNV-1a 64).

use ffast_abi_sysv64::classify;
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
            0x904ad2e703fef255,
            0x173e3253798922be,
        ),
        (
            &["f64", "i32", "f64"],
            "f64",
            0xe56c5f56c8ddc236,
            0x176fbd8acbd50afd,
        ),
        (&["i64"; 8], "i64", 0x391bbc4d911606c1, 0x328afbbf763cf34e),
        (
            &["string", "buffer", "usize"],
            "u32",
            0x9dd66df24bb1a155,
            0xa2e85e93e3e22328,
        ),
        (&[], "u64", 0xf2f7be70d7b4b9df, 0xbd38e36ef365b794),
        (&["f64"; 10], "f64", 0xf9fbaa62047a83aa, 0x54cc29984b9ec40b),
        (
            &["i8", "u16"],
            "bool",
            0x66d4d1e9f39b71df,
            0x173e3253798922be,
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
