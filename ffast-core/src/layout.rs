//! C aggregate types (struct, union, array) and their memory layout, equal to GCC's on LP64
//! Linux (x86-64 and aarch64 give the same answers for every type this module can express).
//!
//! A [`CType`] is a tree: scalars at the leaves, [`Composite`]s and arrays inside. Children are
//! held by [`Arc`], and an `Arc` can only point at a value that already exists, so a type can
//! never contain itself: recursive definitions are impossible by construction (C needs a
//! pointer for those, and a pointer here is the scalar [`Type::Pointer`]). Shared children (a
//! DAG) are fine. Bit-fields are out of scope.
//!
//! # The rules (C11 §6.7.2.1 plus GCC's extensions), and the experiments that pinned them
//! Each was checked with `gcc` 12.2 (x86-64) and `aarch64-linux-gnu-gcc` 12.2 (run under qemu);
//! both targets printed identical `sizeof` / `_Alignof` / `offsetof` for every case. The
//! property test `tests/layout_vs_gcc.rs` checks thousands of random shapes against the same
//! compilers on every run.
//!
//! 1. A scalar's alignment is its size (LP64: `long`, pointers and `double` are 8 and 8).
//! 2. A member's alignment is `max(alignment of its type, aligned(n))`: the member attribute can
//!    only raise it. `struct { char a; int b __attribute__((aligned(2))); }` → `b` at 4, size 8.
//! 3. `#pragma pack(n)` then caps every member's alignment at `n`, **including** alignment raised
//!    by a member `aligned` attribute (unlike MSVC's `__declspec(align)`):
//!    `pack(2) struct { char a; int b __attribute__((aligned(8))); }` → `b` at 2, size 6,
//!    align 2; `pack(1) struct { char a; double b __attribute__((aligned(4))); char c; }` →
//!    `b` at 1, `c` at 9, size 10, align 1; `pack(16) struct { char a; char b
//!    __attribute__((aligned(32))); }` → `b` at 16, size 32, align 16.
//! 4. The pack applies to the members of the composite declared under it, not inside them: a
//!    nested struct keeps its own size and internal offsets, only its alignment *as a member*
//!    is capped. `struct In8 { char a; double d; }` (size 16) as a member under `pack(2)`:
//!    `struct { char a; struct In8 i; char c; }` → `i` at 2, `c` at 18, size 20, align 2.
//!    A struct with an `aligned(16)` member (align 16) under `pack(4)` lands at offset 4.
//! 5. Conversely a packed struct is an ordinary type of alignment `min(pack, …)` elsewhere:
//!    `pack(1) struct In1 { char a; int b; }` (size 5, align 1) inside an unpacked
//!    `struct { char a; struct In1 i; char c; }` → `i` at 1, `c` at 6, size 7, align 1.
//! 6. An array has its element's alignment and `len × size`; the element keeps its padded size
//!    even under a pack: `pack(1) struct { char a; struct In8 arr[2]; short s[3]; }` → `arr`
//!    at 1, `s` at 33, size 39. `aligned(n)` on an array member applies to the member.
//! 7. A struct's alignment is the largest member alignment (after 2 and 3); its size is the end
//!    of the last member rounded up to it.
//! 8. A union puts every member at 0; alignment as for a struct, size = the largest member
//!    rounded up: `pack(2) union { char a; double d; char c[9]; }` → size 10, align 2;
//!    `pack(4) union { char a; char b __attribute__((aligned(16))); }` → size 4, align 4.
//!
//! # Cost
//! Building and using a type is linear in its number of distinct nodes: a composite computes its
//! layout once and keeps it ([`Composite`]'s cache), so the layout of a parent reads its
//! children's instead of walking them again (the ABI classifiers ask for the layout of every
//! nested aggregate), and the field path that error messages name is only put into words when
//! there is an error. Without both, a chain of N nested structs cost O(N³): 250 levels took 22 s.
//! Nesting is limited to [`MAX_NESTING`] levels so that every recursive walk (parsing, layout,
//! classification, `Display`, drop) stays far from the end of a thread's stack.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, OnceLock};

use crate::{Error, Type};

/// A C type that can live in memory: a scalar, a struct, a union, or a fixed-length array.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CType {
    /// Any [`Type`] but `Void` and `Buffer`; `String` and `Pointer` are 8-byte pointers.
    Scalar(Type),
    Struct(Arc<Composite>),
    Union(Arc<Composite>),
    /// `elem[len]`; `len` must be at least 1.
    Array {
        elem: Arc<CType>,
        len: usize,
    },
}

/// One member of a struct or union.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: String,
    pub ty: CType,
    /// Like `__attribute__((aligned(n)))` on the member: a power of two that can only raise
    /// the member's alignment (still capped by the composite's `pack`).
    pub align: Option<usize>,
}

/// The members of a struct or union, in declaration order, and how it is packed. Whether it is
/// a struct or a union is said by the [`CType`] variant that holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Composite {
    pub fields: Vec<Field>,
    /// Like `#pragma pack(n)` around the declaration: 1, 2, 4, 8 or 16.
    pub pack: Option<usize>,
    /// The layout once computed (see the module's "Cost"). A composite is immutable once it
    /// sits in an `Arc` (the only way into a [`CType`]), so the answer cannot go stale.
    cache: LayoutCache,
}

/// How deep types may nest: a struct holding a struct holding … (an array is a level too).
/// C11 §5.2.4.1 asks compilers for at least 63 levels; real headers rarely go past ten. The
/// walks over a type recurse once per level, ~0.7 KB of stack each (release build, measured
/// through the parser); 100 levels stay far below what a JS thread has left for native code
/// even when its JS stack is nearly full (a worker keeps ~192 KB past V8's limit).
pub const MAX_NESTING: usize = 100;

/// The struct and the union layout of a composite, each computed at most once. Only successes
/// are kept: an error message names the field path from the type it was asked for.
/// Ignored by equality and hashing, and not cloned (a clone may be changed before use).
#[derive(Default)]
struct LayoutCache([OnceLock<Layout>; 2]);

impl Clone for LayoutCache {
    fn clone(&self) -> Self {
        LayoutCache::default()
    }
}
impl fmt::Debug for LayoutCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LayoutCache")
    }
}
impl PartialEq for LayoutCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for LayoutCache {}
impl std::hash::Hash for LayoutCache {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

/// Where in a type a problem is: built on the stack while walking it, put into words
/// (`outer.inner[].x`) only for an error message.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'a str),
    Elem(&'a Path<'a>),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Field(Path::Root, name) => f.write_str(name),
            Path::Field(p, name) => write!(f, "{p}.{name}"),
            Path::Elem(p) => write!(f, "{p}[]"),
        }
    }
}

/// Size, alignment and member offsets of a [`CType`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub size: usize,
    pub align: usize,
    /// Byte offset of each field, in declaration order; empty for scalars and arrays, all zero
    /// for a union.
    pub offsets: Vec<usize>,
}

/// The pack values GCC accepts (`#pragma pack(3)` is an error there too).
pub const VALID_PACKS: [usize; 5] = [1, 2, 4, 8, 16];

impl Field {
    pub fn new(name: impl Into<String>, ty: impl Into<CType>) -> Self {
        Field {
            name: name.into(),
            ty: ty.into(),
            align: None,
        }
    }

    /// The same field with `__attribute__((aligned(n)))`.
    pub fn aligned(mut self, n: usize) -> Self {
        self.align = Some(n);
        self
    }
}

impl Composite {
    pub fn new(fields: Vec<Field>) -> Self {
        Composite {
            fields,
            pack: None,
            cache: LayoutCache::default(),
        }
    }

    /// The same composite declared under `#pragma pack(n)`.
    pub fn packed(mut self, n: usize) -> Self {
        self.pack = Some(n);
        self
    }

    /// The layout of these fields as a `struct`.
    pub fn struct_layout(&self) -> Result<Layout, Error> {
        self.layout_at(false, &Path::Root)
    }

    /// The layout of these fields as a `union`.
    pub fn union_layout(&self) -> Result<Layout, Error> {
        self.layout_at(true, &Path::Root)
    }

    /// The member called `name`, if any.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Byte offset of member `name` when these fields form a **struct** (in a union every
    /// member is at 0; [`CType::offset_of`] answers for both). `None` for an unknown name or
    /// a composite with no valid layout.
    pub fn offset_of(&self, name: &str) -> Option<usize> {
        let i = self.fields.iter().position(|f| f.name == name)?;
        self.struct_layout().ok().map(|l| l.offsets[i])
    }

    fn layout_at(&self, union: bool, path: &Path) -> Result<Layout, Error> {
        self.cached(union, path).cloned()
    }

    /// The layout, computed on the first call.
    fn cached(&self, union: bool, path: &Path) -> Result<&Layout, Error> {
        let cache = &self.cache.0[union as usize];
        if let Some(l) = cache.get() {
            return Ok(l);
        }
        let l = self.compute(union, path)?;
        Ok(cache.get_or_init(|| l))
    }

    fn compute(&self, union: bool, path: &Path) -> Result<Layout, Error> {
        let kind = if union { "union" } else { "struct" };
        if self.fields.is_empty() {
            return Err(Error::Definition(format!(
                "empty {kind}{}: a struct or union needs at least one field",
                at(path)
            )));
        }
        // Rule 3: the cap every member alignment meets; no pack, no cap.
        let cap = match self.pack {
            None => usize::MAX,
            Some(n) if VALID_PACKS.contains(&n) => n,
            Some(n) => {
                return Err(Error::Definition(format!(
                    "invalid pack({n}) on {kind}{}: expected 1, 2, 4, 8 or 16",
                    at(path)
                )))
            }
        };
        // Names seen so far: a set once a scan of the earlier names would cost more than it.
        let mut seen: Option<HashSet<&str>> = None;
        let mut offsets = Vec::with_capacity(self.fields.len());
        let (mut end, mut align) = (0usize, 1usize);
        for (i, f) in self.fields.iter().enumerate() {
            let child = Path::Field(path, &f.name);
            let duplicate = match &mut seen {
                Some(set) => !set.insert(&f.name),
                None if i < 16 => self.fields[..i].iter().any(|g| g.name == f.name),
                None => {
                    let mut set: HashSet<&str> =
                        self.fields[..i].iter().map(|g| g.name.as_str()).collect();
                    let dup = !set.insert(&f.name);
                    seen = Some(set);
                    dup
                }
            };
            if duplicate {
                return Err(Error::Definition(format!(
                    "duplicate field name '{child}' in {kind}{}",
                    at(path)
                )));
            }
            let (size, talign) = f.ty.size_align(&child)?;
            let user = match f.align {
                None => 1,
                Some(n) if n.is_power_of_two() => n,
                Some(n) => {
                    return Err(Error::Definition(format!(
                        "invalid aligned({n}) on field '{child}': not a power of two"
                    )))
                }
            };
            // Rules 2 and 3: the attribute raises, the pack caps.
            let a = talign.max(user).min(cap);
            align = align.max(a);
            if union {
                offsets.push(0);
                end = end.max(size);
            } else {
                let off = round_up(end, a, &child)?;
                offsets.push(off);
                end = off.checked_add(size).ok_or_else(|| too_big(&child))?;
            }
        }
        // Rules 7 and 8: tail padding up to the alignment.
        let size = round_up(end, align, path)?;
        Ok(Layout {
            size,
            align,
            offsets,
        })
    }
}

impl CType {
    /// `struct { fields }`.
    pub fn structure(fields: Vec<Field>) -> CType {
        CType::Struct(Arc::new(Composite::new(fields)))
    }

    /// `union { fields }`.
    pub fn union(fields: Vec<Field>) -> CType {
        CType::Union(Arc::new(Composite::new(fields)))
    }

    /// `elem[len]`.
    pub fn array(elem: impl Into<CType>, len: usize) -> CType {
        CType::Array {
            elem: Arc::new(elem.into()),
            len,
        }
    }

    /// Size, alignment and field offsets, or the first problem found, naming the field path
    /// (`outer.inner[].x`) where it is.
    pub fn layout(&self) -> Result<Layout, Error> {
        self.layout_at(&Path::Root)
    }

    pub fn size(&self) -> Result<usize, Error> {
        self.size_align(&Path::Root).map(|(size, _)| size)
    }

    pub fn align(&self) -> Result<usize, Error> {
        self.size_align(&Path::Root).map(|(_, align)| align)
    }

    /// Byte offset of the member `name` of a struct or union; `None` for scalars, arrays, an
    /// unknown name, or a type with no valid layout.
    pub fn offset_of(&self, name: &str) -> Option<usize> {
        let c = self.composite()?;
        let i = c.fields.iter().position(|f| f.name == name)?;
        self.layout().ok().map(|l| l.offsets[i])
    }

    /// The fields of a struct or union.
    pub fn composite(&self) -> Option<&Arc<Composite>> {
        match self {
            CType::Struct(c) | CType::Union(c) => Some(c),
            _ => None,
        }
    }

    /// True for structs, unions and arrays.
    pub fn is_aggregate(&self) -> bool {
        !matches!(self, CType::Scalar(_))
    }

    fn layout_at(&self, path: &Path) -> Result<Layout, Error> {
        match self {
            CType::Struct(c) => c.layout_at(false, path),
            CType::Union(c) => c.layout_at(true, path),
            _ => {
                let (size, align) = self.size_align(path)?;
                Ok(Layout {
                    size,
                    align,
                    offsets: Vec::new(),
                })
            }
        }
    }

    /// Size and alignment: what a parent needs of a member (no offsets copied).
    fn size_align(&self, path: &Path) -> Result<(usize, usize), Error> {
        match self {
            CType::Scalar(t) => match t {
                // Rule 1. `void` has no size; a JS buffer is a call-time convention, not a C
                // type that can sit in memory (use `pointer`).
                Type::Void | Type::Buffer => Err(Error::Type(format!(
                    "{t} cannot be a member of a struct, union or array{}",
                    at(path)
                ))),
                _ => Ok((t.size(), t.size())),
            },
            CType::Struct(c) => c.cached(false, path).map(|l| (l.size, l.align)),
            CType::Union(c) => c.cached(true, path).map(|l| (l.size, l.align)),
            CType::Array { elem, len } => {
                if *len == 0 {
                    return Err(Error::Definition(format!(
                        "zero-length array{}: length must be at least 1",
                        at(path)
                    )));
                }
                // Rule 6.
                let (size, align) = elem.size_align(&Path::Elem(path))?;
                let size = size.checked_mul(*len).ok_or_else(|| too_big(path))?;
                Ok((size, align))
            }
        }
    }
}

impl From<Type> for CType {
    fn from(t: Type) -> CType {
        CType::Scalar(t)
    }
}

/// `" (field 'a.b')"`, or nothing at the root.
fn at(path: &Path) -> String {
    match path {
        Path::Root => String::new(),
        _ => format!(" (field '{path}')"),
    }
}

fn too_big(path: &Path) -> Error {
    Error::Definition(format!("type too large{}", at(path)))
}

fn round_up(n: usize, align: usize, path: &Path) -> Result<usize, Error> {
    n.checked_add(align - 1)
        .map(|m| m & !(align - 1))
        .ok_or_else(|| too_big(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Type::*;

    fn f(name: &str, ty: impl Into<CType>) -> Field {
        Field::new(name, ty)
    }

    fn st(fields: Vec<Field>) -> CType {
        CType::structure(fields)
    }

    fn packed(n: usize, fields: Vec<Field>) -> CType {
        CType::Struct(Arc::new(Composite::new(fields).packed(n)))
    }

    /// (size, align, offsets)
    fn sao(t: &CType) -> (usize, usize, Vec<usize>) {
        let l = t.layout().unwrap();
        (l.size, l.align, l.offsets)
    }

    fn err(t: &CType) -> std::string::String {
        t.layout().unwrap_err().to_string()
    }

    #[test]
    fn scalars_are_their_own_size_and_alignment() {
        for t in Type::ALL {
            if matches!(t, Void | Buffer) {
                continue;
            }
            let c = CType::Scalar(t);
            assert_eq!(sao(&c), (t.size(), t.size(), vec![]), "{t}");
        }
        assert_eq!(CType::Scalar(String).size().unwrap(), 8);
        assert_eq!(CType::Scalar(Pointer).align().unwrap(), 8);
    }

    #[test]
    fn struct_members_are_padded_to_their_alignment() {
        let s = st(vec![f("a", I8), f("b", I32), f("c", I8), f("d", F64)]);
        assert_eq!(sao(&s), (24, 8, vec![0, 4, 8, 16]));
        // Tail padding.
        let s = st(vec![f("a", I64), f("b", I8)]);
        assert_eq!(sao(&s), (16, 8, vec![0, 8]));
        assert_eq!(s.offset_of("b"), Some(8));
        assert_eq!(s.offset_of("z"), None);
    }

    #[test]
    fn aligned_attribute_only_raises() {
        // Rule 2: struct { char a; int b __attribute__((aligned(2))); } → b@4, size 8.
        let s = st(vec![f("a", I8), f("b", I32).aligned(2)]);
        assert_eq!(sao(&s), (8, 4, vec![0, 4]));
        // struct { char a; short b __attribute__((aligned(16))); char c; } → 16, 18; 32/16.
        let s = st(vec![f("a", I8), f("b", I16).aligned(16), f("c", I8)]);
        assert_eq!(sao(&s), (32, 16, vec![0, 16, 18]));
    }

    #[test]
    fn pack_caps_member_aligned_attribute() {
        // Rule 3, gcc: pack(2) struct { char a; int b __attribute__((aligned(8))); }.
        let s = packed(2, vec![f("a", I8), f("b", I32).aligned(8)]);
        assert_eq!(sao(&s), (6, 2, vec![0, 2]));
        // pack(1) struct { char a; double b __attribute__((aligned(4))); char c; }.
        let s = packed(1, vec![f("a", I8), f("b", F64).aligned(4), f("c", I8)]);
        assert_eq!(sao(&s), (10, 1, vec![0, 1, 9]));
        // pack(16) struct { char a; char b __attribute__((aligned(32))); }.
        let s = packed(16, vec![f("a", I8), f("b", I8).aligned(32)]);
        assert_eq!(sao(&s), (32, 16, vec![0, 16]));
    }

    #[test]
    fn pack_never_raises_alignment() {
        let s = packed(8, vec![f("a", I8), f("b", I16)]);
        assert_eq!(sao(&s), (4, 2, vec![0, 2]));
    }

    #[test]
    fn packed_struct_nested_in_unpacked_keeps_alignment_one() {
        // Rule 5: pack(1) In1 { char a; int b; } inside struct { char a; In1 i; char c; }.
        let in1 = packed(1, vec![f("a", I8), f("b", I32)]);
        assert_eq!(sao(&in1), (5, 1, vec![0, 1]));
        let s = st(vec![f("a", I8), f("i", in1), f("c", I8)]);
        assert_eq!(sao(&s), (7, 1, vec![0, 1, 6]));
    }

    #[test]
    fn pack_caps_nested_struct_alignment_but_not_its_inside() {
        // Rule 4: In8 { char a; double d; } under pack(2).
        let in8 = st(vec![f("a", I8), f("d", F64)]);
        let s = packed(2, vec![f("a", I8), f("i", in8), f("c", I8)]);
        assert_eq!(sao(&s), (20, 2, vec![0, 2, 18]));
        // In16 { char a __attribute__((aligned(16))); } under pack(4): at 4, size 20.
        let in16 = st(vec![f("a", I8).aligned(16)]);
        assert_eq!(sao(&in16), (16, 16, vec![0]));
        let s = packed(4, vec![f("a", I8), f("i", in16)]);
        assert_eq!(sao(&s), (20, 4, vec![0, 4]));
    }

    #[test]
    fn arrays_of_structs_keep_element_padding_under_pack() {
        // Rule 6: pack(1) struct { char a; In8 arr[2]; short s[3]; } → 1, 33; size 39.
        let in8 = st(vec![f("a", I8), f("d", F64)]);
        let s = packed(
            1,
            vec![
                f("a", I8),
                f("arr", CType::array(in8, 2)),
                f("s", CType::array(I16, 3)),
            ],
        );
        assert_eq!(sao(&s), (39, 1, vec![0, 1, 33]));
        // pack(1) struct { char a; int arr[3] __attribute__((aligned(2))); } → arr@1, 13.
        let s = packed(
            1,
            vec![f("a", I8), f("arr", CType::array(I32, 3)).aligned(2)],
        );
        assert_eq!(sao(&s), (13, 1, vec![0, 1]));
        // Arrays of arrays multiply.
        let a = CType::array(CType::array(U16, 3), 4);
        assert_eq!(sao(&a), (24, 2, vec![]));
    }

    #[test]
    fn union_members_share_offset_zero() {
        let u = CType::union(vec![f("a", I8), f("d", F64), f("c", CType::array(I8, 9))]);
        assert_eq!(sao(&u), (16, 8, vec![0, 0, 0]));
        assert_eq!(u.offset_of("c"), Some(0));
    }

    #[test]
    fn packed_unions() {
        // Rule 8: pack(2) union { char a; double d; char c[9]; } → 10 / 2.
        let c = Composite::new(vec![f("a", I8), f("d", F64), f("c", CType::array(I8, 9))]);
        let u = CType::Union(Arc::new(c.packed(2)));
        assert_eq!(sao(&u), (10, 2, vec![0, 0, 0]));
        // pack(4) union { char a; char b __attribute__((aligned(16))); } → 4 / 4.
        let c = Composite::new(vec![f("a", I8), f("b", I8).aligned(16)]).packed(4);
        assert_eq!(c.union_layout().unwrap().size, 4);
        assert_eq!(c.union_layout().unwrap().align, 4);
    }

    #[test]
    fn composite_offset_of_is_the_struct_reading() {
        let c = Composite::new(vec![f("a", I8), f("b", I32)]);
        assert_eq!(c.offset_of("b"), Some(4));
        assert_eq!(c.field("b").map(|x| &x.ty), Some(&CType::Scalar(I32)));
        assert_eq!(CType::Union(Arc::new(c)).offset_of("b"), Some(0));
        assert_eq!(CType::Scalar(I32).offset_of("b"), None);
    }

    #[test]
    fn shared_children_are_fine() {
        let inner = Arc::new(Composite::new(vec![f("x", F32), f("y", F32)]));
        let s = st(vec![
            f("a", CType::Struct(inner.clone())),
            f("b", CType::Struct(inner)),
        ]);
        assert_eq!(sao(&s), (16, 4, vec![0, 8]));
    }

    #[test]
    fn empty_struct_and_union_are_rejected() {
        assert!(err(&st(vec![])).contains("empty struct"));
        let nested = st(vec![f("a", I8), f("inner", CType::union(vec![]))]);
        let e = nested.layout().unwrap_err();
        assert_eq!(e.code(), "ERR_FFAST_DEFINITION");
        assert!(e.message().contains("empty union (field 'inner')"), "{e}");
    }

    #[test]
    fn zero_length_array_is_rejected_with_its_path() {
        let inner = st(vec![f("arr", CType::array(I32, 0))]);
        let s = st(vec![f("outer", CType::array(inner, 2))]);
        let e = err(&s);
        assert!(e.contains("zero-length array (field 'outer[].arr')"), "{e}");
    }

    #[test]
    fn duplicate_field_names_are_rejected() {
        let e = err(&st(vec![f("a", I8), f("b", I8), f("a", I32)]));
        assert!(e.contains("duplicate field name 'a'"), "{e}");
    }

    #[test]
    fn invalid_pack_and_align_are_rejected() {
        for n in [0, 3, 32] {
            let e = err(&packed(n, vec![f("a", I8)]));
            assert!(e.contains(&format!("invalid pack({n})")), "{e}");
        }
        for n in [0, 3, 12] {
            let inner = st(vec![f("x", I8).aligned(n)]);
            let e = err(&st(vec![f("s", inner)]));
            assert!(
                e.contains(&format!("invalid aligned({n}) on field 's.x'")),
                "{e}"
            );
        }
    }

    #[test]
    fn void_and_buffer_fields_are_type_errors() {
        for t in [Void, Buffer] {
            let e = st(vec![f("a", I8), f("v", t)]).layout().unwrap_err();
            assert_eq!(e.code(), "ERR_FFAST_TYPE");
            assert!(e.message().contains("(field 'v')"), "{e}");
        }
        assert!(CType::array(Void, 1).layout().is_err());
        assert!(CType::Scalar(Void).layout().is_err());
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let big = CType::array(I64, usize::MAX / 4);
        assert!(err(&big).contains("too large"));
        let s = st(vec![f("a", CType::array(I8, usize::MAX - 2)), f("b", I32)]);
        assert!(err(&s).contains("too large"));
    }

    #[test]
    fn a_composite_computes_its_layout_once_and_keeps_only_successes() {
        let inner = Arc::new(Composite::new(vec![f("x", F64), f("y", I8)]));
        assert!(inner.cache.0[0].get().is_none());
        let s = st(vec![
            f("a", CType::Struct(inner.clone())),
            f("b", CType::Union(inner.clone())),
        ]);
        assert_eq!(sao(&s), (24, 8, vec![0, 16]));
        // Asking the parent filled the child's struct and union entries.
        assert_eq!(inner.cache.0[0].get().map(|l| l.size), Some(16));
        assert_eq!(inner.cache.0[1].get().map(|l| l.size), Some(8));
        // An error is not kept: the same child reports the path of whoever asks.
        let bad = CType::array(I8, 0);
        let p1 = st(vec![f("one", bad.clone())]);
        let p2 = st(vec![f("two", st(vec![f("deeper", bad)]))]);
        assert!(err(&p1).contains("(field 'one')"));
        assert!(err(&p2).contains("(field 'two.deeper')"));
        // Equality and hashing ignore the cache; a clone starts empty.
        let fresh = Composite::new(vec![f("x", F64), f("y", I8)]);
        assert_eq!(*inner, fresh);
        assert!(inner.as_ref().clone().cache.0[0].get().is_none());
    }

    #[test]
    fn wide_structs_find_duplicates_in_linear_time() {
        let mut fields: Vec<Field> = (0..10_000).map(|i| f(&format!("f{i}"), I32)).collect();
        let l = st(fields.clone()).layout().unwrap();
        assert_eq!((l.size, l.offsets[9_999]), (40_000, 39_996));
        fields.push(f("f5000", I8));
        assert!(err(&st(fields)).contains("duplicate field name 'f5000'"));
    }
}
