//! A bound foreign function as plain data: its [`Binding`] (signature, invoker, counters) and
//! the [`CodeSet`] that owns bindings together with their code and library. Below everything
//! that makes, calls or frees them (`make`, `slow`, `nonblocking`, `thread`), and imports
//! nothing of the crate.

use ffast_core::area::Area;
use ffast_core::jit::Arena;
use ffast_core::Signature;
use napi::sys;

pub struct Binding {
    pub name: String,
    pub sig: Signature,
    /// Loads the arguments from slots[0..n], calls the C function, writes the raw result to
    /// slots[n]. Touches nothing but the slots, so pool threads may run it. (`not_placed` until
    /// the code is placed, before the function exists.)
    pub invoke: unsafe extern "C" fn(*mut u64),
    pub env: sys::napi_env,
    pub wide_slot: *mut u64,
    /// The thread's heap-number map for direct Number reads (v8::tagged::number_of), or 0.
    pub number_map: usize,
    /// Slow-path calls of this function (a plain cell: a binding lives on one JS thread).
    /// Nonblocking calls count here too: they never take the fast path.
    pub slow_calls: std::cell::Cell<u64>,
    /// One of ffast's own helpers called by its JS (the string cache's lookup): its slow calls
    /// are left out of [`CodeSet::slow_calls`], which the tests read as "calls of the user's
    /// functions that took the slow path".
    pub internal: bool,
    /// Where JS writes aggregate arguments and reads an aggregate result; its address is
    /// compiled into this binding's trampolines, so it lives exactly as long as they do.
    pub area: Area,
    /// Nonblocking calls started and not yet completed (changed on the JS thread only).
    pub pending: std::cell::Cell<u64>,
    /// Calls of this function whose slow path or nonblocking entry is on the JS thread's stack
    /// (see `slow::on_stack`): JS may run inside them (a callback, an async hook) and close the
    /// library; its code set is freed only once this is 0 again ([`CodeSet::busy`]).
    pub on_stack: std::cell::Cell<u32>,
    /// The code set was closed while busy: the call that finishes last frees it.
    pub closing: std::cell::Cell<bool>,
    /// The thread's tracked-call depth and callback count, for functions that may run
    /// callbacks (thread::tracking).
    pub tracked: Option<&'static crate::fiber::Tracking>,
    /// Whether this function's tracked calls run on a fiber, learnt from its calls.
    pub fiber: crate::fiber::Choice,
    /// `errno: true`: the thread's saved errno (docs/errno.md), exchanged through slots[n + 1]
    /// by the invoker; null otherwise.
    pub errno_saved: *mut i32,
}

impl Binding {
    /// Whether calls exchange errno (`errno: true`).
    #[inline(always)]
    pub fn has_errno(&self) -> bool {
        !self.errno_saved.is_null()
    }
}

/// The invoker of a binding whose code is not placed yet (never called: functions are created
/// after placement).
///
/// # Safety
/// Never called (a placeholder until the invoker is placed); any pointer is accepted.
pub unsafe extern "C" fn not_placed(_: *mut u64) {}

/// Code and bindings owned together: a library's, or one `bind()`'s.
pub struct CodeSet {
    /// Dropped before `lib`: trampolines go before the code they call.
    pub arena: Arena,
    /// Boxed on purpose: each binding's address is embedded in its slow stub, so it must not
    /// move when the vector grows.
    #[allow(clippy::vec_box)]
    pub bindings: Vec<Box<Binding>>,
    pub lib: Option<libloading::Library>,
}

/// A `bind()` batch's code and how many of its JS objects (functions, struct areas) are alive.
pub struct Bound {
    pub set: CodeSet,
    pub refs: usize,
    /// Bytes reported to V8 as external memory while the batch lives.
    pub bytes: i64,
}

impl CodeSet {
    pub fn slow_calls(&self) -> u64 {
        self.bindings
            .iter()
            .filter(|b| !b.internal)
            .map(|b| b.slow_calls.get())
            .sum()
    }

    /// Slow calls of ffast's own helpers (tests: the fiber mode's resumes are fast calls).
    pub fn internal_slow_calls(&self) -> u64 {
        self.bindings
            .iter()
            .filter(|b| b.internal)
            .map(|b| b.slow_calls.get())
            .sum()
    }

    /// Nonblocking calls of this set's functions that have not completed yet.
    pub fn pending(&self) -> u64 {
        self.bindings.iter().map(|b| b.pending.get()).sum()
    }

    /// Calls of this set that have not finished: nonblocking ones in flight, and calls whose
    /// frames are on the JS thread's stack (a callback inside them may be what closes the
    /// library). Freeing the set before they finish would return into unmapped code.
    pub fn busy(&self) -> u64 {
        self.bindings
            .iter()
            .map(|b| b.pending.get() + u64::from(b.on_stack.get()))
            .sum()
    }

    /// Tell the bindings their set is closing: the last call to finish frees it (`binding::
    /// on_stack`, `nonblocking::job::complete_job`).
    pub fn mark_closing(&self) {
        for b in &self.bindings {
            b.closing.set(true);
        }
    }
}

impl Drop for CodeSet {
    /// A set is never dropped with calls unfinished (`take_library`, `reap_closed` and the env
    /// teardown defer it). This is the last line of defence: should it happen, the code is
    /// leaked rather than unmapped under a thread that will return into it.
    fn drop(&mut self) {
        if self.busy() > 0 {
            std::mem::forget(std::mem::replace(&mut self.arena, Arena::new()));
            std::mem::forget(self.lib.take());
            std::mem::forget(std::mem::take(&mut self.bindings));
        }
    }
}
