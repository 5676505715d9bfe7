//! Callback entry trampolines with structs by value (docs/callbacks.md §3–§5), called from
//! Rust as C functions: `extern "C"` with `#[repr(C)]` structs is the platform's C ABI, so
//! the compiler passes the aggregates exactly as a C caller would. A recording dispatcher
//! checks the §4 slot contract: scalar slots, the address of each aggregate's bytes, and the
//! address the result's bytes go to.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

use ffast_abi_sysv64::classify;
use ffast_core::jit::Arena;
use ffast_core::{trampoline, Signature};
use std::sync::Mutex;

/// Per call: the scalar slots, then each aggregate parameter's bytes.
type Seen = Vec<(Vec<u64>, Vec<Vec<u8>>)>;

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

struct Cb {
    _arena: Arena,
    rec: Box<Rec>,
    code: usize,
}

fn make(params: &[&str], result: &str, sizes: &[usize], ret: Vec<u8>) -> Cb {
    let sig = Signature::parse(params, result).unwrap();
    let plan = classify(&sig);
    let rec = Box::new(Rec {
        n: sig.params.len(),
        sizes: sizes.to_vec(),
        ret,
        seen: Mutex::new(Vec::new()),
    });
    let code = trampoline::callback_entry(
        &plan,
        &*rec as *const Rec as usize,
        record as *const () as usize,
    )
    .unwrap();
    let mut arena = Arena::new();
    let code = arena.write(&code).unwrap().0;
    arena.seal().unwrap();
    Cb {
        _arena: arena,
        rec,
        code,
    }
}

fn bytes<T: Copy>(v: &T) -> Vec<u8> {
    // SAFETY: T is a plain #[repr(C)] value without padding in these tests.
    unsafe { std::slice::from_raw_parts(v as *const T as *const u8, std::mem::size_of::<T>()) }
        .to_vec()
}

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
struct II {
    a: i32,
    b: i32,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
struct LD {
    a: i64,
    b: f64,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
struct Fff {
    a: f32,
    b: f32,
    c: f32,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
struct Dddd {
    a: f64,
    b: f64,
    c: f64,
    d: f64,
}
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
struct L3 {
    a: i64,
    b: i64,
    c: i64,
}

#[test]
fn registers_between_scalars_and_a_register_result() {
    // II in one general register between two ints; LD returned in rax + xmm0.
    let want = LD { a: -7, b: 2.5 };
    let cb = make(
        &["i32", "struct{a:i32,b:i32}", "i32"],
        "struct{a:i64,b:f64}",
        &[8],
        bytes(&want),
    );
    // SAFETY: the entry is a C function of this signature.
    let f: extern "C" fn(i32, II, i32) -> LD = unsafe { std::mem::transmute(cb.code) };
    assert_eq!(f(5, II { a: 11, b: -12 }, -3), want);
    let seen = cb.rec.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec![(
            vec![5u64, (-3i64) as u64],
            vec![bytes(&II { a: 11, b: -12 })]
        )]
    );
}

#[test]
fn a_memory_result_through_the_hidden_pointer_after_seven_integers() {
    // Dddd is MEMORY: rdi carries the result's address, the seven integers shift to rsi.., the
    // last one and the 24-byte L3 (MEMORY too) go on the stack as an image.
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
    let seen = cb.rec.seen.lock().unwrap().clone();
    let mut scalars: Vec<u64> = (1..=7).collect();
    scalars.push(0.5f32.to_bits() as u64);
    assert_eq!(seen[1], (scalars, vec![bytes(&l3)]));
}

#[test]
fn mixed_and_float_aggregates_in_registers_and_past_them() {
    // Fff in xmm0 (a, b) + xmm1 (c), LD in a general register and an xmm register, the second
    // LD after the general registers are used up: on the stack; the result Fff in xmm0/xmm1.
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
    let seen = cb.rec.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec![(vec![1, 2, 3, 4, 5], vec![bytes(&x), bytes(&y), bytes(&z)])]
    );
}

#[test]
fn scalar_only_entries_keep_their_frame() {
    // The layout of a scalar-only plan is empty: the entry is what it was (the golden
    // disassembly pins the bytes).
    let plan = classify(&Signature::parse(&["i32", "f64"], "i32").unwrap());
    assert!(trampoline::CallbackLayout::new(&plan).is_empty());
}
