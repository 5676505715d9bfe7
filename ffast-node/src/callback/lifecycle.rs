//! A callback's life: the thread's service made on first use, creating and closing callbacks,
//! and the env teardown that retires the thread's trampolines.

use super::queue::call_js;
use super::registry::{new_slots, REG, RETIRED, SLOTS_MADE};
use super::service::{finish, Direct, Live, Service, Slot, DEFAULT};
use ffast_core::{Error, Signature, Type};
use napi::sys;
use std::cell::Cell;
use std::collections::HashMap;
use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Check a callback signature: no buffer parameters (C passes a plain pointer: use
/// `pointer`), and no `string` result (JS memory cannot outlive the callback's return).
pub fn check_signature(sig: &Signature) -> Result<(), Error> {
    if let Some(i) = sig.params.iter().position(|&t| t == Type::Buffer) {
        return Err(Error::Type(format!(
            "callback parameter {i}: 'buffer' is not a callback parameter type (C passes an address: use 'pointer')"
        )));
    }
    if sig.result == Type::String {
        return Err(Error::Type(
            "callback result: 'string' is not supported (a JS string's C copy cannot outlive the callback's return); return a pointer to memory you own".into(),
        ));
    }
    Ok(())
}

/// An N-API status as a result: these calls fail only when the env is unusable (being torn
/// down), which the callback's creation reports like the threadsafe function's.
fn napi_ok(st: sys::napi_status, what: &str) -> Result<(), Error> {
    if st == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::Jit(format!("{what} failed ({st})")))
    }
}

/// The thread's service, created on first use with its threadsafe function and cleanup hook.
/// Leaked: slots keep pointing at it after the thread is gone (see `Slot::service`).
///
/// # Safety
/// On env's JS thread inside an N-API call; `orphan` is a JS function.
unsafe fn service(env: sys::napi_env, orphan: sys::napi_value) -> Result<&'static Service, Error> {
    // SAFETY: the operations below need only this function's contract (# Safety): on env's JS
    // thread inside an N-API call; `orphan` is a JS function.
    unsafe {
        if let Some(s) = REG.with(|r| r.borrow().service) {
            return Ok(s);
        }
        let mut orphan_ref = ptr::null_mut();
        napi_ok(
            sys::napi_create_reference(env, orphan, 1, &mut orphan_ref),
            "napi_create_reference",
        )?;
        let direct = crate::v8::call::get().and_then(|js| {
            let isolate = js.isolate();
            let context = js.current_context(isolate);
            if isolate.is_null() || context.is_null() {
                return None;
            }
            let mut u = ptr::null_mut();
            // Status ignored: fails only for a null env or out-pointer.
            let _ = sys::napi_get_undefined(env, &mut u);
            Some(Direct {
                js,
                isolate,
                context: js.global(context),
                undefined: js.global(u as *const c_void),
            })
        });
        let svc: &'static Service = Box::leak(Box::new(Service {
            env,
            tsfn: Mutex::new(None),
            tracking: crate::thread::tracking(),
            orphan: orphan_ref,
            direct,
            number_map: crate::thread::with(|s| s.number_map),
            waiting: Mutex::new(Vec::new()),
            alive: AtomicBool::new(true),
            deferred: AtomicU32::new(0),
        }));
        let mut name = ptr::null_mut();
        napi_ok(
            sys::napi_create_string_utf8(env, c"ffast callback".as_ptr(), 14, &mut name),
            "napi_create_string_utf8",
        )?;
        let mut tsfn = ptr::null_mut();
        let st = sys::napi_create_threadsafe_function(
            env,
            ptr::null_mut(),
            ptr::null_mut(),
            name,
            0,
            1,
            ptr::null_mut(),
            None,
            svc as *const Service as *mut c_void,
            Some(call_js),
            &mut tsfn,
        );
        if st != sys::Status::napi_ok {
            // (The leaked service is never reachable: not registered, no slot points at it.)
            return Err(Error::Jit(format!(
                "napi_create_threadsafe_function failed ({st})"
            )));
        }
        // Unref'd: pending callbacks do not keep the process alive. (Fails only for a null
        // function, which this one is not.)
        let _ = sys::napi_unref_threadsafe_function(env, tsfn);
        *svc.tsfn.lock().unwrap() = Some(tsfn as usize);
        // Registered after the threadsafe function (whose own hook Node registered while creating
        // it): cleanup hooks run in reverse order, so this one runs first and no foreign thread
        // uses the handle once Node starts freeing it.
        // Status ignored: it fails only for a null env or hook; a duplicate (Node aborts on one)
        // cannot happen, as the service is made once per env (REG).
        let _ = sys::napi_add_env_cleanup_hook(
            env,
            Some(teardown),
            svc as *const Service as *mut c_void,
        );
        REG.with(|r| r.borrow_mut().service = Some(svc));
        Ok(svc)
    }
}

/// Env teardown (worker termination or exit, the main thread's normal end; `process.exit()`
/// skips it): detach the threadsafe function, release blocked foreign callers with the
/// default value, and retire every trampoline of the thread to the process-wide pool. They
/// stay mapped forever (C may still hold the pointers; they now return the default value)
/// and serve later threads' callbacks.
///
/// # Safety
/// Called by N-API only, as the env cleanup hook `service` registered, on the owning thread;
/// `arg` is the leaked `Service`.
unsafe extern "C" fn teardown(arg: *mut c_void) {
    // SAFETY: the operations below need only this function's contract (# Safety): called by N-API
    // only, as the env cleanup hook `service` registered, on the owning thread; `arg` is the leaked
    // `Service`.
    unsafe {
        // The service is leaked: late call_js invocations and stale slots still see it.
        let svc = &*(arg as *const Service);
        svc.alive.store(false, Ordering::Release);
        *svc.tsfn.lock().unwrap() = None;
        for r in svc.waiting.lock().unwrap().drain(..) {
            finish(&r, DEFAULT);
        }
        let slots: Vec<&'static Slot> = REG.with(|r| {
            let mut r = r.borrow_mut();
            r.service = None;
            let mut all: Vec<&'static Slot> = r.live.drain().map(|(_, s)| s).collect();
            all.extend(r.free.drain().flat_map(|(_, v)| v));
            // Spares first, so that other threads (which pop from the end) take used slots first.
            all.sort_by_key(|s| s.used.load(Ordering::Relaxed));
            all
        });
        for &s in &slots {
            *s.live.lock().unwrap() = None;
            let owner = s.owner_live.swap(ptr::null_mut(), Ordering::Relaxed);
            if !owner.is_null() {
                // SAFETY: the count `create` took for this thread. No JS runs any more, so no call
                // of the callback is running (if one were, its count is left to leak).
                let live = Arc::from_raw(owner);
                if live.active.get() > 0 {
                    std::mem::forget(live);
                }
            }
        }
        let mut retired = RETIRED.lock().unwrap();
        let pool = retired.get_or_insert_with(HashMap::new);
        for s in slots {
            pool.entry(s.sig.clone()).or_default().push(s);
        }
    }
}

/// Create a callback: returns its id, the address C calls and its slot's index.
///
/// # Safety
/// On env's JS thread inside an N-API call; `func`, `report` and `orphan` are JS functions.
pub unsafe fn create(
    env: sys::napi_env,
    sig: Signature,
    func: sys::napi_value,
    report: sys::napi_value,
    orphan: sys::napi_value,
    queue: bool,
    grace: Duration,
) -> Result<(u32, usize, u32), Error> {
    // SAFETY: the operations below need only this function's contract (# Safety): on env's JS
    // thread inside an N-API call; `func`, `report` and `orphan` are JS functions.
    unsafe {
        check_signature(&sig)?;
        if queue && (sig.result != Type::Void || sig.agg_result.is_some()) {
            return Err(Error::Definition(
                "threads: 'queue' needs a void result (the C caller does not wait for one)".into(),
            ));
        }
        let svc = service(env, orphan)?;
        let mut fref = ptr::null_mut();
        let mut rref = ptr::null_mut();
        napi_ok(
            sys::napi_create_reference(env, func, 1, &mut fref),
            "napi_create_reference",
        )?;
        if let Err(e) = napi_ok(
            sys::napi_create_reference(env, report, 1, &mut rref),
            "napi_create_reference",
        ) {
            // Status ignored: the reference made just above, deleted once: cannot fail.
            let _ = sys::napi_delete_reference(env, fref);
            return Err(e);
        }
        let global = match crate::v8::call::get() {
            Some(js) => js.global(func as *const c_void),
            None => ptr::null_mut(),
        };
        let live = Arc::new(Live {
            func: fref,
            global: Cell::new(global),
            report: rref,
            queue,
            grace,
            active: Cell::new(0),
            deferred: Cell::new(0),
            closed: Cell::new(false),
            released: Cell::new(false),
        });
        // This thread's closed trampolines first, then those of ended threads.
        let recycled = REG
            .with(|r| r.borrow_mut().free.get_mut(&sig).and_then(Vec::pop))
            .or_else(|| {
                RETIRED
                    .lock()
                    .unwrap()
                    .as_mut()
                    .and_then(|p| p.get_mut(&sig))
                    .and_then(Vec::pop)
            });
        let slot = match recycled {
            Some(s) => {
                // Before the callback is published below: a C call on this thread then sees this
                // service (program order); a foreign caller sees either this one or the dead one.
                s.service
                    .store(svc as *const Service as *mut Service, Ordering::Release);
                s
            }
            None => {
                let (s, spares) = new_slots(sig, svc)?;
                // Spares wait in this thread's free list like closed slots (an ended thread's go
                // to RETIRED with them, `teardown`), behind them: a slot that served before is
                // taken first, so spares are used only when no used one is free.
                REG.with(|r| {
                    let mut r = r.borrow_mut();
                    let free = r.free.entry(s.sig.clone()).or_default();
                    free.splice(0..0, spares);
                });
                s
            }
        };
        if !slot.used.swap(true, Ordering::Relaxed) {
            SLOTS_MADE.fetch_add(1, Ordering::Relaxed);
        }
        slot.owner_live
            .store(Arc::into_raw(live.clone()).cast_mut(), Ordering::Relaxed);
        *slot.live.lock().unwrap() = Some(live);
        let (pointer, index) = (slot.pointer, slot.index);
        let id = REG.with(|r| {
            let mut r = r.borrow_mut();
            let id = r.next;
            r.next = r.next.wrapping_add(1).max(1);
            r.live.insert(id, slot);
            id
        });
        Ok((id, pointer, index))
    }
}

/// Close a callback: its JS references are released now; its trampoline goes to the free
/// list of its signature (calls meanwhile return the default value). False if unknown.
///
/// # Safety
/// On env's JS thread.
pub unsafe fn close(env: sys::napi_env, id: u32) -> bool {
    // SAFETY: the operations below need only this function's contract (# Safety): on env's JS
    // thread.
    unsafe {
        let Some(slot) = REG.with(|r| r.borrow_mut().live.remove(&id)) else {
            return false;
        };
        let live = slot.live.lock().unwrap().take();
        let owner = slot.owner_live.swap(ptr::null_mut(), Ordering::Relaxed);
        if let Some(live) = live {
            // Queued items may still hold the Live; they check it is still the slot's before use.
            live.closed.set(true);
            live.release_if_idle(env);
            if !owner.is_null() && live.active.get() == 0 {
                // SAFETY: the count taken in `create`; no call of this callback is running (when
                // one is, the outermost releases it on return, see `dispatch`).
                drop(Arc::from_raw(owner));
            }
        }
        REG.with(|r| {
            r.borrow_mut()
                .free
                .entry(slot.sig.clone())
                .or_default()
                .push(slot)
        });
        true
    }
}
