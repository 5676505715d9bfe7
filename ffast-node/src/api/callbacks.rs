//! Callbacks: create and close.

use super::common::{core_fail, fail};
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
/// Close a callback; false when it was already closed.
#[napi]
pub fn callback_close(env: Env, id: u32) -> bool {
    // SAFETY: an N-API call on env's thread.
    unsafe { callback::close(env.raw(), id) }
}
