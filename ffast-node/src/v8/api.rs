//! V8's fast-API entry points, found at run time in the node binary, and the per-line layouts
//! that go with them (`../shared/docs/v8-fast-api.md`, `rust-fast-calls.md`).
//!
//! Nothing here is linked: every V8 symbol comes from `dlsym(RTLD_DEFAULT)`, so one build of
//! the addon loads on every Node line, and a missing symbol or an unverified V8 version turns
//! fast calls off (N-API path) instead of failing to load.

use ffast_core::trampoline::FastRet;
use ffast_core::Type;
use std::collections::HashMap;
use std::ffi::{c_void, CStr};
use std::sync::{Mutex, OnceLock};

/// V8 `CTypeInfo::Type` values (identical on 20–26, fact sheet §2.1).
mod ctype {
    pub const VOID: u8 = 0;
    pub const BOOL: u8 = 1;
    pub const INT32: u8 = 3;
    pub const UINT32: u8 = 4;
    pub const INT64: u8 = 5;
    pub const UINT64: u8 = 6;
    pub const FLOAT32: u8 = 7;
    pub const FLOAT64: u8 = 8;
    pub const V8_VALUE: u8 = 10;
    pub const SEQ_ONE_BYTE_STRING: u8 = 11;
    /// `CTypeInfo::kCallbackOptionsType`: the `FastApiCallbackOptions&` marker, last (§6).
    pub const CALLBACK_OPTIONS: u8 = 255;
}

/// How to read a `FunctionCallbackInfo` (fact sheet §3 of rust-fast-calls.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FciLayout {
    /// V8 11–14.2: `{implicit_args*, values*, length}`; arg i at `values[i]`, the return
    /// value slot at `implicit_args[3]`.
    Pointers,
    /// V8 14.3+: the info is the exit frame itself; `v[0]` argc, `v[6]` return slot,
    /// `v[10 + i]` argument i.
    Flat,
}

/// `v8::MemorySpan<uint8_t>`: trivially copyable, so returned in rax:rdx (SysV §3.2.3).
#[repr(C)]
pub struct Span {
    pub data: *mut u8,
    pub size: usize,
}

type FnVoidPtr = unsafe extern "C" fn() -> *mut c_void;
type FnPtrPtr = unsafe extern "C" fn(*mut c_void) -> *mut c_void;
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
type FnCfi3 = unsafe extern "C" fn(*mut CFunctionInfo, *const u8, u32, *const u8);
type FnCfi4 = unsafe extern "C" fn(*mut CFunctionInfo, *const u8, u32, *const u8, u8);
type FnCFunction = unsafe extern "C" fn(*mut CFunction, *const c_void, *const CFunctionInfo);
type FnThrow = unsafe extern "C" fn(*mut c_void, *const c_void) -> *mut c_void;
type FnScopeNew = unsafe extern "C" fn(*mut HandleScope, *mut c_void);
type FnScopeDrop = unsafe extern "C" fn(*mut HandleScope);
type FnViewBuffer = unsafe extern "C" fn(*const c_void) -> *const c_void;
type FnViewOffset = unsafe extern "C" fn(*const c_void) -> usize;
type FnViewLength = unsafe extern "C" fn(*const c_void) -> usize;

/// Room for a `v8::HandleScope` (24 bytes in release builds of V8 11–13: isolate, prev_next,
/// prev_limit), with margin; constructed and destroyed by V8's own exported functions.
#[repr(C, align(8))]
pub struct HandleScope([u8; 64]);

impl HandleScope {
    /// Storage for V8's constructor to fill.
    pub fn zeroed() -> Self {
        HandleScope([0; 64])
    }
}

/// A `v8::HandleScope` on the Rust stack (V8 ≤ 13, where its constructor is exported; 14+
/// inlines it, but 14+ also has `GetContents`, so it is not needed there).
pub struct ScopeFns {
    new: FnScopeNew,
    drop: FnScopeDrop,
    pub view_buffer: FnViewBuffer,
    pub view_byte_offset: FnViewOffset,
}

/// `v8::CFunctionInfo`: 16 bytes, 8-aligned on every line (§3.2). Filled by V8's constructor.
#[repr(C, align(8))]
pub struct CFunctionInfo([u8; 16]);

/// `v8::CFunction`: `{address, type_info}` (§4.1). Filled by V8's constructor.
#[repr(C)]
pub struct CFunction {
    address: *const c_void,
    info: *const CFunctionInfo,
}

enum CfiCtor {
    Three(FnCfi3),
    Four(FnCfi4),
}

/// Everything resolved from the running node binary.
pub struct V8 {
    /// The running V8's (major, minor).
    pub version: (u32, u32),
    pub fci: FciLayout,
    /// Bytes per CTypeInfo: 3 before V8 14 (`type, sequence, flags`), 2 from 14 on.
    ctype_size: usize,
    /// V8's major version.
    pub major: u32,
    /// Node 20 (V8 11) forbids allocation in fast calls (§6.4), and materializing an on-heap
    /// typed array's buffer allocates: buffer signatures declare `FastApiCallbackOptions` there
    /// and hand such a call to the slow path through its `fallback` flag (§6.1; see
    /// `ffast_core::trampoline::FastTargets::fallback`). V8 12 allows the allocation.
    pub buffer_fallback: bool,
    get_current: FnVoidPtr,
    get_current_context: FnPtrPtr,
    ft_new: FnFtNew,
    get_function: FnGetFunction,
    cfi_ctor: CfiCtor,
    cfunction_ctor: FnCFunction,
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
unsafe impl Sync for V8 {}

/// The most parameters a fast call may have. Measured, not documented: with 31 integer or 32
/// double parameters (plus the receiver) TurboFan crashes while compiling the caller — SIGSEGV
/// on Node 20–24, `Check failed: is_valid(value)` on Node 26 — while 30 of either class work on
/// every line. Larger signatures use the slow path.
pub const MAX_FAST_PARAMS: usize = 30;

/// V8 versions whose layouts were verified (fact sheet §1): (major, minor).
const VERIFIED: [(u32, u32); 4] = [(11, 3), (12, 4), (13, 6), (14, 6)];

pub(crate) fn sym<T: Copy>(name: &str) -> Result<T, String> {
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

impl V8 {
    fn resolve() -> Result<V8, String> {
        let get_version: unsafe extern "C" fn() -> *const libc::c_char =
            sym("_ZN2v82V810GetVersionEv")?;
        // SAFETY: V8::GetVersion returns a static NUL-terminated string.
        let version = unsafe { CStr::from_ptr(get_version()) }
            .to_string_lossy()
            .into_owned();
        let mut it = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        let (major, minor) = (it.next().unwrap_or(0), it.next().unwrap_or(0));
        let config = crate::config::get();
        let verified = VERIFIED.contains(&(major, minor)) && !config.test_unverified_v8;
        if !verified && !config.trust_v8 {
            return Err(format!(
                "V8 {version} is not on ffast's verified list (Node 20, 22, 24, 26); set FFAST_TRUST_V8=1 to try fast calls anyway"
            ));
        }
        let fci = if (major, minor) >= (14, 3) {
            FciLayout::Flat
        } else {
            FciLayout::Pointers
        };
        let ctype_size = if major >= 14 { 2 } else { 3 };
        // Probe the constructor by symbol, not by version (rust-fast-calls.md §2).
        let cfi_ctor = match sym::<FnCfi4>(
            "_ZN2v813CFunctionInfoC1ERKNS_9CTypeInfoEjPS2_NS0_19Int64RepresentationE",
        ) {
            Ok(f) => CfiCtor::Four(f),
            Err(_) => CfiCtor::Three(sym("_ZN2v813CFunctionInfoC1ERKNS_9CTypeInfoEjPS2_")?),
        };
        Ok(V8 {
            version: (major, minor),
            fci,
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
            scope: (|| -> Result<ScopeFns, String> {
                Ok(ScopeFns {
                    new: sym("_ZN2v811HandleScopeC1EPNS_7IsolateE")?,
                    drop: sym("_ZN2v811HandleScopeD1Ev")?,
                    view_buffer: sym("_ZN2v815ArrayBufferView6BufferEv")?,
                    view_byte_offset: sym("_ZN2v815ArrayBufferView10ByteOffsetEv")?,
                })
            })()
            .ok(),
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
        match sym::<unsafe extern "C" fn() -> *const libc::c_char>("_ZN2v82V810GetVersionEv") {
            // SAFETY: as in resolve().
            Ok(f) => unsafe { CStr::from_ptr(f()) }
                .to_string_lossy()
                .into_owned(),
            Err(_) => "unknown".into(),
        }
    }

    /// The fast-call CTypeInfo of a parameter (see ffast_core::trampoline for the
    /// representations the trampoline expects).
    fn param_ctype(t: Type) -> u8 {
        match t {
            Type::Bool => ctype::BOOL,
            Type::I8 | Type::I16 | Type::I32 => ctype::INT32,
            Type::U8 | Type::U16 | Type::U32 => ctype::UINT32,
            Type::I64 | Type::ISize => ctype::INT64,
            Type::U64 | Type::USize | Type::Pointer => ctype::UINT64,
            Type::F32 => ctype::FLOAT32,
            Type::F64 => ctype::FLOAT64,
            Type::String => ctype::SEQ_ONE_BYTE_STRING,
            Type::Buffer => ctype::V8_VALUE,
            Type::Void => ctype::VOID,
        }
    }

    fn ret_ctype(t: Type) -> u8 {
        match FastRet::of(t) {
            FastRet::Void => ctype::VOID,
            FastRet::Bool => ctype::BOOL,
            FastRet::I32 => ctype::INT32,
            FastRet::U32 => ctype::UINT32,
            FastRet::F64 | FastRet::WideSigned | FastRet::WideUnsigned => ctype::FLOAT64,
        }
    }

    fn ctype_bytes(&self, t: u8) -> Vec<u8> {
        // {type, sequence = scalar, flags = none} or {type, flags = none} (§2.4).
        let mut v = vec![0u8; self.ctype_size];
        v[0] = t;
        v
    }

    /// A CFunctionInfo for this parameter/result list, ending with the `FastApiCallbackOptions&`
    /// marker when `options`. V8 keeps raw pointers to it and to its argument array for the
    /// isolate's life (§3.2), so they are interned and never freed: memory is bounded by the
    /// number of distinct fast signatures.
    fn function_info(&self, params: &[Type], result: Type, options: bool) -> *const CFunctionInfo {
        static INTERNED: OnceLock<Mutex<HashMap<Vec<u8>, usize>>> = OnceLock::new();
        let mut key = vec![Self::ret_ctype(result)];
        key.push(ctype::V8_VALUE); // argument 0: the receiver
        key.extend(params.iter().map(|&p| Self::param_ctype(p)));
        if options {
            key.push(ctype::CALLBACK_OPTIONS);
        }
        let mut map = INTERNED
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(&p) = map.get(&key) {
            return p as *const CFunctionInfo;
        }
        let ret: &'static [u8] = Box::leak(self.ctype_bytes(key[0]).into_boxed_slice());
        let args: Vec<u8> = key[1..].iter().flat_map(|&t| self.ctype_bytes(t)).collect();
        let args: &'static [u8] = Box::leak(args.into_boxed_slice());
        let info: &'static mut CFunctionInfo = Box::leak(Box::new(CFunctionInfo([0; 16])));
        let argc = (key.len() - 1) as u32;
        // SAFETY: `info` is 16 writable, 8-aligned bytes (sizeof(CFunctionInfo) on every line);
        // `ret` and `args` point at CTypeInfo entries of this line's size, `args` holding argc
        // entries; all three live forever. Int64Representation 0 = kNumber (Number in/out).
        unsafe {
            match self.cfi_ctor {
                CfiCtor::Four(f) => f(info, ret.as_ptr(), argc, args.as_ptr(), 0),
                CfiCtor::Three(f) => f(info, ret.as_ptr(), argc, args.as_ptr()),
            }
        }
        let p = info as *const CFunctionInfo;
        map.insert(key, p as usize);
        p
    }

    /// Run `f` inside a fresh `v8::HandleScope` (handles it creates are released on return).
    ///
    /// # Safety
    /// On the isolate's thread.
    pub unsafe fn with_scope<R>(&self, scope: &ScopeFns, f: impl FnOnce() -> R) -> R {
        let mut hs = HandleScope::zeroed();
        (scope.new)(&mut hs, (self.get_current)());
        let r = f();
        (scope.drop)(&mut hs);
        r
    }

    /// Throw `value` as a JS exception from a raw V8 callback. (`napi_throw` cannot be used
    /// there: it runs inside N-API's own TryCatch, which parks the exception in the env until
    /// control returns through N-API — which a raw callback never does.)
    ///
    /// # Safety
    /// On the isolate's thread, `value` a live value of the current HandleScope.
    pub unsafe fn throw(&self, value: *const c_void) {
        (self.throw_exception)((self.get_current)(), value);
    }

    /// The current thread's isolate (null on a thread without one).
    pub fn isolate(&self) -> *mut c_void {
        // SAFETY: Isolate::GetCurrent has no preconditions.
        unsafe { (self.get_current)() }
    }

    /// A plain `FunctionTemplate` calling `callback` (no fast target), as [`new_function`]
    /// makes them: for probes (v8::uncache). Null on failure.
    ///
    /// # Safety
    /// On `isolate`'s thread inside a HandleScope; `callback` a valid `FunctionCallback`.
    pub unsafe fn template(&self, isolate: *mut c_void, callback: usize) -> *mut c_void {
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

    /// Instantiate `template` twice in the current context: whether both times gave the same
    /// function (V8 cached the first), None if an instantiation failed. Handles are slots
    /// holding the object's address (no pointer compression in Node's builds) and GC updates
    /// both, so equal words mean the same object.
    ///
    /// # Safety
    /// On the isolate's thread inside a HandleScope; `template` a live template handle.
    pub unsafe fn instantiated_twice(&self, template: *mut c_void) -> Option<bool> {
        let context = (self.get_current_context)((self.get_current)());
        let a = (self.get_function)(template, context);
        let b = (self.get_function)(template, context);
        if a.is_null() || b.is_null() {
            return None;
        }
        Some(*(a as *const usize) == *(b as *const usize))
    }

    /// Create a JS function whose regular callback is `slow` and, when `fast` is given, whose
    /// fast-call target is that trampoline (taking a `FastApiCallbackOptions&` last when
    /// `options`).
    ///
    /// # Safety
    /// Must run on a JS thread inside a HandleScope (an N-API call). `slow` must be a valid
    /// `void(const FunctionCallbackInfo<Value>&)`; `fast` must follow the fast-call convention for
    /// `(receiver, params…[, options]) -> result` and stay executable while the function can be
    /// called.
    pub unsafe fn new_function(
        &self,
        slow: usize,
        fast: Option<usize>,
        params: &[Type],
        result: Type,
        options: bool,
    ) -> Option<*mut c_void> {
        let isolate = (self.get_current)();
        let context = (self.get_current_context)(isolate);
        let mut cfunction = CFunction {
            address: std::ptr::null(),
            info: std::ptr::null(),
        };
        let cf_ptr = match fast {
            Some(addr) => {
                let info = self.function_info(params, result, options);
                (self.cfunction_ctor)(&mut cfunction, addr as *const c_void, info);
                &cfunction as *const CFunction
            }
            None => std::ptr::null(),
        };
        // ConstructorBehavior::kThrow = 0 (foreign functions are not constructors);
        // SideEffectType::kHasSideEffect = 0.
        let tmpl = (self.ft_new)(
            isolate,
            slow as *const c_void,
            std::ptr::null(),
            std::ptr::null(),
            params.len() as i32,
            0,
            0,
            cf_ptr,
            0,
            0,
            0,
        );
        if tmpl.is_null() {
            return None;
        }
        // Kept out of V8's template cache, so the function dies with its last reference
        // (v8::uncache, docs/v8-template-cache.md).
        crate::v8::uncache::apply(isolate, tmpl);
        let f = (self.get_function)(tmpl, context);
        (!f.is_null()).then_some(f)
    }
}

/// Arguments and return slot of a `FunctionCallbackInfo`, per line.
pub struct CallInfo {
    pub argc: usize,
    /// Slot of argument 0; argument i is at `args.add(i)`. A slot pointer is a `Local`, which
    /// is an `napi_value` (same bits, rust-fast-calls.md §5).
    pub args: *mut usize,
    pub ret: *mut usize,
}

/// # Safety
/// `info` must be the `FunctionCallbackInfo` V8 passed to a callback on this line.
pub unsafe fn call_info(layout: FciLayout, info: *const usize) -> CallInfo {
    match layout {
        FciLayout::Pointers => {
            let implicit = *info as *mut usize;
            let values = *info.add(1) as *mut usize;
            // length_ is int (V8 11/12) or intptr (13): its low 32 bits are right on both.
            let argc = *(info.add(2) as *const i32) as usize;
            CallInfo {
                argc,
                args: values,
                ret: implicit.add(3),
            }
        }
        FciLayout::Flat => {
            let v = info as *mut usize;
            CallInfo {
                argc: *v,
                args: v.add(10),
                ret: v.add(6),
            }
        }
    }
}
