//! System V AMD64 psABI classification of a struct, union or array passed or returned by
//! value (psABI 1.0 §3.2.3 "Parameter Passing", the aggregate rules). Pure logic over a
//! [`CType`] layout; where the eightbytes then go is the allocator's business, helped by
//! [`fits`].
//!
//! Rules implemented (no `__m128`/`__m256`/`long double` exist in [`CType`], so SSEUP, X87 and
//! COMPLEX_X87 never arise):
//! 1. An object larger than two eightbytes (16 bytes) is MEMORY. (The psABI allows up to eight
//!    eightbytes only for SSE + SSEUP… vectors; with scalars alone, >16 bytes is MEMORY.)
//! 2. An object with an unaligned field is MEMORY: any scalar, however deeply nested, whose
//!    offset from the start of the object is not a multiple of its natural alignment (GCC's
//!    `classify_argument`: "Misaligned fields are always returned in memory"). Fields of a
//!    packed struct that happen to be aligned do not count: `pack(1) {u8, u8, u16}` is INTEGER.
//!    As in gcc, an array is checked at its first element only: gcc classifies the element once
//!    at the array's offset and repeats its classes over the array (see [`classify_at`]).
//! 3. Each eightbyte starts as NO_CLASS; every scalar merges its class (INTEGER for integers,
//!    bools and pointers, SSE for float and double) into the eightbyte that holds it: equal
//!    classes stay, NO_CLASS yields to the other, and INTEGER beats SSE. Arrays and nested
//!    structs are flattened into their scalars; a union merges all of its members at its
//!    own offset.
//! 4. An eightbyte left NO_CLASS (only padding, e.g. `struct { float x
//!    __attribute__((aligned(16))); }`) takes no register: GCC's `construct_container` skips it,
//!    and `gcc -O2` compiles `struct A f(struct A a, struct A b)` for that 16-byte struct to
//!    `addss %xmm1, %xmm0` (one xmm per argument). Only a trailing eightbyte can be all padding
//!    (every aggregate has a scalar at offset 0), so [`AggClass::Regs`] simply omits it.
//!
//! The same classification decides results: MEMORY results are written to a buffer whose
//! address the caller passes in rdi (and which comes back in rax); INTEGER eightbytes return in
//! rax then rdx, SSE eightbytes in xmm0 then xmm1.

use ffast_core::layout::CType;

/// The register class of one eightbyte of an aggregate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Eightbyte {
    /// A general-purpose register (rdi, rsi, … for arguments; rax, rdx for results).
    Integer,
    /// An SSE register (xmm0–xmm7 for arguments; xmm0, xmm1 for results).
    Sse,
}

/// How an aggregate travels.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AggClass {
    /// On the stack (arguments, copied by value) or through a hidden pointer (results).
    Memory,
    /// One register per eightbyte that holds data: 1 or 2 entries, in memory order.
    Regs(Vec<Eightbyte>),
}

/// Classify `ty` as an argument or result passed by value. A scalar is classified as the only
/// member of a struct would be. A type with no valid layout (see [`CType::layout`]) is
/// [`AggClass::Memory`]; callers validate definitions before they get here.
pub fn classify(ty: &CType) -> AggClass {
    let Ok(layout) = ty.layout() else {
        return AggClass::Memory;
    };
    // Rule 1.
    if layout.size > 16 {
        return AggClass::Memory;
    }
    // Rules 2 and 3; rule 2 (a misaligned scalar) gives `None`.
    let Some(classes) = classify_at(ty, 0) else {
        return AggClass::Memory;
    };
    // Rule 4: a NO_CLASS eightbyte can only be the last one; it takes no register.
    AggClass::Regs(classes.iter().map_while(|c| *c).collect())
}

/// The classes of the eightbytes `ty` touches when it starts `offset` bytes into the argument
/// (only `offset % 8` matters for where its eightbytes fall; `offset % 64` for alignment, as in
/// gcc, which tracks bit offsets modulo 512), or `None` for a misaligned scalar (rule 2).
///
/// This follows gcc 12's `classify_argument` (config/i386/i386.cc) step by step, since callers
/// must agree with gcc, not with a cleaner reading of the psABI:
/// - a struct classifies each member at its own offset and merges the member's classes into
///   the eightbytes it covers;
/// - a union classifies each member at the union's offset and merges them;
/// - an **array classifies its element once, at the array's offset, and repeats the element's
///   classes for every eightbyte of the array**: later elements are never checked for
///   alignment. With `S` = `#pragma pack(2) struct { float f; char c; }` (6 bytes),
///   `#pragma pack(4) struct { S a[2]; char d; }` has the second element's float at offset 6,
///   yet gcc passes it in rdi, rsi (`gcc -O2 -S`); checking every element called it MEMORY
///   (found by the ABI fuzzer, `ffast-node/test/fuzz.test.js`);
/// - a scalar is misaligned when the offset is not a multiple of its size.
fn classify_at(ty: &CType, offset: usize) -> Option<Vec<Option<Eightbyte>>> {
    let size = ty.size().ok()?;
    let words = (size + offset % 8).div_ceil(8);
    match ty {
        CType::Scalar(t) => {
            // Every scalar's natural alignment is its size (LP64), so an aligned scalar never
            // straddles two eightbytes. (Sizes are powers of two; the mask keeps MSRV 1.80,
            // which lacks `is_multiple_of`.)
            let size = t.size();
            if size == 0 || offset & (size - 1) != 0 {
                return None;
            }
            Some(vec![Some(if t.is_float() {
                Eightbyte::Sse
            } else {
                Eightbyte::Integer
            })])
        }
        CType::Struct(c) | CType::Union(c) => {
            let layout = ty.layout().ok()?;
            let union = matches!(ty, CType::Union(_));
            let mut classes = vec![None; words];
            for (f, &o) in c.fields.iter().zip(&layout.offsets) {
                let at = if union { offset } else { offset + o };
                let sub = classify_at(&f.ty, at % 64)?;
                // The member's first eightbyte, counted from the start of this aggregate's.
                let pos = if union { 0 } else { (o + offset % 8) / 8 };
                for (i, class) in sub.into_iter().enumerate() {
                    if let Some(slot) = classes.get_mut(pos + i) {
                        *slot = merge(*slot, class);
                    }
                }
            }
            Some(classes)
        }
        CType::Array { elem, .. } => {
            let sub = classify_at(elem, offset)?;
            Some((0..words).map(|i| sub[i % sub.len()]).collect())
        }
    }
}

/// Rule 3's merge: equal classes stay, NO_CLASS yields to the other, INTEGER beats SSE.
fn merge(a: Option<Eightbyte>, b: Option<Eightbyte>) -> Option<Eightbyte> {
    match (a, b) {
        (None, c) | (c, None) => c,
        (Some(Eightbyte::Sse), Some(Eightbyte::Sse)) => Some(Eightbyte::Sse),
        _ => Some(Eightbyte::Integer),
    }
}

/// Whether an aggregate of these classes fits the free registers. §3.2.3: "If there are no
/// registers available for any eightbyte of an argument, the whole argument is passed on the
/// stack" — all or nothing; registers skipped that way stay free for later arguments.
pub fn fits(classes: &[Eightbyte], free_int_regs: usize, free_sse_regs: usize) -> bool {
    let int = classes.iter().filter(|c| **c == Eightbyte::Integer).count();
    let sse = classes.len() - int;
    int <= free_int_regs && sse <= free_sse_regs
}

#[cfg(test)]
mod tests {
    use super::*;
    use ffast_core::layout::{Composite, Field};
    use ffast_core::Type::{self, *};
    use ffast_testkit::shapes::{fields, st, st_of, un_of};
    use std::sync::Arc;
    use AggClass::*;
    use Eightbyte::*;

    fn packed(n: usize, tys: &[Type]) -> CType {
        let fs = fields(tys.iter().map(|&t| CType::Scalar(t)).collect());
        CType::Struct(Arc::new(Composite::new(fs).packed(n)))
    }

    fn arr(t: Type, n: usize) -> CType {
        CType::array(t, n)
    }

    fn check(table: &[(&str, CType, AggClass)]) {
        for (what, ty, want) in table {
            assert_eq!(&classify(ty), want, "{what}");
        }
    }

    #[test]
    fn rule3_scalars_sharing_an_eightbyte_merge_into_one_register() {
        check(&[
            ("{i32,i32}", st(&[I32, I32]), Regs(vec![Integer])),
            ("{f32,f32}", st(&[F32, F32]), Regs(vec![Sse])),
            ("{u8,u8,u8}", st(&[U8, U8, U8]), Regs(vec![Integer])),
            ("{bool,i16,u32}", st(&[Bool, I16, U32]), Regs(vec![Integer])),
            ("{i32}", st(&[I32]), Regs(vec![Integer])),
            ("{f64}", st(&[F64]), Regs(vec![Sse])),
        ]);
    }

    #[test]
    fn rule3_each_eightbyte_is_classified_on_its_own() {
        check(&[
            ("{f64,f64}", st(&[F64, F64]), Regs(vec![Sse, Sse])),
            ("{i64,f64}", st(&[I64, F64]), Regs(vec![Integer, Sse])),
            ("{f64,i32}", st(&[F64, I32]), Regs(vec![Sse, Integer])),
            ("{f32,f32,f32}", st(&[F32, F32, F32]), Regs(vec![Sse, Sse])),
            (
                "{pointer,string}",
                st(&[Pointer, String]),
                Regs(vec![Integer, Integer]),
            ),
            ("{u8,f64}", st(&[U8, F64]), Regs(vec![Integer, Sse])),
        ]);
    }

    #[test]
    fn rule3_integer_wins_the_merge() {
        check(&[
            ("{i32,f32}", st(&[I32, F32]), Regs(vec![Integer])),
            ("{f32,i32}", st(&[F32, I32]), Regs(vec![Integer])),
            (
                "{f32,i32,f32}",
                st(&[F32, I32, F32]),
                Regs(vec![Integer, Sse]),
            ),
            (
                "{f32,f32,f32,u8}",
                st(&[F32, F32, F32, U8]),
                Regs(vec![Sse, Integer]),
            ),
        ]);
    }

    #[test]
    fn rule1_more_than_two_eightbytes_is_memory() {
        check(&[
            ("{f64,f64,f64}", st(&[F64, F64, F64]), Memory),
            ("17 bytes: {u8[17]}", st_of(vec![arr(U8, 17)]), Memory),
            ("{i64,i64,u8}", st(&[I64, I64, U8]), Memory),
            (
                "16 bytes: {u8[16]}",
                st_of(vec![arr(U8, 16)]),
                Regs(vec![Integer, Integer]),
            ),
        ]);
    }

    #[test]
    fn rule2_unaligned_fields_are_memory() {
        // Packed below natural alignment.
        let inner1 = CType::Struct(Arc::new(
            Composite::new(vec![Field::new("x", I32)]).packed(1),
        ));
        check(&[
            ("pack(1) {u8,i32}", packed(1, &[U8, I32]), Memory),
            ("pack(2) {u8,f32}", packed(2, &[U8, F32]), Memory),
            ("pack(4) {u8,f64}", packed(4, &[U8, F64]), Memory),
            // A packed inner struct (align 1) at an odd offset puts its i32 at 1.
            (
                "{u8, pack(1) {i32}}",
                st_of(vec![U8.into(), inner1.clone()]),
                Memory,
            ),
            // …and at an aligned offset it is fine.
            (
                "{pack(1) {i32}, u8}",
                st_of(vec![inner1, U8.into()]),
                Regs(vec![Integer]),
            ),
            // A packed struct whose fields happen to be aligned is not "unaligned".
            (
                "pack(1) {u8,u8,u16}",
                packed(1, &[U8, U8, U16]),
                Regs(vec![Integer]),
            ),
            (
                "pack(1) {i32,f32}",
                packed(1, &[I32, F32]),
                Regs(vec![Integer]),
            ),
        ]);
    }

    #[test]
    fn rule2_arrays_are_checked_at_their_first_element_only() {
        // gcc 12 `-O2 -S` for each: registers or a stack copy.
        let t = |text: &str| CType::parse(text).unwrap();
        check(&[
            // The second S's float is at 6: gcc still uses rdi, rsi.
            (
                "pack(4) {pack(2) {f32,i8}[2], i8}",
                t("struct<4>{a:[struct<2>{f:f32,c:i8};2],d:i8}"),
                Regs(vec![Integer, Integer]),
            ),
            // The first element's float is misaligned: MEMORY.
            (
                "{pack(1) {i8,f32}[2]}",
                t("struct{a:[struct<1>{c:i8,f:f32};2]}"),
                Memory,
            ),
            (
                "{i8, pack(1) {i8,f32}[1]}",
                t("struct{x:i8,a:[struct<1>{c:i8,f:f32};1]}"),
                Memory,
            ),
            // An array of floats after a byte in a packed struct: its first float at 1.
            (
                "pack(1) {u8, f32[2]}",
                t("struct<1>{c:u8,a:[f32;2]}"),
                Memory,
            ),
        ]);
    }

    #[test]
    fn rule3_arrays_are_flattened() {
        check(&[
            ("{f32[3]}", st_of(vec![arr(F32, 3)]), Regs(vec![Sse, Sse])),
            (
                "{f32[2],i32}",
                st_of(vec![arr(F32, 2), I32.into()]),
                Regs(vec![Sse, Integer]),
            ),
            (
                "{f32,i32[3]}",
                st_of(vec![F32.into(), arr(I32, 3)]),
                Regs(vec![Integer, Integer]),
            ),
            ("{f64[2]}", st_of(vec![arr(F64, 2)]), Regs(vec![Sse, Sse])),
            (
                "{u16[3],f32}",
                st_of(vec![arr(U16, 3), F32.into()]),
                Regs(vec![Integer, Sse]),
            ),
            ("bare f32[4]", arr(F32, 4), Regs(vec![Sse, Sse])),
        ]);
    }

    #[test]
    fn rule3_nested_aggregates_are_flattened() {
        let ff = st(&[F32, F32]);
        check(&[
            (
                "{{f32,f32},f64}",
                st_of(vec![ff.clone(), F64.into()]),
                Regs(vec![Sse, Sse]),
            ),
            (
                "{{f32},i32}",
                st_of(vec![st(&[F32]), I32.into()]),
                Regs(vec![Integer]),
            ),
            (
                "{{i8},f32,f64}",
                st_of(vec![st(&[I8]), F32.into(), F64.into()]),
                Regs(vec![Integer, Sse]),
            ),
            (
                "{{{f32,f32}[2]}}",
                st_of(vec![st_of(vec![CType::array(ff.clone(), 2)])]),
                Regs(vec![Sse, Sse]),
            ),
            (
                "{{f32,f32},{f32,f32},u8}",
                st_of(vec![ff.clone(), ff, U8.into()]),
                Memory,
            ),
        ]);
    }

    #[test]
    fn rule3_unions_merge_every_member() {
        check(&[
            (
                "union {f32,i32}",
                un_of(vec![F32.into(), I32.into()]),
                Regs(vec![Integer]),
            ),
            (
                "union {f64,f32}",
                un_of(vec![F64.into(), F32.into()]),
                Regs(vec![Sse]),
            ),
            (
                "union {f32[4],f64[2]}",
                un_of(vec![arr(F32, 4), arr(F64, 2)]),
                Regs(vec![Sse, Sse]),
            ),
            (
                "union {f64[2],{f64,i64}}",
                un_of(vec![arr(F64, 2), st(&[F64, I64])]),
                Regs(vec![Sse, Integer]),
            ),
            (
                "{union {f32,u32}, f32}",
                st_of(vec![un_of(vec![F32.into(), U32.into()]), F32.into()]),
                Regs(vec![Integer]),
            ),
            (
                "union {u8[17],f64}",
                un_of(vec![arr(U8, 17), F64.into()]),
                Memory,
            ),
        ]);
    }

    #[test]
    fn rule4_padding_only_eightbyte_takes_no_register() {
        let aligned = CType::structure(vec![Field::new("x", F32).aligned(16)]);
        assert_eq!(aligned.size().unwrap(), 16);
        check(&[
            ("{f32 aligned(16)}", aligned, Regs(vec![Sse])),
            (
                "{i64 aligned(16)}",
                CType::structure(vec![Field::new("x", I64).aligned(16)]),
                Regs(vec![Integer]),
            ),
        ]);
    }

    #[test]
    fn scalars_and_invalid_types() {
        check(&[
            ("f64", F64.into(), Regs(vec![Sse])),
            ("pointer", Pointer.into(), Regs(vec![Integer])),
            ("empty struct", CType::structure(vec![]), Memory),
            ("void member", st(&[Void]), Memory),
        ]);
    }

    #[test]
    fn fits_is_all_or_nothing() {
        let table: [(&[Eightbyte], usize, usize, bool); 8] = [
            (&[Integer], 1, 0, true),
            (&[Integer], 0, 8, false),
            (&[Integer, Integer], 1, 8, false),
            (&[Integer, Integer], 2, 0, true),
            (&[Integer, Sse], 1, 1, true),
            (&[Integer, Sse], 6, 0, false),
            (&[Sse, Sse], 0, 1, false),
            (&[Sse, Sse], 0, 2, true),
        ];
        for (classes, int, sse, want) in table {
            assert_eq!(
                fits(classes, int, sse),
                want,
                "{classes:?} in {int} int, {sse} sse"
            );
        }
    }
}
