//! Where C's calls arrive: [`dispatch`], which every entry trampoline calls (on the owning
//! thread: run JS now, inside a tracked call; on a foreign thread: queue the call to the owning
//! thread and wait, or not).

use super::invoke::{report_now, run_js};
use super::service::{finish, on_owner_thread, Item, Live, Request, Service, Slot, State, DEFAULT};
use crate::errors::ErrorCode;
use ffast_core::Type;
use napi::sys;
use std::ffi::{CStr, CString};
use std::mem::ManuallyDrop;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// A closed callback was called from C: it got the default value; say so (from any thread).
pub(super) fn report_closed(slot: &Slot) {
    slot.service().report_later(
        None,
        ErrorCode::Closed,
        format!(
            "callback 0x{:x} called after close(); C got the default value",
            slot.pointer
        ),
    );
}

/// A call from C on the callback's own JS thread, between [`OwnerCall::start`] and
/// [`OwnerCall::end`]: the live callback, viewed without taking a count.
pub(super) struct OwnerCall {
    /// Carries a strong count that only this thread releases: `close` leaves it to the
    /// outermost running call when the callback closes itself (see `end`).
    p: *const Live,
    live: ManuallyDrop<Arc<Live>>,
}

impl std::ops::Deref for OwnerCall {
    type Target = Arc<Live>;
    fn deref(&self) -> &Arc<Live> {
        &self.live
    }
}

impl OwnerCall {
    /// The callback's side of a call from C on its own JS thread, or None after reporting
    /// why C gets `got` (a default value or a zeroed aggregate): the callback is closed
    /// (`ERR_FFAST_CLOSED`), or the thread is not inside a call that may run JS
    /// (`ERR_FFAST_CALLBACK_CONTEXT`).
    ///
    /// # Safety
    /// On the owning JS thread of `svc`, the slot's service.
    #[inline(always)]
    pub(super) unsafe fn start(slot: &Slot, svc: &Service, got: &str) -> Option<OwnerCall> {
        let p = slot.owner_live.load(Ordering::Relaxed);
        if p.is_null() {
            report_closed(slot);
            return None;
        }
        // SAFETY: `p` carries a strong count that only this thread (the contract) releases.
        // Viewed as an Arc without taking a count (ManuallyDrop: none is released either).
        let live = ManuallyDrop::new(unsafe { Arc::from_raw(p) });
        if svc.tracking.depth.load(Ordering::Relaxed) == 0 {
            report_untracked(svc, &live, got);
            return None;
        }
        // Counted for the tracked call's fiber choice (fiber::Choice): only callbacks that a
        // fiber would speed up (the fast park's shapes). Only this thread writes it, so a load
        // and a store do.
        if slot.fast_shape {
            let ran = &svc.tracking.callbacks;
            ran.store(
                ran.load(Ordering::Relaxed).wrapping_add(1),
                Ordering::Relaxed,
            );
        }
        Some(OwnerCall { p, live })
    }

    /// After the JS call: a callback closed from inside its own call is released by the
    /// outermost call, which drops the count `close` left (the slot may already serve a new
    /// callback: the count is not read from it again).
    ///
    /// # Safety
    /// On the owning JS thread, once per `start`.
    #[inline(always)]
    pub(super) unsafe fn end(self) {
        if self.live.closed.get() && self.live.active.get() == 0 {
            // SAFETY: the count `close` left for this call to release (`p`), released once.
            drop(unsafe { Arc::from_raw(self.p) });
        }
    }
}

/// A callback called synchronously outside a tracked call: C got `got`; say so (rare path).
#[cold]
#[inline(never)]
fn report_untracked(svc: &Service, live: &Arc<Live>, got: &str) {
    svc.report_later(
        Some(live.clone()),
        ErrorCode::CallbackContext,
        format!(
            "callback called synchronously outside a call that may run JS (declare the C \
             function's callback parameter as 'function', or the function with \
             `callbacks: true`); C got {got}"
        ),
    );
}

/// A call from C on a foreign thread: the live callback (a clone under the lock), or None
/// after reporting that it is closed.
pub(super) fn foreign_live(slot: &Slot) -> Option<Arc<Live>> {
    let live = slot.live.lock().unwrap().clone();
    if live.is_none() {
        report_closed(slot);
    }
    live
}

/// Called by every entry trampoline: `slots[..n]` hold the C arguments, `slots[n]` receives
/// the result.
///
/// # Safety
/// `ctx` is a `Slot` (never freed while its code is reachable) and `slots` has n + 1 entries.
pub(super) unsafe extern "C" fn dispatch(ctx: usize, slots: *mut u64) {
    // SAFETY: the operations below need only this function's contract (# Safety): `ctx` is a `Slot`
    // (never freed while its code is reachable) and `slots` has n + 1 entries.
    unsafe {
        let slot = &*(ctx as *const Slot);
        let n = slot.sig.params.len();
        *slots.add(n) = DEFAULT;
        let svc = slot.service();
        // fiber mode (crate::fiber): on a side stack of the thread this call was found to own
        // already, park for the JS loop (fast.rs) without asking V8 for the thread again.
        if super::fast::try_park(slot, svc, slots, n, false) {
            return;
        }
        if on_owner_thread(svc) {
            // fiber mode: on a side stack, park — for the JS loop when the call qualifies, else
            // for the JS stack to run this dispatcher again with the same slots; either resumes
            // C with the result set.
            if super::fast::try_park(slot, svc, slots, n, true)
                || crate::fiber::park(dispatch, ctx, slots)
            {
                return;
            }
            let Some(call) = OwnerCall::start(slot, svc, "the default value") else {
                return;
            };
            let args = std::slice::from_raw_parts(slots, n);
            *slots.add(n) = run_js(svc.env, slot, &call, args);
            call.end();
            return;
        }
        let Some(live) = foreign_live(slot) else {
            return;
        };
        let (values, strings) = copy_args(slot, std::slice::from_raw_parts(slots, n));
        let call = |live, reply| Item::Call {
            slot,
            live,
            args: values,
            _strings: strings,
            reply,
        };
        if let Some((result, _)) = post_call(svc, live, call) {
            *slots.add(n) = result;
        }
    }
}

/// A call queued for the JS thread, run there: claim the request (nothing to do when its
/// caller gave up waiting), run `call` (given the request) if the callback is still the one the
/// call was queued for, else report `ERR_FFAST_CLOSED` (closed while the call was queued: its
/// references are gone); then answer a waiting caller.
///
/// # Safety
/// On the owning JS thread of `svc`, `env` its env (inside call_js: a handle scope is open).
pub(super) unsafe fn run_queued(
    env: sys::napi_env,
    svc: &Service,
    slot: &Slot,
    live: &Arc<Live>,
    reply: Option<Arc<Request>>,
    call: impl FnOnce(Option<&Arc<Request>>) -> u64,
) {
    if let Some(r) = &reply {
        let mut st = r.state.lock().unwrap();
        if *st == State::Abandoned {
            return;
        }
        *st = State::Running;
    }
    let open = slot
        .live
        .lock()
        .unwrap()
        .as_ref()
        .is_some_and(|l| Arc::ptr_eq(l, live));
    let v = if open {
        call(reply.as_ref())
    } else {
        // SAFETY: the contract: on the owning JS thread, `env` its env, inside a handle scope.
        unsafe {
            report_now(
                env,
                None,
                svc,
                ErrorCode::Closed,
                "callback closed before a queued call ran; C got the default value",
                false,
            );
        }
        DEFAULT
    };
    if let Some(r) = reply {
        finish(&r, v);
    }
}

/// Foreign thread: the scalar arguments of a call to queue, `string` ones as owned copies (a
/// queued call outlives the C caller's frame).
///
/// # Safety
/// `args` holds one slot per parameter of `slot.sig`; strings readable until this returns.
pub(super) unsafe fn copy_args(slot: &Slot, args: &[u64]) -> (Vec<u64>, Vec<CString>) {
    let mut values = args.to_vec();
    let mut strings = Vec::new();
    for (v, &t) in values.iter_mut().zip(&slot.sig.params) {
        if t == Type::String && *v != 0 {
            // SAFETY: the contract: a non-NULL `string` argument is a readable C string.
            let s = unsafe { CStr::from_ptr(*v as *const std::ffi::c_char) }.to_owned();
            *v = s.as_ptr() as u64;
            strings.push(s);
        }
    }
    (values, strings)
}

/// Foreign thread: queue the call `item` makes, given the callback and, for `threads:
/// 'block'`, the request the JS thread answers. `threads: 'queue'`: None at once (C goes on).
/// 'block': the answer ([`wait`]; the default value when the thread is gone), with the request
/// for what the answer carries besides.
pub(super) fn post_call(
    svc: &Service,
    live: Arc<Live>,
    item: impl FnOnce(Arc<Live>, Option<Arc<Request>>) -> Item,
) -> Option<(u64, Arc<Request>)> {
    if live.queue {
        svc.post(item(live, None));
        return None;
    }
    let req = Arc::new(Request {
        state: Mutex::new(State::Waiting),
        done: Condvar::new(),
        bytes: Mutex::new(Vec::new()),
    });
    // Listed until answered: teardown completes what is still waiting with the default value.
    svc.waiting.lock().unwrap().push(req.clone());
    let result = if svc.post(item(live.clone(), Some(req.clone()))) {
        wait(svc, &req, live)
    } else {
        DEFAULT
    };
    svc.waiting
        .lock()
        .unwrap()
        .retain(|r| !Arc::ptr_eq(r, &req));
    Some((result, req))
}

pub(super) fn report_deadlock(svc: &Service, live: Arc<Live>) {
    svc.report_later(
        Some(live),
        ErrorCode::CallbackDeadlock,
        "blocking callback called from a foreign thread while its JS thread is inside a \
         synchronous call that may run callbacks (it cannot run JS until that call returns); C \
         got the default value. Call such C functions with nonblocking: true, or use \
         threads: 'queue'"
            .into(),
    );
}

/// Wait for the JS thread's answer. Give up (default value) when the request is still queued
/// and the JS thread has stayed inside tracked synchronous calls for the callback's grace
/// period: it cannot service the queue before that call returns, and that call may itself be
/// waiting for this thread (joining it): a deadlock. A tracked call that merely starts threads
/// returns well within the grace period.
pub(super) fn wait(svc: &Service, req: &Request, live: Arc<Live>) -> u64 {
    let mut st = req.state.lock().unwrap();
    let mut stuck_since: Option<Instant> = None;
    loop {
        match *st {
            State::Done(v) => return v,
            State::Abandoned => return DEFAULT,
            State::Waiting if svc.tracking.depth.load(Ordering::Relaxed) > 0 => {
                let since = *stuck_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= live.grace {
                    *st = State::Abandoned;
                    drop(st);
                    report_deadlock(svc, live);
                    return DEFAULT;
                }
            }
            _ => stuck_since = None,
        }
        st = req
            .done
            .wait_timeout(st, Duration::from_millis(2))
            .unwrap()
            .0;
    }
}
