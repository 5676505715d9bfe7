//! Per-thread state. An isolate lives on one thread, and a worker's libraries, functions and
//! env are its own: a process-wide env would be overwritten by a worker and crash the main
//! thread (rust-fast-calls.md §6.3), so everything here is thread-local.

use crate::binding::Binding;
use ffast_core::jit::Arena;
use napi::sys;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

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

pub struct ThreadState {
    pub error_class: sys::napi_ref,
    /// Raw 64 bits of the last unsafe 64-bit result (see ffast_core::trampoline). Leaked: the
    /// JS side keeps a view over it for the isolate's life.
    pub wide_slot: *mut u64,
    pub libs: HashMap<u32, CodeSet>,
    pub next_lib: u32,
    /// Code of `bind()` batches, by id, each freed when the last JS object that can reach it
    /// is collected (`release_bound`).
    pub bound: HashMap<u64, Bound>,
    pub next_bound: u64,
    /// Slow-path calls of functions whose library was closed (keeps the total monotonic).
    pub retired_slow_calls: u64,
    /// Closed libraries that still have nonblocking calls in flight: their code and the
    /// library stay loaded until the last call completes (see `reap_closed`).
    pub closing: Vec<CodeSet>,
    /// Async works of this thread's nonblocking calls in flight (cancelled at env teardown
    /// if they have not started).
    pub works: std::collections::HashSet<usize>,
    /// The env is being torn down and the queued works were cancelled (done once).
    pub stopping: bool,
    /// This isolate's heap-number map, or 0 (v8_call::number_map): the slow path's direct
    /// Number reads.
    pub number_map: usize,
}

impl ThreadState {
    /// Every code set holding this thread's trampolines: open libraries, `bind()` functions and
    /// closed libraries waiting for their nonblocking calls.
    fn code_sets(&self) -> impl Iterator<Item = &CodeSet> {
        self.libs
            .values()
            .chain(self.bound.values().map(|b| &b.set))
            .chain(self.closing.iter())
    }
}

thread_local! {
    static ENV: Cell<sys::napi_env> = const { Cell::new(std::ptr::null_mut()) };
    static STATE: RefCell<Option<ThreadState>> = const { RefCell::new(None) };
}

/// The env of this thread's isolate (null before `init`).
pub fn current_env() -> sys::napi_env {
    ENV.with(|e| e.get())
}

pub fn set_env(env: sys::napi_env) {
    ENV.with(|e| e.set(env));
}

impl CodeSet {
    fn slow_calls(&self) -> u64 {
        self.bindings.iter().map(|b| b.slow_calls.get()).sum()
    }

    /// Nonblocking calls of this set's functions that have not completed yet.
    pub fn pending(&self) -> u64 {
        self.bindings.iter().map(|b| b.pending.get()).sum()
    }
}

impl Drop for CodeSet {
    /// A set is only dropped with calls in flight when its thread goes away before they
    /// complete (`process.exit()` while a pool thread is still inside C): the pool thread will
    /// return into the invoker and the C code, so both must stay mapped. They are leaked on
    /// purpose; the process is ending anyway. (Closing a library defers instead: `take_library`.)
    fn drop(&mut self) {
        if self.pending() > 0 {
            std::mem::forget(std::mem::replace(&mut self.arena, Arena::new()));
            std::mem::forget(self.lib.take());
            std::mem::forget(std::mem::take(&mut self.bindings));
        }
    }
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

/// Executable pages this thread's libraries and bound functions hold.
pub fn jit_pages() -> usize {
    with(|s| s.code_sets().map(|c| c.arena.pages()).sum())
}

/// What closing a library found.
pub enum Taken {
    /// No such (open) library.
    Missing,
    /// Nonblocking calls are in flight: the set waits in `closing` until they complete.
    Deferred,
    /// Dropping this set frees its trampolines and unloads the library.
    Now(CodeSet),
}

/// Remove a library's code set, keeping its slow-call count.
pub fn take_library(id: u32) -> Taken {
    with(|s| {
        let Some(set) = s.libs.remove(&id) else {
            return Taken::Missing;
        };
        s.retired_slow_calls += set.slow_calls();
        if set.pending() > 0 {
            s.closing.push(set);
            Taken::Deferred
        } else {
            Taken::Now(set)
        }
    })
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
/// returned for the caller to drop outside the state borrow, or, with nonblocking calls still
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
            if set.pending() > 0 {
                s.closing.push(set);
                (None, bytes)
            } else {
                (Some(set), bytes)
            }
        })
        .unwrap_or((None, 0))
}

/// Take the closed libraries whose last nonblocking call has completed; the caller drops them
/// outside the state borrow (dlclose may run library destructors).
pub fn reap_closed() -> Vec<CodeSet> {
    with(|s| {
        if s.closing.is_empty() {
            return Vec::new();
        }
        let (done, wait): (Vec<_>, Vec<_>) = std::mem::take(&mut s.closing)
            .into_iter()
            .partition(|c| c.pending() == 0);
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
            libs: HashMap::new(),
            next_lib: 1,
            bound: HashMap::new(),
            next_bound: 1,
            retired_slow_calls: 0,
            closing: Vec::new(),
            works: Default::default(),
            stopping: false,
            number_map: 0,
        });
        f(st)
    })
}

/// Where a throw happens: inside an N-API callback (napi-rs functions, the N-API fallback), or
/// inside a raw V8 callback (the slow path of fast functions).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ThrowFrom {
    Napi,
    V8Callback,
}

/// A new `FfastError(code, message)` (a plain Error before `init`), not thrown. None if it could
/// not be created (e.g. the env is shutting down).
pub fn error_value(env: sys::napi_env, code: &str, msg: &str) -> Option<sys::napi_value> {
    let class = with(|s| s.error_class);
    // SAFETY: env is the current thread's env; every value created lives in the current
    // HandleScope; strings are passed with explicit lengths.
    unsafe {
        let mut args = [std::ptr::null_mut(); 2];
        sys::napi_create_string_utf8(env, code.as_ptr().cast(), code.len() as isize, &mut args[0]);
        sys::napi_create_string_utf8(env, msg.as_ptr().cast(), msg.len() as isize, &mut args[1]);
        let mut err = std::ptr::null_mut();
        if !class.is_null() {
            let mut ctor = std::ptr::null_mut();
            if sys::napi_get_reference_value(env, class, &mut ctor) == sys::Status::napi_ok
                && !ctor.is_null()
                && sys::napi_new_instance(env, ctor, 2, args.as_ptr(), &mut err)
                    == sys::Status::napi_ok
            {
                return Some(err);
            }
        }
        (sys::napi_create_error(env, args[0], args[1], &mut err) == sys::Status::napi_ok)
            .then_some(err)
    }
}

/// Throw an `FfastError(code, message)` (or a plain Error before `init`).
pub fn throw(env: sys::napi_env, from: ThrowFrom, code: &str, msg: &str) {
    // SAFETY: env is the current thread's env; the error value lives in the current scope.
    unsafe {
        let mut pending = false;
        sys::napi_is_exception_pending(env, &mut pending);
        if pending {
            return;
        }
        match (error_value(env, code, msg), from, crate::v8::V8::get()) {
            (Some(err), ThrowFrom::V8Callback, Ok(v8)) => v8.throw(err as *const std::ffi::c_void),
            (Some(err), _, _) => {
                sys::napi_throw(env, err);
            }
            (None, _, _) => {
                let c = std::ffi::CString::new(code).unwrap_or_default();
                let m = std::ffi::CString::new(msg.replace('\0', " ")).unwrap_or_default();
                sys::napi_throw_error(env, c.as_ptr(), m.as_ptr());
            }
        }
    }
}
