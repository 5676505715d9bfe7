//! One nonblocking call in flight ([`Job`]), below the two executors that run it (the lane and
//! the libuv pool): what runs on their threads ([`execute_job`]: the invoker on the job's own
//! slots, nothing else) and the completion on the JS thread ([`complete_job`]: the promise
//! settled, the pins released, a library closed meanwhile freed).

use crate::binding::Binding;
use crate::errors::{self, ErrorCode, FfastError};
use crate::thread;
use crate::value::result::js_value;
use crate::value::strings::StringScratch;
use napi::sys;
use std::ptr;

/// One call in flight. Boxed; owned by the lane or the async work until its completion.
pub(crate) struct Job {
    /// The function's binding. Read on the JS thread only (it holds non-Sync cells); it stays
    /// alive while `pending` counts this job, because `take_library` defers freeing its set.
    pub binding: *const Binding,
    /// Copied from the binding so the calling thread touches nothing but the job.
    pub invoke: unsafe extern "C" fn(*mut u64),
    /// n argument words, then the raw result.
    pub slots: Vec<u64>,
    /// Owned copies of string arguments.
    pub strings: StringScratch,
    /// References keeping buffer arguments (and their backing stores) alive.
    pub pins: Vec<sys::napi_ref>,
    pub deferred: sys::napi_deferred,
    /// The async work of a call on the libuv pool (null for a lane call).
    pub work: sys::napi_async_work,
}

pub(super) fn internal(what: &str) -> FfastError {
    FfastError::new(ErrorCode::Internal, format!("{what} failed"))
}

/// Drop the buffer pins.
///
/// # Safety
/// On env's JS thread; `job.pins` are references made in env.
pub(super) unsafe fn release(env: sys::napi_env, job: &mut Job) {
    // SAFETY: the operations below need only this function's contract (# Safety): on env's JS
    // thread; `job.pins` are references made in env.
    unsafe {
        for r in job.pins.drain(..) {
            // Status ignored: each pin is a reference `start` made, deleted once: cannot fail.
            let _ = sys::napi_delete_reference(env, r);
        }
    }
}

/// The C call itself, on a pool thread or the lane.
///
/// # Safety
/// `job` is a job `start` queued; nothing else touches it until its completion. The invoker
/// reads n words from the slots and writes the result to slots[n]; the strings and pinned
/// buffers it passes to C stay alive until the completion.
pub(crate) unsafe fn execute_job(job: *mut Job) {
    // SAFETY: the operations below need only this function's contract (# Safety): `job` is a job
    // `start` queued; nothing else touches it until its completion. The invoker reads n words from
    // the slots and writes the result to slots[n]; the strings and pinned buffers it passes to C
    // stay alive until the completion.
    unsafe {
        let job = &mut *job;
        (job.invoke)(job.slots.as_mut_ptr());
    }
}

/// JS thread: settle the promise with the converted result (napi_ok: the C function ran), free
/// the job. Runs inside a handle scope.
///
/// # Safety
/// On env's JS thread inside a handle scope; `job` was started by `nonblocking::start` on this
/// thread (its binding is counted in `pending`), and its C call has run (`napi_ok`) or never will.
pub(crate) unsafe fn complete_job(env: sys::napi_env, mut job: Box<Job>, status: sys::napi_status) {
    // SAFETY: the operations below need only this function's contract (# Safety): on env's JS
    // thread inside a handle scope; `job` was started by `nonblocking::start` on this thread (its
    // binding is counted in `pending`), and its C call has run (`napi_ok`) or never will.
    unsafe {
        // SAFETY: the binding outlives the job (pending > 0 defers freeing its code set).
        let b = &*job.binding;
        let mut settled = sys::Status::napi_generic_failure;
        if status == sys::Status::napi_ok {
            let n = b.sig.params.len();
            let raw = job.slots[n];
            let mut value = js_value(env, b.sig.result, raw);
            if b.has_errno() {
                // { value, errno }: errno as C left it on the thread that ran the call.
                value = with_errno(env, value, job.slots[n + 1] as u32 as i32);
            }
            // Fails only while the env is being torn down (no JS can observe the promise then).
            settled = sys::napi_resolve_deferred(env, job.deferred, value);
        } else {
            let msg = if status == sys::Status::napi_cancelled {
                format!("call of '{}' was cancelled before it ran", b.name)
            } else {
                format!("call of '{}' failed to run (status {status})", b.name)
            };
            if let Some(err) = errors::error_value(env, ErrorCode::Cancelled, &msg) {
                settled = sys::napi_reject_deferred(env, job.deferred, err);
            }
        }
        release(env, &mut job);
        if !job.work.is_null() {
            thread::with(|s| s.works.remove(&(job.work as usize)));
            // Status ignored: the work `queue_work` made, deleted once, after its completion:
            // cannot fail.
            let _ = sys::napi_delete_async_work(env, job.work);
        }
        b.pending.set(b.pending.get() - 1);
        drop(job);
        // A library closed while this call ran is unloaded once its last call is done.
        drop(thread::reap_closed());
        if settled != sys::Status::napi_ok {
            // No JS can run: the env is being torn down (a worker's `terminate()`), and Node is
            // waiting for every queued work of this env before it goes. Calls no pool thread has
            // started yet are cancelled instead of run.
            cancel_queued(env);
        }
    }
}

/// Cancel this thread's queued calls that no pool thread has started. Each cancelled one still
/// gets its `complete` (status napi_cancelled), which frees it; calls already inside C run to
/// completion.
///
/// # Safety
/// On env's JS thread; the works in `ThreadState::works` belong to env.
unsafe fn cancel_queued(env: sys::napi_env) {
    // SAFETY: the operations below need only this function's contract (# Safety): on env's JS
    // thread; the works in `ThreadState::works` belong to env.
    unsafe {
        let works: Vec<usize> = thread::with(|s| {
            if std::mem::replace(&mut s.stopping, true) {
                Vec::new()
            } else {
                s.works.iter().copied().collect()
            }
        });
        for w in works {
            // Status ignored: it fails (harmlessly) for a work already running, which then
            // completes normally.
            let _ = sys::napi_cancel_async_work(env, w as sys::napi_async_work);
        }
    }
}

/// `{ value, errno }`, the result of a nonblocking `errno: true` call (docs/errno.md §1).
///
/// # Safety
/// On env's JS thread, inside a handle scope; `value` is a value of this scope.
unsafe fn with_errno(env: sys::napi_env, value: sys::napi_value, errno: i32) -> sys::napi_value {
    // SAFETY: the operations below need only this function's contract (# Safety): on env's JS
    // thread, inside a handle scope; `value` is a value of this scope.
    unsafe {
        let mut obj = ptr::null_mut();
        let mut e = ptr::null_mut();
        // Statuses ignored: making a plain object and a number fails only for a null env or
        // out-pointer, and defining data properties on a fresh plain object runs no JS and
        // cannot throw (no exception is pending at a completion).
        let _ = sys::napi_create_object(env, &mut obj);
        let _ = sys::napi_create_int32(env, errno, &mut e);
        let _ = sys::napi_set_named_property(env, obj, c"value".as_ptr(), value);
        let _ = sys::napi_set_named_property(env, obj, c"errno".as_ptr(), e);
        obj
    }
}
