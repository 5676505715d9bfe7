//! Test support shared by the ABI crates' trampoline tests (a dev-dependency only: never part
//! of a build of ffast): stand-ins for the helpers ffast-node provides, a C-fixture
//! compiler, and a builder that emits, seals and returns callable trampolines for a plan.

use ffast_core::area::Area;
use ffast_core::jit::Arena;
use ffast_core::trampoline::{self, FastTargets};
use ffast_core::{CallPlan, Signature};
use std::path::{Path, PathBuf};

pub mod structs;

/// V8's `FastOneByteString`: Latin-1 bytes, not NUL-terminated.
#[repr(C)]
pub struct OneByte {
    pub data: *const u8,
    pub len: u32,
}

thread_local! {
    /// Calls of [`str_in`] on this thread (tests read it with [`str_in_calls`]).
    static STR_IN_CALLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Calls of [`str_in`] on this thread since the last look.
pub fn str_in_calls() -> usize {
    STR_IN_CALLS.with(|c| c.replace(0))
}

/// Bytes in front of a heap copy of [`str_in`]: its size, so [`str_release`] knows its extent.
const HEAP_HEADER: usize = 16;

/// Stand-in for ffast-node's string helper: copies and NUL-terminates (no transcoding); a copy
/// that does not fit the scratch goes to the heap behind a size header.
///
/// # Safety
/// As the real helper: `s` valid, `scratch` has `cap` writable bytes.
pub unsafe extern "C" fn str_in(s: *const OneByte, scratch: *mut u8, cap: u32) -> *mut u8 {
    STR_IN_CALLS.with(|c| c.set(c.get() + 1));
    let n = (*s).len as usize;
    let out = if n < cap as usize {
        scratch
    } else {
        let p = libc::malloc(HEAP_HEADER + n + 1) as *mut u8;
        assert!(!p.is_null());
        (p as *mut usize).write(n + 1);
        p.add(HEAP_HEADER)
    };
    std::ptr::copy_nonoverlapping((*s).data, out, n);
    *out.add(n) = 0;
    out
}

/// # Safety
/// `p` came from [`str_in`]'s heap branch.
pub unsafe extern "C" fn str_free(p: *mut u8) {
    // Poisoned first: a result still pointing here after the call reads garbage, not the text.
    let base = p.sub(HEAP_HEADER);
    std::ptr::write_bytes(p, 0xa5, (base as *const usize).read());
    libc::free(base.cast());
}

thread_local! {
    /// [`str_release`]'s per-thread copy of a result that pointed into an argument copy.
    static KEPT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The address of [`str_release`]'s kept result on this thread (where a result that pointed
/// into an argument copy must now point).
pub fn kept_address() -> usize {
    KEPT.with(|k| k.borrow().as_ptr() as usize)
}

/// Stand-in for ffast-node's `ffast_str_release`: ends one argument copy (a scratch copy is
/// poisoned, a heap copy poisoned and freed) and returns `ret`, or a per-thread copy of its
/// text when it pointed into that copy.
///
/// # Safety
/// As the real helper: `copy` is what [`str_in`] returned for `scratch` in this call.
pub unsafe extern "C" fn str_release(ret: *const u8, copy: *mut u8, scratch: *mut u8) -> *const u8 {
    let size = if copy == scratch {
        trampoline::STR_SCRATCH as usize
    } else {
        (copy.sub(HEAP_HEADER) as *const usize).read()
    };
    let off = (ret as usize).wrapping_sub(copy as usize);
    let out = if off < size {
        let rest = std::slice::from_raw_parts(ret, size - off);
        let len = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        KEPT.with(|k| {
            let mut k = k.borrow_mut();
            k.clear();
            k.extend_from_slice(&rest[..len]);
            k.push(0);
            k.as_ptr()
        })
    } else {
        ret
    };
    if copy == scratch {
        std::ptr::write_bytes(copy, 0xa5, size);
    } else {
        str_free(copy);
    }
    out
}

/// Stand-in for ffast-node's buffer helper: the "Local" points at the address itself (so a
/// test passes [`trampoline::BUF_FALLBACK`] to make a trampoline give up).
///
/// # Safety
/// `local` points at a readable u64.
pub unsafe extern "C" fn buf_addr(local: *const u64) -> u64 {
    *local
}

/// V8's `FastApiCallbackOptions` before V8 13 (`v8-fast-api.md` §6.1): 24 bytes, the
/// `fallback` flag first.
#[repr(C)]
#[derive(Default)]
pub struct Options {
    pub fallback: u8,
    pub data: u64,
    pub wasm_memory: u64,
}

/// An arbitrary receiver: trampolines must ignore it.
pub const RECV: *const std::ffi::c_void = 0x5eed as *const std::ffi::c_void;

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

/// A compiled and loaded C fixture.
pub struct Fixture(libloading::Library);

/// An ABI crate's trampoline tests: its `tests/fixture.c`, compiled once per test binary, and
/// [`build`] for signatures spelled as type names with that crate's `classify`.
pub struct AbiTests {
    pub classify: fn(&Signature) -> CallPlan,
    /// `CARGO_MANIFEST_DIR` and `CARGO_TARGET_TMPDIR` of the test crate.
    pub manifest_dir: &'static str,
    pub tmp_dir: &'static str,
    /// File name of the compiled fixture.
    pub lib_name: &'static str,
}

impl AbiTests {
    pub fn fixture(&self) -> &'static Fixture {
        // One fixture per test binary: each ABI crate's tests are their own binary.
        static LIB: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
        LIB.get_or_init(|| {
            let src = Path::new(self.manifest_dir).join("tests/fixture.c");
            Fixture::load(&src, Path::new(self.tmp_dir), self.lib_name)
        })
    }

    /// Trampolines for `params -> result` calling the fixture's `target`.
    pub fn build(&self, params: &[&str], result: &str, target: &str) -> Built {
        self.build_with(params, result, target, false)
    }

    /// [`AbiTests::build`] for V8 before 13: trampolines that may ask for V8's fallback.
    pub fn build_fallback(&self, params: &[&str], result: &str, target: &str) -> Built {
        self.build_with(params, result, target, true)
    }

    fn build_with(&self, params: &[&str], result: &str, target: &str, fallback: bool) -> Built {
        let plan = (self.classify)(&Signature::parse(params, result).unwrap());
        let address = rust_target(target).unwrap_or_else(|| self.fixture().sym(target));
        build_with(&plan, address, fallback)
    }
}

/// Targets the testkit defines itself (so every ABI crate's tests have them without a fixture
/// change), by name.
fn rust_target(name: &str) -> Option<usize> {
    Some(match name {
        "testkit_pick" => targets::testkit_pick as *const () as usize,
        "testkit_split" => targets::testkit_split as *const () as usize,
        "testkit_static" => targets::testkit_static as *const () as usize,
        _ => return None,
    })
}

/// C functions returning pointers into (or not into) their string arguments.
pub mod targets {
    use std::ffi::c_char;

    /// `const char *(const char *a, const char *b, const char *c, int which, int skip)`: the
    /// argument `which` (0..2), `skip` bytes in; NULL for another `which`.
    pub extern "C" fn testkit_pick(
        a: *const c_char,
        b: *const c_char,
        c: *const c_char,
        which: i32,
        skip: i32,
    ) -> *const c_char {
        let p = match which {
            0 => a,
            1 => b,
            2 => c,
            _ => return std::ptr::null(),
        };
        p.wrapping_add(skip as usize)
    }

    /// `char *(char *s, int sep)`: like `strsep` on "key=value": writes a NUL over the first
    /// `sep` and returns the text after it (NULL without one).
    ///
    /// # Safety
    /// `s` is a writable NUL-terminated string.
    pub unsafe extern "C" fn testkit_split(s: *mut c_char, sep: i32) -> *const c_char {
        let mut p = s;
        while *p != 0 {
            if *p as u8 as i32 == sep {
                *p = 0;
                return p.add(1);
            }
            p = p.add(1);
        }
        std::ptr::null()
    }

    pub static STATIC: &[u8] = b"static text\0";

    /// `const char *(const char *s)`: a static string, not `s`.
    pub extern "C" fn testkit_static(_s: *const c_char) -> *const c_char {
        STATIC.as_ptr().cast()
    }
}

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

/// Trampoline cases that read the same on every ISA (the fixtures of both ABI crates define
/// the same C functions for them). `build(params, result, fixture_fn)` makes a trampoline;
/// `raw_arg0` names the fixture function returning its first argument register untouched.
pub mod cases {
    use super::{invoke, Built, OneByte, Options, RECV};
    use ffast_core::trampoline::{BUF_FALLBACK, WIDE_NAN_BITS};

    pub type Build<'a> = &'a dyn Fn(&[&str], &str, &str) -> Built;

    pub fn two_ints_tail_call(build: Build) {
        let b = build(&["i32", "i32"], "i32", "add_i32");
        let f = fast_fn!(b, fn(i32, i32) -> i32);
        assert_eq!(f(RECV, 2, 3), 5);
        assert_eq!(f(RECV, i32::MAX, 1), i32::MIN);
        let mut s = [(-7i64) as u64, 4, 0];
        invoke(&b, &mut s);
        assert_eq!(s[2] as u32 as i32, -3);
    }

    pub fn mixed_float_and_int_keep_their_classes(build: Build) {
        let b = build(&["f64", "i32", "f64"], "f64", "fma_f64");
        let f = fast_fn!(b, fn(f64, i32, f64) -> f64);
        assert_eq!(f(RECV, 1.5, 3, 0.25), 2.25);
        let mut s = [1.5f64.to_bits(), 3, 0.25f64.to_bits(), 0];
        invoke(&b, &mut s);
        assert_eq!(f64::from_bits(s[3]), 2.25);
    }

    pub fn f32_result_widens_exactly(build: Build) {
        let b = build(&["f32", "f32"], "f32", "add_f32");
        let f = fast_fn!(b, fn(f32, f32) -> f64);
        assert_eq!(f(RECV, 0.1, 0.2), (0.1f32 + 0.2f32) as f64);
    }

    pub fn narrow_args_are_extended_to_32_bits(build: Build, raw_arg0: &str) {
        // V8 hands over int32/uint32 with unspecified upper bits: pass garbage there.
        for (ty, input, want) in [
            ("i8", 0xdead_beef_0000_0080u64, 0xffff_ff80u64),
            ("u8", 0xdead_beef_ffff_ff80, 0x80),
            ("i16", 0xdead_beef_0000_8001, 0xffff_8001),
            ("u16", 0xdead_beef_ffff_8001, 0x8001),
            ("bool", 0xdead_beef_ffff_ff01, 1),
        ] {
            let b = build(&[ty], "u64", raw_arg0);
            let f = fast_fn!(b, fn(u64) -> f64);
            // The whole rdi comes back: its low 32 bits must be the C-extended value.
            let r = f(RECV, input);
            assert_eq!((r as u64) & 0xffff_ffff, want, "{ty}");
        }
    }

    pub fn narrow_results_are_extended(build: Build) {
        let b = build(&[], "i8", "dirty_i8");
        assert_eq!(fast_fn!(b, fn() -> i32)(RECV), -128);
        let b = build(&[], "u16", "dirty_u16");
        assert_eq!(fast_fn!(b, fn() -> u32)(RECV), 0x8001);
        let b = build(&[], "bool", "dirty_bool");
        assert_eq!(fast_fn!(b, fn() -> u32)(RECV), 1);
    }

    pub fn wide_results_are_exact_numbers_or_nan_plus_slot(build: Build) {
        let b = build(&[], "u64", "u64_max");
        let r = fast_fn!(b, fn() -> f64)(RECV);
        assert_eq!(r.to_bits(), WIDE_NAN_BITS);
        assert_eq!(*b.wide, u64::MAX);
        let b = build(&[], "i64", "i64_min");
        assert!(fast_fn!(b, fn() -> f64)(RECV).is_nan());
        assert_eq!(*b.wide as i64, i64::MIN);
        let b = build(&[], "i64", "neg_two53");
        assert_eq!(fast_fn!(b, fn() -> f64)(RECV), -9007199254740991.0);
        let b = build(&[], "u64", "two53");
        assert!(
            fast_fn!(b, fn() -> f64)(RECV).is_nan(),
            "2^53 is not a safe integer"
        );
        assert_eq!(*b.wide, 1 << 53);
    }

    pub fn pointers_above_4g_round_trip(build: Build) {
        let b = build(&["pointer"], "pointer", "ptr_id");
        let f = fast_fn!(b, fn(u64) -> f64);
        assert_eq!(f(RECV, 0x7fff_1234_5678), 0x7fff_1234_5678u64 as f64);
    }

    pub fn ten_doubles_spill_two(build: Build) {
        let b = build(&["f64"; 10], "f64", "wsum_f64_10");
        let f = fast_fn!(
            b,
            fn(f64, f64, f64, f64, f64, f64, f64, f64, f64, f64) -> f64
        );
        let args: Vec<f64> = (1..=10).map(|i| i as f64 + 0.5).collect();
        let want: f64 = args
            .iter()
            .enumerate()
            .map(|(i, a)| a * (i + 1) as f64)
            .sum();
        assert_eq!(
            f(
                RECV, args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7],
                args[8], args[9]
            ),
            want
        );
    }

    pub fn strings_go_through_the_helper_and_scratch_or_heap(build: Build) {
        let b = build(&["string"], "usize", "c_strlen");
        let f = fast_fn!(b, fn(*const OneByte) -> f64);
        for n in [0usize, 5, 255, 256, 4000] {
            let text = vec![b'x'; n];
            let s = OneByte {
                data: text.as_ptr(),
                len: n as u32,
            };
            assert_eq!(f(RECV, &s), n as f64, "length {n}");
        }
    }

    /// The text at a fast string result (a float64 address; 0 is NULL).
    fn text_at(r: f64) -> Option<Vec<u8>> {
        assert!(r.is_finite() && r >= 0.0 && r.fract() == 0.0, "address {r}");
        // SAFETY: a non-null result is a NUL-terminated string (the test's targets return
        // pointers to such text or NULL).
        (r != 0.0).then(|| unsafe {
            std::ffi::CStr::from_ptr(r as usize as *const std::ffi::c_char)
                .to_bytes()
                .to_vec()
        })
    }

    /// Overwrite stack below the caller (where a finished trampoline's scratch was).
    #[inline(never)]
    fn clobber_stack() {
        let mut junk = [0x5au8; 16384];
        std::hint::black_box(&mut junk);
    }

    fn one_byte(text: &[u8]) -> OneByte {
        OneByte {
            data: text.as_ptr(),
            len: text.len() as u32,
        }
    }

    /// A `string` result pointing into a `string` argument's copy (C's `strstr`) outlives the
    /// copy: the trampoline hands V8 the thread's kept copy of the text instead, for copies in
    /// the scratch (≤ 255 bytes) and on the heap alike. NULL and results outside the copies
    /// pass through unchanged.
    pub fn string_results_into_argument_copies_are_kept(build: Build) {
        let b = build(&["string", "string"], "string", "strstr");
        let f = fast_fn!(b, fn(*const OneByte, *const OneByte) -> f64);
        for n in [1usize, 4, 254, 255, 256, 257, 411, 4096, 100_000] {
            let hay: Vec<u8> = (0..n).map(|i| b'a' + (i % 7) as u8).collect();
            let tail = &hay[n.saturating_sub(9)..];
            let needle = tail.to_vec();
            let r = f(RECV, &one_byte(&hay), &one_byte(&needle));
            clobber_stack();
            assert_eq!(r as usize, super::kept_address(), "length {n}: kept copy");
            // strstr finds the first occurrence, which the pattern may repeat earlier.
            let at = hay.windows(needle.len()).position(|w| w == needle).unwrap();
            assert_eq!(text_at(r).as_deref(), Some(&hay[at..]), "length {n}");
            let missing = f(RECV, &one_byte(&hay), &one_byte(b"zz"));
            assert_eq!(missing, 0.0, "length {n}: NULL");
        }
    }

    /// The result may point into any of several string arguments (scratch or heap copies, in
    /// any order), at any offset up to the copy's NUL.
    pub fn string_results_into_later_arguments_are_kept(build: Build) {
        let b = build(
            &["string", "string", "string", "i32", "i32"],
            "string",
            "testkit_pick",
        );
        let f = fast_fn!(
            b,
            fn(*const OneByte, *const OneByte, *const OneByte, i32, i32) -> f64
        );
        let texts: Vec<Vec<u8>> = [3usize, 300, 255, 5000]
            .iter()
            .enumerate()
            .map(|(k, &n)| (0..n).map(|i| b'a' + ((i + k) % 26) as u8).collect())
            .collect();
        for order in [[0, 1, 2], [1, 2, 3], [3, 0, 1], [2, 3, 0]] {
            let args: Vec<OneByte> = order.iter().map(|&k| one_byte(&texts[k])).collect();
            for which in 0..3 {
                let t = &texts[order[which]];
                for skip in [0, 1, t.len() / 2, t.len()] {
                    let r = f(
                        RECV,
                        &args[0],
                        &args[1],
                        &args[2],
                        which as i32,
                        skip as i32,
                    );
                    clobber_stack();
                    assert_eq!(r as usize, super::kept_address());
                    assert_eq!(
                        text_at(r).as_deref(),
                        Some(&t[skip..]),
                        "{order:?} argument {which} + {skip}"
                    );
                }
            }
            assert_eq!(f(RECV, &args[0], &args[1], &args[2], 3, 0), 0.0);
        }
    }

    /// C may write into its copy (a NUL, as `strtok`/`strsep` do) and return a pointer past
    /// that NUL: the copy's whole extent counts, not its text's length after the call.
    pub fn string_results_past_a_written_nul_are_kept(build: Build) {
        let b = build(&["string", "i32"], "string", "testkit_split");
        let f = fast_fn!(b, fn(*const OneByte, i32) -> f64);
        for n in [1usize, 200, 300, 5000] {
            let mut s = b"key=".to_vec();
            s.extend((0..n).map(|i| b'0' + (i % 10) as u8));
            let want = s[4..].to_vec();
            let r = f(RECV, &one_byte(&s), b'=' as i32);
            clobber_stack();
            assert_eq!(text_at(r).as_deref(), Some(&want[..]), "value of {n} bytes");
            assert_eq!(f(RECV, &one_byte(&s), b'#' as i32), 0.0);
        }
    }

    /// A result outside the call's copies is handed over as C returned it.
    pub fn string_results_elsewhere_pass_through(build: Build) {
        let b = build(&["string"], "string", "testkit_static");
        let f = fast_fn!(b, fn(*const OneByte) -> f64);
        for n in [3usize, 5000] {
            let s = vec![b'q'; n];
            let r = f(RECV, &one_byte(&s));
            assert_eq!(r as usize, super::targets::STATIC.as_ptr() as usize);
        }
    }

    pub fn buffers_go_through_the_helper(build: Build) {
        let b = build(&["buffer", "usize"], "u32", "sum_bytes");
        let f = fast_fn!(b, fn(*const u64, u64) -> u32);
        let data: Vec<u8> = (1..=64).collect();
        let local = data.as_ptr() as u64;
        assert_eq!(f(RECV, &local, 64), (1..=64).sum::<u32>());
    }

    /// The fixture's `buf_calls_taken()`: calls of its buffer functions on this thread since
    /// the last look.
    fn calls_taken(fx: &super::Fixture) -> i32 {
        // SAFETY: the fixture defines `int buf_calls_taken(void)`.
        let f: extern "C" fn() -> i32 = unsafe { std::mem::transmute(fx.sym("buf_calls_taken")) };
        f()
    }

    /// `(string s, buffer b, usize n) -> u32` = strlen(s) * 1000 + sum of b's n bytes, with the
    /// options pointer in a register. Given a buffer it calls C; given BUF_FALLBACK it sets
    /// `fallback`, calls neither C nor the string helper (buffers convert first) and returns.
    pub fn fallback_gives_up_before_c_and_strings(build: Build, fx: &super::Fixture) {
        let b = build(&["string", "buffer", "usize"], "u32", "str_buf_sum");
        let f = fast_fn!(b, fn(*const OneByte, *const u64, u64, *mut Options) -> u32);
        let data: Vec<u8> = (1..=64).collect();
        // Long enough for the helper's heap branch: a copy made before giving up would leak.
        let text = vec![b'q'; 300];
        let s = OneByte {
            data: text.as_ptr(),
            len: 300,
        };
        calls_taken(fx);
        super::str_in_calls();
        let mut o = Options::default();
        let local = data.as_ptr() as u64;
        assert_eq!(
            f(RECV, &s, &local, 64, &mut o),
            300_000 + (1..=64).sum::<u32>()
        );
        assert_eq!(
            (o.fallback, calls_taken(fx), super::str_in_calls()),
            (0, 1, 1)
        );
        let mut o = Options::default();
        let give_up = BUF_FALLBACK;
        f(RECV, &s, &give_up, 64, &mut o);
        assert_eq!(o.fallback, 1, "fallback flag");
        assert_eq!(calls_taken(fx), 0, "C must not run");
        assert_eq!(super::str_in_calls(), 0, "no string copy before giving up");
        // The rest of the options is V8's: untouched.
        assert_eq!((o.data, o.wasm_memory), (0, 0));
    }

    /// Eight i64 then a buffer: the buffer and the options pointer both arrive on V8's stack
    /// (x64: five integers fit rsi..r9; arm64: seven fit x1..x7).
    pub fn fallback_options_on_the_entry_stack(build: Build, fx: &super::Fixture) {
        let mut params = vec!["i64"; 8];
        params.push("buffer");
        let b = build(&params, "i64", "ints_buf");
        let f = fast_fn!(
            b,
            fn(i64, i64, i64, i64, i64, i64, i64, i64, *const u64, *mut Options) -> f64
        );
        let data = [7u8, 9];
        let want = (1..=8).map(|i| i * (100 + i)).sum::<i64>() + 7 * 9 * 9;
        calls_taken(fx);
        let mut o = Options::default();
        let local = data.as_ptr() as u64;
        let r = f(RECV, 101, 102, 103, 104, 105, 106, 107, 108, &local, &mut o);
        assert_eq!((r, o.fallback, calls_taken(fx)), (want as f64, 0, 1));
        let mut o = Options::default();
        let give_up = BUF_FALLBACK;
        f(
            RECV, 101, 102, 103, 104, 105, 106, 107, 108, &give_up, &mut o,
        );
        assert_eq!((o.fallback, calls_taken(fx)), (1, 0));
    }

    /// Two buffers, the second giving up after the first converted: still no C call.
    pub fn fallback_from_a_later_buffer(build: Build, fx: &super::Fixture) {
        let b = build(&["buffer", "buffer"], "i64", "buf_diff");
        let f = fast_fn!(b, fn(*const u64, *const u64, *mut Options) -> f64);
        let data = [0u8; 16];
        let (a0, a1) = (data.as_ptr() as u64, data.as_ptr() as u64 + 5);
        calls_taken(fx);
        let mut o = Options::default();
        assert_eq!((f(RECV, &a1, &a0, &mut o), o.fallback), (5.0, 0));
        assert_eq!(calls_taken(fx), 1);
        for (x, y) in [(a0, BUF_FALLBACK), (BUF_FALLBACK, a0)] {
            let mut o = Options::default();
            f(RECV, &x, &y, &mut o);
            assert_eq!((o.fallback, calls_taken(fx)), (1, 0));
        }
    }
}

/// One `#[test]` per shared case, for a test file that defines `build` and names its
/// "return the first argument register" fixture function.
#[macro_export]
macro_rules! shared_trampoline_tests {
    ($build:expr, $raw_arg0:expr) => {
        #[test]
        fn two_ints_tail_call() {
            $crate::cases::two_ints_tail_call(&$build);
        }

        #[test]
        fn mixed_float_and_int_keep_their_classes() {
            $crate::cases::mixed_float_and_int_keep_their_classes(&$build);
        }

        #[test]
        fn f32_result_widens_exactly() {
            $crate::cases::f32_result_widens_exactly(&$build);
        }

        #[test]
        fn narrow_args_are_extended_to_32_bits() {
            $crate::cases::narrow_args_are_extended_to_32_bits(&$build, $raw_arg0);
        }

        #[test]
        fn narrow_results_are_extended() {
            $crate::cases::narrow_results_are_extended(&$build);
        }

        #[test]
        fn wide_results_are_exact_numbers_or_nan_plus_slot() {
            $crate::cases::wide_results_are_exact_numbers_or_nan_plus_slot(&$build);
        }

        #[test]
        fn pointers_above_4g_round_trip() {
            $crate::cases::pointers_above_4g_round_trip(&$build);
        }

        #[test]
        fn ten_doubles_spill_two() {
            $crate::cases::ten_doubles_spill_two(&$build);
        }

        #[test]
        fn strings_go_through_the_helper_and_scratch_or_heap() {
            $crate::cases::strings_go_through_the_helper_and_scratch_or_heap(&$build);
        }

        #[test]
        fn buffers_go_through_the_helper() {
            $crate::cases::buffers_go_through_the_helper(&$build);
        }

        #[test]
        fn string_results_into_argument_copies_are_kept() {
            $crate::cases::string_results_into_argument_copies_are_kept(&$build);
        }

        #[test]
        fn string_results_into_later_arguments_are_kept() {
            $crate::cases::string_results_into_later_arguments_are_kept(&$build);
        }

        #[test]
        fn string_results_past_a_written_nul_are_kept() {
            $crate::cases::string_results_past_a_written_nul_are_kept(&$build);
        }

        #[test]
        fn string_results_elsewhere_pass_through() {
            $crate::cases::string_results_elsewhere_pass_through(&$build);
        }
    };
}

/// One `#[test]` per fallback case (V8 before 13) for an ABI crate's [`AbiTests`] `$abi`,
/// whose fixture defines `str_buf_sum`, `ints_buf`, `buf_diff` and `buf_calls_taken`.
#[macro_export]
macro_rules! shared_fallback_tests {
    ($abi:expr) => {
        #[test]
        fn fallback_gives_up_before_c_and_strings() {
            $crate::cases::fallback_gives_up_before_c_and_strings(
                &|p: &[&str], r: &str, t: &str| $abi.build_fallback(p, r, t),
                $abi.fixture(),
            );
        }

        #[test]
        fn fallback_options_on_the_entry_stack() {
            $crate::cases::fallback_options_on_the_entry_stack(
                &|p: &[&str], r: &str, t: &str| $abi.build_fallback(p, r, t),
                $abi.fixture(),
            );
        }

        #[test]
        fn fallback_from_a_later_buffer() {
            $crate::cases::fallback_from_a_later_buffer(
                &|p: &[&str], r: &str, t: &str| $abi.build_fallback(p, r, t),
                $abi.fixture(),
            );
        }

        #[test]
        fn fallback_changes_only_buffer_signatures() {
            $crate::scalar_golden::fallback_changes_only_buffers($abi.classify);
        }

        #[test]
        fn str_release_changes_only_string_results_with_string_arguments() {
            $crate::scalar_golden::str_release_changes_only_string_results($abi.classify);
        }
    };
}

/// A plan's area values as (source, C location), sources spelled `u64@off`, `f32@off`,
/// `&off` (an area address): compact rows for the ABI crates' classification tables.
pub fn area_args(p: &CallPlan) -> Vec<(String, ffast_core::Loc)> {
    p.area_args
        .iter()
        .map(|a| {
            let src = match a.src {
                ffast_core::AreaSrc::Load { offset, ty } => format!("{ty}@{offset}"),
                ffast_core::AreaSrc::Addr { offset } => format!("&{offset}"),
            };
            (src, a.c)
        })
        .collect()
}

/// A plan's aggregate-result registers as (register, `type@offset`).
pub fn area_rets(p: &CallPlan) -> Vec<(ffast_core::Loc, String)> {
    p.area_ret
        .iter()
        .map(|r| (r.c, format!("{}@{}", r.ty, r.offset)))
        .collect()
}

/// Anonymous aggregate shapes for the ABI crates' classification tables (fields f0, f1, …).
pub mod shapes {
    use ffast_core::layout::{CType, Field};
    use ffast_core::Type;

    /// `struct { tys[0] f0; tys[1] f1; … }` of scalars.
    pub fn st(tys: &[Type]) -> CType {
        st_of(tys.iter().map(|&t| CType::Scalar(t)).collect())
    }

    /// A struct of arbitrary member types.
    pub fn st_of(tys: Vec<CType>) -> CType {
        CType::structure(fields(tys))
    }

    /// A union of arbitrary member types.
    pub fn un_of(tys: Vec<CType>) -> CType {
        CType::union(fields(tys))
    }

    pub fn fields(tys: Vec<CType>) -> Vec<Field> {
        tys.into_iter()
            .enumerate()
            .map(|(i, t)| Field::new(format!("f{i}"), t))
            .collect()
    }
}

/// Callback entry trampolines called by C (`testdata/callback_fixture.c`) with many argument
/// shapes. A recording dispatcher keeps the slots it was given and writes a chosen result.
pub mod callbacks {
    use super::Fixture;
    use ffast_core::jit::Arena;
    use ffast_core::{trampoline, CallPlan, Signature};
    use std::path::Path;
    use std::sync::Mutex;

    pub type Classify<'a> = &'a dyn Fn(&Signature) -> CallPlan;

    struct Rec {
        n: usize,
        ret: u64,
        seen: Mutex<Vec<Vec<u64>>>,
    }

    extern "C" fn record(ctx: usize, slots: *mut u64) {
        // SAFETY: `ctx` is the `Rec` embedded in the trampoline, alive for the whole test.
        let rec = unsafe { &*(ctx as *const Rec) };
        // The trampoline's frame keeps the stack 16-byte aligned at this call (both ABIs).
        assert_eq!(
            slots as usize % 16,
            0,
            "slots (= stack pointer) not 16-byte aligned"
        );
        // SAFETY: the trampoline passes n + 1 slots.
        let s = unsafe { std::slice::from_raw_parts_mut(slots, rec.n + 1) };
        rec.seen.lock().unwrap().push(s[..rec.n].to_vec());
        s[rec.n] = rec.ret;
    }

    /// A live trampoline for one signature.
    struct Cb {
        _arena: Arena,
        rec: Box<Rec>,
        code: usize,
    }

    fn make(classify: Classify, params: &[&str], result: &str, ret: u64) -> Cb {
        let plan = classify(&Signature::parse(params, result).unwrap());
        let rec = Box::new(Rec {
            n: params.len(),
            ret,
            seen: Mutex::new(Vec::new()),
        });
        let ctx = &*rec as *const Rec as usize;
        let code = trampoline::callback_entry(&plan, ctx, record as *const () as usize).unwrap();
        let mut arena = Arena::new();
        let code = arena.write(&code).unwrap().0;
        arena.seal().unwrap();
        Cb {
            _arena: arena,
            rec,
            code,
        }
    }

    impl Cb {
        fn seen(&self) -> Vec<Vec<u64>> {
            self.rec.seen.lock().unwrap().clone()
        }
    }

    fn fixture(out_dir: &Path, name: &str) -> Fixture {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/callback_fixture.c");
        Fixture::load(&src, out_dir, name)
    }

    macro_rules! c_fn {
        ($fx:expr, $name:expr, fn($($t:ty),*) -> $r:ty) => {{
            let addr = $fx.sym($name);
            // SAFETY: the fixture defines `$name` with exactly this C signature.
            unsafe { std::mem::transmute::<usize, extern "C" fn($($t),*) -> $r>(addr) }
        }};
    }

    /// Every shape; `out_dir` receives the compiled fixture (`lib_name`).
    pub fn all_shapes(classify: Classify, out_dir: &Path, lib_name: &str) {
        let fx = fixture(out_dir, lib_name);

        let cb = make(classify, &["i32", "i32"], "i32", (-5i64) as u64);
        let f = c_fn!(fx, "cbt_ii", fn(usize, i32, i32) -> i32);
        assert_eq!(f(cb.code, 7, -8), -5);
        assert_eq!(cb.seen(), vec![vec![7, (-8i64) as u64]]);

        let cb = make(
            classify,
            &["i8", "u8", "i16", "u16", "i32", "u32", "bool"],
            "i64",
            i64::MIN as u64,
        );
        let f = c_fn!(fx, "cbt_narrow", fn(usize) -> i64);
        assert_eq!(f(cb.code), i64::MIN);
        assert_eq!(
            cb.seen(),
            vec![vec![
                u64::MAX,
                255,
                (-2i64) as u64,
                65535,
                (-3i64) as u64,
                0xffff_ffff,
                1
            ]]
        );

        let mut params = vec!["i64"; 6];
        params.extend(["i8", "u16", "i32", "u8"]);
        params.extend(["f64"; 8]);
        params.extend(["f32", "f64"]);
        let cb = make(classify, &params, "f64", 42.75f64.to_bits());
        let f = c_fn!(fx, "cbt_many", fn(usize) -> f64);
        assert_eq!(f(cb.code), 42.75);
        let s = &cb.seen()[0];
        assert_eq!(&s[..6], &[1, 2, 3, 4, 5, 6]);
        assert_eq!(s[6], (-7i64) as u64, "spilled i8 sign-extended");
        assert_eq!(s[7], 65000, "spilled u16 zero-extended");
        assert_eq!(s[8], (-9i64) as u64, "spilled i32 sign-extended");
        assert_eq!(s[9], 200, "spilled u8 zero-extended");
        let floats: Vec<f64> = s[10..18].iter().map(|&b| f64::from_bits(b)).collect();
        assert_eq!(floats, vec![0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5]);
        assert_eq!(f32::from_bits(s[18] as u32), 8.25, "spilled f32");
        assert_eq!(f64::from_bits(s[19]), 9.5, "spilled f64");

        // Narrow results: the C caller widens from the low bits, so upper garbage would show.
        let cb = make(classify, &[], "i8", (-3i64) as u64);
        assert_eq!(c_fn!(fx, "cbt_i8", fn(usize) -> i32)(cb.code), -3);
        let cb = make(classify, &[], "u16", 0xfffe);
        assert_eq!(c_fn!(fx, "cbt_u16", fn(usize) -> u32)(cb.code), 0xfffe);
        let cb = make(classify, &[], "bool", 1);
        assert_eq!(c_fn!(fx, "cbt_bool", fn(usize) -> i32)(cb.code), 1);

        let cb = make(
            classify,
            &["f32", "f64"],
            "f32",
            (-0.375f32).to_bits() as u64,
        );
        assert_eq!(c_fn!(fx, "cbt_f32", fn(usize) -> f64)(cb.code), -0.375);
        let s = &cb.seen()[0];
        assert_eq!(f32::from_bits(s[0] as u32), 1.25);
        assert_eq!(f64::from_bits(s[1]), 2.5);

        let cb = make(classify, &["u64", "i64"], "u64", u64::MAX - 1);
        assert_eq!(
            c_fn!(fx, "cbt_u64", fn(usize) -> u64)(cb.code),
            u64::MAX - 1
        );
        assert_eq!(
            cb.seen(),
            vec![vec![0xfedc_ba98_7654_3210, i64::MIN as u64]]
        );

        let cb = make(classify, &["i32"], "void", 0);
        c_fn!(fx, "cbt_void", fn(usize, i32) -> ())(cb.code, 5);
        assert_eq!(cb.seen(), (0..5).map(|i| vec![i]).collect::<Vec<_>>());
    }
}

/// Aggregate support must leave scalar-only signatures exactly as they were: each ABI crate
/// pins the FNV-1a 64 hashes of the fast trampoline and invoker its backend produced for these
/// representative signatures (tail call, float/int mix, stack arguments, helpers, result
/// conversion, narrow types) at commit 75e802b, before aggregates existed.
pub mod scalar_golden {
    use ffast_core::trampoline::{self, FastTargets};
    use ffast_core::{CallPlan, Signature};

    /// The signatures, in the order of the hashes each ABI crate pins.
    pub const SIGNATURES: [(&[&str], &str); 7] = [
        (&["i32", "i32"], "i32"),
        (&["f64", "i32", "f64"], "f64"),
        (&["i64"; 8], "i64"),
        (&["string", "buffer", "usize"], "u32"),
        (&[], "u64"),
        (&["f64"; 10], "f64"),
        (&["i8", "u16"], "bool"),
    ];

    fn fnv(b: &[u8]) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &x in b {
            h ^= x as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h
    }

    fn targets(fallback: bool) -> FastTargets {
        FastTargets {
            target: 0x1111_2222_3333,
            wide_slot: 0x4444_5555_6666,
            str_in: 0x7777_8888_9999,
            str_free: 0xaaaa_bbbb_cccc,
            str_release: 0x9999_aaaa_bbbb,
            buf_addr: 0xdddd_eeee_ffff,
            // No aggregate, so never used; any value must give the same bytes.
            area: 0x1234_5678_9ab0,
            fallback,
        }
    }

    /// The fallback flag changes the fast trampoline of the signatures with a buffer and of
    /// no other.
    pub fn fallback_changes_only_buffers(classify: fn(&Signature) -> CallPlan) {
        for (params, result) in SIGNATURES {
            let plan = classify(&Signature::parse(params, result).unwrap());
            let with = trampoline::fast(&plan, &targets(true)).unwrap();
            let without = trampoline::fast(&plan, &targets(false)).unwrap();
            assert_eq!(
                with != without,
                params.contains(&"buffer"),
                "{params:?} -> {result}"
            );
        }
    }

    /// The `str_release` helper appears in the fast trampoline of a signature exactly when it
    /// has a `string` result and a `string` argument: every other trampoline is the same
    /// whatever its address (so byte-identical to before it existed).
    pub fn str_release_changes_only_string_results(classify: fn(&Signature) -> CallPlan) {
        let more: [(&[&str], &str); 8] = [
            (&["string"], "usize"),
            (&["string", "string"], "i32"),
            (&["string", "f64", "string"], "i64"),
            (&[], "string"),
            (&["i32", "pointer"], "string"),
            (&["string"], "string"),
            (&["string", "i32"], "string"),
            (
                &[
                    "i64", "i64", "i64", "i64", "i64", "i64", "i64", "i64", "string", "string",
                ],
                "string",
            ),
        ];
        for (params, result) in SIGNATURES.into_iter().chain(more) {
            let plan = classify(&Signature::parse(params, result).unwrap());
            let mut t = targets(false);
            let a = trampoline::fast(&plan, &t).unwrap();
            t.str_release = 0x0102_0304_0506;
            let b = trampoline::fast(&plan, &t).unwrap();
            assert_eq!(
                a != b,
                result == "string" && params.contains(&"string"),
                "{params:?} -> {result}"
            );
        }
    }

    /// Assert `classify`'s plans give code hashing to `golden[i] = (fast, invoker)`.
    pub fn check(classify: fn(&Signature) -> CallPlan, golden: [(u64, u64); 7]) {
        let t = targets(false);
        for ((params, result), want) in SIGNATURES.into_iter().zip(golden) {
            let plan = classify(&Signature::parse(params, result).unwrap());
            let f = trampoline::fast(&plan, &t).unwrap();
            let i = trampoline::invoker(&plan, t.target, t.area).unwrap();
            assert_eq!((fnv(&f), fnv(&i)), want, "{params:?} -> {result}");
        }
    }
}
