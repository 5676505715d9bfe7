//! Callback entries read a C caller's aggregate arguments from the locations this crate's plans
//! give (docs/callbacks.md §3); the shared check is ffast_testkit::callback_plans, this file
//! adds what this ABI says of particular shapes.
use ffast_core::Loc;
use ffast_testkit::callback_plans::{check, shape_of, Shape};

#[test]
fn every_aggregate_parameter_is_registers_a_stack_image_or_by_reference_and_results_use_x8() {
    use ffast_abi_aapcs64::classify;
    // AAPCS64 §6.9: a result in memory is written through the address the caller passes in x8.
    let seen = check(classify, Loc::Gpr(8));
    let shape = |s: &str| shape_of(&seen, s);
    assert_eq!(
        *shape("struct{a:f64,b:f64,c:f64,d:f64} after -"),
        Shape::Registers
    ); // HFA in v0-v3
    assert_eq!(
        *shape("struct{a:f64,b:f64,c:f64,d:f64} after 8d"),
        Shape::StackImage
    ); // no v left
    assert_eq!(
        *shape("struct{a:i64,b:i64,c:i64} after -"),
        Shape::ByReference
    ); // B.4
    assert_eq!(*shape("struct{b:[u8;4096]} after 8i8d"), Shape::ByReference); // the pointer on the stack
    assert_eq!(*shape("struct{a:i64,b:i64} after 7i"), Shape::StackImage); // needs x7 and x8: stack
    assert_eq!(
        *shape("struct{p:struct{x:f32,y:f32},z:f32} after -"),
        Shape::Registers
    ); // HFA of 3
    assert_eq!(
        *shape("struct{a:f32,b:f32,c:f32,d:f32,e:f32} after -"),
        Shape::ByReference
    ); // 20 bytes, not an HFA
}

#[test]
fn the_callback_layout_follows_the_plan() {
    // docs/callbacks.md §5.1: what the entry trampolines execute, from this ABI's plans.
    ffast_testkit::callback_plans::check_layout(ffast_abi_aapcs64::classify, Loc::Gpr(8));
}
