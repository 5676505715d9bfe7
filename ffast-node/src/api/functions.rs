//! Making the JS functions of a batch of definitions, and freeing a `bind()` batch's code.

use super::common::{check, core_fail, external_array_buffer, fail, raw};
use crate::errors::ErrorCode;
use crate::make::Request;
use crate::{make, thread};
use ffast_core::Signature;
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;
use std::cell::RefCell;

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
    /// `fiber: true`: its tracked calls may run on a side stack (fiber::Choice).
    pub fiber: Option<bool>,
    /// One of ffast's own helpers (lib/string-cache.js): its slow calls are not counted in
    /// `slowCalls()`, which counts the calls of the user's functions.
    pub internal: Option<bool>,
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
            fiber: sigs[k as usize].fiber.unwrap_or(false),
            internal: sigs[k as usize].internal.unwrap_or(false),
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
    let (set, made) = unsafe { make::make_functions(env.raw(), reqs, None) }
        .map_err(|e| core_fail(&env, &e, ""))?;
    // SAFETY: as above.
    let bound = unsafe { make::keep(env.raw(), lib, set, &made) };
    let release = |obj: sys::napi_value| {
        if let Some(id) = bound {
            // SAFETY: `obj` is a live object of this call, on env's thread.
            unsafe { make::count_in_batch(env.raw(), obj, id) };
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

/// A signature registered with [`register_signature`]: parsed once, with its flags.
struct Registered {
    sig: Signature,
    nonblocking: bool,
    callbacks: bool,
    errno: bool,
    fiber: bool,
}

thread_local! {
    /// The signatures [`register_signature`] registered on this thread, by id. One list per thread:
    /// each JS thread (the main one, each worker) has its own ffast module and ids, and never
    /// registers many (one per distinct canonical signature it binds lazily). (A thread-local
    /// with a destructor, against thread.rs's rule: nothing outside the thread refers to it.)
    static SIGNATURES: RefCell<Vec<Registered>> = const { RefCell::new(Vec::new()) };
}

/// Register a signature for [`make_one`]; returns its id on this thread. lib/definitions.js
/// calls it once per canonical signature (its `sigKey`), so a lazily bound symbol's first read
/// passes a number rather than a signature object to convert and parse again (converting and
/// parsing were ~1 µs of a first read).
#[napi]
pub fn register_signature(env: Env, def: SigDef) -> Result<u32> {
    let sig = Signature::parse(&def.parameters, &def.result)
        .map_err(|e| core_fail(&env, &e, "in a definition: "))?;
    SIGNATURES.with(|s| {
        let mut s = s.borrow_mut();
        s.push(Registered {
            sig,
            nonblocking: def.nonblocking.unwrap_or(false),
            callbacks: def.callbacks.unwrap_or(false),
            errno: def.errno.unwrap_or(false),
            fiber: def.fiber.unwrap_or(false),
        });
        u32::try_from(s.len() - 1).map_err(|_| {
            fail(
                &env,
                ErrorCode::Internal,
                "registerSignature: too many signatures",
            )
        })
    })
}

/// The function a lazily bound symbol's first read makes (lib/library.js makeFirst): symbol
/// `symbol` of library `lib` looked up, and its function, named `name`, made with registered
/// signature `sig` (all scalar: no area), its code joining the library's. One N-API call for
/// what took three (`symbols`, `makeFunctions` and its array of one); about a third of a first
/// read's time was the calls' fixed cost (docs/definitions-and-memory.md, "Lazy binding").
///
/// Returns null when the library has no such symbol (or it is NULL), the function when it has
/// no BigInt twin, else `[function, twin]`.
#[napi]
pub fn make_one(
    env: Env,
    lib: u32,
    name: String,
    symbol: String,
    sig: u32,
) -> Result<Unknown<'static>> {
    let Some(address) = lookup(&env, lib, |get| get(&symbol))? else {
        return null(&env);
    };
    let made = make_found(&env, lib, vec![(name, address, sig)])?;
    entry(&env, &made[0])
}

/// [`make_one`] for a batch (lib/library.js makeBatch): entry i is made from `names[i]`,
/// `symbols[i]` and `sigs[i]` and is what `make_one` returns for it (null where the library
/// has no such symbol). The found ones share one code mapping.
#[napi]
pub fn make_some(
    env: Env,
    lib: u32,
    names: Vec<String>,
    symbols: Vec<String>,
    sigs: Vec<u32>,
) -> Result<Unknown<'static>> {
    if symbols.len() != names.len() || sigs.len() != names.len() {
        return Err(fail(
            &env,
            ErrorCode::Internal,
            "makeSome: column lengths differ",
        ));
    }
    let addresses: Vec<Option<usize>> =
        lookup(&env, lib, |get| symbols.iter().map(|n| get(n)).collect())?;
    let mut items = Vec::with_capacity(names.len());
    for (i, name) in names.into_iter().enumerate() {
        if let Some(a) = addresses[i] {
            items.push((name, a, sigs[i]));
        }
    }
    let made = if items.is_empty() {
        Vec::new()
    } else {
        make_found(&env, lib, items)?
    };
    let mut arr = std::ptr::null_mut();
    // SAFETY: values are created in the current HandleScope; indices are in range.
    unsafe {
        check(
            &env,
            sys::napi_create_array_with_length(env.raw(), addresses.len(), &mut arr),
        )?;
        let mut nul = std::ptr::null_mut();
        check(&env, sys::napi_get_null(env.raw(), &mut nul))?;
        let mut next = made.iter();
        for (i, a) in addresses.iter().enumerate() {
            let v = match a {
                Some(_) => match next.next() {
                    Some(m) => entry(&env, m)?.raw(),
                    None => {
                        return Err(fail(&env, ErrorCode::Internal, "makeSome: lost a function"))
                    }
                },
                None => nul,
            };
            check(&env, sys::napi_set_element(env.raw(), arr, i as u32, v))?;
        }
    }
    Ok(raw(&env, arr))
}

/// `f` given the lookup of open library `lib` (a symbol's address; None where absent or
/// NULL), or the closed error: a definition's getter may close the library during the read
/// that then makes its function (lazy-binding.test.js).
fn lookup<R>(
    env: &Env,
    lib: u32,
    f: impl FnOnce(&dyn Fn(&str) -> Option<usize>) -> R,
) -> Result<R> {
    let out = thread::with(|s| {
        let l = s.libs.get(&lib).and_then(|c| c.lib.as_ref())?;
        let get = |name: &str| {
            // SAFETY: only the address is taken; nothing is called here.
            let sym = unsafe { l.get::<*const std::ffi::c_void>(name.as_bytes()) };
            sym.ok().map(|p| *p as usize).filter(|&a| a != 0)
        };
        Some(f(&get))
    });
    // Thrown outside `thread::with`: throwing reads the thread's state too (the error class).
    out.ok_or_else(|| fail(env, ErrorCode::Closed, "library is closed"))
}

/// Make the functions of found symbols `(name, address, registered signature)` of open
/// library `lib`, their code joining the library's.
fn make_found(env: &Env, lib: u32, items: Vec<(String, usize, u32)>) -> Result<Vec<make::Made>> {
    let reqs = SIGNATURES.with(|s| {
        let s = s.borrow();
        items
            .into_iter()
            .map(|(name, address, sig)| {
                let r = s.get(sig as usize)?;
                // All scalar (lib/library.js sends no signature with aggregates here): the
                // entry is the function itself, with no area to describe.
                (r.sig.area_size == 0).then(|| Request {
                    name,
                    address,
                    sig: r.sig.clone(),
                    nonblocking: r.nonblocking,
                    callbacks: r.callbacks,
                    errno: r.errno,
                    fiber: r.fiber,
                    internal: false,
                })
            })
            .collect::<Option<Vec<_>>>()
    });
    let Some(reqs) = reqs else {
        return Err(fail(
            env,
            ErrorCode::Internal,
            "makeOne/makeSome: unknown signature, or one with aggregates",
        ));
    };
    // SAFETY: we are in an N-API call on env's thread.
    let (set, made) = unsafe { make::make_functions(env.raw(), reqs, None) }
        .map_err(|e| core_fail(env, &e, ""))?;
    // SAFETY: as above; `lookup` found the library open and no JS has run since. (A library's
    // code is freed by `close`: no batch id to count objects in.)
    let _ = unsafe { make::keep(env.raw(), Some(lib), set, &made) };
    Ok(made)
}

/// What `make_one` returns for a made function: itself, or `[function, twin]`.
fn entry(env: &Env, m: &make::Made) -> Result<Unknown<'static>> {
    let Some(twin) = m.twin else {
        return Ok(raw(env, m.value));
    };
    let mut arr = std::ptr::null_mut();
    // SAFETY: values are created in the current HandleScope; indices are in range.
    unsafe {
        check(
            env,
            sys::napi_create_array_with_length(env.raw(), 2, &mut arr),
        )?;
        check(env, sys::napi_set_element(env.raw(), arr, 0, m.value))?;
        check(env, sys::napi_set_element(env.raw(), arr, 1, twin))?;
    }
    Ok(raw(env, arr))
}

/// JS null.
fn null(env: &Env) -> Result<Unknown<'static>> {
    let mut v = std::ptr::null_mut();
    // SAFETY: an N-API call on env's thread.
    check(env, unsafe { sys::napi_get_null(env.raw(), &mut v) })?;
    Ok(raw(env, v))
}
