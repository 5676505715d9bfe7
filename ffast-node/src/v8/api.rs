//! The V8 functions ffast calls, resolved once per process from the running node binary, with
//! what the running version implies (layouts, which constructors exist). A V8 not on the
//! verified list, or a missing symbol, turns fast calls off (N-API path) instead of failing.

use super::call_info::FciLayout;
use super::fast_api::{CFunction, CfiCtor, FnCFunction, FnCfi3, FnCfi4};
use super::scope::ScopeFns;
use super::symbols::{self, sym, FnPtrPtr, FnVoidPtr};
use std::ffi::c_void;
use std::sync::OnceLock;

/// `v8::MemorySpan<uint8_t>`: trivially copyable, so returned in rax:rdx (SysV §3.2.3).
#[repr(C)]
pub struct Span {
    pub data: *mut u8,
    pub size: usize,
}

type FnIsX = unsafe extern "C" fn(*const c_void) -> bool;
type FnData = unsafe extern "C" fn(*const c_void) -> *mut c_void;
type FnGetContents = unsafe extern "C" fn(*const c_void, *mut u8, usize) -> Span;
type FnFtNew = unsafe extern "C" fn(
    *mut c_void,      // isolate
    *const c_void,    // FunctionCallback
    *const c_void,    // Local<Value> data
    *const c_void,    // Local<Signature>
    i32,              // length
    i32,              // ConstructorBehavior (enum class, int)
    i32,              // SideEffectType (enum class, int)
    *const CFunction, // fast target
    u16,
    u16,
    u16,
) -> *mut c_void;
type FnGetFunction = unsafe extern "C" fn(*mut c_void, *mut c_void) -> *mut c_void;
type FnThrow = unsafe extern "C" fn(*mut c_void, *const c_void) -> *mut c_void;
type FnViewLength = unsafe extern "C" fn(*const c_void) -> usize;

/// Everything resolved from the running node binary.
pub struct V8 {
    /// The running V8's (major, minor).
    pub version: (u32, u32),
    pub fci: FciLayout,
    /// Bytes per CTypeInfo: 3 before V8 14 (`type, sequence, flags`), 2 from 14 on.
    pub(super) ctype_size: usize,
    /// V8's major version.
    pub major: u32,
    /// Node 20 (V8 11) forbids allocation in fast calls (§6.4), and materializing an on-heap
    /// typed array's buffer allocates: buffer signatures declare `FastApiCallbackOptions` there
    /// and hand such a call to the slow path through its `fallback` flag (§6.1; see
    /// `ffast_core::trampoline::FastTargets::fallback`). V8 12 allows the allocation.
    pub buffer_fallback: bool,
    pub(super) get_current: FnVoidPtr,
    pub(super) get_current_context: FnPtrPtr,
    pub(super) ft_new: FnFtNew,
    pub(super) get_function: FnGetFunction,
    pub(super) cfi_ctor: CfiCtor,
    pub(super) cfunction_ctor: FnCFunction,
    throw_exception: FnThrow,
    pub is_array_buffer: FnIsX,
    pub is_shared_array_buffer: FnIsX,
    pub is_array_buffer_view: FnIsX,
    pub is_typed_array: FnIsX,
    pub array_buffer_data: FnData,
    pub shared_array_buffer_data: FnData,
    pub view_has_buffer: FnIsX,
    /// Handle-free; 0 for a detached or out-of-bounds view.
    pub view_byte_length: FnViewLength,
    /// V8 12.6+: the data of a view with an off-heap buffer, without creating handles.
    pub view_get_contents: Option<FnGetContents>,
    /// V8 ≤ 13: a real HandleScope for the views GetContents cannot serve.
    pub scope: Option<ScopeFns>,
}

// SAFETY: V8 holds plain function pointers into the (immutable) node text segment.
unsafe impl Send for V8 {}
// SAFETY: as above; the table is never written after it is built.
unsafe impl Sync for V8 {}

/// V8 versions whose layouts were verified (fact sheet §1): (major, minor).
const VERIFIED: [(u32, u32); 4] = [(11, 3), (12, 4), (13, 6), (14, 6)];

impl V8 {
    fn resolve() -> Result<V8, String> {
        let version = symbols::version()?;
        let mut it = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        let (major, minor) = (it.next().unwrap_or(0), it.next().unwrap_or(0));
        let config = crate::config::get();
        let verified = VERIFIED.contains(&(major, minor)) && !config.test_unverified_v8;
        if !verified && !config.trust_v8 {
            return Err(format!(
                "V8 {version} is not on ffast's verified list (Node 20, 22, 24, 26); set FFAST_TRUST_V8=1 to try fast calls anyway"
            ));
        }
        let ctype_size = if major >= 14 { 2 } else { 3 };
        // Probe the constructor by symbol, not by version (rust-fast-calls.md §2).
        let cfi_ctor = match sym::<FnCfi4>(
            "_ZN2v813CFunctionInfoC1ERKNS_9CTypeInfoEjPS2_NS0_19Int64RepresentationE",
        ) {
            Ok(f) => CfiCtor::Four(f),
            Err(_) => CfiCtor::Three(sym::<FnCfi3>(
                "_ZN2v813CFunctionInfoC1ERKNS_9CTypeInfoEjPS2_",
            )?),
        };
        Ok(V8 {
            version: (major, minor),
            fci: FciLayout::of((major, minor)),
            ctype_size,
            major,
            buffer_fallback: major < 12,
            get_current: sym("_ZN2v87Isolate10GetCurrentEv")?,
            get_current_context: sym("_ZN2v87Isolate17GetCurrentContextEv")?,
            ft_new: sym("_ZN2v816FunctionTemplate3NewEPNS_7IsolateEPFvRKNS_20FunctionCallbackInfoINS_5ValueEEEENS_5LocalIS4_EENSA_INS_9SignatureEEEiNS_19ConstructorBehaviorENS_14SideEffectTypeEPKNS_9CFunctionEttt")?,
            get_function: sym("_ZN2v816FunctionTemplate11GetFunctionENS_5LocalINS_7ContextEEE")?,
            cfi_ctor,
            cfunction_ctor: sym("_ZN2v89CFunctionC1EPKvPKNS_13CFunctionInfoE")?,
            throw_exception: sym("_ZN2v87Isolate14ThrowExceptionENS_5LocalINS_5ValueEEE")?,
            is_array_buffer: sym("_ZNK2v85Value13IsArrayBufferEv")?,
            is_shared_array_buffer: sym("_ZNK2v85Value19IsSharedArrayBufferEv")?,
            is_array_buffer_view: sym("_ZNK2v85Value17IsArrayBufferViewEv")?,
            is_typed_array: sym("_ZNK2v85Value12IsTypedArrayEv")?,
            array_buffer_data: sym("_ZNK2v811ArrayBuffer4DataEv")?,
            shared_array_buffer_data: sym("_ZNK2v817SharedArrayBuffer4DataEv")?,
            view_has_buffer: sym("_ZNK2v815ArrayBufferView9HasBufferEv")?,
            view_byte_length: sym("_ZN2v815ArrayBufferView10ByteLengthEv")?,
            view_get_contents: sym("_ZN2v815ArrayBufferView11GetContentsENS_10MemorySpanIhEE").ok(),
            scope: ScopeFns::resolve().ok(),
        })
    }

    /// The process-wide V8 binding, or why fast calls are off.
    pub fn get() -> Result<&'static V8, &'static str> {
        static CELL: OnceLock<Result<V8, String>> = OnceLock::new();
        match CELL.get_or_init(|| {
            if crate::config::get().no_fast {
                return Err("fast calls disabled by FFAST_NO_FAST".into());
            }
            if !cfg!(any(target_arch = "x86_64", target_arch = "aarch64")) {
                return Err("no fast-call backend for this architecture".into());
            }
            V8::resolve()
        }) {
            Ok(v) => Ok(v),
            Err(e) => Err(e.as_str()),
        }
    }

    /// The V8 version string even when fast calls are off.
    pub fn version_string() -> String {
        symbols::version().unwrap_or_else(|_| "unknown".into())
    }

    /// Run `f` inside a fresh `v8::HandleScope` (handles it creates are released on return).
    ///
    /// # Safety
    /// On the isolate's thread.
    pub unsafe fn with_scope<R>(&self, scope: &ScopeFns, f: impl FnOnce() -> R) -> R {
        // SAFETY: on the isolate's thread (the contract), so V8's current isolate is it.
        unsafe { scope.with((self.get_current)(), f) }
    }

    /// Throw `value` as a JS exception from a raw V8 callback. (`napi_throw` cannot be used
    /// there: it runs inside N-API's own TryCatch, which parks the exception in the env until
    /// control returns through N-API — which a raw callback never does.)
    ///
    /// # Safety
    /// On the isolate's thread, `value` a live value of the current HandleScope.
    pub unsafe fn throw(&self, value: *const c_void) {
        // SAFETY: the operations below need only this function's contract (# Safety): on the
        // isolate's thread, `value` a live value of the current HandleScope.
        unsafe {
            (self.throw_exception)((self.get_current)(), value);
        }
    }

    /// The current thread's isolate (null on a thread without one).
    pub fn isolate(&self) -> *mut c_void {
        // SAFETY: Isolate::GetCurrent has no preconditions.
        unsafe { (self.get_current)() }
    }

    /// A plain `FunctionTemplate` calling `callback` (no fast target), as [`V8::new_function`]
    /// makes them: for probes (v8::uncache). Null on failure.
    ///
    /// # Safety
    /// On `isolate`'s thread inside a HandleScope; `callback` a valid `FunctionCallback`.
    pub unsafe fn template(&self, isolate: *mut c_void, callback: usize) -> *mut c_void {
        // SAFETY: the operations below need only this function's contract (# Safety): on
        // `isolate`'s thread inside a HandleScope; `callback` a valid `FunctionCallback`.
        unsafe {
            (self.ft_new)(
                isolate,
                callback as *const c_void,
                std::ptr::null(),
                std::ptr::null(),
                0,
                0,
                0,
                std::ptr::null(),
                0,
                0,
                0,
            )
        }
    }

    /// Instantiate `template` twice in the current context: whether both times gave the same
    /// function (V8 cached the first), None if an instantiation failed. Handles are slots
    /// holding the object's address (no pointer compression in Node's builds) and GC updates
    /// both, so equal words mean the same object.
    ///
    /// # Safety
    /// On the isolate's thread inside a HandleScope; `template` a live template handle.
    pub unsafe fn instantiated_twice(&self, template: *mut c_void) -> Option<bool> {
        // SAFETY: the operations below need only this function's contract (# Safety): on the
        // isolate's thread inside a HandleScope; `template` a live template handle.
        unsafe {
            let context = (self.get_current_context)((self.get_current)());
            let a = (self.get_function)(template, context);
            let b = (self.get_function)(template, context);
            if a.is_null() || b.is_null() {
                return None;
            }
            Some(*(a as *const usize) == *(b as *const usize))
        }
    }
}
