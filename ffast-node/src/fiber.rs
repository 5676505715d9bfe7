//! Tracked calls on a side stack (docs/callbacks.md §11, docs/fibers.md): where the target has
//! fibers, for a function declared `fiber: true` whose calls make many callbacks ([`Choice`]),
//! or for every one with `FFAST_FIBER` (config.rs), the C code of a tracked synchronous call
//! runs on a fiber (ffast_core::fiber). A callback that C
//! calls on this thread while on the fiber does not enter JS there: it parks. For the JS loop
//! ([`park_fast`], callback::fast: the loop calls the function and resumes C through a fast
//! call), or generally ([`park`]): its dispatcher leaves its identity and argument slots in the
//! fiber's mailbox and switches back to the JS stack, and [`run`], on the JS stack, runs the
//! same dispatcher with the same slots (the default route into JS, unchanged), then resumes C
//! with the result already in its slot. Nothing touches V8 or N-API while on a fiber.
//!
//! Each thread keeps a small pool of idle fibers (LIFO: a nested tracked call — one made by a
//! callback's JS while an outer call is parked — takes the next one). Nesting is capped at
//! [`MAX_NEST`]; beyond it, or when no stack can be mapped, the call runs on the JS stack as
//! without the mode. The pool is unmapped at env teardown (`release_thread`, from
//! thread::teardown); a fiber still busy then is unmapped when its call returns.

use crate::config::{self, FiberMode};
use ffast_core::fiber::Fiber;
use std::cell::{Cell, RefCell};
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// Reserved bytes per fiber stack: as much as a thread's default main stack on Linux (8 MiB),
/// so C code that runs on the JS stack today fits. Reserved, not committed: only the pages a
/// call touches cost memory.
const STACK_BYTES: usize = 8 << 20;

/// Fibers in use at once on a thread (nested tracked calls); deeper calls run on the JS stack.
pub const MAX_NEST: usize = 16;

/// Idle fibers a thread keeps; more are unmapped when their call returns.
const KEEP_IDLE: usize = 4;

/// The signature of both callback dispatchers (callback::dispatch, dispatch_agg).
pub type Dispatcher = unsafe extern "C" fn(usize, *mut u64);

/// A callback parked for the JS loop (the fast park, docs/callbacks.md §11.3): the callback
/// layer's words, kept here while the callback's JS runs. `driver(frame, slots)` runs on the
/// JS stack when no JS loop is running yet (it calls the loop); `slot`, `slots` and `live` are
/// the dispatcher's (slots on the fiber's stack, valid while it is parked).
#[derive(Clone, Copy)]
pub struct FastPark {
    pub driver: Dispatcher,
    pub slot: usize,
    pub slots: *mut u64,
    pub live: usize,
}

/// One fiber and its mailbox.
pub struct Frame {
    /// A leaked `Box<Fiber>` (freed by `Drop`): both stacks reach it through this pointer.
    fiber: *mut Fiber,
    /// The parked callback: its dispatcher, context and argument slots (on the fiber's stack,
    /// valid while it is parked).
    mail: Cell<Option<(Dispatcher, usize, *mut u64)>>,
    /// The callback parked for the JS loop, until its result is in.
    pub fast: Cell<Option<FastPark>>,
    /// CURRENT on the JS stack while this frame's fiber runs (what a park restores).
    prev: Cell<*const Frame>,
    /// The thread's mailbox for the JS loop ([`set_mailbox`]; null: no JS loop on this thread).
    pub mailbox: Cell<*mut f64>,
    /// Parks of this call, added to PARKS when it ends (a locked add per park was a tenth of
    /// a fast park's cost).
    parks: Cell<u64>,
    /// Of which for the JS loop ([`park_fast`]).
    fast_parks: Cell<u64>,
    /// The callback layer's word for "this thread's service" (callback::fast), learnt by
    /// the first park of the call that passed the owner-thread check: 0 until then.
    pub owner: Cell<usize>,
}

impl Drop for Frame {
    fn drop(&mut self) {
        // SAFETY: made by Box::into_raw in `take`, dropped once, here; a Frame is dropped only
        // when idle (nothing runs on its stack).
        drop(unsafe { Box::from_raw(self.fiber) });
    }
}

struct Pool {
    idle: Vec<Frame>,
    busy: usize,
    /// The env was torn down: fibers coming back are unmapped, not kept.
    closed: bool,
}

thread_local! {
    /// The frame whose fiber is running now (null on the JS stack).
    static CURRENT: Cell<*const Frame> = const { Cell::new(std::ptr::null()) };
    /// The JS loop's mailbox on this thread (null until the JS side installs its loop).
    static MAILBOX: Cell<*mut f64> = const { Cell::new(std::ptr::null_mut()) };
    /// Never dropped (thread.rs: thread-local destructors free nothing); `release_thread`
    /// unmaps the idle fibers at env teardown.
    static POOL: ManuallyDrop<RefCell<Pool>> = const {
        ManuallyDrop::new(RefCell::new(Pool { idle: Vec::new(), busy: 0, closed: false }))
    };
}

/// Callbacks parked, and fiber stacks mapped, by every thread (tests and measurements).
static PARKS: AtomicU64 = AtomicU64::new(0);
static FAST_PARKS: AtomicU64 = AtomicU64::new(0);
static MAPPED: AtomicU64 = AtomicU64::new(0);
static UNMAPPED: AtomicU64 = AtomicU64::new(0);

/// (callbacks parked, fiber stacks mapped, fiber stacks unmapped, callbacks parked for the JS
/// loop), process-wide; a call's parks are counted when it returns.
pub fn counts() -> (u64, u64, u64, u64) {
    (
        PARKS.load(Ordering::Relaxed),
        MAPPED.load(Ordering::Relaxed),
        UNMAPPED.load(Ordering::Relaxed),
        FAST_PARKS.load(Ordering::Relaxed),
    )
}

/// Whether tracked calls may run on fibers (the mode is not off, and the target has fibers).
#[inline(always)]
pub fn enabled() -> bool {
    ffast_core::fiber::SUPPORTED && config::get().fiber != FiberMode::Off
}

/// What a thread counts about tracked calls (thread::tracking). Atomics because foreign
/// threads read `depth`; only the owning thread writes either, with a load and a store.
pub struct Tracking {
    /// Tracked calls on this thread's stack (thread::tracking).
    pub depth: AtomicU32,
    /// Callbacks of a shape the fast park takes (callback::fast) that have run JS on this
    /// thread from C on the default route (counted by the callback layer as each starts),
    /// wrapping. A tracked call's slow path reads how many ran during its C code: what the
    /// per-function choice learns from on the JS stack ([`Choice`]).
    pub callbacks: AtomicU32,
}

/// Callbacks per call from which a function's tracked calls go to a fiber (see [`Choice`]).
pub const FIBER_FROM: u32 = 16;

/// The most callbacks one call counts for in [`Choice`]'s average (so a call of 10^6
/// callbacks does not keep its function on the fiber for a long run of calls making one).
const COUNT_CAP: u32 = 1024;

/// One function's choice of stack for its tracked calls (docs/callbacks.md §11.7).
///
/// A call on a fiber costs more than one on the JS stack by a fixed amount (entering and
/// leaving the fiber, entering the JS loop, the first park: ~170 ns on x64, Node 24/26), and
/// each callback that takes the fast park (§11.3) after the first costs less (~20 ns); one that
/// takes the general park costs more, not less (§11.4). So a function whose calls make a single
/// callback loses 2.8× on a fiber, one whose calls make thousands of fast-park callbacks gains
/// 0.65× per callback; the break-even is near 8–9 per call. `Choice` keeps a running average of
/// the fast-park callbacks its function's calls made (each call's count capped at
/// [`COUNT_CAP`]; the newest call weighs a quarter), in 1/16ths; calls go to a fiber while it
/// is at least [`FIBER_FROM`] per call, twice the break-even. Only functions declared
/// `fiber: true` (`allowed`) ever do, in the default mode. Every function starts on the JS
/// stack: the first call of a sort runs there, the next on a fiber. Calls learn on both stacks,
/// so a function whose calls turn light comes back after a few calls. Only its JS thread uses
/// it (slow path).
pub struct Choice {
    /// Declared `fiber: true`.
    allowed: bool,
    /// Fast-park callbacks per call × 16, averaged.
    avg: Cell<u32>,
}

impl Choice {
    pub fn new(allowed: bool) -> Choice {
        Choice {
            allowed,
            avg: Cell::new(0),
        }
    }

    /// Whether the next call runs on a fiber in the default mode.
    #[inline(always)]
    fn wants(&self) -> bool {
        self.allowed && self.avg.get() >= FIBER_FROM * 16
    }

    /// Learn from a call that made `made` callbacks that take (or would take) the fast park.
    #[inline(always)]
    pub fn learn(&self, made: u32) {
        let a = self.avg.get();
        let x = made.min(COUNT_CAP) * 16;
        self.avg.set(a - a / 4 + x / 4);
    }
}

/// An idle fiber, unless `nest` are in use on this thread already.
fn take(nest: usize) -> Option<Frame> {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        if p.busy >= nest || p.closed {
            return None;
        }
        let f = match p.idle.pop() {
            Some(f) => f,
            None => {
                let fiber = Fiber::new(STACK_BYTES).ok()?;
                MAPPED.fetch_add(1, Ordering::Relaxed);
                Frame {
                    fiber: Box::into_raw(fiber),
                    mail: Cell::new(None),
                    fast: Cell::new(None),
                    prev: Cell::new(std::ptr::null()),
                    mailbox: Cell::new(std::ptr::null_mut()),
                    parks: Cell::new(0),
                    fast_parks: Cell::new(0),
                    owner: Cell::new(0),
                }
            }
        };
        p.busy += 1;
        Some(f)
    })
}

fn give_back(f: Frame) {
    let extra = POOL.with(|p| {
        let mut p = p.borrow_mut();
        p.busy -= 1;
        if p.closed || p.idle.len() >= KEEP_IDLE {
            Some(f)
        } else {
            p.idle.push(f);
            None
        }
    });
    if extra.is_some() {
        UNMAPPED.fetch_add(1, Ordering::Relaxed);
    }
    drop(extra);
}

/// Run `call` — the C code of a tracked call of the function whose choice is `choice` — on a
/// fiber when the mode puts it there, running every callback it parks on this (the JS) stack
/// before resuming it: then Some(the callbacks that took the fast park). Directly otherwise:
/// None.
///
/// # Safety
/// On a JS thread, inside the slow path of a tracked call; `call` does not unwind.
#[inline(always)]
pub unsafe fn run(choice: &Choice, call: impl FnOnce()) -> Option<u32> {
    if !ffast_core::fiber::SUPPORTED {
        call();
        return None;
    }
    // How many fibers may be in use at once on the thread, this call's included: in the
    // default mode only as many as the pool keeps idle, so that nested calls never map and
    // unmap a stack per call (a recursion 13 levels deep did, 6× slower than the JS stack).
    let nest = match config::get().fiber {
        FiberMode::Off => 0,
        FiberMode::PerFunction if choice.wants() => KEEP_IDLE,
        FiberMode::PerFunction => 0,
        FiberMode::Always => MAX_NEST,
    };
    if nest == 0 {
        call();
        return None;
    }
    // SAFETY: the contract, passed on.
    unsafe { run_on_fiber(nest, call) }
}

/// # Safety
/// As [`run`].
unsafe fn run_on_fiber(nest: usize, call: impl FnOnce()) -> Option<u32> {
    let Some(f) = take(nest) else {
        call();
        return None;
    };
    // `f` stays in this frame (never moved) while CURRENT or a JS loop may point to it.
    let frame: *const Frame = &f;
    let fiber = f.fiber;
    let prev = CURRENT.with(|c| c.replace(frame));
    f.prev.set(prev);
    f.mailbox.set(MAILBOX.with(|m| m.get()));
    f.owner.set(0);
    let mut call = Some(call);
    let mut job = || {
        if let Some(c) = call.take() {
            c()
        }
        // C returned: the switch below lands on the JS stack (a park restores it the same way).
        CURRENT.with(|c| c.set(prev));
    };
    // SAFETY: the fiber is idle (just taken); `job` lives until this function returns, after
    // the loop below has run it to its end; C cannot unwind into it.
    let mut finished = unsafe { (*fiber).start(&mut job) };
    while !finished {
        // On the JS stack: C is parked. Callbacks reached from here run as without the mode.
        if let Some(p) = f.fast.get() {
            // SAFETY: the fast park's driver, with this frame; on the JS stack, where it may
            // run JS. It runs the JS loop, which resumes C itself (resume_frame) until C
            // finishes or parks in a way the loop leaves to this one; it leaves `fast` empty.
            unsafe { (p.driver)(frame as usize, p.slots) };
            // SAFETY: the fiber outlives this function.
            if !unsafe { (*fiber).busy() } {
                break;
            }
            if f.mail.get().is_some() {
                continue;
            }
        } else if let Some((dispatch, ctx, slots)) = f.mail.take() {
            // SAFETY: the parked dispatcher's own arguments (its slots are on the parked
            // fiber's stack, untouched until it resumes); on the JS stack, where it may run JS.
            unsafe { dispatch(ctx, slots) };
        }
        // SAFETY: the job is suspended (parked) and this thread started it.
        finished = unsafe { (*fiber).resume() };
    }
    // Locked adds cost a third of a tracked call that never parks: only when there is something.
    let parks = f.parks.replace(0);
    let fast = f.fast_parks.replace(0);
    if parks != 0 {
        PARKS.fetch_add(parks, Ordering::Relaxed);
        FAST_PARKS.fetch_add(fast, Ordering::Relaxed);
    }
    give_back(f);
    Some(fast.min(u32::MAX as u64) as u32)
}

/// The frame whose fiber is running now: null on the JS stack (or with the mode off).
#[inline(always)]
pub fn current() -> *const Frame {
    if !enabled() {
        return std::ptr::null();
    }
    CURRENT.with(|c| c.get())
}

/// Switch from the running fiber `cur` back to the JS stack; returns when it is resumed.
///
/// # Safety
/// `cur` is [`current`] (not null), called from its running job.
#[inline(always)]
unsafe fn suspend(cur: *const Frame) {
    // SAFETY: `cur` is the frame of the running fiber (the contract), alive while its job
    // runs; this is that job. CURRENT is the JS stack's while it runs, ours again after.
    unsafe {
        (*cur).parks.set((*cur).parks.get() + 1);
        CURRENT.with(|c| c.set((*cur).prev.get()));
        (*(*cur).fiber).suspend();
        CURRENT.with(|c| c.set(cur));
    }
}

/// From a callback dispatcher on the owning thread: when running on a fiber, park (the JS
/// stack runs `dispatch(ctx, slots)` itself, then resumes here) and return true; false when
/// not on a fiber (the dispatcher goes on as usual).
///
/// # Safety
/// `dispatch(ctx, slots)` is the call that reached the caller, from C on this thread, and the
/// callback belongs to this thread's env.
#[inline(always)]
pub unsafe fn park(dispatch: Dispatcher, ctx: usize, slots: *mut u64) -> bool {
    let cur = current();
    if cur.is_null() {
        return false;
    }
    // SAFETY: `cur` is the running frame; this is its job (the contract: C on this thread).
    unsafe {
        (*cur).mail.set(Some((dispatch, ctx, slots)));
        suspend(cur);
    }
    true
}

/// Park a callback for the JS loop (docs/callbacks.md §11.3): its arguments are in the
/// thread's mailbox already; returns once a resume has written the result to its slot.
///
/// # Safety
/// `cur` is [`current`] (not null), from C on its fiber; `p` describes the callback parked.
#[inline(always)]
pub unsafe fn park_fast(cur: *const Frame, p: FastPark) {
    // SAFETY: the contract.
    unsafe {
        (*cur).fast.set(Some(p));
        (*cur).fast_parks.set((*cur).fast_parks.get() + 1);
        suspend(cur);
    }
}

/// From the JS loop: continue the parked C of `frame` (its result already in its slot) until
/// it finishes (0), parks for the JS loop again (1: the mailbox holds the next call), or
/// parks otherwise (2: `run_on_fiber` takes it from here).
///
/// # Safety
/// `frame` is a frame whose C is parked, on this thread, its `fast` park settled (taken).
#[inline(always)]
pub unsafe fn resume_frame(frame: *const Frame) -> i32 {
    // SAFETY: the contract: a parked frame of this thread, alive while its call runs.
    unsafe {
        let f = &*frame;
        if (*f.fiber).resume() {
            0
        } else if f.fast.get().is_some() {
            1
        } else {
            2
        }
    }
}

/// The JS loop's mailbox of this thread (`MAILBOX_WORDS` words the JS side reads; null: none).
pub fn set_mailbox(p: *mut f64) {
    MAILBOX.with(|m| m.set(p));
}

/// The mailbox of this thread.
pub fn mailbox() -> *mut f64 {
    MAILBOX.with(|m| m.get())
}

/// Words of the mailbox: [0] the slot's index (i32) and the argument count (i32), [1] the
/// result kind, [2..2 + MAX_FAST_ARGS] the arguments as doubles.
pub const MAILBOX_WORDS: usize = 8;

/// Env teardown: unmap the idle fibers; fibers still running are unmapped when their call
/// returns.
pub fn release_thread() {
    let mb = MAILBOX.with(|m| m.replace(std::ptr::null_mut()));
    if !mb.is_null() {
        // SAFETY: made by Box::into_raw in callback::fast::init, freed once (MAILBOX is null
        // now); the env's JS, the only reader, runs no more.
        drop(unsafe { Box::from_raw(mb.cast::<[f64; MAILBOX_WORDS]>()) });
    }
    let idle = POOL.with(|p| {
        let mut p = p.borrow_mut();
        p.closed = true;
        std::mem::take(&mut p.idle)
    });
    UNMAPPED.fetch_add(idle.len() as u64, Ordering::Relaxed);
    drop(idle);
}

/// A new env on this thread (an embedder's, after a teardown) may use fibers again.
pub fn open_thread() {
    POOL.with(|p| p.borrow_mut().closed = false);
}
