//! `FfastError`: the JS error every failure ffast detects becomes (`err.code` ERR_FFAST_…),
//! made from the class index.js registered at `init`, and thrown the way the current callback
//! kind requires.

use crate::thread;
use napi::sys;

/// Where a throw happens: inside an N-API callback (napi-rs functions, the N-API fallback), or
/// inside a raw V8 callback (the slow path of fast functions).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ThrowFrom {
    Napi,
    V8Callback,
}

/// A new `FfastError(code, message)` (a plain Error before `init`, or when the class cannot
/// run), not thrown. None if it could not be created (e.g. the env is shutting down).
pub fn error_value(env: sys::napi_env, code: &str, msg: &str) -> Option<sys::napi_value> {
    // SAFETY: env is the current thread's env; values live in the current HandleScope.
    unsafe {
        let (err, args) = ffast_error_and_args(env, code, msg);
        if err.is_some() {
            return err;
        }
        let mut err = std::ptr::null_mut();
        (sys::napi_create_error(env, args[0], args[1], &mut err) == sys::Status::napi_ok)
            .then_some(err)
    }
}

/// A new `FfastError(code, message)`, or None when the class cannot run here (before `init`;
/// the JS stack is exhausted; the env is shutting down). Leaves no exception pending.
pub fn ffast_error(env: sys::napi_env, code: &str, msg: &str) -> Option<sys::napi_value> {
    // SAFETY: as in `error_value`.
    unsafe { ffast_error_and_args(env, code, msg).0 }
}

/// The FfastError (if its constructor ran) and the two argument strings.
///
/// # Safety
/// On env's JS thread inside a HandleScope.
unsafe fn ffast_error_and_args(
    env: sys::napi_env,
    code: &str,
    msg: &str,
) -> (Option<sys::napi_value>, [sys::napi_value; 2]) {
    let class = thread::with(|s| s.error_class);
    let mut args = [std::ptr::null_mut(); 2];
    sys::napi_create_string_utf8(env, code.as_ptr().cast(), code.len() as isize, &mut args[0]);
    sys::napi_create_string_utf8(env, msg.as_ptr().cast(), msg.len() as isize, &mut args[1]);
    let mut ctor = std::ptr::null_mut();
    let mut pending = false;
    sys::napi_is_exception_pending(env, &mut pending);
    // (With an exception pending no JS can run, and clearing below would lose that one.)
    if pending
        || class.is_null()
        || sys::napi_get_reference_value(env, class, &mut ctor) != sys::Status::napi_ok
        || ctor.is_null()
    {
        return (None, args);
    }
    let mut err = std::ptr::null_mut();
    if sys::napi_new_instance(env, ctor, 2, args.as_ptr(), &mut err) == sys::Status::napi_ok {
        return (Some(err), args);
    }
    // The constructor is JS: at the stack limit it throws a RangeError instead of running.
    // Leave nothing pending (the next N-API call would fail on it).
    let mut e = std::ptr::null_mut();
    sys::napi_get_and_clear_last_exception(env, &mut e);
    (None, args)
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
