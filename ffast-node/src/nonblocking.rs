//! Nonblocking calls: `{ nonblocking: true }` functions return a Promise and run the C function
//! off the JS thread: on the thread's lane (a dedicated thread, `lane.rs`) when it is free, else
//! on the libuv thread pool (`napi_create_async_work`).
//!
//! The split follows what may run where:
//! - JS thread, at the call: count check and argument conversion with the slow path's own
//!   helpers (`check_count`, `args_to_slots`), so errors are the same `FfastError`s, thrown
//!   synchronously. Strings are copied to heap memory owned by the job; buffers are pinned with
//!   references so the backing store (and so the address C got) lives until completion.
//! - lane or pool thread: only the binding's invoker on the job's own slots. No N-API, no thread-local
//!   state, no wide slot: the invoker writes the raw result to slots[n] and returns.
//! - JS thread, on completion: the raw result becomes the final JS value (`value::result::js_value`), the
//!   promise settles, the pins are released, and a library closed meanwhile is unloaded once its
//!   last call is done.
//!
//! Teardown (lane calls: see lane.rs): Node runs every queued async work's completion before an env (the main thread's or
//! a worker's) is destroyed (Environment::CleanupHandles waits for the thread-pool requests it
//! counted), so a job never outlives its env; settling may fail then (no JS can run) and is
//! ignored, and the completion frees a code set the env teardown left to it
//! (thread::teardown). `process.exit()` frees nothing (no teardown, no thread-local
//! destructors: docs/lifetimes.md), so a call still inside C returns into mapped code; libuv
//! joins its pool threads on the way out, the lane is abandoned.

use crate::binding::Binding;
use crate::errors::{self, ErrorCode, FfastError, ThrowFrom};
use crate::lane;
use crate::slow::{args_to_slots, check_count, report, with_napi_args, JsArgs};
use crate::thread;
use crate::value::kind::typeof_;
use crate::value::result::js_value;
use crate::value::strings::StringScratch;
use ffast_core::Type;
use napi::sys;
use std::ffi::c_void;
use std::ptr;

/// One call in flight. Boxed; owned by the lane or the async work until its completion.
pub(crate) struct Job {
    /// The function's binding. Read on the JS thread only (it holds non-Sync cells); it stays
    /// alive while `pending` counts this job, because `take_library` defers freeing its set.
    binding: *const Binding,
    /// Copied from the binding so the calling thread touches nothing but the job.
    invoke: unsafe extern "C" fn(*mut u64),
    /// n argument words, then the raw result.
    slots: Vec<u64>,
    /// Owned copies of string arguments.
    _strings: StringScratch,
    /// References keeping buffer arguments (and their backing stores) alive.
    pins: Vec<sys::napi_ref>,
    deferred: sys::napi_deferred,
    /// The async work of a call on the libuv pool (null for a lane call).
    work: sys::napi_async_work,
}

/// The N-API callback of a nonblocking function.
pub unsafe extern "C" fn entry(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    with_napi_args(env, info, |b, args| match start(env, b, args) {
        Ok(promise) => promise,
        Err(e) => {
            report(env, ThrowFrom::Napi, b, e);
            ptr::null_mut()
        }
    })
}

fn internal(what: &str) -> FfastError {
    FfastError::new(ErrorCode::Internal, format!("{what} failed"))
}

/// Convert the arguments, queue the job, return its promise.
///
/// # Safety
/// Runs inside an N-API call on env's thread; `args` are values of that call.
unsafe fn start(
    env: sys::napi_env,
    b: &Binding,
    args: JsArgs,
) -> Result<sys::napi_value, FfastError> {
    b.slow_calls.set(b.slow_calls.get() + 1);
    check_count(b, args)?;
    let n = b.sig.params.len();
    let mut job = Box::new(Job {
        binding: b,
        invoke: b.invoke,
        // errno: true adds slots[n + 1]: the saved value in, errno as C left it out.
        slots: vec![0; n + 1 + b.has_errno() as usize],
        _strings: StringScratch::owned(),
        pins: Vec::new(),
        deferred: ptr::null_mut(),
        work: ptr::null_mut(),
    });
    let Job {
        slots,
        _strings: strings,
        ..
    } = &mut *job;
    args_to_slots(b, args, slots.as_mut_ptr(), strings)?;
    if b.has_errno() {
        // The value errno() has when the call is made (docs/errno.md §1).
        slots[n + 1] = *b.errno_saved as u32 as u64;
    }
    // Pin buffers only now: a conversion error above leaves nothing to release.
    for (i, &ty) in b.sig.params.iter().enumerate() {
        let v = args.get(i);
        if ty == Type::Buffer && typeof_(env, v) == sys::ValueType::napi_object {
            let mut r = ptr::null_mut();
            if sys::napi_create_reference(env, v, 1, &mut r) != sys::Status::napi_ok {
                release(env, &mut job);
                return Err(internal("napi_create_reference"));
            }
            job.pins.push(r);
        }
    }
    let mut promise = ptr::null_mut();
    if sys::napi_create_promise(env, &mut job.deferred, &mut promise) != sys::Status::napi_ok {
        release(env, &mut job);
        return Err(internal("napi_create_promise"));
    }
    // The lane if it is free (the common case: one call in flight at a time); the libuv pool
    // for calls made while it is busy (see lane.rs).
    let job = match lane::submit(env, job) {
        Ok(()) => {
            b.pending.set(b.pending.get() + 1);
            return Ok(promise);
        }
        Err(job) => job,
    };
    queue_work(env, b, job)?;
    Ok(promise)
}

/// Run `job` on the libuv pool.
///
/// # Safety
/// On env's JS thread, inside an N-API call; `job` is ready to run and has its deferred.
unsafe fn queue_work(env: sys::napi_env, b: &Binding, mut job: Box<Job>) -> Result<(), FfastError> {
    let mut name = ptr::null_mut();
    let data = &mut *job as *mut Job as *mut c_void;
    if sys::napi_create_string_utf8(
        env,
        b.name.as_ptr().cast(),
        b.name.len() as isize,
        &mut name,
    ) != sys::Status::napi_ok
        || sys::napi_create_async_work(
            env,
            ptr::null_mut(),
            name,
            Some(execute),
            Some(complete),
            data,
            &mut job.work,
        ) != sys::Status::napi_ok
    {
        // An unsettled deferred is simply dropped with its promise (nobody got it).
        release(env, &mut job);
        return Err(internal("creating the async work"));
    }
    if sys::napi_queue_async_work(env, job.work) != sys::Status::napi_ok {
        sys::napi_delete_async_work(env, job.work);
        release(env, &mut job);
        return Err(internal("napi_queue_async_work"));
    }
    // Counted from here until `complete`: a library closed meanwhile keeps its code (and this
    // binding) until the count drops to zero.
    b.pending.set(b.pending.get() + 1);
    thread::with(|s| s.works.insert(job.work as usize));
    // Owned by the async work from here; reclaimed in `complete`, which libuv calls exactly once
    // per queued work (after `execute`, or with napi_cancelled instead of it).
    let _ = Box::into_raw(job);
    Ok(())
}

/// Drop the buffer pins.
unsafe fn release(env: sys::napi_env, job: &mut Job) {
    for r in job.pins.drain(..) {
        sys::napi_delete_reference(env, r);
    }
}

/// The C call itself, on a pool thread or the lane.
///
/// # Safety
/// `job` is a job `start` queued; nothing else touches it until its completion. The invoker
/// reads n words from the slots and writes the result to slots[n]; the strings and pinned
/// buffers it passes to C stay alive until the completion.
pub(crate) unsafe fn execute_job(job: *mut Job) {
    let job = &mut *job;
    (job.invoke)(job.slots.as_mut_ptr());
}

/// Pool thread: the C call.
unsafe extern "C" fn execute(_env: sys::napi_env, data: *mut c_void) {
    // SAFETY: `data` is the job queued by `queue_work`; libuv orders execute before complete.
    execute_job(data as *mut Job);
}

/// JS thread: an async work's completion.
unsafe extern "C" fn complete(env: sys::napi_env, status: sys::napi_status, data: *mut c_void) {
    // SAFETY: `data` is the job `queue_work` leaked into the async work; this is its only owner.
    complete_job(env, Box::from_raw(data as *mut Job), status);
}

/// JS thread: settle the promise with the converted result (napi_ok: the C function ran), free
/// the job. Runs inside a handle scope.
pub(crate) unsafe fn complete_job(env: sys::napi_env, mut job: Box<Job>, status: sys::napi_status) {
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
        sys::napi_delete_async_work(env, job.work);
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

/// Cancel this thread's queued calls that no pool thread has started. Each cancelled one still
/// gets its `complete` (status napi_cancelled), which frees it; calls already inside C run to
/// completion.
unsafe fn cancel_queued(env: sys::napi_env) {
    let works: Vec<usize> = thread::with(|s| {
        if std::mem::replace(&mut s.stopping, true) {
            Vec::new()
        } else {
            s.works.iter().copied().collect()
        }
    });
    for w in works {
        // Fails (harmlessly) for a work already running.
        sys::napi_cancel_async_work(env, w as sys::napi_async_work);
    }
}

/// `{ value, errno }`, the result of a nonblocking `errno: true` call (docs/errno.md §1).
///
/// # Safety
/// On env's JS thread, inside a handle scope; `value` is a value of this scope.
unsafe fn with_errno(env: sys::napi_env, value: sys::napi_value, errno: i32) -> sys::napi_value {
    let mut obj = ptr::null_mut();
    let mut e = ptr::null_mut();
    sys::napi_create_object(env, &mut obj);
    sys::napi_create_int32(env, errno, &mut e);
    sys::napi_set_named_property(env, obj, c"value".as_ptr(), value);
    sys::napi_set_named_property(env, obj, c"errno".as_ptr(), e);
    obj
}
