//! Invoking JS: calling a callback's function with its C arguments converted, converting its
//! result back, and reporting what went wrong to the callback's reporter.

use super::service::{Direct, Item, Live, Service, Slot, AGG_OK, DEFAULT};
use crate::errors::ErrorCode;
use crate::value::arg::arg_to_slot;
use crate::value::strings::{StringScratch, SCRATCH};
use ffast_core::trampoline::MAX_SAFE;
use ffast_core::Type;
use napi::sys;
use std::ffi::c_void;
use std::ptr;
use std::sync::Arc;

/// Create an `FfastError(code, msg)` and hand it to the callback's reporter (or the thread's
/// orphan reporter). On the JS thread, where JS may run. `defer`: see [`deliver`]; the error
/// is then created later too (its constructor is JS).
///
/// # Safety
/// On the owning JS thread of `svc`, `env` its env, inside a handle scope.
pub(super) unsafe fn report_now(
    env: sys::napi_env,
    live: Option<&Arc<Live>>,
    svc: &Service,
    code: ErrorCode,
    msg: &str,
    defer: bool,
) {
    // SAFETY: the operations below need only this function's contract (# Safety): on the owning JS
    // thread of `svc`, `env` its env, inside a handle scope.
    unsafe {
        match crate::errors::ffast_error(env, code, msg) {
            Some(err) => deliver(env, live, svc, err, defer),
            None if defer => {
                svc.post_deferred(
                    env,
                    Item::Report {
                        live: live.cloned(),
                        code,
                        msg: msg.to_string(),
                    },
                );
            }
            // On a shallow stack: the env is shutting down, or the class is unusable. A plain
            // Error if one can be made; None only when nobody could receive it anyway.
            None => {
                if let Some(err) = crate::errors::error_value(env, code, msg) {
                    deliver(env, live, svc, err, false);
                }
            }
        }
    }
}

/// Hand `err` to the callback's reporter (`onError`, else an uncaught exception on the next
/// tick: index.js), or to the thread's orphan reporter (a process warning) for errors of no
/// callback, or of one whose references were released.
///
/// `defer`: when the reporter cannot run here, the error is queued and delivered on a later
/// turn of the event loop. That happens at V8's stack limit: a deeply re-entrant callback
/// gets a RangeError instead of running, and calling the reporter at the same depth fails the
/// same way, before any of its JS runs. A queued error keeps the callback's references alive
/// until it is delivered (even if the callback is closed meanwhile), so it reaches `onError`
/// exactly once. Without `defer` (already on the event loop's shallow stack) a reporter that
/// cannot run means the env is shutting down: nobody is left to tell.
///
/// # Safety
/// On the owning JS thread of `svc`, `env` its env, inside a handle scope; `err` is a value of
/// that scope.
pub(super) unsafe fn deliver(
    env: sys::napi_env,
    live: Option<&Arc<Live>>,
    svc: &Service,
    err: sys::napi_value,
    defer: bool,
) {
    // SAFETY: the operations below need only this function's contract (# Safety): on the owning JS
    // thread of `svc`, `env` its env, inside a handle scope; `err` is a value of that scope.
    unsafe {
        let r = match live {
            Some(l) if !l.released.get() => l.report,
            _ => svc.orphan,
        };
        let mut f = ptr::null_mut();
        let mut recv = ptr::null_mut();
        let mut out = ptr::null_mut();
        // Statuses ignored: `r` is a strong reference (deleted only once released, checked
        // above), and napi_get_undefined cannot fail; a null `f` fails the call below, which is
        // handled.
        let _ = sys::napi_get_reference_value(env, r, &mut f);
        let _ = sys::napi_get_undefined(env, &mut recv);
        if sys::napi_call_function(env, recv, f, 1, &err, &mut out) == sys::Status::napi_ok {
            return;
        }
        // Never leave an exception pending on the way back to C. (The reporter catches what
        // `onError` throws, so this is the stack limit, or a terminating env.)
        let mut e = ptr::null_mut();
        // Status ignored: clearing fails only for a null env or out-pointer.
        let _ = sys::napi_get_and_clear_last_exception(env, &mut e);
        if !defer {
            return;
        }
        let mut keep = ptr::null_mut();
        if sys::napi_create_reference(env, err, 1, &mut keep) != sys::Status::napi_ok {
            return;
        }
        if let Some(l) = live {
            l.deferred.set(l.deferred.get() + 1);
        }
        if !svc.post_deferred(
            env,
            Item::Deliver {
                live: live.cloned(),
                err: keep,
            },
        ) {
            // The env is being torn down: nobody to deliver to.
            if let Some(l) = live {
                l.deferred.set(l.deferred.get() - 1);
            }
            // Status ignored: the reference made above, deleted once: cannot fail.
            let _ = sys::napi_delete_reference(env, keep);
        }
    }
}

/// Call the JS function with the converted arguments and convert its result. Runs on the
/// owning thread where JS may run; never leaves an exception pending.
///
/// # Safety
/// On the owning JS thread of the slot's service, `env` its env, where JS may run; `args` holds
/// one slot per parameter of `slot.sig` (strings readable until this returns).
pub(super) unsafe fn run_js(
    env: sys::napi_env,
    slot: &Slot,
    live: &Arc<Live>,
    args: &[u64],
) -> u64 {
    // SAFETY: the operations below need only this function's contract (# Safety): on the owning JS
    // thread of the slot's service, `env` its env, where JS may run; `args` holds one slot per
    // parameter of `slot.sig` (strings readable until this returns).
    unsafe {
        live.active.set(live.active.get() + 1);
        let result = run_js_inner(env, slot, live, args);
        live.active.set(live.active.get() - 1);
        live.release_if_idle(env);
        result
    }
}

/// # Safety
/// As [`run_js`].
pub(super) unsafe fn run_js_inner(
    env: sys::napi_env,
    slot: &Slot,
    live: &Arc<Live>,
    args: &[u64],
) -> u64 {
    // SAFETY: the operations below need only this function's contract (# Safety): as [`run_js`].
    unsafe {
        // A stack HandleScope where V8 offers one (N-API's is a heap object on Node 26: a malloc
        // and a free per callback). N-API values are V8 handles, so any of these scopes holds them.
        if let Some(d) = slot.service().direct.as_ref() {
            return d
                .js
                .with_scope(d.isolate, || run_js_scoped(env, slot, live, args, Some(d)));
        }
        match crate::v8::V8::get()
            .ok()
            .and_then(|v| v.scope.as_ref().map(|s| (v, s)))
        {
            Some((v8, scope)) => {
                v8.with_scope(scope, || run_js_scoped(env, slot, live, args, None))
            }
            None => {
                let mut scope = ptr::null_mut();
                // Statuses ignored: opening fails only for a null env or out-pointer, and closing
                // the innermost scope cannot fail.
                let _ = sys::napi_open_handle_scope(env, &mut scope);
                let r = run_js_scoped(env, slot, live, args, None);
                let _ = sys::napi_close_handle_scope(env, scope);
                r
            }
        }
    }
}

/// How the JS call of a callback ended.
pub(super) enum Outcome {
    Returned(sys::napi_value),
    Threw(sys::napi_value),
    /// No JS can run (the isolate is terminating): nothing to report to.
    Silent,
    /// No result and no exception: reported as ERR_FFAST_INTERNAL with this text.
    Failed(String),
}

/// Call the JS function through N-API (the route where V8's API is not available).
///
/// # Safety
/// On the owning JS thread, inside a handle scope; `argv` are values of that scope; the
/// callback's references are not released.
pub(super) unsafe fn call_napi(
    env: sys::napi_env,
    live: &Live,
    argv: &[sys::napi_value],
) -> Outcome {
    // SAFETY: the operations below need only this function's contract (# Safety): on the owning JS
    // thread, inside a handle scope; `argv` are values of that scope; the callback's references are
    // not released.
    unsafe {
        let mut f = ptr::null_mut();
        let mut recv = ptr::null_mut();
        let mut out = ptr::null_mut();
        // Statuses ignored: `live.func` is a strong reference, not released (the contract), and
        // napi_get_undefined cannot fail; a failed call below is handled.
        let _ = sys::napi_get_reference_value(env, live.func, &mut f);
        let _ = sys::napi_get_undefined(env, &mut recv);
        let st = sys::napi_call_function(env, recv, f, argv.len(), argv.as_ptr(), &mut out);
        if st == sys::Status::napi_ok {
            return Outcome::Returned(out);
        }
        let mut e = ptr::null_mut();
        // Status ignored: on failure `e` stays null, reported as a failed call below.
        let _ = sys::napi_get_and_clear_last_exception(env, &mut e);
        if e.is_null() {
            Outcome::Failed(format!("calling the callback failed with status {st}"))
        } else {
            Outcome::Threw(e)
        }
    }
}

/// The JS call of a callback, inside a handle scope; `direct`: V8's API and the isolate.
/// Arguments: Smis as tagged words (no handle), other Numbers through V8's `Number::New` on the
/// direct route; the rest (null, booleans, strings, BigInts) as `js_value` makes them.
///
/// # Safety
/// On the owning JS thread, inside a handle scope.
pub(super) unsafe fn run_js_scoped(
    env: sys::napi_env,
    slot: &Slot,
    live: &Arc<Live>,
    args: &[u64],
    direct: Option<&Direct>,
) -> u64 {
    // SAFETY: the operations below need only this function's contract (# Safety): on the owning JS
    // thread, inside a handle scope.
    unsafe {
        // Arguments in a stack array for the common arities (no allocation per call); `words`
        // holds the tagged Smis that need no handle (a Smi is not a heap reference, so a slot the
        // GC does not know is a valid location for it).
        let mut inline = [ptr::null_mut(); 8];
        let mut inline_words = [0usize; 8];
        let (mut heap, mut heap_words) = (Vec::new(), Vec::new());
        let (argv, words): (&mut [sys::napi_value], &mut [usize]) = if args.len() <= inline.len() {
            (&mut inline[..args.len()], &mut inline_words[..args.len()])
        } else {
            heap.resize(args.len(), ptr::null_mut());
            heap_words.resize(args.len(), 0);
            (&mut heap, &mut heap_words)
        };
        for (((v, w), &t), &raw) in argv
            .iter_mut()
            .zip(words.iter_mut())
            .zip(&slot.sig.params)
            .zip(args)
        {
            *v = match small_int(t, raw).and_then(crate::v8::tagged::smi_word) {
                Some(word) => {
                    *w = word;
                    w as *mut usize as sys::napi_value
                }
                None => match (direct, number_arg(t, raw)) {
                    (Some(d), Some(x)) => d.js.number(d.isolate, x) as sys::napi_value,
                    _ => crate::value::result::js_value(env, t, raw),
                },
            };
        }
        let g = live.global.get();
        let outcome = match direct {
            Some(d) if !g.is_null() => {
                use crate::v8::call::Called;
                let (func, recv) = (g as *const c_void, d.undefined as *const c_void);
                match d
                    .js
                    .call(d.isolate, d.context.cast(), func, recv, argv_ptrs(argv))
                {
                    Called::Returned(v) => Outcome::Returned(v as sys::napi_value),
                    Called::Threw(e) => Outcome::Threw(e as sys::napi_value),
                    Called::Terminating => Outcome::Silent,
                    Called::Failed => Outcome::Failed("V8 gave no result and no exception".into()),
                }
            }
            _ => call_napi(env, live, argv),
        };
        outcome_to_result(env, slot, live, outcome)
    }
}

/// What C gets from a callback's JS call that ended with `outcome`, with what went wrong
/// reported (run_js, and the fiber mode's JS loop: fast.rs).
///
/// # Safety
/// On the owning JS thread of the slot's service, `env` its env, inside a handle scope that
/// holds the outcome's value.
pub(super) unsafe fn outcome_to_result(
    env: sys::napi_env,
    slot: &Slot,
    live: &Arc<Live>,
    outcome: Outcome,
) -> u64 {
    // SAFETY: the operations below need only this function's contract (# Safety).
    unsafe {
        let mut result = DEFAULT;
        let svc = slot.service();
        match outcome {
            Outcome::Silent => {}
            Outcome::Failed(why) => {
                report_now(env, Some(live), svc, ErrorCode::Internal, &why, true)
            }
            Outcome::Threw(e) => deliver(env, Some(live), svc, e, true),
            Outcome::Returned(_) if slot.sig.result == Type::Void => {
                // An aggregate signature's wrapper returned: its result (if any) is in staging.
                if slot.agg.is_some() {
                    result = AGG_OK;
                }
            }
            Outcome::Returned(out) => {
                let mut text = std::mem::MaybeUninit::<[u8; SCRATCH]>::uninit();
                // SAFETY: `text` outlives `keep`; string results are rejected at definition time, so
                // nothing in it outlives this function.
                let mut keep = StringScratch::new(text.as_mut_ptr().cast());
                match arg_to_slot(env, slot.sig.result, out, 0, &mut keep, svc.number_map) {
                    Ok(v) => result = v,
                    Err(e) => {
                        let what = e.msg.split_once(": ").map_or(e.msg.as_str(), |(_, m)| m);
                        report_now(
                            env,
                            Some(live),
                            svc,
                            e.code,
                            &format!("invalid callback result: {what}; C got the default value"),
                            true,
                        );
                    }
                }
            }
        }
        result
    }
}

/// napi_values are V8 `Local`s (rust-fast-calls.md §5): the same array serves Function::Call.
pub(super) fn argv_ptrs(argv: &[sys::napi_value]) -> &[*mut c_void] {
    // SAFETY: napi_value is a pointer type of the same size and alignment as *mut c_void.
    unsafe { std::slice::from_raw_parts(argv.as_ptr().cast(), argv.len()) }
}

/// The Number `js_value` makes for a C argument that is not a Smi ([`small_int`]), when it
/// makes a Number: uint32 from 2^31, floats, and 64-bit integers and non-NULL pointers within
/// ±(2^53 − 1). None for the others (null, booleans, strings, BigInts beyond 2^53).
#[inline(always)]
pub(super) fn number_arg(ty: Type, raw: u64) -> Option<f64> {
    match ty {
        Type::U32 => Some(raw as u32 as f64),
        Type::F32 => Some(f32::from_bits(raw as u32) as f64),
        Type::F64 => Some(f64::from_bits(raw)),
        Type::I64 | Type::ISize => {
            ((raw as i64).unsigned_abs() <= MAX_SAFE).then_some(raw as i64 as f64)
        }
        Type::U64 | Type::USize => (raw <= MAX_SAFE).then_some(raw as f64),
        Type::Pointer => (raw != 0 && raw <= MAX_SAFE).then_some(raw as f64),
        _ => None,
    }
}

/// A C argument that is a JS Smi whatever its value: ≤ 32-bit signed integers, and unsigned
/// ones below 2^31 (the Smi range with 32-bit Smis). Others go through N-API.
pub(super) fn small_int(ty: Type, raw: u64) -> Option<i32> {
    match ty {
        Type::I8 | Type::I16 | Type::I32 => Some(raw as i64 as i32),
        Type::U8 | Type::U16 | Type::U32 => i32::try_from(raw as u32).ok(),
        _ => None,
    }
}
