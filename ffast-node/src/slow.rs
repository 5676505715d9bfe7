//! The slow path, shared by every call that is not a V8 fast call: the raw V8 callback each
//! function's slow stub reaches, the N-API fallback, and (through [`check_count`] and
//! [`args_to_slots`]) the JS-thread half of nonblocking calls. It checks the count, converts
//! each argument with the same rules as the fast path (`value`), calls through the binding's
//! invoker and converts the raw result, counting the call as on the stack while it runs.

use crate::binding::Binding;
use crate::errors::{self, ErrorCode, FfastError};
use crate::fiber;
use crate::thread;
use crate::v8::{self, V8};
use crate::value::arg::arg_to_slot;
use crate::value::result::{result_value, smi_result};
use crate::value::strings::{StringScratch, SCRATCH};
use ffast_core::{Signature, Type};
use napi::sys;

const INLINE_SLOTS: usize = 16;

/// The JS arguments of a slow call, as the caller has them: V8's consecutive argument slots
/// (each slot's address is its `napi_value`), or N-API's array of values.
#[derive(Clone, Copy)]
pub(crate) enum JsArgs<'a> {
    Slots(*mut usize, usize),
    Values(&'a [sys::napi_value]),
}

impl JsArgs<'_> {
    pub fn len(self) -> usize {
        match self {
            JsArgs::Slots(_, n) => n,
            JsArgs::Values(v) => v.len(),
        }
    }

    /// # Safety
    /// `i < self.len()`.
    pub unsafe fn get(self, i: usize) -> sys::napi_value {
        // SAFETY: the operations below need only this function's contract (# Safety): `i <
        // self.len()`.
        unsafe {
            match self {
                JsArgs::Slots(base, _) => base.add(i) as sys::napi_value,
                JsArgs::Values(v) => *v.get_unchecked(i),
            }
        }
    }
}

/// Position in the declared parameter list of scalar (JS-visible) parameter `i`: errors name
/// the argument as the user wrote the call, aggregates (which the wrapper moves through the
/// area) included.
fn declared_index(sig: &Signature, i: usize) -> usize {
    let mut d = i;
    // agg_params is in declaration order, so each aggregate at or before `d` shifts it once.
    for a in &sig.agg_params {
        if a.index <= d {
            d += 1;
        }
    }
    d
}

/// The argument-count check of every non-fast call.
#[inline(always)]
pub(crate) fn check_count(b: &Binding, args: JsArgs) -> Result<(), FfastError> {
    let n = b.sig.params.len();
    if args.len() != n {
        return Err(FfastError::new(
            ErrorCode::ArgCount,
            format!(
                "expected {n} argument{}, got {}",
                if n == 1 { "" } else { "s" },
                args.len()
            ),
        ));
    }
    Ok(())
}

/// Convert every argument into slots[0..n] and zero slots[n] (a 4-byte float result leaves
/// the upper half as it was).
///
/// # Safety
/// `slots` has n + 1 writable words; `args` holds n live values of the current call.
#[inline(always)]
pub(crate) unsafe fn args_to_slots(
    b: &Binding,
    args: JsArgs,
    slots: *mut u64,
    keep: &mut StringScratch,
) -> Result<(), FfastError> {
    // SAFETY: the operations below need only this function's contract (# Safety): `slots` has n + 1
    // writable words; `args` holds n live values of the current call.
    unsafe {
        for (i, &ty) in b.sig.params.iter().enumerate() {
            *slots.add(i) = arg_to_slot(
                b.env,
                ty,
                args.get(i),
                declared_index(&b.sig, i),
                keep,
                b.number_map,
            )?;
        }
        *slots.add(b.sig.params.len()) = 0;
        Ok(())
    }
}

/// The slow path shared by the V8 callback and the N-API fallback: check the count, convert
/// every argument, call through the invoker; the raw C result (slots[n]) is the caller's to
/// convert.
///
/// # Safety
/// On the binding's JS thread inside a call of its function (V8's callback or N-API's), with
/// `args` that call's arguments.
#[inline(always)]
unsafe fn slow_call(b: &Binding, args: JsArgs) -> Result<u64, FfastError> {
    // SAFETY: the operations below need only this function's contract (# Safety): on the binding's
    // JS thread inside a call of its function (V8's callback or N-API's), with `args` that call's
    // arguments.
    unsafe {
        b.slow_calls.set(b.slow_calls.get() + 1);
        check_count(b, args)?;
        let n = b.sig.params.len();
        // Uninitialised on purpose: every slot the invoker reads is written below, and zeroing
        // showed up as a tenth of a cold call's cost. errno: true adds slots[n + 1].
        let words = n + 1 + b.has_errno() as usize;
        let mut inline = [std::mem::MaybeUninit::<u64>::uninit(); INLINE_SLOTS];
        let mut heap = Vec::new();
        let slots: *mut u64 = if words <= INLINE_SLOTS {
            inline.as_mut_ptr().cast()
        } else {
            heap.resize(words, 0u64);
            heap.as_mut_ptr()
        };
        let mut text = std::mem::MaybeUninit::<[u8; SCRATCH]>::uninit();
        // SAFETY: `text` has SCRATCH bytes and lives until after the call below.
        let mut keep = StringScratch::new(text.as_mut_ptr().cast());
        args_to_slots(b, args, slots, &mut keep)?;
        // errno: true — the saved value goes in, C's errno comes back (set by the invoker right
        // after C returns; copied to the saved value before anything else can run JS).
        if b.has_errno() {
            *slots.add(n + 1) = *b.errno_saved as u32 as u64;
        }
        // SAFETY: `invoke` loads n arguments from `slots` and writes the result to slots[n];
        // strings in `keep` stay alive until after the call.
        match b.tracked {
            None => (b.invoke)(slots),
            Some(t) => {
                use std::sync::atomic::Ordering::Relaxed;
                // C cannot unwind into Rust here, so the decrement always runs.
                // Only this thread writes the depth (foreign threads read it), so a load and a
                // store do: no locked read-modify-write on every tracked call.
                let d = t.depth.load(Relaxed);
                t.depth.store(d + 1, Relaxed);
                let ran = t.callbacks.load(Relaxed);
                // On a side stack when the fiber mode picks this function (the depth stays
                // counted while a callback is parked: the foreign-thread deadlock check relies
                // on it). It learns from how many callbacks of the fast park's shapes the call
                // made: those that took the fast park on the fiber, else those that ran on this
                // stack (those of nested tracked calls on this stack included).
                // SAFETY: the invoker's contract as above; C does not unwind.
                let parked = fiber::run(&b.fiber, || (b.invoke)(slots));
                let made = parked.unwrap_or_else(|| t.callbacks.load(Relaxed).wrapping_sub(ran));
                b.fiber.learn(made);
                t.depth.store(d, Relaxed);
            }
        }
        if b.has_errno() {
            *b.errno_saved = *slots.add(n + 1) as u32 as i32;
        }
        let raw = *slots.add(n);
        // A string result may point into the argument copies, which end here: the wrapper decodes
        // it after this returns (value::strings::keep_result).
        let raw = if b.sig.result == Type::String {
            keep.keep(raw)
        } else {
            raw
        };
        drop(keep);
        Ok(raw)
    }
}

/// The JS value of a slow call's raw result (None: undefined).
fn slow_result(b: &Binding, raw: u64) -> Option<sys::napi_value> {
    if b.sig.result == Type::Void {
        return None;
    }
    result_value(b.env, b.sig.result, raw, b.wide_slot)
}

pub(crate) fn report(env: sys::napi_env, from: errors::ThrowFrom, b: &Binding, e: FfastError) {
    errors::throw(env, from, e.code, &format!("{} for '{}'", e.msg, b.name));
}

/// Run `f` (a whole slow call or nonblocking entry of `b`) with the call counted in
/// `b.on_stack`. JS that runs inside it (a callback under a tracked call, an async hook, an
/// error constructor) may close the library: the code set then waits in `closing`
/// (thread::take_library) and is freed here, once `f` is done with the binding, by the last
/// such call to return (unless index.js holds it until its JS wrapper is done too, see
/// thread::take_library). The slow stub tail-jumps here (trampoline::slow_stub), so no code of
/// the set is on the stack then.
///
/// # Safety
/// `b` is a live binding of this thread (its set is not freed while its calls are counted).
#[inline(always)]
pub(crate) unsafe fn on_stack<R>(b: *const Binding, f: impl FnOnce(&Binding) -> R) -> R {
    // SAFETY: the operations below need only this function's contract (# Safety): `b` is a live
    // binding of this thread (its set is not freed while its calls are counted).
    unsafe {
        let (r, closing) = {
            let b = &*b;
            b.on_stack.set(b.on_stack.get() + 1);
            let r = f(b);
            b.on_stack.set(b.on_stack.get() - 1);
            (r, b.closing.get())
        };
        if closing {
            // `b` is not touched again: this may free it.
            drop(thread::reap_closed());
        }
        r
    }
}

/// V8 regular callback, reached through the binding's slow stub.
///
/// # Safety
/// Called by V8 only, through the binding's slow stub, as a regular callback: `info` is this
/// line's `FunctionCallbackInfo`, `b` a live binding of this thread.
pub(crate) unsafe extern "C" fn slow_entry(info: *const usize, b: *const Binding) {
    // SAFETY: the operations below need only this function's contract (# Safety): called by V8
    // only, through the binding's slow stub, as a regular callback: `info` is this line's
    // `FunctionCallbackInfo`, `b` a live binding of this thread.
    unsafe {
        let v8 = match V8::get() {
            Ok(v) => v,
            Err(_) => return, // unreachable: stubs are only made when V8 resolved
        };
        let ci = v8::call_info(v8.fci, info);
        on_stack(b, |b| match slow_call(b, JsArgs::Slots(ci.args, ci.argc)) {
            // ReturnValue::Set: store the tagged word of the result into the return slot
            // (no pointer compression in official Node builds, fact sheet §9.9); a Smi needs no
            // handle at all.
            Ok(raw) => match smi_result(b.sig.result, raw) {
                Some(word) => *ci.ret = word,
                None => {
                    if let Some(v) = slow_result(b, raw) {
                        *ci.ret = *(v as *const usize);
                    }
                }
            },
            Err(e) => report(b.env, errors::ThrowFrom::V8Callback, b, e),
        })
    }
}

/// N-API callback of the fallback path.
///
/// # Safety
/// Called by N-API only, as the callback of a function `make::napi_function` made with a
/// binding as its data.
pub(crate) unsafe extern "C" fn napi_entry(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: the operations below need only this function's contract (# Safety): called by N-API
    // only, as the callback of a function `make::napi_function` made with a binding as its data.
    unsafe {
        with_napi_args(env, info, |b, args| match slow_call(b, args) {
            Ok(raw) => slow_result(b, raw).unwrap_or(std::ptr::null_mut()),
            Err(e) => {
                report(env, errors::ThrowFrom::Napi, b, e);
                std::ptr::null_mut()
            }
        })
    }
}

/// Run `f` with the binding (the function's data) and the JS arguments of an N-API call,
/// counted as on the stack ([`on_stack`]).
///
/// # Safety
/// `info` is the callback info of a function made by `napi_function`, in env's current call.
pub(crate) unsafe fn with_napi_args<R>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    f: impl FnOnce(&Binding, JsArgs) -> R,
) -> R {
    // SAFETY: the operations below need only this function's contract (# Safety): `info` is the
    // callback info of a function made by `napi_function`, in env's current call.
    unsafe {
        let mut argc = INLINE_SLOTS;
        let mut argv = [std::ptr::null_mut(); INLINE_SLOTS];
        let mut data = std::ptr::null_mut();
        // Status ignored: it fails only for a null env or info, and the contract gives valid
        // ones (as below).
        let _ = sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            std::ptr::null_mut(),
            &mut data,
        );
        let mut heap = Vec::new();
        let list: &[sys::napi_value] = if argc <= INLINE_SLOTS {
            &argv[..argc]
        } else {
            heap.resize(argc, std::ptr::null_mut());
            let mut n = argc;
            let _ = sys::napi_get_cb_info(
                env,
                info,
                &mut n,
                heap.as_mut_ptr(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            );
            &heap
        };
        on_stack(data as *const Binding, |b| f(b, JsArgs::Values(list)))
    }
}
