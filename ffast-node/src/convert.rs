//! JS ⇄ C value conversion for the slow path, and the helpers the fast trampolines call.
//!
//! The rules mirror what the fast path does (V8's own conversions plus the trampoline's
//! extensions), so hot and cold calls accept the same values and give the same results:
//! - ≤32-bit integers: ToInt32 (V8's fast path truncates Numbers this way), then a C cast;
//! - 64-bit integers: integral Numbers exactly, fractions truncated, BigInt in [-2^63, 2^64);
//! - buffers: one function, [`buffer_address`], used by both paths.

use crate::errors::{ErrorCode, FfastError};
use crate::v8::tagged::{number_of, Num};
use crate::v8::V8;
use ffast_core::trampoline::{FastRet, MAX_SAFE};
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

pub fn typeof_(env: sys::napi_env, v: sys::napi_value) -> sys::napi_valuetype {
    let mut t = 0;
    // SAFETY: env is the current thread's env and v a live value of the current call.
    unsafe { sys::napi_typeof(env, v, &mut t) };
    t
}

fn describe(env: sys::napi_env, v: sys::napi_value) -> &'static str {
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
        unsafe {
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

/// Bytes of stack the slow path offers string arguments before using the heap.
pub const SCRATCH: usize = 1024;

/// Storage for the C copies of string arguments during one slow call: a caller-provided stack
/// buffer for the common short strings, the heap beyond it. The buffer is a separate,
/// uninitialised local of the caller: kept inside this struct, the compiler zeroed it on every
/// slow call (strings or not) by merging it with the neighbouring `used = 0` store.
pub struct StringScratch {
    buf: *mut u8,
    used: usize,
    heap: Vec<Vec<u8>>,
}

impl StringScratch {
    /// # Safety
    /// `buf` points at SCRATCH writable bytes that outlive every string this returns.
    pub unsafe fn new(buf: *mut u8) -> Self {
        StringScratch {
            buf,
            used: 0,
            heap: Vec::new(),
        }
    }

    /// Scratch without a stack buffer: every string is copied to the heap and owned by the
    /// scratch itself, so the copies stay valid wherever it moves (a nonblocking call keeps
    /// them in its job until the C function returns on a pool thread).
    pub fn owned() -> Self {
        StringScratch {
            buf: ptr::null_mut(),
            // No room left: `string` never touches `buf`.
            used: SCRATCH,
            heap: Vec::new(),
        }
    }

    /// A NUL-terminated UTF-8 copy of the JS string `v`, valid while `self` and its buffer live.
    fn string(&mut self, env: sys::napi_env, v: sys::napi_value) -> *const u8 {
        let room = SCRATCH - self.used;
        let mut got = 0usize;
        if room > 4 {
            // SAFETY: used < SCRATCH, so the pointer stays inside the buffer.
            let at = unsafe { self.buf.add(self.used) };
            // SAFETY: `at` has `room` writable bytes; napi writes at most that many, NUL included.
            unsafe { sys::napi_get_value_string_utf8(env, v, at.cast(), room, &mut got) };
            // A truncated copy ends within 3 bytes of the buffer's end (it stops at a UTF-8
            // boundary), so only a shorter result is certainly complete.
            if got + 4 < room {
                self.used += got + 1;
                return at;
            }
        }
        // Too long for what is left: ask for the length, then copy into a heap buffer.
        let mut len = 0usize;
        // SAFETY: a null buffer asks for the UTF-8 length only.
        unsafe { sys::napi_get_value_string_utf8(env, v, ptr::null_mut(), 0, &mut len) };
        let mut heap = vec![0u8; len + 1];
        // SAFETY: heap has len + 1 bytes; napi writes at most that many.
        unsafe {
            sys::napi_get_value_string_utf8(env, v, heap.as_mut_ptr().cast(), len + 1, &mut got)
        };
        let p = heap.as_ptr();
        self.heap.push(heap);
        p
    }
}

impl StringScratch {
    /// A string result `ret` of the call these copies were made for, made safe to decode after
    /// they are gone: when it points into one of them (C's `strstr`, `strchr`, `basename`…
    /// return pointers into their argument), the thread's copy of its text ([`keep_result`]);
    /// otherwise `ret` itself. Call it after C returned and before the scratch is dropped.
    pub fn keep(&self, ret: u64) -> u64 {
        let ret = ret as usize as *const u8;
        // SAFETY: `buf` has `used` bytes of copies (the caller's buffer outlives self), and
        // each heap copy is a live Vec of its length.
        unsafe {
            let mut out = if self.buf.is_null() {
                ret
            } else {
                keep_if_inside(ret, self.buf, self.used)
            };
            for h in &self.heap {
                if out != ret {
                    break;
                }
                out = keep_if_inside(ret, h.as_ptr(), h.len());
            }
            out as usize as u64
        }
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
                sys::napi_coerce_to_bool(env, v, &mut b);
                sys::napi_get_value_bool(env, b, &mut out);
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
    unsafe {
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
        };
    }
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

/// The final JS value of a raw C result, as the public sync wrapper returns it (index.js
/// `wrap`): undefined for void, null for NULL pointers/strings, BigInt for 64-bit values beyond
/// 2^53, the decoded string for `const char*`. Nonblocking calls settle their promise with it:
/// they cannot use the wide slot, which a later call on this thread may overwrite before the
/// promise's reactions run.
pub fn settled_value(env: sys::napi_env, ty: Type, raw: u64) -> sys::napi_value {
    let mut out = ptr::null_mut();
    // SAFETY: every call creates a value in the current HandleScope of this env (the caller
    // runs on env's thread, inside a scope).
    unsafe {
        match ty {
            Type::Void => {
                sys::napi_get_undefined(env, &mut out);
            }
            Type::Pointer | Type::String if raw == 0 => {
                sys::napi_get_null(env, &mut out);
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
                sys::napi_create_bigint_int64(env, raw as i64, &mut out);
            }
            _ => {
                sys::napi_create_bigint_uint64(env, raw, &mut out);
            }
        }
    }
    out
}

/// The JS string of C text at `p`: UTF-8 up to the NUL, or exactly `len` bytes; invalid
/// sequences become U+FFFD. One decoder for `cstring()` and string results.
///
/// # Safety
/// `p` is non-null and points at a NUL-terminated string (or `len` readable bytes); runs on
/// env's thread inside a HandleScope.
pub unsafe fn c_string(env: sys::napi_env, p: *const u8, len: Option<usize>) -> sys::napi_value {
    let bytes = match len {
        Some(n) => std::slice::from_raw_parts(p, n),
        None => std::ffi::CStr::from_ptr(p.cast()).to_bytes(),
    };
    let mut out = ptr::null_mut();
    {
        let text = String::from_utf8_lossy(bytes);
        sys::napi_create_string_utf8(env, text.as_ptr().cast(), text.len() as isize, &mut out);
    }
    kept_decoded(p);
    out
}

thread_local! {
    /// This thread's heap-number map (v8::tagged::number_map), for [`cstring_entry`]: a plain
    /// cell read on every decode, set by [`decoder`] (0: no decoder on this thread).
    static DECODE_MAP: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A C address or byte length given to [`cstring_entry`] as a Number: a non-negative integer up
/// to 2^53 (index.js checked it; anything else is reported, not trusted).
fn whole(n: Num) -> Option<usize> {
    match n {
        Num::Int(i) => usize::try_from(i).ok(),
        Num::Double(d) if (0.0..=MAX_SAFE as f64).contains(&d) && d.fract() == 0.0 => {
            Some(d as usize)
        }
        Num::Double(_) => None,
    }
}

/// The raw V8 callback of the thread's decoder function `(address[, byteLength]) -> string`:
/// [`c_string`]'s job (same bytes, same U+FFFD rule, the kept result released the same way)
/// without N-API — arguments read as tagged words, the string made by V8's own constructor
/// (v8::strings::new_string) and its word stored into the return slot, as `slow_entry` does.
/// index.js calls it with Numbers it checked (a non-NULL address; a length only when given);
/// BigInt addresses take the N-API `cstring`.
///
/// # Safety
/// Called by V8 only, as the regular callback of the function [`decoder`] made, with that
/// line's `FunctionCallbackInfo`.
unsafe extern "C" fn cstring_entry(info: *const usize) {
    let Ok(v8) = V8::get() else {
        return; // unreachable: the function is made only when V8 resolved
    };
    let ci = crate::v8::call_info(v8.fci, info);
    let map = DECODE_MAP.with(|m| m.get());
    let arg = |i: usize| -> Option<usize> {
        // SAFETY: i < argc, so the slot is one of this call's live argument handles.
        (i < ci.argc)
            .then(|| unsafe { number_of(ci.args.add(i) as sys::napi_value, map) })
            .flatten()
            .and_then(whole)
    };
    let throw = |code, msg: &str| {
        let env = crate::thread::current_env();
        crate::errors::throw(env, crate::errors::ThrowFrom::V8Callback, code, msg)
    };
    let (p, len) = match (arg(0), ci.argc) {
        (Some(p), 1) if p != 0 => (p as *const u8, None),
        (Some(p), 2) if p != 0 => match arg(1) {
            Some(n) => (p as *const u8, Some(n)),
            None => return throw(ErrorCode::ArgRange, "cstring: bad length"),
        },
        _ => return throw(ErrorCode::ArgType, "cstring: bad address"),
    };
    // The caller vouches that `p` is a readable C string (or `len` readable bytes): the same
    // contract as C's own use of the pointer, and as the N-API `cstring`'s.
    let bytes = match len {
        Some(n) => std::slice::from_raw_parts(p, n),
        None => std::ffi::CStr::from_ptr(p.cast()).to_bytes(),
    };
    let n = bytes.len();
    // SAFETY: V8 opened a HandleScope around this callback (docs/v8-binding.md §3), so the
    // string's handle lives until V8 has read the return slot.
    let made = crate::v8::strings::new_string(v8.isolate(), bytes);
    kept_decoded(p);
    match made {
        // ReturnValue::Set: the tagged word into the return slot (no pointer compression in
        // official Node builds, docs/v8-fast-api.md §9.9).
        Some(word) => *ci.ret = word,
        None => throw(
            ErrorCode::ArgRange,
            &format!("cstring: {n} bytes of text are more than a JS string can hold"),
        ),
    }
}

/// The thread's decoder function (see [`cstring_entry`]), or None where V8's route is off
/// (fast calls off, a V8 symbol missing, raw Number reads unverified): then index.js decodes
/// through N-API (`cstring`). Made once per thread by `init`.
///
/// # Safety
/// On a JS thread inside an N-API call (a HandleScope is open), after the template-cache probe
/// (v8::uncache) and with `number_map` this thread's (v8::tagged::number_map).
pub unsafe fn decoder(number_map: usize) -> Option<sys::napi_value> {
    let api = V8::get().ok()?;
    if number_map == 0 || !crate::v8::strings::resolve() {
        return None;
    }
    DECODE_MAP.with(|m| m.set(number_map));
    let f = api.new_function(
        cstring_entry as *const () as usize,
        None,
        &[],
        Type::Void,
        false,
        false,
    )?;
    Some(f as sys::napi_value)
}

/// Where an empty buffer points C: a few read-only zero bytes, never written (a write faults,
/// as one through NULL would). V8 gives a buffer of length 0 no memory — its data pointer is
/// NULL for `new ArrayBuffer(0)`, an empty on-heap typed array once materialized, and a
/// detached buffer — but C treats NULL as "no buffer" (and `memcpy(d, NULL, 0)` is undefined
/// behaviour before C2y), while an empty buffer is a buffer. Every empty buffer therefore
/// reaches C as a valid, non-NULL address with nothing to read, on every route.
#[repr(align(16))]
struct EmptyBytes([u8; 16]);
static EMPTY: EmptyBytes = EmptyBytes([0; 16]);

/// The address C gets for a buffer whose data address is `a`.
fn non_null(a: u64) -> u64 {
    if a == 0 {
        EMPTY.0.as_ptr() as u64
    } else {
        a
    }
}

/// Address of the first byte of a buffer argument (byteOffset applied), `Some(0)` for
/// null/undefined, `None` when `v` is not a buffer (an object that only looks like one —
/// `Object.create(ArrayBuffer.prototype)`, a Proxy — is not). The slow path's entry: it
/// validates, then shares [`data_address`] with the fast trampolines, so both paths agree on
/// every pointer, empty views included.
///
/// # Safety
/// `v` must be a live value slot (a `Local<Value>`) of the current call on env's thread.
pub unsafe fn buffer_address(env: sys::napi_env, v: *const c_void) -> Option<u64> {
    // Views first (the common case, and a V8 type check is cheaper than napi_typeof).
    if let Ok(api) = V8::get() {
        if (api.is_array_buffer_view)(v) {
            return data_address(env, v, false).map(non_null);
        }
    }
    match typeof_(env, v as sys::napi_value) {
        sys::ValueType::napi_null | sys::ValueType::napi_undefined => Some(0),
        sys::ValueType::napi_object => data_address(env, v, false).map(non_null),
        _ => None,
    }
}

/// The address of a value already known to be a buffer, null or undefined (the JS wrapper
/// checks this before the fast call): NULL for null and undefined, never NULL for a buffer.
/// `fast_call`: no HandleScope is open (V8 opens one around regular callbacks only), so
/// materializing a view's buffer needs a scope of its own.
///
/// # Safety
/// As [`buffer_address`].
pub unsafe fn buffer_address_unchecked(
    env: sys::napi_env,
    v: *const c_void,
    fast_call: bool,
) -> Option<u64> {
    Some(data_address(env, v, fast_call).map_or(0, non_null))
}

/// The data address of an ArrayBuffer, SharedArrayBuffer or view (byteOffset applied; 0 when
/// it has no memory), `None` for anything else. Views come first: they are the common case.
///
/// # Safety
/// As [`buffer_address_unchecked`].
unsafe fn data_address(env: sys::napi_env, v: *const c_void, fast_call: bool) -> Option<u64> {
    let nv = v as sys::napi_value;
    let Ok(api) = V8::get() else {
        // No V8 API (N-API fallback mode): N-API cannot see SharedArrayBuffers before Node 24.
        let mut is = false;
        sys::napi_is_arraybuffer(env, nv, &mut is);
        if is {
            let mut data = ptr::null_mut();
            let mut len = 0;
            sys::napi_get_arraybuffer_info(env, nv, &mut data, &mut len);
            return Some(data as u64);
        }
        return view_address_napi(env, nv, fast_call);
    };
    // Handle-free paths: V8 API methods take `this` = the value slot.
    if (api.is_array_buffer_view)(v) {
        if let Some(get_contents) = api.view_get_contents {
            if (api.view_has_buffer)(v) {
                // An off-heap view: GetContents returns its data pointer (byteOffset applied)
                // without copying or allocating.
                return Some(get_contents(v, ptr::null_mut(), 0).data as u64);
            }
        }
        // Buffer()->Data() + ByteOffset(): the same formula N-API uses, so both paths agree.
        // A regular callback already runs inside V8's HandleScope; a fast call needs its own.
        if let Some(scope) = api.scope.as_ref() {
            let address = || {
                let data = (api.array_buffer_data)((scope.view_buffer)(v)) as u64;
                // No memory (empty or detached): no offset either.
                if data == 0 {
                    0
                } else {
                    data + (scope.view_byte_offset)(v) as u64
                }
            };
            return Some(if fast_call {
                api.with_scope(scope, address)
            } else {
                address()
            });
        }
        return view_address_napi(env, nv, fast_call);
    }
    if (api.is_array_buffer)(v) {
        return Some((api.array_buffer_data)(v) as u64);
    }
    if (api.is_shared_array_buffer)(v) {
        return Some((api.shared_array_buffer_data)(v) as u64);
    }
    None
}

/// TypedArray/DataView data through N-API. This materializes an on-heap view's buffer (an
/// allocation, after which its address is stable); inside a fast call it needs its own handle
/// scope (N-API's allocates, so the V8 scope above is preferred where it exists).
unsafe fn view_address_napi(
    env: sys::napi_env,
    v: sys::napi_value,
    fast_call: bool,
) -> Option<u64> {
    let mut scope = ptr::null_mut();
    if fast_call {
        sys::napi_open_handle_scope(env, &mut scope);
    }
    let mut data: *mut c_void = ptr::null_mut();
    let mut is = false;
    let mut ok = false;
    sys::napi_is_typedarray(env, v, &mut is);
    if is {
        let (mut t, mut len, mut off) = (0, 0usize, 0usize);
        ok = sys::napi_get_typedarray_info(
            env,
            v,
            &mut t,
            &mut len,
            &mut data,
            ptr::null_mut(),
            &mut off,
        ) == sys::Status::napi_ok;
    } else {
        sys::napi_is_dataview(env, v, &mut is);
        if is {
            let (mut len, mut off) = (0usize, 0usize);
            ok =
                sys::napi_get_dataview_info(env, v, &mut len, &mut data, ptr::null_mut(), &mut off)
                    == sys::Status::napi_ok;
        }
    }
    if fast_call {
        sys::napi_close_handle_scope(env, scope);
    }
    ok.then_some(data as u64)
}

/// `FastOneByteString` (fact sheet §5.1): Latin-1 bytes, not NUL-terminated.
#[repr(C)]
pub struct FastOneByteString {
    data: *const u8,
    length: u32,
}

/// Bytes in front of a fast-path heap copy: its allocated size (a `usize`), so that
/// [`ffast_str_release`] knows the copy's extent after C may have written NULs into it. 16, so
/// the text keeps malloc's alignment.
const HEAP_HEADER: usize = 16;

/// Fast-path string argument: a NUL-terminated UTF-8 copy of a Latin-1 string, in `scratch`
/// when it fits (the common case: no allocation), else on the C heap (behind a
/// [`HEAP_HEADER`]).
///
/// # Safety
/// Called only by trampolines: `s` points at V8's string descriptor for this call and
/// `scratch` at `cap` writable bytes of the trampoline's frame.
pub unsafe extern "C" fn ffast_str_in(
    s: *const FastOneByteString,
    scratch: *mut u8,
    cap: u32,
) -> *mut u8 {
    let (data, n) = ((*s).data, (*s).length as usize);
    // Common case: ASCII that fits the scratch. One pass, eight bytes at a time: copy while
    // checking the high bits; any non-ASCII byte sends us to the transcoding path below.
    if n < cap as usize {
        let mut i = 0;
        while i + 8 <= n {
            let w = ptr::read_unaligned(data.add(i) as *const u64);
            if w & 0x8080_8080_8080_8080 != 0 {
                break;
            }
            ptr::write_unaligned(scratch.add(i) as *mut u64, w);
            i += 8;
        }
        while i < n && *data.add(i) < 0x80 {
            *scratch.add(i) = *data.add(i);
            i += 1;
        }
        if i == n {
            *scratch.add(n) = 0;
            return scratch;
        }
    }
    let bytes = std::slice::from_raw_parts(data, n);
    let high = bytes.iter().filter(|&&b| b >= 0x80).count();
    let need = n + high + 1;
    let out = if need <= cap as usize {
        scratch
    } else {
        let p = libc::malloc(HEAP_HEADER + need) as *mut u8;
        if p.is_null() {
            // Out of memory inside a fast call: there is no way to report it to JS.
            std::process::abort();
        }
        // SAFETY: malloc's block is aligned for a usize and HEAP_HEADER + need bytes long.
        (p as *mut usize).write(need);
        p.add(HEAP_HEADER)
    };
    // Latin-1 code point b ≥ 0x80 → two UTF-8 bytes (RFC 3629 §3).
    let mut o = out;
    for &b in bytes {
        if b < 0x80 {
            *o = b;
            o = o.add(1);
        } else {
            *o = 0xc0 | (b >> 6);
            *o.add(1) = 0x80 | (b & 0x3f);
            o = o.add(2);
        }
    }
    *o = 0;
    out
}

/// Frees a string copy that `ffast_str_in` put on the heap.
///
/// # Safety
/// `p` was returned by `ffast_str_in` and did not point into its scratch.
pub unsafe extern "C" fn ffast_str_free(p: *mut u8) {
    // SAFETY: the block ffast_str_in allocated starts HEAP_HEADER bytes before the copy.
    libc::free(p.sub(HEAP_HEADER).cast());
}

/// The end of one string argument's copy in a fast call whose result is a `string`: frees the
/// copy when it is on the heap (as [`ffast_str_free`]) and returns the result to give V8 —
/// `ret` itself, or, when `ret` points into this copy (C's `strstr`, `strchr`, `basename`…
/// return pointers into their argument), the thread's copy of that NUL-terminated text
/// ([`keep_result`]), which the JS wrapper decodes before anything else runs on the thread.
/// The trampoline calls it once per string argument, after C returned, the result chained
/// through (a result already moved lies in no copy).
///
/// # Safety
/// Called only by trampolines: `copy` is what `ffast_str_in` returned for `scratch` (its
/// `STR_SCRATCH` bytes) in this call, and is not used afterwards.
pub unsafe extern "C" fn ffast_str_release(
    ret: *const u8,
    copy: *mut u8,
    scratch: *mut u8,
) -> *const u8 {
    let heap = copy != scratch;
    let size = if heap {
        // SAFETY: a heap copy of ffast_str_in starts HEAP_HEADER bytes into its block, whose
        // first word is the copy's size.
        (copy.sub(HEAP_HEADER) as *const usize).read()
    } else {
        ffast_core::trampoline::STR_SCRATCH as usize
    };
    // SAFETY: the copy's `size` bytes are readable until it is freed just below.
    let out = keep_if_inside(ret, copy, size);
    if heap {
        // SAFETY: a heap copy of ffast_str_in, freed once (the trampoline calls this once per
        // string argument, instead of ffast_str_free).
        ffast_str_free(copy);
    }
    out
}

/// `ret`, or [`keep_result`]'s copy of its text when it points into the `size` bytes at
/// `start` (the text ends at the first NUL, or at the end of that memory).
///
/// # Safety
/// `[start, start + size)` is readable.
unsafe fn keep_if_inside(ret: *const u8, start: *const u8, size: usize) -> *const u8 {
    let off = (ret as usize).wrapping_sub(start as usize);
    if off >= size {
        return ret;
    }
    // SAFETY: ret = start + off with off < size: the rest of that readable memory.
    let rest = std::slice::from_raw_parts(ret, size - off);
    let len = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    keep_result(&rest[..len])
}

thread_local! {
    /// The text of the thread's last string result that pointed into memory the call owned
    /// (see [`keep_result`]).
    static KEPT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Results this large are freed once decoded ([`c_string`]) instead of kept for reuse.
const KEPT_REUSE_MAX: usize = 64 << 10;

/// A NUL-terminated copy of `text` in the thread's result storage, valid until the next call
/// of this function on the thread. It carries a string result out of a call whose argument
/// copies it pointed into, to the JS wrapper, which decodes it immediately (`cstr` right after
/// the call, before any other JS runs: a fast call runs no JS, and a slow call keeps it only
/// after C has returned, so callbacks C made cannot overwrite it either).
pub fn keep_result(text: &[u8]) -> *const u8 {
    KEPT.with(|k| {
        let mut k = k.borrow_mut();
        k.clear();
        k.extend_from_slice(text);
        k.push(0);
        k.as_ptr()
    })
}

/// Release a large kept result once `p` (just decoded) was it.
pub(crate) fn kept_decoded(p: *const u8) {
    KEPT.with(|k| {
        let mut k = k.borrow_mut();
        if k.as_ptr() == p && k.capacity() > KEPT_REUSE_MAX {
            *k = Vec::new();
        }
    })
}

/// Fast-path buffer argument through V8's API (on V8 11/12 the trampolines call the helpers of
/// [`crate::v8::views`] instead, which end here for what they do not read directly). The JS wrapper
/// has already checked the value is a buffer or null, so a `None` cannot happen; NULL is passed
/// if it somehow did.
///
/// # Safety
/// Called only by trampolines with a `Local<Value>` of the current fast call.
pub unsafe extern "C" fn ffast_buf_addr(v: *const c_void) -> u64 {
    let env = crate::thread::current_env();
    buffer_address_unchecked(env, v, true).unwrap_or(0)
}
