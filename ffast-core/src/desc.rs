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
//! field  := name ":" type ("@" align)?
//! ```
//!
//! `scalar` is any spelling [`Type::parse`] accepts (`f64`, `unsigned int`, `const char*`);
//! `name` is a JS identifier; `pack` is `#pragma pack(n)`, `align` is the member attribute
//! `aligned(n)`. Whitespace between tokens is ignored. `Display` prints the canonical form, so
//! `parse(t.to_string()) == t`. Empty composites and zero-length arrays parse (the layout engine
//! rejects them with a message naming the field path).

use std::fmt;
use std::sync::Arc;

use crate::layout::{CType, Composite, Field};
use crate::{Error, Type};

impl CType {
    /// Parse the text form (see the module documentation).
    pub fn parse(text: &str) -> Result<CType, Error> {
        let mut p = Parser { s: text, at: 0 };
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
}

impl<'a> Parser<'a> {
    fn err(&self, what: &str) -> Error {
        Error::Type(format!(
            "malformed type '{}': {what} at offset {}",
            self.s, self.at
        ))
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
        if self.eat('[') {
            let elem = self.ty()?;
            self.expect(';')?;
            let len = self.number()?;
            self.expect(']')?;
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
                    .ok_or_else(|| Error::Type(format!("unknown type '{w}'")))
            }
        };
        let mut c = Composite::default();
        if self.eat('<') {
            c.pack = Some(self.number()?);
            self.expect('>')?;
        }
        self.expect('{')?;
        if !self.eat('}') {
            loop {
                let name = self.token().to_string();
                if !is_ident(&name) {
                    self.at = start;
                    return Err(Error::Type(format!(
                        "malformed type '{}': field name '{name}' is not an identifier",
                        self.s
                    )));
                }
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
        let c = Arc::new(c);
        Ok(if union {
            CType::Union(c)
        } else {
            CType::Struct(c)
        })
    }
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
                    write!(f, "{}:{}", fl.name, fl.ty)?;
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
}
