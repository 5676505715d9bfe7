//! The text form of a C type, as the JS side sends it: definition → [`CType`].
//!
//! JS type objects (`struct({...})`, `union`, `array`) serialise to this grammar so that one
//! string carries a whole type tree across the N-API boundary, and the layout engine and ABI
//! classifiers only ever see a [`CType`]:
//!
//! ```text
//! type   := scalar
//!         | ("struct" | "union") ("<" pack ">")? "{" field ("," field)* "}"
//!         | "[" type ";" len "]"
//!         | "#" index
//! field  := name ":" type ("@" align)?
//! name   := identifier | string
//! ```
//!
//! `scalar` is any spelling [`Type::parse`] accepts (`f64`, `unsigned int`, `const char*`);
//! `name` is an ASCII JS identifier, or any other member name as a JSON string literal
//! (`"my field"`, `"\u00e9t\u00e9"`; a JS object key can be any string, and the C side never
//! sees names); `pack` is `#pragma pack(n)`, `align` is the member attribute `aligned(n)`;
//! `#i` stands for the `i`-th type given to [`CType::parse_with`], so that a type built from
//! parts already parsed costs what its own text costs (JS type objects are built that way, one
//! level at a time). Whitespace between tokens is ignored. `Display` prints the canonical form
//! (identifiers bare, other names quoted as `JSON.stringify` quotes them), so
//! `parse(t.to_string()) == t`. Empty composites and zero-length arrays parse (the layout engine
//! rejects them with a message naming the field path); text nesting deeper than
//! [`MAX_NESTING`] does not.

use std::fmt;
use std::sync::Arc;

use crate::layout::{CType, Composite, Field, MAX_NESTING};
use crate::{Error, Type};

impl CType {
    /// Parse the text form (see the module documentation).
    pub fn parse(text: &str) -> Result<CType, Error> {
        CType::parse_with(text, &[])
    }

    /// Parse the text form where `#i` stands for `deps[i]` (shared, not copied).
    pub fn parse_with(text: &str, deps: &[CType]) -> Result<CType, Error> {
        let mut p = Parser {
            s: text,
            at: 0,
            deps,
            depth: 0,
        };
        let t = p.ty()?;
        p.ws();
        if p.at != p.s.len() {
            return Err(p.err("unexpected text after the type"));
        }
        Ok(t)
    }
}

struct Parser<'a> {
    s: &'a str,
    at: usize,
    deps: &'a [CType],
    /// Composites and arrays open around the current position.
    depth: usize,
}

/// At most this much of a malformed text is quoted in an error message.
const QUOTE_MAX: usize = 200;

impl<'a> Parser<'a> {
    fn err(&self, what: &str) -> Error {
        Error::Type(format!(
            "malformed type '{}': {what} at offset {}",
            quote(self.s),
            self.at
        ))
    }

    /// One more level of nesting, or the error that stops a text nesting deeper than any
    /// thread's stack should be asked to follow.
    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(Error::Definition(format!(
                "types nest more than {MAX_NESTING} levels deep"
            )));
        }
        Ok(())
    }

    /// A member name: an identifier, or a JSON string literal.
    fn name(&mut self, start: usize) -> Result<String, Error> {
        if self.peek() == Some('"') {
            return self.string();
        }
        let name = self.token().to_string();
        if !is_ident(&name) {
            self.at = start;
            return Err(Error::Type(format!(
                "malformed type '{}': field name '{name}' is not an identifier (quote other names)",
                quote(self.s)
            )));
        }
        Ok(name)
    }

    /// A JSON string literal (RFC 8259 §7), the opening quote next.
    fn string(&mut self) -> Result<String, Error> {
        self.at += 1;
        let mut out = String::new();
        let mut chars = self.s[self.at..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.at += i + 1;
                    return Ok(out);
                }
                '\\' => {
                    let esc = chars.next().map(|(_, e)| e);
                    let c = match esc {
                        Some('"') => '"',
                        Some('\\') => '\\',
                        Some('/') => '/',
                        Some('b') => '\u{8}',
                        Some('f') => '\u{c}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('u') => {
                            let hi = hex4(&mut chars).ok_or_else(|| self.err("bad \\u escape"))?;
                            let code = if (0xd800..0xdc00).contains(&hi) {
                                // A UTF-16 surrogate pair spells one code point.
                                let lo = match (chars.next(), chars.next()) {
                                    (Some((_, '\\')), Some((_, 'u'))) => hex4(&mut chars),
                                    _ => None,
                                };
                                match lo {
                                    Some(lo @ 0xdc00..=0xdfff) => {
                                        0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                                    }
                                    _ => return Err(self.err("a lone surrogate in a name")),
                                }
                            } else {
                                hi
                            };
                            char::from_u32(code)
                                .ok_or_else(|| self.err("a lone surrogate in a name"))?
                        }
                        _ => return Err(self.err("bad escape in a name")),
                    };
                    out.push(c);
                }
                c => out.push(c),
            }
        }
        Err(self.err("unterminated name"))
    }

    fn ws(&mut self) {
        let rest = &self.s[self.at..];
        self.at += rest.len() - rest.trim_start().len();
    }

    fn peek(&mut self) -> Option<char> {
        self.ws();
        self.s[self.at..].chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), Error> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.err(&format!("expected '{c}'")))
        }
    }

    /// A run of characters up to the next delimiter.
    fn token(&mut self) -> &'a str {
        self.ws();
        let s: &'a str = self.s;
        let rest = &s[self.at..];
        let n = rest
            .find(|c: char| ",{}[];<>@:".contains(c))
            .unwrap_or(rest.len());
        self.at += n;
        rest[..n].trim_end()
    }

    fn number(&mut self) -> Result<usize, Error> {
        let t = self.token();
        t.parse::<usize>()
            .map_err(|_| Error::Type(format!("malformed type '{}': '{t}' is not a count", self.s)))
    }

    fn ty(&mut self) -> Result<CType, Error> {
        if self.eat('#') {
            let i = self.number()?;
            return self
                .deps
                .get(i)
                .cloned()
                .ok_or_else(|| self.err(&format!("no type #{i} was given")));
        }
        if self.eat('[') {
            self.enter()?;
            let elem = self.ty()?;
            self.expect(';')?;
            let len = self.number()?;
            self.expect(']')?;
            self.depth -= 1;
            return Ok(CType::Array {
                elem: Arc::new(elem),
                len,
            });
        }
        let start = self.at;
        let word = self.token().to_string();
        let union = match word.as_str() {
            "struct" => false,
            "union" => true,
            "" => return Err(self.err("expected a type")),
            w => {
                return Type::parse(w)
                    .map(CType::Scalar)
                    .ok_or_else(|| Error::Type(format!("unknown type '{}'", quote(w))))
            }
        };
        self.enter()?;
        let mut c = Composite::default();
        if self.eat('<') {
            c.pack = Some(self.number()?);
            self.expect('>')?;
        }
        self.expect('{')?;
        if !self.eat('}') {
            loop {
                let name = self.name(start)?;
                self.expect(':')?;
                let mut f = Field::new(name, self.ty()?);
                if self.eat('@') {
                    f.align = Some(self.number()?);
                }
                c.fields.push(f);
                if self.eat('}') {
                    break;
                }
                self.expect(',')?;
            }
        }
        self.depth -= 1;
        let c = Arc::new(c);
        Ok(if union {
            CType::Union(c)
        } else {
            CType::Struct(c)
        })
    }
}

/// Four hex digits of a `\\u` escape.
fn hex4(chars: &mut std::str::CharIndices) -> Option<u32> {
    (0..4).try_fold(0, |n, _| Some(n * 16 + chars.next()?.1.to_digit(16)?))
}

/// A text for an error message: at most [`QUOTE_MAX`] characters of it.
fn quote(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(QUOTE_MAX) {
        Some((i, _)) => format!("{}…", &s[..i]).into(),
        None => s.into(),
    }
}

/// A member name as the text form spells it: bare when an identifier, else a JSON string
/// literal escaped as `JSON.stringify` escapes it (so JS can build the same text).
pub fn write_name(f: &mut impl fmt::Write, name: &str) -> fmt::Result {
    if is_ident(name) {
        return f.write_str(name);
    }
    f.write_char('"')?;
    for c in name.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if (c as u32) < 0x20 => write!(f, "\\u{:04x}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

/// A JS identifier in the ASCII subset: what `obj.name` can spell in generated code.
pub fn is_ident(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

impl fmt::Display for CType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CType::Scalar(t) => write!(f, "{t}"),
            CType::Array { elem, len } => write!(f, "[{elem};{len}]"),
            CType::Struct(c) | CType::Union(c) => {
                f.write_str(if matches!(self, CType::Union(_)) {
                    "union"
                } else {
                    "struct"
                })?;
                if let Some(p) = c.pack {
                    write!(f, "<{p}>")?;
                }
                f.write_str("{")?;
                for (i, fl) in c.fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write_name(f, &fl.name)?;
                    write!(f, ":{}", fl.ty)?;
                    if let Some(a) = fl.align {
                        write!(f, "@{a}")?;
                    }
                }
                f.write_str("}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scalars_structs_unions_arrays_and_attributes() {
        let t = CType::parse(
            " struct <2> { a : unsigned char, v : union{ i:long, d:double }@8, s:[ [short;3] ; 2 ] } ",
        )
        .unwrap();
        assert_eq!(
            t.to_string(),
            "struct<2>{a:u8,v:union{i:i64,d:f64}@8,s:[[i16;3];2]}"
        );
        let l = t.layout().unwrap();
        // pack(2) caps v's aligned(8): v at 2 (8 bytes), s at 10 (12 bytes) → size 22, align 2.
        assert_eq!(
            (l.size, l.align, l.offsets.clone()),
            (22, 2, vec![0, 2, 10])
        );
        assert_eq!(
            CType::parse("const char*").unwrap(),
            CType::Scalar(Type::String)
        );
        assert_eq!(CType::parse(&t.to_string()).unwrap(), t);
    }

    #[test]
    fn rejects_malformed_text_with_type_errors() {
        for bad in [
            "",
            "struct",
            "struct{",
            "struct{x}",
            "struct{x:}",
            "struct{1x:i32}",
            "[i32;]",
            "[i32;-1]",
            "i33",
            "struct{x:i32}}",
            "struct<a>{x:i32}",
            "struct{x:i32@}",
        ] {
            assert!(
                matches!(CType::parse(bad), Err(Error::Type(_))),
                "{bad:?} should not parse"
            );
        }
    }

    #[test]
    fn empty_composites_parse_but_have_no_layout() {
        let e = CType::parse("struct{a:struct{}}")
            .unwrap()
            .layout()
            .unwrap_err();
        assert!(
            matches!(&e, Error::Definition(m) if m.contains("empty struct") && m.contains("'a'")),
            "{e:?}"
        );
        let e = CType::parse("[u8;0]").unwrap().layout().unwrap_err();
        assert!(matches!(e, Error::Definition(m) if m.contains("zero-length")));
    }

    #[test]
    fn any_member_name_round_trips_quoted_as_json_quotes_it() {
        // What JSON.stringify gives for each name (index.js builds the same text).
        let cases = [
            ("constructor", "constructor"),
            ("__proto__", "__proto__"),
            ("my field", "\"my field\""),
            ("q\"uote\\back", "\"q\\\"uote\\\\back\""),
            ("line\nbreak\t*/", "\"line\\nbreak\\t*/\""),
            ("\u{1}\u{1f}\u{7f}", "\"\\u0001\\u001f\u{7f}\""),
            ("été 😀 \u{2028}", "\"été 😀 \u{2028}\""),
            ("", "\"\""),
            ("a:b,{c}[d];<e>@f#", "\"a:b,{c}[d];<e>@f#\""),
        ];
        for (name, spelled) in cases {
            let t = CType::structure(vec![Field::new(name, Type::I32), Field::new("z", Type::U8)]);
            let text = t.to_string();
            assert_eq!(text, format!("struct{{{spelled}:i32,z:u8}}"), "{name:?}");
            assert_eq!(CType::parse(&text).unwrap(), t, "{name:?}");
        }
        // Escapes JSON allows but JSON.stringify does not write, and surrogate pairs.
        let t = CType::parse(r#"struct{"\u00e9\/\ud83d\ude00":u8}"#).unwrap();
        assert_eq!(t.composite().unwrap().fields[0].name, "é/😀");
        for bad in [
            r#"struct{"\ud800":u8}"#,
            r#"struct{"\udc00x":u8}"#,
            r#"struct{"\ud800\u0041":u8}"#,
            r#"struct{"\x":u8}"#,
            r#"struct{"\u12":u8}"#,
            r#"struct{"open:u8}"#,
        ] {
            assert!(matches!(CType::parse(bad), Err(Error::Type(_))), "{bad}");
        }
    }

    #[test]
    fn references_share_the_given_types() {
        let inner = CType::parse("struct{x:f64,y:f64}").unwrap();
        let arr = CType::parse("[u8;3]").unwrap();
        let t = CType::parse_with("struct{a:#0,b:[#1;2]@16,c:#0}", &[inner.clone(), arr]).unwrap();
        assert_eq!(
            t.to_string(),
            "struct{a:struct{x:f64,y:f64},b:[[u8;3];2]@16,c:struct{x:f64,y:f64}}"
        );
        let (Some(c), Some(i)) = (t.composite(), inner.composite()) else {
            panic!("not composites")
        };
        let CType::Struct(a) = &c.fields[0].ty else {
            panic!("not a struct")
        };
        assert!(
            Arc::ptr_eq(a, i),
            "the reference is the given type, not a copy"
        );
        assert_eq!(t.layout().unwrap().offsets, vec![0, 16, 24]);
        assert!(matches!(
            CType::parse_with("struct{a:#2}", &[inner]),
            Err(Error::Type(_))
        ));
        assert!(matches!(CType::parse("#0"), Err(Error::Type(_))));
    }

    #[test]
    fn nesting_is_limited_and_linear_up_to_the_limit() {
        let deep = |n: usize| "struct{a:".repeat(n) + "u8" + &"}".repeat(n);
        let arrays = |n: usize| "[".repeat(n) + "u8" + &";1]".repeat(n);
        assert_eq!(CType::parse(&deep(MAX_NESTING)).unwrap().size().unwrap(), 1);
        assert_eq!(
            CType::parse(&arrays(MAX_NESTING)).unwrap().size().unwrap(),
            1
        );
        for text in [
            deep(MAX_NESTING + 1),
            arrays(MAX_NESTING + 1),
            deep(100_000),
        ] {
            let e = CType::parse(&text).unwrap_err();
            assert!(
                matches!(&e, Error::Definition(m) if m.contains("more than 100 levels")),
                "{e:?}"
            );
        }
        // Built one level at a time through references, as JS type objects are: every level
        // parses its own text only, and asks its child for a layout computed once.
        let mut t = CType::parse("struct{x:i32}").unwrap();
        for _ in 1..MAX_NESTING {
            t = CType::parse_with("struct{a:#0,b:u8}", &[t]).unwrap();
            t.layout().unwrap();
        }
        assert_eq!(t.size().unwrap(), 4 + 4 * (MAX_NESTING - 1));
        // A malformed text is quoted, not copied whole, into the message.
        let e = CType::parse(&format!("struct{{x:{}}}", "y".repeat(100_000))).unwrap_err();
        assert!(e.message().len() < 400, "{}", e.message().len());
    }
}
