//! The code of every trampoline the test kit's signatures give on this ABI, as golden
//! disassembly (`tests/golden/{scalars,aggregates}.txt`; see `ffast_testkit::golden`).
//! Regenerate with `bash scripts/gen-trampoline-golden.sh`.

#[test]
fn trampolines_match_the_golden_listings() {
    ffast_testkit::golden::check(
        ffast_abi_sysv64::classify,
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden"),
    );
}
