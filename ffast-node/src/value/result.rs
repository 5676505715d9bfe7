//! C → JS: the value of a raw C result, in the fast-call representation the JS wrapper
//! post-processes (the slow path) or as the final value (nonblocking calls).

use super::strings::c_string;
use ffast_core::trampoline::{FastRet, MAX_SAFE};
use ffast_core::Type;
use napi::sys;
use std::ptr;

/// The JS value of a raw C result in the fast-call representation (see FastRet), so the JS
/// wrapper post-processes hot and cold results identically. `None` means undefined.
pub fn result_value(
    env: sys::napi_env,
    ty: Type,
    raw: u64,
    wide_slot: *mut u64,
) -> Option<sys::napi_value> {
    let mut out = ptr::null_mut();
    // SAFETY: every call below creates a value in the current HandleScope of this env.
    // Status ignored: these calls fail only for a null env or out-pointer, and neither is.
    let _ = unsafe {
        match FastRet::of(ty) {
            FastRet::Void => return None,
            FastRet::Bool => sys::napi_get_boolean(env, raw as u8 != 0, &mut out),
            FastRet::I32 => sys::napi_create_int32(env, int_result(ty, raw) as i32, &mut out),
            FastRet::U32 => sys::napi_create_uint32(env, int_result(ty, raw) as u32, &mut out),
            FastRet::F64 => {
                let d = if ty == Type::F32 {
                    f32::from_bits(raw as u32) as f64
                } else {
                    f64::from_bits(raw)
                };
                sys::napi_create_double(env, d, &mut out)
            }
            FastRet::WideSigned | FastRet::WideUnsigned => {
                let d = if wide_is_safe(ty, raw) {
                    if FastRet::of(ty) == FastRet::WideSigned {
                        raw as i64 as f64
                    } else {
                        raw as f64
                    }
                } else {
                    *wide_slot = raw;
                    f64::NAN
                };
                sys::napi_create_double(env, d, &mut out)
            }
        }
    };
    Some(out)
}

/// The value of a raw ≤ 32-bit integer result (FastRet::I32 and U32: narrow types extended by
/// their signedness), in i64 so both signednesses fit.
#[inline(always)]
pub fn int_result(ty: Type, raw: u64) -> i64 {
    match ty {
        Type::I8 => raw as u8 as i8 as i64,
        Type::I16 => raw as u16 as i16 as i64,
        Type::U8 => raw as u8 as i64,
        Type::U16 => raw as u16 as i64,
        Type::U32 => raw as u32 as i64,
        _ => raw as u32 as i32 as i64,
    }
}

/// The tagged word of a ≤ 32-bit integer result when it is a Smi (every int32; uint32 below
/// 2^31) and the raw Smi encoding was verified: written straight into V8's return slot, it
/// needs no handle.
#[inline(always)]
pub fn smi_result(ty: Type, raw: u64) -> Option<usize> {
    match FastRet::of(ty) {
        FastRet::I32 | FastRet::U32 => i32::try_from(int_result(ty, raw))
            .ok()
            .and_then(crate::v8::tagged::smi_word),
        _ => None,
    }
}

/// Whether a raw 64-bit result of type `ty` is exact as a JS Number (|v| ≤ 2^53 - 1).
fn wide_is_safe(ty: Type, raw: u64) -> bool {
    if FastRet::of(ty) == FastRet::WideSigned {
        (raw as i64).unsigned_abs() <= MAX_SAFE
    } else {
        raw <= MAX_SAFE
    }
}

/// The final JS value of a raw C value of type `ty` in slot form: undefined for void, null for
/// NULL pointers and strings, a Number, or a BigInt for 64-bit values beyond 2^53, the decoded
/// text (UTF-8, invalid sequences replaced) for `const char*` — what the public sync wrapper
/// returns (index.js `wrap`). The one conversion of both users that cannot use the fast-call
/// representation: nonblocking calls settle their promise with it (they cannot use the wide
/// slot, which a later call on this thread may overwrite before the promise's reactions run),
/// and callbacks pass it C's arguments (an entry trampoline extends integers to 64 bits, which
/// gives the same values).
///
/// # Safety
/// On env's thread inside a HandleScope; for `Type::String`, a non-zero `raw` is a readable
/// NUL-terminated string.
pub unsafe fn js_value(env: sys::napi_env, ty: Type, raw: u64) -> sys::napi_value {
    let mut out = ptr::null_mut();
    // SAFETY: every call creates a value in the current HandleScope of this env (the caller
    // runs on env's thread, inside a scope); a string is readable (the caller's promise).
    unsafe {
        match ty {
            Type::Void => {
                // Status ignored: fails only for a null env or out-pointer.
                let _ = sys::napi_get_undefined(env, &mut out);
            }
            Type::Pointer | Type::String if raw == 0 => {
                // Status ignored: fails only for a null env or out-pointer.
                let _ = sys::napi_get_null(env, &mut out);
            }
            // The contract of a `const char*` result: a readable NUL-terminated string.
            Type::String => out = c_string(env, raw as usize as *const u8, None),
            _ if wide_is_safe(ty, raw)
                || !matches!(FastRet::of(ty), FastRet::WideSigned | FastRet::WideUnsigned) =>
            {
                if let Some(v) = result_value(env, ty, raw, ptr::null_mut()) {
                    out = v;
                }
            }
            _ if FastRet::of(ty) == FastRet::WideSigned => {
                // Status ignored: fails only for a null env or out-pointer.
                let _ = sys::napi_create_bigint_int64(env, raw as i64, &mut out);
            }
            _ => {
                // Status ignored: fails only for a null env or out-pointer.
                let _ = sys::napi_create_bigint_uint64(env, raw, &mut out);
            }
        }
    }
    out
}
