//! A validated function signature: the first arrow, definition → Signature.

use crate::error::Error;
use crate::types::Type;

/// The most parameters a signature may have. Generous (C allows 127); it bounds the trampoline
/// frame and keeps error messages honest about what was tested.
pub const MAX_PARAMS: usize = 127;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    pub params: Vec<Type>,
    pub result: Type,
}

impl Signature {
    /// Build from resolved types, checking each position.
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
        Ok(Signature { params, result })
    }

    /// Parse type names (`["i32", "double"]`, `"int"`).
    pub fn parse<S: AsRef<str>>(params: &[S], result: &str) -> Result<Self, Error> {
        let mut ps = Vec::with_capacity(params.len());
        for (i, p) in params.iter().enumerate() {
            let p = p.as_ref();
            ps.push(
                Type::parse(p)
                    .ok_or_else(|| Error::Type(format!("parameter {i}: unknown type '{p}'")))?,
            );
        }
        let r = Type::parse(result)
            .ok_or_else(|| Error::Type(format!("result: unknown type '{result}'")))?;
        Signature::new(ps, r)
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
}
