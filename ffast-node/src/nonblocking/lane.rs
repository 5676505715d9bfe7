//! The lane: one dedicated thread per JS thread (per env) that runs nonblocking calls one at a
//! time, with bounded waiting on both sides so that back-to-back calls skip the thread
//! wake-ups that dominate a libuv-pool round trip.
//!
//! Why: `napi_create_async_work` costs two sleeping-thread wake-ups per call (JS thread → pool
//! thread through a futex, pool thread → loop through an eventfd) plus the async work's own
//! bookkeeping; on a busy machine each wake-up is several µs. Here:
//! - JS thread → lane: the job goes into a one-slot `mailbox`. After a call the lane waits
//!   `SPIN` for the next one before it parks, so the next call of a sequential caller is picked
//!   up without a futex wake (`unpark` of a thread that is not parked is one atomic swap).
//! - lane → JS thread: the finished job goes into `done`. While a lane call is in flight the
//!   loop *polls* for up to `SPIN` (an active, unref'd `uv_idle_t` makes libuv poll I/O
//!   with a zero timeout instead of sleeping), and the idle callback picks the result up; only
//!   when the loop stopped polling does the lane wake it with `uv_async_send`.
//!   The hand-over is a Dekker handshake on `done` and `polling` (both SeqCst): the lane stores
//!   `done` then reads `polling`; the loop clears `polling` then reads `done`, so at least one
//!   side sees the other and a result is never left unnoticed.
//! - Waiting is spinning when the two threads run on different CPUs, and yielding when they
//!   share one (each records the CPU it last ran on, `cpu()`). The scheduler does put both on
//!   one CPU when the other is busy; pure spinning then only burns the time slice the other
//!   thread needs (measured: ~105 µs per call, both sides always waiting out SPIN), while
//!   yielding hands the CPU over (~4 µs; ~1 µs on separate CPUs).
//!
//! Pool size: one lane per JS thread, one call at a time. A call made while the lane is busy
//! (calls in flight concurrently, or a long C call on the lane) goes to the libuv pool as
//! before (`pool.rs`), so concurrency and `UV_THREADPOOL_SIZE` behave as they always
//! did and a long-running C function never holds up other calls.
//!
//! Lifetime:
//! - the loop is kept alive by the `uv_async_t` while a lane call is in flight (ref'd only
//!   then), exactly as a queued async work keeps it alive; the idle handle is always unref'd,
//!   and an idle lane costs no CPU (it parks after `SPIN`, the loop stops polling when no
//!   lane call is in flight, or after `SPIN`).
//! - env teardown (worker exit/terminate, main thread exit) runs an async cleanup hook: a call
//!   still queued is cancelled, a call inside C is waited for (as Node waits for started async
//!   work), then the lane thread is stopped and joined and both handles are closed; the hook
//!   is removed from the last close callback, which lets Node finish the teardown.
//! - `process.exit()` skips env teardown: the lane thread may still be inside C, and nothing
//!   joins it (libuv joins only its own pool threads). Nothing it touches afterwards is freed:
//!   the job and its handle are only freed by this thread's loop, which no longer runs, the
//!   lane itself is a leaked box, and neither the exit nor a thread-local destructor frees code
//!   sets (docs/lifetimes.md).

use super::job::{self, Job};
use napi::sys;
use std::cell::Cell;
use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The few libuv functions the lane needs. Node exports libuv (addons may use the loop
/// `napi_get_uv_event_loop` returns); handles are opaque and sized by `uv_handle_size`, so no
/// struct layout is assumed.
mod uv {
    use std::ffi::{c_int, c_void};

    #[repr(C)]
    pub struct Handle {
        _opaque: [u8; 0],
    }

    pub type Cb = unsafe extern "C" fn(*mut Handle);

    /// `uv_handle_type` values (stable across libuv 1.x: UV_UNKNOWN_HANDLE = 0, then the
    /// alphabetical UV_HANDLE_TYPE_MAP).
    pub const ASYNC: c_int = 1;
    pub const IDLE: c_int = 6;

    extern "C" {
        pub fn uv_handle_size(kind: c_int) -> usize;
        pub fn uv_async_init(lp: *mut napi::sys::uv_loop_s, h: *mut Handle, cb: Cb) -> c_int;
        pub fn uv_async_send(h: *mut Handle) -> c_int;
        pub fn uv_idle_init(lp: *mut napi::sys::uv_loop_s, h: *mut Handle) -> c_int;
        pub fn uv_idle_start(h: *mut Handle, cb: Cb) -> c_int;
        pub fn uv_idle_stop(h: *mut Handle) -> c_int;
        pub fn uv_ref(h: *mut Handle);
        pub fn uv_unref(h: *mut Handle);
        pub fn uv_close(h: *mut Handle, cb: Option<Cb>);
        pub fn uv_handle_get_data(h: *const Handle) -> *mut c_void;
        pub fn uv_handle_set_data(h: *mut Handle, data: *mut c_void);
    }
}

/// How long the lane waits for the next call after finishing one before it parks, and the
/// loop polls for a lane call's result before it sleeps until woken. Long enough to cover a
/// sequential caller's turn-around (a few µs) even when a thread is briefly preempted; short
/// enough that an idle process stops using CPU at once.
const SPIN: Duration = Duration::from_micros(50);

/// The CPU the calling thread runs on (`usize::MAX` where unknown: then a waiting thread always
/// yields, the safe choice when the other thread may need this CPU).
fn cpu() -> usize {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: no arguments; returns -1 on failure (mapped to "unknown").
        let c = unsafe { libc::sched_getcpu() };
        if c >= 0 {
            return c as usize;
        }
    }
    usize::MAX
}

/// Whether a thread waiting on `cpu` for the thread last seen on `other` should yield.
fn shares(cpu: usize, other: usize) -> bool {
    cpu == other || cpu == usize::MAX || other == usize::MAX
}

/// Stack of the lane thread: what libuv gives its pool threads (8 MiB since libuv 1.45, older
/// than every Node line ffast supports), so a C function that ran on the pool has the same room
/// on the lane (Rust's default would be 2 MiB).
const STACK: usize = 8 << 20;

/// `mailbox`: no job.
const EMPTY: usize = 0;
/// `mailbox`: the lane took the job and runs it.
const RUNNING: usize = 1;

/// What the JS thread and its lane thread share.
struct Shared {
    /// EMPTY, RUNNING, or the address of a queued job (JS thread: EMPTY → job; lane: job →
    /// RUNNING → EMPTY; teardown may cancel: job → EMPTY).
    mailbox: AtomicUsize,
    /// The finished job's address (0: none). Written by the lane, taken by the loop.
    done: AtomicUsize,
    /// The loop polls `done`: the lane need not wake it.
    polling: AtomicBool,
    /// Teardown: the lane thread returns (checked whenever the mailbox is empty).
    stop: AtomicBool,
    /// The loop's uv_async_t. Valid until the lane thread is joined (closed only after).
    wake: *mut uv::Handle,
    /// The CPU the JS thread submitted the last job from, and the one the lane ran it on
    /// (`cpu()`): a thread waiting for the other yields instead of spinning when both share
    /// a CPU.
    js_cpu: AtomicUsize,
    lane_cpu: AtomicUsize,
}

// SAFETY: the atomics are Sync; `wake` is only passed to uv_async_send, which libuv documents
// as safe to call from any thread, and the handle outlives the lane thread (see Lane::shutdown).
unsafe impl Send for Shared {}
// SAFETY: as above.
unsafe impl Sync for Shared {}

/// The JS thread's side of its lane. Only touched on the JS thread, possibly re-entrantly
/// (settling a call runs microtasks that may start the next one), hence the cells.
struct Lane {
    env: sys::napi_env,
    shared: Arc<Shared>,
    thread: Cell<Option<std::thread::JoinHandle<()>>>,
    /// Handle of the lane thread, for `unpark`.
    lane_thread: std::thread::Thread,
    wake: *mut uv::Handle,
    poll: *mut uv::Handle,
    /// The idle handle is active.
    polling: Cell<bool>,
    /// A job is on the lane (queued, running, or done and not yet settled).
    busy: Cell<bool>,
    /// The loop polls until then (renewed by every lane call).
    poll_until: Cell<Instant>,
    /// Async resource and context for the callback scope completions run in (so that the
    /// microtasks a settled promise queued run before the loop goes on, as after an async
    /// work's completion).
    resource: sys::napi_ref,
    context: sys::napi_async_context,
    /// Env teardown started: no new lane calls; shut down once the last one settled.
    closing: Cell<bool>,
    /// The async cleanup hook's handle (set when teardown starts).
    remove: Cell<sys::napi_async_cleanup_hook_handle>,
    /// `shutdown` ran (the handles are closing).
    shut: Cell<bool>,
    /// Handles whose close callback has run.
    closed: Cell<u8>,
    /// Lane calls made (for tests: `__internal.laneCalls`).
    calls: Cell<u64>,
}

/// This thread's lane.
#[derive(Clone, Copy)]
enum Slot {
    /// Not created yet.
    None,
    /// Live (a leaked box, freed by its last close callback, which sets `Off`).
    On(*const Lane),
    /// Could not be created, or shut down with its env: libuv pool only.
    Off,
}

thread_local! {
    static LANE: Cell<Slot> = const { Cell::new(Slot::None) };
}

/// This thread's lane, created on first use; None if it cannot be used.
///
/// # Safety
/// On env's JS thread inside an N-API call.
unsafe fn lane(env: sys::napi_env) -> Option<&'static Lane> {
    // SAFETY: the operations below need only this function's contract (# Safety): on env's JS
    // thread inside an N-API call.
    unsafe {
        match LANE.with(|l| l.get()) {
            Slot::Off => None,
            // SAFETY: a live lane is freed only by its last close callback, which also sets
            // LANE to Off; until then the pointer is valid on this thread.
            Slot::On(p) => Some(&*p),
            Slot::None => {
                let made = create(env);
                LANE.with(|l| l.set(made.map_or(Slot::Off, Slot::On)));
                // SAFETY: as above; `create` returned a leaked box.
                made.map(|p| &*p)
            }
        }
    }
}

/// Set up the lane: thread, handles, async context, cleanup hook. On failure the caller uses
/// the libuv pool only, and nothing is left behind (a lane that lost its cleanup hook is shut
/// down at once; its handles close on the next loop turn).
///
/// # Safety
/// As [`lane`].
unsafe fn create(env: sys::napi_env) -> Option<*const Lane> {
    // SAFETY: the operations below need only this function's contract (# Safety): as [`lane`].
    unsafe {
        let mut lp = ptr::null_mut();
        if sys::napi_get_uv_event_loop(env, &mut lp) != sys::Status::napi_ok || lp.is_null() {
            return None;
        }
        // Async context first: nothing to undo if it fails.
        let mut resource_obj = ptr::null_mut();
        let mut name = ptr::null_mut();
        let mut context = ptr::null_mut();
        let mut resource = ptr::null_mut();
        if sys::napi_create_object(env, &mut resource_obj) != sys::Status::napi_ok
            || sys::napi_create_string_utf8(env, c"ffast nonblocking".as_ptr(), 17, &mut name)
                != sys::Status::napi_ok
            || sys::napi_async_init(env, resource_obj, name, &mut context) != sys::Status::napi_ok
        {
            return None;
        }
        if sys::napi_create_reference(env, resource_obj, 1, &mut resource) != sys::Status::napi_ok {
            // Status ignored: undoing the context made above, once: cannot fail.
            let _ = sys::napi_async_destroy(env, context);
            return None;
        }
        let undo_context = || {
            // Statuses ignored: undoing what was made above, once each: cannot fail.
            let _ = sys::napi_delete_reference(env, resource);
            let _ = sys::napi_async_destroy(env, context);
        };
        let wake = libc::malloc(uv::uv_handle_size(uv::ASYNC)) as *mut uv::Handle;
        let poll = libc::malloc(uv::uv_handle_size(uv::IDLE)) as *mut uv::Handle;
        if wake.is_null() || poll.is_null() {
            libc::free(wake.cast());
            libc::free(poll.cast());
            undo_context();
            return None;
        }
        let shared = Arc::new(Shared {
            mailbox: AtomicUsize::new(EMPTY),
            done: AtomicUsize::new(0),
            polling: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            wake,
            js_cpu: AtomicUsize::new(usize::MAX),
            lane_cpu: AtomicUsize::new(usize::MAX),
        });
        let for_thread = shared.clone();
        let thread = match std::thread::Builder::new()
            .name("ffast-lane".into())
            .stack_size(STACK)
            .spawn(move || run(&for_thread))
        {
            Ok(t) => t,
            Err(_) => {
                libc::free(wake.cast());
                libc::free(poll.cast());
                undo_context();
                return None;
            }
        };
        // Initialised after the thread so that no failure path has to close them. uv_idle_init
        // cannot fail; uv_async_init only if the loop cannot make its wake-up fd (then the thread,
        // which has not seen a job, is stopped again).
        if uv::uv_async_init(lp, wake, on_wake) != 0 {
            shared.stop.store(true, Ordering::Release);
            thread.thread().unpark();
            let _ = thread.join();
            libc::free(wake.cast());
            libc::free(poll.cast());
            undo_context();
            return None;
        }
        uv::uv_idle_init(lp, poll);
        uv::uv_unref(wake);
        uv::uv_unref(poll);
        let lane = Box::into_raw(Box::new(Lane {
            env,
            lane_thread: thread.thread().clone(),
            shared,
            thread: Cell::new(Some(thread)),
            wake,
            poll,
            polling: Cell::new(false),
            busy: Cell::new(false),
            poll_until: Cell::new(Instant::now()),
            resource,
            context,
            closing: Cell::new(false),
            remove: Cell::new(ptr::null_mut()),
            shut: Cell::new(false),
            closed: Cell::new(0),
            calls: Cell::new(0),
        }));
        uv::uv_handle_set_data(wake, lane.cast());
        uv::uv_handle_set_data(poll, lane.cast());
        let mut remove = ptr::null_mut();
        if sys::napi_add_async_cleanup_hook(env, Some(teardown), lane.cast(), &mut remove)
            != sys::Status::napi_ok
        {
            // Without a hook the lane could not be stopped before its env goes: shut it down now.
            (*lane).closing.set(true);
            (*lane).shutdown();
            return None;
        }
        Some(lane)
    }
}

/// The lane thread: take a job, run it, hand it back; spin briefly between jobs, then park.
fn run(shared: &Shared) {
    let mut last = Instant::now();
    let mut spins = 0u32;
    loop {
        let p = shared.mailbox.load(Ordering::Acquire);
        if p > RUNNING {
            // Claim it; fails only if teardown cancelled it meanwhile.
            if shared
                .mailbox
                .compare_exchange(p, RUNNING, Ordering::Acquire, Ordering::Relaxed)
                .is_err()
            {
                continue;
            }
            shared.lane_cpu.store(cpu(), Ordering::Relaxed);
            // SAFETY: the JS thread published the job with a Release store of its address and
            // does not touch it until it takes it back from `done`; the invoker reads the
            // argument words from its slots and writes the result to slots[n], and the strings
            // and pinned buffers the arguments point at live as long as the job.
            unsafe { job::execute_job(p as *mut Job) };
            shared.mailbox.store(EMPTY, Ordering::Relaxed);
            // Hand-over (see the module comment): publish, then wake the loop unless it polls.
            shared.done.store(p, Ordering::SeqCst);
            if !shared.polling.load(Ordering::SeqCst) {
                // SAFETY: the handle is closed only after this thread is joined.
                unsafe { uv::uv_async_send(shared.wake) };
            }
            last = Instant::now();
            spins = 0;
            continue;
        }
        if shared.stop.load(Ordering::Acquire) {
            return;
        }
        // Between short bursts of spinning: the clock (when to park), and a yield, so that a
        // JS thread waiting on the same CPU (the scheduler may put both there) runs at once.
        spins = spins.wrapping_add(1);
        if !spins.is_multiple_of(16) {
            std::hint::spin_loop();
        } else if last.elapsed() < SPIN {
            if shares(cpu(), shared.js_cpu.load(Ordering::Relaxed)) {
                std::thread::yield_now();
            }
        } else {
            std::thread::park();
        }
    }
}

/// Put `job` on this thread's lane if the lane is free; gives the job back otherwise.
///
/// # Safety
/// On env's JS thread; `job` is ready to run (slots converted, buffers pinned).
pub(crate) unsafe fn submit(env: sys::napi_env, job: Box<Job>) -> Result<(), Box<Job>> {
    // SAFETY: the operations below need only this function's contract (# Safety): on env's JS
    // thread; `job` is ready to run (slots converted, buffers pinned).
    unsafe {
        let Some(lane) = lane(env) else {
            return Err(job);
        };
        if lane.busy.get() || lane.closing.get() {
            return Err(job);
        }
        lane.busy.set(true);
        lane.calls.set(lane.calls.get() + 1);
        // Keep the loop alive while the call is in flight.
        uv::uv_ref(lane.wake);
        lane.poll_until.set(Instant::now() + SPIN);
        if !lane.polling.get() {
            // Before publishing the job: a result that comes back at once then needs no wake-up.
            lane.shared.polling.store(true, Ordering::SeqCst);
            uv::uv_idle_start(lane.poll, on_poll);
            lane.polling.set(true);
        }
        lane.shared.js_cpu.store(cpu(), Ordering::Relaxed);
        lane.shared
            .mailbox
            .store(Box::into_raw(job) as usize, Ordering::Release);
        // One atomic swap unless the lane is parked.
        lane.lane_thread.unpark();
        Ok(())
    }
}

/// Lane calls made on this thread.
pub(crate) fn calls() -> u64 {
    match LANE.with(|l| l.get()) {
        // SAFETY: see `lane`.
        Slot::On(p) => unsafe { (*p).calls.get() },
        _ => 0,
    }
}

impl Lane {
    /// Settle the finished lane call, if there is one.
    ///
    /// # Safety
    /// On the lane's JS thread (its loop's thread), inside a callback of its loop or an N-API call.
    unsafe fn drain(&self) {
        // SAFETY: the operations below need only this function's contract (# Safety): on the lane's
        // JS thread (its loop's thread), inside a callback of its loop or an N-API call.
        unsafe {
            let p = self.shared.done.swap(0, Ordering::Acquire);
            if p == 0 {
                return;
            }
            // SAFETY: the lane handed the job back through `done` and no longer touches it.
            self.settle(Box::from_raw(p as *mut Job), true);
        }
    }

    /// Free the lane for the next call and settle `job` (`ran`: the C function ran; else it
    /// was cancelled). Runs in a handle scope and a callback scope, like an async work's
    /// completion: closing the callback scope runs the microtasks the settled promise queued.
    ///
    /// # Safety
    /// On the lane's JS thread; `job` is the lane's call, taken from `done` or `mailbox` (owned here).
    unsafe fn settle(&self, job: Box<Job>, ran: bool) {
        // SAFETY: the operations below need only this function's contract (# Safety): on the lane's
        // JS thread; `job` is the lane's call, taken from `done` or `mailbox` (owned here).
        unsafe {
            self.busy.set(false);
            // Before settling: a call the microtasks start takes the lane (and refs it) again.
            uv::uv_unref(self.wake);
            let env = self.env;
            let mut hs = ptr::null_mut();
            let opened = sys::napi_open_handle_scope(env, &mut hs) == sys::Status::napi_ok;
            let mut resource = ptr::null_mut();
            let mut cs = ptr::null_mut();
            if sys::napi_get_reference_value(env, self.resource, &mut resource)
                == sys::Status::napi_ok
                && !resource.is_null()
                && sys::napi_open_callback_scope(env, resource, self.context, &mut cs)
                    != sys::Status::napi_ok
            {
                cs = ptr::null_mut();
            }
            let status = if ran {
                sys::Status::napi_ok
            } else {
                sys::Status::napi_cancelled
            };
            job::complete_job(env, job, status);
            // Statuses ignored: closing the innermost scopes opened above, once each: cannot
            // fail.
            if !cs.is_null() {
                let _ = sys::napi_close_callback_scope(env, cs);
            }
            if opened {
                let _ = sys::napi_close_handle_scope(env, hs);
            }
        }
    }

    /// Stop polling; settle a result that arrived meanwhile (see the handshake).
    ///
    /// # Safety
    /// On the lane's JS thread.
    unsafe fn stop_polling(&self) {
        // SAFETY: the operations below need only this function's contract (# Safety): on the lane's
        // JS thread.
        unsafe {
            if !self.polling.get() {
                return;
            }
            self.shared.polling.store(false, Ordering::SeqCst);
            uv::uv_idle_stop(self.poll);
            self.polling.set(false);
            if self.shared.done.load(Ordering::SeqCst) != 0 {
                self.drain();
            }
        }
    }

    /// Teardown, once no lane call is in flight: stop and join the thread, close the handles
    /// (the last close callback frees the lane).
    ///
    /// # Safety
    /// On the lane's JS thread, with no lane call in flight; `self` is not used after the last close
    /// callback (which frees it).
    unsafe fn shutdown(&self) {
        // SAFETY: the operations below need only this function's contract (# Safety): on the lane's
        // JS thread, with no lane call in flight; `self` is not used after the last close callback
        // (which frees it).
        unsafe {
            if self.shut.replace(true) {
                return;
            }
            self.shared.stop.store(true, Ordering::Release);
            self.lane_thread.unpark();
            if let Some(t) = self.thread.take() {
                // The thread is between jobs (none is in flight): it returns at once.
                let _ = t.join();
            }
            uv::uv_close(self.wake, Some(on_closed));
            uv::uv_close(self.poll, Some(on_closed));
        }
    }
}

/// The lane of a handle's callback.
///
/// # Safety
/// `h` is one of a live lane's handles.
unsafe fn of(h: *mut uv::Handle) -> &'static Lane {
    // SAFETY: the operations below need only this function's contract (# Safety): `h` is one of a
    // live lane's handles.
    unsafe {
        // SAFETY: both handles carry their lane; it is freed after both are closed.
        &*(uv::uv_handle_get_data(h) as *const Lane)
    }
}

/// Idle callback, once per loop iteration while polling: settle a finished call; stop polling
/// when nothing is in flight or the call outlasted SPIN (the lane wakes the loop then).
///
/// # Safety
/// Called by libuv only, for the lane's idle handle, on its loop's thread.
unsafe extern "C" fn on_poll(h: *mut uv::Handle) {
    // SAFETY: the operations below need only this function's contract (# Safety): called by libuv
    // only, for the lane's idle handle, on its loop's thread.
    unsafe {
        let lane = of(h);
        lane.drain();
        if !lane.busy.get() || Instant::now() >= lane.poll_until.get() {
            lane.stop_polling();
        } else if shares(cpu(), lane.shared.lane_cpu.load(Ordering::Relaxed)) {
            // The lane shares this CPU: let it run rather than poll through our time slice.
            std::thread::yield_now();
        }
    }
}

/// Async callback: the lane finished a call while the loop was not polling.
///
/// # Safety
/// Called by libuv only, for the lane's async handle, on its loop's thread.
unsafe extern "C" fn on_wake(h: *mut uv::Handle) {
    // SAFETY: the operations below need only this function's contract (# Safety): called by libuv
    // only, for the lane's async handle, on its loop's thread.
    unsafe {
        let lane = of(h);
        lane.drain();
        if lane.closing.get() && !lane.busy.get() {
            lane.shutdown();
        }
    }
}

/// Env teardown (async cleanup hook): cancel a queued call, wait for a running one, then shut
/// the lane down.
///
/// # Safety
/// Called by N-API only, as the async cleanup hook `create` registered with the lane as `arg`,
/// on the lane's JS thread.
unsafe extern "C" fn teardown(remove: sys::napi_async_cleanup_hook_handle, arg: *mut c_void) {
    // SAFETY: the operations below need only this function's contract (# Safety): called by N-API
    // only, as the async cleanup hook `create` registered with the lane as `arg`, on the lane's JS
    // thread.
    unsafe {
        // SAFETY: `arg` is the lane registered with this hook; it lives until the hook is removed.
        let lane = &*(arg as *const Lane);
        lane.remove.set(remove);
        lane.closing.set(true);
        lane.stop_polling();
        if lane.busy.get() {
            let p = lane.shared.mailbox.load(Ordering::Acquire);
            if p > RUNNING
                && lane
                    .shared
                    .mailbox
                    .compare_exchange(p, EMPTY, Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok()
            {
                // Never started: the lane will not see it. Settled as cancelled (no JS runs now).
                lane.settle(Box::from_raw(p as *mut Job), false);
            } else {
                // Inside C (or done): settle it if it is back already; otherwise the lane wakes
                // the loop when it is (polling is off), and `on_wake` shuts down.
                lane.drain();
            }
        }
        if !lane.busy.get() {
            lane.shutdown();
        }
    }
}

/// Close callback of either handle; the second frees the lane and ends the cleanup hook.
///
/// # Safety
/// Called by libuv only, once per handle of the lane, after `uv_close` from `shutdown`.
unsafe extern "C" fn on_closed(h: *mut uv::Handle) {
    // SAFETY: the operations below need only this function's contract (# Safety): called by libuv
    // only, once per handle of the lane, after `uv_close` from `shutdown`.
    unsafe {
        let p = uv::uv_handle_get_data(h) as *mut Lane;
        // SAFETY: the lane is alive until the second close callback below frees it.
        let lane = &*p;
        lane.closed.set(lane.closed.get() + 1);
        if lane.closed.get() < 2 {
            return;
        }
        libc::free(lane.wake.cast());
        libc::free(lane.poll.cast());
        // Statuses ignored: the lane's own reference and async context, released once, on its
        // JS thread: cannot fail.
        let _ = sys::napi_delete_reference(lane.env, lane.resource);
        let _ = sys::napi_async_destroy(lane.env, lane.context);
        let remove = lane.remove.get();
        LANE.with(|l| l.set(Slot::Off));
        // SAFETY: created by Box::into_raw in `create`; both handles (the only other holders of
        // the pointer) are closed and the hook is about to be removed.
        drop(Box::from_raw(p));
        if !remove.is_null() {
            // Status ignored: the handle `create` got, removed once: cannot fail.
            let _ = sys::napi_remove_async_cleanup_hook(remove);
        }
    }
}
