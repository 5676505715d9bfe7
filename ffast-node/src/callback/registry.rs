//! The thread's registry of callbacks (live ones by id, closed and spare trampolines by
//! signature), the process-wide pool of trampolines retired by ended threads, and making new
//! trampolines in page batches.

use super::aggregate::dispatch_agg;
use super::dispatch::dispatch;
use super::service::{AggInfo, Service, Slot};
use ffast_core::jit::Arena;
use ffast_core::trampoline;
use ffast_core::{Error, Signature};
use std::cell::RefCell;
use std::collections::HashMap;
use std::mem::ManuallyDrop;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicUsize, Ordering};
use std::sync::Mutex;

pub(super) struct Registry {
    pub(super) service: Option<&'static Service>,
    pub(super) live: HashMap<u32, &'static Slot>,
    pub(super) free: HashMap<Signature, Vec<&'static Slot>>,
    pub(super) next: u32,
}

/// Slots of threads whose env has ended, by signature: reused by any thread's `create`.
pub(super) static RETIRED: Mutex<Option<HashMap<Signature, Vec<&'static Slot>>>> = Mutex::new(None);

/// Slots (trampolines) the whole process has taken into use, each counted on its first use (a
/// batch's spares are made ahead, `new_slots`): they are never freed, so this is what callbacks
/// hold mapped, beside at most one batch's spares per signature and thread (tests: bounded
/// across worker lifetimes).
/// The next [`Slot::index`].
static SLOT_INDEX: AtomicU32 = AtomicU32::new(0);
pub(super) static SLOTS_MADE: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Never dropped (no destructor is registered): a thread-local destructor runs inside
    /// `exit()` while other threads may be calling these trampolines (thread.rs).
    pub(super) static REG: ManuallyDrop<RefCell<Registry>> = ManuallyDrop::new(RefCell::new(Registry {
        service: None,
        live: HashMap::new(),
        free: HashMap::new(),
        next: 1,
    }));
}

/// How many entry trampolines one batch makes at most. A page holds 20-60 of them (64 to 200
/// bytes each): a batch fills one page, so a callback's code costs its share of a page
/// instead of a whole one (a page per callback was 4 KiB of a callback's ~5.6 KiB).
pub(super) const BATCH_MAX: usize = 64;

/// New slots of `sig` with their trampolines, leaked (never freed: see the module comment):
/// the one to use now, and spares of the same signature for this thread's free list. All of a
/// batch's trampolines are written to one arena and sealed together, so no page is ever
/// writable after code on it can run (W^X: a later batch gets fresh pages).
pub(super) fn new_slots(
    sig: Signature,
    service: &'static Service,
) -> Result<(&'static Slot, Vec<&'static Slot>), Error> {
    let plan = crate::platform::classify(&sig);
    let make = |sig: Signature| {
        let agg = AggInfo::new(&sig);
        let fast_shape = super::fast::fast_shape(&sig);
        Box::new(Slot {
            sig,
            service: AtomicPtr::new(service as *const Service as *mut Service),
            live: Mutex::new(None),
            owner_live: AtomicPtr::new(ptr::null_mut()),
            pointer: 0,
            used: AtomicBool::new(false),
            index: SLOT_INDEX.fetch_add(1, Ordering::Relaxed),
            agg,
            fast_shape,
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
