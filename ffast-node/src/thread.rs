//! Per-thread state. An isolate lives on one thread, and a worker's libraries, functions and
//! env are its own: a process-wide env would be overwritten by a worker and crash the main
//! thread (rust-fast-calls.md §6.3), so everything here is thread-local.
//!
//! Lifetime rules (docs/lifetimes.md):
//! - A code set (a library's trampolines, invokers and bindings) is freed only when none of its
//!   calls is on the JS thread's stack (`Binding::on_stack`) or in flight on another thread
//!   (`Binding::pending`): `close()` from inside a callback, or with nonblocking calls running,
//!   defers the free to the last of them (`closing`, `reap_closed`).
//! - Thread-local destructors free nothing: they run inside `exit()` (the main thread's, from
//!   `process.exit()`) while other threads may still be inside this thread's code. The state is
//!   held in `ManuallyDrop`, so no destructor is registered for it at all.
//! - The env's cleanup hook (worker termination, the main thread's normal end) frees the code
//!   sets that are idle and defers the rest like `close()`; it never unloads a library (threads
//!   the library started may still run its code: the handle is leaked, which costs a reference
//!   count, not memory).

use crate::binding::{Bound, CodeSet};
use napi::sys;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::mem::ManuallyDrop;
use std::sync::atomic::AtomicU32;

pub struct ThreadState {
    pub error_class: sys::napi_ref,
    /// Raw 64 bits of the last unsafe 64-bit result (see ffast_core::trampoline). Leaked: the
    /// JS side keeps a view over it for the isolate's life.
    pub wide_slot: *mut u64,
    /// The saved errno of `errno: true` calls on this thread (docs/errno.md): what `errno()`
    /// returns. Leaked like the wide slot: the JS side keeps a view over it.
    pub errno_saved: *mut i32,
    pub libs: HashMap<u32, CodeSet>,
    pub next_lib: u32,
    /// Code of `bind()` batches, by id, each freed when the last JS object that can reach it
    /// is collected (`release_bound`).
    pub bound: HashMap<u64, Bound>,
    pub next_bound: u64,
    /// Slow-path calls of functions whose library was closed (keeps the total monotonic).
    pub retired_slow_calls: u64,
    /// Closed libraries that still have calls on the stack or in flight: their code and the
    /// library stay loaded until the last call returns or completes (see `reap_closed`).
    pub closing: Vec<CodeSet>,
    /// Libraries closed from inside a call of an ffast function (index.js sees its wrapper on
    /// the JS stack): kept whole until `release_held`, which index.js runs on the next turn of
    /// the event loop, when that call has finished reading its results.
    pub held: Vec<CodeSet>,
    /// Async works of this thread's nonblocking calls in flight (cancelled at env teardown
    /// if they have not started).
    pub works: std::collections::HashSet<usize>,
    /// The env is being torn down and the queued works were cancelled (done once).
    pub stopping: bool,
    /// This isolate's heap-number map, or 0 (v8_call::number_map): the slow path's direct
    /// Number reads.
    pub number_map: usize,
    /// The env cleanup hook is registered (once per thread: Node aborts on a duplicate).
    hooked: bool,
}

impl ThreadState {
    /// Every code set holding this thread's trampolines: open libraries, `bind()` functions and
    /// closed libraries waiting for their nonblocking calls.
    fn code_sets(&self) -> impl Iterator<Item = &CodeSet> {
        self.libs
            .values()
            .chain(self.bound.values().map(|b| &b.set))
            .chain(self.closing.iter())
            .chain(self.held.iter())
    }
}

thread_local! {
    static ENV: Cell<sys::napi_env> = const { Cell::new(std::ptr::null_mut()) };
    /// Leaked: foreign threads (callback services) and bindings keep the address.
    static TRACKING: &'static crate::fiber::Tracking =
        Box::leak(Box::new(crate::fiber::Tracking { depth: AtomicU32::new(0), callbacks: AtomicU32::new(0) }));
    /// Never dropped (see the module comment): `ManuallyDrop` has no drop glue, so no
    /// thread-local destructor is registered.
    static STATE: ManuallyDrop<RefCell<Option<ThreadState>>> =
        const { ManuallyDrop::new(RefCell::new(None)) };
}

/// The env of this thread's isolate (null before `init`).
pub fn current_env() -> sys::napi_env {
    ENV.with(|e| e.get())
}

/// This thread's tracked-call counts (fiber::Tracking). `depth`: calls of functions that may
/// run callbacks (declared with a `function` parameter or `callbacks: true`) now on its stack.
/// The slow path counts them; callbacks run JS synchronously only inside one, and a foreign
/// caller blocked on a thread that stays inside one gives up (callback dispatch).
pub fn tracking() -> &'static crate::fiber::Tracking {
    TRACKING.with(|t| *t)
}

/// Record this thread's env (index.js's `init`) and register the env's cleanup hook once.
pub fn set_env(env: sys::napi_env) {
    ENV.with(|e| e.set(env));
    crate::fiber::open_thread();
    if !with(|s| std::mem::replace(&mut s.hooked, true)) {
        // SAFETY: env is the current thread's live env; the hook takes no argument.
        // Status ignored: it fails only for a null env or hook; a duplicate (Node aborts on one)
        // cannot happen, as `hooked` registers once per env.
        let _ =
            unsafe { sys::napi_add_env_cleanup_hook(env, Some(teardown), std::ptr::null_mut()) };
    }
}

/// Env cleanup (worker termination or exit, the main thread's normal end; not
/// `process.exit()`, which skips it): every code set is closed as by `close()`, except that
/// the library itself stays loaded. Registered first, it runs after the lane's and the
/// callbacks' hooks; Node then waits for the env's queued pool calls, whose completions free
/// the sets they kept (`nonblocking::job::complete_job`).
///
/// # Safety
/// Called by N-API only, as the env cleanup hook `set_env` registered, on the env's thread.
unsafe extern "C" fn teardown(_: *mut std::ffi::c_void) {
    with(|s| {
        // A later env on this thread (an embedder's) registers its own hook.
        s.hooked = false;
        let mut sets: Vec<CodeSet> = s.libs.drain().map(|(_, c)| c).collect();
        // No JS runs any more: nothing is left to read what a held set holds.
        sets.append(&mut s.held);
        for mut set in sets.into_iter().chain(s.bound.drain().map(|(_, b)| b.set)) {
            // Leaked on purpose, never dlclose'd here: threads the library started may still be
            // running its code (only `close()` says they are done). dlopen counts references,
            // so a worker that opens the same library again costs no memory.
            std::mem::forget(set.lib.take());
            set.mark_closing();
            s.closing.push(set);
        }
    });
    drop(reap_closed());
    crate::fiber::release_thread();
}

/// Slow-path calls of every function this thread has bound (closed libraries included).
pub fn slow_calls() -> u64 {
    with(|s| {
        s.retired_slow_calls
            + s.libs
                .values()
                .chain(s.bound.values().map(|b| &b.set))
                .map(CodeSet::slow_calls)
                .sum::<u64>()
    })
}

/// Slow calls of ffast's own helpers on this thread (their sets live as long as the thread).
pub fn internal_slow_calls() -> u64 {
    with(|s| {
        s.libs
            .values()
            .chain(s.bound.values().map(|b| &b.set))
            .map(CodeSet::internal_slow_calls)
            .sum::<u64>()
    })
}

/// Executable pages this thread's libraries and bound functions hold.
pub fn jit_pages() -> usize {
    with(|s| s.code_sets().map(|c| c.arena.pages()).sum())
}

/// Keep an opened library (with no code yet) in this thread's table: its handle number.
pub fn add_library(lib: libloading::Library) -> u32 {
    with(|s| {
        let id = s.next_lib;
        s.next_lib += 1;
        s.libs.insert(
            id,
            CodeSet {
                arena: ffast_core::jit::Arena::new(),
                bindings: Vec::new(),
                lib: Some(lib),
            },
        );
        id
    })
}

/// What closing a library found.
pub enum Taken {
    /// No such (open) library.
    Missing,
    /// Calls are on the stack or in flight: the set waits in `closing` until they finish.
    Deferred,
    /// Dropping this set frees its trampolines and unloads the library.
    Now(CodeSet),
}

/// Remove a library's code set, keeping its slow-call count. `hold`: `close()` was called from
/// inside a call of an ffast function (index.js saw a wrapper on the JS stack: JS code it runs,
/// a getter, a Proxy trap or a callback, closed the library). That call must still reach its C
/// function, and read its results (an aggregate from the area, a string from the library's
/// memory) after C returns, so the whole set waits for `release_held`.
pub fn take_library(id: u32, hold: bool) -> Taken {
    with(|s| {
        let Some(set) = s.libs.remove(&id) else {
            return Taken::Missing;
        };
        s.retired_slow_calls += set.slow_calls();
        if hold {
            set.mark_closing();
            s.held.push(set);
            Taken::Deferred
        } else if set.busy() > 0 {
            set.mark_closing();
            s.closing.push(set);
            Taken::Deferred
        } else {
            Taken::Now(set)
        }
    })
}

/// Let the held sets go (index.js, on the turn after they were closed: no call that was in
/// progress then is still running) and take those that nothing uses any more.
pub fn release_held() -> Vec<CodeSet> {
    with(|s| {
        let mut held = std::mem::take(&mut s.held);
        s.closing.append(&mut held);
    });
    reap_closed()
}

/// Keep a `bind()` batch's code until `refs` JS objects have each been released once.
pub fn add_bound(set: CodeSet, refs: usize, bytes: i64) -> u64 {
    with(|s| {
        let id = s.next_bound;
        s.next_bound += 1;
        s.bound.insert(id, Bound { set, refs, bytes });
        id
    })
}

/// One JS object of bound batch `id` was collected. After the last, the batch leaves `bound`:
/// returned for the caller to drop outside the state borrow, or, with calls still on the stack or
/// in flight, parked in `closing` until they complete (like a closed library).
/// Returns the set to drop (if any) and the bytes to take back from V8's external memory.
pub fn release_bound(id: u64) -> (Option<CodeSet>, i64) {
    // `try_with`: N-API also runs finalizers when the env is torn down; should that come after
    // the thread's state is gone, the code went with it and there is nothing to release.
    STATE
        .try_with(|cell| {
            let mut guard = cell.borrow_mut();
            let Some(s) = guard.as_mut() else {
                return (None, 0);
            };
            let Some(b) = s.bound.get_mut(&id) else {
                return (None, 0);
            };
            b.refs = b.refs.saturating_sub(1);
            if b.refs > 0 {
                return (None, 0);
            }
            let Some(Bound { set, bytes, .. }) = s.bound.remove(&id) else {
                return (None, 0);
            };
            s.retired_slow_calls += set.slow_calls();
            if set.busy() > 0 {
                set.mark_closing();
                s.closing.push(set);
                (None, bytes)
            } else {
                (Some(set), bytes)
            }
        })
        .unwrap_or((None, 0))
}

/// Take the closed libraries whose last call has returned or completed; the caller drops them
/// outside the state borrow (dlclose may run library destructors).
pub fn reap_closed() -> Vec<CodeSet> {
    with(|s| {
        if s.closing.is_empty() {
            return Vec::new();
        }
        let (done, wait): (Vec<_>, Vec<_>) = std::mem::take(&mut s.closing)
            .into_iter()
            .partition(|c| c.busy() == 0);
        s.closing = wait;
        done
    })
}

/// Nonblocking calls of this thread that have not completed yet.
pub fn pending_calls() -> u64 {
    with(|s| s.code_sets().map(CodeSet::pending).sum())
}

/// Run `f` with this thread's state, creating it on first use.
pub fn with<R>(f: impl FnOnce(&mut ThreadState) -> R) -> R {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let st = s.get_or_insert_with(|| ThreadState {
            error_class: std::ptr::null_mut(),
            wide_slot: Box::leak(Box::new(0u64)),
            errno_saved: Box::leak(Box::new(0i32)),
            libs: HashMap::new(),
            next_lib: 1,
            bound: HashMap::new(),
            next_bound: 1,
            retired_slow_calls: 0,
            closing: Vec::new(),
            held: Vec::new(),
            works: Default::default(),
            stopping: false,
            number_map: 0,
            hooked: false,
        });
        f(st)
    })
}
