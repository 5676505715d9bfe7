//! The code of pinned trampolines, as golden disassembly (`tests/golden/trampolines.txt`; see
//! `ffast_testkit::golden`, regenerate with `bash scripts/gen-trampoline-golden.sh`).

#[test]
fn trampolines_match_the_golden_listing() {
    ffast_testkit::golden::check(
        ffast_abi_aapcs64::classify,
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/trampolines.txt"),
    );
}
