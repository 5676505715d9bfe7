//! The data a callback's trampoline reaches and the thread it serves: the [`Slot`] (one per
//! entry trampoline), the [`Live`] JS side of a callback, and the per-JS-thread [`Service`]
//! that links foreign threads to the thread's event loop (its threadsafe function) and tells
//! whether the current thread is the owner.

use crate::errors::ErrorCode;
use ffast_core::{Signature, Type};
use napi::sys;
use std::cell::Cell;
use std::ffi::{c_void, CString};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// The JS side of a live callback. Its references are used on the owning JS thread only.
pub(super) struct Live {
    pub(super) func: sys::napi_ref,
    /// The same function as a V8 global handle (the direct route, v8::call): its slot is the
    /// function's `Local` for every call, so no handle is made per call. Null without that
    /// route, and once released.
    pub(super) global: Cell<*mut usize>,
    pub(super) report: sys::napi_ref,
    pub(super) queue: bool,
    /// How long a blocked foreign caller tolerates its JS thread staying inside a tracked call.
    pub(super) grace: Duration,
    /// Calls of the JS function in progress (JS thread only): `close()` from inside the
    /// function defers deleting the references until the outermost call is done.
    pub(super) active: Cell<u32>,
    /// Errors queued for a later delivery to `report` (JS thread only, `Item::Deliver`): the
    /// references stay until the last is delivered.
    pub(super) deferred: Cell<u32>,
    pub(super) closed: Cell<bool>,
    /// The references are deleted (closed and idle): reports go to the orphan reporter.
    pub(super) released: Cell<bool>,
}

impl Live {
    /// Delete the references once the callback is closed and no call or queued error needs
    /// them. Runs after every call: an open callback costs one test here.
    ///
    /// # Safety
    /// On the owning JS thread.
    #[inline(always)]
    pub(super) unsafe fn release_if_idle(&self, env: sys::napi_env) {
        if self.closed.get() {
            // SAFETY: the contract (on the owning JS thread).
            unsafe { self.release_closed_if_idle(env) }
        }
    }

    /// [`release_if_idle`](Self::release_if_idle) for a closed callback.
    ///
    /// # Safety
    /// On the owning JS thread.
    #[cold]
    #[inline(never)]
    unsafe fn release_closed_if_idle(&self, env: sys::napi_env) {
        // SAFETY: the operations below need only this function's contract (# Safety): on the owning
        // JS thread.
        unsafe {
            if self.active.get() == 0 && self.deferred.get() == 0 && !self.released.replace(true) {
                // Statuses ignored: both references were made by `create` and are deleted
                // once (`released`): this cannot fail.
                let _ = sys::napi_delete_reference(env, self.func);
                let _ = sys::napi_delete_reference(env, self.report);
                let g = self.global.replace(ptr::null_mut());
                if let (false, Some(js)) = (g.is_null(), crate::v8::call::get()) {
                    js.dispose(g);
                }
            }
        }
    }
}

// SAFETY: a Live is shared with foreign threads only to keep it alive inside queued items;
// its napi references are read and deleted on the owning JS thread only.
unsafe impl Send for Live {}
// SAFETY: as above.
unsafe impl Sync for Live {}

/// One JS thread's link to its event loop, shared with foreign threads.
pub(super) struct Service {
    pub(super) env: sys::napi_env,
    /// `None` once the env is being torn down.
    pub(super) tsfn: Mutex<Option<usize>>,
    /// The owning thread's tracked-call counts (thread::tracking): `depth`, the tracked
    /// synchronous calls in progress, which foreign callers read; `callbacks`, those run
    /// (OwnerCall::start).
    pub(super) tracking: &'static crate::fiber::Tracking,
    /// The thread's reporter for errors with no callback (closed callbacks): a JS function.
    pub(super) orphan: sys::napi_ref,
    /// What the direct route (v8::call) needs; None without it.
    pub(super) direct: Option<Direct>,
    /// The thread's heap-number map for direct Number reads of results, or 0.
    pub(super) number_map: usize,
    /// Blocking requests not yet answered (completed with the default value at teardown).
    pub(super) waiting: Mutex<Vec<Arc<Request>>>,
    /// Cleared at env teardown: a dead service never claims the current thread as its owner
    /// (a later isolate or env may be allocated at its old address).
    pub(super) alive: AtomicBool,
    /// Items the owning thread queued for itself that have not run yet (`post_deferred`):
    /// the threadsafe function is ref'd while there are any. Owning thread only.
    pub(super) deferred: AtomicU32,
}

// SAFETY: foreign threads only touch the mutex-protected tsfn handle (whose use N-API allows
// from any thread), the atomics (depth, alive), the isolate address and the waiting list; env
// and orphan are used on the owning thread.
unsafe impl Send for Service {}
// SAFETY: as above.
unsafe impl Sync for Service {}

/// A thread's handles for calling JS through V8's API. The globals are never released: they
/// live as long as the isolate.
pub(super) struct Direct {
    /// The process's direct route (`v8::call::get()`, set once before any service exists):
    /// kept here so a call does not look it up again.
    pub(super) js: &'static crate::v8::call::JsCall,
    pub(super) isolate: *mut c_void,
    /// The context the JS functions are called in: the one current when the thread's first
    /// callback was made (index.js runs in the env's main context), which is what N-API uses.
    /// Kept rather than asked for per call: asking costs a call and a handle.
    pub(super) context: *mut usize,
    /// `undefined`, the receiver of every callback.
    pub(super) undefined: *mut usize,
}

/// The context of one entry trampoline: a leaked box (its address is embedded in the code,
/// and the code may be called at any time, so neither is ever freed).
pub(super) struct Slot {
    pub(super) sig: Signature,
    /// The service of the thread the slot serves: a leaked `Service`. Replaced only when a
    /// slot retired by an ended thread is taken by another thread (`create`); a foreign caller
    /// that reads the old one finds it dead and gets the default value.
    pub(super) service: AtomicPtr<Service>,
    /// The live callback, for foreign threads (read under the lock, then an Arc clone).
    pub(super) live: Mutex<Option<Arc<Live>>>,
    /// The same callback for its own JS thread: one strong count held as a raw pointer, written
    /// and read only on that thread (Relaxed: a plain load). The lock and the Arc clone that the
    /// foreign path needs were four atomic read-modify-writes per call, a sixth of a
    /// same-thread callback's cost. Null when closed.
    pub(super) owner_live: AtomicPtr<Live>,
    /// The entry trampoline: in a page shared with the other slots of its batch (`new_slots`).
    pub(super) pointer: usize,
    /// Whether a callback ever had this slot (a batch's spares have not, until taken).
    pub(super) used: AtomicBool,
    /// The slot's number, process-wide and dense (slots are never freed): the JS loop of the
    /// fiber mode finds the callback's function by it (docs/callbacks.md §11.3).
    pub(super) index: u32,
    /// Structs and unions by value (docs/callbacks.md §6.1): where they are in the staging
    /// block. None for scalar-only signatures.
    pub(super) agg: Option<Box<AggInfo>>,
    /// Callbacks of this signature take the fast park on a fiber (fast::fast_shape).
    pub(super) fast_shape: bool,
}

/// A slot's aggregates: per aggregate parameter its staging offset, size and the offsets of
/// its `string` members (for queued calls, which copy them); the result's offset and size; the
/// staging block (the signature's `area_size` bytes, 16-aligned, leaked with the slot: slots
/// are never freed). JS decodes parameters from it and encodes the result into it.
pub(super) struct AggInfo {
    pub(super) params: Vec<(usize, usize, Vec<usize>)>,
    pub(super) ret: Option<(usize, usize)>,
    pub(super) staging: *mut u8,
    pub(super) staging_len: usize,
}

impl AggInfo {
    pub(super) fn new(sig: &Signature) -> Option<Box<AggInfo>> {
        if sig.agg_params.is_empty() && sig.agg_result.is_none() {
            return None;
        }
        let params = sig
            .agg_params
            .iter()
            .map(|p| {
                let mut strings = Vec::new();
                string_offsets(&p.agg.ty, 0, &mut strings);
                (p.agg.offset as usize, p.agg.size, strings)
            })
            .collect();
        let ret = sig.agg_result.as_ref().map(|a| (a.offset as usize, a.size));
        let staging_len = (sig.area_size as usize).max(16);
        // 16 divides every size here and is a power of two, so the layout is valid.
        let layout = std::alloc::Layout::from_size_align(staging_len, 16).ok()?;
        // SAFETY: a non-zero size. Leaked: JS views and C calls may use it at any time.
        let staging = unsafe { std::alloc::alloc_zeroed(layout) };
        if staging.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        Some(Box::new(AggInfo {
            params,
            ret,
            staging,
            staging_len,
        }))
    }

    /// The aggregate parameters at `slots[n + 1 ..]` copied into `dst` (a staging image).
    ///
    /// # Safety
    /// Each slot holds the address of its parameter's readable bytes; `dst` has `staging_len`.
    pub(super) unsafe fn copy_params(&self, slots: *const u64, n: usize, dst: *mut u8) {
        for (k, (off, size, _)) in self.params.iter().enumerate() {
            // SAFETY: the contract: slot n + 1 + k holds parameter k's address, readable for its
            // size, and `dst` has room for it at its staging offset.
            unsafe {
                let src = *slots.add(n + 1 + k) as *const u8;
                ptr::copy_nonoverlapping(src, dst.add(*off), *size);
            }
        }
    }
}

/// Byte offsets of the `string` members of `ty` (at `base`), walked once per slot.
fn string_offsets(ty: &ffast_core::layout::CType, base: usize, out: &mut Vec<usize>) {
    use ffast_core::layout::CType;
    match ty {
        CType::Scalar(Type::String) => out.push(base),
        CType::Scalar(_) => {}
        CType::Struct(c) | CType::Union(c) => {
            if let Ok(l) = ty.layout() {
                for (f, off) in c.fields.iter().zip(l.offsets) {
                    string_offsets(&f.ty, base + off, out);
                }
            }
        }
        CType::Array { elem, len } => {
            if let Ok(size) = elem.size() {
                for i in 0..*len {
                    string_offsets(elem, base + i * size, out);
                }
            }
        }
    }
}

// SAFETY: other threads read `sig`, `pointer` and `agg` (immutable after creation), the atomics,
// and `live` under its mutex; the staging block is used on the owning JS thread only.
unsafe impl Send for Slot {}
// SAFETY: as above.
unsafe impl Sync for Slot {}

impl Slot {
    /// The service the slot serves now.
    #[inline(always)]
    pub(super) fn service(&self) -> &'static Service {
        // SAFETY: always a leaked Service (`service()`), never freed.
        unsafe { &*self.service.load(Ordering::Acquire) }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    Waiting,
    Running,
    Done(u64),
    Abandoned,
}

/// A blocking call from a foreign thread.
pub(super) struct Request {
    pub(super) state: Mutex<State>,
    pub(super) done: Condvar,
    /// An aggregate result's bytes, written by the JS thread before `Done(AGG_OK)`.
    pub(super) bytes: Mutex<Vec<u8>>,
}

/// What a foreign thread (or a JS thread for itself) queues for the JS thread.
pub(super) enum Item {
    Call {
        slot: &'static Slot,
        live: Arc<Live>,
        args: Vec<u64>,
        _strings: Vec<CString>,
        reply: Option<Arc<Request>>,
    },
    Report {
        live: Option<Arc<Live>>,
        code: ErrorCode,
        msg: String,
    },
    /// A call of an aggregate signature from a foreign thread: `bytes` is the staging image of
    /// its aggregate parameters, `strings` the copies its `string` members point to (queued
    /// calls only: a blocked caller keeps its own alive).
    CallAgg {
        slot: &'static Slot,
        live: Arc<Live>,
        args: Vec<u64>,
        bytes: Vec<u8>,
        _strings: Vec<CString>,
        reply: Option<Arc<Request>>,
    },
    /// An error value the reporter could not take where it happened (see `deliver`).
    Deliver {
        live: Option<Arc<Live>>,
        err: sys::napi_ref,
    },
    /// An item the owning thread queued for itself, holding the loop alive (`post_deferred`).
    Deferred(Box<Item>),
}

/// The default C value a callback returns when JS cannot give one: all-zero bits.
pub(super) const DEFAULT: u64 = 0;

/// What `run_js` returns for a void-result call of an aggregate signature that returned
/// normally (its JS wrapper then encoded the result into the staging block, if any).
pub(super) const AGG_OK: u64 = 1;

pub(super) fn item_ptr(i: Item) -> *mut c_void {
    Box::into_raw(Box::new(i)).cast()
}

impl Service {
    /// Queue `item`; false when the thread is gone (the item is dropped).
    pub(super) fn post(&self, item: Item) -> bool {
        let guard = self.tsfn.lock().unwrap();
        let Some(tsfn) = *guard else { return false };
        let p = item_ptr(item);
        // SAFETY: the handle is live while `tsfn` is Some (the cleanup hook clears it under this
        // lock before Node frees it); the call is thread-safe and does not block (unbounded
        // queue).
        let st = unsafe {
            sys::napi_call_threadsafe_function(
                tsfn as sys::napi_threadsafe_function,
                p,
                sys::ThreadsafeFunctionCallMode::nonblocking,
            )
        };
        if st != sys::Status::napi_ok {
            // SAFETY: N-API did not take the item; we still own it.
            drop(unsafe { Box::from_raw(p.cast::<Item>()) });
            return false;
        }
        true
    }

    pub(super) fn report_later(&self, live: Option<Arc<Live>>, code: ErrorCode, msg: String) {
        self.post(Item::Report { live, code, msg });
    }

    /// Queue `item` from the owning thread for a later turn, keeping the event loop alive
    /// until it has run: the threadsafe function is unref'd (pending foreign callbacks do not
    /// keep a process alive), but an error deferred from a callback must not be lost to the
    /// process ending first. False when the thread is going away.
    ///
    /// # Safety
    /// On the owning JS thread, `env` its env.
    pub(super) unsafe fn post_deferred(&self, env: sys::napi_env, item: Item) -> bool {
        // SAFETY: the operations below need only this function's contract (# Safety): on the owning
        // JS thread, `env` its env.
        unsafe {
            let tsfn = match *self.tsfn.lock().unwrap() {
                Some(t) => t as sys::napi_threadsafe_function,
                None => return false,
            };
            if self.deferred.fetch_add(1, Ordering::Relaxed) == 0 {
                // Status ignored: fails only for a null function, which this one is not.
                let _ = sys::napi_ref_threadsafe_function(env, tsfn);
            }
            if self.post(Item::Deferred(Box::new(item))) {
                return true;
            }
            self.deferred_done(env);
            false
        }
    }

    /// A deferred item has run (or was dropped): the last one lets the loop go.
    ///
    /// # Safety
    /// On the owning JS thread, `env` its env.
    pub(super) unsafe fn deferred_done(&self, env: sys::napi_env) {
        // SAFETY: the operations below need only this function's contract (# Safety): on the owning
        // JS thread, `env` its env.
        unsafe {
            if self.deferred.fetch_sub(1, Ordering::Relaxed) == 1 {
                if let Some(t) = *self.tsfn.lock().unwrap() {
                    // Status ignored: as in `post_deferred`.
                    let _ = sys::napi_unref_threadsafe_function(
                        env,
                        t as sys::napi_threadsafe_function,
                    );
                }
            }
        }
    }
}

#[inline(always)]
pub(super) fn on_owner_thread(svc: &Service) -> bool {
    if !svc.alive.load(Ordering::Acquire) {
        return false;
    }
    match &svc.direct {
        // V8's thread-local current isolate: cheaper to read than this addon's thread-local
        // env (a __tls_get_addr call from a shared object).
        Some(d) => d.js.isolate() == d.isolate,
        None => crate::thread::current_env() == svc.env,
    }
}

pub(super) fn finish(req: &Request, v: u64) {
    let mut st = req.state.lock().unwrap();
    if *st != State::Abandoned {
        *st = State::Done(v);
    }
    req.done.notify_all();
}
