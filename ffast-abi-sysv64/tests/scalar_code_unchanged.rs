//! Aggregate support left the x64 code of scalar-only signatures byte-identical (see
//! `ffast_testkit::scalar_golden`).

#[test]
fn scalar_trampolines_are_byte_identical_to_before_aggregates() {
    ffast_testkit::scalar_golden::check(
        ffast_abi_sysv64::classify,
        [
            (0x904ad2e703fef255, 0x173e3253798922be),
            (0xe56c5f56c8ddc236, 0x176fbd8acbd50afd),
            (0x391bbc4d911606c1, 0x328afbbf763cf34e),
            (0x9dd66df24bb1a155, 0xa2e85e93e3e22328),
            (0xf2f7be70d7b4b9df, 0xbd38e36ef365b794),
            (0xf9fbaa62047a83aa, 0x54cc29984b9ec40b),
            (0x66d4d1e9f39b71df, 0x173e3253798922be),
        ],
    );
}
