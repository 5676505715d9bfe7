//! ffast-node: the only crate that touches Node. It exposes a small native API to `index.js`,
//! which builds the public API (`dlopen`, `bind`, `read`/`write`, …) on top of it.
//!
//! The native API works on numbers and plain objects; library handles are small integers into
//! a per-thread table so that workers never share state.

mod binding;
mod callback;
mod convert;
mod memory;
mod state;
mod v8;

use binding::Request;
use ffast_core::{Error, Signature};
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;

/// Throw `FfastError(code, msg)` and tell napi-rs the exception is already pending.
fn fail(env: &Env, code: &str, msg: &str) -> napi::Error {
    state::throw(env.raw(), state::ThrowFrom::Napi, code, msg);
    napi::Error::new(Status::PendingException, msg.to_string())
}

fn core_fail(env: &Env, e: &Error, context: &str) -> napi::Error {
    fail(env, e.code(), &format!("{context}{}", e.message()))
}

/// A raw value as a napi-rs return value.
fn raw(env: &Env, v: sys::napi_value) -> Unknown<'static> {
    // SAFETY: `v` was created by this call in env's current HandleScope.
    unsafe { Unknown::from_raw_unchecked(env.raw(), v) }
}

fn check(env: &Env, st: sys::napi_status) -> Result<()> {
    if st == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(fail(
            env,
            "ERR_FFAST_INTERNAL",
            &format!("N-API call failed with status {st}"),
        ))
    }
}

/// Called once per thread by index.js with the error class. Returns
/// `{ fast, reason, v8 }`: whether V8 fast calls are on, and why not.
#[napi]
pub fn init(env: Env, error_class: Unknown) -> Result<Unknown<'static>> {
    state::set_env(env.raw());
    let mut r = std::ptr::null_mut();
    // SAFETY: error_class is a live value of this call; the reference keeps it alive for the
    // thread's life (it is never released: the class lives as long as the module).
    check(&env, unsafe {
        sys::napi_create_reference(env.raw(), error_class.raw(), 1, &mut r)
    })?;
    state::with(|s| s.error_class = r);
    let jit = ffast_core::jit::self_test();
    let (fast, reason) = match (&jit, v8::V8::get()) {
        (Err(e), _) => (false, Some(e.to_string())),
        (Ok(()), Err(why)) => (false, Some(why.to_string())),
        (Ok(()), Ok(_)) if !binding::supported() => {
            (false, Some("no ABI for this platform".into()))
        }
        (Ok(()), Ok(_)) => (true, None),
    };
    let mut obj = Object::new(&env)?;
    obj.set("fast", fast)?;
    obj.set("reason", reason)?;
    obj.set("v8", v8::V8::version_string())?;
    obj.set("jit", jit.is_ok())?;
    Ok(raw(&env, obj.raw()))
}

/// dlopen: a handle number, or ERR_FFAST_LIBRARY_NOT_FOUND with the dlerror text.
#[napi]
pub fn open(env: Env, path: Option<String>, lazy: bool, global: bool) -> Result<u32> {
    let lib = {
        #[cfg(unix)]
        {
            use libloading::os::unix::{Library, RTLD_GLOBAL, RTLD_LAZY, RTLD_LOCAL, RTLD_NOW};
            let flags = (if lazy { RTLD_LAZY } else { RTLD_NOW })
                | if global { RTLD_GLOBAL } else { RTLD_LOCAL };
            match &path {
                // SAFETY: loading a library runs its initialisers; that is what the user asked for.
                Some(p) => unsafe { Library::open(Some(p), flags) }.map(libloading::Library::from),
                None => Ok(libloading::Library::from(Library::this())),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = (lazy, global);
            // SAFETY: as above.
            unsafe { libloading::Library::new(path.as_deref().unwrap_or_default()) }
        }
    };
    let lib = lib.map_err(|e| {
        fail(
            &env,
            "ERR_FFAST_LIBRARY_NOT_FOUND",
            &format!(
                "cannot open library '{}': {e}",
                path.as_deref().unwrap_or("<process>")
            ),
        )
    })?;
    Ok(state::with(|s| {
        let id = s.next_lib;
        s.next_lib += 1;
        s.libs.insert(
            id,
            state::CodeSet {
                arena: ffast_core::jit::Arena::new(),
                bindings: Vec::new(),
                lib: Some(lib),
            },
        );
        id
    }))
}

/// Address of a symbol, or null when missing.
#[napi]
pub fn symbol(env: Env, lib: u32, name: String) -> Result<Option<f64>> {
    state::with(|s| {
        let l = s
            .libs
            .get(&lib)
            .and_then(|c| c.lib.as_ref())
            .ok_or_else(|| fail(&env, "ERR_FFAST_CLOSED", "library is closed"))?;
        // SAFETY: only the address is taken; nothing is called here.
        let sym = unsafe { l.get::<*const std::ffi::c_void>(name.as_bytes()) };
        Ok(sym.ok().map(|p| *p as usize as f64).filter(|&a| a != 0.0))
    })
}

/// Close a library: its trampolines and bindings are freed, then the library is unloaded.
#[napi]
pub fn close(lib: u32) -> bool {
    // Dropped outside the state borrow: dlclose may run library destructors.
    let set = state::take_library(lib);
    set.is_some()
}

#[napi(object)]
pub struct FnDef {
    pub name: String,
    pub address: f64,
    pub parameters: Vec<String>,
    pub result: String,
    /// May call back into JS synchronously (a `function` parameter or `callbacks: true`).
    pub callbacks: Option<bool>,
}

/// Parse a definition's types (so the JS side knows the canonical names before binding).
#[napi]
pub fn signature(
    env: Env,
    name: String,
    parameters: Vec<String>,
    result: String,
) -> Result<Unknown<'static>> {
    let sig = Signature::parse(&parameters, &result)
        .map_err(|e| core_fail(&env, &e, &format!("in definition of '{name}': ")))?;
    let mut obj = Object::new(&env)?;
    obj.set(
        "parameters",
        sig.params.iter().map(|t| t.name()).collect::<Vec<_>>(),
    )?;
    obj.set("result", sig.result.name())?;
    Ok(raw(&env, obj.raw()))
}

/// Create the JS functions for `defs`. With `lib`, their code joins that library (freed by
/// `close`); without, it lives as long as the thread (`bind`). Returns `[{fn, fast}]`.
#[napi]
pub fn make_functions(env: Env, lib: Option<u32>, defs: Vec<FnDef>) -> Result<Unknown<'static>> {
    let mut reqs = Vec::with_capacity(defs.len());
    for d in defs {
        let sig = Signature::parse(&d.parameters, &d.result)
            .map_err(|e| core_fail(&env, &e, &format!("in definition of '{}': ", d.name)))?;
        if !(d.address >= 1.0 && d.address.fract() == 0.0 && d.address < 9.007_199_254_740_992e15) {
            return Err(fail(
                &env,
                "ERR_FFAST_ARG_RANGE",
                &format!("invalid function address for '{}'", d.name),
            ));
        }
        reqs.push(Request {
            name: d.name,
            address: d.address as usize,
            sig,
            callbacks: d.callbacks.unwrap_or(false),
        });
    }
    if let Some(id) = lib {
        if !state::with(|s| s.libs.contains_key(&id)) {
            return Err(fail(&env, "ERR_FFAST_CLOSED", "library is closed"));
        }
    }
    // SAFETY: we are in an N-API call on env's thread.
    let (set, made) = unsafe { binding::make_functions(env.raw(), reqs, None) }
        .map_err(|e| core_fail(&env, &e, ""))?;
    state::with(|s| match lib.and_then(|id| s.libs.get_mut(&id)) {
        Some(l) => {
            // A library's arena is replaced, not merged: one dlopen makes one batch.
            let old = std::mem::replace(&mut l.arena, set.arena);
            s.bound.push(state::CodeSet {
                arena: old,
                bindings: Vec::new(),
                lib: None,
            });
            l.bindings.extend(set.bindings);
        }
        None => s.bound.push(set),
    });
    let mut arr = std::ptr::null_mut();
    // SAFETY: values are created in the current HandleScope; indices are in range.
    unsafe {
        check(
            &env,
            sys::napi_create_array_with_length(env.raw(), made.len(), &mut arr),
        )?;
        for (i, m) in made.iter().enumerate() {
            let mut o = Object::new(&env)?;
            o.set("fast", m.fast)?;
            let mut key = std::ptr::null_mut();
            check(
                &env,
                sys::napi_create_string_utf8(env.raw(), c"fn".as_ptr(), 2, &mut key),
            )?;
            check(
                &env,
                sys::napi_set_property(env.raw(), o.raw(), key, m.value),
            )?;
            check(
                &env,
                sys::napi_set_element(env.raw(), arr, i as u32, o.raw()),
            )?;
        }
    }
    Ok(raw(&env, arr))
}

/// The thread's wide slot as an 8-byte external ArrayBuffer (the JS side reads unsafe 64-bit
/// results from it as BigInt64/BigUint64).
#[napi]
pub fn wide_slot(env: Env) -> Result<Unknown<'static>> {
    let p = state::with(|s| s.wide_slot);
    // SAFETY: the slot is leaked (never freed), so the view can outlive any call.
    unsafe { external_array_buffer(&env, p.cast(), 8) }
}

/// An ArrayBuffer over memory ffast does not own (no finalizer frees it).
///
/// # Safety
/// `[data, data + len)` must stay valid for as long as JS may use the buffer.
unsafe fn external_array_buffer(
    env: &Env,
    data: *mut std::ffi::c_void,
    len: usize,
) -> Result<Unknown<'static>> {
    let mut ab = std::ptr::null_mut();
    check(
        env,
        sys::napi_create_external_arraybuffer(
            env.raw(),
            data,
            len,
            None,
            std::ptr::null_mut(),
            &mut ab,
        ),
    )?;
    Ok(raw(env, ab))
}

/// Read a C string: UTF-8 up to the NUL, or exactly `len` bytes.
#[napi]
pub fn cstring(env: Env, ptr: f64, len: Option<f64>) -> Result<Option<String>> {
    if ptr == 0.0 {
        return Ok(None);
    }
    let p = ptr as usize as *const u8;
    // SAFETY: the caller promises `ptr` is a readable C string (or `len` readable bytes): the
    // same contract as C's own use of the pointer.
    let bytes = unsafe {
        match len {
            Some(n) if n >= 0.0 => std::slice::from_raw_parts(p, n as usize),
            Some(_) => return Err(fail(&env, "ERR_FFAST_ARG_RANGE", "byteLength must be >= 0")),
            None => std::ffi::CStr::from_ptr(p.cast()).to_bytes(),
        }
    };
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

/// A zero-copy ArrayBuffer over native memory (the memory stays owned by C).
#[napi]
pub fn to_array_buffer(env: Env, ptr: f64, len: f64) -> Result<Unknown<'static>> {
    if ptr == 0.0 && len > 0.0 {
        return Err(fail(
            &env,
            "ERR_FFAST_NULL_POINTER",
            "toArrayBuffer: pointer is NULL",
        ));
    }
    // SAFETY: the caller vouches that [ptr, ptr+len) stays valid while the view is used,
    // exactly as with C.
    unsafe { external_array_buffer(&env, ptr as usize as *mut std::ffi::c_void, len as usize) }
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

/// Executable pages held by this thread's libraries and bound functions (tests check that
/// `close()` returns them).
#[napi]
pub fn jit_pages() -> u32 {
    state::jit_pages() as u32
}

/// How many times this thread ran the slow path (tests prove the fast path with it).
#[napi]
pub fn slow_calls() -> f64 {
    state::slow_calls() as f64
}

#[napi(object)]
pub struct CallbackOptions {
    /// `threads: 'queue'`: foreign-thread calls are queued, not awaited (void results only).
    pub queue: bool,
    /// How long a blocked foreign caller tolerates its JS thread inside a tracked call.
    pub deadlock_ms: f64,
}

/// Create a callback (see callback.rs): `[id, pointer]`. `report(err)` receives errors of this
/// callback, `orphan(err)` those of closed callbacks on this thread.
#[napi]
pub fn callback_create(
    env: Env,
    parameters: Vec<String>,
    result: String,
    func: Unknown,
    report: Unknown,
    orphan: Unknown,
    options: CallbackOptions,
) -> Result<Vec<f64>> {
    if !binding::supported() {
        return Err(fail(
            &env,
            "ERR_FFAST_UNSUPPORTED",
            "callbacks: no ABI for this platform",
        ));
    }
    let sig = Signature::parse(&parameters, &result)
        .map_err(|e| core_fail(&env, &e, "in callback definition: "))?;
    let grace = std::time::Duration::from_secs_f64(options.deadlock_ms.max(0.0) / 1000.0);
    // SAFETY: an N-API call on env's thread; index.js passes functions.
    let (id, pointer) = unsafe {
        callback::create(
            env.raw(),
            sig,
            func.raw(),
            report.raw(),
            orphan.raw(),
            options.queue,
            grace,
        )
    }
    .map_err(|e| core_fail(&env, &e, "in callback definition: "))?;
    Ok(vec![id as f64, pointer as f64])
}

/// Close a callback; false when it was already closed.
#[napi]
pub fn callback_close(env: Env, id: u32) -> bool {
    // SAFETY: an N-API call on env's thread.
    unsafe { callback::close(env.raw(), id) }
}

/// `[live, recycled]` callback trampolines on this thread (tests).
#[napi]
pub fn callback_counts() -> Vec<u32> {
    let (live, free) = callback::counts();
    vec![live as u32, free as u32]
}
