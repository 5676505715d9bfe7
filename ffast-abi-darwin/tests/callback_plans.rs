//! Callback entries read a C caller's aggregate arguments from the locations this crate's plans
//! give (docs/callbacks.md §3); the shared check is ffast_testkit::callback_plans, this file
//! adds what this ABI says of particular shapes.
use ffast_core::Loc;
use ffast_testkit::callback_plans::{check, shape_of, Shape};

#[test]
fn every_aggregate_parameter_is_registers_a_stack_image_or_by_reference_and_results_use_x8() {
    use ffast_abi_darwin::classify;
    // Apple keeps AAPCS64's x8 for results in memory and B.4's references; an HFA on the stack
    // is packed like its members (natural alignment), which is still an image of the object.
    let seen = check(classify, Loc::Gpr(8));
    let shape = |s: &str| shape_of(&seen, s);
    assert_eq!(
        *shape("struct{a:f32,b:f32,c:f32} after 8d"),
        Shape::StackImage
    );
    assert_eq!(
        *shape("struct{a:f32@16,b:f32,c:f32,d:f32} after 8d"),
        Shape::StackImage
    );
    assert_eq!(
        *shape("struct{a:i64,b:i64,c:i64} after -"),
        Shape::ByReference
    );
    assert_eq!(
        *shape("struct{a:f64,b:f64,c:f64,d:f64} after -"),
        Shape::Registers
    );
    assert_eq!(*shape("struct{a:i64,b:i64} after 7i"), Shape::StackImage);
}

#[test]
fn the_callback_layout_follows_the_plan() {
    // docs/callbacks.md §5.1: what the entry trampolines execute, from this ABI's plans.
    ffast_testkit::callback_plans::check_layout(ffast_abi_darwin::classify, Loc::Gpr(8));
}
