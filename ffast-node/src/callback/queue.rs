//! The JS thread's side of the threadsafe function: [`call_js`] runs the items foreign threads
//! (and the thread itself, for later turns) queued: calls, reports, deferred deliveries.

use super::aggregate::call_js_agg;
use super::dispatch::run_queued;
use super::invoke::{deliver, report_now, run_js};
use super::service::{finish, Item, Service, DEFAULT};
use napi::sys;
use std::ffi::c_void;
use std::ptr;

/// The threadsafe function's call_js: runs queued items on the JS thread. `env` is null when
/// the function is being torn down: blocked callers get the default value.
///
/// # Safety
/// Called by N-API only, as the call_js of the thread's threadsafe function: on the owning JS
/// thread (or with a null `env` at teardown); `ctx` is the leaked `Service`, `data` an `Item` boxed
/// by `Service::post`, owned by this call.
pub(super) unsafe extern "C" fn call_js(
    env: sys::napi_env,
    _f: sys::napi_value,
    ctx: *mut c_void,
    data: *mut c_void,
) {
    // SAFETY: the operations below need only this function's contract (# Safety): called by N-API
    // only, as the call_js of the thread's threadsafe function: on the owning JS thread (or with a
    // null `env` at teardown); `ctx` is the leaked `Service`, `data` an `Item` boxed by
    // `Service::post`, owned by this call.
    unsafe {
        let item = *Box::from_raw(data.cast::<Item>());
        if env.is_null() {
            match item {
                Item::Call { reply: Some(r), .. } | Item::CallAgg { reply: Some(r), .. } => {
                    finish(&r, DEFAULT)
                }
                _ => {}
            }
            return;
        }
        // The service outlives its threadsafe function (services are leaked).
        let svc = &*(ctx as *const Service);
        let item = match item {
            Item::Deferred(inner) => {
                svc.deferred_done(env);
                *inner
            }
            other => other,
        };
        match item {
            Item::Call {
                slot,
                live,
                args,
                reply,
                ..
            } => {
                run_queued(env, svc, slot, &live, reply, |_| {
                    run_js(env, slot, &live, &args)
                });
            }
            Item::CallAgg {
                slot,
                live,
                args,
                bytes,
                reply,
                ..
            } => call_js_agg(env, svc, slot, live, args, bytes, reply),
            Item::Report { live, code, msg } => {
                report_now(env, live.as_ref(), svc, code, &msg, false)
            }
            Item::Deliver { live, err } => {
                let mut v = ptr::null_mut();
                // Statuses ignored: `err` is a strong reference made by `deliver` and used once
                // here; should reading it fail, `v` stays null and nothing is delivered.
                let _ = sys::napi_get_reference_value(env, err, &mut v);
                let _ = sys::napi_delete_reference(env, err);
                if !v.is_null() {
                    deliver(env, live.as_ref(), svc, v, false);
                }
                if let Some(l) = &live {
                    l.deferred.set(l.deferred.get() - 1);
                    l.release_if_idle(env);
                }
            }
            // Unwrapped above; never nested.
            Item::Deferred(_) => {}
        }
    }
}
