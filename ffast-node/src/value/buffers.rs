//! Buffer arguments: the data address C gets for an ArrayBuffer, SharedArrayBuffer, typed
//! array or DataView, one function for both paths (the slow path validates first; the fast
//! trampolines call [`ffast_buf_addr`], or on V8 11 to 14 the raw views of `views`, which end here
//! for what they do not read directly).

use super::kind::typeof_;
use crate::v8::V8;
use napi::sys;
use std::ffi::c_void;
use std::ptr;

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
    // SAFETY: the operations below need only this function's contract (# Safety): `v` must be a
    // live value slot (a `Local<Value>`) of the current call on env's thread.
    unsafe {
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
    // SAFETY: the contract is data_address's.
    unsafe { Some(data_address(env, v, fast_call).map_or(0, non_null)) }
}

/// The data address of an ArrayBuffer, SharedArrayBuffer or view (byteOffset applied; 0 when
/// it has no memory), `None` for anything else. Views come first: they are the common case.
///
/// # Safety
/// As [`buffer_address_unchecked`].
unsafe fn data_address(env: sys::napi_env, v: *const c_void, fast_call: bool) -> Option<u64> {
    // SAFETY: the operations below need only this function's contract (# Safety): as
    // [`buffer_address_unchecked`].
    unsafe {
        let nv = v as sys::napi_value;
        let Ok(api) = V8::get() else {
            // No V8 API (N-API fallback mode): N-API cannot see SharedArrayBuffers before Node 24.
            let mut is = false;
            // Status ignored: on failure `is` stays false (not an ArrayBuffer).
            let _ = sys::napi_is_arraybuffer(env, nv, &mut is);
            if is {
                let mut data = ptr::null_mut();
                let mut len = 0;
                // Status ignored: `nv` is an ArrayBuffer, so this cannot fail.
                let _ = sys::napi_get_arraybuffer_info(env, nv, &mut data, &mut len);
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
}

/// TypedArray/DataView data through N-API. This materializes an on-heap view's buffer (an
/// allocation, after which its address is stable); inside a fast call it needs its own handle
/// scope (N-API's allocates, so the V8 scope above is preferred where it exists).
///
/// # Safety
/// As [`buffer_address_unchecked`]: `v` is a live value of the current call on env's thread.
unsafe fn view_address_napi(
    env: sys::napi_env,
    v: sys::napi_value,
    fast_call: bool,
) -> Option<u64> {
    // SAFETY: the operations below need only this function's contract (# Safety): as
    // [`buffer_address_unchecked`]: `v` is a live value of the current call on env's thread.
    unsafe {
        let mut scope = ptr::null_mut();
        if fast_call {
            // Status ignored: fails only for a null env or out-pointer.
            let _ = sys::napi_open_handle_scope(env, &mut scope);
        }
        let mut data: *mut c_void = ptr::null_mut();
        let mut is = false;
        let mut ok = false;
        // Statuses of the type tests ignored: on failure `is` stays false (not that kind).
        let _ = sys::napi_is_typedarray(env, v, &mut is);
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
            let _ = sys::napi_is_dataview(env, v, &mut is);
            if is {
                let (mut len, mut off) = (0usize, 0usize);
                ok = sys::napi_get_dataview_info(
                    env,
                    v,
                    &mut len,
                    &mut data,
                    ptr::null_mut(),
                    &mut off,
                ) == sys::Status::napi_ok;
            }
        }
        if fast_call {
            // Status ignored: closes the scope opened above (the innermost): cannot fail.
            let _ = sys::napi_close_handle_scope(env, scope);
        }
        ok.then_some(data as u64)
    }
}

/// Fast-path buffer argument through V8's API (on V8 11 to 14 the trampolines call the helpers of
/// [`super::views`] instead, which end here for what they do not read directly). The JS wrapper
/// has already checked the value is a buffer or null, so a `None` cannot happen; NULL is passed
/// if it somehow did.
///
/// # Safety
/// Called only by trampolines with a `Local<Value>` of the current fast call.
pub unsafe extern "C" fn ffast_buf_addr(v: *const c_void) -> u64 {
    // SAFETY: the operations below need only this function's contract (# Safety): called only by
    // trampolines with a `Local<Value>` of the current fast call.
    unsafe {
        let env = crate::thread::current_env();
        buffer_address_unchecked(env, v, true).unwrap_or(0)
    }
}
