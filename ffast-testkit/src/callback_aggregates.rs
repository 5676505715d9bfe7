//! Callback entry trampolines with structs by value (docs/callbacks.md §3–§5), called from
//! Rust as C functions: `extern "C"` with `#[repr(C)]` structs is the platform's C ABI, so
//! the compiler passes the aggregates exactly as a C caller would. A recording dispatcher
//! checks the §4 slot contract: scalar slots, the address of each aggregate's bytes, and the
//! address the result's bytes go to.
//!
//! The cases here are the same on every ABI (one copy); each ABI crate's
//! `tests/callback_aggregates.rs` runs them with its classifier on its own target, says where
//! its ABI puts each argument, and adds the cases only its ABI has.
use ffast_core::jit::Arena;
use ffast_core::{trampoline, CallPlan, Signature};
use std::sync::Mutex;

/// An ABI crate's `classify`.
pub type Classify = fn(&Signature) -> CallPlan;

/// Per call: the scalar slots, then each aggregate parameter's bytes.
pub type Seen = Vec<(Vec<u64>, Vec<Vec<u8>>)>;

struct Rec {
    n: usize,
    sizes: Vec<usize>,
    ret: Vec<u8>,
    /// Per call: the scalar slots, then each aggregate parameter's bytes.
    seen: Mutex<Seen>,
}

extern "C" fn record(ctx: usize, slots: *mut u64) {
    // SAFETY: `ctx` is the `Rec` the test keeps alive while it calls the entry.
    let rec = unsafe { &*(ctx as *const Rec) };
    assert_eq!(
        slots as usize % 16,
        0,
        "stack not 16-byte aligned at the dispatch"
    );
    let m = rec.sizes.len();
    // SAFETY: the entry passes n + 1 + m slots (§4).
    let s = unsafe { std::slice::from_raw_parts_mut(slots, rec.n + 1 + m) };
    let aggs = (0..m)
        // SAFETY: slot n + 1 + k is the address of `sizes[k]` readable bytes.
        .map(|k| {
            unsafe { std::slice::from_raw_parts(s[rec.n + 1 + k] as *const u8, rec.sizes[k]) }
                .to_vec()
        })
        .collect();
    rec.seen.lock().unwrap().push((s[..rec.n].to_vec(), aggs));
    if !rec.ret.is_empty() {
        // SAFETY: slot n is where the result's bytes go (hidden pointer or the entry's block).
        unsafe {
            std::ptr::copy_nonoverlapping(rec.ret.as_ptr(), s[rec.n] as *mut u8, rec.ret.len())
        };
    }
}

/// A live callback entry whose dispatcher records what it was given.
pub struct Cb {
    _arena: Arena,
    rec: Box<Rec>,
    /// The entry's address: a C function of the signature it was made for.
    pub code: usize,
}

impl Cb {
    /// What the dispatcher was given so far, one element per call.
    pub fn seen(&self) -> Seen {
        self.rec.seen.lock().unwrap().clone()
    }
}

/// The entry for `params` -> `result` under `classify`; `sizes` are the aggregate parameters'
/// sizes in order, `ret` the result's bytes the dispatcher writes (empty: none).
pub fn make(
    classify: Classify,
    params: &[&str],
    result: &str,
    sizes: &[usize],
    ret: Vec<u8>,
) -> Cb {
    let sig = Signature::parse(params, result).unwrap();
    let plan = classify(&sig);
    let rec = Box::new(Rec {
        n: sig.params.len(),
        sizes: sizes.to_vec(),
        ret,
        seen: Mutex::new(Vec::new()),
    });
    let (arena, code) = super::callbacks::sealed_entry(
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

pub fn bytes<T: Copy>(v: &T) -> Vec<u8> {
    // SAFETY: T is a plain #[repr(C)] value without padding in these tests.
    unsafe { std::slice::from_raw_parts(v as *const T as *const u8, std::mem::size_of::<T>()) }
        .to_vec()
}

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct II {
    pub a: i32,
    pub b: i32,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LD {
    pub a: i64,
    pub b: f64,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fff {
    pub a: f32,
    pub b: f32,
    pub c: f32,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dddd {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct L3 {
    pub a: i64,
    pub b: i64,
    pub c: i64,
}

/// `(i32, II, i32) -> LD`: a small aggregate between two ints, a 16-byte mixed result.
pub fn registers_between_scalars_and_a_register_result(classify: Classify) {
    let want = LD { a: -7, b: 2.5 };
    let cb = make(
        classify,
        &["i32", "struct{a:i32,b:i32}", "i32"],
        "struct{a:i64,b:f64}",
        &[8],
        bytes(&want),
    );
    // SAFETY: the entry is a C function of this signature.
    let f: extern "C" fn(i32, II, i32) -> LD = unsafe { std::mem::transmute(cb.code) };
    assert_eq!(f(5, II { a: 11, b: -12 }, -3), want);
    assert_eq!(
        cb.seen(),
        vec![(
            vec![5u64, (-3i64) as u64],
            vec![bytes(&II { a: 11, b: -12 })]
        )]
    );
}

/// `(7 × i64, L3, f32) -> Dddd`, called twice: a 24-byte aggregate after seven integers and a
/// 32-byte result.
pub fn seven_integers_a_24_byte_struct_and_a_32_byte_result(classify: Classify) {
    let want = Dddd {
        a: 1.5,
        b: -2.0,
        c: 3.25,
        d: 1e300,
    };
    let l3 = L3 {
        a: 1 << 40,
        b: -5,
        c: 99,
    };
    let cb = make(
        classify,
        &[
            "i64",
            "i64",
            "i64",
            "i64",
            "i64",
            "i64",
            "i64",
            "struct{a:i64,b:i64,c:i64}",
            "f32",
        ],
        "struct{a:f64,b:f64,c:f64,d:f64}",
        &[24],
        bytes(&want),
    );
    // SAFETY: as above.
    let f: extern "C" fn(i64, i64, i64, i64, i64, i64, i64, L3, f32) -> Dddd =
        unsafe { std::mem::transmute(cb.code) };
    for _ in 0..2 {
        assert_eq!(f(1, 2, 3, 4, 5, 6, 7, l3, 0.5), want);
    }
    let seen = cb.seen();
    let mut scalars: Vec<u64> = (1..=7).collect();
    scalars.push(0.5f32.to_bits() as u64);
    assert_eq!(seen[1], (scalars, vec![bytes(&l3)]));
}

/// `(Fff, LD, 5 × i64, LD) -> Fff`: a float aggregate, a mixed one, and a second mixed one
/// after the integers have used up the general registers it would need.
pub fn mixed_and_float_aggregates_in_registers_and_past_them(classify: Classify) {
    let want = Fff {
        a: 1.0,
        b: -2.0,
        c: 0.125,
    };
    let (x, y, z) = (
        Fff {
            a: 3.0,
            b: 4.0,
            c: 5.0,
        },
        LD { a: 42, b: -0.5 },
        LD { a: -1, b: 7.0 },
    );
    let cb = make(
        classify,
        &[
            "struct{a:f32,b:f32,c:f32}",
            "struct{a:i64,b:f64}",
            "i64",
            "i64",
            "i64",
            "i64",
            "i64",
            "struct{a:i64,b:f64}",
        ],
        "struct{a:f32,b:f32,c:f32}",
        &[12, 16, 16],
        bytes(&want),
    );
    // SAFETY: as above.
    let f: extern "C" fn(Fff, LD, i64, i64, i64, i64, i64, LD) -> Fff =
        unsafe { std::mem::transmute(cb.code) };
    assert_eq!(f(x, y, 1, 2, 3, 4, 5, z), want);
    assert_eq!(
        cb.seen(),
        vec![(vec![1, 2, 3, 4, 5], vec![bytes(&x), bytes(&y), bytes(&z)])]
    );
}

/// The layout of a scalar-only plan is empty: the entry is what it was (the golden
/// disassembly pins the bytes).
pub fn scalar_only_entries_keep_their_frame(classify: Classify) {
    let plan = classify(&Signature::parse(&["i32", "f64"], "i32").unwrap());
    assert!(trampoline::CallbackLayout::new(&plan).is_empty());
}

/// One `#[test]` per shared case whose name is the same on every ABI, for a test file gated to
/// its target that passes its `classify`; the file writes the cases it names its own way.
#[macro_export]
macro_rules! shared_callback_aggregate_tests {
    ($classify:expr) => {
        #[test]
        fn registers_between_scalars_and_a_register_result() {
            $crate::callback_aggregates::registers_between_scalars_and_a_register_result($classify);
        }

        #[test]
        fn mixed_and_float_aggregates_in_registers_and_past_them() {
            $crate::callback_aggregates::mixed_and_float_aggregates_in_registers_and_past_them(
                $classify,
            );
        }

        #[test]
        fn scalar_only_entries_keep_their_frame() {
            $crate::callback_aggregates::scalar_only_entries_keep_their_frame($classify);
        }
    };
}
