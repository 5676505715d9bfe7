//! Buffer arguments of fast calls on V8 11 to 14 (Node 20 to 26): the data address of an
//! off-heap typed array read straight from the object, and Node 20's fallback.
//!
//! V8 11 and 12 have no handle-free way to ask V8 for a view's data (`GetContents` arrived in
//! 12.6), so the general route opens a HandleScope and calls `Buffer()->Data() + ByteOffset()`
//! — about four times the cost of the whole call. On V8 13 and 14 the general route is
//! handle-free but still three calls into V8 (`IsArrayBufferView`, `HasBuffer`, `GetContents`):
//! an Int32Array argument cost ~2.5x Node 20's raw read in an independent harness. But official Node builds have neither pointer
//! compression nor the sandbox (`v8-fast-api.md` §9.9): every field of a `JSTypedArray` is a
//! full 64-bit word, and its data pointer is `external_pointer + base_pointer`, with
//! `base_pointer` zero exactly when the data lives off the JS heap. For such an array V8's
//! slow-path answer `Buffer()->Data() + ByteOffset()` *is* `external_pointer` (the buffer
//! exists already, so nothing is materialized), and reading it costs a few loads.
//!
//! Only views whose raw fields can be trusted take this path ([`classify`]): a typed array
//! (by its map's instance type), off the heap, not backed by a resizable buffer (so its
//! offset and length are fixed), non-empty, and lying inside its buffer — which also rules
//! out a detached buffer (V8 sets a detached buffer's length to 0 and leaves its views'
//! fields as they were). Everything else takes the general route, which gives the slow path's
//! address by construction, so hot and cold calls still see the same pointer for every value.
//!
//! The field offsets are those of V8 11.3 and 12.4 (its object definitions; the exported
//! accessors `ArrayBufferView::HasBuffer/ByteOffset/ByteLength` read the same offsets) and of
//! V8 13.6 and 14.6 ([`V13`]: the same fields, moved), and
//! they are trusted only after a self-check ([`verify`]) has compared the raw answer with
//! V8's own on a set of arrays built for the purpose — every element kind, offsets, on-heap,
//! empty, detached, resizable, shared, subclassed, non-views. If anything disagrees, the raw
//! path stays off and buffers keep the general route.
//!
//! Node 20 cannot take the general route for an on-heap typed array inside a fast call:
//! materializing its buffer allocates, which V8 11 forbids there. Its trampolines may give up
//! instead ([`ffast_core::trampoline::FastTargets::fallback`]): [`buf_addr_v11`] answers
//! `BUF_FALLBACK` for those arrays, V8 re-runs the call on the slow path, which materializes
//! the array — after which it is off the heap and later calls take the raw path.

use super::api::V8;
use crate::convert::ffast_buf_addr;
use ffast_core::trampoline::BUF_FALLBACK;
use napi::sys;
use std::ffi::c_void;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

// Offsets in bytes from an object's untagged address (64-bit, no pointer compression: every
// field is one 8-byte word unless noted).
/// `HeapObject::map` (tagged).
const MAP: usize = 0;
/// `Map::instance_type` (u16): `Internals::kMapInstanceTypeOffset` of `v8-internal.h`.
const MAP_INSTANCE_TYPE: usize = 12;
/// `JSArrayBufferView::bit_field` (u32): bit 0 `is_length_tracking`, bit 1
/// `is_backed_by_rab` (set for views of resizable and growable buffers).
const VIEW_RESIZABLE: u32 = 0b11;

/// Where the fields [`classify`] reads are, per V8 line.
struct Layout {
    /// `JSArrayBufferView::buffer` (tagged `JSArrayBuffer`).
    view_buffer: usize,
    /// `JSArrayBufferView::bit_field` (u32).
    view_bit_field: usize,
    /// `JSArrayBufferView::byte_offset`, `byte_length` (raw size_t).
    view_byte_offset: usize,
    view_byte_length: usize,
    /// `JSTypedArray::external_pointer` (raw) and `base_pointer` (tagged, Smi 0 off the heap).
    ta_external_pointer: usize,
    ta_base_pointer: usize,
    /// `JSArrayBuffer::byte_length` (raw size_t; 0 once detached).
    ab_byte_length: usize,
}

/// V8 11.3 and 12.4 (Node 20, 22): after the JSObject header (map, properties, elements) a
/// view has buffer, byte_offset, byte_length, bit_field; a typed array then raw_length,
/// external_pointer, base_pointer; an ArrayBuffer's byte_length is its fifth word.
const V11: Layout = Layout {
    view_buffer: 24,
    view_byte_offset: 32,
    view_byte_length: 40,
    view_bit_field: 48,
    ta_external_pointer: 64,
    ta_base_pointer: 72,
    ab_byte_length: 32,
};

/// V8 13.6 and 14.6 (Node 24, 26): views and ArrayBuffers are API objects with a C++-heap
/// wrapper word after the JSObject header, and a view's bit_field comes before its offset and
/// length. Read off the objects of Node 24.22 and 26.12 against V8's own answers (the
/// samples below: offsets, lengths, resizable and growable buffers, detached ones).
const V13: Layout = Layout {
    view_buffer: 32,
    view_bit_field: 40,
    view_byte_offset: 48,
    view_byte_length: 56,
    ta_external_pointer: 72,
    ta_base_pointer: 80,
    ab_byte_length: 40,
};

/// The layout of this V8 (set by the self-check before it runs; read only once it passed).
static USE_V13: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `JS_TYPED_ARRAY_TYPE` as the self-check found it (0: raw path off).
static TYPED_ARRAY_TYPE: AtomicU32 = AtomicU32::new(0);

/// What [`classify`] makes of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Raw {
    NotTypedArray,
    /// A typed array whose data lives on the JS heap (no buffer yet).
    OnHeap,
    /// A typed array the raw path does not serve (see the module documentation).
    Declined,
    /// The address of the first byte.
    Addr(u64),
}

/// Read a field of an object.
///
/// # Safety
/// `obj` is the untagged address of a live object with a field of type `T` at `off`.
#[inline(always)]
unsafe fn field<T: Copy>(obj: usize, off: usize) -> T {
    ((obj + off) as *const T).read()
}

/// # Safety
/// `v` is a live `Local<Value>` (a pointer to a slot holding a tagged value) on the isolate's
/// thread, with no GC able to run until the result is used; `ta_type` is the verified
/// `JS_TYPED_ARRAY_TYPE` of a V8 without pointer compression whose layout is `l` (then every
/// offset is inside the object it is read from: each is read only after the checks that
/// establish the object's type).
#[inline(always)]
unsafe fn classify(v: *const c_void, ta_type: u16, l: &Layout) -> Raw {
    let tagged = *(v as *const usize);
    // Heap objects carry tag 0b01 (kHeapObjectTag); a Smi has a 0 low bit.
    if tagged & 0b11 != 0b01 {
        return Raw::NotTypedArray;
    }
    let obj = tagged - 1;
    let map = field::<usize>(obj, MAP) - 1;
    if field::<u16>(map, MAP_INSTANCE_TYPE) != ta_type {
        return Raw::NotTypedArray;
    }
    if field::<usize>(obj, l.ta_base_pointer) != 0 {
        return Raw::OnHeap;
    }
    if field::<u32>(obj, l.view_bit_field) & VIEW_RESIZABLE != 0 {
        return Raw::Declined;
    }
    let len = field::<usize>(obj, l.view_byte_length);
    let end = field::<usize>(obj, l.view_byte_offset).saturating_add(len);
    let buffer = field::<usize>(obj, l.view_buffer) - 1;
    if len == 0 || end > field::<usize>(buffer, l.ab_byte_length) {
        return Raw::Declined;
    }
    Raw::Addr(field(obj, l.ta_external_pointer))
}

/// [`classify`] with this V8's layout (two inlined copies; the flag is fixed per process).
#[inline(always)]
unsafe fn classify_here(v: *const c_void, ta_type: u16) -> Raw {
    if USE_V13.load(Ordering::Relaxed) {
        classify(v, ta_type, &V13)
    } else {
        classify(v, ta_type, &V11)
    }
}

/// The verified instance type, if the raw path is on.
#[inline(always)]
fn typed_array_type() -> Option<u16> {
    match TYPED_ARRAY_TYPE.load(Ordering::Relaxed) {
        0 => None,
        t => Some(t as u16),
    }
}

/// Fast-path buffer helper of V8 12 (Node 22) once the raw path is verified: the raw read, or
/// the general route for everything it declines (which may materialize an on-heap array: V8
/// 12 allows allocation in fast calls).
///
/// # Safety
/// Called only by trampolines with a `Local<Value>` of the current fast call.
pub unsafe extern "C" fn buf_addr_raw(v: *const c_void) -> u64 {
    if let Some(t) = typed_array_type() {
        if let Raw::Addr(a) = classify_here(v, t) {
            return a;
        }
    }
    ffast_buf_addr(v)
}

/// Fast-path buffer helper of V8 11 (Node 20): as [`buf_addr_raw`], but an on-heap typed array
/// (whose buffer only the slow path may materialize) gives `BUF_FALLBACK`. Without a verified
/// raw layout, V8's handle-free `HasBuffer` tells on-heap arrays apart. The general route is
/// allocation-free for every other value: an off-heap view's buffer already exists.
///
/// # Safety
/// As [`buf_addr_raw`].
pub unsafe extern "C" fn buf_addr_v11(v: *const c_void) -> u64 {
    match typed_array_type() {
        Some(t) => match classify_here(v, t) {
            Raw::Addr(a) => return a,
            Raw::OnHeap => return BUF_FALLBACK,
            Raw::NotTypedArray | Raw::Declined => {}
        },
        None => {
            if let Ok(api) = V8::get() {
                if (api.is_array_buffer_view)(v) && !(api.view_has_buffer)(v) {
                    return BUF_FALLBACK;
                }
            }
        }
    }
    ffast_buf_addr(v)
}

/// Whether buffers take the raw path on this V8 (the first call runs the self-check).
///
/// # Safety
/// On env's thread, inside an N-API call.
pub unsafe fn raw_reads(env: sys::napi_env, api: &V8) -> bool {
    matches!(api.major, 11..=14) && verified(env)
}

/// The fast-path buffer helper for this V8.
///
/// # Safety
/// As [`raw_reads`].
pub unsafe fn buffer_helper(env: sys::napi_env, api: &V8) -> usize {
    // Run first: buf_addr_v11 reads its outcome too.
    let raw = raw_reads(env, api);
    if api.buffer_fallback {
        buf_addr_v11 as *const () as usize
    } else if raw {
        buf_addr_raw as *const () as usize
    } else {
        ffast_buf_addr as *const () as usize
    }
}

/// Whether the raw path is on: the self-check runs once per process, on the first thread that
/// binds a buffer parameter (the layout is the binary's, the same for every isolate). It takes
/// about 0.35 ms (mostly running the sample script); `FFAST_DEBUG=views` reports it.
unsafe fn verified(env: sys::napi_env) -> bool {
    static DONE: OnceLock<bool> = OnceLock::new();
    *DONE.get_or_init(|| {
        if crate::config::get().no_raw_views {
            return false;
        }
        let t0 = std::time::Instant::now();
        // The samples' handles go with a scope of their own.
        let mut scope = std::ptr::null_mut();
        sys::napi_open_handle_scope(env, &mut scope);
        let r = verify(env);
        sys::napi_close_handle_scope(env, scope);
        if crate::config::get().debug_views {
            match &r {
                Ok(_) => eprintln!("ffast: raw typed-array reads on ({:?})", t0.elapsed()),
                Err(why) => eprintln!("ffast: raw typed-array reads off: {why}"),
            }
        }
        match r {
            Ok(t) => {
                TYPED_ARRAY_TYPE.store(t as u32, Ordering::Relaxed);
                true
            }
            Err(_) => false,
        }
    })
}

/// The arrays the self-check compares: `[value, expectation, …]` where the expectation is
/// `raw` (must take the raw path), `no` (must not) or `any` (on-heap arrays: checked before
/// and after the slow path materializes them).
const SAMPLES: &str = r#"(function () {
  'use strict';
  const s = [];
  const add = (v, k) => { s.push(v, k); };
  const ab = new ArrayBuffer(512);
  const bytes = new Uint8Array(ab);
  for (let i = 0; i < 512; i++) bytes[i] = (i * 37 + 11) & 255;
  const kinds = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
    Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];
  if (typeof Float16Array === 'function') kinds.push(Float16Array);
  for (const K of kinds) {
    const b = K.BYTES_PER_ELEMENT;
    add(new K(ab), 'raw');
    add(new K(ab, 8 * b, 5), 'raw');
    add(new K(ab, 512 - b), 'raw');
    add(new K(256 / b), 'raw');
    add(new K(2), 'any');
    add(new K(64 / b), 'any');
    add(new K(0), 'any');
    add(new K(ab, 512), 'no');
  }
  class Sub extends Uint16Array {}
  add(new Sub(ab, 2, 9), 'raw');
  const withProp = new Int32Array(ab, 4, 7);
  withProp.extra = 1;
  add(withProp, 'raw');
  add(new Sub(3), 'any');
  if (typeof Buffer === 'function') {
    add(Buffer.from('ffast self-check: a slice of the Buffer pool'), 'raw');
    add(Buffer.alloc(300), 'raw');
  }
  const sab = new SharedArrayBuffer(128);
  add(new Uint8Array(sab, 3, 50), 'raw');
  add(sab, 'no');
  const dab = new ArrayBuffer(128);
  const d1 = new Uint8Array(dab, 16, 32);
  const d2 = new Float64Array(dab);
  structuredClone(dab, { transfer: [dab] });
  if (dab.byteLength !== 0) throw new Error('transfer did not detach');
  add(d1, 'no');
  add(d2, 'no');
  const rab = new ArrayBuffer(128, { maxByteLength: 256 });
  if (rab.resizable) {
    add(new Uint8Array(rab), 'no');
    add(new Uint8Array(rab, 8, 16), 'no');
    const oob = new Uint8Array(rab, 100, 20);
    rab.resize(64);
    add(oob, 'no');
  }
  const gsab = new SharedArrayBuffer(64, { maxByteLength: 128 });
  if (gsab.growable) {
    add(new Uint8Array(gsab), 'no');
    add(new Uint8Array(gsab, 4, 8), 'no');
  }
  add(new DataView(ab, 3, 10), 'no');
  add(ab, 'no');
  add(Uint8Array.prototype, 'no');
  add({}, 'no');
  add([1, 2, 3], 'no');
  add('text', 'no');
  add(1, 'no');
  add(1.5, 'no');
  add(null, 'no');
  add(undefined, 'no');
  add(true, 'no');
  add(10n, 'no');
  add(Symbol('x'), 'no');
  add(function f() {}, 'no');
  return s;
})()"#;

/// Run the samples and compare [`classify`] with V8: the instance type of typed arrays if all
/// agree.
///
/// # Safety
/// On env's thread, inside an N-API call and a handle scope that keeps the samples alive.
unsafe fn verify(env: sys::napi_env) -> Result<u16, String> {
    let api = V8::get().map_err(|e| e.to_string())?;
    if cfg!(not(target_pointer_width = "64")) {
        return Err("not a 64-bit target".into());
    }
    let ok = |st: sys::napi_status, what: &str| {
        if st == sys::Status::napi_ok {
            Ok(())
        } else {
            Err(format!("{what} failed ({st})"))
        }
    };
    let mut src = std::ptr::null_mut();
    ok(
        sys::napi_create_string_utf8(
            env,
            SAMPLES.as_ptr().cast(),
            SAMPLES.len() as isize,
            &mut src,
        ),
        "sample source",
    )?;
    let mut list = std::ptr::null_mut();
    if sys::napi_run_script(env, src, &mut list) != sys::Status::napi_ok {
        // The samples threw (an unexpected runtime): clear the exception, stay off.
        let mut e = std::ptr::null_mut();
        sys::napi_get_and_clear_last_exception(env, &mut e);
        return Err("the sample script failed".into());
    }
    let mut n = 0u32;
    ok(sys::napi_get_array_length(env, list, &mut n), "length")?;
    let mut samples: Vec<(*const c_void, String)> = Vec::new();
    for i in (0..n).step_by(2) {
        let (mut v, mut k) = (std::ptr::null_mut(), std::ptr::null_mut());
        ok(sys::napi_get_element(env, list, i, &mut v), "sample")?;
        ok(
            sys::napi_get_element(env, list, i + 1, &mut k),
            "expectation",
        )?;
        let mut buf = [0u8; 8];
        let mut len = 0usize;
        ok(
            sys::napi_get_value_string_utf8(env, k, buf.as_mut_ptr().cast(), 8, &mut len),
            "expectation",
        )?;
        samples.push((
            v as *const c_void,
            String::from_utf8_lossy(&buf[..len]).into(),
        ));
    }
    // The instance type of the first sample, an Int8Array over `ab`.
    let first = samples.first().ok_or("no samples")?.0;
    if !(api.is_typed_array)(first) {
        return Err("the first sample is not a typed array".into());
    }
    USE_V13.store(api.major >= 13, Ordering::Relaxed);
    let obj = *(first as *const usize) - 1;
    let ta_type = field::<u16>(field::<usize>(obj, MAP) - 1, MAP_INSTANCE_TYPE);
    if ta_type == 0 {
        return Err("instance type 0".into());
    }
    // 1. Raw answers before anything is materialized (no allocation between reads).
    let before: Vec<Raw> = samples
        .iter()
        .map(|s| classify_here(s.0, ta_type))
        .collect();
    // 2. V8's answers: type, on-heap, the slow path's address (which materializes on-heap
    //    arrays), and N-API's data pointer for typed arrays.
    for ((v, want), raw) in samples.iter().zip(&before) {
        let v = *v;
        let is_ta = (api.is_typed_array)(v);
        let on_heap = is_ta && !(api.view_has_buffer)(v);
        check_one(env, api, v, *raw, is_ta, on_heap, want)
            .map_err(|e| format!("{e} (sample {:?}, before materializing)", want))?;
    }
    // 3. Again: every array is off the heap now, and arrays materialized by the slow path
    //    must take the raw path like any other.
    for ((v, want), raw0) in samples.iter().zip(&before) {
        let v = *v;
        let raw = classify_here(v, ta_type);
        let is_ta = (api.is_typed_array)(v);
        if is_ta && !(api.view_has_buffer)(v) {
            return Err("an array is still on the heap after the slow path".into());
        }
        let want = if *raw0 == Raw::OnHeap {
            if (api.view_byte_length)(v) > 0 {
                "raw"
            } else {
                "no"
            }
        } else {
            want.as_str()
        };
        check_one(env, api, v, raw, is_ta, false, want)
            .map_err(|e| format!("{e} (sample {want:?}, after materializing)"))?;
    }
    Ok(ta_type)
}

/// One sample: `raw` must agree with V8 (`is_ta`, `on_heap`), give the slow path's address when
/// it gives one, and meet the expectation `want`.
unsafe fn check_one(
    env: sys::napi_env,
    api: &V8,
    v: *const c_void,
    raw: Raw,
    is_ta: bool,
    on_heap: bool,
    want: &str,
) -> Result<(), String> {
    match raw {
        Raw::NotTypedArray if is_ta => return Err("a typed array was not recognized".into()),
        Raw::NotTypedArray => {}
        _ if !is_ta => return Err("a non-typed-array was taken for one".into()),
        Raw::OnHeap if !on_heap => return Err("an off-heap array was taken as on-heap".into()),
        _ if on_heap && raw != Raw::OnHeap => {
            return Err("an on-heap array was not recognized".into())
        }
        Raw::Addr(a) => {
            if (api.view_byte_length)(v) == 0 {
                return Err("an empty or detached view took the raw path".into());
            }
            // The slow path's own address for this value, and N-API's.
            let slow = crate::convert::buffer_address(env, v).unwrap_or(u64::MAX);
            let (mut ty, mut len, mut data, mut ab, mut off) = (
                0,
                0usize,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                0usize,
            );
            sys::napi_get_typedarray_info(
                env,
                v as sys::napi_value,
                &mut ty,
                &mut len,
                &mut data,
                &mut ab,
                &mut off,
            );
            if a != slow || a != data as u64 {
                return Err(format!(
                    "raw address {a:#x}, slow path {slow:#x}, N-API {:#x}",
                    data as u64
                ));
            }
        }
        Raw::OnHeap | Raw::Declined => {}
    }
    // The slow path runs for every view (on-heap ones are materialized here).
    if is_ta {
        crate::convert::buffer_address(env, v);
    }
    match (want, raw) {
        ("raw", Raw::Addr(_)) | ("no", Raw::NotTypedArray | Raw::Declined) | ("any", _) => Ok(()),
        _ => Err(format!("expected {want}, got {raw:?}")),
    }
}
