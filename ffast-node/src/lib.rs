//! ffast-node: the only crate that touches Node. It exposes a small native API to `index.js`,
//! which builds the public API (`dlopen`, `bind`, `read`/`write`, …) on top of it.
//!
//! The native API works on numbers and plain objects; library handles are small integers into
//! a per-thread table so that workers never share state.
//!
//! The modules are layers: each imports only from the layers above it in this list (and from
//! its own earlier files), never from a later one; `scripts/layers.js` checks that the imports
//! have no cycle, and docs/layers.md says which file a new piece of code goes to.

// 1. Ground: settings, the ABI of this target, V8's API, C memory helpers.
mod config;
mod memory;
mod platform;
mod v8;

// 2. State: bound functions as data, per-thread state, errors; opening libraries.
mod binding;
mod errors;
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
