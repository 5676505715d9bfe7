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
//! Inside: `job` (the call in flight, its execution and completion) below the two executors,
//! `lane` and `pool` (the libuv thread pool); this file starts calls and picks the executor.
//!
//! Teardown (lane calls: see lane.rs): Node runs every queued async work's completion before an env (the main thread's or
//! a worker's) is destroyed (Environment::CleanupHandles waits for the thread-pool requests it
//! counted), so a job never outlives its env; settling may fail then (no JS can run) and is
//! ignored, and the completion frees a code set the env teardown left to it
//! (thread::teardown). `process.exit()` frees nothing (no teardown, no thread-local
//! destructors: docs/lifetimes.md), so a call still inside C returns into mapped code; libuv
//! joins its pool threads on the way out, the lane is abandoned.

mod job;
pub mod lane;
mod pool;

use crate::binding::Binding;
use crate::errors::{FfastError, ThrowFrom};
use crate::slow::{args_to_slots, check_count, report, with_napi_args, JsArgs};
use crate::value::kind::typeof_;
use crate::value::strings::StringScratch;
use ffast_core::Type;
use job::{internal, release, Job};
use napi::sys;
use std::ptr;

/// The N-API callback of a nonblocking function.
///
/// # Safety
/// Called by N-API only, as the callback of a function `make::napi_function` made with a
/// nonblocking binding as its data.
pub unsafe extern "C" fn entry(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: the operations below need only this function's contract (# Safety): called by N-API
    // only, as the callback of a function `make::napi_function` made with a nonblocking binding as
    // its data.
    unsafe {
        with_napi_args(env, info, |b, args| match start(env, b, args) {
            Ok(promise) => promise,
            Err(e) => {
                report(env, ThrowFrom::Napi, b, e);
                ptr::null_mut()
            }
        })
    }
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
    // SAFETY: the operations below need only this function's contract (# Safety): runs inside an
    // N-API call on env's thread; `args` are values of that call.
    unsafe {
        b.slow_calls.set(b.slow_calls.get() + 1);
        check_count(b, args)?;
        let n = b.sig.params.len();
        let mut job = Box::new(Job {
            binding: b,
            invoke: b.invoke,
            // errno: true adds slots[n + 1]: the saved value in, errno as C left it out.
            slots: vec![0; n + 1 + b.has_errno() as usize],
            strings: StringScratch::owned(),
            pins: Vec::new(),
            deferred: ptr::null_mut(),
            work: ptr::null_mut(),
        });
        let Job { slots, strings, .. } = &mut *job;
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
        pool::queue_work(env, b, job)?;
        Ok(promise)
    }
}
