//! Emit, seal and call a plan's trampolines: the fast trampoline as V8 calls it
//! ([`fast_fn!`](crate::fast_fn)), the invoker as the slow path does.

use crate::helpers::{buf_addr, str_free, str_in, str_release};
use crate::structs;
use ffast_core::area::Area;
use ffast_core::jit::Arena;
use ffast_core::trampoline::{self, FastTargets};
use ffast_core::CallPlan;

/// A plan's fast trampoline and invoker, sealed, with the wide slot they write and the area
/// they use for aggregates.
pub struct Built {
    _arena: Arena,
    pub fast: usize,
    pub invoke: usize,
    pub wide: Box<u64>,
    area: Area,
}

impl Built {
    /// The area's bytes (as the JS wrapper sees them).
    pub fn area(&mut self) -> &mut [u8] {
        self.area.bytes_mut()
    }

    /// Write `bytes` at area + `offset`.
    pub fn put(&mut self, offset: u32, bytes: &[u8]) {
        self.area()[offset as usize..offset as usize + bytes.len()].copy_from_slice(bytes);
    }

    /// Write `v`'s bytes (padding included) at area + `offset`, as the JS wrapper writes an
    /// aggregate argument.
    pub fn put_value<T: Copy>(&mut self, offset: u32, v: &T) {
        let n = std::mem::size_of::<T>();
        let area = self.area();
        assert!(offset as usize + n <= area.len(), "area too small");
        // SAFETY: in bounds (checked); a byte copy may carry padding, which the area (plain
        // memory only machine code and these helpers read) tolerates.
        unsafe {
            std::ptr::copy_nonoverlapping(
                (v as *const T).cast::<u8>(),
                area.as_mut_ptr().add(offset as usize),
                n,
            )
        }
    }

    /// The aggregate at area + `offset` (an aggregate result).
    pub fn get_value<T: structs::Shape>(&mut self, offset: u32) -> T {
        let area = self.area();
        assert!(offset as usize + std::mem::size_of::<T>() <= area.len());
        // SAFETY: in bounds (checked); shapes are plain numbers, valid for any bytes.
        unsafe { std::ptr::read_unaligned(area.as_ptr().add(offset as usize).cast::<T>()) }
    }
}

pub fn build(plan: &CallPlan, target: usize) -> Built {
    build_with(plan, target, false)
}

/// [`build`] with [`FastTargets::fallback`] as given.
pub fn build_with(plan: &CallPlan, target: usize, fallback: bool) -> Built {
    let wide = Box::new(0u64);
    let area = Area::new(plan.area_size);
    let area_addr = area.addr();
    let t = FastTargets {
        target,
        wide_slot: &*wide as *const u64 as usize,
        str_in: str_in as *const () as usize,
        str_free: str_free as *const () as usize,
        str_release: str_release as *const () as usize,
        buf_addr: buf_addr as *const () as usize,
        area: area_addr,
        fallback,
    };
    let mut arena = Arena::new();
    let fast = arena
        .write(&trampoline::fast(plan, &t).expect("fast trampoline"))
        .expect("write")
        .0;
    let invoke = arena
        .write(&trampoline::invoker(plan, target, area_addr).expect("invoker"))
        .expect("write")
        .0;
    arena.seal().expect("seal");
    Built {
        _arena: arena,
        fast,
        invoke,
        wide,
        area,
    }
}

/// Run the invoker: `slots[..n]` arguments, `slots[n]` receives the raw result.
pub fn invoke(b: &Built, slots: &mut [u64]) {
    // SAFETY: the invoker reads the plan's argument count of slots and writes one after them;
    // callers size `slots` for that.
    let f: extern "C" fn(*mut u64) = unsafe { std::mem::transmute(b.invoke) };
    f(slots.as_mut_ptr());
}

/// The fast trampoline of a [`Built`] as a Rust function of the given V8-side signature
/// (receiver first, then the JS arguments in their fast-call representation).
#[macro_export]
macro_rules! fast_fn {
    ($b:expr, fn($($t:ty),* $(,)?) -> $r:ty) => {
        // `$b.fast` is an argument of this call, so a temporary `Built` (e.g.
        // `fast_fn!(build(..), ..)(args)`) lives, with its code, to the end of the statement.
        (|addr: usize| {
            // SAFETY: `addr` is the trampoline generated for exactly this V8-side signature.
            unsafe { std::mem::transmute::<usize, extern "C" fn(*const std::ffi::c_void, $($t),*) -> $r>(addr) }
        })($b.fast)
    };
}
