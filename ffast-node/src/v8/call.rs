//! C → JS calls through V8's own exported API (the callbacks' route to JS). Chosen once per
//! process from the running V8 and verified by a probe; anything missing or unverified keeps
//! the N-API route.
//!
//! Why: a same-thread callback through N-API paid, per call, `napi_open_handle_scope` (a heap
//! object on Node 26, where V8 14 no longer exports the HandleScope constructor: a malloc and a
//! free), `napi_get_reference_value`, `napi_call_function` (env checks, `IsFunction`, its own
//! TryCatch) and one N-API call per converted value. This route does what those do with V8's
//! exported functions, or with what V8's headers inline:
//! - a stack `v8::HandleScope` (v8::scope): its exported constructor and destructor (V8
//!   11–13), or on V8 14 the header-inline body of both, verified by a probe;
//! - the JS function as a strong `v8::Global` whose slot is used as the `Local` (Node's own
//!   `PersistentToLocal::Strong` does the same), `undefined` likewise;
//! - `v8::TryCatch` + `v8::Function::Call` in the context N-API would use (the env's: the one
//!   current when the thread's first callback was made, kept as a global), so an exception
//!   thrown by the callback is caught exactly as N-API's TryCatch catches it.

use super::api::V8;
use super::scope::Scope;
use super::symbols::{sym, FnIntegerNew, FnNumberNew, FnPtrPtr, FnVoidPtr};
use super::tagged;
use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::sync::OnceLock;

type FnIsolateBool = unsafe extern "C" fn(*mut c_void) -> bool;
/// `MaybeLocal<Value> Function::Call(Isolate*, Local<Context>, Local<Value>, int, Local<Value>*)`
/// (V8 12.9+). `MaybeLocal` and `Local` are one pointer, trivially copyable: passed and returned
/// in registers (SysV §3.2.3, AAPCS64 §6.9).
type FnCallIsolate = unsafe extern "C" fn(
    *const c_void,
    *mut c_void,
    *mut c_void,
    *const c_void,
    i32,
    *const *mut c_void,
) -> *mut c_void;
/// `MaybeLocal<Value> Function::Call(Local<Context>, Local<Value>, int, Local<Value>*)`.
type FnCallContext = unsafe extern "C" fn(
    *const c_void,
    *mut c_void,
    *const c_void,
    i32,
    *const *mut c_void,
) -> *mut c_void;
type FnTryCatchNew = unsafe extern "C" fn(*mut TryCatch, *mut c_void);
type FnTryCatchDrop = unsafe extern "C" fn(*mut TryCatch);
type FnTryCatchIs = unsafe extern "C" fn(*const TryCatch) -> bool;
type FnTryCatchException = unsafe extern "C" fn(*const TryCatch) -> *mut c_void;
/// `GlobalizeReference(internal::Isolate*, Address value)` (V8 12+).
type FnGlobalizeValue = unsafe extern "C" fn(*mut c_void, usize) -> *mut usize;
/// `GlobalizeReference(internal::Isolate*, Address* handle)` (V8 11).
type FnGlobalizeSlot = unsafe extern "C" fn(*mut c_void, *const usize) -> *mut usize;
type FnDisposeGlobal = unsafe extern "C" fn(*mut usize);

/// Room for a `v8::TryCatch` (48 bytes on V8 11–14: isolate, next, exception, message,
/// stack address, flags), with margin. V8 links it into the isolate's handler chain by address
/// and compares that address with JS frames, so it lives on the machine stack and never moves
/// while constructed.
#[repr(C, align(8))]
pub struct TryCatch([u8; 128]);

enum CallFn {
    Isolate(FnCallIsolate),
    Context(FnCallContext),
}

enum Globalize {
    Value(FnGlobalizeValue),
    Slot(FnGlobalizeSlot),
}

/// Everything a callback needs to call its JS function without N-API.
pub struct JsCall {
    /// `Isolate::TryGetCurrent`: null on a thread without an isolate.
    get_current: FnVoidPtr,
    get_current_context: FnPtrPtr,
    is_terminating: FnIsolateBool,
    call: CallFn,
    try_catch_new: FnTryCatchNew,
    try_catch_drop: FnTryCatchDrop,
    has_caught: FnTryCatchIs,
    has_terminated: FnTryCatchIs,
    exception: FnTryCatchException,
    globalize: Globalize,
    dispose: FnDisposeGlobal,
    /// `Number::New`: what `napi_create_double` calls after its env checks (callback
    /// arguments that are not Smis: pointers, 64-bit integers, floats).
    number_new: FnNumberNew,
    scope: Scope,
}

// SAFETY: plain function pointers into the node binary's (immutable) text.
unsafe impl Send for JsCall {}
// SAFETY: as above.
unsafe impl Sync for JsCall {}

/// What a direct call gave.
pub enum Called {
    Returned(*mut c_void),
    /// The function threw this value (caught; nothing is pending).
    Threw(*mut c_void),
    /// The isolate is terminating (worker.terminate(), process exit, a vm timeout): no JS can
    /// run, so there is nobody to report to. V8 rethrows the termination past this call.
    Terminating,
    /// No result and nothing caught (not expected from V8).
    Failed,
}

static CALL: OnceLock<Option<JsCall>> = OnceLock::new();

/// Resolve and verify the route, once per process. Call on a JS thread inside an N-API call (a
/// HandleScope is open: the probe creates a few handles in it).
///
/// # Safety
/// As above.
pub unsafe fn probe() {
    // SAFETY: the operations below need only this function's contract (# Safety): as above.
    unsafe {
        CALL.get_or_init(|| {
            let v8 = V8::get().ok()?;
            let integer_new: FnIntegerNew = sym("_ZN2v87Integer3NewEPNS_7IsolateEi").ok()?;
            let get_current: FnVoidPtr = sym("_ZN2v87Isolate13TryGetCurrentEv").ok()?;
            let isolate = get_current();
            if isolate.is_null() {
                return None;
            }
            if crate::config::get().test_napi_callbacks {
                return None;
            }
            resolve(v8, get_current, integer_new, isolate)
        });
    }
}

/// The direct route, if this process has one (after [`probe`]).
#[inline(always)]
pub fn get() -> Option<&'static JsCall> {
    CALL.get().and_then(Option::as_ref)
}

/// Which route callbacks take on this process (tests): `v8-inline-scope`, `v8-scope` or `napi`.
pub fn route() -> &'static str {
    match get().map(|c| &c.scope) {
        Some(Scope::Inline { .. }) => "v8-inline-scope",
        Some(Scope::Exported { .. }) => "v8-scope",
        None => "napi",
    }
}

/// # Safety
/// As [`probe`]; `isolate` the current one.
unsafe fn resolve(
    v8: &V8,
    get_current: FnVoidPtr,
    integer_new: FnIntegerNew,
    isolate: *mut c_void,
) -> Option<JsCall> {
    // SAFETY: the operations below need only this function's contract (# Safety): as [`probe`];
    // `isolate` the current one.
    unsafe {
        let scope = Scope::resolve(v8.version, integer_new, isolate)?;
        let call = match sym(
            "_ZN2v88Function4CallEPNS_7IsolateENS_5LocalINS_7ContextEEENS3_INS_5ValueEEEiPS7_",
        ) {
            Ok(f) => CallFn::Isolate(f),
            Err(_) => CallFn::Context(
                sym("_ZN2v88Function4CallENS_5LocalINS_7ContextEEENS1_INS_5ValueEEEiPS5_").ok()?,
            ),
        };
        let globalize =
            match sym("_ZN2v812api_internal18GlobalizeReferenceEPNS_8internal7IsolateEm") {
                Ok(f) => Globalize::Value(f),
                Err(_) => Globalize::Slot(
                    sym("_ZN2v812api_internal18GlobalizeReferenceEPNS_8internal7IsolateEPm")
                        .ok()?,
                ),
            };
        Some(JsCall {
            get_current,
            get_current_context: sym("_ZN2v87Isolate17GetCurrentContextEv").ok()?,
            is_terminating: sym("_ZN2v87Isolate22IsExecutionTerminatingEv").ok()?,
            call,
            try_catch_new: sym("_ZN2v88TryCatchC1EPNS_7IsolateE").ok()?,
            try_catch_drop: sym("_ZN2v88TryCatchD1Ev").ok()?,
            has_caught: sym("_ZNK2v88TryCatch9HasCaughtEv").ok()?,
            has_terminated: sym("_ZNK2v88TryCatch13HasTerminatedEv").ok()?,
            exception: sym("_ZNK2v88TryCatch9ExceptionEv").ok()?,
            globalize,
            dispose: sym("_ZN2v812api_internal13DisposeGlobalEPm").ok()?,
            number_new: sym("_ZN2v86Number3NewEPNS_7IsolateEd").ok()?,
            scope,
        })
    }
}

impl JsCall {
    /// The current thread's isolate; null on a thread without one.
    #[inline(always)]
    pub fn isolate(&self) -> *mut c_void {
        // SAFETY: Isolate::TryGetCurrent has no preconditions.
        unsafe { (self.get_current)() }
    }

    /// The isolate's current context as a handle (null when none is entered).
    ///
    /// # Safety
    /// On the isolate's thread, inside a HandleScope.
    pub unsafe fn current_context(&self, isolate: *mut c_void) -> *mut c_void {
        // SAFETY: the contract: on the isolate's thread, inside a HandleScope for the handle.
        unsafe { (self.get_current_context)(isolate) }
    }

    /// Run `f` inside a fresh HandleScope: handles it creates are released on return.
    ///
    /// # Safety
    /// On `isolate`'s thread, with that isolate entered.
    #[inline(always)]
    pub unsafe fn with_scope<R>(&self, isolate: *mut c_void, f: impl FnOnce() -> R) -> R {
        // SAFETY: the contract: on `isolate`'s thread, with it entered.
        unsafe { self.scope.with(isolate, f) }
    }

    /// Tests: open a scope on this route, create `n` handles in it (more than a handle block
    /// holds, so V8 adds blocks and the close must free them), close it. True when V8 counted
    /// `n` more handles inside and exactly the old count after. None without the symbols.
    ///
    /// # Safety
    /// On a JS thread inside an N-API call.
    pub unsafe fn scope_self_test(&self, n: usize) -> Option<bool> {
        // SAFETY: the operations below need only this function's contract (# Safety): on a JS
        // thread inside an N-API call.
        unsafe {
            type FnCount = unsafe extern "C" fn(*mut c_void) -> i32;
            let count: FnCount = sym("_ZN2v811HandleScope15NumberOfHandlesEPNS_7IsolateE").ok()?;
            let number_new: FnNumberNew = sym("_ZN2v86Number3NewEPNS_7IsolateEd").ok()?;
            let isolate = self.isolate();
            let before = count(isolate);
            let (inside, values_ok) = self.with_scope(isolate, || {
                let hs: Vec<*mut usize> = (0..n)
                    .map(|i| number_new(isolate, i as f64 + 0.5))
                    .collect();
                // Every handle still holds its own number (none was freed or reused early); read
                // directly where that layout was verified.
                let ok = !tagged::smi32()
                    || hs
                        .iter()
                        .enumerate()
                        .all(|(i, &h)| *(((*h) - 1 + 8) as *const f64) == i as f64 + 0.5);
                (count(isolate), ok)
            });
            let after = count(isolate);
            Some(values_ok && inside as i64 == before as i64 + n as i64 && after == before)
        }
    }

    /// A strong global handle to `value`; its slot serves as a `Local` for as long as it lives.
    ///
    /// # Safety
    /// On the isolate's thread; `value` is a live handle.
    pub unsafe fn global(&self, value: *const c_void) -> *mut usize {
        // SAFETY: the operations below need only this function's contract (# Safety): on the
        // isolate's thread; `value` is a live handle.
        unsafe {
            let isolate = self.isolate();
            match self.globalize {
                Globalize::Value(f) => f(isolate, *(value as *const usize)),
                Globalize::Slot(f) => f(isolate, value as *const usize),
            }
        }
    }

    /// The Number `d` as a handle in the current HandleScope (a Smi when `d` is an int32 other
    /// than -0, else a HeapNumber): the value `napi_create_double` makes, without its env checks.
    ///
    /// # Safety
    /// On `isolate`'s thread, inside a HandleScope.
    #[inline(always)]
    pub unsafe fn number(&self, isolate: *mut c_void, d: f64) -> *mut c_void {
        // SAFETY: the contract: on the isolate's thread, inside a HandleScope for the handle.
        unsafe { (self.number_new)(isolate, d).cast() }
    }

    /// Release a handle made by [`global`](Self::global).
    ///
    /// # Safety
    /// On the isolate's thread, once per global, while the isolate lives.
    pub unsafe fn dispose(&self, global: *mut usize) {
        // SAFETY: the contract: on the isolate's thread, once per global, the isolate alive.
        unsafe { (self.dispose)(global) }
    }

    /// Call the function in handle `func` with receiver `recv` and `argv` in `context`,
    /// catching what it throws.
    ///
    /// # Safety
    /// On `isolate`'s thread where JS may run, inside a HandleScope; `context` is a context
    /// handle, `func` a function handle, `recv` and `argv` live handles.
    #[inline(always)]
    pub unsafe fn call(
        &self,
        isolate: *mut c_void,
        context: *mut c_void,
        func: *const c_void,
        recv: *const c_void,
        argv: &[*mut c_void],
    ) -> Called {
        // SAFETY: the operations below need only this function's contract (# Safety): on
        // `isolate`'s thread where JS may run, inside a HandleScope; `context` is a context handle,
        // `func` a function handle, `recv` and `argv` live handles.
        unsafe {
            // V8 12+ expects the embedder not to enter JS while the isolate terminates (only a
            // debug check guards it): entering then drops the pending termination and runs the
            // function as if nothing happened, so a terminated worker inside a C loop of callbacks
            // would keep running. N-API refuses the same way (can_call_into_js).
            if (self.is_terminating)(isolate) {
                return Called::Terminating;
            }
            // Not zeroed first (a 128-byte store per call): V8's constructor writes every field
            // of the TryCatch; it is used through its address only, so the margin after them is
            // never read.
            let mut storage = MaybeUninit::<TryCatch>::uninit();
            let tc = storage.as_mut_ptr();
            (self.try_catch_new)(tc, isolate);
            let argc = argv.len() as i32;
            let r = match self.call {
                CallFn::Isolate(f) => f(func, isolate, context, recv, argc, argv.as_ptr()),
                CallFn::Context(f) => f(func, context, recv, argc, argv.as_ptr()),
            };
            let out = if !r.is_null() {
                Called::Returned(r)
            } else if (self.has_caught)(tc) {
                if (self.has_terminated)(tc) {
                    Called::Terminating
                } else {
                    // A handle in the caller's scope: it outlives the TryCatch.
                    Called::Threw((self.exception)(tc))
                }
            } else if (self.is_terminating)(isolate) {
                // V8 11 itself refuses to enter JS once termination started, without throwing.
                Called::Terminating
            } else {
                Called::Failed
            };
            // Not rethrowing: the exception is cleared, as N-API's TryCatch does. (A termination is
            // rethrown by V8 itself while JS is on the stack.)
            (self.try_catch_drop)(tc);
            out
        }
    }
}
