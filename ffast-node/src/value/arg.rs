//! JS → C: an argument in its 64-bit slot, with the fast path's rules, so hot and cold calls
//! accept the same values (V8's own conversions plus the trampoline's extensions):
//! - ≤32-bit integers: ToInt32 (V8's fast path truncates Numbers this way), then a C cast;
//! - 64-bit integers: integral Numbers exactly, fractions truncated, BigInt in [-2^63, 2^64);
//! - buffers: one function, `buffers::buffer_address`, used by both paths;
//! - strings: copied into a [`StringScratch`].

use super::buffers::buffer_address;
use super::kind::{describe, typeof_};
use super::strings::StringScratch;
use crate::errors::{ErrorCode, FfastError};
use crate::v8::tagged::{number_of, Num};
use ffast_core::Type;
use napi::sys;
use std::ffi::c_void;
use std::ptr;

fn type_err(i: usize, want: &str, env: sys::napi_env, v: sys::napi_value) -> FfastError {
    FfastError::new(
        ErrorCode::ArgType,
        format!(
            "invalid argument {i}: expected {want}, got {}",
            describe(env, v)
        ),
    )
}

fn range_err(i: usize, want: &str, what: String) -> FfastError {
    FfastError::new(
        ErrorCode::ArgRange,
        format!("invalid argument {i}: {what} is out of range for {want}"),
    )
}

/// A 64-bit integer argument from a Number or BigInt: bits of the value modulo 2^64, for values
/// in [-2^63, 2^64).
fn wide_arg(env: sys::napi_env, v: sys::napi_value, i: usize, ty: Type) -> Result<u64, FfastError> {
    if let Some(r) = wide_number(env, v, i, ty) {
        return r;
    }
    if typeof_(env, v) == sys::ValueType::napi_bigint {
        let mut sign = 0i32;
        let mut count = 2usize;
        let mut words = [0u64; 2];
        // SAFETY: words has room for `count` words; napi writes at most that many and
        // updates count to the number of words the BigInt needs.
        // Status ignored: `v` is a BigInt (checked above), so this cannot fail.
        let _ = unsafe {
            sys::napi_get_value_bigint_words(env, v, &mut sign, &mut count, words.as_mut_ptr())
        };
        let too_big = count > 1 || (sign != 0 && words[0] > 1 << 63);
        if too_big {
            return Err(range_err(i, ty.name(), "BigInt".into()));
        }
        let m = if count == 0 { 0 } else { words[0] };
        return Ok(if sign != 0 { m.wrapping_neg() } else { m });
    }
    Err(type_err(
        i,
        &format!("{} (number or bigint)", ty.name()),
        env,
        v,
    ))
}

/// A 64-bit integer argument from a Number (fractions truncated toward zero); `None` when `v`
/// is not a Number.
#[inline(always)]
fn wide_number(
    env: sys::napi_env,
    v: sys::napi_value,
    i: usize,
    ty: Type,
) -> Option<Result<u64, FfastError>> {
    let mut d = 0f64;
    // SAFETY: as in typeof_.
    if unsafe { sys::napi_get_value_double(env, v, &mut d) } != sys::Status::napi_ok {
        return None;
    }
    Some(wide_bits(d).ok_or_else(|| range_err(i, ty.name(), format!("{d}"))))
}

/// The 64 bits of a Number given for a 64-bit integer: truncated toward zero, modulo 2^64;
/// `None` outside [-2^63, 2^64) (NaN and infinities included).
#[inline(always)]
fn wide_bits(d: f64) -> Option<u64> {
    // trunc(d) lies in [-2^63, 2^64) exactly when d does (both bounds are exact doubles, and
    // no double lies strictly between -2^63 - 1 and -2^63); NaN fails the test. The casts
    // below truncate toward zero themselves (no libm call).
    (-9.223_372_036_854_776e18..1.844_674_407_370_955_2e19)
        .contains(&d)
        .then_some(if d < 0.0 { d as i64 as u64 } else { d as u64 })
}

/// The slot of a ≤ 32-bit integer parameter from its ToInt32 value: a C cast.
#[inline(always)]
fn narrow(ty: Type, x: i32) -> u64 {
    match ty {
        Type::I8 => x as i8 as i64 as u64,
        Type::U8 => x as u8 as u64,
        Type::I16 => x as i16 as i64 as u64,
        Type::U16 => x as u16 as u64,
        Type::I32 => x as i64 as u64,
        _ => x as u32 as u64,
    }
}

/// The slot of a numeric parameter from a Number read directly; `None` (the N-API path
/// decides, and words its errors) for other parameter types and for values that are out of
/// range or need more than a cast.
#[inline(always)]
fn number_slot(ty: Type, n: Num) -> Option<u64> {
    match (ty, n) {
        (Type::I8 | Type::U8 | Type::I16 | Type::U16 | Type::I32 | Type::U32, Num::Int(x)) => {
            Some(narrow(ty, x))
        }
        // ToInt32 is trunc(d) modulo 2^32 (0 for NaN and ±Inf): one cast below 2^63.
        (Type::I8 | Type::U8 | Type::I16 | Type::U16 | Type::I32 | Type::U32, Num::Double(d)) => {
            if d.is_nan() || d.is_infinite() {
                Some(narrow(ty, 0))
            } else {
                (d.abs() < 9.223_372_036_854_776e18).then(|| narrow(ty, d as i64 as i32))
            }
        }
        (Type::Bool, Num::Int(x)) => Some((x != 0) as u64),
        // ToBoolean: false for ±0 and NaN.
        (Type::Bool, Num::Double(d)) => Some((d != 0.0 && !d.is_nan()) as u64),
        (Type::F32, Num::Int(x)) => Some((x as f32).to_bits() as u64),
        (Type::F32, Num::Double(d)) => Some((d as f32).to_bits() as u64),
        (Type::F64, Num::Int(x)) => Some((x as f64).to_bits()),
        (Type::F64, Num::Double(d)) => Some(d.to_bits()),
        (Type::I64 | Type::U64 | Type::ISize | Type::USize | Type::Pointer, Num::Int(x)) => {
            Some(x as i64 as u64)
        }
        (Type::I64 | Type::U64 | Type::ISize | Type::USize | Type::Pointer, Num::Double(d)) => {
            wide_bits(d)
        }
        _ => None,
    }
}

/// Convert argument `i` of type `ty` to its C form in a 64-bit slot. Strings are copied into
/// `keep`, which must outlive the call. Numbers are read directly when `number_map` (see
/// [`number_of`]) allows; everything else, and every error, goes through N-API.
#[inline(always)]
pub fn arg_to_slot(
    env: sys::napi_env,
    ty: Type,
    v: sys::napi_value,
    i: usize,
    keep: &mut StringScratch,
    number_map: usize,
) -> Result<u64, FfastError> {
    // SAFETY: v is a live value of the current call, on number_map's isolate (callers pass
    // their thread's map).
    if let Some(n) = unsafe { number_of(v, number_map) } {
        if let Some(x) = number_slot(ty, n) {
            return Ok(x);
        }
    }
    arg_to_slot_napi(env, ty, v, i, keep)
}

/// [`arg_to_slot`] through N-API.
#[inline(never)]
fn arg_to_slot_napi(
    env: sys::napi_env,
    ty: Type,
    v: sys::napi_value,
    i: usize,
    keep: &mut StringScratch,
) -> Result<u64, FfastError> {
    match ty {
        Type::I8 | Type::U8 | Type::I16 | Type::U16 | Type::I32 | Type::U32 => {
            let mut x = 0i32;
            // SAFETY: as in typeof_. napi_get_value_int32 applies ToInt32 (fractions
            // truncated, modulo 2^32, NaN/±Inf → 0), exactly what V8's fast path does.
            if unsafe { sys::napi_get_value_int32(env, v, &mut x) } != sys::Status::napi_ok {
                return Err(type_err(i, &format!("{} (number)", ty.name()), env, v));
            }
            Ok(narrow(ty, x))
        }
        Type::Bool => {
            // JS truthiness (ToBoolean), which is what V8's fast path applies to any value
            // passed for a bool parameter: the slow path must agree.
            let mut b = ptr::null_mut();
            let mut out = false;
            // SAFETY: as in typeof_; ToBoolean cannot throw or run JS.
            unsafe {
                // Statuses ignored: neither can fail here (ToBoolean runs no JS, no exception is
                // pending while arguments convert, and `b` is a boolean).
                let _ = sys::napi_coerce_to_bool(env, v, &mut b);
                let _ = sys::napi_get_value_bool(env, b, &mut out);
            }
            Ok(out as u64)
        }
        Type::F32 | Type::F64 => {
            let mut d = 0f64;
            // SAFETY: as in typeof_.
            if unsafe { sys::napi_get_value_double(env, v, &mut d) } != sys::Status::napi_ok {
                return Err(type_err(i, &format!("{} (number)", ty.name()), env, v));
            }
            Ok(if ty == Type::F32 {
                (d as f32).to_bits() as u64
            } else {
                d.to_bits()
            })
        }
        Type::I64 | Type::U64 | Type::ISize | Type::USize => wide_arg(env, v, i, ty),
        // Numbers first: an address is one (asking for the type first cost a call).
        Type::Pointer => wide_number(env, v, i, ty).unwrap_or_else(|| match typeof_(env, v) {
            sys::ValueType::napi_null | sys::ValueType::napi_undefined => Ok(0),
            sys::ValueType::napi_bigint => wide_arg(env, v, i, ty),
            _ => Err(type_err(i, "pointer (number, bigint or null)", env, v)),
        }),
        Type::Buffer => {
            // SAFETY: v is a live value slot of the current call.
            unsafe { buffer_address(env, v as *const c_void) }.ok_or_else(|| {
                type_err(
                    i,
                    "buffer (ArrayBuffer, TypedArray, DataView or null)",
                    env,
                    v,
                )
            })
        }
        Type::String => match typeof_(env, v) {
            sys::ValueType::napi_null | sys::ValueType::napi_undefined => Ok(0),
            sys::ValueType::napi_string => Ok(keep.string(env, v) as u64),
            _ => Err(type_err(i, "string (or null)", env, v)),
        },
        Type::Void => Err(type_err(i, "nothing (void parameter)", env, v)),
    }
}
