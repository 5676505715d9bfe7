//! The fast park (docs/callbacks.md §11.3): with the fiber mode on, a callback C calls on its
//! own thread while on a fiber does not go through V8's `Function::Call` at all. Its dispatch
//! writes the slot's index and the arguments (as doubles) to the thread's mailbox and parks;
//! a JS loop (lib/fiber-loop.js) reads them, calls the JS function itself — a plain JS → JS
//! call that TurboFan can inline — and resumes C through a V8 fast call carrying the result
//! ([`resume_i32`], [`resume_f64`], [`resume_void`]), which returns when C parks again or
//! finishes. The loop is entered once per tracked call: [`drive_parked`] calls it from the
//! JS stack when C first parks this way.
//!
//! Only what the loop can take exactly as `run_js` would goes this way: a scalar signature of
//! at most [`MAX_FAST_ARGS`] integer (≤ 32-bit), float and pointer parameters and an `i32`,
//! `f64` or void result; an open callback inside a tracked call; pointer arguments that are
//! Numbers (non-NULL, ≤ 2^53 − 1). Anything else takes the general park (fiber.rs), which runs
//! `dispatch` on the JS stack. A result the loop cannot convert as a fast call (not a Number),
//! a throw, or a callback that closed itself are settled by [`settle`] with `run_js`'s own
//! conversion and reports (`outcome_to_result`).

use super::invoke::{outcome_to_result, Outcome};
use super::service::{Live, Service, Slot, DEFAULT};
use crate::fiber::{self, FastPark, Frame};
use ffast_core::trampoline::MAX_SAFE;
use ffast_core::{Signature, Type};
use napi::sys;
use std::cell::Cell;
use std::ffi::c_void;
use std::mem::ManuallyDrop;
use std::ptr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Arguments the mailbox carries (fiber::MAILBOX_WORDS − 2).
pub const MAX_FAST_ARGS: usize = 4;

/// Whether callbacks of `sig` take the fast park on a fiber (the module comment; a pointer
/// argument that is NULL or past 2^53 − 1 still takes the general park, decided per call).
pub(super) fn fast_shape(sig: &Signature) -> bool {
    sig.agg_params.is_empty()
        && sig.agg_result.is_none()
        && sig.params.len() <= MAX_FAST_ARGS
        && sig.params.iter().all(|t| {
            matches!(
                t,
                Type::I8
                    | Type::I16
                    | Type::I32
                    | Type::U8
                    | Type::U16
                    | Type::U32
                    | Type::F32
                    | Type::F64
                    | Type::Pointer
            )
        })
        && matches!(sig.result, Type::I32 | Type::F64 | Type::Void)
}
const _: () = assert!(MAX_FAST_ARGS + 2 <= fiber::MAILBOX_WORDS);

/// The mailbox word holding the parked frame's address, as two int32 halves (`FRAME_SPLIT`
/// low bits, then the rest): the JS loop passes them to the resumes as int32 arguments, which
/// are Smis when a call is not inlined (a Number holding the address is a heap number per
/// call: a minor GC every ~10^5 tracked calls).
const FRAME_WORD: usize = 6;
const FRAME_SPLIT: u32 = 30;
const _: () = assert!(FRAME_WORD >= 2 + MAX_FAST_ARGS && FRAME_WORD < fiber::MAILBOX_WORDS);

/// The frame whose halves the JS loop passes back.
#[inline(always)]
fn frame_of(hi: i32, lo: i32) -> *const Frame {
    (((hi as u32 as usize) << FRAME_SPLIT) | lo as u32 as usize) as *const Frame
}

/// Result kinds in the mailbox (lib/fiber-loop.js has the same numbers).
const RESULT_I32: i32 = 1;
const RESULT_F64: i32 = 2;
const RESULT_VOID: i32 = 3;

/// What a resume returns to the JS loop besides fiber::resume_frame's 0, 1, 2: the callback
/// closed itself during its call, so the result is settled by [`settle`] (nothing was done).
const SETTLE: i32 = 3;

thread_local! {
    /// The JS loop of this thread: an N-API reference and, on the direct route, a V8 global
    /// handle (null without). Set once by [`init`]; the env's teardown drops both with it.
    static DRIVE: Cell<(sys::napi_ref, *mut usize)> = const { Cell::new((ptr::null_mut(), ptr::null_mut())) };
}

/// Install this thread's JS loop `drive()` (it reads the frame from the mailbox) and its mailbox; the mailbox's address (the JS
/// side views it as an ArrayBuffer of `fiber::MAILBOX_WORDS` doubles).
///
/// # Safety
/// On env's JS thread inside an N-API call; `drive` is a JS function.
pub unsafe fn init(env: sys::napi_env, drive: sys::napi_value) -> Option<*mut f64> {
    // SAFETY: the contract: env's thread, inside a call, `drive` a live value.
    unsafe {
        let mut r = ptr::null_mut();
        if sys::napi_create_reference(env, drive, 1, &mut r) != sys::Status::napi_ok {
            return None;
        }
        let g = match crate::v8::call::get() {
            Some(js) => js.global(drive as *const c_void),
            None => ptr::null_mut(),
        };
        DRIVE.with(|d| d.set((r, g)));
    }
    let mut mb = fiber::mailbox();
    if mb.is_null() {
        // Freed by fiber::release_thread at the env's teardown.
        mb = Box::into_raw(Box::new([0f64; fiber::MAILBOX_WORDS])).cast();
        fiber::set_mailbox(mb);
    }
    Some(mb)
}

/// From `dispatch`: park for the JS loop when on a fiber and the call qualifies (module
/// comment); false otherwise (nothing done but mailbox words no one reads). `owner`: the
/// caller checked that this is the slot's owning thread; without, the slot's service must be
/// the one an earlier park of this call found on the owning thread (the frame's `owner`): a
/// fiber runs on one thread, whose service stays while its call runs, so the check V8 makes
/// (`on_owner_thread`, an `Isolate::TryGetCurrent` call) is made once per tracked call.
///
/// # Safety
/// As `dispatch` (`slots` has n + 1 entries); with `owner`, on the slot's owning thread.
#[inline(always)]
pub(super) unsafe fn try_park(
    slot: &Slot,
    svc: &Service,
    slots: *mut u64,
    n: usize,
    owner: bool,
) -> bool {
    let cur = fiber::current();
    if cur.is_null() || !slot.fast_shape {
        return false;
    }
    let me = svc as *const Service as usize;
    // SAFETY: `cur` is the running frame (fiber::current), alive while its job runs.
    unsafe {
        if owner {
            (*cur).owner.set(me);
        } else if (*cur).owner.get() != me {
            return false;
        }
    }
    // SAFETY: `cur` is the running frame (fiber::current), alive while its job runs.
    let mb = unsafe { (*cur).mailbox.get() };
    if mb.is_null() {
        return false;
    }
    let rk = match slot.sig.result {
        Type::I32 => RESULT_I32,
        Type::F64 => RESULT_F64,
        Type::Void => RESULT_VOID,
        _ => return false,
    };
    // OwnerCall::start's checks; what fails them takes the general park, which reports.
    let p = slot.owner_live.load(Ordering::Relaxed);
    if p.is_null() || svc.tracking.depth.load(Ordering::Relaxed) == 0 {
        return false;
    }
    // SAFETY: `slots` has n + 1 entries and the mailbox MAILBOX_WORDS (n ≤ MAX_FAST_ARGS); the
    // values are those run_js gives JS (small_int, number_arg): Smis and Numbers.
    unsafe {
        for (i, &t) in slot.sig.params.iter().enumerate() {
            let raw = *slots.add(i);
            let x = match t {
                Type::I8 | Type::I16 | Type::I32 => raw as i64 as i32 as f64,
                Type::U8 | Type::U16 | Type::U32 => raw as u32 as f64,
                Type::F32 => f32::from_bits(raw as u32) as f64,
                Type::F64 => f64::from_bits(raw),
                Type::Pointer if raw != 0 && raw <= MAX_SAFE => raw as f64,
                _ => return false,
            };
            *mb.add(2 + i) = x;
        }
        let head = mb.cast::<i32>();
        *head = slot.index as i32;
        *head.add(1) = n as i32;
        *head.add(2) = rk;
        let at = cur as usize;
        *head.add(2 * FRAME_WORD) = (at & ((1 << FRAME_SPLIT) - 1)) as i32;
        *head.add(2 * FRAME_WORD + 1) = (at >> FRAME_SPLIT) as i32;
        // As run_js: counted as running from before its JS starts (close() inside defers).
        let live = &*p;
        live.active.set(live.active.get() + 1);
        fiber::park_fast(
            cur,
            FastPark {
                driver: drive_parked,
                slot: slot as *const Slot as usize,
                slots,
                live: p as usize,
            },
        );
    }
    true
}

/// On the JS stack, when C first parks for the JS loop in a tracked call (fiber::run_on_fiber):
/// run the loop, which resumes C itself until C finishes or parks otherwise; then settle a
/// park the loop left (it threw out of the loop — the stack limit — or the env terminates:
/// C gets the default value, as from `run_js`).
///
/// # Safety
/// `frame` is this thread's parked frame with a fast park; on the JS stack, where JS may run.
pub(super) unsafe extern "C" fn drive_parked(frame: usize, _slots: *mut u64) {
    let fr = frame as *const Frame;
    // SAFETY: the contract: a parked frame of this thread.
    let Some(p) = (unsafe { (*fr).fast.get() }) else {
        return;
    };
    // SAFETY: a parked dispatcher's slot (never freed).
    let slot = unsafe { &*(p.slot as *const Slot) };
    let svc = slot.service();
    let env = svc.env;
    let (r, g) = DRIVE.with(|d| d.get());
    // SAFETY: on the owning JS thread, where JS may run (the contract); each route opens a
    // handle scope around the call and the settling of what it left.
    unsafe {
        let finish = |outcome: Outcome| {
            if (*fr).fast.get().is_some() {
                settle(env, fr, outcome);
            }
        };
        match svc.direct.as_ref() {
            Some(d) if !g.is_null() => d.js.with_scope(d.isolate, || {
                use crate::v8::call::Called;
                let outcome = match d.js.call(
                    d.isolate,
                    d.context.cast(),
                    g as *const c_void,
                    d.undefined as *const c_void,
                    &[],
                ) {
                    Called::Returned(_) | Called::Terminating => Outcome::Silent,
                    Called::Threw(e) => Outcome::Threw(e as sys::napi_value),
                    Called::Failed => Outcome::Failed("V8 gave no result and no exception".into()),
                };
                finish(outcome)
            }),
            _ => {
                let mut scope = ptr::null_mut();
                // Statuses ignored: as in run_js_inner.
                let _ = sys::napi_open_handle_scope(env, &mut scope);
                let outcome = call_drive_napi(env, r);
                finish(outcome);
                let _ = sys::napi_close_handle_scope(env, scope);
            }
        }
    }
}

/// The JS loop through N-API (where V8's API is not available).
///
/// # Safety
/// On the owning JS thread, inside a handle scope; `r` the loop's reference.
unsafe fn call_drive_napi(env: sys::napi_env, r: sys::napi_ref) -> Outcome {
    // SAFETY: the contract; statuses as in invoke::call_napi.
    unsafe {
        let (mut f, mut recv, mut out) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
        let _ = sys::napi_get_reference_value(env, r, &mut f);
        let _ = sys::napi_get_undefined(env, &mut recv);
        if sys::napi_call_function(env, recv, f, 0, ptr::null(), &mut out) == sys::Status::napi_ok {
            return Outcome::Silent;
        }
        let mut e = ptr::null_mut();
        let _ = sys::napi_get_and_clear_last_exception(env, &mut e);
        if e.is_null() {
            Outcome::Silent
        } else {
            Outcome::Threw(e)
        }
    }
}

/// Settle the fast park of `frame` as `run_js` settles a call that ended with `outcome`: the
/// result (or the default) in C's slot, errors reported, the call's count released and a
/// callback closed from inside its own call released by its outermost call (OwnerCall::end).
/// C stays parked: the caller (or fiber::run_on_fiber) resumes it.
///
/// # Safety
/// On the owning JS thread, `env` its env, inside a handle scope holding the outcome's value;
/// `fr` a parked frame of this thread.
pub(super) unsafe fn settle(env: sys::napi_env, fr: *const Frame, outcome: Outcome) {
    // SAFETY: the contract; the park's words are the dispatcher's (fast park): its slot, its
    // slots on the parked fiber's stack, and the Live whose count only this thread releases.
    unsafe {
        let Some(p) = (*fr).fast.take() else {
            return;
        };
        let slot = &*(p.slot as *const Slot);
        let lp = p.live as *const Live;
        let live = ManuallyDrop::new(Arc::from_raw(lp));
        let n = slot.sig.params.len();
        *p.slots.add(n) = outcome_to_result(env, slot, &live, outcome);
        live.active.set(live.active.get() - 1);
        live.release_if_idle(env);
        if live.closed.get() && live.active.get() == 0 {
            drop(Arc::from_raw(lp));
        }
    }
}

/// The JS loop's settling of a result it cannot pass as a fast call, or of a throw
/// (`threw`), then C resumed: what a resume returns.
///
/// # Safety
/// As [`settle`]; `hi`, `lo` are the halves of a frame of this thread that the JS loop read
/// from the mailbox (its fast park is checked before anything is done).
pub unsafe fn settle_from_js(
    env: sys::napi_env,
    hi: i32,
    lo: i32,
    threw: bool,
    value: sys::napi_value,
) -> i32 {
    let fr = frame_of(hi, lo);
    // SAFETY: the contract.
    unsafe {
        if (*fr).fast.get().is_none() {
            return -1;
        }
        let outcome = if threw {
            Outcome::Threw(value)
        } else {
            Outcome::Returned(value)
        };
        settle(env, fr, outcome);
        fiber::resume_frame(fr)
    }
}

/// The fast resumes: the result into C's slot (as arg_to_slot stores it) and C resumed.
/// Nothing is done when the callback closed itself during its call (SETTLE: the loop calls
/// `settle_from_js`, which releases it) or `frame` has no fast park (-1).
///
/// # Safety
/// `hi`, `lo` are the halves of the frame the JS loop was given (the mailbox), of this thread.
#[inline(always)]
unsafe fn resume_with(hi: i32, lo: i32, raw: u64) -> i32 {
    let fr = frame_of(hi, lo);
    // SAFETY: the contract; the park's words as in `settle`.
    unsafe {
        let Some(p) = (*fr).fast.get() else {
            return -1;
        };
        let live = &*(p.live as *const Live);
        if live.closed.get() {
            return SETTLE;
        }
        (*fr).fast.set(None);
        live.active.set(live.active.get() - 1);
        let n = (*(p.slot as *const Slot)).sig.params.len();
        *p.slots.add(n) = raw;
        fiber::resume_frame(fr)
    }
}

/// `resume(hi, lo, result)` for an `i32` result, bound as a fast call ('i32', 'i32', 'i32') →
/// 'i32' (V8's int32 conversion of a Number is ToInt32, as arg_to_slot's).
///
/// # Safety
/// [`resume_with`]'s.
pub unsafe extern "C" fn resume_i32(hi: i32, lo: i32, v: i32) -> i32 {
    // SAFETY: the contract, passed on.
    unsafe { resume_with(hi, lo, v as i64 as u64) }
}

/// `resume(hi, lo, result)` for an `f64` result.
///
/// # Safety
/// [`resume_with`]'s.
pub unsafe extern "C" fn resume_f64(hi: i32, lo: i32, v: f64) -> i32 {
    // SAFETY: the contract, passed on.
    unsafe { resume_with(hi, lo, v.to_bits()) }
}

/// `resume(hi, lo)` for a void result (the slot keeps the default, which C does not read).
///
/// # Safety
/// [`resume_with`]'s.
pub unsafe extern "C" fn resume_void(hi: i32, lo: i32) -> i32 {
    // SAFETY: the contract, passed on.
    unsafe { resume_with(hi, lo, DEFAULT) }
}
