//! ffast-node: the only crate that touches Node. It exposes a small native API to `index.js`,
//! which builds the public API (`dlopen`, `bind`, `read`/`write`, …) on top of it.
//!
//! The native API works on numbers and plain objects; library handles are small integers into
//! a per-thread table so that workers never share state.

mod binding;
mod callback;
mod config;
mod convert;
mod errors;
mod lane;
mod loader;
mod memory;
mod nonblocking;
mod platform;
mod thread;
mod v8;

use binding::Request;
use errors::ErrorCode;
use ffast_core::{Error, Signature};
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;

/// Throw `FfastError(code, msg)` and tell napi-rs the exception is already pending.
fn fail(env: &Env, code: ErrorCode, msg: &str) -> napi::Error {
    errors::throw(env.raw(), errors::ThrowFrom::Napi, code, msg);
    napi::Error::new(Status::PendingException, msg.to_string())
}

fn core_fail(env: &Env, e: &Error, context: &str) -> napi::Error {
    fail(
        env,
        ErrorCode::of_core(e),
        &format!("{context}{}", e.message()),
    )
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
            ErrorCode::Internal,
            &format!("N-API call failed with status {st}"),
        ))
    }
}

/// Called once per thread by index.js with the error class. Returns
/// `{ fast, reason, v8 }`: whether V8 fast calls are on, and why not.
#[napi]
pub fn init(env: Env, error_class: Unknown) -> Result<Unknown<'static>> {
    thread::set_env(env.raw());
    let mut r = std::ptr::null_mut();
    // SAFETY: error_class is a live value of this call; the reference keeps it alive for the
    // thread's life (it is never released: the class lives as long as the module).
    check(&env, unsafe {
        sys::napi_create_reference(env.raw(), error_class.raw(), 1, &mut r)
    })?;
    thread::with(|s| s.error_class = r);

    // SAFETY: an N-API call on a JS thread: a HandleScope is open for the probes' handles.
    unsafe { v8::tagged::probe() };
    // SAFETY: as above.
    unsafe { v8::call::probe() };
    // SAFETY: as above (after the Smi probe).
    let number_map = unsafe { v8::tagged::number_map() };
    thread::with(|s| s.number_map = number_map);
    // Before any function is made on this isolate: how its functions are kept out of V8's
    // template cache (v8::uncache).
    // SAFETY: as above.
    let template_route = v8::V8::get()
        .ok()
        .map(|api| unsafe { v8::uncache::probe(api) });
    // The string decoder of `cstring()` and `string` results (convert::cstring_entry): a
    // function of V8's own, made after the template-cache probe like every other function.
    // SAFETY: as above; number_map is this thread's.
    let decoder = unsafe { convert::decoder(number_map) };
    let jit = ffast_core::jit::self_test();
    let (fast, reason) = match (&jit, v8::V8::get()) {
        (Err(e), _) => (false, Some(e.to_string())),
        (Ok(()), Err(why)) => (false, Some(why.to_string())),
        (Ok(()), Ok(_)) if !platform::supported() => {
            (false, Some("no ABI for this platform".into()))
        }
        (Ok(()), Ok(_)) => (true, None),
    };
    let mut obj = Object::new(&env)?;
    obj.set("fast", fast)?;
    obj.set("reason", reason)?;
    obj.set("v8", v8::V8::version_string())?;
    obj.set("jit", jit.is_ok())?;
    // How C → JS callbacks call JS, and whether small integers are read and written as raw
    // Smis (tests check each Node line takes the route it should).
    obj.set("callbackRoute", v8::call::route())?;
    obj.set("smi", v8::tagged::smi32())?;
    // `field` or `mark` where functions die with their last reference (null: no fast calls).
    obj.set("templateRoute", template_route)?;
    // null: strings are decoded through N-API (`cstring`).
    match decoder {
        Some(f) => obj.set("decoder", raw(&env, f))?,
        None => obj.set("decoder", Null)?,
    }
    // Whether 64-bit parameters can take BigInts on the fast path (a BigInt twin per function,
    // V8 12+); without, the wrappers convert BigInts that are exact as Numbers (docs/pointers.md §10).
    obj.set(
        "bigintTwins",
        fast && v8::V8::get().is_ok_and(|v| v.has_bigint_repr()),
    )?;
    Ok(raw(&env, obj.raw()))
}

/// dlopen: a handle number, or ERR_FFAST_LIBRARY_NOT_FOUND with the dlerror text. `deep`:
/// `None` binds the library's references inside itself first only where the process already
/// defines them (RTLD_DEEPBIND then), `Some(true)`/`Some(false)` always/never
/// (loader.rs, docs/loading.md).
#[napi]
pub fn open(
    env: Env,
    path: Option<String>,
    lazy: bool,
    global: bool,
    deep: Option<bool>,
) -> Result<u32> {
    let want = match deep {
        None => loader::Deep::Auto,
        Some(true) => loader::Deep::On,
        Some(false) => loader::Deep::Off,
    };
    // Only glibc has RTLD_DEEPBIND. macOS (two-level namespaces) and Windows (imports name
    // their DLL) already bind a library's references to the libraries it was linked with, so
    // `deep: true` holds there as is; elsewhere (musl) it cannot be had.
    if want == loader::Deep::On
        && !loader::DEEPBIND_SUPPORTED
        && cfg!(all(unix, not(target_vendor = "apple")))
    {
        return Err(fail(
            &env,
            ErrorCode::Unsupported,
            "dlopen: deep: true needs RTLD_DEEPBIND, which only glibc has",
        ));
    }
    let lib = {
        #[cfg(unix)]
        {
            use libloading::os::unix::{Library, RTLD_GLOBAL, RTLD_LAZY, RTLD_LOCAL, RTLD_NOW};
            let mut flags = (if lazy { RTLD_LAZY } else { RTLD_NOW })
                | if global { RTLD_GLOBAL } else { RTLD_LOCAL };
            if let Some(p) = &path {
                let t0 = std::time::Instant::now();
                let d = loader::decide(p, want);
                flags |= d.flag();
                if loader::debug() {
                    eprintln!(
                        "ffast dlopen '{p}': deep={} (asked {want:?}; {} object(s) read, {} collision(s){}, {} hazard(s){}{}{}; decided in {:.0} us)",
                        d.deep,
                        d.objects,
                        d.collision_count,
                        if d.collisions.is_empty() { String::new() } else { format!(": {}", d.collisions.join(" ")) },
                        d.hazard_count,
                        if d.hazards.is_empty() { String::new() } else { format!(": {}", d.hazards.join(" ")) },
                        if d.loaded { "; already loaded: its bindings stay as they are" } else { "" },
                        d.skipped.as_deref().map(|s| format!("; check skipped: {s}")).unwrap_or_default(),
                        t0.elapsed().as_secs_f64() * 1e6
                    );
                }
            }
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
            ErrorCode::LibraryNotFound,
            &format!(
                "cannot open library '{}': {e}",
                path.as_deref().unwrap_or("<process>")
            ),
        )
    })?;
    Ok(thread::with(|s| {
        let id = s.next_lib;
        s.next_lib += 1;
        s.libs.insert(
            id,
            thread::CodeSet {
                arena: ffast_core::jit::Arena::new(),
                bindings: Vec::new(),
                lib: Some(lib),
            },
        );
        id
    }))
}

/// What `dlopen(path)` with default options would decide (tests, diagnostics and the
/// measurements of docs/loading.md: `__internal.loadCheck`). Loads nothing. `first`: stop at
/// the first collision as `dlopen` does; otherwise every collision and hazard is counted.
#[napi]
pub fn load_check(env: Env, path: String, first: Option<bool>) -> Result<Unknown<'static>> {
    let t0 = std::time::Instant::now();
    let d = loader::decide_with(&path, loader::Deep::Auto, !first.unwrap_or(false));
    let us = t0.elapsed().as_secs_f64() * 1e6;
    let mut obj = Object::new(&env)?;
    obj.set("deep", d.deep)?;
    obj.set("loaded", d.loaded)?;
    obj.set("collisions", d.collisions)?;
    obj.set("collisionCount", d.collision_count as u32)?;
    obj.set("hazards", d.hazards)?;
    obj.set("hazardCount", d.hazard_count as u32)?;
    obj.set("objects", d.objects as u32)?;
    obj.set("skipped", d.skipped)?;
    obj.set("micros", us)?;
    Ok(raw(&env, obj.raw()))
}

/// Addresses of many symbols in one call (`null` where missing): binding a library's symbols
/// one N-API call each cost more than the binding itself.
#[napi]
pub fn symbols(env: Env, lib: u32, names: Vec<String>) -> Result<Vec<Option<f64>>> {
    thread::with(|s| {
        let l = s
            .libs
            .get(&lib)
            .and_then(|c| c.lib.as_ref())
            .ok_or_else(|| fail(&env, ErrorCode::Closed, "library is closed"))?;
        Ok(names
            .iter()
            .map(|name| {
                // SAFETY: only the address is taken; nothing is called here.
                let sym = unsafe { l.get::<*const std::ffi::c_void>(name.as_bytes()) };
                sym.ok().map(|p| *p as usize as f64).filter(|&a| a != 0.0)
            })
            .collect())
    })
}

/// Close a library: its trampolines and bindings are freed, then the library is unloaded. With
/// calls on the stack or nonblocking calls in flight, that happens when the last of them
/// finishes; with `hold` (closed from inside a call, see thread::take_library), not before
/// `release_closed`.
#[napi]
pub fn close(lib: u32, hold: Option<bool>) -> bool {
    match thread::take_library(lib, hold.unwrap_or(false)) {
        thread::Taken::Missing => false,
        thread::Taken::Deferred => true,
        // Dropped here, outside the state borrow: dlclose may run library destructors.
        thread::Taken::Now(set) => {
            drop(set);
            true
        }
    }
}

/// Free the libraries `close(…, hold)` kept, once nothing uses them (index.js runs it on the
/// next turn of the event loop after such a close).
#[napi]
pub fn release_closed() {
    drop(thread::release_held());
}

/// A signature in its spelled form; `makeFunctions` takes each distinct one once.
#[napi(object)]
pub struct SigDef {
    pub parameters: Vec<String>,
    pub result: String,
    /// Calls run on the libuv thread pool and return a Promise.
    pub nonblocking: Option<bool>,
    /// May call back into JS synchronously (a `function` parameter or `callbacks: true`).
    pub callbacks: Option<bool>,
    /// `errno: true`: errno is exchanged with the thread's saved value around each call.
    pub errno: Option<bool>,
}

/// Parse a definition's types (so the JS side knows the canonical names before binding):
/// scalar names, and aggregates (struct/union type texts) as their canonical text.
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
    obj.set("parameters", sig.param_texts())?;
    obj.set("result", sig.result_text())?;
    Ok(raw(&env, obj.raw()))
}

/// A parsed type kept by a JS type object (index.js's `layout` replies carry one), so that
/// texts built on it can refer to it instead of spelling it out again. Freed with the object.
struct TypeHandle(ffast_core::layout::CType);

/// Type handles alive on any thread (tests check that type objects are collected whole).
static TYPE_HANDLES: std::sync::atomic::AtomicIsize = std::sync::atomic::AtomicIsize::new(0);

impl TypeHandle {
    fn new(t: ffast_core::layout::CType) -> Self {
        TYPE_HANDLES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        TypeHandle(t)
    }
}

impl Drop for TypeHandle {
    fn drop(&mut self) {
        TYPE_HANDLES.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Every base type spelling with its canonical name (`[["int", "i32"], …]`), from ffast-core's
/// one list (`types::SPELLINGS`): tests check index.d.ts against it (docs/pointers.md §3).
#[napi]
pub fn type_spellings() -> Vec<Vec<String>> {
    ffast_core::types::SPELLINGS
        .iter()
        .map(|&(s, t)| vec![s.to_string(), t.name().to_string()])
        .collect()
}

/// How many type handles are alive (tests).
#[napi]
pub fn type_handles() -> f64 {
    TYPE_HANDLES.load(std::sync::atomic::Ordering::Relaxed) as f64
}

/// Layout of a C type given in the text form of `ffast_core::desc`, where `#i` stands for the
/// type of `deps[i]` (a handle an earlier call returned): `{ size, align, offsets, handle }`,
/// where `offsets` is the byte offset of each field of a struct or union (empty for arrays),
/// and `handle` the parsed type, for later texts to refer to; a scalar spelling gives
/// `{ type, size, align, offsets }` with its canonical name instead. index.js builds the JS type
/// objects (`struct`, `union`, `array`) on it, one level at a time, so there is one layout
/// engine, ffast-core's, and building a type costs what its own fields cost (no text of a
/// child is parsed again, no child layout computed again).
#[napi]
pub fn layout(env: Env, desc: String, deps: Option<Vec<Unknown>>) -> Result<Unknown<'static>> {
    use ffast_core::layout::CType;
    let mut given = Vec::new();
    for d in deps.unwrap_or_default() {
        // SAFETY: `d` is a live value of this call; napi-rs checks that the external holds a
        // `TypeHandle` made by this binary before handing out the reference.
        let t = unsafe { <External<TypeHandle> as FromNapiRef>::from_napi_ref(env.raw(), d.raw()) }
            .map_err(|_| {
                fail(
                    &env,
                    ErrorCode::Internal,
                    "layout: a dependency is not a type handle",
                )
            })?;
        given.push(t.0.clone());
    }
    let ty = CType::parse_with(&desc, &given).map_err(|e| core_fail(&env, &e, ""))?;
    let l = ty.layout().map_err(|e| core_fail(&env, &e, ""))?;
    let mut obj = Object::new(&env)?;
    obj.set("size", l.size as f64)?;
    obj.set("align", l.align as f64)?;
    obj.set(
        "offsets",
        l.offsets.iter().map(|&o| o as f64).collect::<Vec<_>>(),
    )?;
    if ty.is_aggregate() {
        obj.set("handle", External::new(TypeHandle::new(ty)))?;
    } else {
        obj.set("type", ty.to_string())?;
    }
    Ok(raw(&env, obj.raw()))
}

/// Create the JS functions: function i is called `names[i]`, calls `addresses[i]` and has
/// signature `sigs[sig_of[i]]`. Columns rather than one object per function: converting 1,000
/// definition objects cost as much as creating the functions (declare time, issue #3). With
/// `lib`, their code joins that library (freed by `close`); without (`bind`), it is freed once
/// the functions made here (and their struct areas) have been collected.
///
/// Returns one entry per function, in order: the function itself, or, when its signature has
/// aggregates, `{fn, area, argOffsets, retOffset}`: `fn` takes the scalar parameters only (and
/// returns undefined for an aggregate result); `area` is an ArrayBuffer over the binding's area,
/// where the caller writes aggregate parameter i at `argOffsets[i]` (-1 for scalars) before the
/// call and reads an aggregate result at `retOffset` (-1 without) after it.
#[napi]
pub fn make_functions(
    env: Env,
    lib: Option<u32>,
    names: Vec<String>,
    addresses: Vec<f64>,
    sigs: Vec<SigDef>,
    sig_of: Vec<u32>,
) -> Result<Unknown<'static>> {
    if addresses.len() != names.len() || sig_of.len() != names.len() {
        return Err(fail(
            &env,
            ErrorCode::Internal,
            "makeFunctions: column lengths differ",
        ));
    }
    let parsed = sigs
        .iter()
        .map(|d| Signature::parse(&d.parameters, &d.result))
        .collect::<Vec<_>>();
    let mut reqs = Vec::with_capacity(names.len());
    for ((name, address), k) in names.into_iter().zip(addresses).zip(sig_of) {
        let sig = match parsed.get(k as usize) {
            Some(Ok(sig)) => sig.clone(),
            Some(Err(e)) => {
                return Err(core_fail(&env, e, &format!("in definition of '{name}': ")))
            }
            None => {
                return Err(fail(
                    &env,
                    ErrorCode::Internal,
                    "makeFunctions: signature index out of range",
                ))
            }
        };
        if !(address >= 1.0 && address.fract() == 0.0 && address < 9.007_199_254_740_992e15) {
            return Err(fail(
                &env,
                ErrorCode::ArgRange,
                &format!("invalid function address for '{name}'"),
            ));
        }
        reqs.push(Request {
            name,
            address: address as usize,
            sig,
            nonblocking: sigs[k as usize].nonblocking.unwrap_or(false),
            callbacks: sigs[k as usize].callbacks.unwrap_or(false),
            errno: sigs[k as usize].errno.unwrap_or(false),
        });
    }
    if let Some(id) = lib {
        if !thread::with(|s| s.libs.contains_key(&id)) {
            return Err(fail(&env, ErrorCode::Closed, "library is closed"));
        }
    }
    // Where JS writes aggregate arguments and finds an aggregate result (nothing to say for the
    // common all-scalar signature).
    let offsets: Vec<(Vec<f64>, f64)> = reqs
        .iter()
        .map(|r| {
            if r.sig.area_size == 0 {
                return (Vec::new(), -1.0);
            }
            let args = r
                .sig
                .arg_offsets()
                .iter()
                .map(|o| o.map_or(-1.0, f64::from))
                .collect();
            let ret = r
                .sig
                .agg_result
                .as_ref()
                .map_or(-1.0, |a| f64::from(a.offset));
            (args, ret)
        })
        .collect();
    // SAFETY: we are in an N-API call on env's thread.
    let (mut set, made) = unsafe { binding::make_functions(env.raw(), reqs, None) }
        .map_err(|e| core_fail(&env, &e, ""))?;
    // A library's code is freed by `close`. A `bind()` batch's code is freed once every JS
    // object that can reach it is collected: its functions (a collected function can no
    // longer be called, and optimized code that inlined its fast call holds it weakly and is
    // deoptimized with it) and its struct areas; their finalizers count down `refs`.
    let bound = match lib {
        Some(id) => {
            // (Still open: nothing between the check above and here runs JS.)
            thread::with(|s| {
                if let Some(l) = s.libs.get_mut(&id) {
                    l.arena.absorb(std::mem::take(&mut set.arena));
                    l.bindings.append(&mut set.bindings);
                }
            });
            None
        }
        None => {
            let refs = made.len()
                + made.iter().filter(|m| m.area.1 > 0).count()
                + made.iter().filter(|m| m.twin.is_some()).count();
            // Told to V8 as external memory, so that code only the garbage collector can free
            // counts towards its decision to collect (else a loop binding and dropping
            // functions could map pages faster than V8 felt the need for a major GC).
            let bytes = (set.arena.pages() * page_size()) as i64;
            let mut total = 0;
            // SAFETY: an N-API call on env's thread.
            unsafe { sys::napi_adjust_external_memory(env.raw(), bytes, &mut total) };
            Some(thread::add_bound(set, refs, bytes))
        }
    };
    // The finalizer of a bound batch's objects (hint: the batch id).
    let release = |obj: sys::napi_value| {
        if let Some(id) = bound {
            // SAFETY: `obj` is a live object of this call; the finalizer runs on this thread.
            // If attaching fails, the batch simply never reaches zero (its code is kept).
            unsafe {
                sys::napi_add_finalizer(
                    env.raw(),
                    obj,
                    std::ptr::null_mut(),
                    Some(release_bound),
                    id as usize as *mut std::ffi::c_void,
                    std::ptr::null_mut(),
                );
            }
        }
    };
    // Plain functions where possible: an object per function cost as much as creating the
    // function itself (declare-time budget, issue #3).
    let mut arr = std::ptr::null_mut();
    // SAFETY: values are created in the current HandleScope; indices are in range.
    unsafe {
        check(
            &env,
            sys::napi_create_array_with_length(env.raw(), made.len(), &mut arr),
        )?;
        for (i, (m, (args, ret))) in made.iter().zip(offsets).enumerate() {
            release(m.value);
            let entry = if m.area.1 == 0 {
                m.value
            } else {
                let mut o = Object::new(&env)?;
                o.set("argOffsets", args)?;
                o.set("retOffset", ret)?;
                // The area lives as long as the binding: until the library is closed, or, for
                // `bind`, until this buffer and the functions of its batch are collected. Like
                // `toArrayBuffer`, the view must not be used after `close()`; index.js checks a
                // closed library before touching it.
                let area =
                    external_array_buffer(&env, m.area.0 as *mut std::ffi::c_void, m.area.1)?.raw();
                release(area);
                for (k, v) in [(c"area", area), (c"fn", m.value)] {
                    let mut key = std::ptr::null_mut();
                    check(
                        &env,
                        sys::napi_create_string_utf8(
                            env.raw(),
                            k.as_ptr(),
                            k.to_bytes().len() as isize,
                            &mut key,
                        ),
                    )?;
                    check(&env, sys::napi_set_property(env.raw(), o.raw(), key, v))?;
                }
                o.raw()
            };
            check(&env, sys::napi_set_element(env.raw(), arr, i as u32, entry))?;
        }
        // The BigInt twins (docs/pointers.md §10), as `arr.twins[i]` (undefined where none),
        // when there is any: the common entries stay what they were.
        if made.iter().any(|m| m.twin.is_some()) {
            let mut twins = std::ptr::null_mut();
            check(
                &env,
                sys::napi_create_array_with_length(env.raw(), made.len(), &mut twins),
            )?;
            for (i, m) in made.iter().enumerate() {
                if let Some(t) = m.twin {
                    release(t);
                    check(&env, sys::napi_set_element(env.raw(), twins, i as u32, t))?;
                }
            }
            let key = c"twins";
            check(
                &env,
                sys::napi_set_named_property(env.raw(), arr, key.as_ptr(), twins),
            )?;
        }
    }
    Ok(raw(&env, arr))
}

/// Finalizer of a `bind()` batch's functions and areas: the last one frees the batch's code
/// (thread::release_bound). N-API runs it from the event loop (a `SetImmediate`), never inside
/// the garbage collection that found the object dead, so no call of the batch is on the stack
/// (docs/v8-template-cache.md §4).
unsafe extern "C" fn release_bound(
    env: sys::napi_env,
    _data: *mut std::ffi::c_void,
    hint: *mut std::ffi::c_void,
) {
    let (set, bytes) = thread::release_bound(hint as usize as u64);
    if bytes != 0 {
        let mut total = 0;
        // SAFETY: finalizers run on env's thread with env alive.
        sys::napi_adjust_external_memory(env, -bytes, &mut total);
    }
    // Dropped outside the state borrow (as `close` does).
    drop(set);
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096)
}

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
    let v = unsafe { convert::c_string(env.raw(), ptr as *const u8, len) };
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

/// Executable pages held by this thread's libraries and bound functions (tests check that
/// `close()` returns them).
#[napi]
pub fn jit_pages() -> u32 {
    thread::jit_pages() as u32
}

/// Nonblocking calls of this thread still in flight.
#[napi]
pub fn pending_calls() -> f64 {
    thread::pending_calls() as f64
}

/// Which fast-path route buffer arguments take on this V8 (runs the raw-view self-check on
/// V8 11/12 if no binding has yet): `raw` (off-heap typed arrays read directly), `fallback`
/// (V8 11 without the raw read: on-heap arrays still fall back), `general`, or `none` (no fast
/// calls).
#[napi]
pub fn buffer_route(env: Env) -> &'static str {
    match v8::V8::get() {
        Err(_) => "none",
        // SAFETY: inside this N-API call on env's thread.
        Ok(api) if unsafe { v8::views::raw_reads(env.raw(), api) } => "raw",
        Ok(api) if api.buffer_fallback => "fallback",
        Ok(_) => "general",
    }
}

/// Nonblocking calls this thread ran on its lane (the rest ran on the libuv pool).
#[napi]
pub fn lane_calls() -> f64 {
    lane::calls() as f64
}

/// How many times this thread ran the slow path (tests prove the fast path with it).
#[napi]
pub fn slow_calls() -> f64 {
    thread::slow_calls() as f64
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
    if !platform::supported() {
        return Err(fail(
            &env,
            ErrorCode::Unsupported,
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

/// The staging block of callback `id`, whose signature has structs or unions by value
/// (docs/callbacks.md §6.1), as an ArrayBuffer: JS decodes aggregate parameters from it and
/// encodes an aggregate result into it. Null for a scalar-only or unknown callback.
#[napi]
pub fn callback_staging(env: Env, id: u32) -> Result<Option<Unknown<'static>>> {
    match callback::staging(id) {
        // SAFETY: the block is leaked with its slot (never freed), so the view can outlive
        // any call.
        Some((p, len)) => unsafe { external_array_buffer(&env, p.cast(), len) }.map(Some),
        None => Ok(None),
    }
}

/// Where a callback signature's aggregates are in its staging block: per declared parameter
/// its offset (-1 for a scalar), then the result's (-1 for a scalar result).
#[napi]
pub fn callback_offsets(env: Env, parameters: Vec<String>, result: String) -> Result<Vec<f64>> {
    let sig = Signature::parse(&parameters, &result)
        .map_err(|e| core_fail(&env, &e, "in callback definition: "))?;
    let mut out: Vec<f64> = sig
        .arg_offsets()
        .iter()
        .map(|o| o.map_or(-1.0, f64::from))
        .collect();
    out.push(
        sig.agg_result
            .as_ref()
            .map_or(-1.0, |a| f64::from(a.offset)),
    );
    Ok(out)
}

/// Close a callback; false when it was already closed.
#[napi]
pub fn callback_close(env: Env, id: u32) -> bool {
    // SAFETY: an N-API call on env's thread.
    unsafe { callback::close(env.raw(), id) }
}

/// Tests: open and close a HandleScope of the callback route around `n` new handles; true when
/// V8's handle count is right inside and restored after, null on the N-API route.
#[napi]
pub fn callback_scope_test(n: u32) -> Option<bool> {
    // SAFETY: an N-API call on a JS thread; the handles live in the scope the test opens.
    v8::call::get().and_then(|js| unsafe { js.scope_self_test(n as usize) })
}

/// `[live, recycled]` callback trampolines on this thread (tests).
#[napi]
pub fn callback_counts() -> Vec<u32> {
    let (live, free) = callback::counts();
    vec![live as u32, free as u32]
}

/// Callback trampolines made by the whole process, every thread included (tests: they are
/// reused across worker lifetimes rather than made anew).
#[napi]
pub fn callback_slots_made() -> u32 {
    callback::slots_made() as u32
}
