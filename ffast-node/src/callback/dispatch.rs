//! Where C's calls arrive: [`dispatch`], which every entry trampoline calls (on the owning
//! thread: run JS now, inside a tracked call; on a foreign thread: queue the call to the owning
//! thread and wait, or not).

use super::invoke::run_js;
use super::service::{on_owner_thread, Item, Live, Request, Service, Slot, State, DEFAULT};
use crate::errors::ErrorCode;
use ffast_core::Type;
use std::ffi::CStr;
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
        if on_owner_thread(svc) {
            // fiber mode (crate::fiber): on a side stack, park; the JS stack runs this
            // dispatcher again with the same slots and resumes C with the result set.
            if crate::fiber::park(dispatch, ctx, slots) {
                return;
            }
            let p = slot.owner_live.load(Ordering::Relaxed);
            if p.is_null() {
                report_closed(slot);
                return;
            }
            // SAFETY: `p` carries a strong count that only this thread releases: `close` leaves it
            // to the outermost running call when the callback closes itself (see below). Viewed
            // as an Arc without taking a count (ManuallyDrop: none is released either).
            let live = ManuallyDrop::new(Arc::from_raw(p));
            if svc.depth.load(Ordering::Relaxed) == 0 {
                // SAFETY: as above; the clone is for the report only (rare path).
                Arc::increment_strong_count(p);
                svc.report_later(
                    Some(Arc::from_raw(p)),
                    ErrorCode::CallbackContext,
                    "callback called synchronously outside a call that may run JS (declare the C \
                 function's callback parameter as 'function', or the function with \
                 `callbacks: true`); C got the default value"
                        .into(),
                );
                return;
            }
            let args = std::slice::from_raw_parts(slots, n);
            *slots.add(n) = run_js(svc.env, slot, &live, args);
            if live.closed.get() && live.active.get() == 0 {
                // Closed from inside its own call: the outermost call releases the count `close`
                // left (the slot may already serve a new callback: `p` is not read from it again).
                drop(Arc::from_raw(p));
            }
            return;
        }
        let live = slot.live.lock().unwrap().clone();
        let Some(live) = live else {
            report_closed(slot);
            return;
        };
        let args = std::slice::from_raw_parts(slots, n);
        // Foreign thread: copy strings (a queued call outlives the C caller's frame).
        let mut values = args.to_vec();
        let mut strings = Vec::new();
        for (i, &t) in slot.sig.params.iter().enumerate() {
            if t == Type::String && values[i] != 0 {
                let s = CStr::from_ptr(values[i] as *const std::ffi::c_char).to_owned();
                values[i] = s.as_ptr() as u64;
                strings.push(s);
            }
        }
        if live.queue {
            svc.post(Item::Call {
                slot,
                live,
                args: values,
                _strings: strings,
                reply: None,
            });
            return;
        }
        let req = Arc::new(Request {
            state: Mutex::new(State::Waiting),
            done: Condvar::new(),
            bytes: Mutex::new(Vec::new()),
        });
        svc.waiting.lock().unwrap().push(req.clone());
        let posted = svc.post(Item::Call {
            slot,
            live: live.clone(),
            args: values,
            _strings: strings,
            reply: Some(req.clone()),
        });
        let result = if posted {
            wait(svc, &req, live)
        } else {
            DEFAULT
        };
        svc.waiting
            .lock()
            .unwrap()
            .retain(|r| !Arc::ptr_eq(r, &req));
        *slots.add(n) = result;
    }
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
            State::Waiting if svc.depth.load(Ordering::Relaxed) > 0 => {
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
