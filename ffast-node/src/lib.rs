//! ffast-node: the only crate that touches Node. It exposes a small native API to `index.js`,
//! which builds the public API (`dlopen`, `bind`, `read`/`write`, …) on top of it.
//!
//! The native API works on numbers and plain objects; library handles are small integers into
//! a per-thread table so that workers never share state.
//!
//! The modules are layers: a file imports only from its own layer and the layers listed before
//! it, and no file reaches itself through its imports. `scripts/layers.js` checks both from the
//! imports (the numbered comments below are its layer list); docs/layers.md shows the tree and
//! says which file a new piece of code goes to.

// Every unsafe operation sits in an `unsafe` block with a `// SAFETY:` comment, also inside an
// `unsafe fn`, whose contract is its `# Safety` section.
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

// 1. Ground: settings, the ABI of this target, V8's API, C memory helpers.
mod config;
mod memory;
mod platform;
mod string_cache;
mod v8;

// 2. State: bound functions as data, per-thread state, errors; opening libraries; the side
// stacks of tracked calls.
mod binding;
mod errors;
mod fiber;
mod loader;
mod thread;

// 3. Values across the boundary (JS → C slots, C → JS values, strings, buffers).
mod value;

// 4. Calls: the slow path; nonblocking calls (job, lane, pool); making functions.
mod make;
mod nonblocking;
mod slow;

// 5. C → JS callbacks.
mod callback;

// 6. The `#[napi]` exports.
pub mod api;
