//! A validated function signature: the first arrow, definition → Signature.
//!
//! Parameters and the result are scalars ([`Type`]) or by-value aggregates (a struct or union
//! given in the text form of [`crate::desc`]). Aggregates never cross the V8 boundary: the
//! binding owns an *area* of native memory where JS writes aggregate arguments and reads an
//! aggregate result, and the trampolines move them between the area and the C convention.
//! So a `Signature` keeps the scalar view that JS sees (`params`, `result`) exactly as for a
//! scalar-only function, and the aggregates in a side table with their declared positions and
//! their places in the area. Scalar-only signatures are unchanged by the aggregate support.

use crate::error::Error;
use crate::layout::CType;
use crate::types::Type;

/// The most parameters a signature may have. Generous (C allows 127); it bounds the trampoline
/// frame and keeps error messages honest about what was tested.
pub const MAX_PARAMS: usize = 127;

/// The largest aggregate passed or returned by value. Arguments of the MEMORY class are copied
/// eightbyte by eightbyte by unrolled code, so this bounds the trampoline's size and frame; C
/// interfaces that pass larger objects by value are not known to exist.
pub const MAX_AGGREGATE_SIZE: usize = 4096;

/// The parameter text that marks the end of the fixed parameters of a variadic function (C's
/// ellipsis). The types after it are one call's variadic arguments (`docs/variadic.md` §3).
pub const VARIADIC_MARKER: &str = "...";

/// Alignment of every aggregate's region in the area: the trampolines may load and store whole
/// eightbytes (and on arm64 pairs of them) at any region offset.
pub const AREA_ALIGN: usize = 16;

/// A struct or union passed or returned by value, with its layout and its region in the area.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Aggregate {
    pub ty: CType,
    pub size: usize,
    pub align: usize,
    /// Byte offset of this aggregate's region in the binding's area (a multiple of
    /// [`AREA_ALIGN`]; the region is `size` rounded up to 8 bytes).
    pub offset: u32,
}

/// An aggregate parameter and its position among the declared parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AggParam {
    /// Index in the declared parameter list (scalars and aggregates counted together).
    pub index: usize,
    pub agg: Aggregate,
}

/// A declared parameter, as an ABI classifier walks them in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param<'a> {
    /// The `n`-th scalar (JS-visible) parameter, of this type.
    Scalar(usize, Type),
    /// An aggregate, passed through the area.
    Aggregate(&'a Aggregate),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    /// The scalar parameters in declaration order: exactly the arguments JS passes.
    pub params: Vec<Type>,
    /// The scalar result; `Void` when the C result is an aggregate (see `agg_result`).
    pub result: Type,
    /// Aggregate parameters, in declaration order.
    pub agg_params: Vec<AggParam>,
    /// An aggregate result: C's registers are stored, or C writes, into its area region.
    pub agg_result: Option<Aggregate>,
    /// Bytes of area the binding needs (0 without aggregates; a multiple of [`AREA_ALIGN`]).
    pub area_size: u32,
    /// For a function with an ellipsis: the declared position of the first variadic argument
    /// (the number of fixed parameters, aggregates included). Every declared parameter from
    /// there on is a scalar matching the `...`, passed with C's default argument promotions
    /// ([`Type::promoted`]); none at all is a valid call. `None`: not variadic.
    pub variadic: Option<usize>,
}

/// What one parameter or result text names.
enum Parsed {
    Scalar(Type),
    Aggregate(CType, usize, usize),
}

/// Parse one type text: a scalar spelling, or a struct/union in the [`crate::desc`] form.
fn parse_one(text: &str, what: &str) -> Result<Parsed, Error> {
    if let Some(t) = Type::parse(text) {
        return Ok(Parsed::Scalar(t));
    }
    let trimmed = text.trim_start();
    if !(trimmed.starts_with("struct") || trimmed.starts_with("union") || trimmed.starts_with('['))
    {
        return Err(Error::Type(format!("{what}: unknown type '{text}'")));
    }
    let ty = CType::parse(text).map_err(|e| prefix(e, what))?;
    if let CType::Array { .. } = ty {
        // C has no array parameters or results: `int a[4]` as a parameter is `int *a`.
        return Err(Error::Type(format!(
            "{what}: '{ty}' is an array; C passes arrays as pointers (use 'pointer' or wrap the array in a struct)"
        )));
    }
    let l = ty.layout().map_err(|e| prefix(e, what))?;
    if l.size > MAX_AGGREGATE_SIZE {
        return Err(Error::Unsupported(format!(
            "{what}: '{ty}' is {} bytes; aggregates by value are limited to {MAX_AGGREGATE_SIZE} bytes",
            l.size
        )));
    }
    Ok(Parsed::Aggregate(ty, l.size, l.align))
}

/// The same error kind, its message prefixed with the position.
fn prefix(e: Error, what: &str) -> Error {
    let m = format!("{what}: {}", e.message());
    match e {
        Error::Type(_) => Error::Type(m),
        Error::Definition(_) => Error::Definition(m),
        Error::Unsupported(_) => Error::Unsupported(m),
        Error::Jit(_) => Error::Jit(m),
        Error::Encode(_) => Error::Encode(m),
    }
}

/// Appends aggregate regions to the area: each 16-aligned, padded to a multiple of 8.
struct AreaLayout(usize);

impl AreaLayout {
    fn place(&mut self, ty: CType, size: usize, align: usize) -> Aggregate {
        let offset = self.0.next_multiple_of(AREA_ALIGN);
        self.0 = offset + size.next_multiple_of(8);
        Aggregate {
            ty,
            size,
            align,
            offset: offset as u32,
        }
    }
}

impl Signature {
    /// Build from resolved scalar types, checking each position.
    pub fn new(params: Vec<Type>, result: Type) -> Result<Self, Error> {
        if params.len() > MAX_PARAMS {
            return Err(Error::Definition(format!(
                "{} parameters, at most {MAX_PARAMS} are supported",
                params.len()
            )));
        }
        for (i, p) in params.iter().enumerate() {
            if !p.valid_param() {
                return Err(Error::Type(format!(
                    "parameter {i}: '{p}' is not a parameter type"
                )));
            }
        }
        if !result.valid_result() {
            return Err(Error::Type(format!(
                "result: '{result}' is not a result type (a C function returns a pointer, not a JS buffer)"
            )));
        }
        Ok(Signature {
            params,
            result,
            agg_params: Vec::new(),
            agg_result: None,
            area_size: 0,
            variadic: None,
        })
    }

    /// Parse type texts: scalar names (`["i32", "double"]`, `"int"`) or aggregates
    /// (`"struct{x:f64,y:f64}"`). A top-level array is an `Error::Type`; an aggregate without a
    /// valid layout keeps the layout engine's error kind.
    pub fn parse<S: AsRef<str>>(params: &[S], result: &str) -> Result<Self, Error> {
        // `...` marks where a variadic function's fixed parameters end; it is no argument.
        let mut variadic = None;
        for (i, p) in params.iter().enumerate() {
            if p.as_ref().trim() == VARIADIC_MARKER {
                if variadic.is_some() {
                    return Err(Error::Definition(format!(
                        "parameter {i}: a second '{VARIADIC_MARKER}' (it appears once, after the fixed parameters)"
                    )));
                }
                variadic = Some(i);
            }
        }
        let count = params.len() - variadic.is_some() as usize;
        if count > MAX_PARAMS {
            return Err(Error::Definition(format!(
                "{count} parameters, at most {MAX_PARAMS} are supported"
            )));
        }
        let mut area = AreaLayout(0);
        let mut scalars = Vec::with_capacity(params.len());
        let mut aggs = Vec::new();
        let mut declared = 0;
        for (i, p) in params.iter().enumerate() {
            if Some(i) == variadic {
                continue;
            }
            let after_marker = variadic.is_some_and(|v| i > v);
            match parse_one(p.as_ref(), &format!("parameter {i}"))? {
                Parsed::Scalar(t) if !t.valid_param() => {
                    return Err(Error::Type(format!(
                        "parameter {i}: '{t}' is not a parameter type"
                    )))
                }
                Parsed::Scalar(t) => scalars.push(t),
                Parsed::Aggregate(ty, ..) if after_marker => {
                    // C allows a struct there, but ffast does not pass one (docs/variadic.md §1.1).
                    return Err(Error::Unsupported(format!(
                        "parameter {i}: '{ty}' after '{VARIADIC_MARKER}': structs and unions are not passed as variadic arguments (pass a pointer)"
                    )));
                }
                Parsed::Aggregate(ty, size, align) => aggs.push(AggParam {
                    index: declared,
                    agg: area.place(ty, size, align),
                }),
            }
            declared += 1;
        }
        let (result, agg_result) = match parse_one(result, "result")? {
            Parsed::Scalar(t) => (t, None),
            Parsed::Aggregate(ty, size, align) => (Type::Void, Some(area.place(ty, size, align))),
        };
        let mut sig = Signature::new(scalars, result)?;
        sig.agg_params = aggs;
        sig.agg_result = agg_result;
        sig.area_size = area.0.next_multiple_of(AREA_ALIGN) as u32;
        sig.variadic = variadic;
        Ok(sig)
    }

    /// The index in [`Signature::params`] (the JS arguments) of the first variadic argument:
    /// aggregates only come before the marker, so it is the fixed scalars' count.
    pub fn variadic_arg(&self) -> Option<usize> {
        self.variadic.map(|v| v - self.agg_params.len())
    }

    /// Whether any parameter or the result is an aggregate (the binding then owns an area).
    pub fn has_aggregates(&self) -> bool {
        !self.agg_params.is_empty() || self.agg_result.is_some()
    }

    /// Number of declared parameters (scalars and aggregates).
    pub fn declared_len(&self) -> usize {
        self.params.len() + self.agg_params.len()
    }

    /// The declared parameters in order, as the C function sees them.
    pub fn declared(&self) -> impl Iterator<Item = Param<'_>> + '_ {
        let mut scalar = 0;
        let mut agg = 0;
        (0..self.declared_len()).map(move |i| match self.agg_params.get(agg) {
            Some(a) if a.index == i => {
                agg += 1;
                Param::Aggregate(&a.agg)
            }
            _ => {
                scalar += 1;
                Param::Scalar(scalar - 1, self.params[scalar - 1])
            }
        })
    }

    /// Canonical text of every declared parameter (scalar names, aggregates' canonical form),
    /// with the variadic marker where the definition had it: parsing the texts again gives the
    /// same signature.
    pub fn param_texts(&self) -> Vec<String> {
        let mut texts: Vec<String> = self
            .declared()
            .map(|p| match p {
                Param::Scalar(_, t) => t.name().to_string(),
                Param::Aggregate(a) => a.ty.to_string(),
            })
            .collect();
        if let Some(v) = self.variadic {
            texts.insert(v, VARIADIC_MARKER.to_string());
        }
        texts
    }

    /// Canonical text of the result.
    pub fn result_text(&self) -> String {
        match &self.agg_result {
            Some(a) => a.ty.to_string(),
            None => self.result.name().to_string(),
        }
    }

    /// Area offset of each declared parameter (`None` for scalars).
    pub fn arg_offsets(&self) -> Vec<Option<u32>> {
        self.declared()
            .map(|p| match p {
                Param::Scalar(..) => None,
                Param::Aggregate(a) => Some(a.offset),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_validates() {
        let s = Signature::parse(&["int", "double", "pointer"], "void").unwrap();
        assert_eq!(s.params, vec![Type::I32, Type::F64, Type::Pointer]);
        assert_eq!(s.result, Type::Void);
        assert!(!s.has_aggregates());
        assert_eq!(s.area_size, 0);
        assert_eq!(s, Signature::new(s.params.clone(), Type::Void).unwrap());
        assert!(matches!(
            Signature::parse(&["void"], "i32"),
            Err(Error::Type(_))
        ));
        assert!(matches!(
            Signature::parse::<&str>(&[], "buffer"),
            Err(Error::Type(_))
        ));
        assert!(
            matches!(Signature::parse(&["i33"], "i32"), Err(Error::Type(m)) if m.contains("i33"))
        );
        let many = vec!["i32"; MAX_PARAMS + 1];
        assert!(matches!(
            Signature::parse(&many, "i32"),
            Err(Error::Definition(_))
        ));
    }

    #[test]
    fn aggregates_get_area_regions_and_keep_their_declared_positions() {
        let s = Signature::parse(
            &[
                "i32",
                "struct{x:f64,y:f64}",
                "f32",
                "struct { a : u8 , b : [u8;2] }",
            ],
            "union{i:i64,d:f64}",
        )
        .unwrap();
        // JS sees only the scalars; the aggregate result makes the JS result void.
        assert_eq!(s.params, vec![Type::I32, Type::F32]);
        assert_eq!(s.result, Type::Void);
        assert!(s.has_aggregates());
        assert_eq!(s.declared_len(), 4);
        assert_eq!(
            s.param_texts(),
            vec!["i32", "struct{x:f64,y:f64}", "f32", "struct{a:u8,b:[u8;2]}"]
        );
        assert_eq!(s.result_text(), "union{i:i64,d:f64}");
        // Regions: 16 bytes at 0, 3 bytes (padded to 8) at 16, the result at 32.
        assert_eq!(s.arg_offsets(), vec![None, Some(0), None, Some(16)]);
        assert_eq!(s.agg_result.as_ref().unwrap().offset, 32);
        assert_eq!(s.area_size, 48);
        let kinds: Vec<String> = s
            .declared()
            .map(|p| match p {
                Param::Scalar(n, t) => format!("s{n}:{t}"),
                Param::Aggregate(a) => format!("a@{}:{}/{}", a.offset, a.size, a.align),
            })
            .collect();
        assert_eq!(kinds, vec!["s0:i32", "a@0:16/8", "s1:f32", "a@16:3/1"]);
    }

    #[test]
    fn aggregate_errors_keep_their_kinds_and_name_the_position() {
        let cases: [(&[&str], &str, &str, &str); 7] = [
            (&["i32", "[i32;4]"], "void", "ERR_FFAST_TYPE", "parameter 1"),
            (&[], "[f64;2]", "ERR_FFAST_TYPE", "result"),
            (
                &["struct{}"],
                "void",
                "ERR_FFAST_DEFINITION",
                "empty struct",
            ),
            (
                &["struct{a:[u8;0]}"],
                "void",
                "ERR_FFAST_DEFINITION",
                "zero-length",
            ),
            (
                &["struct<3>{a:u8}"],
                "void",
                "ERR_FFAST_DEFINITION",
                "pack(3)",
            ),
            (
                &["struct{a:u8@3}"],
                "void",
                "ERR_FFAST_DEFINITION",
                "aligned(3)",
            ),
            (&[], "struct{a:[u8;5000]}", "ERR_FFAST_UNSUPPORTED", "4096"),
        ];
        for (params, result, code, text) in cases {
            let e = Signature::parse(params, result).unwrap_err();
            assert_eq!(e.code(), code, "{params:?} -> {result}: {e}");
            assert!(e.message().contains(text), "{e}");
        }
        assert!(matches!(
            Signature::parse(&["struct{x:i32"], "void"),
            Err(Error::Type(m)) if m.starts_with("parameter 0")
        ));
        // A bad scalar among aggregates is named by its declared position.
        assert!(matches!(
            Signature::parse(&["struct{x:i32}", "void"], "void"),
            Err(Error::Type(m)) if m.starts_with("parameter 1")
        ));
    }
}
