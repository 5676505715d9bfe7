//! Callback entry trampolines called by C (`testdata/callback_fixture.c`) with many argument
//! shapes. A recording dispatcher keeps the slots it was given and writes a chosen result.

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
    let (arena, code) = sealed_entry(
        &plan,
        &*rec as *const Rec as usize,
        record as *const () as usize,
    );
    Cb {
        _arena: arena,
        rec,
        code,
    }
}

/// `plan`'s callback entry with context `ctx` and dispatcher `dispatch`, placed in an arena of
/// its own and sealed: (the arena, which must outlive every call of the entry; its address).
pub(crate) fn sealed_entry(plan: &CallPlan, ctx: usize, dispatch: usize) -> (Arena, usize) {
    let code = trampoline::callback_entry(plan, ctx, dispatch).unwrap();
    let mut arena = Arena::new();
    let code = arena.write(&code).unwrap().0;
    arena.seal().unwrap();
    (arena, code)
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
