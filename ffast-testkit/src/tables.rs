//! Compact rows for the ABI crates' classification tables.

use ffast_core::CallPlan;

/// A plan's area values as (source, C location), sources spelled `u64@off`, `f32@off`,
/// `&off` (an area address): compact rows for the ABI crates' classification tables.
pub fn area_args(p: &CallPlan) -> Vec<(String, ffast_core::Loc)> {
    p.area_args
        .iter()
        .map(|a| {
            let src = match a.src {
                ffast_core::AreaSrc::Load { offset, ty } => format!("{ty}@{offset}"),
                ffast_core::AreaSrc::Addr { offset } => format!("&{offset}"),
            };
            (src, a.c)
        })
        .collect()
}

/// A plan's aggregate-result registers as (register, `type@offset`).
pub fn area_rets(p: &CallPlan) -> Vec<(ffast_core::Loc, String)> {
    p.area_ret
        .iter()
        .map(|r| (r.c, format!("{}@{}", r.ty, r.offset)))
        .collect()
}

/// Anonymous aggregate shapes for the ABI crates' classification tables (fields f0, f1, …).
pub mod shapes {
    use ffast_core::layout::{CType, Field};
    use ffast_core::Type;

    /// `struct { tys[0] f0; tys[1] f1; … }` of scalars.
    pub fn st(tys: &[Type]) -> CType {
        st_of(tys.iter().map(|&t| CType::Scalar(t)).collect())
    }

    /// A struct of arbitrary member types.
    pub fn st_of(tys: Vec<CType>) -> CType {
        CType::structure(fields(tys))
    }

    /// A union of arbitrary member types.
    pub fn un_of(tys: Vec<CType>) -> CType {
        CType::union(fields(tys))
    }

    pub fn fields(tys: Vec<CType>) -> Vec<Field> {
        tys.into_iter()
            .enumerate()
            .map(|(i, t)| Field::new(format!("f{i}"), t))
            .collect()
    }
}

/// `ffast_core::trampoline::target_is_entry` on the plans one ABI crate makes (`plan(params,
/// result)`): the rule reads only the plan, and V8's receiver takes the first integer register
/// on both ISAs, so every ABI with fast calls gives the same answers. Only floating-point
/// arguments, all in registers, arrive where C wants them; the result must need no conversion,
/// and nothing may go through errno, an ellipsis or the area.
pub fn check_target_is_entry(plan: &dyn Fn(&[&str], &str) -> CallPlan) {
    use ffast_core::trampoline::target_is_entry;
    assert!(target_is_entry(&plan(&["f64", "f64"], "f64"), false));
    assert!(target_is_entry(&plan(&["f32"; 8], "f64"), false));
    assert!(target_is_entry(&plan(&["f64"], "i32"), false));
    // No argument: the trampoline measured faster (target_is_entry).
    assert!(!target_is_entry(&plan(&[], "f64"), false));
    assert!(target_is_entry(&plan(&["f64"], "void"), false));
    assert!(target_is_entry(&plan(&["f32", "f32"], "f32"), false));
    // errno is exchanged around the call: a trampoline.
    assert!(!target_is_entry(&plan(&["f64", "f64"], "f64"), true));
    // An integer shifts by the receiver.
    assert!(!target_is_entry(&plan(&["i32", "f64"], "f64"), false));
    assert!(!target_is_entry(&plan(&["f64", "pointer"], "f64"), false));
    // A ninth float goes to the stack.
    assert!(!target_is_entry(&plan(&["f64"; 9], "f64"), false));
    // Results V8 and C represent differently.
    assert!(!target_is_entry(&plan(&["f64"], "u16"), false));
    assert!(!target_is_entry(&plan(&["f64"], "i64"), false));
    assert!(!target_is_entry(&plan(&["f64"], "bool"), false));
    // A variadic call (x86-64 callers set %al).
    assert!(!target_is_entry(
        &plan(&["f64", "...", "f64"], "i32"),
        false
    ));
}
