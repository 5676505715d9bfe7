//! Aggregate support left the arm64 code of scalar-only signatures byte-identical (see
//! `ffast_testkit::scalar_golden`).

#[test]
fn scalar_trampolines_are_byte_identical_to_before_aggregates() {
    ffast_testkit::scalar_golden::check(
        ffast_abi_aapcs64::classify,
        [
            (0xbc0d26dfaf4d8e94, 0x52b0b5e32f35bfd3),
            (0x3258eac15a880683, 0x444af696054ddbfa),
            (0x34cbefbe3e8ac8db, 0x2e78746138c4b32a),
            (0x843c6e5d15948685, 0x60ce5282c310c5ac),
            (0xd097064f97d83871, 0x3c7c85abf90ea6aa),
            (0x23b8a53e3022f3b9, 0x6dda9d0cab8a2a0b),
            (0x5573b0e0eb920253, 0x52b0b5e32f35bfd3),
        ],
    );
}
