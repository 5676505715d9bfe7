//! Nonblocking calls on the libuv thread pool (`napi_create_async_work`): the calls made while
//! the thread's lane is busy.

use super::job::{complete_job, execute_job, internal, release, Job};
use crate::binding::Binding;
use crate::errors::FfastError;
use crate::thread;
use napi::sys;
use std::ffi::c_void;
use std::ptr;

/// Run `job` on the libuv pool.
///
/// # Safety
/// On env's JS thread, inside an N-API call; `job` is ready to run and has its deferred.
pub(super) unsafe fn queue_work(
    env: sys::napi_env,
    b: &Binding,
    mut job: Box<Job>,
) -> Result<(), FfastError> {
    // SAFETY: the operations below need only this function's contract (# Safety): on env's JS
    // thread, inside an N-API call; `job` is ready to run and has its deferred.
    unsafe {
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
            // Status ignored: the work made above, never queued, deleted once: cannot fail.
            let _ = sys::napi_delete_async_work(env, job.work);
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
}

/// Pool thread: the C call.
///
/// # Safety
/// Called by libuv only, on a pool thread, with the job `queue_work` gave the async work.
unsafe extern "C" fn execute(_env: sys::napi_env, data: *mut c_void) {
    // SAFETY: the operations below need only this function's contract (# Safety): called by libuv
    // only, on a pool thread, with the job `queue_work` gave the async work.
    unsafe {
        // SAFETY: `data` is the job queued by `queue_work`; libuv orders execute before complete.
        execute_job(data as *mut Job);
    }
}

/// JS thread: an async work's completion.
///
/// # Safety
/// Called by N-API only, on env's JS thread, once per queued work, with the job `queue_work`
/// leaked into it.
unsafe extern "C" fn complete(env: sys::napi_env, status: sys::napi_status, data: *mut c_void) {
    // SAFETY: the operations below need only this function's contract (# Safety): called by N-API
    // only, on env's JS thread, once per queued work, with the job `queue_work` leaked into it.
    unsafe {
        // SAFETY: `data` is the job `queue_work` leaked into the async work; this is its only owner.
        complete_job(env, Box::from_raw(data as *mut Job), status);
    }
}
