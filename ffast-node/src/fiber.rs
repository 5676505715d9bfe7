//! Tracked calls on a side stack (docs/callbacks.md §11, docs/fibers.md): with the mode on
//! (`FFAST_FIBER`, config.rs), the C code of a tracked synchronous call runs on a fiber
//! (ffast_core::fiber). A callback that C calls on this thread while on the fiber does not
//! enter JS there: its dispatcher [`park`]s — leaves its identity and argument slots in the
//! fiber's mailbox and switches back to the JS stack — and [`run`], on the JS stack, runs the
//! same dispatcher with the same slots (today's route into JS, unchanged), then resumes C with
//! the result already in its slot. Nothing touches V8 or N-API while on a fiber.
//!
//! Each thread keeps a small pool of idle fibers (LIFO: a nested tracked call — one made by a
//! callback's JS while an outer call is parked — takes the next one). Nesting is capped at
//! [`MAX_NEST`]; beyond it, or when no stack can be mapped, the call runs on the JS stack as
//! without the mode. The pool is unmapped at env teardown (`release_thread`, from
//! thread::teardown); a fiber still busy then is unmapped when its call returns.

use crate::config;
use ffast_core::fiber::Fiber;
use std::cell::{Cell, RefCell};
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicU64, Ordering};

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

/// One fiber and its mailbox.
struct Frame {
    /// A leaked `Box<Fiber>` (freed by `Drop`): both stacks reach it through this pointer.
    fiber: *mut Fiber,
    /// The parked callback: its dispatcher, context and argument slots (on the fiber's stack,
    /// valid while it is parked).
    mail: Cell<Option<(Dispatcher, usize, *mut u64)>>,
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
    /// Never dropped (thread.rs: thread-local destructors free nothing); `release_thread`
    /// unmaps the idle fibers at env teardown.
    static POOL: ManuallyDrop<RefCell<Pool>> = const {
        ManuallyDrop::new(RefCell::new(Pool { idle: Vec::new(), busy: 0, closed: false }))
    };
}

/// Callbacks parked, and fiber stacks mapped, by every thread (tests and measurements).
static PARKS: AtomicU64 = AtomicU64::new(0);
static MAPPED: AtomicU64 = AtomicU64::new(0);
static UNMAPPED: AtomicU64 = AtomicU64::new(0);

/// (callbacks parked, fiber stacks mapped, fiber stacks unmapped), process-wide.
pub fn counts() -> (u64, u64, u64) {
    (
        PARKS.load(Ordering::Relaxed),
        MAPPED.load(Ordering::Relaxed),
        UNMAPPED.load(Ordering::Relaxed),
    )
}

/// Whether tracked calls run on fibers (the switch, and a target that has fibers).
#[inline(always)]
pub fn enabled() -> bool {
    ffast_core::fiber::SUPPORTED && config::get().fiber
}

fn take() -> Option<Frame> {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        if p.busy >= MAX_NEST || p.closed {
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

/// Run `call` — the C code of a tracked call — on a fiber when the mode is on, running every
/// callback it parks on this (the JS) stack before resuming it; directly otherwise.
///
/// # Safety
/// On a JS thread, inside the slow path of a tracked call; `call` does not unwind.
#[inline(always)]
pub unsafe fn run(call: impl FnOnce()) {
    if !enabled() {
        call();
        return;
    }
    // SAFETY: the contract, passed on.
    unsafe { run_on_fiber(call) }
}

/// # Safety
/// As [`run`].
unsafe fn run_on_fiber(call: impl FnOnce()) {
    let Some(f) = take() else {
        call();
        return;
    };
    let mut call = Some(call);
    let mut job = || {
        if let Some(c) = call.take() {
            c()
        }
    };
    // `f` stays in this frame (never moved) while CURRENT may point to it.
    let frame: *const Frame = &f;
    let fiber = f.fiber;
    let prev = CURRENT.with(|c| c.replace(frame));
    // SAFETY: the fiber is idle (just taken); `job` lives until this function returns, after
    // the loop below has run it to its end; C cannot unwind into it.
    let mut finished = unsafe { (*fiber).start(&mut job) };
    loop {
        // Back on the JS stack: callbacks reached from here run as without the mode.
        CURRENT.with(|c| c.set(prev));
        if finished {
            break;
        }
        if let Some((dispatch, ctx, slots)) = f.mail.take() {
            // SAFETY: the parked dispatcher's own arguments (its slots are on the parked
            // fiber's stack, untouched until it resumes); on the JS stack, where it may run JS.
            unsafe { dispatch(ctx, slots) };
        }
        CURRENT.with(|c| c.set(frame));
        // SAFETY: the job is suspended (parked) and this thread started it.
        finished = unsafe { (*fiber).resume() };
    }
    give_back(f);
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
    if !enabled() {
        return false;
    }
    let cur = CURRENT.with(|c| c.get());
    if cur.is_null() {
        return false;
    }
    PARKS.fetch_add(1, Ordering::Relaxed);
    // SAFETY: `cur` is the frame of the running fiber (set by `run_on_fiber` around every
    // switch to it), alive while its job runs; this is that job.
    unsafe {
        (*cur).mail.set(Some((dispatch, ctx, slots)));
        (*(*cur).fiber).suspend();
    }
    true
}

/// Env teardown: unmap the idle fibers; fibers still running are unmapped when their call
/// returns.
pub fn release_thread() {
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
