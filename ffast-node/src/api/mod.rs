//! The `#[napi]` exports index.js calls, and nothing else: each unpacks its arguments, calls
//! the layer that does the work, and packs the answer. napi-rs registers every export where it
//! is defined, so the files group them by topic; diagnostics and test hooks have their own.

pub mod callbacks;
mod common;
pub mod diagnostics;
pub mod functions;
pub mod init;
pub mod library;
pub mod memory;
pub mod types;
