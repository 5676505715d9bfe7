//! Errors of the core crate. ffast-node maps each variant to one stable JS error code.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Unknown or malformed type name (`ERR_FFAST_TYPE`).
    Type(String),
    /// Malformed definition: too many parameters, bad keys (`ERR_FFAST_DEFINITION`).
    Definition(String),
    /// The platform or ABI cannot express this signature (`ERR_FFAST_UNSUPPORTED`).
    Unsupported(String),
    /// Executable memory could not be obtained or sealed (`ERR_FFAST_JIT`).
    Jit(String),
    /// The encoder was asked for something it cannot encode (a bug in a backend).
    Encode(String),
}

impl Error {
    /// The JS-side error code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Type(_) => "ERR_FFAST_TYPE",
            Error::Definition(_) => "ERR_FFAST_DEFINITION",
            Error::Unsupported(_) => "ERR_FFAST_UNSUPPORTED",
            Error::Jit(_) => "ERR_FFAST_JIT",
            Error::Encode(_) => "ERR_FFAST_INTERNAL",
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Error::Type(m)
            | Error::Definition(m)
            | Error::Unsupported(m)
            | Error::Jit(m)
            | Error::Encode(m) => m,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for Error {}
