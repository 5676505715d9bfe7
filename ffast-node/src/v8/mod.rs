//! V8's C++ API, bound at run time: every symbol comes from `dlsym(RTLD_DEFAULT)` in the running
//! node binary (docs/v8-binding.md), checked against the layouts verified per Node line
//! (docs/v8-fast-api.md). Nothing in the rest of the crate names a V8 symbol or a V8 layout.

mod api;
pub mod call;
pub mod uncache;
pub mod views;

pub use api::*;
