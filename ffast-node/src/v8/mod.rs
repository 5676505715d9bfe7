//! V8's C++ API, bound at run time: every symbol comes from `dlsym(RTLD_DEFAULT)` in the running
//! node binary (docs/v8-binding.md), checked against the layouts verified per Node line
//! (docs/v8-fast-api.md). Nothing in the rest of the crate names a V8 symbol or a V8 layout.
//!
//! Inside, each file uses only those listed before it:
//! - `symbols`: dlsym by mangled name, the version string;
//! - `fast_api`: `CTypeInfo` codes, `CFunctionInfo`/`CFunction` storage, the parameter limit;
//! - `call_info`: where a regular callback's arguments and return slot are, per line;
//! - `scope`: handle scopes on the Rust stack (exported constructor, or V8 14's inline one);
//! - `tagged`: Smis and heap numbers read and written as raw words, once verified;
//! - `api`: the [`V8`] table of resolved functions;
//! - `uncache`: keeping ffast's function templates out of V8's template cache;
//! - `function`: making a JS function with a fast-call target;
//! - `call`: calling JS from a callback without N-API;
//! - `strings`: JS strings made from C text by V8's own constructors.

mod api;
pub mod call;
mod call_info;
mod fast_api;
mod function;
mod scope;
pub mod strings;
mod symbols;
pub mod tagged;
pub mod uncache;

pub use api::V8;
pub use call_info::call_info;
pub use fast_api::MAX_FAST_PARAMS;
