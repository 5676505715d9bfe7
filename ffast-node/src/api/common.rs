//! What every export shares: throwing an `FfastError` and telling napi-rs it is pending,
//! checking N-API statuses, raw values as return values, ArrayBuffers over memory ffast does
//! not own.

use crate::errors::{self, ErrorCode};
use ffast_core::Error;
use napi::bindgen_prelude::*;
use napi::sys;

/// Throw `FfastError(code, msg)` and tell napi-rs the exception is already pending.
pub(super) fn fail(env: &Env, code: ErrorCode, msg: &str) -> napi::Error {
    errors::throw(env.raw(), errors::ThrowFrom::Napi, code, msg);
    napi::Error::new(Status::PendingException, msg.to_string())
}
pub(super) fn core_fail(env: &Env, e: &Error, context: &str) -> napi::Error {
    fail(
        env,
        ErrorCode::of_core(e),
        &format!("{context}{}", e.message()),
    )
}
/// A raw value as a napi-rs return value.
pub(super) fn raw(env: &Env, v: sys::napi_value) -> Unknown<'static> {
    // SAFETY: `v` was created by this call in env's current HandleScope.
    unsafe { Unknown::from_raw_unchecked(env.raw(), v) }
}
pub(super) fn check(env: &Env, st: sys::napi_status) -> Result<()> {
    if st == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(fail(
            env,
            ErrorCode::Internal,
            &format!("N-API call failed with status {st}"),
        ))
    }
}
/// An ArrayBuffer over memory ffast does not own (no finalizer frees it).
///
/// # Safety
/// `[data, data + len)` must stay valid for as long as JS may use the buffer.
pub(super) unsafe fn external_array_buffer(
    env: &Env,
    data: *mut std::ffi::c_void,
    len: usize,
) -> Result<Unknown<'static>> {
    // SAFETY: the operations below need only this function's contract (# Safety): `[data, data +
    // len)` must stay valid for as long as JS may use the buffer.
    unsafe {
        let mut ab = std::ptr::null_mut();
        check(
            env,
            sys::napi_create_external_arraybuffer(
                env.raw(),
                data,
                len,
                None,
                std::ptr::null_mut(),
                &mut ab,
            ),
        )?;
        Ok(raw(env, ab))
    }
}
