//! Finding V8's functions in the running node binary. Nothing is linked: every symbol comes
//! from `dlsym(RTLD_DEFAULT)` by its mangled name, so one build of the addon loads on every
//! Node line, and a missing symbol turns a route off instead of failing to load.

use std::ffi::{c_void, CStr};

/// The function `name` (a mangled C++ symbol) as the function-pointer type `T`, which must
/// transcribe its C++ signature.
pub fn sym<T: Copy>(name: &str) -> Result<T, String> {
    let c = std::ffi::CString::new(name).expect("symbol names have no NUL");
    // SAFETY: dlsym with RTLD_DEFAULT and a valid C string has no other preconditions.
    let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c.as_ptr()) };
    if p.is_null() {
        return Err(format!("V8 symbol {name} not found"));
    }
    assert_eq!(std::mem::size_of::<T>(), std::mem::size_of::<*mut c_void>());
    // SAFETY: T is a function-pointer type of pointer size; the caller names the symbol whose
    // C++ signature T transcribes (see the table in rust-fast-calls.md §2).
    Ok(unsafe { std::mem::transmute_copy::<*mut c_void, T>(&p) })
}

/// The running V8's version string (`V8::GetVersion`).
pub fn version() -> Result<String, String> {
    let get_version: unsafe extern "C" fn() -> *const libc::c_char =
        sym("_ZN2v82V810GetVersionEv")?;
    // SAFETY: V8::GetVersion returns a static NUL-terminated string.
    Ok(unsafe { CStr::from_ptr(get_version()) }
        .to_string_lossy()
        .into_owned())
}

/// Signatures several files resolve.
pub type FnVoidPtr = unsafe extern "C" fn() -> *mut c_void;
pub type FnPtrPtr = unsafe extern "C" fn(*mut c_void) -> *mut c_void;
/// `Local<Integer> Integer::New(Isolate*, int32_t)`.
pub type FnIntegerNew = unsafe extern "C" fn(*mut c_void, i32) -> *mut usize;
/// `Local<Number> Number::New(Isolate*, double)`.
pub type FnNumberNew = unsafe extern "C" fn(*mut c_void, f64) -> *mut usize;
