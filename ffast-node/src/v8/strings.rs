//! JS strings made from C text with V8's own constructors (`String::NewFromOneByte`,
//! `String::NewFromUtf8`), for the raw callback that decodes `cstring()` and `string` results
//! (`value::strings::cstring_entry`, docs/strings.md §4). Going through N-API instead cost a napi-rs
//! call per string: argument unwrapping, `napi_create_string_utf8`'s env checks and its own
//! handle, and a copy of the text into a Rust `String` first.

use super::symbols::sym;
use std::ffi::c_void;
use std::sync::OnceLock;

/// `MaybeLocal<String> String::NewFromOneByte(Isolate*, const uint8_t*, NewStringType, int)`
/// and `NewFromUtf8(Isolate*, const char*, NewStringType, int)`: static members, so no `this`;
/// `NewStringType` is an `enum class` without an underlying type (`int`); the `MaybeLocal`
/// result is one pointer, null when empty (docs/v8-binding.md §2).
type FnNewString = unsafe extern "C" fn(*mut c_void, *const u8, i32, i32) -> *mut usize;

/// `NewStringType::kNormal` (not internalized).
const NORMAL: i32 = 0;

struct Fns {
    one_byte: FnNewString,
    utf8: FnNewString,
}

static FNS: OnceLock<Option<Fns>> = OnceLock::new();

/// Resolve the two constructors, once per process; false if either is missing (then strings
/// keep the N-API route).
pub fn resolve() -> bool {
    FNS.get_or_init(|| {
        Some(Fns {
            one_byte: sym("_ZN2v86String14NewFromOneByteEPNS_7IsolateEPKhNS_13NewStringTypeEi")
                .ok()?,
            utf8: sym("_ZN2v86String11NewFromUtf8EPNS_7IsolateEPKcNS_13NewStringTypeEi").ok()?,
        })
    })
    .is_some()
}

/// The JS string of `bytes` decoded as UTF-8, invalid sequences replaced by U+FFFD exactly as
/// Rust's `String::from_utf8_lossy` replaces them (the N-API route's decoder: one rule on both
/// routes). ASCII text, the common case, is copied as one-byte characters without a decoder
/// (`NewFromOneByte` reads Latin-1, of which ASCII is the first half); other valid UTF-8 goes
/// to V8's decoder as it is; invalid UTF-8 is made valid first. The tagged word of the new
/// string's handle (in the current HandleScope), or None: no constructors, or a text longer
/// than a JS string can be (V8 returns an empty handle beyond `String::kMaxLength`, 2^29-24
/// UTF-16 units on 64-bit Node 20; the `int` length bounds it too).
///
/// # Safety
/// On the isolate's thread, inside a HandleScope; `isolate` is the current isolate.
pub unsafe fn new_string(isolate: *mut c_void, bytes: &[u8]) -> Option<usize> {
    let fns = FNS.get()?.as_ref()?;
    let make = |f: FnNewString, text: &[u8]| -> Option<usize> {
        let n = i32::try_from(text.len()).ok()?;
        // SAFETY: `text` is `n` readable bytes (a length is given, so V8 reads no NUL);
        // the caller's contract covers the isolate and the HandleScope. A non-null
        // MaybeLocal is a live handle slot of that scope, so reading its word is sound.
        unsafe {
            let h = f(isolate, text.as_ptr(), NORMAL, n);
            (!h.is_null()).then(|| *h)
        }
    };
    if bytes.is_ascii() {
        make(fns.one_byte, bytes)
    } else if std::str::from_utf8(bytes).is_ok() {
        make(fns.utf8, bytes)
    } else {
        make(fns.utf8, String::from_utf8_lossy(bytes).as_bytes())
    }
}
