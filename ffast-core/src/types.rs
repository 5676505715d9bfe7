//! Scalar types a foreign function can take or return, and the spellings that name them.
//!
//! Spellings follow Deno/lo (`i32`, `pointer`, …) with the common C names as aliases
//! (`int`, `size_t`, `const char*`, …). Sizes are those of LP64 targets (linux and macOS on
//! x64 and arm64), the only data model ffast supports: `long` is 64 bits there.

use std::fmt;

/// A scalar FFI type: everything here fits a register. Aggregates (structs, unions, arrays) are
/// `layout::CType`s, passed through the binding's area (`docs/structs.md` §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Void,
    Bool,
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    ISize,
    USize,
    F32,
    F64,
    /// An address, passed to and from JS as a Number (BigInt above 2^53).
    Pointer,
    /// A JS ArrayBuffer / SharedArrayBuffer / view: the C side sees the address of its first byte.
    Buffer,
    /// A JS string in (NUL-terminated UTF-8, valid for the call); `const char*` decoded out.
    String,
}

/// How a value travels in machine registers: what the ABI classifiers need to know of a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueClass {
    /// Nothing (void results only).
    None,
    /// An integer or address of `size` bytes; `signed` says how narrow values extend.
    Int { size: u8, signed: bool },
    /// An IEEE float of `size` bytes (4 or 8).
    Float { size: u8 },
}

impl Type {
    /// Every type, in declaration order (tables and tests iterate over it).
    pub const ALL: [Type; 17] = [
        Type::Void,
        Type::Bool,
        Type::I8,
        Type::U8,
        Type::I16,
        Type::U16,
        Type::I32,
        Type::U32,
        Type::I64,
        Type::U64,
        Type::ISize,
        Type::USize,
        Type::F32,
        Type::F64,
        Type::Pointer,
        Type::Buffer,
        Type::String,
    ];

    /// The canonical (Deno/lo) name.
    pub fn name(self) -> &'static str {
        match self {
            Type::Void => "void",
            Type::Bool => "bool",
            Type::I8 => "i8",
            Type::U8 => "u8",
            Type::I16 => "i16",
            Type::U16 => "u16",
            Type::I32 => "i32",
            Type::U32 => "u32",
            Type::I64 => "i64",
            Type::U64 => "u64",
            Type::ISize => "isize",
            Type::USize => "usize",
            Type::F32 => "f32",
            Type::F64 => "f64",
            Type::Pointer => "pointer",
            Type::Buffer => "buffer",
            Type::String => "string",
        }
    }

    /// Parse a type name: canonical names and C aliases ([`SPELLINGS`]), and the few pointer
    /// spellings the native parser knows itself (ffast-node reads the full C pointer grammar,
    /// docs/pointers.md §3, before a text gets here). Whitespace inside C names is normalised
    /// (`unsigned  int`, `char *`), so the user may write them as in a header.
    pub fn parse(spelling: &str) -> Option<Type> {
        let norm = normalise(spelling);
        let t = match norm.as_str() {
            "void*" | "const void*" | "uint8_t*" => Type::Pointer,
            "char*" | "const char*" => Type::String,
            n => return SPELLINGS.iter().find(|(s, _)| *s == n).map(|&(_, t)| t),
        };
        Some(t)
    }

    /// Register class and width of the C value.
    pub fn class(self) -> ValueClass {
        use ValueClass::*;
        match self {
            Type::Void => None,
            Type::Bool | Type::U8 => Int {
                size: 1,
                signed: false,
            },
            Type::I8 => Int {
                size: 1,
                signed: true,
            },
            Type::I16 => Int {
                size: 2,
                signed: true,
            },
            Type::U16 => Int {
                size: 2,
                signed: false,
            },
            Type::I32 => Int {
                size: 4,
                signed: true,
            },
            Type::U32 => Int {
                size: 4,
                signed: false,
            },
            Type::I64 | Type::ISize => Int {
                size: 8,
                signed: true,
            },
            Type::U64 | Type::USize | Type::Pointer | Type::Buffer | Type::String => Int {
                size: 8,
                signed: false,
            },
            Type::F32 => Float { size: 4 },
            Type::F64 => Float { size: 8 },
        }
    }

    /// Size in bytes of the C value (0 for void).
    pub fn size(self) -> usize {
        match self.class() {
            ValueClass::None => 0,
            ValueClass::Int { size, .. } | ValueClass::Float { size } => size as usize,
        }
    }

    pub fn is_float(self) -> bool {
        matches!(self.class(), ValueClass::Float { .. })
    }

    /// 64-bit integer-like values whose JS form is "Number when safe, BigInt otherwise".
    pub fn is_wide_int(self) -> bool {
        matches!(
            self,
            Type::I64 | Type::U64 | Type::ISize | Type::USize | Type::Pointer | Type::String
        )
    }

    /// Allowed as a parameter (everything but void).
    pub fn valid_param(self) -> bool {
        self != Type::Void
    }

    /// The type C passes for an argument of this type matching an ellipsis: C's default
    /// argument promotions (C11 §6.5.2.2p6-7) — the integer promotions take `_Bool`, `char`
    /// and `short` (signed or not) to `int`, which holds all their values, and `float` becomes
    /// `double`. Every other parameter type passes as itself (`docs/variadic.md` §1.1).
    pub fn promoted(self) -> Type {
        match self {
            Type::Bool | Type::I8 | Type::U8 | Type::I16 | Type::U16 => Type::I32,
            Type::F32 => Type::F64,
            t => t,
        }
    }

    /// Allowed as a result (a JS buffer cannot be returned: C hands back a pointer).
    pub fn valid_result(self) -> bool {
        self != Type::Buffer
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every base spelling (no `*`) of a scalar type, with the type it names: the one list that
/// [`Type::parse`] matches and ffast-node exports as `native.typeSpellings()`, so that
/// `index.d.ts` can be checked against it (test/pointers-spellings.test.js). Each spelling is in
/// normalised form (single spaces).
pub const SPELLINGS: &[(&str, Type)] = &[
    ("void", Type::Void),
    ("bool", Type::Bool),
    ("_Bool", Type::Bool),
    ("boolean", Type::Bool),
    ("i8", Type::I8),
    ("int8", Type::I8),
    ("int8_t", Type::I8),
    ("char", Type::I8),
    ("signed char", Type::I8),
    ("u8", Type::U8),
    ("uint8", Type::U8),
    ("uint8_t", Type::U8),
    ("unsigned char", Type::U8),
    ("uchar", Type::U8),
    ("i16", Type::I16),
    ("int16", Type::I16),
    ("int16_t", Type::I16),
    ("short", Type::I16),
    ("short int", Type::I16),
    ("signed short", Type::I16),
    ("u16", Type::U16),
    ("uint16", Type::U16),
    ("uint16_t", Type::U16),
    ("unsigned short", Type::U16),
    ("unsigned short int", Type::U16),
    ("ushort", Type::U16),
    ("i32", Type::I32),
    ("int32", Type::I32),
    ("int32_t", Type::I32),
    ("int", Type::I32),
    ("signed", Type::I32),
    ("signed int", Type::I32),
    ("u32", Type::U32),
    ("uint32", Type::U32),
    ("uint32_t", Type::U32),
    ("unsigned", Type::U32),
    ("unsigned int", Type::U32),
    ("uint", Type::U32),
    ("i64", Type::I64),
    ("int64", Type::I64),
    ("int64_t", Type::I64),
    ("long", Type::I64),
    ("long int", Type::I64),
    ("signed long", Type::I64),
    ("long long", Type::I64),
    ("long long int", Type::I64),
    ("signed long long", Type::I64),
    ("ssize_t", Type::I64),
    ("off_t", Type::I64),
    ("ptrdiff_t", Type::I64),
    ("u64", Type::U64),
    ("uint64", Type::U64),
    ("uint64_t", Type::U64),
    ("unsigned long", Type::U64),
    ("unsigned long int", Type::U64),
    ("ulong", Type::U64),
    ("unsigned long long", Type::U64),
    ("unsigned long long int", Type::U64),
    ("isize", Type::ISize),
    ("intptr_t", Type::ISize),
    ("isz", Type::ISize),
    ("usize", Type::USize),
    ("size_t", Type::USize),
    ("uintptr_t", Type::USize),
    ("usz", Type::USize),
    ("f32", Type::F32),
    ("float", Type::F32),
    ("float32", Type::F32),
    ("f64", Type::F64),
    ("double", Type::F64),
    ("float64", Type::F64),
    ("pointer", Type::Pointer),
    ("ptr", Type::Pointer),
    // `function`: a C function pointer (ffast-node also accepts a Callback object there).
    ("function", Type::Pointer),
    ("buffer", Type::Buffer),
    ("string", Type::String),
    ("str", Type::String),
    ("cstring", Type::String),
];

/// Collapse runs of white space and glue `*` to the word before it: `const  char *` → `const char*`.
fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() && !word.starts_with('*') {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_names_round_trip() {
        for t in Type::ALL {
            assert_eq!(Type::parse(t.name()), Some(t), "{t}");
        }
    }

    #[test]
    fn c_aliases_map_to_lp64_types() {
        let cases = [
            ("int", Type::I32),
            ("unsigned int", Type::U32),
            ("unsigned   int", Type::U32),
            ("long", Type::I64),
            ("unsigned long", Type::U64),
            ("size_t", Type::USize),
            ("ssize_t", Type::I64),
            ("double", Type::F64),
            ("float", Type::F32),
            ("char*", Type::String),
            ("const char *", Type::String),
            ("void *", Type::Pointer),
            ("int8_t", Type::I8),
            ("uint64_t", Type::U64),
            ("_Bool", Type::Bool),
        ];
        for (s, t) in cases {
            assert_eq!(Type::parse(s), Some(t), "{s}");
        }
    }

    #[test]
    fn spellings_are_normalised_unique_and_cover_every_type() {
        for (i, &(s, t)) in SPELLINGS.iter().enumerate() {
            assert_eq!(normalise(s), s, "{s:?} is not in normalised form");
            assert!(!s.contains('*'), "{s:?}: the list holds base spellings");
            assert!(
                SPELLINGS[..i].iter().all(|&(x, _)| x != s),
                "{s:?} listed twice"
            );
            assert_eq!(Type::parse(s), Some(t), "{s}");
        }
        for t in Type::ALL {
            assert!(
                SPELLINGS.iter().any(|&(s, x)| x == t && s == t.name()),
                "{t}"
            );
        }
    }

    #[test]
    fn unknown_spellings_are_rejected() {
        for s in ["", "int33", "i128", "struct foo", "pointer pointer", "Int"] {
            assert_eq!(Type::parse(s), None, "{s:?}");
        }
    }

    #[test]
    fn classes_and_sizes() {
        assert_eq!(
            Type::I8.class(),
            ValueClass::Int {
                size: 1,
                signed: true
            }
        );
        assert_eq!(
            Type::Bool.class(),
            ValueClass::Int {
                size: 1,
                signed: false
            }
        );
        assert_eq!(Type::F32.class(), ValueClass::Float { size: 4 });
        assert_eq!(Type::Pointer.size(), 8);
        assert_eq!(Type::Void.size(), 0);
        assert!(!Type::Buffer.valid_result());
        assert!(!Type::Void.valid_param());
    }
}
