//! C fixtures: compiled with `FFAST_TEST_CC`, loaded, and an ABI crate's tests built against
//! its own fixture.

use crate::harness::{build_with, Built};
use crate::targets;
use ffast_core::{CallPlan, Signature};
use std::path::{Path, PathBuf};

/// A compiled and loaded C fixture.
pub struct Fixture(libloading::Library);

/// An ABI crate's trampoline tests: its `tests/fixture.c`, compiled once per test binary, and
/// [`build`](crate::build) for signatures spelled as type names with that crate's `classify`.
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
        let address = targets::by_name(target).unwrap_or_else(|| self.fixture().sym(target));
        build_with(&plan, address, fallback)
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
