//! Callbacks: create and close.

use super::common::{core_fail, external_array_buffer, fail};
use crate::errors::ErrorCode;
use crate::{callback, platform};
use ffast_core::Signature;
use napi::bindgen_prelude::*;
use napi_derive::napi;

#[napi(object)]
pub struct CallbackOptions {
    /// `threads: 'queue'`: foreign-thread calls are queued, not awaited (void results only).
    pub queue: bool,
    /// How long a blocked foreign caller tolerates its JS thread inside a tracked call.
    pub deadlock_ms: f64,
}
/// Create a callback (see callback/): `[id, pointer, slot index]` (the index: the fiber mode's JS
/// loop finds the function by it, docs/callbacks.md §11.3). `report(err)` receives errors of this
/// callback, `orphan(err)` those of closed callbacks on this thread.
#[napi]
pub fn callback_create(
    env: Env,
    parameters: Vec<String>,
    result: String,
    func: Unknown,
    report: Unknown,
    orphan: Unknown,
    options: CallbackOptions,
) -> Result<Vec<f64>> {
    if !platform::supported() {
        return Err(fail(
            &env,
            ErrorCode::Unsupported,
            "callbacks: no ABI for this platform",
        ));
    }
    let sig = Signature::parse(&parameters, &result)
        .map_err(|e| core_fail(&env, &e, "in callback definition: "))?;
    let grace = std::time::Duration::from_secs_f64(options.deadlock_ms.max(0.0) / 1000.0);
    // SAFETY: an N-API call on env's thread; index.js passes functions.
    let (id, pointer, index) = unsafe {
        callback::create(
            env.raw(),
            sig,
            func.raw(),
            report.raw(),
            orphan.raw(),
            options.queue,
            grace,
        )
    }
    .map_err(|e| core_fail(&env, &e, "in callback definition: "))?;
    Ok(vec![id as f64, pointer as f64, f64::from(index)])
}
/// The staging block of callback `id`, whose signature has structs or unions by value
/// (docs/callbacks.md §6.1), as an ArrayBuffer: JS decodes aggregate parameters from it and
/// encodes an aggregate result into it. Null for a scalar-only or unknown callback.
#[napi]
pub fn callback_staging(env: Env, id: u32) -> Result<Option<Unknown<'static>>> {
    match callback::staging(id) {
        // SAFETY: the block is leaked with its slot (never freed), so the view can outlive
        // any call.
        Some((p, len)) => unsafe { external_array_buffer(&env, p.cast(), len) }.map(Some),
        None => Ok(None),
    }
}

/// Where a callback signature's aggregates are in its staging block: per declared parameter
/// its offset (-1 for a scalar), then the result's (-1 for a scalar result).
#[napi]
pub fn callback_offsets(env: Env, parameters: Vec<String>, result: String) -> Result<Vec<f64>> {
    let sig = Signature::parse(&parameters, &result)
        .map_err(|e| core_fail(&env, &e, "in callback definition: "))?;
    let mut out: Vec<f64> = sig
        .arg_offsets()
        .iter()
        .map(|o| o.map_or(-1.0, f64::from))
        .collect();
    out.push(
        sig.agg_result
            .as_ref()
            .map_or(-1.0, |a| f64::from(a.offset)),
    );
    Ok(out)
}

/// Close a callback; false when it was already closed.
#[napi]
pub fn callback_close(env: Env, id: u32) -> bool {
    // SAFETY: an N-API call on env's thread.
    unsafe { callback::close(env.raw(), id) }
}

/// The fiber mode's JS loop (docs/callbacks.md §11.3): install `drive()` for this thread;
/// the mailbox it reads, as an ArrayBuffer. Null when the mode is off.
#[napi]
pub fn fiber_loop_init(env: Env, drive: Unknown) -> Result<Option<Unknown<'static>>> {
    if !crate::fiber::enabled() {
        return Ok(None);
    }
    // SAFETY: an N-API call on env's thread; lib/fiber-loop.js passes a function.
    let Some(mb) = (unsafe { callback::fiber_init(env.raw(), drive.raw()) }) else {
        return Ok(None);
    };
    let len = crate::fiber::MAILBOX_WORDS * 8;
    // SAFETY: the mailbox lives until the env's teardown (fiber::release_thread), after which
    // no JS of this env runs.
    unsafe { external_array_buffer(&env, mb.cast(), len) }.map(Some)
}

/// The addresses of the fast resumes, bound by lib/fiber-loop.js as fast calls (the frame as
/// two int32 halves first): `[i32 result (i32, i32, i32) → i32, f64 result (i32, i32, f64) →
/// i32, void result (i32, i32) → i32]`.
#[napi]
pub fn fiber_resume_addresses() -> Vec<f64> {
    vec![
        callback::resume_i32 as *const () as usize as f64,
        callback::resume_f64 as *const () as usize as f64,
        callback::resume_void as *const () as usize as f64,
    ]
}

/// The JS loop's settling of a callback's result that is not a Number (`threw`: of what it
/// threw), then C resumed: what a resume returns.
#[napi]
pub fn fiber_settle(env: Env, hi: i32, lo: i32, threw: bool, value: Unknown) -> i32 {
    // SAFETY: on env's JS thread inside an N-API call (a handle scope holds `value`); the frame
    // halves are the JS loop's, read from this thread's mailbox.
    unsafe { callback::settle_from_js(env.raw(), hi, lo, threw, value.raw()) }
}
