//! What kind of JS value a value is (`napi_typeof`), and its name in error messages.

use napi::sys;

pub fn typeof_(env: sys::napi_env, v: sys::napi_value) -> sys::napi_valuetype {
    let mut t = 0;
    // SAFETY: env is the current thread's env and v a live value of the current call.
    // Status ignored: napi_typeof fails only for a null value, which no caller passes (`t` would
    // stay 0, napi_undefined).
    let _ = unsafe { sys::napi_typeof(env, v, &mut t) };
    t
}

pub fn describe(env: sys::napi_env, v: sys::napi_value) -> &'static str {
    match typeof_(env, v) {
        sys::ValueType::napi_undefined => "undefined",
        sys::ValueType::napi_null => "null",
        sys::ValueType::napi_boolean => "boolean",
        sys::ValueType::napi_number => "number",
        sys::ValueType::napi_string => "string",
        sys::ValueType::napi_symbol => "symbol",
        sys::ValueType::napi_object => "object",
        sys::ValueType::napi_function => "function",
        sys::ValueType::napi_bigint => "bigint",
        _ => "external",
    }
}
