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
/// Create a callback (see callback/): `[id, pointer]`. `report(err)` receives errors of this
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
    let (id, pointer) = unsafe {
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
    Ok(vec![id as f64, pointer as f64])
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
