//! Values across the boundary, below the slow path and everything that calls: JS → C argument
//! slots, C → JS values, strings and buffers, with the rules the fast path applies too, so hot
//! and cold calls accept the same values and give the same results.
//!
//! Inside, each file uses only those listed before it:
//! - `kind`: what kind of JS value a value is;
//! - `strings`: string arguments' C copies, kept string results, C text decoded to JS;
//! - `buffers`: the data address of a buffer argument;
//! - `views`: the fast path's raw read of an off-heap typed array's data address (V8 11-14),
//!   checked against `buffers` before it is trusted;
//! - `arg`: JS → C, one argument into its 64-bit slot;
//! - `result`: C → JS, the value of a raw C result.

pub mod arg;
pub mod buffers;
pub mod kind;
pub mod result;
pub mod strings;
pub mod views;
