//! AAPCS64 treatment of a struct, union or array passed or returned by value (Linux AArch64;
//! "Procedure Call Standard for the Arm 64-bit Architecture", 2023Q3: §5.9.5 "Homogeneous
//! Aggregates", §6.8.2 stage B "Pre-padding and extension of arguments", §6.9 "Result
//! return"). Pure logic over a [`CType`] layout; register counters stay with the allocator.
//!
//! Rules implemented, in the order stage B applies them:
//! 1. §5.9.5: a Homogeneous Floating-point Aggregate (HFA) is a composite of 1 to 4 members
//!    that are all the same floating-point type once nested structs and arrays are flattened
//!    (`{ {float, float}, float[2] }` is an HFA of 4 floats). A union is one when every member
//!    is an HFA (or a float) of the same base type; its count is the largest member's
//!    (`union { float a; float b[2]; }` is an HFA of 2 floats: `aarch64-linux-gnu-gcc -O2`
//!    passes and returns it in s0, s1). As in GCC's `aapcs_vfp_sub_candidate`, a composite
//!    with padding is not homogeneous: `{ float a; float b __attribute__((aligned(8))); }`
//!    (16 bytes) travels in x0, x1. B.2/C.2: an HFA goes in `count` consecutive v registers
//!    (or, if they are not all free, on the stack) whatever its size — `{double x4}` is 32
//!    bytes and still in d0–d3.
//! 2. B.4: any other composite larger than 16 bytes is copied to memory by the caller and
//!    replaced by a pointer to the copy (one x register or stack slot); such a result is
//!    written to the buffer whose address the caller passes in x8 (§6.9).
//! 3. B.5: a composite of up to 16 bytes has its size rounded up to a multiple of 8 and, C.10 to
//!    C.13, travels in that many consecutive x registers (or entirely on the stack); results
//!    come back in x0 (and x1).
//!
//! Not decided here: C.12 (a composite of alignment 16 starts at an even NGRN) and the stack
//! placement, which belong to the allocator.

use ffast_core::layout::CType;
use ffast_core::Type;

/// How an aggregate travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggPass {
    /// `count` (1–4) consecutive v registers, each holding one `base` (`F32` or `F64`).
    Hfa { base: Type, count: u8 },
    /// Size ≤ 16 rounded up to 8: 1 or 2 consecutive x registers.
    Gprs { count: u8 },
    /// Larger than 16 bytes: the caller copies it and passes a pointer; results via x8.
    Indirect,
}

/// Classify `ty` as an argument or result passed by value. A scalar is classified as the only
/// member of a struct would be (a float is an HFA of 1). A type with no valid layout (see
/// [`CType::layout`]) is [`AggPass::Indirect`]; callers validate definitions first.
pub fn classify(ty: &CType) -> AggPass {
    let Ok(size) = ty.size() else {
        return AggPass::Indirect;
    };
    // Rule 1.
    if let Some((base, count @ 1..=4)) = homogeneous(ty) {
        return AggPass::Hfa {
            base,
            count: count as u8,
        };
    }
    // Rules 2 and 3.
    if size > 16 {
        AggPass::Indirect
    } else {
        AggPass::Gprs {
            count: size.div_ceil(8) as u8,
        }
    }
}

/// The base float type and the number of base elements when every scalar inside `ty` is that
/// one float type and no composite level has padding; `None` otherwise. The count is not
/// capped here (the caller checks 1–4).
fn homogeneous(ty: &CType) -> Option<(Type, usize)> {
    let (base, count) = match ty {
        CType::Scalar(t @ (Type::F32 | Type::F64)) => return Some((*t, 1)),
        CType::Scalar(_) => return None,
        CType::Array { elem, len } => {
            let (base, n) = homogeneous(elem)?;
            (base, n.checked_mul(*len)?)
        }
        CType::Struct(c) | CType::Union(c) => {
            let union = matches!(ty, CType::Union(_));
            let mut base = None;
            let mut count = 0usize;
            for f in &c.fields {
                let (b, n) = homogeneous(&f.ty)?;
                if base.is_some_and(|x| x != b) {
                    return None;
                }
                base = Some(b);
                // A union's members overlap: its count is the largest member's.
                count = if union { count.max(n) } else { count + n };
            }
            (base?, count)
        }
    };
    // No padding anywhere: the elements must fill the aggregate exactly (GCC checks this at
    // every level, so a padded inner struct spoils the whole).
    (ty.size().ok()? == count.checked_mul(base.size())?).then_some((base, count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ffast_core::layout::{Composite, Field};
    use ffast_testkit::shapes::{fields, st, st_of, un_of};
    use std::sync::Arc;
    use AggPass::*;
    use Type::*;

    fn arr(t: impl Into<CType>, n: usize) -> CType {
        CType::array(t, n)
    }

    fn hfa(base: Type, count: u8) -> AggPass {
        Hfa { base, count }
    }

    fn check(table: &[(&str, CType, AggPass)]) {
        for (what, ty, want) in table {
            assert_eq!(&classify(ty), want, "{what}");
        }
    }

    #[test]
    fn hfa_of_one_to_four_identical_floats_goes_in_v_registers() {
        check(&[
            ("{f32}", st(&[F32]), hfa(F32, 1)),
            ("{f32,f32}", st(&[F32, F32]), hfa(F32, 2)),
            ("{f32,f32,f32}", st(&[F32, F32, F32]), hfa(F32, 3)),
            ("{f64,f64}", st(&[F64, F64]), hfa(F64, 2)),
            // B.2: an HFA keeps its registers even above 16 bytes.
            ("{f64,f64,f64}", st(&[F64, F64, F64]), hfa(F64, 3)),
            ("{f64 x4}", st(&[F64; 4]), hfa(F64, 4)),
        ]);
    }

    #[test]
    fn hfa_flattens_nested_structs_and_arrays() {
        check(&[
            ("{f32[4]}", st_of(vec![arr(F32, 4)]), hfa(F32, 4)),
            (
                "{{f32,f32},f32[2]}",
                st_of(vec![st(&[F32, F32]), arr(F32, 2)]),
                hfa(F32, 4),
            ),
            // gcc: double fh(struct { double a[2]; struct { double b, c; } s; }) reads d3.
            (
                "{f64[2],{f64,f64}}",
                st_of(vec![arr(F64, 2), st(&[F64, F64])]),
                hfa(F64, 4),
            ),
            (
                "{{{f64}}[3]}",
                st_of(vec![arr(st_of(vec![st(&[F64])]), 3)]),
                hfa(F64, 3),
            ),
            ("bare f32[2]", arr(F32, 2), hfa(F32, 2)),
        ]);
    }

    #[test]
    fn more_than_four_elements_is_not_an_hfa() {
        check(&[
            ("{f32 x5}: 20 bytes", st(&[F32; 5]), Indirect),
            ("{f32[2] x3}", st_of(vec![arr(F32, 2); 3]), Indirect),
            ("{f64[5]}", st_of(vec![arr(F64, 5)]), Indirect),
        ]);
    }

    #[test]
    fn mixed_or_integer_members_are_not_an_hfa() {
        check(&[
            ("{f32,f64}", st(&[F32, F64]), Gprs { count: 2 }),
            ("{f32,i32}", st(&[F32, I32]), Gprs { count: 1 }),
            (
                "{{f32,f32},f64}",
                st_of(vec![st(&[F32, F32]), F64.into()]),
                Gprs { count: 2 },
            ),
            ("{f64,f64,i32}: 24 bytes", st(&[F64, F64, I32]), Indirect),
        ]);
    }

    #[test]
    fn padding_breaks_homogeneity() {
        // gcc: struct P { float a; float b __attribute__((aligned(8))); } travels in w0, w1.
        let p = CType::structure(vec![Field::new("a", F32), Field::new("b", F32).aligned(8)]);
        let padded_inner = CType::structure(vec![Field::new("x", F32).aligned(8)]);
        check(&[
            ("{f32, f32 aligned(8)}", p, Gprs { count: 2 }),
            (
                "{{f32 aligned(8)}, f32}",
                st_of(vec![padded_inner, F32.into()]),
                Gprs { count: 2 },
            ),
            // A packed struct of floats has no padding and stays homogeneous.
            (
                "pack(1) {f32,f32}",
                CType::Struct(Arc::new(
                    Composite::new(fields(vec![F32.into(), F32.into()])).packed(1),
                )),
                hfa(F32, 2),
            ),
        ]);
    }

    #[test]
    fn unions_are_hfas_only_when_every_member_shares_the_base() {
        check(&[
            // gcc passes and returns union { float a; float b[2]; } in s0, s1.
            (
                "union {f32, f32[2]}",
                un_of(vec![F32.into(), arr(F32, 2)]),
                hfa(F32, 2),
            ),
            (
                "union {f64, {f64,f64}}",
                un_of(vec![F64.into(), st(&[F64, F64])]),
                hfa(F64, 2),
            ),
            (
                "union {f32, f64}",
                un_of(vec![F32.into(), F64.into()]),
                Gprs { count: 1 },
            ),
            (
                "union {f32, i32}",
                un_of(vec![F32.into(), I32.into()]),
                Gprs { count: 1 },
            ),
            (
                "union {{f32,f32}, f64}",
                un_of(vec![st(&[F32, F32]), F64.into()]),
                Gprs { count: 1 },
            ),
            (
                "{union {f32, f32[3]}, f32}",
                st_of(vec![un_of(vec![F32.into(), arr(F32, 3)]), F32.into()]),
                hfa(F32, 4),
            ),
        ]);
    }

    #[test]
    fn b5_small_composites_round_up_to_whole_x_registers() {
        let p9 = CType::Struct(Arc::new(
            Composite::new(fields(vec![U8.into(), F64.into()])).packed(1),
        ));
        check(&[
            ("{u8}", st(&[U8]), Gprs { count: 1 }),
            ("{u8,u8,u8}", st(&[U8, U8, U8]), Gprs { count: 1 }),
            ("{i32,i32}", st(&[I32, I32]), Gprs { count: 1 }),
            ("{i32,i32,i32}", st(&[I32, I32, I32]), Gprs { count: 2 }),
            ("{i64,u8}", st(&[I64, U8]), Gprs { count: 2 }),
            ("{u8[9]}", st_of(vec![arr(U8, 9)]), Gprs { count: 2 }),
            ("pack(1) {u8,f64}: 9 bytes", p9, Gprs { count: 2 }),
            (
                "{pointer,string}",
                st(&[Pointer, String]),
                Gprs { count: 2 },
            ),
        ]);
    }

    #[test]
    fn b4_larger_than_16_bytes_is_passed_by_reference() {
        check(&[
            ("{i64,i64,i64}", st(&[I64, I64, I64]), Indirect),
            ("{u8[17]}", st_of(vec![arr(U8, 17)]), Indirect),
            (
                "union {u8[17], f64}",
                un_of(vec![arr(U8, 17), F64.into()]),
                Indirect,
            ),
        ]);
    }

    #[test]
    fn scalars_and_invalid_types() {
        check(&[
            ("f64", F64.into(), hfa(F64, 1)),
            ("i32", I32.into(), Gprs { count: 1 }),
            ("empty struct", CType::structure(vec![]), Indirect),
            ("void member", st(&[Void]), Indirect),
        ]);
    }
}
