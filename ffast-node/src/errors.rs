//! `FfastError`: the JS error every failure ffast detects becomes (`err.code` ERR_FFAST_…),
//! made from the class index.js registered at `init`, and thrown the way the current callback
//! kind requires.

use crate::thread;
use napi::sys;

/// Every `err.code` the native side gives an FfastError (index.js raises some of these itself,
/// and `ERR_FFAST_SYMBOL_NOT_FOUND`, which only it detects). A new kind of failure gets a
/// variant here, its text in [`ErrorCode::as_str`], and a line in README "Definitions" (the list of codes) and
/// index.d.ts (`FfastErrorCode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// An argument of the wrong JS type for its parameter.
    ArgType,
    /// An argument of the right type whose value C's type cannot hold.
    ArgRange,
    /// A call with the wrong number of arguments.
    ArgCount,
    /// An unknown or malformed type name.
    Type,
    /// A malformed definition.
    Definition,
    /// What this platform, ABI or V8 cannot do.
    Unsupported,
    /// Executable memory could not be had or sealed.
    Jit,
    /// A closed library or callback was used.
    Closed,
    /// dlopen failed.
    LibraryNotFound,
    /// A NULL pointer where memory is needed.
    NullPointer,
    /// A callback called synchronously outside a call that may run JS.
    CallbackContext,
    /// A blocking callback from a foreign thread gave up on its busy JS thread.
    CallbackDeadlock,
    /// A nonblocking call that never ran.
    Cancelled,
    /// A failure of ffast itself (an N-API call that should not fail, a backend bug).
    Internal,
}

impl ErrorCode {
    /// The code as JS sees it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ArgType => "ERR_FFAST_ARG_TYPE",
            ErrorCode::ArgRange => "ERR_FFAST_ARG_RANGE",
            ErrorCode::ArgCount => "ERR_FFAST_ARG_COUNT",
            ErrorCode::Type => "ERR_FFAST_TYPE",
            ErrorCode::Definition => "ERR_FFAST_DEFINITION",
            ErrorCode::Unsupported => "ERR_FFAST_UNSUPPORTED",
            ErrorCode::Jit => "ERR_FFAST_JIT",
            ErrorCode::Closed => "ERR_FFAST_CLOSED",
            ErrorCode::LibraryNotFound => "ERR_FFAST_LIBRARY_NOT_FOUND",
            ErrorCode::NullPointer => "ERR_FFAST_NULL_POINTER",
            ErrorCode::CallbackContext => "ERR_FFAST_CALLBACK_CONTEXT",
            ErrorCode::CallbackDeadlock => "ERR_FFAST_CALLBACK_DEADLOCK",
            ErrorCode::Cancelled => "ERR_FFAST_CANCELLED",
            ErrorCode::Internal => "ERR_FFAST_INTERNAL",
        }
    }

    /// The code of an ffast-core error (the same text as `Error::code`; a test checks it).
    pub fn of_core(e: &ffast_core::Error) -> ErrorCode {
        match e {
            ffast_core::Error::Type(_) => ErrorCode::Type,
            ffast_core::Error::Definition(_) => ErrorCode::Definition,
            ffast_core::Error::Unsupported(_) => ErrorCode::Unsupported,
            ffast_core::Error::Jit(_) => ErrorCode::Jit,
            ffast_core::Error::Encode(_) => ErrorCode::Internal,
        }
    }
}

/// A failure on its way to JS as an `FfastError`: its code and message.
pub struct FfastError {
    pub code: ErrorCode,
    pub msg: String,
}

impl FfastError {
    pub fn new(code: ErrorCode, msg: impl Into<String>) -> FfastError {
        FfastError {
            code,
            msg: msg.into(),
        }
    }
}

/// Where a throw happens: inside an N-API callback (napi-rs functions, the N-API fallback), or
/// inside a raw V8 callback (the slow path of fast functions).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ThrowFrom {
    Napi,
    V8Callback,
}

/// A new `FfastError(code, message)` (a plain Error before `init`, or when the class cannot
/// run), not thrown. None if it could not be created (e.g. the env is shutting down).
pub fn error_value(env: sys::napi_env, code: ErrorCode, msg: &str) -> Option<sys::napi_value> {
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
pub fn ffast_error(env: sys::napi_env, code: ErrorCode, msg: &str) -> Option<sys::napi_value> {
    // SAFETY: as in `error_value`.
    unsafe { ffast_error_and_args(env, code, msg).0 }
}

/// The FfastError (if its constructor ran) and the two argument strings.
///
/// # Safety
/// On env's JS thread inside a HandleScope.
unsafe fn ffast_error_and_args(
    env: sys::napi_env,
    code: ErrorCode,
    msg: &str,
) -> (Option<sys::napi_value>, [sys::napi_value; 2]) {
    // SAFETY: the operations below need only this function's contract (# Safety): on env's JS
    // thread inside a HandleScope.
    unsafe {
        let class = thread::with(|s| s.error_class);
        let mut args = [std::ptr::null_mut(); 2];
        let code = code.as_str();
        // Statuses ignored: strings this short fail only for a null env or out-pointer.
        let _ = sys::napi_create_string_utf8(
            env,
            code.as_ptr().cast(),
            code.len() as isize,
            &mut args[0],
        );
        let _ = sys::napi_create_string_utf8(
            env,
            msg.as_ptr().cast(),
            msg.len() as isize,
            &mut args[1],
        );
        let mut ctor = std::ptr::null_mut();
        let mut pending = false;
        // Status ignored: fails only for a null env or out-pointer.
        let _ = sys::napi_is_exception_pending(env, &mut pending);
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
        // Status ignored: fails only for a null env or out-pointer.
        let _ = sys::napi_get_and_clear_last_exception(env, &mut e);
        (None, args)
    }
}

/// Throw an `FfastError(code, message)` (or a plain Error before `init`).
pub fn throw(env: sys::napi_env, from: ThrowFrom, code: ErrorCode, msg: &str) {
    // SAFETY: env is the current thread's env; the error value lives in the current scope.
    unsafe {
        let mut pending = false;
        // Status ignored: fails only for a null env or out-pointer.
        let _ = sys::napi_is_exception_pending(env, &mut pending);
        if pending {
            return;
        }
        match (error_value(env, code, msg), from, crate::v8::V8::get()) {
            (Some(err), ThrowFrom::V8Callback, Ok(v8)) => v8.throw(err as *const std::ffi::c_void),
            (Some(err), _, _) => {
                // Status ignored: if throwing fails there is nothing left to report with.
                let _ = sys::napi_throw(env, err);
            }
            (None, _, _) => {
                let c = std::ffi::CString::new(code.as_str()).unwrap_or_default();
                let m = std::ffi::CString::new(msg.replace('\0', " ")).unwrap_or_default();
                // Status ignored: as above.
                let _ = sys::napi_throw_error(env, c.as_ptr(), m.as_ptr());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;
    use ffast_core::Error;

    #[test]
    fn core_errors_keep_their_codes() {
        for e in [
            Error::Type(String::new()),
            Error::Definition(String::new()),
            Error::Unsupported(String::new()),
            Error::Jit(String::new()),
            Error::Encode(String::new()),
        ] {
            assert_eq!(ErrorCode::of_core(&e).as_str(), e.code());
        }
    }
}
