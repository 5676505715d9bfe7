//! C → JS callbacks. A callback is a JIT *entry trampoline* (ffast_core::trampoline::
//! callback_entry) whose context is a [`Slot`]: C calls the trampoline, which stores the C
//! arguments in 8-byte slots and calls [`dispatch`].
//!
//! Rules (README "Callbacks"):
//! - On its own JS thread a callback runs synchronously, but only inside a *tracked* call: a
//!   call of a function that has a `function` parameter or is declared `callbacks: true`. Those
//!   functions never get a V8 fast call (V8 forbids running JS inside one, v8-fast-api.md
//!   §6.4), and their slow path counts itself in the thread's sync depth. Anywhere else ffast
//!   cannot prove JS may run, so the call returns the default value and reports
//!   `ERR_FFAST_CALLBACK_CONTEXT`.
//! - From a foreign thread the call is queued to the owning thread's event loop (one unref'd
//!   threadsafe function per JS thread). `threads: 'block'` (default): the C caller waits for
//!   the result; if the request is still queued while the JS thread has stayed inside a tracked
//!   call for the callback's grace period (`deadlockMs`, default 100 ms) — that call cannot
//!   service the queue until it returns, and may be joining this very thread — the caller gets
//!   the default value and `ERR_FFAST_CALLBACK_DEADLOCK` is reported. `threads: 'queue'` (void results only): arguments are copied and C goes on.
//! - A throwing JS function, or a result that does not convert, gives C the default value
//!   (0, NULL, false) and the error goes to the callback's reporter (`onError`, else an
//!   uncaught exception on the next tick; see index.js).
//!   When the reporter cannot run where the error happened (the JS stack is exhausted: a
//!   deeply re-entrant callback hit V8's stack limit, and calling the reporter needs stack too),
//!   the error is delivered once on a later turn of the event loop instead (`Item::Deliver`).
//! - A closed callback returns the default value and emits a warning (`ERR_FFAST_CLOSED`). Its
//!   trampoline stays mapped and is recycled by the next callback of the same signature, so a
//!   stale C pointer never jumps into unmapped memory.
//!
//! Lifetime (docs/lifetimes.md): a trampoline and its `Slot` are never freed, because any
//! thread may hold the pointer and call it at any time, including while the process exits.
//! Slots and services are leaked boxes, and the thread-local registry has no destructor. When a
//! thread's env ends (worker termination, exit) its slots go to a process-wide pool
//! (`RETIRED`) that later threads' callbacks reuse, so creating and terminating workers does
//! not map trampolines without bound.

use crate::convert::{arg_to_slot, StringScratch, SCRATCH};
use crate::errors::ErrorCode;
use ffast_core::jit::Arena;
use ffast_core::trampoline::{self, MAX_SAFE};
use ffast_core::{Error, Signature, Type};
use napi::sys;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ffi::{c_void, CStr, CString};
use std::mem::ManuallyDrop;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The JS side of a live callback. Its references are used on the owning JS thread only.
struct Live {
    func: sys::napi_ref,
    /// The same function as a V8 global handle (the direct route, v8::call): its slot is the
    /// function's `Local` for every call, so no handle is made per call. Null without that
    /// route, and once released.
    global: Cell<*mut usize>,
    report: sys::napi_ref,
    queue: bool,
    /// How long a blocked foreign caller tolerates its JS thread staying inside a tracked call.
    grace: Duration,
    /// Calls of the JS function in progress (JS thread only): `close()` from inside the
    /// function defers deleting the references until the outermost call is done.
    active: Cell<u32>,
    /// Errors queued for a later delivery to `report` (JS thread only, `Item::Deliver`): the
    /// references stay until the last is delivered.
    deferred: Cell<u32>,
    closed: Cell<bool>,
    /// The references are deleted (closed and idle): reports go to the orphan reporter.
    released: Cell<bool>,
}

impl Live {
    /// # Safety
    /// On the owning JS thread.
    unsafe fn release_if_idle(&self, env: sys::napi_env) {
        if self.closed.get()
            && self.active.get() == 0
            && self.deferred.get() == 0
            && !self.released.replace(true)
        {
            sys::napi_delete_reference(env, self.func);
            sys::napi_delete_reference(env, self.report);
            let g = self.global.replace(ptr::null_mut());
            if let (false, Some(js)) = (g.is_null(), crate::v8::call::get()) {
                js.dispose(g);
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
pub struct Service {
    env: sys::napi_env,
    /// `None` once the env is being torn down.
    tsfn: Mutex<Option<usize>>,
    /// Tracked synchronous calls in progress on the owning thread.
    depth: &'static AtomicU32,
    /// The thread's reporter for errors with no callback (closed callbacks): a JS function.
    orphan: sys::napi_ref,
    /// What the direct route (v8::call) needs; None without it.
    direct: Option<Direct>,
    /// The thread's heap-number map for direct Number reads of results, or 0.
    number_map: usize,
    /// Blocking requests not yet answered (completed with the default value at teardown).
    waiting: Mutex<Vec<Arc<Request>>>,
    /// Cleared at env teardown: a dead service never claims the current thread as its owner
    /// (a later isolate or env may be allocated at its old address).
    alive: AtomicBool,
    /// Items the owning thread queued for itself that have not run yet (`post_deferred`):
    /// the threadsafe function is ref'd while there are any. Owning thread only.
    deferred: AtomicU32,
}

// SAFETY: foreign threads only touch the mutex-protected tsfn handle (whose use N-API allows
// from any thread), the atomics (depth, alive), the isolate address and the waiting list; env
// and orphan are used on the owning thread.
unsafe impl Send for Service {}
// SAFETY: as above.
unsafe impl Sync for Service {}

/// A thread's handles for calling JS through V8's API. The globals are never released: they
/// live as long as the isolate.
struct Direct {
    isolate: *mut c_void,
    /// The context the JS functions are called in: the one current when the thread's first
    /// callback was made (index.js runs in the env's main context), which is what N-API uses.
    /// Kept rather than asked for per call: asking costs a call and a handle.
    context: *mut usize,
    /// `undefined`, the receiver of every callback.
    undefined: *mut usize,
}

/// The context of one entry trampoline: a leaked box (its address is embedded in the code,
/// and the code may be called at any time, so neither is ever freed).
pub struct Slot {
    sig: Signature,
    /// The service of the thread the slot serves: a leaked `Service`. Replaced only when a
    /// slot retired by an ended thread is taken by another thread (`create`); a foreign caller
    /// that reads the old one finds it dead and gets the default value.
    service: AtomicPtr<Service>,
    /// The live callback, for foreign threads (read under the lock, then an Arc clone).
    live: Mutex<Option<Arc<Live>>>,
    /// The same callback for its own JS thread: one strong count held as a raw pointer, written
    /// and read only on that thread (Relaxed: a plain load). The lock and the Arc clone that the
    /// foreign path needs were four atomic read-modify-writes per call, a sixth of a
    /// same-thread callback's cost. Null when closed.
    owner_live: AtomicPtr<Live>,
    /// The entry trampoline: in a page shared with the other slots of its batch (`new_slots`).
    pointer: usize,
    /// Whether a callback ever had this slot (a batch's spares have not, until taken).
    used: AtomicBool,
    /// Structs and unions by value (docs/callbacks.md §6.1): where they are in the staging
    /// block. None for scalar-only signatures.
    agg: Option<Box<AggInfo>>,
}

/// A slot's aggregates: per aggregate parameter its staging offset, size and the offsets of
/// its `string` members (for queued calls, which copy them); the result's offset and size; the
/// staging block (the signature's `area_size` bytes, 16-aligned, leaked with the slot: slots
/// are never freed). JS decodes parameters from it and encodes the result into it.
struct AggInfo {
    params: Vec<(usize, usize, Vec<usize>)>,
    ret: Option<(usize, usize)>,
    staging: *mut u8,
    staging_len: usize,
}

impl AggInfo {
    fn new(sig: &Signature) -> Option<Box<AggInfo>> {
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
    unsafe fn copy_params(&self, slots: *const u64, n: usize, dst: *mut u8) {
        for (k, (off, size, _)) in self.params.iter().enumerate() {
            let src = *slots.add(n + 1 + k) as *const u8;
            ptr::copy_nonoverlapping(src, dst.add(*off), *size);
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
    fn service(&self) -> &'static Service {
        // SAFETY: always a leaked Service (`service()`), never freed.
        unsafe { &*self.service.load(Ordering::Acquire) }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Waiting,
    Running,
    Done(u64),
    Abandoned,
}

/// A blocking call from a foreign thread.
struct Request {
    state: Mutex<State>,
    done: Condvar,
    /// An aggregate result's bytes, written by the JS thread before `Done(AGG_OK)`.
    bytes: Mutex<Vec<u8>>,
}

/// What a foreign thread (or a JS thread for itself) queues for the JS thread.
enum Item {
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

struct Registry {
    service: Option<&'static Service>,
    live: HashMap<u32, &'static Slot>,
    free: HashMap<Signature, Vec<&'static Slot>>,
    next: u32,
}

/// Slots of threads whose env has ended, by signature: reused by any thread's `create`.
static RETIRED: Mutex<Option<HashMap<Signature, Vec<&'static Slot>>>> = Mutex::new(None);

/// Slots (trampolines) the whole process has taken into use, each counted on its first use (a
/// batch's spares are made ahead, `new_slots`): they are never freed, so this is what callbacks
/// hold mapped, beside at most one batch's spares per signature and thread (tests: bounded
/// across worker lifetimes).
static SLOTS_MADE: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Never dropped (no destructor is registered): a thread-local destructor runs inside
    /// `exit()` while other threads may be calling these trampolines (thread.rs).
    static REG: ManuallyDrop<RefCell<Registry>> = ManuallyDrop::new(RefCell::new(Registry {
        service: None,
        live: HashMap::new(),
        free: HashMap::new(),
        next: 1,
    }));
    static DEPTH: &'static AtomicU32 = Box::leak(Box::new(AtomicU32::new(0)));
}

/// This thread's tracked-call depth (leaked: foreign threads and bindings keep the address).
pub fn sync_depth() -> &'static AtomicU32 {
    DEPTH.with(|d| *d)
}

/// The default C value a callback returns when JS cannot give one: all-zero bits.
const DEFAULT: u64 = 0;

fn item_ptr(i: Item) -> *mut c_void {
    Box::into_raw(Box::new(i)).cast()
}

impl Service {
    /// Queue `item`; false when the thread is gone (the item is dropped).
    fn post(&self, item: Item) -> bool {
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

    fn report_later(&self, live: Option<Arc<Live>>, code: ErrorCode, msg: String) {
        self.post(Item::Report { live, code, msg });
    }

    /// Queue `item` from the owning thread for a later turn, keeping the event loop alive
    /// until it has run: the threadsafe function is unref'd (pending foreign callbacks do not
    /// keep a process alive), but an error deferred from a callback must not be lost to the
    /// process ending first. False when the thread is going away.
    ///
    /// # Safety
    /// On the owning JS thread, `env` its env.
    unsafe fn post_deferred(&self, env: sys::napi_env, item: Item) -> bool {
        let tsfn = match *self.tsfn.lock().unwrap() {
            Some(t) => t as sys::napi_threadsafe_function,
            None => return false,
        };
        if self.deferred.fetch_add(1, Ordering::Relaxed) == 0 {
            sys::napi_ref_threadsafe_function(env, tsfn);
        }
        if self.post(Item::Deferred(Box::new(item))) {
            return true;
        }
        self.deferred_done(env);
        false
    }

    /// A deferred item has run (or was dropped): the last one lets the loop go.
    ///
    /// # Safety
    /// On the owning JS thread, `env` its env.
    unsafe fn deferred_done(&self, env: sys::napi_env) {
        if self.deferred.fetch_sub(1, Ordering::Relaxed) == 1 {
            if let Some(t) = *self.tsfn.lock().unwrap() {
                sys::napi_unref_threadsafe_function(env, t as sys::napi_threadsafe_function);
            }
        }
    }
}

fn on_owner_thread(svc: &Service) -> bool {
    if !svc.alive.load(Ordering::Acquire) {
        return false;
    }
    match (&svc.direct, crate::v8::call::get()) {
        // V8's thread-local current isolate: cheaper to read than this addon's thread-local
        // env (a __tls_get_addr call from a shared object).
        (Some(d), Some(js)) => js.isolate() == d.isolate,
        _ => crate::thread::current_env() == svc.env,
    }
}

/// A closed callback was called from C: it got the default value; say so (from any thread).
fn report_closed(slot: &Slot) {
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
unsafe extern "C" fn dispatch(ctx: usize, slots: *mut u64) {
    let slot = &*(ctx as *const Slot);
    let n = slot.sig.params.len();
    *slots.add(n) = DEFAULT;
    let svc = slot.service();
    if on_owner_thread(svc) {
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

/// What `run_js` returns for a void-result call of an aggregate signature that returned
/// normally (its JS wrapper then encoded the result into the staging block, if any).
const AGG_OK: u64 = 1;

/// The entry trampolines of signatures with structs or unions by value call this instead of
/// [`dispatch`] (docs/callbacks.md §4, §6.2): `slots[..n]` hold the scalar arguments,
/// `slots[n]` the address the result's bytes go to, `slots[n + 1 + k]` the address of
/// aggregate parameter `k`'s bytes. The result is zeroed first, so every early exit (closed,
/// untracked, a throw, a result that does not encode) leaves C a zeroed aggregate.
///
/// # Safety
/// `ctx` is a `Slot` with `agg` (never freed while its code is reachable) and `slots` has
/// n + 1 + m entries as above, the addresses valid for the sizes of the slot's signature.
unsafe extern "C" fn dispatch_agg(ctx: usize, slots: *mut u64) {
    let slot = &*(ctx as *const Slot);
    let Some(agg) = slot.agg.as_deref() else {
        return;
    };
    let n = slot.sig.params.len();
    let ret = agg.ret.map(|(_, size)| (*slots.add(n) as *mut u8, size));
    match ret {
        Some((dst, size)) => ptr::write_bytes(dst, 0, size),
        // A scalar result: in slots[n] as for `dispatch`.
        None => *slots.add(n) = DEFAULT,
    }
    let svc = slot.service();
    if on_owner_thread(svc) {
        let p = slot.owner_live.load(Ordering::Relaxed);
        if p.is_null() {
            report_closed(slot);
            return;
        }
        // SAFETY: as in `dispatch`: a strong count only this thread releases, viewed without
        // taking one.
        let live = ManuallyDrop::new(Arc::from_raw(p));
        if svc.depth.load(Ordering::Relaxed) == 0 {
            // SAFETY: as above; the clone is for the report only.
            Arc::increment_strong_count(p);
            svc.report_later(
                Some(Arc::from_raw(p)),
                ErrorCode::CallbackContext,
                "callback called synchronously outside a call that may run JS (declare the C \
                 function's callback parameter as 'function', or the function with \
                 `callbacks: true`); C got a zeroed result"
                    .into(),
            );
            return;
        }
        // Before any JS of this call runs; the wrapper decodes them first thing (a nested
        // call of the same callback overwrites them only after that).
        agg.copy_params(slots, n, agg.staging);
        let args = std::slice::from_raw_parts(slots, n);
        let v = run_js(svc.env, slot, &live, args);
        match ret {
            Some((dst, size)) if v == AGG_OK => {
                // The wrapper's last act was to write the result here: no JS ran since.
                let off = agg.ret.map_or(0, |r| r.0);
                ptr::copy_nonoverlapping(agg.staging.add(off), dst, size);
            }
            Some(_) => {}
            None => *slots.add(n) = v,
        }
        if live.closed.get() && live.active.get() == 0 {
            // As in `dispatch`: the outermost call releases the count `close` left.
            drop(Arc::from_raw(p));
        }
        return;
    }
    let live = slot.live.lock().unwrap().clone();
    let Some(live) = live else {
        report_closed(slot);
        return;
    };
    // Foreign thread: the aggregate bytes are copied here (their source may be this caller's
    // frame), strings too when nobody waits.
    let mut values = std::slice::from_raw_parts(slots, n).to_vec();
    let mut strings = Vec::new();
    for (i, &t) in slot.sig.params.iter().enumerate() {
        if t == Type::String && values[i] != 0 {
            let s = CStr::from_ptr(values[i] as *const std::ffi::c_char).to_owned();
            values[i] = s.as_ptr() as u64;
            strings.push(s);
        }
    }
    let mut bytes = vec![0u8; agg.staging_len];
    agg.copy_params(slots, n, bytes.as_mut_ptr());
    if live.queue {
        for (off, _, members) in &agg.params {
            for m in members {
                let at = bytes.as_mut_ptr().add(off + m).cast::<u64>();
                let p = at.read_unaligned();
                if p != 0 {
                    let c = CStr::from_ptr(p as *const std::ffi::c_char).to_owned();
                    at.write_unaligned(c.as_ptr() as u64);
                    strings.push(c);
                }
            }
        }
        svc.post(Item::CallAgg {
            slot,
            live,
            args: values,
            bytes,
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
    let posted = svc.post(Item::CallAgg {
        slot,
        live: live.clone(),
        args: values,
        bytes,
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
    match ret {
        Some((dst, size)) if result == AGG_OK => {
            // Written by the JS thread before it set Done (under the state lock we waited on).
            let b = req.bytes.lock().unwrap();
            if b.len() == size {
                ptr::copy_nonoverlapping(b.as_ptr(), dst, size);
            }
        }
        Some(_) => {}
        None => *slots.add(n) = result,
    }
}

/// The JS thread's side of a queued aggregate call (`call_js`): its parameters into the
/// staging block, the JS call, and for a waiting caller the result's bytes.
unsafe fn call_js_agg(
    env: sys::napi_env,
    svc: &Service,
    slot: &'static Slot,
    live: Arc<Live>,
    args: Vec<u64>,
    bytes: Vec<u8>,
    reply: Option<Arc<Request>>,
) {
    let Some(agg) = slot.agg.as_deref() else {
        return;
    };
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
        .is_some_and(|l| Arc::ptr_eq(l, &live));
    let v = if open {
        ptr::copy_nonoverlapping(
            bytes.as_ptr(),
            agg.staging,
            agg.staging_len.min(bytes.len()),
        );
        let v = run_js(env, slot, &live, &args);
        if let (AGG_OK, Some((off, size)), Some(r)) = (v, agg.ret, &reply) {
            let src = std::slice::from_raw_parts(agg.staging.add(off), size);
            *r.bytes.lock().unwrap() = src.to_vec();
        }
        v
    } else {
        report_now(
            env,
            None,
            svc,
            ErrorCode::Closed,
            "callback closed before a queued call ran; C got the default value",
            false,
        );
        DEFAULT
    };
    if let Some(r) = reply {
        finish(&r, v);
    }
}

fn report_deadlock(svc: &Service, live: Arc<Live>) {
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
fn wait(svc: &Service, req: &Request, live: Arc<Live>) -> u64 {
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

fn finish(req: &Request, v: u64) {
    let mut st = req.state.lock().unwrap();
    if *st != State::Abandoned {
        *st = State::Done(v);
    }
    req.done.notify_all();
}

/// The threadsafe function's call_js: runs queued items on the JS thread. `env` is null when
/// the function is being torn down: blocked callers get the default value.
unsafe extern "C" fn call_js(
    env: sys::napi_env,
    _f: sys::napi_value,
    ctx: *mut c_void,
    data: *mut c_void,
) {
    let item = *Box::from_raw(data.cast::<Item>());
    if env.is_null() {
        match item {
            Item::Call { reply: Some(r), .. } | Item::CallAgg { reply: Some(r), .. } => {
                finish(&r, DEFAULT)
            }
            _ => {}
        }
        return;
    }
    // The service outlives its threadsafe function (services are leaked).
    let svc = &*(ctx as *const Service);
    let item = match item {
        Item::Deferred(inner) => {
            svc.deferred_done(env);
            *inner
        }
        other => other,
    };
    match item {
        Item::Call {
            slot,
            live,
            args,
            reply,
            ..
        } => {
            if let Some(r) = &reply {
                let mut st = r.state.lock().unwrap();
                if *st == State::Abandoned {
                    return;
                }
                *st = State::Running;
            }
            // A callback closed while this call was queued: its references are gone.
            let open = slot
                .live
                .lock()
                .unwrap()
                .as_ref()
                .is_some_and(|l| Arc::ptr_eq(l, &live));
            let v = if open {
                run_js(env, slot, &live, &args)
            } else {
                report_now(
                    env,
                    None,
                    svc,
                    ErrorCode::Closed,
                    "callback closed before a queued call ran; C got the default value",
                    false,
                );
                DEFAULT
            };
            if let Some(r) = reply {
                finish(&r, v);
            }
        }
        Item::CallAgg {
            slot,
            live,
            args,
            bytes,
            reply,
            ..
        } => call_js_agg(env, svc, slot, live, args, bytes, reply),
        Item::Report { live, code, msg } => report_now(env, live.as_ref(), svc, code, &msg, false),
        Item::Deliver { live, err } => {
            let mut v = ptr::null_mut();
            sys::napi_get_reference_value(env, err, &mut v);
            sys::napi_delete_reference(env, err);
            if !v.is_null() {
                deliver(env, live.as_ref(), svc, v, false);
            }
            if let Some(l) = &live {
                l.deferred.set(l.deferred.get() - 1);
                l.release_if_idle(env);
            }
        }
        // Unwrapped above; never nested.
        Item::Deferred(_) => {}
    }
}

/// Create an `FfastError(code, msg)` and hand it to the callback's reporter (or the thread's
/// orphan reporter). On the JS thread, where JS may run. `defer`: see [`deliver`]; the error
/// is then created later too (its constructor is JS).
unsafe fn report_now(
    env: sys::napi_env,
    live: Option<&Arc<Live>>,
    svc: &Service,
    code: ErrorCode,
    msg: &str,
    defer: bool,
) {
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
unsafe fn deliver(
    env: sys::napi_env,
    live: Option<&Arc<Live>>,
    svc: &Service,
    err: sys::napi_value,
    defer: bool,
) {
    let r = match live {
        Some(l) if !l.released.get() => l.report,
        _ => svc.orphan,
    };
    let mut f = ptr::null_mut();
    let mut recv = ptr::null_mut();
    let mut out = ptr::null_mut();
    sys::napi_get_reference_value(env, r, &mut f);
    sys::napi_get_undefined(env, &mut recv);
    if sys::napi_call_function(env, recv, f, 1, &err, &mut out) == sys::Status::napi_ok {
        return;
    }
    // Never leave an exception pending on the way back to C. (The reporter catches what
    // `onError` throws, so this is the stack limit, or a terminating env.)
    let mut e = ptr::null_mut();
    sys::napi_get_and_clear_last_exception(env, &mut e);
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
        sys::napi_delete_reference(env, keep);
    }
}

/// Call the JS function with the converted arguments and convert its result. Runs on the
/// owning thread where JS may run; never leaves an exception pending.
unsafe fn run_js(env: sys::napi_env, slot: &Slot, live: &Arc<Live>, args: &[u64]) -> u64 {
    live.active.set(live.active.get() + 1);
    let result = run_js_inner(env, slot, live, args);
    live.active.set(live.active.get() - 1);
    live.release_if_idle(env);
    result
}

unsafe fn run_js_inner(env: sys::napi_env, slot: &Slot, live: &Arc<Live>, args: &[u64]) -> u64 {
    // A stack HandleScope where V8 offers one (N-API's is a heap object on Node 26: a malloc
    // and a free per callback). N-API values are V8 handles, so any of these scopes holds them.
    if let (Some(js), Some(d)) = (crate::v8::call::get(), slot.service().direct.as_ref()) {
        return js.with_scope(d.isolate, || {
            run_js_scoped(env, slot, live, args, Some((js, d)))
        });
    }
    match crate::v8::V8::get()
        .ok()
        .and_then(|v| v.scope.as_ref().map(|s| (v, s)))
    {
        Some((v8, scope)) => v8.with_scope(scope, || run_js_scoped(env, slot, live, args, None)),
        None => {
            let mut scope = ptr::null_mut();
            sys::napi_open_handle_scope(env, &mut scope);
            let r = run_js_scoped(env, slot, live, args, None);
            sys::napi_close_handle_scope(env, scope);
            r
        }
    }
}

/// How the JS call of a callback ended.
enum Outcome {
    Returned(sys::napi_value),
    Threw(sys::napi_value),
    /// No JS can run (the isolate is terminating): nothing to report to.
    Silent,
    /// No result and no exception: reported as ERR_FFAST_INTERNAL with this text.
    Failed(String),
}

/// Call the JS function through N-API (the route where V8's API is not available).
unsafe fn call_napi(env: sys::napi_env, live: &Live, argv: &[sys::napi_value]) -> Outcome {
    let mut f = ptr::null_mut();
    let mut recv = ptr::null_mut();
    let mut out = ptr::null_mut();
    sys::napi_get_reference_value(env, live.func, &mut f);
    sys::napi_get_undefined(env, &mut recv);
    let st = sys::napi_call_function(env, recv, f, argv.len(), argv.as_ptr(), &mut out);
    if st == sys::Status::napi_ok {
        return Outcome::Returned(out);
    }
    let mut e = ptr::null_mut();
    sys::napi_get_and_clear_last_exception(env, &mut e);
    if e.is_null() {
        Outcome::Failed(format!("calling the callback failed with status {st}"))
    } else {
        Outcome::Threw(e)
    }
}

/// The JS call of a callback, inside a handle scope; `direct`: V8's API and the isolate.
///
/// # Safety
/// On the owning JS thread, inside a handle scope.
unsafe fn run_js_scoped(
    env: sys::napi_env,
    slot: &Slot,
    live: &Arc<Live>,
    args: &[u64],
    direct: Option<(&crate::v8::call::JsCall, &Direct)>,
) -> u64 {
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
            None => slot_value(env, t, raw),
        };
    }
    let g = live.global.get();
    let outcome = match direct {
        Some((js, d)) if !g.is_null() => {
            use crate::v8::call::Called;
            let (func, recv) = (g as *const c_void, d.undefined as *const c_void);
            match js.call(d.isolate, d.context.cast(), func, recv, argv_ptrs(argv)) {
                Called::Returned(v) => Outcome::Returned(v as sys::napi_value),
                Called::Threw(e) => Outcome::Threw(e as sys::napi_value),
                Called::Terminating => Outcome::Silent,
                Called::Failed => Outcome::Failed("V8 gave no result and no exception".into()),
            }
        }
        _ => call_napi(env, live, argv),
    };
    let mut result = DEFAULT;
    let svc = slot.service();
    match outcome {
        Outcome::Silent => {}
        Outcome::Failed(why) => report_now(env, Some(live), svc, ErrorCode::Internal, &why, true),
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

/// napi_values are V8 `Local`s (rust-fast-calls.md §5): the same array serves Function::Call.
fn argv_ptrs(argv: &[sys::napi_value]) -> &[*mut c_void] {
    // SAFETY: napi_value is a pointer type of the same size and alignment as *mut c_void.
    unsafe { std::slice::from_raw_parts(argv.as_ptr().cast(), argv.len()) }
}

/// A C argument that is a JS Smi whatever its value: ≤ 32-bit signed integers, and unsigned
/// ones below 2^31 (the Smi range with 32-bit Smis). Others go through N-API.
fn small_int(ty: Type, raw: u64) -> Option<i32> {
    match ty {
        Type::I8 | Type::I16 | Type::I32 => Some(raw as i64 as i32),
        Type::U8 | Type::U16 | Type::U32 => i32::try_from(raw as u32).ok(),
        _ => None,
    }
}

/// The JS value of a C argument in slot form (integers already extended to 64 bits by the
/// entry trampoline): Numbers; 64-bit integers beyond 2^53 as BigInt; NULL pointers and
/// strings as null; `const char*` decoded as UTF-8 (invalid sequences replaced).
unsafe fn slot_value(env: sys::napi_env, ty: Type, raw: u64) -> sys::napi_value {
    let mut out = ptr::null_mut();
    match ty {
        Type::Bool => sys::napi_get_boolean(env, raw != 0, &mut out),
        Type::I8 | Type::I16 | Type::I32 => {
            sys::napi_create_int32(env, raw as i64 as i32, &mut out)
        }
        Type::U8 | Type::U16 | Type::U32 => sys::napi_create_uint32(env, raw as u32, &mut out),
        Type::F32 => sys::napi_create_double(env, f32::from_bits(raw as u32) as f64, &mut out),
        Type::F64 => sys::napi_create_double(env, f64::from_bits(raw), &mut out),
        Type::I64 | Type::ISize => {
            let v = raw as i64;
            if v.unsigned_abs() <= MAX_SAFE {
                sys::napi_create_double(env, v as f64, &mut out)
            } else {
                sys::napi_create_bigint_int64(env, v, &mut out)
            }
        }
        Type::Pointer | Type::String if raw == 0 => sys::napi_get_null(env, &mut out),
        Type::String => {
            let s = CStr::from_ptr(raw as *const std::ffi::c_char).to_string_lossy();
            sys::napi_create_string_utf8(env, s.as_ptr().cast(), s.len() as isize, &mut out)
        }
        Type::U64 | Type::USize | Type::Pointer | Type::Buffer => {
            if raw <= MAX_SAFE {
                sys::napi_create_double(env, raw as f64, &mut out)
            } else {
                sys::napi_create_bigint_uint64(env, raw, &mut out)
            }
        }
        Type::Void => sys::napi_get_undefined(env, &mut out),
    };
    out
}

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

/// The thread's service, created on first use with its threadsafe function and cleanup hook.
/// Leaked: slots keep pointing at it after the thread is gone (see `Slot::service`).
unsafe fn service(env: sys::napi_env, orphan: sys::napi_value) -> Result<&'static Service, Error> {
    if let Some(s) = REG.with(|r| r.borrow().service) {
        return Ok(s);
    }
    let mut orphan_ref = ptr::null_mut();
    sys::napi_create_reference(env, orphan, 1, &mut orphan_ref);
    let direct = crate::v8::call::get().and_then(|js| {
        let isolate = js.isolate();
        let context = js.current_context(isolate);
        if isolate.is_null() || context.is_null() {
            return None;
        }
        let mut u = ptr::null_mut();
        sys::napi_get_undefined(env, &mut u);
        Some(Direct {
            isolate,
            context: js.global(context),
            undefined: js.global(u as *const c_void),
        })
    });
    let svc: &'static Service = Box::leak(Box::new(Service {
        env,
        tsfn: Mutex::new(None),
        depth: sync_depth(),
        orphan: orphan_ref,
        direct,
        number_map: crate::thread::with(|s| s.number_map),
        waiting: Mutex::new(Vec::new()),
        alive: AtomicBool::new(true),
        deferred: AtomicU32::new(0),
    }));
    let mut name = ptr::null_mut();
    sys::napi_create_string_utf8(env, c"ffast callback".as_ptr(), 14, &mut name);
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
    // Unref'd: pending callbacks do not keep the process alive.
    sys::napi_unref_threadsafe_function(env, tsfn);
    *svc.tsfn.lock().unwrap() = Some(tsfn as usize);
    // Registered after the threadsafe function (whose own hook Node registered while creating
    // it): cleanup hooks run in reverse order, so this one runs first and no foreign thread
    // uses the handle once Node starts freeing it.
    sys::napi_add_env_cleanup_hook(env, Some(teardown), svc as *const Service as *mut c_void);
    REG.with(|r| r.borrow_mut().service = Some(svc));
    Ok(svc)
}

/// Env teardown (worker termination or exit, the main thread's normal end; `process.exit()`
/// skips it): detach the threadsafe function, release blocked foreign callers with the
/// default value, and retire every trampoline of the thread to the process-wide pool. They
/// stay mapped forever (C may still hold the pointers; they now return the default value)
/// and serve later threads' callbacks.
unsafe extern "C" fn teardown(arg: *mut c_void) {
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

/// Create a callback: returns its id and the address C calls.
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
) -> Result<(u32, usize), Error> {
    check_signature(&sig)?;
    if queue && (sig.result != Type::Void || sig.agg_result.is_some()) {
        return Err(Error::Definition(
            "threads: 'queue' needs a void result (the C caller does not wait for one)".into(),
        ));
    }
    let svc = service(env, orphan)?;
    let mut fref = ptr::null_mut();
    let mut rref = ptr::null_mut();
    sys::napi_create_reference(env, func, 1, &mut fref);
    sys::napi_create_reference(env, report, 1, &mut rref);
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
    let pointer = slot.pointer;
    let id = REG.with(|r| {
        let mut r = r.borrow_mut();
        let id = r.next;
        r.next = r.next.wrapping_add(1).max(1);
        r.live.insert(id, slot);
        id
    });
    Ok((id, pointer))
}

/// How many entry trampolines one batch makes at most. A page holds 20-60 of them (64 to 200
/// bytes each): a batch fills one page, so a callback's code costs its share of a page
/// instead of a whole one (a page per callback was 4 KiB of a callback's ~5.6 KiB).
const BATCH_MAX: usize = 64;

/// New slots of `sig` with their trampolines, leaked (never freed: see the module comment):
/// the one to use now, and spares of the same signature for this thread's free list. All of a
/// batch's trampolines are written to one arena and sealed together, so no page is ever
/// writable after code on it can run (W^X: a later batch gets fresh pages).
fn new_slots(
    sig: Signature,
    service: &'static Service,
) -> Result<(&'static Slot, Vec<&'static Slot>), Error> {
    let plan = crate::platform::classify(&sig);
    let make = |sig: Signature| {
        let agg = AggInfo::new(&sig);
        Box::new(Slot {
            sig,
            service: AtomicPtr::new(service as *const Service as *mut Service),
            live: Mutex::new(None),
            owner_live: AtomicPtr::new(ptr::null_mut()),
            pointer: 0,
            used: AtomicBool::new(false),
            agg,
        })
    };
    let entry = |slot: &Slot| {
        let ctx = slot as *const Slot as usize;
        // Aggregate signatures have their own dispatcher (the scalar one gains no branch).
        let d = match slot.agg {
            Some(_) => dispatch_agg as *const () as usize,
            None => dispatch as *const () as usize,
        };
        trampoline::callback_entry(&plan, ctx, d)
    };
    let mut first = make(sig);
    let code = entry(&first)?;
    // Sizes differ by a few bytes between contexts (arm64 loads an address in 1-4 moves),
    // so the batch leaves one trampoline's room: an overflow would only start a second page.
    let room = ffast_core::jit::page_size().saturating_sub(code.len() + 32);
    let count = (room / code.len().next_multiple_of(16).max(16)).clamp(1, BATCH_MAX);
    let mut arena = Arena::new();
    first.pointer = arena.write(&code)?.0;
    let mut spares = Vec::with_capacity(count - 1);
    for _ in 1..count {
        let mut s = make(first.sig.clone());
        s.pointer = arena.write(&entry(&s)?)?.0;
        spares.push(s);
    }
    arena.seal()?;
    // The code stays mapped for good (module comment): the arena is never dropped.
    std::mem::forget(arena);
    let spares = spares.into_iter().map(|s| &*Box::leak(s)).collect();
    Ok((Box::leak(first), spares))
}

/// Close a callback: its JS references are released now; its trampoline goes to the free
/// list of its signature (calls meanwhile return the default value). False if unknown.
///
/// # Safety
/// On env's JS thread.
pub unsafe fn close(env: sys::napi_env, id: u32) -> bool {
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

/// Live callbacks and recycled trampolines on this thread (tests).
pub fn counts() -> (usize, usize) {
    REG.with(|r| {
        let r = r.borrow();
        (r.live.len(), r.free.values().map(Vec::len).sum())
    })
}

/// Callback trampolines the process has taken into use (each stays mapped for good, see `RETIRED`).
pub fn slots_made() -> usize {
    SLOTS_MADE.load(Ordering::Relaxed)
}

/// The staging block of live callback `id` (docs/callbacks.md §6.1): its address and length,
/// None for an unknown id or a scalar-only signature.
pub fn staging(id: u32) -> Option<(*mut u8, usize)> {
    REG.with(|r| {
        let r = r.borrow();
        let slot = r.live.get(&id)?;
        let a = slot.agg.as_deref()?;
        Some((a.staging, a.staging_len))
    })
}
