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
