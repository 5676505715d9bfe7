//! Keeping ffast's V8 functions out of V8's template-instantiation cache, so that a function
//! (and its `FunctionTemplateInfo`, `SharedFunctionInfo`, …) dies with its last JS reference
//! instead of living as long as the isolate. The facts are in `docs/v8-template-cache.md`; in
//! short:
//! - `FunctionTemplate::New` makes a *cacheable* template; its first `GetFunction` stores the
//!   function in the native context's instantiation cache, keyed by the template's serial
//!   number. On V8 11/12 (Node 20/22) that cache holds it strongly for ever: every
//!   dlopen+close leaked its functions (issue 15, finding 9). V8 13+ keys the large part of the
//!   cache weakly by the template, but still keeps the first ~1,000 serial numbers strongly.
//! - `Function::New` (which cannot carry a fast-call target) makes its template with V8's
//!   "do not cache" state instead. There is no public way to ask for that state on a template
//!   made by `FunctionTemplate::New`; `Template::Set` with an `ObjectTemplate` value is the only
//!   public call that sets it (as a side effect, at a per-function cost).
//!
//! So, per isolate, a probe at `init` chooses the first route the running V8 verifiably
//! supports, checked by behaviour (a cached template hands out one function, an uncached one a
//! new function per `GetFunction`):
//! 1. [`Route::Field`]: write the "do not cache" state into the template's cache field, exactly
//!    what `Function::New` leaves there. The field's place and encoding are found by watching
//!    V8 change it when a probe template is instantiated (see [`find_field`]); a fresh template
//!    is written only when the field still holds the fresh state the probe saw. No cost beyond
//!    one load and one store per function.
//! 2. [`Route::Mark`]: the public route: `Template::SetPrivate(key, ObjectTemplate)`; each
//!    function then carries a small inert object under a private key (~0.15 µs and ~280 bytes
//!    more per function, measured on Node 20/26).
//! 3. [`Route::Cached`]: neither verified: functions are made as before (they live as long as
//!    the isolate on V8 11/12).

use super::api::V8;
use super::symbols::sym;
use crate::config::TemplateRoute;
use std::cell::Cell;
use std::ffi::c_void;

/// `Local<ObjectTemplate> ObjectTemplate::New(Isolate*, Local<FunctionTemplate> constructor)`.
type FnObjectTemplateNew = unsafe extern "C" fn(*mut c_void, *const c_void) -> *mut c_void;
/// `Local<Private> Private::New(Isolate*, Local<String> name)`.
type FnPrivateNew = unsafe extern "C" fn(*mut c_void, *const c_void) -> *mut c_void;
/// `void Template::SetPrivate(Local<Private>, Local<Data>, PropertyAttribute)` (`this` first).
type FnSetPrivate = unsafe extern "C" fn(*mut c_void, *const c_void, *const c_void, i32);
/// `Address* api_internal::GlobalizeReference(internal::Isolate*, Address value)` (V8 12+).
type FnGlobalizeValue = unsafe extern "C" fn(*mut c_void, usize) -> *mut usize;
/// `Address* api_internal::GlobalizeReference(internal::Isolate*, Address* handle)` (V8 11).
type FnGlobalizeSlot = unsafe extern "C" fn(*mut c_void, *const usize) -> *mut usize;

/// `ReadOnly | DontEnum | DontDelete`: the mark is inert (and under a private key anyway).
const MARK_ATTRIBUTES: i32 = 7;

/// How the cache state is encoded in its field (a Smi: the value in the upper 32 bits, Node's
/// builds have no pointer compression).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    /// V8 11/12: `serial_number`, -2 (`kUncached`) when fresh, -1 (`kDoNotCache`) for
    /// `Function::New`'s templates, the serial number once cached.
    Serial,
    /// V8 13+: `template_info_flags`, bit 0 `is_cacheable` (set when fresh, clear for
    /// `Function::New`'s templates), serial number from bit 2 (0 until cached).
    Flags,
}

impl Encoding {
    /// The "do not cache" word for a field holding `fresh`.
    fn do_not_cache(self, fresh: usize) -> usize {
        match self {
            Encoding::Serial => smi(-1),
            Encoding::Flags => smi(smi_value(fresh).unwrap_or(0) & !1),
        }
    }
}

#[derive(Clone, Copy)]
enum Route {
    /// Write `do_not_cache` at byte `offset` of a template whose word there is `fresh`.
    Field {
        offset: usize,
        fresh: usize,
        do_not_cache: usize,
    },
    /// Add `value` (an `ObjectTemplate`) under `key` (a private symbol) to each template; both
    /// are global handles of this isolate, whose slots serve as `Local`s.
    Mark {
        set_private: FnSetPrivate,
        key: *mut usize,
        value: *mut usize,
    },
    Cached,
    NotCaching,
}

impl Route {
    fn name(self) -> &'static str {
        match self {
            Route::Field { .. } => "field",
            Route::Mark { .. } => "mark",
            Route::Cached => "cached",
            Route::NotCaching => "not-caching",
        }
    }
}

thread_local! {
    /// This thread's isolate and its route (set by [`probe`]).
    static ROUTE: Cell<Option<(*mut c_void, Route)>> = const { Cell::new(None) };
}

fn smi(v: i32) -> usize {
    ((v as i64) << 32) as usize
}

fn smi_value(word: usize) -> Option<i32> {
    (word & 0xffff_ffff == 0).then_some(((word as i64) >> 32) as i32)
}

/// The start of the heap object a handle refers to (tagged pointers carry tag 1).
///
/// # Safety
/// `handle` is a live handle of a heap object.
unsafe fn object(handle: *const c_void) -> *mut usize {
    // SAFETY: `handle` is a live handle (the contract): its slot holds the tagged pointer.
    unsafe { (*(handle as *const usize) - 1) as *mut usize }
}

/// The regular callback of the probe's functions (never called).
///
/// # Safety
/// Never called (the probe's functions are never called); any pointer is accepted.
unsafe extern "C" fn probe_callback(_info: *const c_void) {}

/// The words of a `FunctionTemplateInfo` where the cache state may live: right after the map
/// (V8 12+) or after the `tag` field (V8 11). Every FunctionTemplateInfo has more than ten
/// fields on V8 11–14, so both are inside the object.
const CANDIDATE_OFFSETS: [usize; 2] = [8, 16];

/// Decide this isolate's route (once per thread; later calls return the first answer).
///
/// # Safety
/// On a JS thread inside a HandleScope (an N-API call), before functions are made there.
pub unsafe fn probe(v8: &V8) -> &'static str {
    // SAFETY: the operations below need only this function's contract (# Safety): never called (the
    // probe's functions are never called); any pointer is accepted.
    unsafe {
        let isolate = v8.isolate();
        if let Some((iso, route)) = ROUTE.with(|r| r.get()) {
            if iso == isolate {
                return route.name();
            }
        }
        let route = choose(v8, isolate);
        ROUTE.with(|r| r.set(Some((isolate, route))));
        route.name()
    }
}

/// # Safety
/// As [`probe`]; `isolate` the current one.
unsafe fn choose(v8: &V8, isolate: *mut c_void) -> Route {
    // SAFETY: the operations below need only this function's contract (# Safety): as [`probe`];
    // `isolate` the current one.
    unsafe {
        let force = crate::config::get().template_route;
        let template = || v8.template(isolate, probe_callback as *const () as usize);
        // A plain template instantiated twice: the same function means this V8 caches.
        let plain = template();
        if plain.is_null() {
            return Route::Cached;
        }
        // Reads inside the template object (CANDIDATE_OFFSETS); `plain` is a live handle of this
        // scope, and reading after instantiating goes through the handle again (GC may move it).
        let before = CANDIDATE_OFFSETS.map(|o| *object(plain).add(o / 8));
        match v8.instantiated_twice(plain) {
            Some(true) => {}
            Some(false) => return Route::NotCaching,
            None => return Route::Cached,
        }
        let after = CANDIDATE_OFFSETS.map(|o| *object(plain).add(o / 8));
        if force == TemplateRoute::Cached {
            return Route::Cached;
        }
        if force != TemplateRoute::Mark {
            if let Some(route) = find_field(v8, template, before, after) {
                return route;
            }
        }
        mark_route(v8, isolate, template).unwrap_or(Route::Cached)
    }
}

/// Route 1: find the cache field from what instantiating the plain probe template changed
/// (`before` → `after` at each candidate offset): a Smi going from the fresh state to a cached
/// state with a serial number, in one of the two encodings. Then a second fresh template,
/// written "do not cache", must hand out a new function on each `GetFunction` and keep the
/// written state: only then is the field used.
///
/// # Safety
/// As [`probe`]; `template` makes fresh probe templates.
unsafe fn find_field(
    v8: &V8,
    template: impl Fn() -> *mut c_void,
    before: [usize; 2],
    after: [usize; 2],
) -> Option<Route> {
    // SAFETY: the operations below need only this function's contract (# Safety): as [`probe`];
    // `template` makes fresh probe templates.
    unsafe {
        let found: Vec<(usize, Encoding)> = (0..CANDIDATE_OFFSETS.len())
            .filter_map(|i| {
                let (b, a) = (smi_value(before[i])?, smi_value(after[i])?);
                let enc = if b == -2 && a > 0 {
                    Encoding::Serial
                } else if b & 1 == 1 && b >> 2 == 0 && a & 3 == b & 3 && a >> 2 > 0 {
                    Encoding::Flags
                } else {
                    return None;
                };
                Some((i, enc))
            })
            .collect();
        let [(i, enc)] = found[..] else {
            return None;
        };
        let (offset, fresh) = (CANDIDATE_OFFSETS[i], before[i]);
        let do_not_cache = enc.do_not_cache(fresh);
        let t = template();
        if t.is_null() {
            return None;
        }
        // The field lies inside the fresh template `t` (a live handle of this scope). A Smi store
        // needs no write barrier (it is not a pointer), and an aligned word store is atomic for a
        // concurrent marker reading the object.
        let field = object(t).add(offset / 8);
        if *field != fresh {
            return None;
        }
        *field = do_not_cache;
        (v8.instantiated_twice(t) == Some(false) && *object(t).add(offset / 8) == do_not_cache)
            .then_some(Route::Field {
                offset,
                fresh,
                do_not_cache,
            })
    }
}

/// Route 2: the public mark, verified the same way.
///
/// # Safety
/// As [`probe`]; `template` makes fresh probe templates.
unsafe fn mark_route(
    v8: &V8,
    isolate: *mut c_void,
    template: impl Fn() -> *mut c_void,
) -> Option<Route> {
    // SAFETY: the operations below need only this function's contract (# Safety): as [`probe`];
    // `template` makes fresh probe templates.
    unsafe {
        let object_template_new: FnObjectTemplateNew =
            sym("_ZN2v814ObjectTemplate3NewEPNS_7IsolateENS_5LocalINS_16FunctionTemplateEEE")
                .ok()?;
        let private_new: FnPrivateNew =
            sym("_ZN2v87Private3NewEPNS_7IsolateENS_5LocalINS_6StringEEE").ok()?;
        let set_private: FnSetPrivate = sym(
        "_ZN2v88Template10SetPrivateENS_5LocalINS_7PrivateEEENS1_INS_4DataEEENS_17PropertyAttributeE",
    )
    .ok()?;
        // One key and one value per isolate, kept as global handles for the isolate's life (V8
        // frees them with it): a new ObjectTemplate per function would itself be cached on V8
        // 11/12 when instantiated.
        let key = global(isolate, private_new(isolate, std::ptr::null()))?;
        let value = global(isolate, object_template_new(isolate, std::ptr::null()))?;
        let route = Route::Mark {
            set_private,
            key,
            value,
        };
        let t = template();
        if t.is_null() {
            return None;
        }
        apply_route(route, t);
        (v8.instantiated_twice(t) == Some(false)).then_some(route)
    }
}

/// A strong global handle to what `local` refers to (None if `local` is empty or the symbol is
/// missing).
///
/// # Safety
/// On the isolate's thread; `local` null or a live handle.
unsafe fn global(isolate: *mut c_void, local: *mut c_void) -> Option<*mut usize> {
    // SAFETY: the operations below need only this function's contract (# Safety): on the isolate's
    // thread; `local` null or a live handle.
    unsafe {
        if local.is_null() {
            return None;
        }
        let slot = match sym::<FnGlobalizeValue>(
            "_ZN2v812api_internal18GlobalizeReferenceEPNS_8internal7IsolateEm",
        ) {
            Ok(f) => f(isolate, *(local as *const usize)),
            Err(_) => {
                let f: FnGlobalizeSlot =
                    sym("_ZN2v812api_internal18GlobalizeReferenceEPNS_8internal7IsolateEPm")
                        .ok()?;
                f(isolate, local as *const usize)
            }
        };
        (!slot.is_null()).then_some(slot)
    }
}

/// # Safety
/// On the isolate's thread inside a HandleScope; `template` a live handle of a fresh template;
/// `route` verified on this isolate by [`probe`].
unsafe fn apply_route(route: Route, template: *mut c_void) {
    // SAFETY: the operations below need only this function's contract (# Safety): on the isolate's
    // thread inside a HandleScope; `template` a live handle of a fresh template; `route` verified
    // on this isolate by [`probe`].
    unsafe {
        match route {
            Route::Field {
                offset,
                fresh,
                do_not_cache,
            } => {
                // Inside the template (the probe found the field there); a Smi store, as in
                // find_field.
                let field = object(template).add(offset / 8);
                // Only the state the probe verified is rewritten; anything else keeps V8's default.
                if *field == fresh {
                    *field = do_not_cache;
                }
            }
            Route::Mark {
                set_private,
                key,
                value,
            } => set_private(
                template,
                key as *const c_void,
                value as *const c_void,
                MARK_ATTRIBUTES,
            ),
            Route::Cached | Route::NotCaching => {}
        }
    }
}

/// Make `template` (fresh from `FunctionTemplate::New`, not yet instantiated) uncacheable by
/// this isolate's route.
///
/// # Safety
/// On the isolate's thread, inside a HandleScope; `template` a live handle of a fresh template.
#[inline]
pub unsafe fn apply(isolate: *mut c_void, template: *mut c_void) {
    // SAFETY: the operations below need only this function's contract (# Safety): on the isolate's
    // thread, inside a HandleScope; `template` a live handle of a fresh template.
    unsafe {
        if let Some((iso, route)) = ROUTE.with(|r| r.get()) {
            if iso == isolate {
                apply_route(route, template);
            }
        }
    }
}
