//! Test support shared by the ABI crates' trampoline tests (feature `testkit`, enabled only by
//! their dev-dependencies): stand-ins for the helpers ffast-node provides, a C-fixture
//! compiler, and a builder that emits, seals and returns callable trampolines for a plan.

use crate::jit::Arena;
use crate::trampoline::{self, FastTargets};
use crate::CallPlan;
use std::path::{Path, PathBuf};

/// V8's `FastOneByteString`: Latin-1 bytes, not NUL-terminated.
#[repr(C)]
pub struct OneByte {
    pub data: *const u8,
    pub len: u32,
}

/// Stand-in for ffast-node's string helper: copies and NUL-terminates (no transcoding).
///
/// # Safety
/// As the real helper: `s` valid, `scratch` has `cap` writable bytes.
pub unsafe extern "C" fn str_in(s: *const OneByte, scratch: *mut u8, cap: u32) -> *mut u8 {
    let n = (*s).len as usize;
    let out = if n < cap as usize {
        scratch
    } else {
        libc::malloc(n + 1) as *mut u8
    };
    std::ptr::copy_nonoverlapping((*s).data, out, n);
    *out.add(n) = 0;
    out
}

/// # Safety
/// `p` came from [`str_in`]'s heap branch.
pub unsafe extern "C" fn str_free(p: *mut u8) {
    libc::free(p.cast());
}

/// Stand-in for ffast-node's buffer helper: the "Local" points at the address itself.
///
/// # Safety
/// `local` points at a readable u64.
pub unsafe extern "C" fn buf_addr(local: *const u64) -> u64 {
    *local
}

/// An arbitrary receiver: trampolines must ignore it.
pub const RECV: *const std::ffi::c_void = 0x5eed as *const std::ffi::c_void;

/// A plan's fast trampoline and invoker, sealed, with the wide slot they write.
pub struct Built {
    _arena: Arena,
    pub fast: usize,
    pub invoke: usize,
    pub wide: Box<u64>,
}

pub fn build(plan: &CallPlan, target: usize) -> Built {
    let wide = Box::new(0u64);
    let t = FastTargets {
        target,
        wide_slot: &*wide as *const u64 as usize,
        str_in: str_in as *const () as usize,
        str_free: str_free as *const () as usize,
        buf_addr: buf_addr as *const () as usize,
    };
    let mut arena = Arena::new();
    let fast = arena
        .write(&trampoline::fast(plan, &t).expect("fast trampoline"))
        .expect("write")
        .0;
    let invoke = arena
        .write(&trampoline::invoker(plan, target).expect("invoker"))
        .expect("write")
        .0;
    arena.seal().expect("seal");
    Built {
        _arena: arena,
        fast,
        invoke,
        wide,
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
    ($b:expr, fn($($t:ty),* $(,)?) -> $r:ty) => {{
        // SAFETY: the trampoline was generated for exactly this V8-side signature.
        unsafe {
            std::mem::transmute::<usize, extern "C" fn(*const std::ffi::c_void, $($t),*) -> $r>($b.fast)
        }
    }};
}

/// A compiled and loaded C fixture.
pub struct Fixture(libloading::Library);

impl Fixture {
    /// Compile `src` into `out_dir/name` and load it.
    pub fn load(src: &Path, out_dir: &Path, name: &str) -> Fixture {
        let out = compile_fixture(src, out_dir, name);
        // SAFETY: test fixtures have no initialisers.
        Fixture(unsafe { libloading::Library::new(&out) }.expect("fixture loads"))
    }

    /// The address of a fixture function.
    pub fn sym(&self, name: &str) -> usize {
        // SAFETY: only the address is taken.
        unsafe {
            *self
                .0
                .get::<*const std::ffi::c_void>(name.as_bytes())
                .unwrap() as usize
        }
    }
}

/// Compile a C fixture into a shared library with `FFAST_TEST_CC` (default `gcc`; a cross
/// compiler when testing under qemu).
pub fn compile_fixture(src: &Path, out_dir: &Path, name: &str) -> PathBuf {
    let out = out_dir.join(name);
    let cc = std::env::var("FFAST_TEST_CC").unwrap_or_else(|_| "gcc".into());
    let st = std::process::Command::new(&cc)
        .args(["-O2", "-fPIC", "-shared", "-o"])
        .arg(&out)
        .arg(src)
        .status()
        .unwrap_or_else(|e| panic!("{cc} runs: {e}"));
    assert!(st.success(), "fixture build failed: {}", src.display());
    out
}
