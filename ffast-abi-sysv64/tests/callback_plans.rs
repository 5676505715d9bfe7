//! Callback entries read a C caller's aggregate arguments from the locations this crate's plans
//! give (docs/callbacks.md §3); the shared check is ffast_testkit::callback_plans, this file
//! adds what this ABI says of particular shapes.
use ffast_core::Loc;
use ffast_testkit::callback_plans::{check, shape_of, Shape};

#[test]
fn every_aggregate_parameter_is_registers_or_a_stack_image_and_results_use_rdi() {
    use ffast_abi_sysv64::classify;
    // psABI §3.2.3: a MEMORY result's address arrives in rdi (and goes back in rax).
    let seen = check(classify, Loc::Gpr(7));
    let shape = |s: &str| shape_of(&seen, s);
    // No reference passing on SysV: MEMORY class is an image on the stack.
    assert!(seen.iter().all(|(_, s)| *s != Shape::ByReference));
    assert_eq!(*shape("struct{a:f64,b:f64} after -"), Shape::Registers);
    assert_eq!(*shape("struct{a:f64,b:f64} after 8d"), Shape::StackImage); // 8 doubles: no xmm left
    assert_eq!(*shape("struct{a:i64,b:i64} after 7i"), Shape::StackImage); // 6 gprs: none left
    assert_eq!(
        *shape("struct{a:f64,b:f64,c:f64,d:f64} after -"),
        Shape::StackImage
    ); // MEMORY
    assert_eq!(
        *shape("struct<1>{a:u8,b:i32,c:f64} after -"),
        Shape::StackImage
    ); // misaligned
    assert_eq!(*shape("struct{x:f64@32} after -"), Shape::StackImage);
    assert_eq!(
        *shape("struct{name:string,n:i32} after 1w"),
        Shape::Registers
    );
}

#[test]
fn the_callback_layout_follows_the_plan() {
    // docs/callbacks.md §5.1: what the entry trampolines execute, from this ABI's plans.
    ffast_testkit::callback_plans::check_layout(ffast_abi_sysv64::classify, Loc::Gpr(7));
}
