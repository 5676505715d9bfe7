//! Strings both ways: the C copies of string arguments (slow path: [`StringScratch`]; fast
//! path: the `ffast_str_*` helpers the trampolines call), the thread's kept copy of a string
//! result that pointed into them, and C text decoded into JS strings (N-API's [`c_string`], and
//! the thread's V8 decoder function).

use crate::errors::ErrorCode;
use crate::v8::tagged::{number_of, Num};
use crate::v8::V8;
use ffast_core::trampoline::MAX_SAFE;
use ffast_core::Type;
use napi::sys;
use std::ptr;

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
    pub(super) fn string(&mut self, env: sys::napi_env, v: sys::napi_value) -> *const u8 {
        let room = SCRATCH - self.used;
        let mut got = 0usize;
        if room > 4 {
            // SAFETY: used < SCRATCH, so the pointer stays inside the buffer.
            let at = unsafe { self.buf.add(self.used) };
            // SAFETY: `at` has `room` writable bytes; napi writes at most that many, NUL included.
            // Status ignored: `v` is a string (the caller checked), so this cannot fail.
            let _ = unsafe { sys::napi_get_value_string_utf8(env, v, at.cast(), room, &mut got) };
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
        // Status ignored: as above.
        let _ = unsafe { sys::napi_get_value_string_utf8(env, v, ptr::null_mut(), 0, &mut len) };
        let mut heap = vec![0u8; len + 1];
        // SAFETY: heap has len + 1 bytes; napi writes at most that many.
        // Status ignored: as above.
        let _ = unsafe {
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

/// The JS string of C text at `p`: UTF-8 up to the NUL, or exactly `len` bytes; invalid
/// sequences become U+FFFD. One decoder for `cstring()` and string results.
///
/// # Safety
/// `p` is non-null and points at a NUL-terminated string (or `len` readable bytes); runs on
/// env's thread inside a HandleScope.
pub unsafe fn c_string(env: sys::napi_env, p: *const u8, len: Option<usize>) -> sys::napi_value {
    // SAFETY: the operations below need only this function's contract (# Safety): `p` is non-null
    // and points at a NUL-terminated string (or `len` readable bytes); runs on env's thread inside
    // a HandleScope.
    unsafe {
        let bytes = match len {
            Some(n) => std::slice::from_raw_parts(p, n),
            None => std::ffi::CStr::from_ptr(p.cast()).to_bytes(),
        };
        let mut out = ptr::null_mut();
        {
            let text = String::from_utf8_lossy(bytes);
            // Status ignored: it fails only for text beyond V8's string length limit; `out` then
            // stays null, which the callers return as undefined.
            let _ = sys::napi_create_string_utf8(
                env,
                text.as_ptr().cast(),
                text.len() as isize,
                &mut out,
            );
        }
        kept_decoded(p);
        out
    }
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
    // SAFETY: the operations below need only this function's contract (# Safety): called by V8
    // only, as the regular callback of the function [`decoder`] made, with that line's
    // `FunctionCallbackInfo`.
    unsafe {
        let Ok(v8) = V8::get() else {
            return; // unreachable: the function is made only when V8 resolved
        };
        let ci = crate::v8::call_info(v8.fci, info);
        let map = DECODE_MAP.with(|m| m.get());
        let arg = |i: usize| -> Option<usize> {
            // SAFETY: i < argc, so the slot is one of this call's live argument handles.
            (i < ci.argc)
                .then(|| number_of(ci.args.add(i) as sys::napi_value, map))
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
}

/// The thread's decoder function (see [`cstring_entry`]), or None where V8's route is off
/// (fast calls off, a V8 symbol missing, raw Number reads unverified): then index.js decodes
/// through N-API (`cstring`). Made once per thread by `init`.
///
/// # Safety
/// On a JS thread inside an N-API call (a HandleScope is open), after the template-cache probe
/// (v8::uncache) and with `number_map` this thread's (v8::tagged::number_map).
pub unsafe fn decoder(number_map: usize) -> Option<sys::napi_value> {
    // SAFETY: the operations below need only this function's contract (# Safety): on a JS thread
    // inside an N-API call (a HandleScope is open), after the template-cache probe (v8::uncache)
    // and with `number_map` this thread's (v8::tagged::number_map).
    unsafe {
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
    // SAFETY: the operations below need only this function's contract (# Safety): called only by
    // trampolines: `s` points at V8's string descriptor for this call and `scratch` at `cap`
    // writable bytes of the trampoline's frame.
    unsafe {
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
}

/// Frees a string copy that `ffast_str_in` put on the heap.
///
/// # Safety
/// `p` was returned by `ffast_str_in` and did not point into its scratch.
pub unsafe extern "C" fn ffast_str_free(p: *mut u8) {
    // SAFETY: the operations below need only this function's contract (# Safety): `p` was returned
    // by `ffast_str_in` and did not point into its scratch.
    unsafe {
        // SAFETY: the block ffast_str_in allocated starts HEAP_HEADER bytes before the copy.
        libc::free(p.sub(HEAP_HEADER).cast());
    }
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
    // SAFETY: the operations below need only this function's contract (# Safety): called only by
    // trampolines: `copy` is what `ffast_str_in` returned for `scratch` (its `STR_SCRATCH` bytes)
    // in this call, and is not used afterwards.
    unsafe {
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
}

/// `ret`, or [`keep_result`]'s copy of its text when it points into the `size` bytes at
/// `start` (the text ends at the first NUL, or at the end of that memory).
///
/// # Safety
/// `[start, start + size)` is readable.
unsafe fn keep_if_inside(ret: *const u8, start: *const u8, size: usize) -> *const u8 {
    // SAFETY: the operations below need only this function's contract (# Safety): `[start, start +
    // size)` is readable.
    unsafe {
        let off = (ret as usize).wrapping_sub(start as usize);
        if off >= size {
            return ret;
        }
        // SAFETY: ret = start + off with off < size: the rest of that readable memory.
        let rest = std::slice::from_raw_parts(ret, size - off);
        let len = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        keep_result(&rest[..len])
    }
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
