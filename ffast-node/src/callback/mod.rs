//! C → JS callbacks. A callback is a JIT *entry trampoline* (ffast_core::trampoline::
//! callback_entry) whose context is a [`Slot`]: C calls the trampoline, which stores the C
//! arguments in 8-byte slots and calls [`dispatch`].
//!
//! Rules (README "Callbacks"):
//! - On its own JS thread a callback runs synchronously, but only inside a *tracked* call: a
//!   call of a function that has a `function` parameter or is declared `callbacks: true`. Those
//!   functions never get a V8 fast call (V8 forbids running JS inside one, v8-fast-api.md
//!   §6.4), and their slow path counts itself in the thread's sync depth. Anywhere else ffast
//!   cannot prove JS may run, so the call returns the default value and reports
//!   `ERR_FFAST_CALLBACK_CONTEXT`.
//! - From a foreign thread the call is queued to the owning thread's event loop (one unref'd
//!   threadsafe function per JS thread). `threads: 'block'` (default): the C caller waits for
//!   the result; if the request is still queued while the JS thread has stayed inside a tracked
//!   call for the callback's grace period (`deadlockMs`, default 100 ms) — that call cannot
//!   service the queue until it returns, and may be joining this very thread — the caller gets
//!   the default value and `ERR_FFAST_CALLBACK_DEADLOCK` is reported. `threads: 'queue'` (void results only): arguments are copied and C goes on.
//! - A throwing JS function, or a result that does not convert, gives C the default value
//!   (0, NULL, false) and the error goes to the callback's reporter (`onError`, else an
//!   uncaught exception on the next tick; see index.js).
//!   When the reporter cannot run where the error happened (the JS stack is exhausted: a
//!   deeply re-entrant callback hit V8's stack limit, and calling the reporter needs stack too),
//!   the error is delivered once on a later turn of the event loop instead (`Item::Deliver`).
//! - A closed callback returns the default value and emits a warning (`ERR_FFAST_CLOSED`). Its
//!   trampoline stays mapped and is recycled by the next callback of the same signature, so a
//!   stale C pointer never jumps into unmapped memory.
//!
//! Lifetime (docs/lifetimes.md): a trampoline and its `Slot` are never freed, because any
//! thread may hold the pointer and call it at any time, including while the process exits.
//! Slots and services are leaked boxes, and the thread-local registry has no destructor. When a
//! thread's env ends (worker termination, exit) its slots go to a process-wide pool
//! (`RETIRED`) that later threads' callbacks reuse, so creating and terminating workers does
//! not map trampolines without bound.

//!
//! Inside, each file uses only those listed before it:
//! - `service`: the data (slots, the JS side of a callback, the thread's service);
//! - `invoke`: calling the JS function and reporting its errors;
//! - `fast`: the fiber mode's fast park (the JS loop's mailbox, resumes and settling);
//! - `dispatch`: where C's calls arrive (scalar signatures);
//! - `aggregate`: where C's calls of signatures with structs or unions by value arrive;
//! - `queue`: the items queued for the JS thread, run there;
//! - `registry`: the thread's callbacks and spare trampolines, the retired pool, new batches;
//! - `lifecycle`: creating and closing callbacks, the service made, the env teardown.

mod aggregate;
mod dispatch;
mod fast;
mod invoke;
mod lifecycle;
mod queue;
mod registry;
mod service;

pub use fast::{init as fiber_init, resume_f64, resume_i32, resume_void, settle_from_js};
pub use lifecycle::{close, create};
pub use registry::{counts, slots_made, staging};
