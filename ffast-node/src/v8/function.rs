//! Making a JS function with a fast-call target: the interned `CFunctionInfo` of its
//! signature, its `CFunction`, a `FunctionTemplate` kept out of V8's template cache, and the
//! function instantiated in the current context.

use super::api::V8;
use super::fast_api::{ctype, param_ctype, ret_ctype, CFunction, CFunctionInfo, CfiCtor};
use super::uncache;
use ffast_core::Type;
use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::{Mutex, OnceLock};

impl V8 {
    fn ctype_bytes(&self, t: u8) -> Vec<u8> {
        // {type, sequence = scalar, flags = none} or {type, flags = none} (§2.4).
        let mut v = vec![0u8; self.ctype_size];
        v[0] = t;
        v
    }

    /// Whether this V8 can take BigInts for 64-bit fast-call parameters: its `CFunctionInfo`
    /// has the `Int64Representation` argument (V8 12+; docs/pointers.md §10).
    pub fn has_bigint_repr(&self) -> bool {
        matches!(self.cfi_ctor, CfiCtor::Four(_))
    }

    /// A CFunctionInfo for this parameter/result list, ending with the `FastApiCallbackOptions&`
    /// marker when `options`; its 64-bit parameters take BigInts when `bigint` (only asked for
    /// when [`V8::has_bigint_repr`]). V8 keeps raw pointers to it and to its argument array for
    /// the isolate's life (§3.2), so they are interned and never freed: memory is bounded by the
    /// number of distinct fast signatures.
    fn function_info(
        &self,
        params: &[Type],
        result: Type,
        options: bool,
        bigint: bool,
    ) -> *const CFunctionInfo {
        static INTERNED: OnceLock<Mutex<HashMap<Vec<u8>, usize>>> = OnceLock::new();
        // The representation is part of the key; it is the first byte, before the result
        // (a CTypeInfo code is never 0xb1).
        let mut key = if bigint { vec![0xb1] } else { vec![] };
        let skip = key.len();
        key.push(ret_ctype(result));
        key.push(ctype::V8_VALUE); // argument 0: the receiver
        key.extend(params.iter().map(|&p| param_ctype(p)));
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
        let ret: &'static [u8] = Box::leak(self.ctype_bytes(key[skip]).into_boxed_slice());
        let args: Vec<u8> = key[skip + 1..]
            .iter()
            .flat_map(|&t| self.ctype_bytes(t))
            .collect();
        let args: &'static [u8] = Box::leak(args.into_boxed_slice());
        let info: &'static mut CFunctionInfo = Box::leak(Box::new(CFunctionInfo([0; 16])));
        let argc = (key.len() - skip - 1) as u32;
        // V8's `CFunctionInfo::Int64Representation`: 0 = kNumber (Numbers in and out),
        // 1 = kBigInt (BigInts in and out). It applies to int64/uint64 parameters and
        // results; ffast's 64-bit results are float64 (FastRet), so only parameters change.
        let repr = u8::from(bigint);
        // SAFETY: `info` is 16 writable, 8-aligned bytes (sizeof(CFunctionInfo) on every line);
        // `ret` and `args` point at CTypeInfo entries of this line's size, `args` holding argc
        // entries; all three live forever.
        unsafe {
            match self.cfi_ctor {
                CfiCtor::Four(f) => f(info, ret.as_ptr(), argc, args.as_ptr(), repr),
                CfiCtor::Three(f) => f(info, ret.as_ptr(), argc, args.as_ptr()),
            }
        }
        let p = info as *const CFunctionInfo;
        map.insert(key, p as usize);
        p
    }

    /// Create a JS function whose regular callback is `slow` and, when `fast` is given, whose
    /// fast-call target is that code, a trampoline or the C function itself (taking a
    /// `FastApiCallbackOptions&` last when `options`). With `bigint`, V8 passes BigInt arguments of its 64-bit parameters to the
    /// fast target (the BigInt twin, docs/pointers.md §10); a Number there takes the slow path.
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
        bigint: bool,
    ) -> Option<*mut c_void> {
        // SAFETY: the operations below need only this function's contract (# Safety): must run on a
        // JS thread inside a HandleScope (an N-API call). `slow` must be a valid `void(const
        // FunctionCallbackInfo<Value>&)`; `fast` must follow the fast-call convention for
        // `(receiver, params…[, options]) -> result` and stay executable while the function can be
        // called.
        unsafe {
            let isolate = (self.get_current)();
            let context = (self.get_current_context)(isolate);
            let mut cfunction = CFunction {
                address: std::ptr::null(),
                info: std::ptr::null(),
            };
            let cf_ptr = match fast {
                Some(addr) => {
                    let info = self.function_info(params, result, options, bigint);
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
            uncache::apply(isolate, tmpl);
            let f = (self.get_function)(tmpl, context);
            (!f.is_null()).then_some(f)
        }
    }
}
