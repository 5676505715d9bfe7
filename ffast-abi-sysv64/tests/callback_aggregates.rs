//! Callback entry trampolines with structs by value (docs/callbacks.md §3–§5), called from
//! Rust as C functions; the shared cases are ffast_testkit::callback_aggregates, this file
//! says where the SysV x86-64 psABI puts their arguments and results.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

use ffast_abi_sysv64::classify;
use ffast_testkit::callback_aggregates as cases;

// registers_between_scalars_and_a_register_result: II in one general register between two
// ints; LD returned in rax + xmm0.
// mixed_and_float_aggregates_in_registers_and_past_them: Fff in xmm0 (a, b) + xmm1 (c), LD in
// a general register and an xmm register, the second LD after the general registers are used
// up: on the stack; the result Fff in xmm0/xmm1.
ffast_testkit::shared_callback_aggregate_tests!(classify);

#[test]
fn a_memory_result_through_the_hidden_pointer_after_seven_integers() {
    // Dddd is MEMORY: rdi carries the result's address, the seven integers shift to rsi.., the
    // last one and the 24-byte L3 (MEMORY too) go on the stack as an image.
    cases::seven_integers_a_24_byte_struct_and_a_32_byte_result(classify);
}
