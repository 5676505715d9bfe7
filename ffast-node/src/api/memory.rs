//! Memory: the thread's wide and errno slots, C strings, buffers over C memory, allocation,
//! the built-in read/write helpers.

use super::common::{check, external_array_buffer, fail, raw};
use crate::errors::ErrorCode;
use crate::{memory, thread, value};
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;

/// The thread's wide slot as an 8-byte external ArrayBuffer (the JS side reads unsafe 64-bit
/// results from it as BigInt64/BigUint64).
#[napi]
pub fn wide_slot(env: Env) -> Result<Unknown<'static>> {
    let p = thread::with(|s| s.wide_slot);
    // SAFETY: the slot is leaked (never freed), so the view can outlive any call.
    unsafe { external_array_buffer(&env, p.cast(), 8) }
}
/// The thread's saved errno as a 4-byte external ArrayBuffer (`errno()` reads and `errno(v)`
/// writes it through an Int32Array: docs/errno.md).
#[napi]
pub fn errno_slot(env: Env) -> Result<Unknown<'static>> {
    let p = thread::with(|s| s.errno_saved);
    // SAFETY: the cell is leaked (never freed), so the view can outlive any call.
    unsafe { external_array_buffer(&env, p.cast(), 4) }
}
/// Read a C string: UTF-8 up to the NUL, or exactly `len` bytes (null for NULL). `ptr` is a
/// Number or a BigInt (exact above 2^53; index.js checks it first).
#[napi]
pub fn cstring(env: Env, ptr: memory::Addr, len: Option<f64>) -> Result<Unknown<'static>> {
    let ptr = ptr.0;
    if ptr == 0 {
        let mut null = std::ptr::null_mut();
        // SAFETY: creates a value in this call's scope.
        check(&env, unsafe { sys::napi_get_null(env.raw(), &mut null) })?;
        return Ok(raw(&env, null));
    }
    let len = match len {
        Some(n) if n >= 0.0 => Some(n as usize),
        Some(_) => return Err(fail(&env, ErrorCode::ArgRange, "byteLength must be >= 0")),
        None => None,
    };
    // SAFETY: the caller promises `ptr` is a readable C string (or `len` readable bytes): the
    // same contract as C's own use of the pointer. We are on env's thread in its scope.
    let v = unsafe { value::strings::c_string(env.raw(), ptr as *const u8, len) };
    Ok(raw(&env, v))
}
/// The address of a Node Buffer's bytes (index.js: the string-member arena and its big
/// blocks, docs/struct-strings.md §2). A plain N-API function rather than a bound `ptr`, so a
/// call encoding string members counts as one slow call, not one per block it makes.
#[napi]
pub fn buffer_address(env: Env, buf: Unknown) -> Result<f64> {
    let mut data = std::ptr::null_mut();
    let mut len = 0usize;
    // SAFETY: env's thread inside this N-API call; `buf` is a value of this call. N-API checks
    // that it is a Buffer (napi_invalid_arg otherwise) and writes only the two out-pointers.
    check(&env, unsafe {
        sys::napi_get_buffer_info(env.raw(), buf.raw(), &mut data, &mut len)
    })?;
    Ok(data as usize as f64)
}
/// Call `void free_fn(void *p)`: the free function a `{ type, free }` result names, right after
/// the result was decoded (docs/pointers.md §8.2). A plain N-API call, so it is never counted
/// as a slow call of a bound function.
#[napi]
pub fn call_free(free_fn: memory::Addr, p: memory::Addr) -> Result<()> {
    if free_fn.0 == 0 {
        return Err(napi::Error::from_reason("callFree: NULL function"));
    }
    // SAFETY: `free_fn` is the address dlsym gave for the symbol the definition named as its
    // result's free function (index.js looks it up and never lets user code pass another), so
    // the user declared it as `void f(void *)`; `p` is the non-NULL pointer C's function just
    // returned, which that declaration says `free_fn` takes — C's contract, as in C.
    unsafe {
        let f: unsafe extern "C" fn(*mut std::ffi::c_void) = std::mem::transmute(free_fn.0);
        f(p.0 as *mut std::ffi::c_void);
    }
    Ok(())
}
/// `alloc()` of a type aligned beyond malloc's 16 bytes: zeroed memory from C's
/// `aligned_alloc` (so C's `free` frees it), `size` rounded up to a multiple of `align` as C11
/// §7.22.3.1 requires; null when C has none. A plain N-API call: it takes no part in
/// TurboFan's inlining decisions for the common `alloc` path (index.js).
#[napi]
pub fn aligned_calloc(align: f64, size: f64) -> Option<f64> {
    let (a, n) = (align as usize, size as usize);
    if !(a.is_power_of_two() && a as f64 == align && n as f64 == size && n > 0 && n % a == 0) {
        return None;
    }
    // SAFETY: aligned_alloc with a power-of-two alignment and a size that is a multiple of it;
    // the result (when not NULL) is n writable bytes, zeroed before anyone sees them.
    unsafe {
        let p = libc::aligned_alloc(a, n);
        if p.is_null() {
            return None;
        }
        std::ptr::write_bytes(p.cast::<u8>(), 0, n);
        Some(p as usize as f64)
    }
}
/// The data address of a non-empty ArrayBuffer made by index.js for a temporary (typed
/// pointer arrays, wide strings): a plain N-API call, so making a temporary on a cold call is
/// not counted as a slow call of a bound function (ptr() is one).
#[napi]
pub fn temp_address(env: Env, buf: Unknown) -> Result<f64> {
    let mut data = std::ptr::null_mut();
    let mut len = 0usize;
    // SAFETY: `buf` is a live value of this call; napi_get_arraybuffer_info checks its type.
    let st = unsafe { sys::napi_get_arraybuffer_info(env.raw(), buf.raw(), &mut data, &mut len) };
    if st != sys::Status::napi_ok || data.is_null() || len == 0 {
        return Err(fail(
            &env,
            ErrorCode::Internal,
            "tempAddress: not a non-empty ArrayBuffer",
        ));
    }
    Ok(data as usize as f64)
}
/// A zero-copy ArrayBuffer over native memory (the memory stays owned by C). `ptr` as for
/// [`cstring`].
#[napi]
pub fn to_array_buffer(env: Env, ptr: memory::Addr, len: f64) -> Result<Unknown<'static>> {
    let ptr = ptr.0;
    if ptr == 0 && len > 0.0 {
        return Err(fail(
            &env,
            ErrorCode::NullPointer,
            "toArrayBuffer: pointer is NULL",
        ));
    }
    // SAFETY: the caller vouches that [ptr, ptr+len) stays valid while the view is used,
    // exactly as with C.
    unsafe { external_array_buffer(&env, ptr as *mut std::ffi::c_void, len as usize) }
}
/// Addresses of the built-in C-ABI helpers (`read.*`, `write.*`, `ptr`), bound by index.js
/// like any foreign function so they take the fast path too.
#[napi]
pub fn helpers(env: Env) -> Result<Unknown<'static>> {
    let mut obj = Object::new(&env)?;
    for (name, addr) in memory::helpers() {
        obj.set(name, addr as f64)?;
    }
    Ok(raw(&env, obj.raw()))
}
/// Size in bytes of a string-result cache table (string_cache.rs; lib/string-cache.js makes one).
#[napi]
pub fn str_cache_bytes() -> u32 {
    crate::string_cache::TABLE_BYTES as u32
}
